"""`python -m napkg_graph` is `napkg`."""

from .cli import main

main()

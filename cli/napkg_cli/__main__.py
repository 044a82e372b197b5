"""`python -m napkg_cli` is `napkg`."""

from napkg_cli.main import main

main()

"""The ``napkg`` command-line program, above both the build (napkg_graph) and the server (napkg_server):
``napkg build|validate|serve|query|publish``."""

"""The SPARQL 1.1 Protocol endpoint: reading a request off HTTP (protocol), answering it (answers), the ``/sparql``
fast path and routes, the service description and the OpenAPI of ``/sparql``."""

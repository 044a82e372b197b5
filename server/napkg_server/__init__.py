"""The nap-kg HTTP service: a read-only SPARQL 1.1 endpoint over an embedded pyoxigraph store."""

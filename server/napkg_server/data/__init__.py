"""The data served: the in-memory and on-disk stores, a remote endpoint's dataset, checksums, and reload
(with the server's own ``queries/*.rq``, read by :func:`napkg_server.data.store.read_query`)."""

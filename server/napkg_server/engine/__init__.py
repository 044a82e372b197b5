"""The query engine: jobs and their evaluation, the worker pool and its sandbox, the answer cache, the remote
executor, the result formats, and the keyword scan that runs before a query reaches pyoxigraph."""

"""HTTP concerns shared by every route: limits, connection guards, security headers, CORS, HEAD, content
negotiation, the one error type (problems) and the access log."""

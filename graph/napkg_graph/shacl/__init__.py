"""SHACL validation of the build: pySHACL (the reference) and the fast engine that mirrors pySHACL 0.40
(validate_fast, fast_shapes, fast_checks), both reporting through report."""

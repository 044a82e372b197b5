"""Build the nap-kg dataset: sources -> RDF -> SHACL validation -> dist/."""

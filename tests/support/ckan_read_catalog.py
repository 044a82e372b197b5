"""Run by tests/graph/test_release_ckan.py with the Python of a separate virtual environment holding CKAN and
ckanext-dcat (.venv-ckan, made by tests/bootstrap.sh): reads a DCAT catalog with ckanext-dcat's RDF parser, as a
CKAN harvester does, and prints what it made of each dataset as JSON (title, version, version notes, is_version_of,
and each resource's URL and hash)."""

from __future__ import annotations

import json
import sys


def main(path: str) -> None:
    from ckanext.dcat.processors import RDFParser  # only in .venv-ckan, so not imported at collection time

    parser = RDFParser()
    with open(path, encoding="utf-8") as stream:
        parser.parse(stream.read(), _format="turtle")
    found = []
    for dataset in parser.datasets():
        extras = {e["key"]: e["value"] for e in dataset.get("extras", [])}
        found.append(
            {
                "title": dataset.get("title"),
                "version": dataset.get("version"),
                "version_notes": extras.get("version_notes"),
                "is_version_of": json.loads(extras.get("is_version_of", "[]")),
                "resources": sorted((r.get("url"), r.get("hash")) for r in dataset.get("resources", [])),
            }
        )
    print(json.dumps(sorted(found, key=lambda d: d["title"]), indent=1))


if __name__ == "__main__":
    main(sys.argv[1])

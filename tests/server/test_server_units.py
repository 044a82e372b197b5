"""Unit tests of the pieces the endpoint is built from: Accept negotiation, the keyword scanner, settings from
the environment and flags, loading errors. (The modules' docstring examples run as tests: --doctest-modules.)"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data" / "endpoint"

# --- Units the server is built from --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "service", "dataset", "updates"),
    [
        ("SELECT * { ?s ?p ?o }", False, False, []),
        ("select * from <g> { }", False, True, []),
        ('SELECT * { ?s ex:service \'SERVICE\' ; ?from """FROM\n""" } # SERVICE', False, False, []),
        ("SELECT * { service <http://x/> { ?s ?p ?o } }", True, False, []),
        (r"SELECT * { \u0053ERVICE <http://x/> { } }", True, False, []),
        ("SELECT * { ?a ?b ?c FILTER(?a < ?b && ?c > 2) } ", False, False, []),
        (
            "WITH <g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
            False,
            False,
            ["DELETE", "INSERT", "WITH"],
        ),
        ("SELECT * { ?s <http://ex/insert#drop> 'LOAD' }", False, False, []),
    ],
)
def test_query_scan(text: str, service: bool, dataset: bool, updates: list[str]) -> None:
    from napkg_server.engine.query_scan import keywords, update_keywords

    assert ("SERVICE" in keywords(text)) is service
    assert ("FROM" in keywords(text)) is dataset
    assert update_keywords(text) == updates


def test_settings_from_env_and_flags(tmp_path: Path) -> None:
    from napkg_cli.serve import add_serve_arguments, settings_from_args
    from napkg_server.settings import DataSource, Settings

    env = {
        "NAPKG_PORT": "8123",
        "NAPKG_QUERY_TIMEOUT": "7",
        "NAPKG_DATA": "'a b.ttl' c.nt",
        "NAPKG_CORS_ORIGINS": "https://a.example https://b.example",
        "NAPKG_MAX_CONCURRENT_QUERIES": "3",
    }
    settings = Settings.from_env(env)
    assert (settings.port, settings.query_timeout, settings.max_concurrent_queries) == (
        8123,
        7.0,
        3,
    )
    assert settings.data == (DataSource(Path("a b.ttl")), DataSource(Path("c.nt")))
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    with pytest.raises(ValueError, match="NAPKG_PORT"):
        Settings.from_env({"NAPKG_PORT": "eighty"})
    with pytest.raises(ValueError, match="query_timeout"):
        Settings(query_timeout=0)
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]

    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    args = parser.parse_args(
        [
            "--data",
            "x.trig",
            "--named-graph",
            "http://ex/g",
            "y.nt",
            "--data",
            "z.ttl",
            "--query-timeout",
            "2",
            "--port",
            "9",
        ]
    )
    flagged = settings_from_args(args)
    assert flagged.data == (
        DataSource(Path("x.trig")),
        DataSource(Path("y.nt"), "http://ex/g"),
        DataSource(Path("z.ttl")),
    )
    assert (flagged.query_timeout, flagged.port, flagged.host) == (2.0, 9, "127.0.0.1")


def test_loading_errors(tmp_path: Path) -> None:
    from napkg_server.data.store import DataLoadError, load_dataset
    from napkg_server.settings import DataSource

    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .")
    unknown = tmp_path / "data.csv"
    unknown.write_text("a,b")
    cases = [
        (DataSource(tmp_path / "missing.ttl"), "no such file"),
        (DataSource(unknown), "unknown RDF file extension"),
        (DataSource(broken), "broken.ttl"),
        (DataSource(DATA / "graphs.trig", "http://ex/g"), "only triples files"),
    ]
    for source, message in cases:
        with pytest.raises(DataLoadError, match=message):
            load_dataset([source], "https://example.org/")


def test_only_a_file_we_checksummed_is_parsed_leniently(tmp_path: Path) -> None:
    """A dump listed with its sha256 in the SHA256SUMS beside it (as napkg build writes) skips re-validation;
    any other file, or one changed since it was checksummed, is parsed strictly and refused when malformed."""
    import hashlib

    from napkg_server.data.store import DataLoadError, load_dataset
    from napkg_server.settings import DataSource

    dump = tmp_path / "nap-kg.nt"
    dump.write_text("<http://example.org/a b> <http://example.org/p> <http://example.org/o> .\n")  # IRI with a space
    with pytest.raises(DataLoadError, match=r"nap-kg\.nt"):
        load_dataset([DataSource(dump)], "https://example.org/")
    (tmp_path / "SHA256SUMS").write_text(f"{hashlib.sha256(dump.read_bytes()).hexdigest()}  nap-kg.nt\n")
    assert load_dataset([DataSource(dump)], "https://example.org/").info.statements == 1
    dump.write_text(dump.read_text() + "<http://example.org/c d> <http://example.org/p> <http://example.org/o> .\n")
    with pytest.raises(DataLoadError, match=r"nap-kg\.nt"):
        load_dataset([DataSource(dump)], "https://example.org/")


def test_cli_reports_bad_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from napkg_cli.serve import add_serve_arguments, run_serve

    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    assert run_serve(parser.parse_args(["--data", str(tmp_path / "nope.ttl")])) == 1
    assert "nope.ttl: no such file" in capsys.readouterr().err


def test_negotiation_units() -> None:
    from napkg_server.formats import ResultKind
    from napkg_server.http.negotiation import accept_from_format_values, negotiate

    assert negotiate("application/x-turtle", ResultKind.GRAPH).key == "ttl"  # type: ignore[union-attr]
    assert negotiate("TEXT/CSV", ResultKind.SOLUTIONS).key == "csv"  # type: ignore[union-attr]
    assert negotiate("", ResultKind.SOLUTIONS).key == "json"  # type: ignore[union-attr]
    assert negotiate("*/*;q=0", ResultKind.GRAPH) is None
    assert accept_from_format_values(["", "tsv", "text/tab-separated-values"]) == (
        "text/tab-separated-values, text/tab-separated-values"
    )
    assert accept_from_format_values([""]) is None
    assert json.loads(json.dumps(accept_from_format_values(["xml"]))) == (
        "application/sparql-results+xml, application/rdf+xml"
    )

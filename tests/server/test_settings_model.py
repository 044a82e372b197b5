"""The one settings model (napkg_graph.config.NapkgSettings, napkg_server.settings.Settings): flags generated from
its fields, flags over environment over defaults, one-line errors, the names users' scripts rely on, and the
README's Limits table checked against the fields."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from napkg_cli.main import main, parser
from napkg_cli.serve import add_serve_arguments, run_serve, settings_from_args
from napkg_graph.config import DEFAULT_BASE_IRI, REPO_ROOT, BuildSettings, env_name, flag_help, flag_name, opt
from napkg_server.settings import DataSource, Settings

# Flags of `napkg serve` and `napkg build` before the model generated them (users' scripts depend on them).
SERVE_FLAGS = {
    "--access-log", "--access-log-queries", "--base-iri", "--body-timeout", "--data", "--dist",
    "--federation-allow", "--forwarded-allow-ips", "--header-timeout", "--host", "--log-level",
    "--max-concurrent-queries", "--max-connections", "--max-header-bytes", "--max-header-count",
    "--max-queries-per-client", "--max-query-depth", "--max-query-length", "--max-request-bytes",
    "--max-response-bytes", "--max-rows", "--named-graph", "--port", "--query-memory", "--query-timeout",
    "--releases", "--remote", "--sources", "--store",
    "--remote-graphs", "--remote-method", "--remote-union-graph",  # issue 15
}  # fmt: skip
BUILD_FLAGS = {"--base-iri", "--dist", "--sources"}
# Flags added since (only added: the ones above stay): extra report folders and test fixtures (issue 16).
ADDED_BUILD_FLAGS = {"--extra-sources", "--allow-test-fixtures"}


def _flags(command: str) -> set[str]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {o for action in sub.choices[command]._actions for o in action.option_strings if o.startswith("--")}


def test_flag_names_are_kept() -> None:
    assert _flags("serve") - {"--help"} - ADDED_BUILD_FLAGS == SERVE_FLAGS
    assert _flags("build") - {"--help"} == BUILD_FLAGS | ADDED_BUILD_FLAGS


def test_every_flagged_field_has_its_flag_with_the_fields_description() -> None:
    p = argparse.ArgumentParser()
    add_serve_arguments(p)
    by_flag = {o: a for a in p._actions for o in a.option_strings}
    flagged = {name for name, field in Settings.model_fields.items() if opt(field).flag}
    assert flagged == set(Settings.model_fields) - {"data", "cors_origins", "result_cache_bytes", "admin_token"}
    for name in flagged:
        field = Settings.model_fields[name]
        action = by_flag[flag_name(name)]
        assert (action.dest, action.help, action.metavar) == (name, flag_help(field), opt(field).metavar)


def test_defaults_are_written_once_in_the_field_and_shown_in_the_help() -> None:
    """No description spells its default by hand (it would go stale when the default changes); the help adds it."""
    fields = {**BuildSettings.model_fields, **Settings.model_fields}
    spelt = [name for name, field in fields.items() if re.search(r"default(?! graph)", field.description or "")]
    assert spelt == []
    p = argparse.ArgumentParser()
    add_serve_arguments(p)
    helps = {o: a.help for a in p._actions for o in a.option_strings}
    assert helps["--query-timeout"] == "stop queries running longer than this (default: 30)"
    assert helps["--max-concurrent-queries"] == "query worker processes (default: cores, at least 2)"
    assert (
        helps["--federation-allow"]
        == "SERVICE endpoint(s) queries may call; without one, federation is off (default: none)"
    )
    assert helps["--store"] == (
        "keep the data in an on-disk store in DIR: loaded from --data when given, else reopened as it is"
    )
    assert helps["--access-log-queries"] == "log query texts, not only their hash"


def test_flags_over_environment_over_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    p = argparse.ArgumentParser()
    add_serve_arguments(p)
    monkeypatch.setenv("NAPKG_MAX_ROWS", "7")
    monkeypatch.setenv("NAPKG_PORT", "9001")
    monkeypatch.setenv("NAPKG_FORWARDED_ALLOW_IPS", "10.0.0.1,10.0.0.2")
    monkeypatch.setenv("NAPKG_ACCESS_LOG_QUERIES", "yes")
    flags = ["--port", "9002", "--query-memory", "1G", "--forwarded-allow-ips", "192.0.2.1,192.0.2.2", "192.0.2.3"]
    args = p.parse_args([*flags, "--data", "a.ttl", "--named-graph", "http://ex/g", "b.nt", "--dist", "out"])
    s = settings_from_args(args)
    assert (s.port, s.max_rows, s.query_memory, s.access_log_queries, s.max_header_count) == (9002, 7, 2**30, True, 100)
    assert s.forwarded_allow_ips == ("192.0.2.1", "192.0.2.2", "192.0.2.3")
    assert s.data == (DataSource(Path("a.ttl")), DataSource(Path("b.nt"), "http://ex/g"))
    assert (s.dist, s.base_iri) == (Path("out"), DEFAULT_BASE_IRI)


def test_build_settings_read_the_same_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NAPKG_BASE_IRI", "https://example.org/nap/")
    monkeypatch.setenv("NAPKG_DIST", str(tmp_path))
    monkeypatch.setenv("NAPKG_SOURCES", "/nowhere")  # --sources has no environment variable, as before
    b = BuildSettings()
    assert (b.base_iri, b.dist, b.sources) == ("https://example.org/nap/", tmp_path, None)
    assert Settings().base_iri == "https://example.org/nap/"
    assert BuildSettings.from_env({}, dist=Path("x")).dist == Path("x")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"NAPKG_PORT": "eighty"}, "NAPKG_PORT='eighty': invalid literal for int() with base 10: 'eighty'"),
        ({"NAPKG_PORT": "70000"}, "port must be 0..65535, not 70000"),
        ({"NAPKG_QUERY_MEMORY": "much"}, "NAPKG_QUERY_MEMORY='much': not a size in bytes (such as 512M or 2G): 'much'"),
        ({"NAPKG_NAMED_GRAPHS": "http://ex/g"}, "NAPKG_NAMED_GRAPHS must hold IRI FILE pairs"),
        ({"NAPKG_FEDERATION_ALLOW": "db"}, "federation_allow needs absolute IRIs, not 'db'"),
    ],
)
def test_bad_environment_gives_one_line(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        Settings.from_env(environ)
    assert str(raised.value) == message


def test_bad_flag_value_gives_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    p = argparse.ArgumentParser()
    add_serve_arguments(p)
    assert run_serve(p.parse_args(["--max-rows", "0"])) == 1
    assert capsys.readouterr().err == "napkg serve: max_rows must be at least 1\n"
    with pytest.raises(SystemExit) as exited:
        main(["build", "--base-iri", "https://example.org/nap"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == "napkg: error: base IRI must end with '/' or '#': 'https://example.org/nap'\n"


ROW = re.compile(r"^\| `(NAPKG_[A-Z_]+)` / `(--[a-z-]+)(?: ([A-Z]+)…)?` \| ([^|]+) \|", re.MULTILINE)


def test_readme_limits_table_lists_exactly_the_limit_fields() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Limits", 1)[1].split("\n\n")[2]
    rows = {env: (flag, metavar, shown.strip()) for env, flag, metavar, shown in ROW.findall(table)}
    limits = {name: field for name, field in Settings.model_fields.items() if opt(field).limit}
    assert set(rows) == {env_name(name) for name in limits}
    for name, field in limits.items():
        flag, metavar, shown = rows[env_name(name)]
        option = opt(field)
        assert flag == flag_name(name)
        assert metavar == (option.metavar if option.many else "")
        if option.shown_default is not None:
            assert shown.startswith(option.shown_default), name
        elif shown.startswith("none"):
            assert field.default in ((), None), name
        else:
            assert float(shown.split()[0]) == field.default, name

"""`napkg query NAME`: a saved question run locally on dist/nap-kg.trig, printed as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from napkg_graph.config import BuildSettings
from napkg_graph.pipeline import BuildResult


def napkg(settings: BuildSettings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "napkg_cli", "query", *args, "--dist", str(settings.dist)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def dist(built: BuildResult, settings: BuildSettings) -> BuildSettings:
    return settings


def test_list(dist: BuildSettings) -> None:
    result = napkg(dist, "--list")
    assert result.returncode == 0
    assert "eu-instrument-trail" in result.stdout and "--param instrument=" in result.stdout


def test_table_is_aligned_and_readable(dist: BuildSettings) -> None:
    result = napkg(dist, "eu-instrument-trail")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# The trail of an EU instrument")
    header, rule = lines[1], lines[2]
    assert header.split()[:3] == ["instrument", "number", "actionPoint"]
    assert set(rule.replace(" ", "")) == {"-"}
    rows = lines[3:-1]
    assert len(rows) == 8 and lines[-1] == "(8 rows)"
    # IRIs under the base are shown by their path; columns start where the header's do
    assert rows[0].startswith("id/eu/csddd")
    start, end = header.index("actionPoint"), header.index("pillar")
    # a long IRI path keeps its head and its tail, which names the action point the number column gives
    assert all(r[start:end].strip().endswith(f"/{r.split()[1]}") for r in rows)
    assert all(r[start:].startswith("id/") for r in rows)
    assert all(len(line) <= 100 for line in lines)


def test_long_texts_are_cut_to_fit(dist: BuildSettings) -> None:
    result = napkg(dist, "delayed-action-points")
    assert result.returncode == 0
    assert "…" in result.stdout
    assert all(len(line) <= 100 for line in result.stdout.splitlines())


def test_csv_with_a_parameter(dist: BuildSettings) -> None:
    result = napkg(dist, "ministry-responsibilities", "--param", "organisation=jenv", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6
    assert {r["organisation"] for r in rows} == {"https://w3id.org/nap-kg/id/organisatie/jenv"}


def test_json(dist: BuildSettings) -> None:
    result = napkg(dist, "kamerstukken-cited-by-several", "--format", "json")
    data = json.loads(result.stdout)
    bindings = data["results"]["bindings"]
    assert [b["identifier"]["value"] for b in bindings] == ["kst-22112-3393"]


def test_bad_parameter_and_unknown_name(dist: BuildSettings) -> None:
    bad = napkg(dist, "eu-instrument-trail", "--param", "instrument=CS DDD")
    assert bad.returncode == 2 and "is not a key" in bad.stderr and bad.stdout == ""
    unknown = napkg(dist, "no-such-question")
    assert unknown.returncode == 2 and "unknown saved question" in unknown.stderr

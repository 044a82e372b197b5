"""User errors of the `napkg` command line: one line naming the file, the line where known and the problem; exit 2,
no traceback. "The data does not conform" stays exit 1."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from napkg_cli.main import main
from napkg_graph.config import REPO_ROOT

SOURCES = REPO_ROOT / "graph" / "sources"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    # Progress lines ("napkg: reading sources ...") may come first; the error is the one last line.
    errors = [line for line in err.splitlines() if line.startswith("napkg: error")]
    assert len(errors) <= 1 and err.strip().splitlines()[-1:] == errors[-1:], err
    return int(stopped.value.code or 0), errors[-1] if errors else err.strip()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "broken.ttl",
            b'@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n',
            r"broken\.ttl:3: .*end of file",
        ),
        ("triple.nt", b"<http://a> <http://b> .\n", r"triple\.nt:1: .*object of a triple"),
        ("latin1.ttl", b'@prefix ex: <http://e/> .\nex:a ex:b "caf\xe9" .\n', r"latin1\.ttl:2: not UTF-8"),
        ("binary.ttl", b"\x7fELF\x02\x01\x01\x00\x00\x00", r"binary\.ttl: a binary file, not RDF"),
        ("data.xyz", b"<http://a> <http://b> <http://c> .\n", r"data\.xyz: unknown RDF format"),
    ],
)
def test_validate_names_file_line_and_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, err = run(capsys, "validate", str(path))
    assert code == 2
    assert err.startswith(f"napkg: error: {tmp_path}/")
    assert re.search(message, err), err


def test_validate_missing_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate", str(tmp_path / "gone.ttl")) == (
        2,
        f"napkg: error: {tmp_path}/gone.ttl: no such file",
    )
    assert run(capsys, "validate", str(tmp_path)) == (2, f"napkg: error: {tmp_path}: not a file")


def test_nonconforming_data_is_exit_1_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ap.ttl"
    path.write_text("<https://w3id.org/nap-kg/id/actiepunt/99> a <https://w3id.org/nap-kg/def/ActionPoint> .\n")
    with pytest.raises(SystemExit) as stopped:
        main(["validate", "--violations-only", str(path)])
    out = capsys.readouterr()
    assert stopped.value.code == 1
    assert "Traceback" not in out.err and "napkg: error" not in out.err
    assert "ActionPoint" in out.out


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_build_invalid_yaml_names_file_and_line(
    sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = sources / "actiepunten" / "17.yaml"
    lines = record.read_text(encoding="utf-8").splitlines()
    number_line = next(i for i, line in enumerate(lines, start=1) if line.startswith("number:"))
    _edit(record, "number: 17", "number: [17")
    code, err = run(capsys, "build", "--sources", str(sources), "--dist", str(tmp_path / "dist"))
    assert code == 2
    found = re.fullmatch(rf"napkg: error: {re.escape(str(record))}:(\d+): not valid YAML: .+", err)
    assert found, err
    assert int(found.group(1)) >= number_line  # the parser notices the open bracket on that line or after it
    assert not (tmp_path / "dist").exists()


def test_build_unknown_status(sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = sources / "rapporten" / "voortgangsrapportage-2024" / "stand-van-zaken" / "17.yaml"
    _edit(record, 'status: "Voltooid"', 'status: "Bijna klaar"')
    code, err = run(capsys, "build", "--sources", str(sources), "--dist", str(tmp_path / "dist"))
    assert code == 2
    assert err.startswith(f"napkg: error: {record}: status 'Bijna klaar' is not one of"), err


def test_build_missing_required_field(sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = sources / "rapporten" / "voortgangsrapportage-2024" / "stand-van-zaken" / "17.yaml"
    _edit(record, 'status: "Voltooid"', "")
    code, err = run(capsys, "build", "--sources", str(sources), "--dist", str(tmp_path / "dist"))
    assert (code, err) == (2, f"napkg: error: {record}: missing required field 'status'")


def test_a_real_process_prints_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("<http://a> <http://b> .\n")
    done = subprocess.run(
        [sys.executable, "-m", "napkg_cli", "validate", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"napkg: error: {path}:1: "), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""

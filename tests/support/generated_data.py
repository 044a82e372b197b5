"""Small generated data for the query-limit tests: SUBJECTS numbered subjects, so that a three-way cross product
over them (SUBJECTS^3 rows) runs far past any time or memory limit while a point lookup stays instant."""

from __future__ import annotations

from pathlib import Path

SUBJECTS = 1500
P = "<https://example.org/gen/p>"


def write_numbers(folder: Path) -> Path:
    """``folder/numbers.nt``: ``<.../s{i}> P i`` for i below SUBJECTS."""
    data = folder / "numbers.nt"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    data.write_text("".join(f'<https://example.org/gen/s{i}> {P} "{i}"^^{integer} .\n' for i in range(SUBJECTS)))
    return data

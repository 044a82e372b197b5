"""Reads the paragraphs and footnotes of the 2025 letter from its Word-to-text extraction.

The extraction is clean apart from Word artefacts, which are removed here by rule rather than by hand:
`[bookmark: _Hlk...]` anchors, `[footnoteRef:N]` markers (kept as `[^N]`) and footnote bodies `[N: text]`
written inline after the paragraph that cites them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[footnoteRef:(\d+)\]")
_FOOTNOTE_BODY = re.compile(r"\[(\d+):\s+([^\]]*)\]")
_HEADING = re.compile(r"^Pijler (\d): ")
_SALUTATION = "Geachte voorzitter,"


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, document order, headings and salutation excluded
    line: int  # 1-based line in the text file
    text: str  # verbatim, with footnote markers as [^N]
    heading_pillar: int | None  # the pillar heading the paragraph stands under
    footnotes: dict[str, str]  # marker -> footnote text


def read_paragraphs(document: str) -> list[Paragraph]:
    """Paragraphs of the letter body, up to the signature block.

    >>> letter = "Geachte voorzitter,\\n\\nEen.[footnoteRef:2] [2:  Noot.]\\n\\n\\tOndertekening"
    >>> [(p.text, p.footnotes) for p in read_paragraphs(letter)]
    [('Een.[^2]', {'2': 'Noot.'})]
    """
    paragraphs: list[Paragraph] = []
    pillar: int | None = None
    for line_no, raw in enumerate(document.splitlines(), start=1):
        if raw.startswith("\t"):  # the signature block is indented: the body has ended
            break
        line = _BOOKMARK.sub("", raw).strip()
        if not line or line == _SALUTATION:
            continue
        heading = _HEADING.match(line)
        if heading:
            pillar = int(heading.group(1))
            continue
        footnotes = {m.group(1): m.group(2).strip() for m in _FOOTNOTE_BODY.finditer(line)}
        body = _FOOTNOTE_REF.sub(r"[^\1]", _FOOTNOTE_BODY.sub("", line)).strip()
        if body:
            paragraphs.append(Paragraph(len(paragraphs) + 1, line_no, body, pillar, footnotes))
    return paragraphs

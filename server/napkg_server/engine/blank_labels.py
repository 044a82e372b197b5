r"""Blank-node labels of any syntax in a remote endpoint's answer, made ones pyoxigraph's parsers take.

Engines label blank nodes as they like: Virtuoso writes ``{"type": "bnode", "value": "nodeID://b10003"}`` in SPARQL
JSON, which no RDF syntax allows as a label, so pyoxigraph refuses the whole answer. A label is local to one answer
document, so any one-to-one renaming within it keeps the answer's meaning: a label that is already valid (ASCII
letters, digits, ``_``, ``-``, ``.`` not at the end) stays; any other becomes ``x`` and the hexadecimal of its UTF-8
bytes. The rewriters work on the answer as it downloads, chunk by chunk, holding back only the unfinished end of a
chunk (in N-Triples the last line; in SPARQL JSON what follows the last ``}``, as a blank-node object holds none).

>>> label("b10003"), label("nodeID://b10003")
('b10003', 'x6e6f646549443a2f2f623130303033')
>>> r = JsonLabels()
>>> r.feed(b'[{"type": "bnode", "val') + r.feed(b'ue": "nodeID://b1"}, {"type":"literal","value":"nodeID://b1"}]')
b'[{"type": "bnode", "value": "x6e6f646549443a2f2f6231"}, {"type":"literal","value":"nodeID://b1"}'
>>> r.end()
b']'
>>> n = NTriplesLabels()
>>> n.feed(b'_:nodeID://b1 <http://ex/p> "_:a b" .\n_:ok <http://ex/p> _:b') + n.feed(b'#2 .\n') + n.end()
b'_:x6e6f646549443a2f2f6231 <http://ex/p> "_:a b" .\n_:ok <http://ex/p> _:x622332 .\n'
"""

from __future__ import annotations

import json
import re

_VALID = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")

# A blank-node object of SPARQL JSON, its two members in either order; a JSON string cannot hold an unescaped quote,
# so this never matches inside one (a literal's text "\"type\": \"bnode\"" has backslashes before its quotes).
_STRING = rb'"((?:[^"\\]|\\.)*)"'
_TYPE, _VALUE = rb'"type"\s*:\s*"bnode"', rb'"value"\s*:\s*' + _STRING
_JSON_BNODE = re.compile(_TYPE + rb"\s*,\s*" + _VALUE + rb"|" + _VALUE + rb"\s*,\s*" + _TYPE, re.DOTALL)
# The terms of an N-Triples line: an IRI, a literal (skipped whole), or a blank node up to the next space.
_NT_TERM = re.compile(rb'<[^>]*>|"(?:[^"\\]|\\.)*"|_:(\S+)')


def label(text: str) -> str:
    """``text`` if it is a valid blank-node label, else an ``x`` and the hexadecimal of its UTF-8 bytes."""
    return text if _VALID.fullmatch(text) else "x" + text.encode("utf-8").hex()


class _Rewriter:
    """Rewrites complete pieces of a stream, holding back what follows the last ``boundary``."""

    boundary = b"\n"
    marker = b""  # pieces without it are passed on as they are

    def __init__(self) -> None:
        self._held = b""

    def feed(self, chunk: bytes) -> bytes:
        data = self._held + chunk
        cut = data.rfind(self.boundary) + 1
        self._held = data[cut:]
        done = data[:cut]
        return self.rewrite(done) if self.marker in done else done

    def end(self) -> bytes:
        rest, self._held = self._held, b""
        return self.rewrite(rest) if self.marker in rest else rest

    def rewrite(self, data: bytes) -> bytes:
        raise NotImplementedError


class JsonLabels(_Rewriter):
    boundary = b"}"
    marker = b'"bnode"'

    def rewrite(self, data: bytes) -> bytes:
        def fix(match: re.Match[bytes]) -> bytes:
            written = match.group(1) if match.group(1) is not None else match.group(2)
            text = json.loads(b'"' + written + b'"')
            return b'"type": "bnode", "value": ' + json.dumps(label(text)).encode()

        return _JSON_BNODE.sub(fix, data)


class NTriplesLabels(_Rewriter):
    marker = b"_:"

    def rewrite(self, data: bytes) -> bytes:
        def fix(match: re.Match[bytes]) -> bytes:
            written = match.group(1)
            if written is None:
                return match.group(0)
            stop = b"." if written.endswith(b".") else b""
            written = written[: len(written) - len(stop)]  # "_:b1." at a line's end: the dot ends the triple
            return b"_:" + label(written.decode("utf-8", "replace")).encode() + stop

        return _NT_TERM.sub(fix, data)

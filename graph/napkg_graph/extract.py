"""Find citations of papers, publications and instruments in Dutch policy text.

Why: the progress reports and letters on the National Action Plan cite parliamentary
papers (Kamerstukken), the Staatscourant, EU instruments, the OECD Guidelines and the
UN Guiding Principles in running prose. Each citation becomes a link in the graph with
its provenance (the source text and the exact span matched), so every `Reference` keeps
`text[start:end] == text` and a normalised `key` that the graph builder turns into an IRI.

The text comes from PDF and Word exports: line breaks fall inside names and numbers
("Kamerstuk \\n26 485"), words are hyphenated across lines ("effec-\\ntiviteitscriteria")
or lose their hyphen ("OESOrichtlijnen"), and hyphens may be Unicode hyphens. The patterns
below allow for that (`\\s+` for whitespace, `HY` for any hyphen, `BRK` for a line break
inside a word) and are otherwise strict, so that dates, counts and ranges are not taken
for references.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

KINDS = (
    "kamerstuk",
    "kamerstukdossier",
    "staatscourant",
    "tk-document",
    "eu-instrument",
    "oecd",
    "ungp",
    "dutch-law",
)


@dataclass(frozen=True, slots=True)
class Reference:
    kind: str  # one of KINDS
    key: str  # normalised identifier
    start: int  # span in the input text
    end: int
    text: str  # == input[start:end]


KeyFn = Callable[[re.Match[str]], Iterable[str]]

# Building blocks, spliced into the patterns below (regex braces are doubled there).
HY = r"[-\u00ad\u2010\u2011\u2012\u2013]"  # hyphen-minus, soft hyphen, Unicode hyphens
BRK = rf"(?:{HY}?[ \t]*\n[ \t]*)?"  # optional line break inside a word, maybe hyphenated
APOS = r"['\u2018\u2019]"  # straight or curly apostrophe
# A dossier number: five digits, sometimes written "22 112"; never part of a longer number.
DOSSIER = r"(?<!\d)(?P<dossier>\d\d\s?\d\d\d)(?!\d)"
# A dossier's suffix ("toevoeging"): "-02" in "21 501-02", or a Roman numeral.
TOEV = rf"(?:{HY}\s*(?P<toev>\d{{1,3}})|\s+(?P<toevr>[IVXLC]+)\b)"
# "Kamerstuk", "Kamerstukken", "Kamerstukken II 2023/24,"
KST = r"[Kk]amerstuk(?:ken)?(?:\s+I{1,2}\s+\d{4}/\d{2,4},?)?"
NR = r"(?:nrs?\b\.?|nummers?\b)"

# Numbered EU acts -> key.
_ACTS = {
    "2024/1760": "csddd",
    "2022/2464": "csrd",
    "2023/1115": "eudr",
    "2024/3015": "flr",
    "978/2012": "gsp",
    "864/2007": "rome-ii",
}
_STEPS = {"één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6}


def _kamerstuk(m: re.Match[str]) -> list[str]:
    """'22 112' + '3393' -> '22112-3393'; several numbers give several keys."""
    g = m.groupdict()
    base = re.sub(r"\s", "", g["dossier"])
    if toev := g.get("toev") or g.get("toevr"):
        base = f"{base}-{toev}"
    if g.get("nrs") is None:
        return [base]
    return [f"{base}-{n}" for n in dict.fromkeys(re.findall(r"\d+", g["nrs"]))]


def _year_nr(sep: str) -> KeyFn:
    return lambda m: [f"{m['year']}{sep}{m['nr']}"]


def _act(m: re.Match[str]) -> list[str]:
    return [_ACTS[m["num"]]]


def _step(m: re.Match[str]) -> list[str]:
    n = m["n"].lower()
    return [f"step-{_STEPS.get(n, n)}"]


def _principle(m: re.Match[str]) -> list[str]:
    return [f"principle-{m['n']}"]


X, XI = re.VERBOSE, re.VERBOSE | re.IGNORECASE

_RULES: tuple[tuple[str, str | KeyFn, re.Pattern[str]], ...] = (
    # --- Kamerstukken ------------------------------------------------------------
    (  # "Kamerstuk 32 735, nr. 344", "21 501-02, nr. 2715", "nr. 344 en nr. 401"
        "kamerstuk",
        _kamerstuk,
        re.compile(
            rf"""
            (?:\b{KST}\s+)?                     # the word is optional: "EU-NZL: 31 985, nr. 80"
            {DOSSIER} {TOEV}?
            ,?\s* {NR} \s*
            (?P<nrs>\d+                         # first number, then "en nr. 401", ", 402" ...
              (?:\s*(?:,|\ben\b|&)\s*(?:{NR}\s*)?
                 \d+(?!\s*\d)(?!\s*,?\s*{NR})   # ... but not the next dossier "31 985, nr."
              )*
            )
            (?![\d/])
            """,
            X,
        ),
    ),
    (  # "Kamerstuk 21501-02-2909", "Kamerstuk 36547-4"
        "kamerstuk",
        _kamerstuk,
        re.compile(
            rf"""\b{KST}\s+ {DOSSIER} {HY} (?:(?P<toev>\d{{1,3}}){HY})?
            (?P<nrs>[1-9]\d*) (?![\d/]|{HY}\d)     # "-02" is a suffix, not a number
            """,
            X,
        ),
    ),
    (  # "Kamerstuk 36547 4", "Kamerstuk 29544 1243" (no "nr.")
        "kamerstuk",
        _kamerstuk,
        re.compile(rf"\b{KST}\s+ {DOSSIER} \s+ (?P<nrs>\d{{1,4}}) (?![\d/]|\s*\d)", X),
    ),
    (  # "(Kamerstuk 36547)", "Kamerstuk 21501-02": a dossier without a document number
        "kamerstukdossier",
        _kamerstuk,
        re.compile(
            rf"""\b{KST}\s+ {DOSSIER}
            (?:{HY}(?P<toev>0\d)|\s+(?P<toevr>[IVXLC]+)\b)?+   # possessive: no backtracking
            (?!\s*,?\s*{NR} | \s*\d | {HY}\s*\d)    # not followed by a document number
            """,
            X,
        ),
    ),
    (  # Tweede Kamer document number: "2023D47692", "Kamerstuk 2023 D 47692"
        "tk-document",
        _year_nr("D"),
        re.compile(
            r"""(?:\b[Kk]amerstuk(?:ken)?\s+)?
            (?<!\d)(?P<year>(?:19|20)\d\d) \s?D\s? (?P<nr>\d{5})(?!\d)
            """,
            X,
        ),
    ),
    # --- Staatscourant -----------------------------------------------------------
    (  # "Stcrt. 2024, 25516", "Staatscourant 2025, 31460"
        "staatscourant",
        _year_nr("-"),
        re.compile(
            r"""\b(?:Stcrt\b\.?|Staatscourant)\s* (?P<year>(?:19|20)\d\d) \s*,?\s*
            (?:nr\.?\s*)? (?P<nr>\d{1,6})(?!\d)
            """,
            XI,
        ),
    ),
    # --- EU instruments ----------------------------------------------------------
    (  # "richtlijn 2024/1760", "Richtlijn (EU) 2024/1760", "Regulation (EU) No 978/2012"
        "eu-instrument",
        _act,
        re.compile(
            rf"""
            (?:\b(?:richtlijn|verordening|directive|regulation)\s+(?:\((?:EU|EG|EC)\)\s*)?
              | \((?:EU|EG|EC)\)\s*)
            (?:(?:nr|no)\.?\s*)?
            (?<!\d)(?P<num>{"|".join(map(re.escape, _ACTS))})(?!\d)
            """,
            XI,
        ),
    ),
    (
        "eu-instrument",
        "csddd",
        re.compile(
            rf"""
              \bCSDDD\b | \bCS3D\b
            | \bCorporate\s+Sustainability\s+Due\s+Dili{BRK}gence\s+Directive\b
            | \bEuropese\s+richtlijn\s+voor\s+gepaste\s+zorgvuldigheid\b
            | \b(?:Europese\s+)?richtlijn\s+inzake\s+passende\s+zorgvuldigheid\s+in\s+het\s+
                bedrijfs\s*leven\s+op\s+het\s+gebied\s+van\s+duurzaamheid\b
            """,
            XI,
        ),
    ),
    (
        "eu-instrument",
        "csrd",
        re.compile(
            r"""\bCSRD\b
            | \bCorporate\s+Sustainability\s+Reporting\s+Directive\b
            | \brichtlijn\s+(?:inzake\s+)?duurzaamheidsrapportering\b
            """,
            XI,
        ),
    ),
    (
        "eu-instrument",
        "eudr",
        re.compile(
            rf"""\bEUDR\b
            | \bontbossingsverordening(?:en)?\b
            | \b(?:EU\s+)?Regulation\s+on\s+deforestation{HY}?\s*free\s+products\b
            """,
            XI,
        ),
    ),
    (
        "eu-instrument",
        "flr",
        re.compile(
            rf"""\banti\s*{HY}?\s*dwangarbeid\s*{HY}?\s*verordening(?:en)?\b
            | \bForced\s+Labou?r\s+Regulation\b
            """,
            XI,
        ),
    ),
    (  # "Omnibus I", "Omnibus I-voorstel"; not "Omnibus II" / "Omnibus IV"
        "eu-instrument",
        "omnibus-i",
        re.compile(rf"\bOmnibus\s+I(?![IVXLivxl\w])(?:{HY}?(?:voorstel|pakket)\b)?", X),
    ),
    (  # "APS", "(APS)", "APS-verordening", "GSP"; whole upper-case words only
        "eu-instrument",
        "gsp",
        re.compile(
            rf"""\b(?:APS|GSP)\b(?:{HY}verordening\b)?
            | \b(?:Algemeen|Algemene)\s+Preferentieel\s+Stelsel\b
            | \b(?i:Generali[sz]ed\s+Scheme\s+of\s+Preferences)\b
            """,
            X,
        ),
    ),
    (  # "Rome II", "Rome II-verordening", "Rome IIverordening"; not "Rome III"
        "eu-instrument",
        "rome-ii",
        re.compile(rf"\bRome\s+II(?![IVXL])(?:{HY}?(?i:verordening|regulation)\b)?", X),
    ),
    # --- OECD ----------------------------------------------------------------------
    (  # "OESO-richtlijnen", "OESOrichtlijnen", "OESO-richt-\nlijnen", "OESO-RL", "OECD Guidelines"
        "oecd",
        "guidelines",
        re.compile(
            rf"""
              \bOESO\s*{HY}?\s*richt{BRK}lijn(?:en)?\b
                (?:\s+voor\s+multinationale\s+ondernemingen\b)?
            | \bOESO{HY}?RL\b
            | \bOECD\s*{HY}?\s*(?:Guidelines|richtlijnen)\b
                (?:\s+for\s+Multinational\s+Enterprises\b)?
            """,
            XI,
        ),
    ),
    (  # "Nationaal Contactpunt", "NCP", "NCP-melding", "NCP-klacht"
        "oecd",
        "ncp",
        re.compile(
            rf"""\bNCP\b(?:{HY}(?i:melding|klacht|procedure)\b)?
            | \b(?i:Nationa(?:al|le)\s+Contactpunt|National\s+Contact\s+Point)\b
            """,
            X,
        ),
    ),
    (  # "stap 6", "stap zes"
        "oecd",
        _step,
        re.compile(r"\b(?:stap|step)\s+ (?P<n>[1-6]|één|twee|drie|vier|vijf|zes)\b (?!\s*\d)", XI),
    ),
    (  # "zes stappen", "zes due diligence stappen"
        "oecd",
        "due-diligence-steps",
        re.compile(
            rf"""\b(?:zes|6)\s+
            (?:(?:due\s*{HY}?\s*diligence|gepaste\s*{HY}?\s*zorgvuldigheids)\s*{HY}?\s*)?
            stappen\b
            """,
            XI,
        ),
    ),
    # --- UN Guiding Principles -----------------------------------------------------
    (
        "ungp",
        "ungp",
        re.compile(
            rf"""\bUNGP(?:{APOS}s|s)\b
            | \bUNGP\b(?!\s*{HY}?\s*(?i:princip(?:e|le)\s+)?\d)   # "UNGP 17" is a principle
            | \b(?:UN|United\s+Nations|VN)\s+Guiding\s+Principles\b
                (?:\s+on\s+Business\s+and\s+Human\s+Rights\b)?
            """,
            X,
        ),
    ),
    (  # the effectiveness criteria for grievance mechanisms are Principle 31
        "ungp",
        "principle-31",
        re.compile(
            rf"""\beffec{BRK}tiviteits{BRK}criteria\s+voor\s+klachten{BRK}mechanismen\s+
            (?:uit|van|in)\s+de\s+UNGP(?:{APOS}s|s)?\b
            """,
            XI,
        ),
    ),
    (  # "UNGP 17", "principe 31", "Guiding Principle 31"
        "ungp",
        _principle,
        re.compile(
            rf"""
            (?:\bUNGP\s*{HY}?\s*(?:princip(?:e|le)\s+)? | \b(?:Guiding\s+)?princip(?:e|le)\s+)
            (?P<n>3[01]|[12]\d|[1-9])(?![\d/]|\s*\d)
            """,
            XI,
        ),
    ),
    # --- Dutch law -----------------------------------------------------------------
    (  # WAMCA; "Massa\nschade" lost its hyphen in the PDF export
        "dutch-law",
        "wamca",
        re.compile(
            rf"""\bWAMCA\b
            | \b(?i:Wet\s+Afwikkeling\s+Massa{BRK}schade\s+in\s+Collectieve\s+Actie)\b
            """,
            X,
        ),
    ),
    (  # "artikel 273f Sr", "artikel 273f van (het) Wetboek van Strafrecht"
        "dutch-law",
        "sr-273f",
        re.compile(
            rf"""\b(?:artikel|art\.)\s+273f\b(?!\s*(?:BW|Sv|Rv)\b)
            (?:\s+Sr\b | \s+van\s+(?:het\s+)?Wetboek(?:\s+van\s+Straf{BRK}recht\b)?)?
            """,
            XI,
        ),
    ),
)


def _drop_nested(refs: list[Reference]) -> list[Reference]:
    """Drop duplicates and mentions inside a longer mention of the same kind and key."""
    kept: list[Reference] = []
    reach: dict[tuple[str, str], int] = {}  # (kind, key) -> furthest end kept so far
    for ref in sorted(set(refs), key=lambda r: (r.start, -r.end, r.kind, r.key)):
        if ref.end <= reach.get((ref.kind, ref.key), -1):
            continue
        reach[(ref.kind, ref.key)] = ref.end
        kept.append(ref)
    return kept


def extract(text: str) -> list[Reference]:
    """Return every reference in `text`, sorted by (start, kind, key), without duplicates.

    >>> [(r.kind, r.key, r.text) for r in extract("Zie (Kamerstuk 36547 4) en de CSDDD.")]
    [('kamerstuk', '36547-4', 'Kamerstuk 36547 4'), ('eu-instrument', 'csddd', 'CSDDD')]
    >>> [r.key for r in extract("Kamerstukken 32735, nr. 344 en nr. 401")]
    ['32735-344', '32735-401']
    >>> [(r.kind, r.key) for r in extract("(Stcrt. 2024, \\n25516) en Kamerstuk 2023 D 47692")]
    [('staatscourant', '2024-25516'), ('tk-document', '2023D47692')]
    >>> [r.text for r in extract("het Omnibus I-voorstel, niet Omnibus II")]
    ['Omnibus I-voorstel']
    >>> extract("op 25 juli jl. en artikel 29 lid 7")
    []
    """
    refs: list[Reference] = []
    for kind, key, pattern in _RULES:
        for m in pattern.finditer(text):
            keys = [key] if isinstance(key, str) else key(m)
            refs.extend(Reference(kind, k, m.start(), m.end(), m.group()) for k in keys)
    return sorted(_drop_nested(refs), key=lambda r: (r.start, r.kind, r.key))

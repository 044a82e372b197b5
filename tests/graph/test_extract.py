"""Tests for napkg_graph.extract: every citation form seen in the NAP documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from napkg_graph.extract import KINDS, Reference, extract

RAPPORTEN = Path(__file__).parents[2] / "graph/sources/rapporten"

KS, KD = "kamerstuk", "kamerstukdossier"
EU, OECD, UNGP, LAW = "eu-instrument", "oecd", "ungp", "dutch-law"

FORMS: list[tuple[str, list[tuple[str, str]]]] = [
    # --- Kamerstukken ---
    ("Kamerstuk 36547 4", [(KS, "36547-4")]),
    ("(Kamerstuk 36547 4).", [(KS, "36547-4")]),
    ("Kamerstuk 29544 1243", [(KS, "29544-1243")]),
    ("Kamerstuk 22 112, nr. \n3393", [(KS, "22112-3393")]),
    ("Kamerstuk \n26 485, nr. 435", [(KS, "26485-435")]),
    ("(Kamerstuk 21501-02-2909)", [(KS, "21501-02-2909")]),
    (
        "(EU-Chili: 21 501-02, nr. \n2715, EU-NZL: 31 985, nr. 80)",
        [(KS, "21501-02-2715"), (KS, "31985-80")],
    ),
    ("Kamerstuk 32 735, nr. 344", [(KS, "32735-344")]),
    ("Kamerstuk 32735, nr. 344", [(KS, "32735-344")]),
    ("Kamerstuk 36180, nr. 164", [(KS, "36180-164")]),
    ("Kamerstuk 36 180, nr. 168", [(KS, "36180-168")]),
    ("Kamerstuk 36712, nr. 9", [(KS, "36712-9")]),
    ("Kamerstuk 29279, nr. 1002", [(KS, "29279-1002")]),
    ("Kamerstukken 32735, nr. 344 en nr. 401", [(KS, "32735-344"), (KS, "32735-401")]),
    ("Kamerstukken 32735, nrs. 344 en 401", [(KS, "32735-344"), (KS, "32735-401")]),
    (
        "Kamerstukken 32735, nrs. 344, 401 en 402",
        [(KS, "32735-344"), (KS, "32735-401"), (KS, "32735-402")],
    ),
    ("Kamerstukken II 2023/24, 36 547, nr. 4", [(KS, "36547-4")]),
    ("(Kamerstuk 36547)", [(KD, "36547")]),
    ("Kamerstuk 36547-4", [(KS, "36547-4")]),
    ("Kamerstuk 36600 XVII, nr. 5", [(KS, "36600-XVII-5")]),
    ("Kamerstuk 21501-02", [(KD, "21501-02")]),
    ("Kamerstuk 2023 D 47692", [("tk-document", "2023D47692")]),
    ("2023D47692", [("tk-document", "2023D47692")]),
    ("2023 D47692", [("tk-document", "2023D47692")]),
    # --- Staatscourant ---
    ("(Stcrt. 2024, \n25516)", [("staatscourant", "2024-25516")]),
    ("Stcrt. 2024, 25516", [("staatscourant", "2024-25516")]),
    ("Staatscourant 2025, 31460", [("staatscourant", "2025-31460")]),
    # --- EU instruments ---
    ("CSDDD", [(EU, "csddd")]),
    ("Corporate Sustainability Due Diligence Directive", [(EU, "csddd")]),
    ("Corporate Sustainability Due \nDiligence Directive", [(EU, "csddd")]),
    ("Corporate Sustainability Due Dili-\ngence Directive", [(EU, "csddd")]),
    ("richtlijn 2024/1760", [(EU, "csddd")]),
    ("Richtlijn (EU) 2024/1760", [(EU, "csddd")]),
    ("De CSDDD (richtlijn 2024/1760)", [(EU, "csddd"), (EU, "csddd")]),
    ("Europese richtlijn voor gepaste zorgvuldigheid", [(EU, "csddd")]),
    (
        "Europese richtlijn inzake passende zorgvuldigheid in het bedrijfsleven op het gebied van duurzaamheid",
        [(EU, "csddd")],
    ),
    (
        "Europese \nrichtlijn inzake passende zorgvuldigheid in het bedrijfs leven \nop het gebied van duurzaamheid",
        [(EU, "csddd")],
    ),
    ("CSRD", [(EU, "csrd")]),
    ("Corporate Sustainability Reporting Directive", [(EU, "csrd")]),
    ("richtlijn 2022/2464", [(EU, "csrd")]),
    ("EUDR", [(EU, "eudr")]),
    ("ontbossingsverordening", [(EU, "eudr")]),
    ("Ontbossingsverordening", [(EU, "eudr")]),
    ("EU Regulation on deforestation-free products", [(EU, "eudr")]),
    ("verordening 2023/1115", [(EU, "eudr")]),
    ("anti-dwangarbeidverordening", [(EU, "flr")]),
    ("Anti-dwangarbeidverordening", [(EU, "flr")]),
    ("anti-\ndwangarbeid verordening", [(EU, "flr")]),
    ("anti-dwangarbeid verordening", [(EU, "flr")]),
    ("anti\u2010dwangarbeidverordening", [(EU, "flr")]),  # Unicode hyphen
    ("Forced Labour Regulation", [(EU, "flr")]),
    ("verordening 2024/3015", [(EU, "flr")]),
    ("Anti-dwangarbeidverordening (Forced Labour Regulation)", [(EU, "flr"), (EU, "flr")]),
    ("Omnibus I", [(EU, "omnibus-i")]),
    ("Omnibus I-voorstel", [(EU, "omnibus-i")]),
    ("over Omnibus I, dat", [(EU, "omnibus-i")]),
    ("APS-verordening", [(EU, "gsp")]),
    ("(APS)", [(EU, "gsp")]),
    ("Algemeen Preferentieel Stelsel", [(EU, "gsp")]),
    ("GSP", [(EU, "gsp")]),
    ("Generalised Scheme of Preferences", [(EU, "gsp")]),
    ("Rome II", [(EU, "rome-ii")]),
    ("Rome II-verordening", [(EU, "rome-ii")]),
    ("Rome IIverordening", [(EU, "rome-ii")]),
    ("Rome \nII-verordening", [(EU, "rome-ii")]),
    # --- OECD ---
    ("OESO-richtlijnen", [(OECD, "guidelines")]),
    ("OESO-Richtlijnen", [(OECD, "guidelines")]),
    ("OESO richtlijnen", [(OECD, "guidelines")]),
    ("OESOrichtlijnen", [(OECD, "guidelines")]),
    ("OESO-richt-\nlijnen", [(OECD, "guidelines")]),
    ("OESO-RL", [(OECD, "guidelines")]),
    ("OESORL", [(OECD, "guidelines")]),
    ("OECD Guidelines", [(OECD, "guidelines")]),
    ("Nationaal Contactpunt", [(OECD, "ncp")]),
    ("Nationale Contactpunt", [(OECD, "ncp")]),
    ("NCP", [(OECD, "ncp")]),
    ("NCP-melding", [(OECD, "ncp")]),
    ("NCP-klacht", [(OECD, "ncp")]),
    (
        "het Nationaal Contactpunt voor de OESO-richtlijnen (NCP)",
        [(OECD, "ncp"), (OECD, "guidelines"), (OECD, "ncp")],
    ),
    ("stap 6", [(OECD, "step-6")]),
    ("stap zes", [(OECD, "step-6")]),
    ("stap één", [(OECD, "step-1")]),
    ("stap twee", [(OECD, "step-2")]),
    ("stap drie", [(OECD, "step-3")]),
    ("stap vier", [(OECD, "step-4")]),
    ("stap vijf", [(OECD, "step-5")]),
    ("zes stappen", [(OECD, "due-diligence-steps")]),
    ("zes due diligence stappen", [(OECD, "due-diligence-steps")]),
    # --- UN Guiding Principles ---
    ("UNGP’s", [(UNGP, "ungp")]),
    ("UNGP's", [(UNGP, "ungp")]),
    ("UNGPs", [(UNGP, "ungp")]),
    ("UN Guiding Principles on Business and Human Rights", [(UNGP, "ungp")]),
    ("United Nations Guiding Principles on Business and Human Rights", [(UNGP, "ungp")]),
    (
        "United Nations Guiding Principles on Business and Human Rights \n(UNGP’s)",
        [(UNGP, "ungp"), (UNGP, "ungp")],
    ),
    ("UN Guiding Principles on Business \nand Human Rights", [(UNGP, "ungp")]),
    (
        "effectiviteitscriteria voor klachtenmechanismen uit de UNGP’s",
        [(UNGP, "principle-31"), (UNGP, "ungp")],
    ),
    (
        "effec-\ntiviteitscriteria voor klachtenmechanismen uit de UNGP’s",
        [(UNGP, "principle-31"), (UNGP, "ungp")],
    ),
    ("UNGP 17", [(UNGP, "principle-17")]),
    ("principe 31", [(UNGP, "principle-31")]),
    # --- Dutch law ---
    ("Wet Afwikkeling Massaschade in Collectieve Actie", [(LAW, "wamca")]),
    ("Wet Afwikkeling Massaschade in Collectieve Actie (WAMCA)", [(LAW, "wamca"), (LAW, "wamca")]),
    ("Wet Afwikkeling Massa\nschade in Collectieve Actie", [(LAW, "wamca")]),
    ("artikel 273f van het Wetboek van Strafrecht", [(LAW, "sr-273f")]),
    ("artikel 273f \nvan Wetboek van Straf\nrecht", [(LAW, "sr-273f")]),
    ("artikel 273f Sr", [(LAW, "sr-273f")]),
    ("artikel 273f van het Wetboek", [(LAW, "sr-273f")]),
]

NOT_FOUND = [
    "op 25 juli jl.",
    "113 ondertekenaars per 13 mei 2024",
    "in 73 percelen vrijwillig en in 30 van de 37",
    "artikel 29 lid 7",
    "van 1 oktober 2024 tot 30 juni 2025",
    "2-jaarlijkse monitor",
    "50-tal aanbevelingen",
    "Actieplan Arbeidsdiscriminatie 2022-2025",
    "Focus 2026-2030",
    "110 multinationale ondernemingen",
    "elf naar drie onderdelen",
    "GRAPS",
    "NCPX",
    "csrdx",
    "Omnibus II",
    "Omnibus IV",
    "Rome III",
    "Rome I",
    "als eerste stap een goede zaak",
    "artikel 273f BW",
    "Het kabinet onderstreept het belang van de bescherming van mensenrechten.",
    "",
]


def assert_exact_spans(text: str, refs: list[Reference]) -> None:
    for ref in refs:
        assert ref.kind in KINDS
        assert text[ref.start : ref.end] == ref.text, ref


@pytest.mark.parametrize(("text", "expected"), FORMS, ids=[t for t, _ in FORMS])
def test_form(text: str, expected: list[tuple[str, str]]) -> None:
    refs = extract(text)
    assert [(r.kind, r.key) for r in refs] == expected
    assert_exact_spans(text, refs)


@pytest.mark.parametrize("text", NOT_FOUND)
def test_not_found(text: str) -> None:
    assert extract(text) == []


def test_list_of_numbers_keeps_whole_phrase() -> None:
    text = "[6:  Kamerstukken 32735, nr. 344 en nr. 401]"
    refs = extract(text)
    assert {r.text for r in refs} == {"Kamerstukken 32735, nr. 344 en nr. 401"}
    assert [r.key for r in refs] == ["32735-344", "32735-401"]


def test_longest_mention_of_same_key_wins() -> None:
    (ref,) = extract("het Omnibus I-voorstel")
    assert (ref.text, ref.start, ref.end) == ("Omnibus I-voorstel", 4, 22)
    (ref,) = extract("in de Rome II-verordening")
    assert ref.text == "Rome II-verordening"


def test_sorted_and_unique() -> None:
    text = "CSDDD (Kamerstuk 36547 4) en de UNGP’s; CSDDD."
    refs = extract(text)
    assert refs == sorted(refs, key=lambda r: (r.start, r.kind, r.key))
    assert len(refs) == len(set(refs)) == 4


def keys(refs: list[Reference], kind: str) -> set[str]:
    return {r.key for r in refs if r.kind == kind}


def test_progress_report_2024() -> None:
    text = (RAPPORTEN / "voortgangsrapportage-2024/voortgangsrapportage-2024.txt").read_text(encoding="utf-8")
    refs = extract(text)
    assert_exact_spans(text, refs)
    assert keys(refs, KS) == {
        "36547-4",
        "29544-1243",
        "21501-02-2909",
        "21501-02-2715",
        "31985-80",
        "22112-3393",
        "26485-435",
        "26485-430",
    }
    assert keys(refs, KD) == set()
    assert keys(refs, "tk-document") == {"2023D47692"}
    assert keys(refs, "staatscourant") == {"2024-25516"}
    assert keys(refs, EU) == {"csddd", "eudr", "flr", "csrd", "gsp", "rome-ii"}
    assert keys(refs, OECD) == {"guidelines", "ncp", "step-6", "due-diligence-steps"}
    assert keys(refs, UNGP) == {"ungp", "principle-31"}
    assert keys(refs, LAW) == {"wamca", "sr-273f"}


def test_letter_2025() -> None:
    text = (RAPPORTEN / "kamerbrief-2025/kamerbrief-2025.txt").read_text(encoding="utf-8")
    refs = extract(text)
    assert_exact_spans(text, refs)
    assert keys(refs, KS) == {
        "32735-344",
        "36180-164",
        "36180-133",
        "36712-9",
        "36180-168",
        "32735-401",
        "29279-1002",
    }
    assert keys(refs, KD) == {"36547"}
    assert keys(refs, "tk-document") == set()
    assert keys(refs, "staatscourant") == {"2025-31460"}
    assert keys(refs, EU) == {"csddd", "eudr", "flr", "omnibus-i"}
    assert keys(refs, OECD) == {"guidelines", "ncp"}
    assert keys(refs, UNGP) == {"ungp"}
    assert keys(refs, LAW) == {"wamca", "sr-273f"}

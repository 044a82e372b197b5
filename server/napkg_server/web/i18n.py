"""Dutch and English: the UI strings (one dict per language) and the choice of language.

``?lang=nl|en`` wins, then ``Accept-Language``, then Dutch (the language of the documents).

>>> choose_language(None, "en-GB,en;q=0.9,nl;q=0.5")
'en'
>>> choose_language("nl", "en"), choose_language(None, "fr, nl;q=0.4"), choose_language(None, None)
('nl', 'nl', 'nl')
"""

from __future__ import annotations

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

NL: dict[str, str] = {
    "site": "NAP-kennisgraaf",
    "tagline": "Nationaal Actieplan Bedrijfsleven en Mensenrechten 2022-2026 als linked open data",
    "home": "Home",
    "query": "SPARQL-query",
    "downloads": "Downloads",
    "catalog": "Catalogus",
    "about": "Over",
    "search": "Zoeken",
    "search_placeholder": "zoek op naam of tekst, bijv. CSDDD",
    "search_results": "Zoekresultaten voor",
    "no_results": "Niets gevonden.",
    "intro": (
        "Deze kennisgraaf bevat de 33 actiepunten van het NAP, hun doelstellingen, verantwoordelijke "
        "organisaties, tijdslijnen en de stand van zaken volgens de voortgangsrapportage 2024, de "
        "Kamerbrief van 2025, en de verwijzingen naar de UNGP's, de OESO-richtlijnen, EU-instrumenten "
        "en Kamerstukken."
    ),
    "counts": "In cijfers",
    "pillar": "Pijler",
    "theme": "Thema",
    "action_text": "Actie",
    "objective": "Doelstelling",
    "responsible": "Verantwoordelijk",
    "role": "Rol",
    "timeline": "Tijdslijn",
    "status": "Stand van zaken",
    "report": "Rapport",
    "explanation": "Toelichting",
    "letter_updates": "Kamerbrief 2025: alinea's over dit actiepunt",
    "paragraph": "Alinea",
    "references": "Verwijzingen in de teksten",
    "entities": "Programma's, partners en cijfers",
    "entities_note": "Wat de rij van dit actiepunt noemt; redactioneel: door de redactie gekoppeld uit de Kamerbrief.",
    "programmes": "Programma's en regelingen",
    "partners": "Partnerorganisaties",
    "figures": "Cijfers",
    "reference_note": "Door code gevonden in de tekst: de bron en de letterlijk geciteerde passage.",
    "cited": "Verwijst naar",
    "quoted": "Geciteerde passage",
    "source": "Bron",
    "in_text": "in",
    "curated": "Redactionele afstemming (analyst’s alignment)",
    "curated_note": "Oordeel van de redactie, niet de woorden van de documenten.",
    "curated_badge": "redactioneel",
    "explicit_badge": "in de tekst",
    "justification": "Onderbouwing",
    "aligned_to": "Afgestemd op",
    "inbound_explicit": "Actiepunten die hiernaar verwijzen (in de tekst)",
    "inbound_curated": "Actiepunten die de redactie hierop afstemt",
    "inbound_letter": "Kamerbrief-alinea's die hiernaar verwijzen",
    "inbound_responsible": "Actiepunten waarvoor deze organisatie verantwoordelijk is",
    "none": "Geen.",
    "blank_node": "knoop zonder IRI",
    "external_links": "Elders",
    "properties": "Eigenschappen",
    "inbound": "Verwijzingen hierheen",
    "property": "Eigenschap",
    "value": "Waarde",
    "formats": "Deze bron als",
    "iri": "IRI",
    "action_points": "actiepunten",
    "examples": "Voorbeeldvragen",
    "run": "Uitvoeren",
    "results": "Resultaten",
    "rows": "rijen",
    "download_as": "Download als",
    "query_help": "Schrijf een SPARQL-query of kies een voorbeeld. Hij loopt met dezelfde tijdslimiet als /sparql.",
    "file": "Bestand",
    "size": "Grootte",
    "media_type": "Mediatype",
    "checksums": "Controlegetallen (SHA256SUMS)",
    "no_dist": "Deze server is gestart zonder map met gepubliceerde bestanden (--dist).",
    "language": "English",
    "source_location": "Vindplaats",
    "identifiers": "Identificatie",
    "number": "Nummer",
}

EN: dict[str, str] = {
    "site": "NAP knowledge graph",
    "tagline": "The Dutch National Action Plan on Business and Human Rights 2022-2026 as linked open data",
    "home": "Home",
    "query": "SPARQL query",
    "downloads": "Downloads",
    "catalog": "Catalogue",
    "about": "About",
    "search": "Search",
    "search_placeholder": "search names and texts, e.g. CSDDD",
    "search_results": "Search results for",
    "no_results": "Nothing found.",
    "intro": (
        "This knowledge graph holds the 33 action points of the Dutch NAP, their objectives, responsible "
        "organisations, timelines and status according to the 2024 progress report, the 2025 letter to "
        "parliament, and the references to the UNGPs, the OECD Guidelines, EU instruments and "
        "parliamentary papers. Texts are quoted in Dutch, as the documents have them."
    ),
    "counts": "In numbers",
    "pillar": "Pillar",
    "theme": "Theme",
    "action_text": "Action",
    "objective": "Objective",
    "responsible": "Responsible",
    "role": "Role",
    "timeline": "Timeline",
    "status": "Status",
    "report": "Report",
    "explanation": "Explanation",
    "letter_updates": "2025 letter: paragraphs on this action point",
    "paragraph": "Paragraph",
    "references": "References in the texts",
    "entities": "Programmes, partners and figures",
    "entities_note": "What this action point's row names; marked curated: linked by the editors from the 2025 letter.",
    "programmes": "Programmes and schemes",
    "partners": "Partner organisations",
    "figures": "Figures",
    "reference_note": "Found in the text by code: the source and the exact quoted span.",
    "cited": "Refers to",
    "quoted": "Quoted span",
    "source": "Source",
    "in_text": "in",
    "curated": "Analyst’s alignment (redactionele afstemming)",
    "curated_note": "The analysts’ judgement, not the documents’ words.",
    "curated_badge": "curated",
    "explicit_badge": "in the text",
    "justification": "Justification",
    "aligned_to": "Aligned to",
    "inbound_explicit": "Action points that cite this (in their texts)",
    "inbound_curated": "Action points the analysts align with this",
    "inbound_letter": "Letter paragraphs that cite this",
    "inbound_responsible": "Action points this organisation is responsible for",
    "none": "None.",
    "blank_node": "node without an IRI",
    "external_links": "Elsewhere",
    "properties": "Properties",
    "inbound": "Links to this resource",
    "property": "Property",
    "value": "Value",
    "formats": "This resource as",
    "iri": "IRI",
    "action_points": "action points",
    "examples": "Example questions",
    "run": "Run",
    "results": "Results",
    "rows": "rows",
    "download_as": "Download as",
    "query_help": "Write a SPARQL query or pick an example. It runs with the same time limit as /sparql.",
    "file": "File",
    "size": "Size",
    "media_type": "Media type",
    "checksums": "Checksums (SHA256SUMS)",
    "no_dist": "This server was started without a directory of published files (--dist).",
    "language": "Nederlands",
    "source_location": "Location in the source",
    "identifiers": "Identifiers",
    "number": "Number",
}

STRINGS: dict[str, dict[str, str]] = {"nl": NL, "en": EN}


def _accept_language(header: str) -> list[tuple[float, str]]:
    ranked = []
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((quality, primary))
    return ranked


def choose_language(parameter: str | None, accept_language: str | None) -> str:
    """``?lang`` if it names one of ours, else the best of Accept-Language, else Dutch."""
    if parameter in LANGUAGES:
        return parameter
    ranked = _accept_language(accept_language or "")
    if ranked:
        return max(ranked, key=lambda pair: pair[0])[1]
    return DEFAULT_LANGUAGE


def other_language(lang: str) -> str:
    return "en" if lang == "nl" else "nl"

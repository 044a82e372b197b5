"""The reference graph: organisations, EU instruments, plans and source documents, with identifier certainty.

Publication rule for identifiers (ontology/vocabularies/certainty.ttl): verified and verified_2nd identifiers give a
skos:exactMatch; derived ones appear only as adms:Identifier nodes marked derived; unverified facts are left out.
"""

from __future__ import annotations

from typing import Any

from rdflib import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, Graph, Literal, URIRef

from .iris import Iris
from .rdf_eu_lifecycle import build_lifecycles
from .rdf_terms import add_all, date, en, label, nl
from .sources import Sources
from .vocab import ADMS, ELI, NAP, OP_RESOURCE_TYPE, TOOI_MINISTERIE

CERTAINTY_SLUGS = {
    "verified": "geverifieerd",
    "verified_2nd": "secundair-geverifieerd",
    "derived": "afgeleid",
    "unverified": "niet-geverifieerd",
}
PUBLISHED_AS_MATCH = ("verified", "verified_2nd")
ORG_CLASSES = {
    "ministry": (NAP.Ministry, ORG.FormalOrganization, ORG.Organization),
    "agency": (ORG.FormalOrganization, ORG.Organization),
    "body": (ORG.Organization,),
}
EURLEX_CELEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{}"


def _identifier(g: Graph, iris: Iris, owner: URIRef, scheme: str, value: str, certainty: str, agency: str) -> None:
    node = iris.identifier(owner, scheme)
    g.add((owner, ADMS.identifier, node))
    add_all(
        g,
        node,
        [
            (RDF.type, ADMS.Identifier),
            (SKOS.notation, Literal(value)),
            (RDFS.label, Literal(f"{scheme.upper()} {value}")),
            (ADMS.schemaAgency, Literal(agency)),
            (NAP.certainty, iris.certainty(CERTAINTY_SLUGS[certainty])),
        ],
    )


def _dated(fact: dict[str, Any] | None) -> Literal | None:
    """A date fact is published only when it was verified."""
    if fact and fact["certainty"] in PUBLISHED_AS_MATCH:
        return date(str(fact["value"]))
    return None


def add_organisations(g: Graph, iris: Iris, sources: Sources) -> None:
    for o in sources.organisations:
        node = iris.organisation(o["key"])
        # Superclasses are stated, not inferred: SPARQL users and SHACL see them without a reasoner.
        for cls in ORG_CLASSES[o["type"]]:
            g.add((node, RDF.type, cls))
        label(g, node, o["name_nl"], o["name_en"])
        g.add((node, SKOS.prefLabel, nl(o["name_nl"])))
        g.add((node, SKOS.prefLabel, en(o["name_en"])))
        if "abbreviation" in o:
            g.add((node, NAP.abbreviation, Literal(o["abbreviation"])))
        for alt in o.get("alt_labels_nl", []):
            g.add((node, SKOS.altLabel, nl(alt)))
        if "note_nl" in o:
            g.add((node, SKOS.note, nl(o["note_nl"])))
        if "note_en" in o:
            g.add((node, SKOS.note, en(o["note_en"])))
        if "homepage" in o:
            g.add((node, FOAF.homepage, URIRef(o["homepage"])))
        if "hosted_by" in o:
            g.add((node, ORG.linkedTo, iris.organisation(o["hosted_by"])))
        tooi = o.get("tooi")
        if tooi:
            _identifier(g, iris, node, "tooi", tooi["code"], tooi["certainty"], "TOOI (KOOP)")
            if tooi["certainty"] in PUBLISHED_AS_MATCH:
                g.add((node, SKOS.exactMatch, TOOI_MINISTERIE[tooi["code"]]))


def add_instruments(g: Graph, iris: Iris, sources: Sources) -> None:
    for i in sources.instruments:
        node = iris.instrument(i["key"])
        g.add((node, RDF.type, NAP.EUProposal if i["kind"] == "proposal" else NAP.EULegalAct))
        g.add((node, RDF.type, NAP.EUInstrument))
        label(g, node, i["label_nl"], i["label_en"])
        g.add((node, NAP.abbreviation, Literal(i["abbreviation"])))
        add_all(
            g,
            node,
            [
                (ELI.title, en(i["title_en"]) if i.get("title_en") else None),
                (ELI.type_document, OP_RESOURCE_TYPE[i["type"]] if i.get("type") else None),
                (DCTERMS.identifier, Literal(i["number"])),
            ],
        )
        celex = i["celex"]
        _identifier(
            g,
            iris,
            node,
            "celex",
            celex["value"],
            celex["certainty"],
            "Publications Office of the EU",
        )
        if celex["certainty"] in PUBLISHED_AS_MATCH:
            g.add((node, ELI.id_local, Literal(celex["value"])))
            g.add((node, RDFS.seeAlso, URIRef(EURLEX_CELEX.format(celex["value"]))))
        eli = i.get("eli")
        if eli:
            _identifier(
                g,
                iris,
                node,
                "eli",
                eli["value"],
                eli["certainty"],
                "Publications Office of the EU",
            )
            if eli["certainty"] in PUBLISHED_AS_MATCH:
                g.add((node, SKOS.exactMatch, URIRef(eli["value"])))
        if "procedure" in i:
            g.add((node, DCTERMS.identifier, Literal(i["procedure"])))
        for target in i.get("amends", []):
            relation = ELI.amends if i["kind"] == "act" else DCTERMS.relation
            g.add((node, relation, iris.instrument(target)))
        if "realises" in i:
            g.add((node, PROV.wasDerivedFrom, iris.instrument(i["realises"])))


def add_plans_and_documents(g: Graph, iris: Iris, sources: Sources) -> None:
    for p in sources.plans:
        node = iris.plan(p["key"])
        g.add((node, RDF.type, NAP.ActionPlan))
        label(g, node, p["title_nl"], p["title_en"])
        g.add((node, DCTERMS.title, nl(p["title_nl"])))
        g.add((node, DCTERMS.title, en(p["title_en"])))
        g.add((node, NAP.abbreviation, Literal(p["abbreviation"])))
    for report in sources.reports:
        d = report.document
        node = iris.report(d.slug)
        label(g, node, d.title_nl, d.title_en)
        add_all(
            g,
            node,
            [
                (RDF.type, NAP.ProgressReport),
                (DCTERMS.title, nl(d.title_nl)),
                (DCTERMS.title, en(d.title_en)),
                (DCTERMS.description, nl(d.description_nl)),
                (DCTERMS.description, en(d.description_en)),
                (DCTERMS.date, date(str(d.year))),
                (DCTERMS.creator, iris.organisation(d.creator)),
                (DCTERMS.identifier, Literal(d.path.name)),
                (NAP.sha256, Literal(d.sha256)),
                (NAP.reportsOn, iris.plan(report.meta.plan)),
                (SKOS.note, en(d.origin_note)),
            ],
        )


def add_analyst(g: Graph, iris: Iris) -> None:
    node = iris.organisation("nap-kg-redactie")
    g.add((node, RDF.type, PROV.Organization))
    g.add((node, RDF.type, ORG.Organization))
    label(g, node, "NAP-KG-redactie", "nap-kg editors")
    g.add((node, SKOS.prefLabel, nl("NAP-KG-redactie")))
    g.add((node, SKOS.prefLabel, en("nap-kg editors")))


def build_reference(g: Graph, iris: Iris, sources: Sources) -> None:
    add_organisations(g, iris, sources)
    add_instruments(g, iris, sources)
    # Dates of EU acts are lifecycle stages (rdf_eu_lifecycle.py); the act's own verified dates also as ELI.
    build_lifecycles(g, iris, sources, _identifier)
    add_dutch_laws(g, iris, sources)
    add_plans_and_documents(g, iris, sources)
    add_analyst(g, iris)
    g.add((iris.graph("referentie"), OWL.imports, URIRef("https://w3id.org/nap-kg/def")))


def add_dutch_laws(g: Graph, iris: Iris, sources: Sources) -> None:
    for law in sources.dutch_laws:
        node = iris.dutch_law(law["key"])
        g.add((node, RDF.type, NAP.DutchLaw))
        label(g, node, law["label_nl"], law["label_en"])
        if "abbreviation" in law:
            g.add((node, NAP.abbreviation, Literal(law["abbreviation"])))
        if "part_of" in law:
            bwb = law["part_of"]
            _identifier(g, iris, node, "bwb", bwb["bwb"], bwb["certainty"], "KOOP (wetten.overheid.nl)")
            if bwb["certainty"] in PUBLISHED_AS_MATCH:
                g.add((node, RDFS.seeAlso, URIRef(f"https://wetten.overheid.nl/{bwb['bwb']}/")))
        url = law.get("url")
        if url and url["certainty"] in PUBLISHED_AS_MATCH:
            g.add((node, RDFS.seeAlso, URIRef(url["value"])))
        elif url and url["certainty"] == "derived":  # the article-level jci URL, built from the verified pattern
            _identifier(g, iris, node, "jci", url["value"], "derived", "KOOP (wetten.overheid.nl)")
        add_all(g, node, [(ELI.first_date_entry_in_force, _dated(law.get("in_force")))])

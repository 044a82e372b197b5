"""Typed relations between action points and EU acts (curated graph), from graph/sources/eu-relations.yaml.

Each relation is a nap:EULawRelation node (the action point, the act, the relation type, the sentence it rests on,
a justification in Dutch and English, PROV attribution to the editors, date, the method it conforms to) plus the
shortcut property on the action point, like nap:FrameworkAlignment and nap:alignedWith. The explicit mentions
found in the texts (nap:Citation) are left as they are.
"""

from __future__ import annotations

from typing import Any

import yaml
from rdflib import DCTERMS, PROV, RDF, Graph, URIRef

from .iris import Iris
from .rdf_eu_lifecycle import legal_records, quote
from .rdf_terms import date, en, label, nl
from .source_schema import validated
from .sources import SourceError, Sources
from .vocab import NAP

# relation key -> (shortcut property, IRI slug, Dutch and English label of the relation)
RELATIONS: dict[str, tuple[URIRef, str, str, str]] = {
    "negotiates": (NAP.negotiatesAct, "onderhandelt", "onderhandelt over", "negotiates"),
    "implements": (NAP.implementsAct, "voert-uit", "voert uit of zet om", "implements or transposes"),
    "prepares-for": (NAP.preparesForAct, "bereidt-voor", "bereidt voor op", "prepares for"),
    "monitors": (NAP.monitorsAct, "monitort", "monitort", "monitors"),
}
FILE = "eu-relations.yaml"


def read_relations(sources: Sources) -> dict[str, Any]:
    return validated(sources.root / FILE, yaml.safe_load((sources.root / FILE).read_text(encoding="utf-8")))


def build_eu_relations(g: Graph, iris: Iris, sources: Sources) -> None:
    meta = read_relations(sources)
    legal = legal_records(sources)
    acts = {i["key"]: i["abbreviation"] for i in sources.instruments}
    acts |= {t["key"]: t["abbreviation"] for t in legal.get("trade_agreements", [])}
    provisions = {(d["act"], d["path"]) for d in legal.get("subdivisions", [])}
    analyst, when = iris.organisation("nap-kg-redactie"), date(meta["date"])
    method = iris.id("redactie/methode-eu-relaties")
    g.add((method, RDF.type, PROV.Plan))
    label(g, method, "Methode van de getypeerde relaties met EU-recht", "Method of the typed EU-law relations")
    g.add((method, DCTERMS.description, nl(" ".join(meta["method"]["nl"].split()))))
    g.add((method, DCTERMS.description, en(" ".join(meta["method"]["en"].split()))))
    seen = set()
    for r in meta["relations"]:
        n, kind, key = int(r["action_point"]), r["relation"], r["act"]
        where = f"{FILE}: action point {n} {kind} {key}"
        if kind not in RELATIONS:
            raise SourceError(f"{where}: relation is not one of {sorted(RELATIONS)}")
        if key not in acts:
            raise SourceError(f"{where}: no instrument or trade agreement {key!r} in instruments.yaml")
        if not 1 <= n <= len(sources.action_points):
            raise SourceError(f"{where}: no such action point")
        if (n, kind, key) in seen:
            raise SourceError(f"{where}: listed twice")
        seen.add((n, kind, key))
        prop, slug, kind_nl, kind_en = RELATIONS[kind]
        ap, act = iris.action_point(n), iris.instrument(key)
        node = iris.eu_relation(n, slug, key)
        evidence = quote(iris, sources, r["evidence"], where)
        g.add((node, RDF.type, NAP.EULawRelation))
        label(g, node, f"Actiepunt {n} {kind_nl} {acts[key]}", f"Action point {n} {kind_en} {acts[key]}")
        g.add((node, NAP.actionPoint, ap))
        g.add((node, NAP.relatedAct, act))
        g.add((node, NAP.relationType, prop))
        g.add((node, DCTERMS.source, evidence.source))
        g.add((node, NAP.sourceSentence, nl(evidence.text)))
        g.add((node, NAP.justification, nl(r["nl"])))
        g.add((node, NAP.justification, en(r["en"])))
        g.add((node, PROV.wasAttributedTo, analyst))
        g.add((node, DCTERMS.date, when))
        g.add((node, DCTERMS.conformsTo, method))
        if "provision" in r:
            if (key, r["provision"]) not in provisions:
                raise SourceError(f"{where}: no subdivision {r['provision']!r} of {key} in instruments.yaml")
            g.add((node, NAP.provision, iris.subdivision(act, r["provision"])))
        g.add((ap, prop, act))

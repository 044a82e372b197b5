"""The curated graph: an analyst's alignments of action points to UNGP/OECD, and of letter paragraphs to action
points. Kept apart from what the documents say: its own named graph, its own classes, attributed to the editors."""

from __future__ import annotations

from rdflib import DCTERMS, PROV, RDF, Graph, URIRef

from .iris import Iris
from .rdf_terms import date, en, label, nl
from .sources import Sources
from .vocab import NAP

# The two axes of the alignment method (ontology/vocabularies/alignment.ttl): YAML key -> concept path.
KINDS = {"implements": "afstemmingssoort/implementeert", "supports": "afstemmingssoort/ondersteunt"}
STATES = {"intended": "uitvoeringsstand/beoogd", "delivered": "uitvoeringsstand/geleverd"}


def _targets(iris: Iris, part: dict) -> list[tuple[str, URIRef]]:
    targets = [(f"ungp-{n}", iris.ungp_principle(n)) for n in part.get("ungp", [])]
    targets += [(f"oeso-hoofdstuk-{r}", iris.oecd_chapter(r)) for r in part.get("oecd_chapters", [])]
    targets += [(f"oeso-stap-{n}", iris.oecd_step(n)) for n in part.get("oecd_steps", [])]
    if part.get("ncp"):
        targets.append(("ncp", iris.organisation("ncp")))
    return targets


def _evidence(iris: Iris, sources: Sources, entry: dict) -> list[URIRef]:
    """The passages a delivered alignment rests on; the build stops when delivery and evidence disagree, so that
    "delivered" always names where the documents describe the activity."""
    n, evidence = entry["action_point"], entry.get("evidence") or {}
    letter = iris.report(sources.documents[sources.letter["letter"]].slug)
    paragraphs = {p["n"] for p in sources.letter["paragraphs"]}
    unknown = sorted(set(evidence.get("letter_paragraphs", [])) - paragraphs)
    if unknown:
        raise ValueError(f"alignments.yaml, action point {n}: no letter paragraph {unknown}")
    found = [iris.explanation(n, 2024)] if evidence.get("report_2024") else []
    found += [iris.paragraph(letter, p) for p in evidence.get("letter_paragraphs", [])]
    if entry["delivery"] not in STATES or (entry["delivery"] == "delivered") != bool(found):
        raise ValueError(f"alignments.yaml, action point {n}: delivery {entry['delivery']!r} with evidence {evidence}")
    return found


def build_alignments(g: Graph, iris: Iris, sources: Sources) -> None:
    """One nap:FrameworkAlignment per action point and framework element, typed by kind and delivery state."""
    analyst = iris.organisation("nap-kg-redactie")
    meta = sources.alignments
    when = date(meta["date"])
    method = iris.id("redactie/methode")
    g.add((method, RDF.type, PROV.Plan))
    label(g, method, "Methode van de kaderafstemming", "Method of the framework alignment")
    g.add((method, DCTERMS.description, en(" ".join(meta["method"]["en"].split()))))
    g.add((method, DCTERMS.description, nl(" ".join(meta["method"]["nl"].split()))))
    for entry in meta["alignments"]:
        n = entry["action_point"]
        ap = iris.action_point(n)
        why = entry["justification"]
        state = iris.id(STATES[entry["delivery"]])
        evidence = _evidence(iris, sources, entry)
        seen: set[str] = set()
        for kind, path in KINDS.items():
            for slug, target in _targets(iris, entry.get(kind) or {}):
                if slug in seen:  # one element, one kind: the node IRI would otherwise carry both
                    raise ValueError(f"alignments.yaml, action point {n}: {slug} both implemented and supported")
                seen.add(slug)
                node = iris.alignment(n, slug)
                g.add((node, RDF.type, NAP.FrameworkAlignment))
                label(g, node, f"Afstemming actiepunt {n} - {slug}", f"Alignment of action point {n} - {slug}")
                g.add((node, NAP.actionPoint, ap))
                g.add((node, NAP.alignedTo, target))
                g.add((node, NAP.alignmentKind, iris.id(path)))
                g.add((node, NAP.deliveryState, state))
                for passage in evidence:
                    g.add((node, NAP.deliveryEvidence, passage))
                g.add((node, NAP.justification, en(why["en"])))
                g.add((node, NAP.justification, nl(why["nl"])))
                g.add((node, PROV.wasAttributedTo, analyst))
                g.add((node, DCTERMS.date, when))
                g.add((node, DCTERMS.conformsTo, method))
                g.add((ap, NAP.alignedWith, target))


def build_curated(g: Graph, iris: Iris, sources: Sources) -> None:
    build_alignments(g, iris, sources)
    analyst = iris.organisation("nap-kg-redactie")
    when = date(sources.alignments["date"])
    letter = iris.report(sources.documents[sources.letter["letter"]].slug)
    for entry in sources.letter["paragraphs"]:
        for link in entry.get("updates", []):
            p, n = entry["n"], link["action_point"]
            node = iris.update_link(p, n)
            paragraph = iris.paragraph(letter, p)
            g.add((node, RDF.type, NAP.UpdateLink))
            label(g, node, f"Alinea {p} over actiepunt {n}", f"Paragraph {p} on action point {n}")
            g.add((node, NAP.paragraph, paragraph))
            g.add((node, NAP.actionPoint, iris.action_point(n)))
            g.add((node, NAP.justification, en(link["en"])))
            g.add((node, NAP.justification, nl(link["nl"])))
            g.add((node, PROV.wasAttributedTo, analyst))
            g.add((node, DCTERMS.date, when))
            g.add((paragraph, NAP.updatesActionPoint, iris.action_point(n)))

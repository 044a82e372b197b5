"""The curated graph: an analyst's alignments of action points to UNGP/OECD, and of letter paragraphs to action
points. Kept apart from what the documents say: its own named graph, its own classes, attributed to the editors."""

from __future__ import annotations

from rdflib import DCTERMS, PROV, RDF, Graph, URIRef

from .iris import Iris
from .rdf_terms import date, en, label, nl
from .sources import Sources
from .vocab import NAP


def _targets(iris: Iris, entry: dict) -> list[tuple[str, URIRef]]:
    targets = [(f"ungp-{n}", iris.ungp_principle(n)) for n in entry.get("ungp", [])]
    targets += [(f"oeso-hoofdstuk-{r}", iris.oecd_chapter(r)) for r in entry.get("oecd_chapters", [])]
    targets += [(f"oeso-stap-{n}", iris.oecd_step(n)) for n in entry.get("oecd_steps", [])]
    if entry.get("ncp"):
        targets.append(("ncp", iris.organisation("ncp")))
    return targets


def build_curated(g: Graph, iris: Iris, sources: Sources) -> None:
    analyst = iris.organisation("nap-kg-redactie")
    meta = sources.alignments
    when = date(meta["date"])
    method = iris.id("redactie/methode")
    g.add((method, RDF.type, PROV.Plan))
    label(g, method, "Methode van de kaderafstemming", "Method of the framework alignment")
    g.add((method, DCTERMS.description, en(" ".join(meta["method"].split()))))
    for entry in meta["alignments"]:
        n = entry["action_point"]
        ap = iris.action_point(n)
        why = entry["justification"]
        for slug, target in _targets(iris, entry):
            node = iris.alignment(n, slug)
            g.add((node, RDF.type, NAP.FrameworkAlignment))
            label(
                g,
                node,
                f"Afstemming actiepunt {n} - {slug}",
                f"Alignment of action point {n} - {slug}",
            )
            g.add((node, NAP.actionPoint, ap))
            g.add((node, NAP.alignedTo, target))
            g.add((node, NAP.justification, en(why["en"])))
            g.add((node, NAP.justification, nl(why["nl"])))
            g.add((node, PROV.wasAttributedTo, analyst))
            g.add((node, DCTERMS.date, when))
            g.add((node, DCTERMS.conformsTo, method))
            g.add((ap, NAP.alignedWith, target))

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

"""The IRI scheme, in one place. Every IRI of the dataset is minted here, under the configured base.

What belongs to one plan lives under the plan's IRI, so the next plan's action point 17 gets an IRI of its own
(``plan`` defaults to :data:`CURRENT_PLAN`). The paths used before plans were scoped are answered with a permanent
redirect (napkg_graph.iri_moves).

{base}id/plan/{plan}                                   a plan (nap-2022-2026, nap-2014)
{base}id/plan/{plan}/actiepunt/{n}                     action point n of that plan (1-33, document order)
{base}id/plan/{plan}/actiepunt/{n}/doelstelling        its objective
{base}id/plan/{plan}/actiepunt/{n}/tijdslijn           its timeline
{base}id/plan/{plan}/actiepunt/{n}/verantwoordelijkheid/{org}-{role}  a responsibility
{base}id/plan/{plan}/actiepunt/{n}/status/{year}       its status as assessed in the report of that year
{base}id/plan/{plan}/actiepunt/{n}/toelichting/{year}  its explanation in that report
{owner}/voetnoot/{marker}, {citing}/verwijzing/{start}-{key}  footnotes and citations, under what carries them
{base}id/plan/{plan}/thema[/{slug}]                    the plan's themes (table headings) and their scheme
{base}id/plan/{plan}/redactie/{afstemming,eu-relatie,gebeurtenis,update,programma,partner,cijfer}/...
                                                       curated statements about the plan's action points
{base}id/ungp/pijler[/{n}]                             the UNGPs' three pillars, which structure the plan
{base}id/rapport/{slug}                                source documents
{base}id/kamerstuk/{dossier[-toevoeging]-nr}, {base}id/kamerstukdossier/{dossier}
{base}id/staatscourant/{year}-{nr}, {base}id/tk-document/{yyyyDnnnnn}
{base}id/eu/{key}, {base}id/wet/{key}, {base}id/organisatie/{key}
{base}id/programma/{key}, {base}id/cijfer/{key}  programmes (schemes, agreements) and figures the documents name
{base}id/ungp/principe/{n}, {base}id/oeso/hoofdstuk/{roman}, {base}id/oeso/stap/{n}
{base}id/jaar/{yyyy}, id/maand/{yyyy-mm}, id/dag/{yyyy-mm-dd}  time instants, as precise as the text
{base}id/gebeurtenis/{key}                  dated events the documents report (planned or occurred)
{base}id/eu/{key}/fase/{kind}/{date}         a dated stage of an EU act; /verschuiving/... a deadline change
{base}id/eu-fase/{kind}, {base}id/bron/referentiegegevens  kinds of stage; the reference facts as a source
{base}id/redactie/methode...                the editors' written methods (shared by every plan)
{base}graph/{name}                          named graphs
{base}catalog, {base}sparql, {base}downloads/{file}   the DCAT catalog, the endpoint and the dumps
{base}id/dataset/nap-kg[/distributie/{file}]  the dataset and its distributions (catalog and VoID)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef

# The plan whose action points the sources describe; every plan-scoped IRI takes the plan as an argument.
CURRENT_PLAN = "nap-2022-2026"


def slugify(text: str) -> str:
    """Readable, stable path segment.

    >>> slugify("In (formele) consultatie")
    'in-formele-consultatie'
    >>> slugify("Coördinerend departement")
    'coordinerend-departement'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class Iris:
    """Mints IRIs under one base IRI."""

    base: str

    def id(self, path: str) -> URIRef:
        return URIRef(f"{self.base}id/{path}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")

    def in_plan(self, plan: str, path: str) -> URIRef:
        """A resource that belongs to one plan: {base}id/plan/{plan}/{path}."""
        return URIRef(f"{self.plan(plan)}/{path}")

    def action_point(self, n: int, plan: str = CURRENT_PLAN) -> URIRef:
        return self.in_plan(plan, f"actiepunt/{n}")

    def objective(self, n: int, plan: str = CURRENT_PLAN) -> URIRef:
        return URIRef(f"{self.action_point(n, plan)}/doelstelling")

    def timeline(self, n: int, plan: str = CURRENT_PLAN) -> URIRef:
        return URIRef(f"{self.action_point(n, plan)}/tijdslijn")

    def responsibility(self, n: int, org: str, role: str, plan: str = CURRENT_PLAN) -> URIRef:
        return URIRef(f"{self.action_point(n, plan)}/verantwoordelijkheid/{org}-{role}")

    def status_assessment(self, n: int, year: int, plan: str = CURRENT_PLAN) -> URIRef:
        return URIRef(f"{self.action_point(n, plan)}/status/{year}")

    def explanation(self, n: int, year: int, plan: str = CURRENT_PLAN) -> URIRef:
        return URIRef(f"{self.action_point(n, plan)}/toelichting/{year}")

    def footnote(self, owner: URIRef, marker: str) -> URIRef:
        return URIRef(f"{owner}/voetnoot/{marker}")

    def citation(self, citing: URIRef, start: int, key: str) -> URIRef:
        return URIRef(f"{citing}/verwijzing/{start}-{slugify(key)}")

    def theme_scheme(self, plan: str = CURRENT_PLAN) -> URIRef:
        return self.in_plan(plan, "thema")

    def theme(self, title: str, plan: str = CURRENT_PLAN) -> URIRef:
        return URIRef(f"{self.theme_scheme(plan)}/{slugify(title)}")

    def pillar_scheme(self) -> URIRef:
        return self.id("ungp/pijler")

    def pillar(self, n: int) -> URIRef:
        """A pillar of the UNGPs: not scoped by plan, as every plan that follows the UNGPs shares them."""
        return URIRef(f"{self.pillar_scheme()}/{n}")

    def curated(self, path: str, plan: str = CURRENT_PLAN) -> URIRef:
        """A curated (analyst) statement about the plan's action points: {plan}/redactie/{path}."""
        return self.in_plan(plan, f"redactie/{path}")

    def status(self, slug: str) -> URIRef:
        return self.id(f"status/{slug}")

    def role(self, slug: str) -> URIRef:
        return self.id(f"rol/{slug}")

    def certainty(self, slug: str) -> URIRef:
        return self.id(f"zekerheid/{slug}")

    def plan(self, key: str) -> URIRef:
        return self.id(f"plan/{key}")

    def report(self, slug: str) -> URIRef:
        return self.id(f"rapport/{slug}")

    def paragraph(self, report: URIRef, n: int) -> URIRef:
        return URIRef(f"{report}/alinea/{n}")

    def event(self, key: str) -> URIRef:
        return self.id(f"gebeurtenis/{key}")

    def year(self, year: int) -> URIRef:
        return self.id(f"jaar/{year}")

    def instant(self, value: str) -> URIRef:
        """A time:Instant as precise as the text: jaar/2022, maand/2022-03 or dag/2024-05-24."""
        kind = {4: "jaar", 7: "maand", 10: "dag"}[len(value)]
        return self.id(f"{kind}/{value}")

    def event_link(self, key: str, n: int, plan: str = CURRENT_PLAN) -> URIRef:
        return self.curated(f"gebeurtenis/{key}-{n}", plan)

    def organisation(self, key: str) -> URIRef:
        return self.id(f"organisatie/{key}")

    def programme(self, key: str) -> URIRef:
        return self.id(f"programma/{key}")

    def figure(self, key: str) -> URIRef:
        return self.id(f"cijfer/{key}")

    def entity_link(self, kind: str, key: str, n: int, plan: str = CURRENT_PLAN) -> URIRef:
        """An editor's link from a thing the letter names (kind: programma, partner, cijfer) to action point n."""
        return self.curated(f"{kind}/{key}-{n}", plan)

    def instrument(self, key: str) -> URIRef:
        return self.id(f"eu/{key}")

    # EU-law lifecycles (rdf_eu_lifecycle.py) and typed relations (rdf_eu_relations.py).

    def stage(self, act: URIRef, kind: str, when: str) -> URIRef:
        """A dated stage of an act: {act}/fase/{kind}/{yyyy-mm-dd} (one act may have two deadlines of a kind)."""
        return URIRef(f"{act}/fase/{kind}/{when}")

    def stage_kind(self, slug: str) -> URIRef:
        return self.id(f"eu-fase/{slug}")

    def deadline_change(self, changing: URIRef, changed_key: str, kind: str, when: str) -> URIRef:
        return URIRef(f"{changing}/verschuiving/{changed_key}-{kind}-{when}")

    def subdivision(self, act: URIRef, path: str) -> URIRef:
        """An article or paragraph of an act: {act}/artikel/29, {act}/artikel/29/lid/7."""
        return URIRef(f"{act}/{path}")

    def eu_relation(self, n: int, relation: str, act_key: str, plan: str = CURRENT_PLAN) -> URIRef:
        return self.curated(f"eu-relatie/{n}/{relation}-{act_key}", plan)

    def reference_source(self) -> URIRef:
        """The compiled reference facts (../shared/reference/) as a source of dated facts."""
        return self.id("bron/referentiegegevens")

    def dutch_law(self, key: str) -> URIRef:
        return self.id(f"wet/{key}")

    def identifier(self, owner: URIRef, scheme: str) -> URIRef:
        return URIRef(f"{owner}/identificatie/{scheme}")

    def kamerstuk(self, key: str) -> URIRef:
        return self.id(f"kamerstuk/{key}")

    def dossier(self, number: str) -> URIRef:
        return self.id(f"kamerstukdossier/{number}")

    def gazette(self, key: str) -> URIRef:
        return self.id(f"staatscourant/{key}")

    def house_document(self, number: str) -> URIRef:
        return self.id(f"tk-document/{number}")

    def ungp_principle(self, n: int) -> URIRef:
        return self.id(f"ungp/principe/{n}")

    def oecd_chapter(self, roman: str) -> URIRef:
        return self.id(f"oeso/hoofdstuk/{roman}")

    def oecd_step(self, n: int) -> URIRef:
        return self.id(f"oeso/stap/{n}")

    def alignment(self, n: int, target: str, plan: str = CURRENT_PLAN) -> URIRef:
        return self.curated(f"afstemming/{n}/{target}", plan)

    def update_link(self, paragraph: int, n: int, plan: str = CURRENT_PLAN) -> URIRef:
        return self.curated(f"update/{paragraph}-{n}", plan)

    # Open-data-portal metadata (catalog.py, void.py): the catalog, VoID and the endpoint's service description
    # all name the dataset and the endpoint with these IRIs.

    def catalog(self) -> URIRef:
        return URIRef(f"{self.base}catalog")

    def dataset(self) -> URIRef:
        return self.id("dataset/nap-kg")

    def distribution(self, file_name: str) -> URIRef:
        return URIRef(f"{self.dataset()}/distributie/{file_name}")

    def download(self, file_name: str) -> URIRef:
        return URIRef(f"{self.base}downloads/{file_name}")

    def data_service(self) -> URIRef:
        return self.id("dienst/sparql")

    def sparql_endpoint(self) -> URIRef:
        return URIRef(f"{self.base}sparql")

    def uri_space(self) -> str:
        return f"{self.base}id/"

    def contact_point(self) -> URIRef:
        return URIRef(f"{self.organisation('nap-kg-redactie')}/contactpunt")

    def void_partition(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.dataset()}/void/{kind}/{key}")

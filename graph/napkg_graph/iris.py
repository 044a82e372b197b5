"""The IRI scheme, in one place. Every IRI of the dataset is minted here, under the configured base.

{base}id/actiepunt/{n}                      action point n (1-33, document order)
{base}id/actiepunt/{n}/doelstelling         its objective
{base}id/actiepunt/{n}/tijdslijn            its timeline
{base}id/actiepunt/{n}/status/{year}        its status as assessed in the report of that year
{base}id/actiepunt/{n}/toelichting/{year}   its explanation in that report
{base}id/thema/{slug}, {base}id/pijler/{n}  themes and pillars
{base}id/plan/{key}, {base}id/rapport/{slug} plans and source documents
{base}id/kamerstuk/{dossier[-toevoeging]-nr}, {base}id/kamerstukdossier/{dossier}
{base}id/staatscourant/{year}-{nr}, {base}id/tk-document/{yyyyDnnnnn}
{base}id/eu/{key}, {base}id/wet/{key}, {base}id/organisatie/{key}
{base}id/ungp/principe/{n}, {base}id/oeso/hoofdstuk/{roman}, {base}id/oeso/stap/{n}
{base}id/redactie/...                       curated (analyst) statements
{base}graph/{name}                          named graphs
{base}catalog, {base}sparql, {base}downloads/{file}   the DCAT catalog, the endpoint and the dumps
{base}id/dataset/nap-kg[/distributie/{file}]  the dataset and its distributions (catalog and VoID)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef


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

    def action_point(self, n: int) -> URIRef:
        return self.id(f"actiepunt/{n}")

    def objective(self, n: int) -> URIRef:
        return self.id(f"actiepunt/{n}/doelstelling")

    def timeline(self, n: int) -> URIRef:
        return self.id(f"actiepunt/{n}/tijdslijn")

    def responsibility(self, n: int, org: str, role: str) -> URIRef:
        return self.id(f"actiepunt/{n}/verantwoordelijkheid/{org}-{role}")

    def status_assessment(self, n: int, year: int) -> URIRef:
        return self.id(f"actiepunt/{n}/status/{year}")

    def explanation(self, n: int, year: int) -> URIRef:
        return self.id(f"actiepunt/{n}/toelichting/{year}")

    def footnote(self, owner: URIRef, marker: str) -> URIRef:
        return URIRef(f"{owner}/voetnoot/{marker}")

    def citation(self, citing: URIRef, start: int, key: str) -> URIRef:
        return URIRef(f"{citing}/verwijzing/{start}-{slugify(key)}")

    def theme(self, title: str) -> URIRef:
        return self.id(f"thema/{slugify(title)}")

    def pillar(self, n: int) -> URIRef:
        return self.id(f"pijler/{n}")

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

    def organisation(self, key: str) -> URIRef:
        return self.id(f"organisatie/{key}")

    def instrument(self, key: str) -> URIRef:
        return self.id(f"eu/{key}")

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

    def alignment(self, n: int, target: str) -> URIRef:
        return self.id(f"redactie/afstemming/{n}/{target}")

    def update_link(self, paragraph: int, n: int) -> URIRef:
        return self.id(f"redactie/update/{paragraph}-{n}")

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

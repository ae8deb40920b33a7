"""Synthetic data for the tests and the benches: N generated projects, and releases of them.

Everything here is SYNTHETIC and says so: IRIs under ``https://example.org/synthetic/``,
titles "Synthetic project N", the manifest flag ``"synthetic": true``. The projects follow
the real model (focus area, fund, lead and partners, period, budgets, city governments with
``dct:spatial``) so that the example queries and the bench's query mix mean something.
Generation writes N-Quads text, which pyoxigraph, ``oxigraph load`` and rdflib all read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .build.release import facts_of, html_pages, pages_of, publish, store_of, web_files
from .config import Settings
from .release import Release
from .urls import Urls

BASE = "https://example.org/synthetic/"
FOCUS_AREAS = (
    "open-data-and-interfaces",
    "open-innovation-platforms",
    "open-participation-and-customership",
)
FUNDS = ("erdf", "esf")
CITIES = ("helsinki", "espoo", "vantaa", "tampere", "turku", "oulu")
BUDGET_KINDS = ("total-budget", "eu-contribution")
ORGANISATIONS = 500  # the first six are city governments, the next six their units

_NS = {
    "a": "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def write_release(
    quads: Iterable[ox.Quad] | Path, settings: Settings, served: bool = False
) -> Release:
    """A current release of ``quads`` (or an N-Quads file's, its records one after another
    as ``nquads`` writes them): a store, the pages and the facts, and its manifest; if
    ``served``, the files the web server reads too (the context, by whose prefixes pages
    name terms; the shapes; made from the sources under ``settings.root``) and the HTML
    pages."""
    kept = quads if isinstance(quads, Path) else list(quads)
    served_too = [web_files, html_pages()] if served else []
    writers = [store_of(kept), pages_of(kept), facts_of(), *served_too]
    return publish(settings, writers, synthetic=True)


def nquads(projects: int, base: str = BASE) -> Iterator[str]:
    """N-Quads lines: the concept schemes, the organisations, then the projects."""
    urls = Urls(base)
    yield from _concepts(urls)
    yield from _organisations(urls)
    for i in range(projects):
        yield from _project(i, urls)


def _concepts(urls: Urls) -> Iterator[str]:
    graph, label = f"<{urls.graph('concepts')}>", f"<{_NS['skos']}prefLabel>"
    for scheme, names in (
        ("focus-area", FOCUS_AREAS),
        ("fund", FUNDS),
        ("city", CITIES),
        ("budget-kind", BUDGET_KINDS),
    ):
        for name in names:
            concept = f"<{urls.id(f'concept/{scheme}/{name}')}>"
            yield f"{concept} {_NS['a']} <{_NS['skos']}Concept> {graph} .\n"
            yield f"{concept} <{_NS['skos']}inScheme> <{urls.id(f'scheme/{scheme}')}> {graph} .\n"
            yield f'{concept} {label} "Synthetic {name}"@en {graph} .\n'
            yield f'{concept} {label} "Synteettinen {name}"@fi {graph} .\n'
    ontology = f"<{urls.graph('ontology')}>"
    owl_class = "<http://www.w3.org/2002/07/owl#Class>"
    yield f"<{urls.term('Project')}> {_NS['a']} {owl_class} {ontology} .\n"


def _organisations(urls: Urls) -> Iterator[str]:
    graph, label = f"<{urls.graph('projects')}>", f"<{_NS['skos']}prefLabel>"
    for k in range(ORGANISATIONS):
        organisation = _organisation(urls, k)
        yield f"{organisation} {_NS['a']} <{_NS['org']}Organization> {graph} .\n"
        yield f'{organisation} {label} "Synteettinen organisaatio {k}"@fi {graph} .\n'
        if k < len(CITIES):
            city = f"<{urls.id(f'concept/city/{CITIES[k]}')}>"
            yield f"{organisation} <{_NS['dct']}spatial> {city} {graph} .\n"
        elif k < 2 * len(CITIES):
            parent = _organisation(urls, k - len(CITIES))
            yield f"{organisation} <{_NS['org']}unitOf> {parent} {graph} .\n"


def _project(i: int, urls: Urls) -> Iterator[str]:
    vocab, graph = urls.vocab, f"<{urls.graph('projects')}>"
    project = f"<{urls.id(f'project/p{i}')}>"
    start = dt.date(2014 + i % 7, 1 + i % 12, 1)
    lead, *partners = (_organisation(urls, (i * 7 + j * 131) % ORGANISATIONS) for j in range(4))
    facts = [
        (_NS["a"], f"<{vocab}Project>"),
        (f"<{_NS['dct']}identifier>", f'"S{i:06d}"'),
        (f"<{_NS['dct']}title>", f'"Synteettinen hanke {i}"@fi'),
        (f"<{_NS['dct']}title>", f'"Synthetic project {i}"@en'),
        (f"<{_NS['dct']}description>", f'"Synteettinen testihanke numero {i}."@fi'),
        (f"<{_NS['dct']}description>", f'"Synthetic test project number {i}."@en'),
        (f"<{vocab}strategy>", f"<{urls.id('strategy/6aika')}>"),
        (f"<{vocab}fund>", f"<{urls.id(f'concept/fund/{FUNDS[i % 2]}')}>"),
        (f"<{vocab}focusArea>", f"<{urls.id(f'concept/focus-area/{FOCUS_AREAS[i % 3]}')}>"),
        (f"<{vocab}lead>", lead),
        *((f"<{vocab}partner>", p) for p in partners),
        (f"<{_NS['dct']}source>", f"<{urls.home()}source/{i}>"),
        (f"<{_NS['dct']}temporal>", f"_:t{i}"),
    ]
    for subject, predicate, obj in (
        *((project, p, o) for p, o in facts),
        (f"_:t{i}", _NS["a"], f"<{_NS['dct']}PeriodOfTime>"),
        (f"_:t{i}", f"<{_NS['dcat']}startDate>", _date(start)),
        (f"_:t{i}", f"<{_NS['dcat']}endDate>", _date(start.replace(year=start.year + 3))),
        *_budgets(i, project, urls),
    ):
        yield f"{subject} {predicate} {obj} {graph} .\n"


def _budgets(i: int, project: str, urls: Urls) -> Iterator[tuple[str, str, str]]:
    vocab = urls.vocab
    for n, kind in enumerate(BUDGET_KINDS):
        budget = f"_:b{i}x{n}"
        value = (100_000 + i * 37 % 900_000) // (n + 1)
        yield project, f"<{vocab}budget>", budget
        yield budget, _NS["a"], f"<{_NS['schema']}MonetaryAmount>"
        yield budget, f"<{_NS['schema']}value>", f'"{value}"^^<{_NS["xsd"]}decimal>'
        yield budget, f"<{_NS['schema']}currency>", '"EUR"'
        yield budget, f"<{vocab}budgetKind>", f"<{urls.id(f'concept/budget-kind/{kind}')}>"


def _date(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^<{_NS["xsd"]}date>'


def _organisation(urls: Urls, k: int) -> str:
    return f"<{urls.id(f'organisation/o{k}')}>"

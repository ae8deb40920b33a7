"""Synthetic data for tests and the bench: store-only releases and N generated projects.

Everything here is SYNTHETIC and says so: IRIs under ``https://example.org/synthetic/``,
titles "Synthetic project N", the manifest flag ``"synthetic": true``. The projects follow
the real model (focus area, fund, lead and partners, period, budgets, city governments with
``dct:spatial``) so that the example queries and the bench's query mix mean something.
Generation writes N-Quads text, which pyoxigraph, ``oxigraph load`` and rdflib all read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..release import Release, new_release_id

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


def write_release(quads: Iterable[ox.Quad], settings: Settings) -> Release:
    """A release with a store and a manifest (no dumps), made current."""
    release_id = new_release_id()
    folder = settings.releases_dir / release_id
    folder.mkdir(parents=True)
    store = ox.Store(str(folder / "store"))
    counts: Counter[str] = Counter()
    for quad in quads:
        store.add(quad)
        counts[quad.graph_name.value] += 1
    store.flush()
    del store
    _write_manifest(folder, settings, release_id, counts)
    return Release(folder)


def write_release_from_nquads(path: Path, settings: Settings) -> Release:
    """The same from an N-Quads file, loaded in bulk (millions of quads in seconds)."""
    release_id = new_release_id()
    folder = settings.releases_dir / release_id
    folder.mkdir(parents=True)
    store = ox.Store(str(folder / "store"))
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    counts = Counter(
        {
            s["g"].value: int(s["n"].value)
            for s in store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        }
    )
    store.flush()
    del store
    _write_manifest(folder, settings, release_id, counts)
    return Release(folder)


def _write_manifest(folder: Path, settings: Settings, release_id: str, counts: Counter) -> None:
    names = {settings.urls.graph(name): name for name in ("projects", "concepts", "ontology")}
    manifest = {
        "id": release_id,
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "base": settings.base,
        "synthetic": True,
        "triples": sum(counts.values()),
        "datasets": {
            names.get(graph, graph): {"graph": graph, "triples": n} for graph, n in counts.items()
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    current = settings.releases_dir / "current"
    temporary = settings.releases_dir / f".current-{release_id}"
    os.symlink(release_id, temporary)
    os.replace(temporary, current)


def nquads(projects: int, base: str = BASE) -> Iterator[str]:
    """N-Quads lines: the concept schemes, the organisations, then the projects."""
    yield from _concepts(base)
    yield from _organisations(base)
    for i in range(projects):
        yield from _project(i, base)


def _concepts(base: str) -> Iterator[str]:
    graph, label = f"<{base}graph/concepts>", f"<{_NS['skos']}prefLabel>"
    for scheme, names in (
        ("focus-area", FOCUS_AREAS),
        ("fund", FUNDS),
        ("city", CITIES),
        ("budget-kind", BUDGET_KINDS),
    ):
        for name in names:
            concept = f"<{base}id/concept/{scheme}/{name}>"
            yield f"{concept} {_NS['a']} <{_NS['skos']}Concept> {graph} .\n"
            yield f"{concept} <{_NS['skos']}inScheme> <{base}id/scheme/{scheme}> {graph} .\n"
            yield f'{concept} {label} "Synthetic {name}"@en {graph} .\n'
            yield f'{concept} {label} "Synteettinen {name}"@fi {graph} .\n'
    ontology = f"<{base}graph/ontology>"
    owl_class = "<http://www.w3.org/2002/07/owl#Class>"
    yield f"<{base}def/6aika#Project> {_NS['a']} {owl_class} {ontology} .\n"


def _organisations(base: str) -> Iterator[str]:
    graph, label = f"<{base}graph/projects>", f"<{_NS['skos']}prefLabel>"
    for k in range(ORGANISATIONS):
        organisation = _organisation(base, k)
        yield f"{organisation} {_NS['a']} <{_NS['org']}Organization> {graph} .\n"
        yield f'{organisation} {label} "Synteettinen organisaatio {k}"@fi {graph} .\n'
        if k < len(CITIES):
            city = f"<{base}id/concept/city/{CITIES[k]}>"
            yield f"{organisation} <{_NS['dct']}spatial> {city} {graph} .\n"
        elif k < 2 * len(CITIES):
            parent = _organisation(base, k - len(CITIES))
            yield f"{organisation} <{_NS['org']}unitOf> {parent} {graph} .\n"


def _project(i: int, base: str) -> Iterator[str]:
    vocab, graph = f"{base}def/6aika#", f"<{base}graph/projects>"
    project = f"<{base}id/project/p{i}>"
    start = dt.date(2014 + i % 7, 1 + i % 12, 1)
    lead, *partners = (_organisation(base, (i * 7 + j * 131) % ORGANISATIONS) for j in range(4))
    facts = [
        (_NS["a"], f"<{vocab}Project>"),
        (f"<{_NS['dct']}identifier>", f'"S{i:06d}"'),
        (f"<{_NS['dct']}title>", f'"Synteettinen hanke {i}"@fi'),
        (f"<{_NS['dct']}title>", f'"Synthetic project {i}"@en'),
        (f"<{_NS['dct']}description>", f'"Synteettinen testihanke numero {i}."@fi'),
        (f"<{_NS['dct']}description>", f'"Synthetic test project number {i}."@en'),
        (f"<{vocab}strategy>", f"<{base}id/strategy/6aika>"),
        (f"<{vocab}fund>", f"<{base}id/concept/fund/{FUNDS[i % 2]}>"),
        (f"<{vocab}focusArea>", f"<{base}id/concept/focus-area/{FOCUS_AREAS[i % 3]}>"),
        (f"<{vocab}lead>", lead),
        *((f"<{vocab}partner>", p) for p in partners),
        (f"<{_NS['dct']}source>", f"<{base}source/{i}>"),
        (f"<{_NS['dct']}temporal>", f"_:t{i}"),
    ]
    for subject, predicate, obj in (
        *((project, p, o) for p, o in facts),
        (f"_:t{i}", _NS["a"], f"<{_NS['dct']}PeriodOfTime>"),
        (f"_:t{i}", f"<{_NS['dcat']}startDate>", _date(start)),
        (f"_:t{i}", f"<{_NS['dcat']}endDate>", _date(start.replace(year=start.year + 3))),
        *_budgets(i, project, base),
    ):
        yield f"{subject} {predicate} {obj} {graph} .\n"


def _budgets(i: int, project: str, base: str) -> Iterator[tuple[str, str, str]]:
    vocab = f"{base}def/6aika#"
    for n, kind in enumerate(BUDGET_KINDS):
        budget = f"_:b{i}x{n}"
        value = (100_000 + i * 37 % 900_000) // (n + 1)
        yield project, f"<{vocab}budget>", budget
        yield budget, _NS["a"], f"<{_NS['schema']}MonetaryAmount>"
        yield budget, f"<{_NS['schema']}value>", f'"{value}"^^<{_NS["xsd"]}decimal>'
        yield budget, f"<{_NS['schema']}currency>", '"EUR"'
        yield budget, f"<{vocab}budgetKind>", f"<{base}id/concept/budget-kind/{kind}>"


def _date(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^<{_NS["xsd"]}date>'


def _organisation(base: str, k: int) -> str:
    return f"<{base}id/organisation/o{k}>"

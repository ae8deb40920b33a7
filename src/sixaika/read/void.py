"""The VoID description of the release: sizes, class and property partitions, the
vocabularies in use, dumps and examples (its catalog: ``read.catalog``, whose dataset IRIs
it shares)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..config import Settings
from ..release import Manifest
from .catalog import CATALOG_TEXTS, LICENCE, NS, Builder, catalog_iri, iri, term, typed
from .store import Repo


@dataclass(frozen=True)
class Counts:
    """What the data holds, by property and by class: VoID's partitions, the ontology's usage."""

    properties: dict[str, int]  # property -> triples
    classes: dict[str, int]  # class -> instances
    entities: int  # IRIs with a type: every resource of ours has one


def counts(repo: Repo, graph: str | None = None) -> Counts:
    """Counted in the store, within one named graph or all; seconds at 100k projects."""
    properties = (
        {} if graph else _pairs(repo, "SELECT ?k (COUNT(*) AS ?n) WHERE { ?s ?k ?o } GROUP BY ?k")
    )
    classes = _pairs(
        repo,
        "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { "
        + _within(graph, f"?s <{NS['rdf']}type> ?k")
        + " } GROUP BY ?k",
    )
    rows = repo.select(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { "
        + _within(graph, f"?s <{NS['rdf']}type> ?k FILTER(isIRI(?s))")
        + " }"
    )
    return Counts(properties, classes, int(rows[0]["n"].value) if rows else 0)


def _pairs(repo: Repo, query: str) -> dict[str, int]:
    """By key, in the order of the keys (whatever order the store answers in)."""
    found = {row["k"].value: int(row["n"].value) for row in repo.select(query)}
    return dict(sorted(found.items()))


def _within(graph: str | None, pattern: str) -> str:
    return f"GRAPH <{graph}> {{ {pattern} }}" if graph else pattern


def void(
    settings: Settings,
    manifest: Manifest,
    totals: Counts,
    by_graph: dict[str, Counts],
    examples: list[str],
) -> list[ox.Triple]:
    """VoID: sizes, class and property partitions, vocabularies, dumps, examples.

    ``totals`` are the counts over all graphs (shared with the ontology page), ``by_graph``
    each dataset's, by its graph's IRI (``read.facts``, counted by the build). Property
    partitions are given for the whole only: per graph they would cost another full scan
    each.
    """
    g = Builder()
    root = iri(settings.urls.void("dataset"))
    g.add(root, "rdf:type", term("void:Dataset"))
    g.texts(root, "dct:title", {k: v[0] for k, v in CATALOG_TEXTS.items()})
    g.add(root, "dct:license", iri(LICENCE))
    g.add(root, "void:sparqlEndpoint", iri(settings.urls.sparql()))
    g.add(root, "void:uriSpace", ox.Literal(settings.urls.id()))
    g.add(root, "void:rootResource", iri(settings.urls.id("strategy/6aika")))
    g.add(root, "void:triples", _count(manifest.triples))
    _partitions(g, root, totals)
    for namespace in _vocabularies(totals):
        g.add(root, "void:vocabulary", iri(namespace))
    for example in examples:
        g.add(root, "void:exampleResource", iri(example))
    for name, dataset in manifest.datasets.items():
        subset = iri(catalog_iri(settings, name))
        g.add(root, "void:subset", subset)
        g.add(subset, "rdf:type", term("void:Dataset"))
        g.add(subset, "void:triples", _count(dataset.triples))
        g.add(subset, "void:sparqlEndpoint", iri(settings.urls.sparql()))
        for file in dataset.files.values():
            g.add(subset, "void:dataDump", iri(settings.urls.dump(file.name)))
        _partitions(g, subset, by_graph.get(dataset.graph, Counts({}, {}, 0)))
    return g.triples


def _count(n: int | str) -> ox.Literal:
    return typed(str(n), "xsd:integer")


def _partitions(g: Builder, dataset: ox.NamedNode, found: Counts) -> None:
    g.add(dataset, "void:entities", _count(found.entities))
    g.add(dataset, "void:classes", _count(len(found.classes)))
    if found.properties:
        g.add(dataset, "void:properties", _count(len(found.properties)))
    slug = "".join(c for c in dataset.value.rsplit("#", 1)[-1] if c.isalnum())
    for i, (kind, n) in enumerate(sorted(found.classes.items())):
        part = ox.BlankNode(f"{slug}c{i}")
        g.add(dataset, "void:classPartition", part)
        g.add(part, "void:class", iri(kind))
        g.add(part, "void:entities", _count(n))
    for i, (prop, n) in enumerate(sorted(found.properties.items())):
        part = ox.BlankNode(f"{slug}p{i}")
        g.add(dataset, "void:propertyPartition", part)
        g.add(part, "void:property", iri(prop))
        g.add(part, "void:triples", _count(n))


def _vocabularies(found: Counts) -> list[str]:
    """Namespaces of the properties and classes in use."""
    namespaces = set()
    for value in (*found.properties, *found.classes):
        cut = max(value.rfind("#"), value.rfind("/"))
        namespaces.add(value[: cut + 1])
    return sorted(namespaces)

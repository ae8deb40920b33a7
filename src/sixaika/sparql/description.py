"""The SPARQL 1.1 Service Description of the endpoint, with its dataset described by VoID.

What ``GET /sparql`` without a query answers (in Turtle, JSON-LD, RDF/XML or N-Triples):
the endpoint, the language, the result formats, the features, the limits, and the default
dataset: the union of one named graph per dataset of the catalog, with triple counts.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from ..config import Settings
from ..formats import W3C_FORMATS, Format, sparql_formats
from ..jsonld import compact
from ..release import Release
from .engine import Limits

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
PREFIXES = {
    "sd": SD,
    "void": VOID,
    "dct": DCT,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "formats": W3C_FORMATS,
    "ent": "http://www.w3.org/ns/entailment/",
}


def endpoint_iri(settings: Settings) -> str:
    return settings.urls.sparql()


def describe(settings: Settings, release: Release | None, limits: Limits) -> list[ox.Triple]:
    endpoint = endpoint_iri(settings)
    service, dataset = ox.NamedNode(endpoint + "#service"), ox.NamedNode(endpoint + "#dataset")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(
            service,
            _sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        ox.Triple(service, _dct("title"), ox.Literal("6Aika SPARQL endpoint", language="en")),
        ox.Triple(service, _dct("title"), ox.Literal("6Aika SPARQL-rajapinta", language="fi")),
        ox.Triple(service, RDFS_COMMENT, ox.Literal(_limits_text(limits), language="en")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
    ]
    triples += [
        ox.Triple(service, _sd("resultFormat"), ox.NamedNode(fmt.w3c_iri))
        for fmt in sparql_formats()
        if fmt.w3c_iri
    ]
    if limits.services:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    return triples + _dataset(settings, release, dataset)


def _dataset(settings: Settings, release: Release | None, dataset: ox.NamedNode) -> list[ox.Triple]:
    triples = [
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, RDFS_SEE_ALSO, ox.NamedNode(settings.urls.void())),
    ]
    datasets = release.manifest.datasets if release else {}
    default = ox.BlankNode("default")
    triples += [
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(default, _dct("description"), ox.Literal("The union of the named graphs.")),
    ]
    if release:
        triples.append(_triple_count(default, release.manifest.triples))
    for name, facts in datasets.items():
        named, graph = ox.BlankNode(f"named-{name}"), ox.BlankNode(f"graph-{name}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(facts.graph)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, _dct("title"), ox.Literal(name)),
            _triple_count(graph, facts.triples),
        ]
    return triples


def render(triples: list[ox.Triple], fmt: Format) -> bytes:
    if fmt.media_type == "application/ld+json":  # compact, with the prefixes as its context
        return json.dumps(compact(triples, dict(PREFIXES)), ensure_ascii=False, indent=1).encode()
    return ox.serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES) or b""


def _limits_text(limits: Limits) -> str:
    services = " ".join(sorted(limits.services)) or "none"
    return (
        f"Read-only: SPARQL 1.1 Query, no Update. Each query may run {limits.timeout:g} s "
        f"(ask for less with the timeout parameter), be {limits.max_length} characters long "
        "(POST it when it is longer than a URL of 8 KB can carry) "
        f"and return {limits.max_result_bytes / 1_000_000:g} MB. SERVICE endpoints allowed: "
        f"{services}. The default graph is the union of the named graphs."
    )


def _triple_count(node: ox.BlankNode, count: int) -> ox.Triple:
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    return ox.Triple(node, ox.NamedNode(VOID + "triples"), ox.Literal(str(count), datatype=integer))


def _sd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SD + local)


def _dct(local: str) -> ox.NamedNode:
    return ox.NamedNode(DCT + local)

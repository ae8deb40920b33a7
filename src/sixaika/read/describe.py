"""Describe: what the linked-data pages say about one resource, read through a ``Repo``.

A description holds the resource's own triples with their blank-node closure, the
resources that link to it (and, one step further, the projects those organisations take
part in: that is how a city lists its projects), and the labels of everything it names.
Every triple is one of the published data, so the description is the same graph in every
RDF format; and in one order (``canonical``), so the same bytes over every store.

All reads are SPARQL through ``Repo``, so the pages work against a remote store too.
The own triples and their blank nodes come from one query: blank-node labels are only
stable within one answer of a remote store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .canonical import canonical
from .store import Repo

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = RDF + "type"

# Properties that name a thing, best first.
LABEL_PROPERTIES = (
    SKOS + "prefLabel",
    RDFS + "label",
    DCT + "title",
    "http://xmlns.com/foaf/0.1/name",
    "http://www.w3.org/2006/vcard/ns#fn",
    "https://schema.org/name",
)
INBOUND_LIMIT = 500  # links shown from other resources; a city of 100k projects has more
BLANK_DEPTH = 3  # nesting of blank nodes the sources can write (record > node > node)


@dataclass(frozen=True)
class Description:
    iri: str
    triples: list[ox.Triple]
    inbound_total: int  # links to the resource in the data; more than shown when cut


def _values(name: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(f'<{i}>' for i in iris)} }}"


def own_query(iri: str) -> str:
    """The resource's triples and its blank nodes' triples, to ``BLANK_DEPTH`` levels."""
    branches = [f"{{ <{iri}> ?p ?o }}"]
    for depth in range(1, BLANK_DEPTH + 1):
        path = [f"<{iri}>"] + [f"?b{i}" for i in range(1, depth)] + ["?b"]
        steps = " ".join(
            f"{path[i]} ?q{i} {path[i + 1]} . FILTER(isBlank({path[i + 1]}))" for i in range(depth)
        )
        branches.append(f"{{ {steps} ?b ?bp ?bo }}")
    return f"CONSTRUCT {{ <{iri}> ?p ?o . ?b ?bp ?bo }} WHERE {{ {' UNION '.join(branches)} }}"


def inbound_query(iri: str, limit: int = INBOUND_LIMIT) -> str:
    # No ORDER BY: sorting 33k links to a concept costs Oxigraph seconds; the store's own
    # order is stable for a release, and pages sort what they show.
    return (
        f"CONSTRUCT {{ ?in ?p <{iri}> }} WHERE {{ {{ SELECT ?in ?p WHERE {{ "
        f"?in ?p <{iri}> FILTER(isIRI(?in) && ?in != <{iri}>) }} LIMIT {limit} }} }}"
    )


def inbound_count_query(iri: str) -> str:
    """How many links ``inbound_query`` would give without its limit (self-links left out)."""
    return (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?in ?p <{iri}> FILTER(isIRI(?in) && ?in != <{iri}>) }}"
    )


def participation_query(iri: str, vocab: str, limit: int) -> str:
    """Projects in which the resources linking to ``iri`` (organisations, units) take part."""
    roles = f"<{vocab}lead>, <{vocab}partner>"
    return (
        f"CONSTRUCT {{ ?x ?role ?in }} WHERE {{ ?in ?p <{iri}> FILTER(isIRI(?in)) "
        f"?x ?role ?in FILTER(?role IN ({roles})) }} LIMIT {limit}"
    )


def labels_query(iris: Iterable[str]) -> str:
    # FILTER IN, not a second VALUES: Oxigraph joins two VALUES blocks slowly (7 ms, not 0.4).
    properties = ", ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    return (
        f"CONSTRUCT {{ ?r ?lp ?l }} WHERE {{ {_values('r', iris)} "
        f"?r ?lp ?l FILTER(?lp IN ({properties})) }}"
    )


def describe(repo: Repo, iri: str, vocab: str) -> Description | None:
    """The description of ``iri``; ``None`` when the data says nothing about it."""
    own = repo.construct(own_query(iri))
    if not own:
        return None
    inbound = repo.construct(inbound_query(iri))
    total = len(inbound)
    if total >= INBOUND_LIMIT:
        total = int(repo.select(inbound_count_query(iri))[0]["n"].value)
    hops = repo.construct(participation_query(iri, vocab, INBOUND_LIMIT)) if inbound else []
    return assemble(iri, own + inbound + hops, total, lambda named: labels(repo, named))


def assemble(
    iri: str,
    triples: list[ox.Triple],
    inbound_total: int,
    labels_of: Callable[[list[str]], list[ox.Triple]],
) -> Description:
    """A description of ``iri`` from its triples (its own, the links to it and their
    projects), with the labels of everything they name (``labels_of``), in one order.

    Over a store (``describe``) and in the build (``build.pages``) alike."""
    triples = _unique(triples)
    named = sorted(linked_iris(triples) - {iri})
    return Description(iri, canonical(triples + labels_of(named)), inbound_total)


def linked_iris(triples: Iterable[ox.Triple]) -> set[str]:
    """Every IRI a set of triples names as subject or object."""
    found = set()
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
    return found


def _unique(triples: list[ox.Triple]) -> list[ox.Triple]:
    return list(dict.fromkeys(triples))


def exists(repo: Repo, iri: str) -> bool:
    return repo.ask(f"ASK {{ <{iri}> ?p ?o }}")


def members(repo: Repo, prefix: str) -> list[str]:
    """The resources whose IRI starts with ``prefix`` (every one of ours has a type), sorted."""
    query = (
        f"SELECT ?s WHERE {{ ?s <{RDF_TYPE}> ?t FILTER(STRSTARTS(STR(?s), {_string(prefix)})) }}"
    )
    return sorted({row["s"].value for row in repo.select(query)})


def labels(repo: Repo, iris: list[str]) -> list[ox.Triple]:
    """The label triples of ``iris`` (none for an empty list)."""
    return repo.construct(labels_query(iris)) if iris else []


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

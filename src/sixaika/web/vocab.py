"""The vocabulary as pages: ``/def/6aika`` (and ``/ontology``), ``/shapes``, ``/context.jsonld``.

The ontology page documents each class and property under an anchor named like its hash
IRI (``/def/6aika#Project``), so every term's IRI lands on its own entry in a browser;
the RDF formats are the ontology graph itself. The shapes page does the same for the
SHACL shapes of the release, told by their messages in the reader's language.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, abort, redirect, render_template
from werkzeug.wrappers import Response

from ..namespaces import Subject, Term, value_of
from ..read.canonical import canonical
from ..read.describe import RDF_TYPE, labels, linked_iris
from . import i18n
from .present import Link, Node, Presenter
from .respond import alternates, finish, same_query, send_rdf, tagged
from .site import links, memo, site
from .void import totals

bp = Blueprint("vocab", __name__)

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SH = "http://www.w3.org/ns/shacl#"
CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
TERM_TYPES = CLASS_TYPES | {OWL + "ObjectProperty", OWL + "DatatypeProperty"}
SHOWN_APART = {RDFS + "label", RDFS + "comment", RDF_TYPE, RDFS + "isDefinedBy"}
ALIGNMENTS_ANCHOR = "alignments"  # the mapping set is {base}def/6aika#alignments


@dataclass(frozen=True)
class Alignment:
    """One SSSOM mapping record: subject, SKOS relation, target, and why."""

    subject: Link
    relation: Link
    target: Link
    comment: str | None


@dataclass
class Entry:
    """One documented term or shape: an anchor, a name, words, and its other facts."""

    anchor: str
    iri: str
    title: str
    comment: str | None
    node: Node
    extra: list[str] = field(default_factory=list)  # small print (usage, severity, ...)
    links: list[Link] = field(default_factory=list)
    alignments: list[Alignment] = field(default_factory=list)


# Ontology ------------------------------------------------------------------------


def ontology_iri() -> str:
    return site().settings.urls.ontology()


def ontology_triples() -> list[ox.Triple]:
    graph = site().settings.urls.graph("ontology")
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return memo("ontology", lambda: canonical(site().repo.construct(query)))


def usage() -> dict[str, int]:
    """How often the data uses each term, as property (triples) or as class (instances)."""
    found = totals()
    return {**found.properties, **found.classes}


@bp.get("/def/6aika", defaults={"ext": None})
@bp.get("/def/6aika.<ext>")
def ontology(ext: str | None) -> Response:
    path = links().ontology()

    def html(triples: list[ox.Triple], lang: str) -> str:
        # Records of ours the ontology links to (its agent, concepts it maps) by name.
        ours = sorted(i for i in linked_iris(triples) if i.startswith(site().settings.urls.id()))
        presenter = Presenter(triples + labels(site().repo, ours), site().names(), lang)
        head = presenter.resource_page(ontology_iri())
        alignments = _alignments(presenter, triples)
        classes, properties = _terms(presenter, triples, lang, alignments)
        return render_template(
            "vocab.html",
            page=head,
            classes=classes,
            properties=properties,
            alignments=alignments,
            alignments_anchor=ALIGNMENTS_ANCHOR,
            alternates=alternates(path),
        )

    return send_rdf("ontology", path, ext, ontology_triples, html)


@bp.get("/def/6aika/<version>")
def ontology_version(version: str) -> Response:
    """A version IRI of the ontology: the current version is the only one served."""
    wanted = f"{ontology_iri()}/{version}"  # compared as text: any string may come in
    if not any(value_of(t.object) == wanted for t in ontology_triples()):
        abort(404)
    return redirect(same_query(links().ontology()), code=303)


@bp.get("/ontology", defaults={"ext": None})
@bp.get("/ontology.<ext>")
def ontology_alias(ext: str | None) -> Response:
    suffix = f".{ext}" if ext else ""
    return redirect(same_query(links().ontology(suffix)), code=301)


def _terms(presenter: Presenter, triples: list[ox.Triple], lang: str, alignments: list[Alignment]):
    """The classes and properties the ontology mints, each with its alignments."""
    vocab = site().settings.urls.vocab
    counts = usage()
    kinds: dict[str, set[str]] = {}
    for t in triples:
        if value_of(t.subject).startswith(vocab) and t.predicate.value == RDF_TYPE:
            kinds.setdefault(value_of(t.subject), set()).add(value_of(t.object))
    classes: list[Entry] = []
    properties: list[Entry] = []
    for iri, types in sorted(kinds.items()):
        if not types & TERM_TYPES:
            continue  # the mapping set, also in our namespace, has a section of its own
        entry = _entry(presenter, iri, iri[len(vocab) :], lang)
        entry.alignments = [a for a in alignments if a.subject.iri == iri]
        used = counts.get(iri, 0)
        entry.extra.append(f"{i18n.text('used', lang)}: {i18n.counted('times', lang, used)}")
        if used:
            entry.links.append(
                Link(iri, _usage_query(iri, bool(types & CLASS_TYPES)), "SPARQL", None)
            )
        (classes if types & CLASS_TYPES else properties).append(entry)
    return classes, properties


def _alignments(presenter: Presenter, triples: list[ox.Triple]) -> list[Alignment]:
    """The mapping set's records (reified as owl:Axiom), in the order of their subjects."""
    parts: dict[Subject, dict[str, Term]] = {}
    for t in triples:
        if t.predicate.value.startswith(OWL + "annotated"):
            parts.setdefault(t.subject, {})[t.predicate.value[len(OWL + "annotated") :]] = t.object
    found = []
    for record, part in parts.items():
        if {"Source", "Property", "Target"} <= part.keys() and isinstance(record, ox.BlankNode):
            link = {k: presenter.names.link(value_of(v), presenter.lang) for k, v in part.items()}
            comment = presenter.text_of(record, (RDFS + "comment",))
            found.append(
                Alignment(link["Source"], link["Property"], link["Target"], comment and comment[0])
            )
    return sorted(found, key=lambda a: (a.subject.text.casefold(), a.target.iri))


def _entry(presenter: Presenter, iri: str, anchor: str, lang: str) -> Entry:
    title, _ = presenter.names.label(iri, lang)
    found = presenter.text_of(ox.NamedNode(iri), (RDFS + "comment", SH + "message"))
    comment = found[0] if found else None
    node = presenter.node(ox.NamedNode(iri), skip=SHOWN_APART | {SH + "message"})
    return Entry(anchor, iri, title, comment, node)


def _usage_query(iri: str, is_class: bool) -> str:
    pattern = f"?s a <{iri}>" if is_class else f"?s <{iri}> ?o"
    query = f"SELECT * WHERE {{ {pattern} }} LIMIT 100"
    return links().sparql("?" + urllib.parse.urlencode({"query": query}))


# Shapes --------------------------------------------------------------------------


def shapes_triples() -> list[ox.Triple]:
    def load() -> list[ox.Triple]:
        path = site().served_release().shapes_path
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        return stable_blank_nodes(q.triple for q in quads)

    return memo("shapes", load)


def stable_blank_nodes(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """``triples`` with blank nodes named in order of first appearance.

    The parser names ``[]`` and lists at random, anew in each process: named so, every
    worker sends the same bytes under the same ETag.

    >>> a, b = ox.BlankNode(), ox.BlankNode()
    >>> p = ox.NamedNode("http://example.org/p")
    >>> [(t.subject.value, t.object.value) for t in stable_blank_nodes(
    ...     [ox.Triple(b, p, a), ox.Triple(a, p, b)])]
    [('b0', 'b1'), ('b1', 'b0')]
    """
    labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(node: ox.BlankNode) -> ox.BlankNode:
        return labels.setdefault(node, ox.BlankNode(f"b{len(labels)}"))

    found = []
    for t in triples:
        subject = stable(t.subject) if isinstance(t.subject, ox.BlankNode) else t.subject
        obj = stable(t.object) if isinstance(t.object, ox.BlankNode) else t.object
        found.append(ox.Triple(subject, t.predicate, obj))
    return found


@bp.get("/shapes", defaults={"ext": None})
@bp.get("/shapes.<ext>")
def shapes(ext: str | None) -> Response:
    path = links().shapes()

    def html(triples: list[ox.Triple], lang: str) -> str:
        presenter = Presenter(triples, site().names(), lang)
        return render_template(
            "shapes.html",
            node_shapes=_shapes(presenter, triples, lang, SH + "NodeShape"),
            property_shapes=_shapes(presenter, triples, lang, SH + "PropertyShape"),
            alternates=alternates(path),
        )

    return send_rdf("shapes", path, ext, shapes_triples, html)


def _shapes(presenter: Presenter, triples: list[ox.Triple], lang: str, kind: str) -> list[Entry]:
    named = sorted(
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE
        and value_of(t.object) == kind
        and isinstance(t.subject, ox.NamedNode)
    )
    entries = []
    for iri in named:
        entry = _entry(presenter, iri, iri.rsplit("#", 1)[-1], lang)
        entry.title = iri.rsplit("#", 1)[-1]
        entries.append(entry)
    return entries


@bp.get("/context.jsonld")
def context() -> Response:
    """The JSON-LD context the published JSON-LD refers to (local: no remote fetch)."""
    body, etag = memo(
        "context", lambda: tagged(json.dumps(site().context, ensure_ascii=False, indent=2).encode())
    )
    return finish(Response(body, content_type="application/ld+json"), etag)

"""The fast compactor gives what pyld gives, and JSON-LD round-trips to the same graph."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from sixaika.build.sources import DATASETS, load_sources
from sixaika.config import Settings
from sixaika.context import Context
from sixaika.jsonld import IRI_MEMO, Compactor, compact, expanded, expanded_nodes

from .support import ROOT

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("base", ["http://localhost:8000/", "https://example.org/synthetic/"])
def test_compactor_equals_pyld_on_the_bundled_data(base):
    settings = Settings.from_env({}, root=str(ROOT), base=base)
    sources = load_sources(settings)
    context = Context.load(settings).terms
    for dataset in DATASETS:
        triples = [
            q.triple for q in sources.quads if q.graph_name.value == settings.urls.graph(dataset)
        ]
        assert len(triples) > 50
        assert Compactor(context).document(triples) == compact(triples, context), dataset


def test_compactor_equals_pyld_on_awkward_values():
    """Values no term fits: a plain string on a language-map term, an unknown datatype,
    two texts in one language, a link under a plain term, a single-node graph."""
    context = Context.load(Settings.from_env({}, root=str(ROOT))).terms
    x = ox.NamedNode("https://example.org/synthetic/x")
    dct, schema = "http://purl.org/dc/terms/", "https://schema.org/"
    triples = [
        ox.Triple(x, ox.NamedNode(dct + "title"), ox.Literal("no language")),
        ox.Triple(x, ox.NamedNode(dct + "title"), ox.Literal("yksi", language="fi")),
        ox.Triple(x, ox.NamedNode(dct + "title"), ox.Literal("kaksi", language="fi")),
        ox.Triple(
            x,
            ox.NamedNode(schema + "value"),
            ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
        ox.Triple(x, ox.NamedNode(dct + "temporal"), ox.NamedNode("https://example.org/t")),
        ox.Triple(x, ox.NamedNode("https://example.org/unknown#p"), ox.Literal("v")),
    ]
    for subset in (triples, triples[:1]):
        assert Compactor(context).document(subset) == compact(subset, context)


def test_jsonld_dump_round_trips(tmp_path):
    settings = Settings.from_env({}, root=str(ROOT))
    sources = load_sources(settings)
    context = Context.load(settings).terms
    triples = [
        q.triple for q in sources.quads if q.graph_name.value == settings.urls.graph("projects")
    ]
    document = json.dumps(Compactor(context).document(triples))
    parsed = rdflib.Graph().parse(data=document, format="json-ld")
    expected = rdflib.Graph().parse(
        data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt"
    )
    assert isomorphic(parsed, expected)


def test_the_compactor_remembers_a_bounded_number_of_iris():
    """A server's compactor meets every resource of the data: its memory of them is bounded."""
    compactor = Compactor(Context.load(Settings.from_env({}, root=str(ROOT))).terms)
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    for n in range(IRI_MEMO + 50):
        x = ox.NamedNode(f"https://example.org/synthetic/id/project/p{n}")
        compactor.document([ox.Triple(x, title, ox.Literal("synthetic", language="en"))])
    assert compactor.iri.cache_info().currsize <= IRI_MEMO


def _as_pyoxigraph_writes_it(triples: list[ox.Triple]) -> list:
    return expanded_nodes(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]")


def test_expanded_is_what_pyoxigraphs_json_ld_gives_on_the_bundled_data():
    settings = Settings.from_env({}, root=str(ROOT))
    triples = [q.triple for q in load_sources(settings).quads]
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    for group in [triples, *by_subject.values()]:
        # json.dumps: the same keys in the same order, not only equal dicts
        assert json.dumps(expanded(group)) == json.dumps(_as_pyoxigraph_writes_it(group))


def test_expanded_embeds_as_pyoxigraphs_json_ld_does_on_awkward_graphs():
    """A blank node used twice (kept apart), one used once (embedded, its own nested one
    too), one only a class, a literal class, a plain, a typed and a language literal."""
    x, p, q = (ox.NamedNode(f"https://example.org/synthetic/{n}") for n in ("x", "p", "q"))
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    twice, once, nested, klass = (ox.BlankNode(n) for n in ("twice", "once", "nested", "k"))
    common = [
        ox.Triple(x, p, twice),
        ox.Triple(x, q, twice),
        ox.Triple(twice, p, ox.Literal("shared")),
        ox.Triple(x, p, once),
        ox.Triple(once, q, nested),
        ox.Triple(nested, p, ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(once, kind, klass),
        ox.Triple(x, p, ox.Literal("teksti", language="fi")),
        ox.Triple(x, kind, p),
    ]
    literal_class = [*common, ox.Triple(x, kind, ox.Literal("not a class"))]
    for triples in (common, literal_class):
        assert json.dumps(expanded(triples)) == json.dumps(_as_pyoxigraph_writes_it(triples))

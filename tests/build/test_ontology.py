"""The ontology and the vocabulary the data uses."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from sixaika.build.link import REUSED_VOCABULARIES
from sixaika.build.sources import load_sources
from sixaika.config import Settings
from sixaika.context import Context

from ..support import ROOT

SETTINGS = Settings.from_env({}, root=str(ROOT))
NS = SETTINGS.vocab
ONTOLOGY = SETTINGS.base + "def/6aika"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ALIGNMENTS = {
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
    SKOS + "closeMatch",
    SKOS + "exactMatch",
    SKOS + "relatedMatch",
    SKOS + "broadMatch",
    SKOS + "narrowMatch",
}


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    store = ox.Store()
    store.load(
        path=str(ROOT / "ontology" / "6aika.ttl"),
        format=ox.RdfFormat.TURTLE,
        base_iri=SETTINGS.base,
    )
    return store


def objects(store: ox.Store, subject: str, predicate: str) -> list:
    return [
        q.object
        for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
    ]


def minted(store: ox.Store) -> set[str]:
    return {
        q.subject.value
        for q in store
        if isinstance(q.subject, ox.NamedNode)
        and q.subject.value.startswith(NS)
        and q.subject.value != NS
    }


def test_ontology_metadata(ontology):
    assert ox.NamedNode(OWL + "Ontology") in objects(ontology, ONTOLOGY, RDF_TYPE)
    for predicate in ("title", "description"):
        langs = {
            o.language for o in objects(ontology, ONTOLOGY, "http://purl.org/dc/terms/" + predicate)
        }
        assert {"fi", "en"} <= langs
    for predicate in (
        OWL + "versionIRI",
        OWL + "versionInfo",
        "http://purl.org/dc/terms/license",
        "http://purl.org/dc/terms/creator",
        "http://purl.org/vocab/vann/preferredNamespacePrefix",
        "http://purl.org/vocab/vann/preferredNamespaceUri",
    ):
        assert objects(ontology, ONTOLOGY, predicate), predicate


def test_every_minted_term_is_documented_and_aligned(ontology):
    terms = minted(ontology)
    assert len(terms) >= 20
    for term in sorted(terms):
        for predicate in ("label", "comment"):
            langs = [o.language for o in objects(ontology, term, RDFS + predicate)]
            assert {"fi", "en"} <= set(langs), f"{term} rdfs:{predicate}"
        assert [o.value for o in objects(ontology, term, RDFS + "isDefinedBy")] == [ONTOLOGY]
        aligned = [
            o
            for p in ALIGNMENTS
            for o in objects(ontology, term, p)
            if isinstance(o, ox.NamedNode) and not o.value.startswith(NS)
        ]
        assert aligned, f"{term} has no alignment to a standard term"


def test_context_and_ontology_agree(ontology):
    context = Context.load(SETTINGS)
    in_context = {
        context.expand(term) for term in context.terms if context.definition(term) is not None
    }
    ours = {iri for iri in in_context if iri.startswith(NS)}
    assert ours == minted(ontology)


def test_data_uses_only_minted_or_reused_vocabulary(ontology):
    """Every class and predicate in data/ is ours (and minted) or from a listed vocabulary."""
    sources = load_sources(SETTINGS, files=sorted((ROOT / "data").rglob("*.yaml")))
    used = set()
    for q in sources.quads:
        used.add(q.predicate.value)
        if q.predicate.value == RDF_TYPE:
            used.add(q.object.value)
    terms = minted(ontology)
    for iri in sorted(used):
        if iri.startswith(NS):
            assert iri in terms, f"{iri} is used but not minted"
        else:
            assert any(iri.startswith(ns) for ns in REUSED_VOCABULARIES), iri
    assert len(used) > 20

"""The ontology, its alignments, and the vocabulary the data uses."""

from __future__ import annotations

import owlrl
import pyoxigraph as ox
import pytest
import rdflib

from sixaika.build.link import REUSED_VOCABULARIES
from sixaika.build.sources import load_sources, source_files
from sixaika.build.validate import to_rdflib
from sixaika.config import Settings
from sixaika.context import Context

from ..support import ROOT

SETTINGS = Settings.from_env({}, root=str(ROOT))
NS = SETTINGS.urls.vocab
ONTOLOGY = SETTINGS.urls.ontology()
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
EURIO = "http://data.europa.eu/s66#"
TERM_TYPES = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty"}
AXIOMS = {RDFS + "subClassOf", RDFS + "subPropertyOf", OWL + "equivalentClass"}
AXIOMS |= {OWL + "equivalentProperty"}
SKOS_MAPPINGS = {SKOS + m for m in ("closeMatch", "exactMatch", "broadMatch", "narrowMatch")}
SKOS_MAPPINGS |= {SKOS + "relatedMatch"}
LANGUAGES = {"fi", "en", "sv"}


def ontology_quads(settings: Settings) -> list[ox.Quad]:
    """The ontology dataset as the build loads it: every Turtle file of ontology/."""
    files = [p for p in source_files(settings) if p.is_relative_to(settings.ontology_dir)]
    return load_sources(settings, files=files).quads


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    store = ox.Store()
    store.extend(ontology_quads(SETTINGS))
    return store


def objects(store: ox.Store, subject: str, predicate: str) -> list:
    return objects_of(store, ox.NamedNode(subject), predicate)


def objects_of(store: ox.Store, node: ox.NamedNode | ox.BlankNode, predicate: str) -> list:
    return [q.object for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None)]


def minted(store: ox.Store) -> set[str]:
    """The classes and properties in our namespace (not the mapping set, also there)."""
    return {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None)
        if q.subject.value.startswith(NS) and q.object.value in TERM_TYPES
    }


def mapping_claims(store: ox.Store) -> list[tuple[str, str, str]]:
    """(subject, relation, object) of every correspondence the ontology claims: asserted
    SKOS mappings and OWL/RDFS axioms, and the SSSOM records of the mapping set."""
    relations = SKOS_MAPPINGS | AXIOMS
    claims = [
        (q.subject.value, q.predicate.value, q.object.value)
        for q in store
        if q.predicate.value in relations and isinstance(q.object, ox.NamedNode)
    ]
    records = store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "Axiom"))
    for record in records:
        parts = {
            q.predicate.value: q.object.value
            for q in store.quads_for_pattern(record.subject, None, None)
        }
        claims.append(tuple(parts[OWL + f"annotated{p}"] for p in ("Source", "Property", "Target")))
    return claims


def test_ontology_metadata(ontology):
    assert ox.NamedNode(OWL + "Ontology") in objects(ontology, ONTOLOGY, RDF_TYPE)
    for predicate in ("title", "description"):
        langs = {o.language for o in objects(ontology, ONTOLOGY, DCT + predicate)}
        assert langs >= LANGUAGES
    for predicate in (
        OWL + "versionIRI",
        OWL + "versionInfo",
        DCT + "license",
        "http://purl.org/vocab/vann/preferredNamespacePrefix",
    ):
        assert objects(ontology, ONTOLOGY, predicate), predicate


def test_creator_and_publisher_are_agents_with_a_type_and_a_name(ontology):
    for predicate in ("creator", "publisher"):
        (agent,) = objects(ontology, ONTOLOGY, DCT + predicate)
        assert isinstance(agent, ox.NamedNode), f"dct:{predicate} is {agent}, not an agent's IRI"
        assert objects(ontology, agent.value, RDF_TYPE), f"dct:{predicate} has no type"
        names = {n.language for n in objects(ontology, agent.value, FOAF + "name")}
        assert names >= LANGUAGES, f"dct:{predicate} is not named in fi, en and sv"


@pytest.mark.parametrize("base", ["http://localhost:8000/", "https://data.example.org/6aika/"])
def test_namespace_is_a_literal_that_follows_the_base(base):
    settings = Settings.from_env({"SIXAIKA_BASE": base}, root=str(ROOT))
    store = ox.Store()
    store.extend(ontology_quads(settings))
    uri = "http://purl.org/vocab/vann/preferredNamespaceUri"
    (namespace,) = objects(store, base + "def/6aika", uri)
    assert isinstance(namespace, ox.Literal) and namespace.value == settings.urls.vocab


def test_every_minted_term_is_documented_in_three_languages(ontology):
    terms = minted(ontology)
    assert len(terms) >= 20
    for term in sorted(terms):
        for predicate in ("label", "comment"):
            langs = [o.language for o in objects(ontology, term, RDFS + predicate)]
            assert LANGUAGES <= set(langs), f"{term} rdfs:{predicate} in {sorted(langs)}"
            assert len(langs) == len(set(langs)), f"{term} has two rdfs:{predicate} in a language"
        assert [o.value for o in objects(ontology, term, RDFS + "isDefinedBy")] == [ONTOLOGY]


def test_every_minted_term_is_aligned_to_a_standard_term(ontology):
    aligned = {s for s, _, o in mapping_claims(ontology) if not o.startswith(NS)}
    for term in sorted(minted(ontology)):
        assert term in aligned, f"{term} has no alignment to a standard term"


# SKOS Reference (W3C, 2009), S18-S20 and S38-S44: the semantic relations, the mapping
# relations among them, have the domain and the range skos:Concept.
SKOS_SCHEMA = f"""
@prefix skos: <{SKOS}> . @prefix rdfs: <{RDFS}> .
skos:semanticRelation rdfs:domain skos:Concept ; rdfs:range skos:Concept .
skos:mappingRelation rdfs:subPropertyOf skos:semanticRelation .
skos:closeMatch rdfs:subPropertyOf skos:mappingRelation .
skos:exactMatch rdfs:subPropertyOf skos:closeMatch .
skos:broadMatch rdfs:subPropertyOf skos:mappingRelation .
skos:narrowMatch rdfs:subPropertyOf skos:mappingRelation .
skos:relatedMatch rdfs:subPropertyOf skos:mappingRelation .
"""


def test_no_class_or_property_becomes_a_skos_concept_under_rdfs(ontology):
    """Mappings between OWL terms are reified records, not asserted SKOS mapping triples."""
    graph = to_rdflib(ontology)
    graph.parse(data=SKOS_SCHEMA, format="turtle")
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(graph)
    concepts = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(SKOS + "Concept")))
    owl_terms = {
        s
        for kind in ("Class", "ObjectProperty", "DatatypeProperty")
        for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(OWL + kind))
    }
    mapped = {rdflib.URIRef(s) for s, _, _ in mapping_claims(ontology)}
    assert not (concepts & (owl_terms | mapped)), sorted(concepts & (owl_terms | mapped))


# What EURIO's terms are about, from their definitions (EURIO 2.4, data.europa.eu/s66):
# classes by the kind of thing their members are, properties by the kinds of their
# domain and range. A MonetaryAmount is an amount of any kind; hasTotalCost the total only.
AMOUNTS = {"total cost", "EU contribution", "partner share"}
EURIO_TERMS: dict[str, tuple[set[str], set[str]] | set[str]] = {
    "Project": {"project"},  # a planned work conducted by organisations, EU-funded
    "Organisation": {"organisation"},
    "OrganisationRole": {"participation"},  # an organisation's role in a particular project
    "Grant": {"grant"},  # a disbursed fund paid to a beneficiary within a project
    "FundingScheme": {"programme"},  # the legal framework: FP7, Horizon 2020
    "MonetaryAmount": AMOUNTS,
    "hasInvolvedParty": ({"project"}, {"participation"}),
    "isRoleOf": ({"participation"}, {"organisation"}),
    "roleLabel": ({"participation"}, {"text"}),
    "isFundedBy": ({"project"}, {"grant"}),
    "hasBeneficiary": ({"grant"}, {"participation"}),
    "hasTotalCost": ({"project"}, {"total cost"}),
    "hasFundingSchemeProgramme": ({"project"}, {"programme"}),
}
# The same for the classes this data uses, and for the properties whose ontology gives no
# domain or range (reused ones) or a range too general to tell (skos:Concept).
P = "http://www.w3.org/ns/prov#"
OUR_CLASSES = {
    NS + "Project": {"project"},
    NS + "Strategy": {"strategy"},
    NS + "Fund": {"fund"},
    NS + "ProjectRole": {"role kind"},
    P + "Attribution": {"participation"},
    "http://www.w3.org/ns/org#Organization": {"organisation"},
    "https://schema.org/MonetaryAmount": AMOUNTS,
}
OUR_PROPERTIES_AS_USED = {
    P + "qualifiedAttribution": ({"project"}, {"participation"}),
    P + "agent": ({"participation"}, {"organisation"}),
    "http://www.w3.org/ns/dcat#hadRole": ({"participation"}, {"role kind"}),
    NS + "programme": ({"strategy"}, {"programme"}),
}


def kinds_of(store: ox.Store, term: str) -> tuple[set[str], set[str]] | set[str]:
    if term in OUR_CLASSES:
        return OUR_CLASSES[term]
    if term in OUR_PROPERTIES_AS_USED:
        return OUR_PROPERTIES_AS_USED[term]
    domain, range_ = (_classes(store, term, RDFS + part) for part in ("domain", "range"))
    assert domain and range_, f"no kinds known for {term}: add it to the tables"
    return set().union(*(OUR_CLASSES[c] for c in domain)), set().union(
        *(OUR_CLASSES[c] for c in range_)
    )


def _classes(store: ox.Store, term: str, predicate: str) -> list[str]:
    """The classes of a domain or range, an owl:unionOf read as its members."""
    found = []
    for o in objects(store, term, predicate):
        if isinstance(o, ox.NamedNode):
            found.append(o.value)
            continue
        (members,) = objects_of(store, o, OWL + "unionOf")
        while isinstance(members, ox.BlankNode):
            found.append(objects_of(store, members, RDF + "first")[0].value)
            members = objects_of(store, members, RDF + "rest")[0]
    return found


def agrees(relation: str, ours: set[str], theirs: set[str]) -> bool:
    """Whether kinds on both sides fit the relation, read from our side."""
    if relation in (SKOS + "closeMatch", SKOS + "exactMatch", OWL + "equivalentClass"):
        return ours == theirs
    if relation in (SKOS + "narrowMatch",):  # theirs is narrower
        return theirs <= ours
    if relation in (SKOS + "broadMatch", RDFS + "subClassOf", RDFS + "subPropertyOf"):
        return ours <= theirs
    return True  # skos:relatedMatch: associated, nothing more is claimed


def test_eurio_alignments_point_to_terms_of_the_right_kind(ontology):
    checked = 0
    for subject, relation, target in mapping_claims(ontology):
        if not target.startswith(EURIO):
            continue
        name = target[len(EURIO) :]
        assert name in EURIO_TERMS, f"{target}: add what EURIO defines it as to EURIO_TERMS"
        theirs, ours = EURIO_TERMS[name], kinds_of(ontology, subject)
        assert isinstance(theirs, set) == isinstance(ours, set), (
            f"{subject} {target}: class/property"
        )
        pairs = {"": (ours, theirs)} if isinstance(theirs, set) else {}
        if not pairs:
            pairs = {"domain ": (ours[0], theirs[0]), "range ": (ours[1], theirs[1])}
        for side, (mine, eurio) in pairs.items():
            assert agrees(relation, mine, eurio), (
                f"{subject} {relation.rsplit('#')[-1]} {target}: {side}{mine} vs {eurio}"
            )
        checked += 1
    assert checked >= 5


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


def test_every_concept_and_scheme_is_named_in_three_languages():
    """The site offers Swedish: the concept schemes name every concept in it too."""
    quads = load_sources(SETTINGS, files=sorted((ROOT / "data" / "concepts").glob("*.yaml"))).quads
    labels: dict[str, dict[str, set[str]]] = {}
    for q in quads:
        if q.predicate.value in (SKOS + "prefLabel", SKOS + "altLabel"):
            by_lang = labels.setdefault(q.subject.value, {})
            by_lang.setdefault(q.predicate.value, set()).add(q.object.language)
    assert len(labels) >= 30
    for concept, by_property in sorted(labels.items()):
        assert by_property[SKOS + "prefLabel"] >= LANGUAGES, concept
        for property, langs in by_property.items():
            assert "sv" in langs, f"{concept} {property} has no Swedish text"

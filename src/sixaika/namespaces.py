"""Prefixes of the vocabularies we reuse, for Turtle output and short names in reports;
the kinds of RDF term our graphs hold.

>>> PREFIXES["dct"]
'http://purl.org/dc/terms/'
>>> value_of(ox.Literal("6Aika")), value_of(ox.NamedNode("https://example.org/x"))
('6Aika', 'https://example.org/x')
"""

from __future__ import annotations

import pyoxigraph as ox

# What a triple's subject and object may be in pyoxigraph: RDF 1.2's triple terms too,
# which no source can write and no release holds (``value_of`` refuses them).
Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def value_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> str:
    """A term's value (an IRI, a label, a literal's text); a triple term is an error."""
    if isinstance(term, ox.Triple | ox.DefaultGraph):
        raise TypeError(f"a node was expected, not {term}")
    return term.value


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

PREFIXES = {
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

"""JSON-LD out: triples as a compact document, nested nodes embedded where they belong.

pyoxigraph writes expanded JSON-LD fast; pyld compacts it with our context. We never
hand pyld N-Quads (its N-Quads parser is quadratic), only ready expanded node objects.

>>> import pyoxigraph as ox
>>> s, p = ox.NamedNode("http://localhost:8000/id/project/x"), ox.NamedNode("http://purl.org/dc/terms/title")
>>> doc = compact([ox.Triple(s, p, ox.Literal("Hanke", language="fi"))],
...               {"title": {"@id": "http://purl.org/dc/terms/title", "@container": "@language"}})
>>> doc["title"]
{'fi': 'Hanke'}
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from .context import Context
from .namespaces import RDF_TYPE

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
IRI_MEMO = 1 << 14  # compacted IRIs a Compactor remembers (the vocabulary's, and the latest)


def expanded(triples: Iterable[ox.Triple]) -> list[dict[str, Any]]:
    """Expanded JSON-LD node objects, one per subject, blank nodes used once embedded.

    What ``expanded_nodes`` makes of pyoxigraph's JSON-LD of the triples, key for key
    (tested), but made from them directly: writing and reading that JSON, and looking
    through every value for the blank nodes, took as long as the compaction itself.
    """
    triples = list(triples)
    nodes: dict[str, dict[str, Any]] = {}
    blank_objects: dict[str, list[tuple[list, int]]] = {}  # label -> where it is an object
    for t in triples:
        subject, predicate, obj = _label(t.subject), t.predicate.value, t.object
        node = nodes.get(subject) or nodes.setdefault(subject, {"@id": subject})
        if isinstance(obj, ox.Literal):
            if predicate == RDF_TYPE or obj.direction:  # never in our data: as pyoxigraph does
                return expanded_nodes(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]")
            node.setdefault(predicate, []).append(_literal(obj))
        elif predicate == RDF_TYPE:  # classes under @type, as JSON-LD's own fromRdf does
            node.setdefault("@type", []).append(_label(obj))
        else:
            values = node.setdefault(predicate, [])
            if isinstance(obj, ox.BlankNode):
                blank_objects.setdefault(_label(obj), []).append((values, len(values)))
            values.append({"@id": _label(obj)})
    for label, places in blank_objects.items():
        if len(places) == 1 and label in nodes:  # used once: embedded where it is used
            values, at = places[0]
            values[at] = nodes[label]
            del nodes[label]["@id"]
    return [n for n in nodes.values() if "@id" in n]


def _label(term: Any) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _literal(literal: ox.Literal) -> dict[str, str]:
    """A literal as pyoxigraph writes it in expanded JSON-LD (the same keys, in order)."""
    if literal.language:
        return {"@language": literal.language, "@value": literal.value}
    if literal.datatype.value == XSD_STRING:
        return {"@value": literal.value}
    return {"@type": literal.datatype.value, "@value": literal.value}


def expanded_nodes(serialized: bytes) -> list[dict[str, Any]]:
    """``expanded`` from pyoxigraph's JSON-LD output (of a store's graph, say)."""
    raw = json.loads(serialized or b"[]")
    nodes: dict[str, dict[str, Any]] = {}
    for node in raw:
        merged = nodes.setdefault(node["@id"], {"@id": node["@id"]})
        for key, values in node.items():
            if key == RDF_TYPE and all(v.keys() == {"@id"} for v in values):
                # As JSON-LD's own fromRdf does: classes under @type, so they compact to "type".
                merged.setdefault("@type", []).extend(v["@id"] for v in values)
            elif key != "@id":
                merged.setdefault(key, []).extend(values)
    return _embed_blank_nodes(nodes)


def _embed_blank_nodes(nodes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    uses: dict[str, int] = {}
    for node in nodes.values():
        for ref in _references(node):
            uses[ref["@id"]] = uses.get(ref["@id"], 0) + 1
    embedded = {i for i, n in uses.items() if i.startswith("_:") and n == 1 and i in nodes}
    for node in nodes.values():
        for key, values in node.items():
            if key.startswith("@"):
                continue
            node[key] = [_inline(v, nodes, embedded) for v in values]
    # The embedded nodes were placed by reference, so nodes nested in them (list cells of an
    # owl:unionOf, say) are in place too, whatever the order; only their labels go.
    for i in embedded:
        del nodes[i]["@id"]
    return [n for n in nodes.values() if "@id" in n]


def _inline(value: Any, nodes: dict, embedded: set[str]) -> Any:
    if isinstance(value, dict) and value.keys() == {"@id"} and value["@id"] in embedded:
        return nodes[value["@id"]]
    return value


def _references(node: dict[str, Any]) -> Iterable[dict[str, str]]:
    for key, values in node.items():
        if not key.startswith("@"):
            yield from (v for v in values if isinstance(v, dict) and v.keys() == {"@id"})


def compact(
    triples: Iterable[ox.Triple], context: dict[str, Any], context_ref: str | None = None
) -> dict[str, Any]:
    """Compact JSON-LD of ``triples``; ``@context`` becomes ``context_ref`` when given."""
    document = jsonld.compact(
        {"@graph": expanded(triples)},
        {"@context": context},
        {"documentLoader": _no_remote_contexts},
    )
    if context_ref is not None:
        document["@context"] = context_ref
    return document


def _no_remote_contexts(url: str, options: dict | None = None) -> dict:
    raise jsonld.JsonLdError(
        f"remote context {url} not loaded: only the local context is used",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


class Compactor:
    """Compaction as pyld does it, for the kinds of terms our context has, but fast.

    pyld spends about 1-4 ms per project description, minutes for a large dump. Our
    context only has plain terms, ``"@type": "@id"`` terms, typed terms and language
    maps, so the term for a value is chosen once per (property, value kind) and reused.
    tests/test_jsonld.py checks that the output equals pyld's on the bundled release.

    >>> title = {"@id": "http://purl.org/dc/terms/title", "@container": "@language"}
    >>> c = Compactor({"dct": "http://purl.org/dc/terms/", "title": title})
    >>> c.node({"@id": "http://e/x", "http://purl.org/dc/terms/title": [
    ...     {"@value": "Hanke", "@language": "fi"}], "http://purl.org/dc/terms/source": [
    ...     {"@id": "http://e/s"}]})
    {'@id': 'http://e/x', 'dct:source': {'@id': 'http://e/s'}, 'title': {'fi': 'Hanke'}}
    """

    def __init__(self, context: dict[str, Any]):
        self.context = context
        self.prefixes = Context({"@context": context}).prefixes
        self.terms: dict[tuple[str, str], str] = {}  # (iri, kind) -> term
        self.vocab_terms: dict[str, str] = {}  # iri -> term usable for @type values
        for term, definition in context.items():
            if term.startswith("@") or term in self.prefixes:
                continue
            if isinstance(definition, str):
                definition = {"@id": definition}
            iri = self._expand(definition["@id"])
            if iri.startswith("@"):  # keyword aliases such as "id" and "type"
                self.terms[(iri, "alias")] = term
                continue
            kind = (
                "lang"
                if definition.get("@container") == "@language"
                else self._expand(definition.get("@type", "plain"))
            )
            self.terms.setdefault((iri, kind), term)
            if kind == "plain":
                self.vocab_terms.setdefault(iri, term)
        # Bounded: a long-running server meets every resource's IRI, a million of them.
        self.iri = functools.lru_cache(maxsize=IRI_MEMO)(self._shortest)

    def _expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        return self.prefixes[prefix] + local if sep and prefix in self.prefixes else value

    def _shortest(self, iri: str, vocab: bool) -> str:
        """An IRI as a term (vocab only), else its shortest compact IRI, else itself."""
        found = self.vocab_terms.get(iri) if vocab else None
        if found is None:
            candidates = [
                f"{p}:{iri[len(ns) :]}"
                for p, ns in self.prefixes.items()
                if iri.startswith(ns) and len(iri) > len(ns)
            ]
            found = min(candidates, key=lambda c: (len(c), c)) if candidates else iri
        return found

    def _key(self, keyword: str) -> str:
        return self.terms.get((keyword, "alias"), keyword)

    def document(self, triples: Iterable[ox.Triple], context_ref: Any = None) -> dict[str, Any]:
        return self.document_of(expanded(triples), context_ref)

    def document_of(self, nodes: list[dict[str, Any]], context_ref: Any = None) -> dict[str, Any]:
        """The compact document of ``expanded`` node objects."""
        nodes = [self.node(n) for n in nodes]
        document: dict[str, Any] = {"@context": context_ref or self.context}
        if len(nodes) == 1:
            document.update(nodes[0])
        elif nodes:
            document["@graph"] = nodes
        return document

    def node(self, node: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "@id" in node:
            out[self._key("@id")] = self.iri(node["@id"], vocab=False)
        if "@type" in node:
            types = [self.iri(t, vocab=True) for t in node["@type"]]
            out[self._key("@type")] = types[0] if len(types) == 1 else types
        grouped: dict[str, list] = {}
        for prop in sorted(k for k in node if not k.startswith("@")):
            for value in node[prop]:
                key, compacted = self._property_value(prop, value)
                grouped.setdefault(key, []).append(compacted)
        for key, values in grouped.items():
            out[key] = self._collapse(key, values)
        return out

    def _property_value(self, prop: str, value: dict[str, Any]) -> tuple[str, Any]:
        if "@language" in value and (term := self.terms.get((prop, "lang"))):
            return term, ("@lang", value["@language"], value["@value"])
        if "@value" in value:
            datatype = value.get("@type")
            if (
                datatype is None
                and "@language" not in value
                and (term := self.terms.get((prop, "lang")))
            ):  # JSON-LD 1.1: a text without language sits under @none in a language map
                return term, ("@lang", "@none", value["@value"])
            if datatype and (term := self.terms.get((prop, datatype))):
                return term, value["@value"]
            key = self.terms.get((prop, "plain")) or self.iri(prop, vocab=True)
            if datatype is None and "@language" not in value:
                return key, value["@value"]
            out = {"@value": value["@value"]}
            if datatype:
                out[self._key("@type")] = self.iri(datatype, vocab=True)
            else:
                out["@language"] = value["@language"]
            return key, out
        if "@id" in value and len(value) == 1 and (term := self.terms.get((prop, "@id"))):
            return term, self.iri(value["@id"], vocab=False)
        key = self.terms.get((prop, "plain")) or self.iri(prop, vocab=True)
        return key, self.node(value)

    @staticmethod
    def _collapse(key: str, values: list) -> Any:
        if values and isinstance(values[0], tuple) and values[0][0] == "@lang":
            by_language: dict[str, list] = {}
            for _, language, text in values:
                by_language.setdefault(language, []).append(text)
            return {
                lang: texts[0] if len(texts) == 1 else texts for lang, texts in by_language.items()
            }
        return values[0] if len(values) == 1 else values

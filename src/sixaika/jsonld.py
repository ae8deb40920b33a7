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

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from pyld import jsonld


def expanded(triples: Iterable[ox.Triple]) -> list[dict[str, Any]]:
    """Expanded JSON-LD node objects, one per subject, blank nodes used once embedded."""
    raw = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]")
    nodes: dict[str, dict[str, Any]] = {}
    for node in raw:
        merged = nodes.setdefault(node["@id"], {"@id": node["@id"]})
        for key, values in node.items():
            if key != "@id":
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
    return [n for i, n in nodes.items() if i not in embedded]


def _inline(value: Any, nodes: dict, embedded: set[str]) -> Any:
    if isinstance(value, dict) and value.keys() == {"@id"} and value["@id"] in embedded:
        node = dict(nodes[value["@id"]])
        del node["@id"]
        return node
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

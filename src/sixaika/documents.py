"""An RDF document's bytes, as the site writes it: Turtle with the site's prefixes,
JSON-LD compacted with the published context (which it references, not copies).

One writer for the web, which writes a resource's document on request, and for the
build, which writes the documents asked for most (``STORED``) into the release's pages
ahead of time: both give the same bytes (tested).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import orjson
import pyoxigraph as ox

from .config import Settings
from .context import Context
from .formats import BY_KEY, Format
from .jsonld import Compactor, expanded
from .namespaces import PREFIXES

JSONLD, JSONLD_EXPANDED = BY_KEY["jsonld"], BY_KEY["jsonld-expanded"]
# Written by the build into each description's row (``read.pages``): what harvesters
# and crawlers ask for besides N-Triples, and what costs most to write on request
# (at 100k synthetic projects, 0.1 ms for Turtle, 0.25 ms for JSON-LD, against 0.01 ms
# to read it back).
STORED = (BY_KEY["ttl"], JSONLD)
_MORE_PREFIXES = {"vann": "http://purl.org/vocab/vann/", "void": "http://rdfs.org/ns/void#"}


class DocumentWriter:
    """Writes triples as the site's documents, given its context and the context's URL."""

    def __init__(self, context: dict[str, Any], context_url: str):
        self.context, self.context_url = context, context_url

    @classmethod
    def of_settings(cls, settings: Settings) -> DocumentWriter | None:
        """The writer of the site a release built with ``settings`` publishes (its
        context is the one ``Context.load`` reads, which the release carries); None
        where the sources have no context (a synthetic release made for queries only)."""
        if not Context.path_of(settings).exists():
            return None
        return cls(Context.load(settings).terms, settings.urls.context())

    @cached_property
    def prefixes(self) -> dict[str, str]:
        return {**PREFIXES, **_MORE_PREFIXES, **Context({"@context": self.context}).prefixes}

    @cached_property
    def compactor(self) -> Compactor:
        """Compacts with the published context: pyld's output, made faster (jsonld.py)."""
        return Compactor(self.context)

    def compacted(self, triples: list[ox.Triple]) -> dict[str, Any]:
        """Compact JSON-LD pointing at the published context (a reference, not a copy)."""
        return self.compactor.document(triples, context_ref=self.context_url)

    def body(self, triples: list[ox.Triple], fmt: Format) -> bytes:
        """``triples`` written in ``fmt``, an RDF format (HTML is not)."""
        if fmt is JSONLD:
            return jsonld_bytes(self.compacted(triples))
        if fmt is JSONLD_EXPANDED:
            return jsonld_bytes(expanded(triples))
        return ox.serialize(triples, format=fmt.rdf_format, prefixes=self.prefixes) or b""


def jsonld_bytes(document: dict[str, Any] | list[Any]) -> bytes:
    """A JSON-LD document, or another made of strings, numbers, null, lists and objects
    only (a table's page), written as ``json.dumps(indent=2, ensure_ascii=False)`` writes
    it (the same bytes: tested) by orjson, in a fifteenth of the time: at 100k projects,
    ``json``'s indented writer (Python, not C) took longer than the compaction, and than
    all else a table's page does."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)

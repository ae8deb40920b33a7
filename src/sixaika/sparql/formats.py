"""Result formats: which media type answers a request, and serialization within a limit.

>>> negotiate("text/csv", SOLUTIONS).media_type
'text/csv'
>>> negotiate("", GRAPH).media_type, negotiate("*/*", SOLUTIONS).media_type
('text/turtle', 'application/sparql-results+json')
>>> negotiate("text/csv", GRAPH) is None
True
>>> negotiate("application/sparql-results+json; charset=utf-8", SOLUTIONS).media_type
'application/sparql-results+json'
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from ..accept import best, parse, preference
from . import QueryError, too_large

# The kinds of result: SELECT's, ASK's, CONSTRUCT's and DESCRIBE's.
SOLUTIONS, BOOLEAN, GRAPH = "solutions", "boolean", "graph"


@dataclass(frozen=True)
class Format:
    media_type: str
    kinds: tuple[str, ...]  # of results it can carry
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    aliases: tuple[str, ...] = ()  # other media types clients send for it

    @property
    def content_type(self) -> str:
        # text/* defaults to ASCII without a charset; the others are UTF-8 by definition.
        text = self.media_type.startswith("text/")
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


# The first of each kind answers when the client accepts anything.
FORMATS = (
    Format(
        "application/sparql-results+json",
        (SOLUTIONS, BOOLEAN),
        ox.QueryResultsFormat.JSON,
        ("application/json", "text/javascript", "application/javascript"),
    ),
    Format(
        "application/sparql-results+xml",
        (SOLUTIONS, BOOLEAN),
        ox.QueryResultsFormat.XML,
        ("application/xml", "text/xml"),
    ),
    # Tables of bindings: an ASK's boolean has no place in them (SPARQL 1.1 CSV/TSV, §1).
    Format("text/csv", (SOLUTIONS,), ox.QueryResultsFormat.CSV),
    Format("text/tab-separated-values", (SOLUTIONS,), ox.QueryResultsFormat.TSV),
    Format(
        "text/turtle", (GRAPH,), ox.RdfFormat.TURTLE, ("application/x-turtle", "application/turtle")
    ),
    Format("application/ld+json", (GRAPH,), ox.RdfFormat.JSON_LD, ("application/json",)),
    Format("application/rdf+xml", (GRAPH,), ox.RdfFormat.RDF_XML, ("application/xml", "text/xml")),
    Format("application/n-triples", (GRAPH,), ox.RdfFormat.N_TRIPLES, ("text/plain",)),
)

# Names for a ``format`` parameter (as Fuseki and Virtuoso read it, and SPARQLWrapper sends
# it) or ``--format``: each stands for an Accept header, for both kinds of result.
FORMAT_NAMES = {
    "json": "application/sparql-results+json, application/ld+json",
    "xml": "application/sparql-results+xml, application/rdf+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "n3": "text/turtle",  # Turtle is N3 too
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "nt": "application/n-triples",
}


def accept_for(name: str) -> str | None:
    """The Accept header a format name (or one of our media types) stands for; None if unknown."""
    if name in FORMAT_NAMES:
        return FORMAT_NAMES[name]
    return name if any(name == f.media_type for f in FORMATS) else None


def offered(kind: str) -> list[str]:
    return [f.media_type for f in FORMATS if kind in f.kinds]


@lru_cache(maxsize=512)  # clients send the same few Accept headers, query after query
def negotiate(accept: str, kind: str) -> Format | None:
    """The format for ``Accept`` (absent or ``*/*``: the kind's first), or None (406)."""
    ranges = parse(accept) or parse("*/*")
    choices = (f for f in FORMATS if kind in f.kinds)
    return best(choices, lambda fmt: preference((fmt.media_type, *fmt.aliases), ranges))


def kind_of(results: object) -> str:
    if isinstance(results, ox.QueryTriples):
        return GRAPH
    return BOOLEAN if isinstance(results, ox.QueryBoolean) else SOLUTIONS


class _Bounded(io.RawIOBase):
    """A byte buffer that stops the serializer (and so the query) past ``limit`` bytes."""

    def __init__(self, limit: int):
        self.buffer, self.limit = bytearray(), limit

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.buffer += data
        if len(self.buffer) > self.limit:
            raise too_large(self.limit)
        return len(data)


def serialize(results: object, fmt: Format, limit: int, prefixes: dict[str, str]) -> bytes:
    """``results`` of ``Store.query`` (or parsed) in ``fmt``; ``QueryError`` past ``limit``."""
    out = _Bounded(limit)
    if isinstance(results, ox.QueryTriples | list):
        ox.serialize(results, out, fmt.oxigraph, prefixes=prefixes)
    else:
        results.serialize(out, fmt.oxigraph)  # type: ignore[attr-defined]
    body = bytes(out.buffer)
    return xml_text(body) if fmt.media_type.endswith("xml") else body


# Characters XML 1.0 cannot carry at all, not even as references (its production Char).
_NOT_IN_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def xml_text(body: bytes) -> bytes:
    """XML that a parser reads back as written, else ``QueryError`` 406.

    pyoxigraph writes a literal's characters raw: a carriage return, which an XML parser
    reads as a line feed (so ``"a\\rb"`` would come back as ``"a\\nb"``), is written as a
    reference here; a control character is refused, as no XML document can hold it.

    >>> xml_text(b"<literal>a\\rb</literal>")
    b'<literal>a&#13;b</literal>'
    >>> xml_text(b"<literal>a\\x01b</literal>")
    Traceback (most recent call last):
    sixaika.sparql.QueryError: The answer holds the character U+0001, which XML cannot carry: ...
    """
    found = _NOT_IN_XML.search(body)
    if found:
        code = ord(found[0].decode())
        raise QueryError(
            406,
            f"The answer holds the character U+{code:04X}, which XML cannot carry: "
            "ask for another format, such as JSON or Turtle.",
        )
    return body.replace(b"\r", b"&#13;")  # a CR is only ever in text: markup has none

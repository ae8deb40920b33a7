"""SPARQL answers: which format answers a request, and serialization within a limit.

The formats themselves, and which kind of result each carries, are ``sixaika.formats``'.

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

import pyoxigraph as ox

from .. import formats
from ..formats import BOOLEAN, GRAPH, SOLUTIONS, Format
from . import QueryError, too_large

__all__ = ["BOOLEAN", "GRAPH", "SOLUTIONS", "Format"]


def negotiate(accept: str, kind: str) -> Format | None:
    """The format for ``Accept`` (absent or ``*/*``: the kind's first), or None (406)."""
    return formats.negotiate(accept, formats.offered(kind))


def offered(kind: str) -> list[str]:
    return [f.media_type for f in formats.offered(kind)]


def kind_of(results: Results) -> str:
    if isinstance(results, ox.QueryTriples):
        return GRAPH
    return BOOLEAN if isinstance(results, ox.QueryBoolean) else SOLUTIONS


class _Bounded(io.BytesIO):
    """A byte buffer that stops the serializer (and so the query) past ``limit`` bytes."""

    def __init__(self, limit: int):
        super().__init__()
        self.size, self.limit = 0, limit

    def write(self, data, /) -> int:  # data: whatever BytesIO takes
        self.size += super().write(data)
        if self.size > self.limit:
            raise too_large(self.limit)
        return len(data)


Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]


def serialize(results: Results, fmt: Format, limit: int, prefixes: dict[str, str]) -> bytes:
    """``results`` of ``Store.query`` (or parsed) in ``fmt``; ``QueryError`` past ``limit``."""
    out = _Bounded(limit)
    if isinstance(results, ox.QueryTriples | list):
        ox.serialize(results, out, fmt.rdf_format, prefixes=prefixes)
    else:
        results.serialize(out, fmt.results_format)
    body = out.getvalue()
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

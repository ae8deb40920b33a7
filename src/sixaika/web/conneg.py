"""Content negotiation: which of the formats a document offers a request asks for.

``Accept`` is read with q-values, wildcards and the JSON-LD ``profile`` parameter
(``sixaika.accept``); a file extension on the URL (``.ttl``) overrides it. Among formats
the client gives the same q, the one it named more specifically wins, then the order of
the offer: the server's preference decides among formats the client likes equally.

>>> negotiate("text/html;q=0.9, text/turtle", RDF_DOCUMENT).key
'ttl'
>>> negotiate("*/*", RDF_DOCUMENT).key
'ttl'
>>> negotiate("application/ld+json;profile=\\"http://www.w3.org/ns/json-ld#expanded\\"",
...           RDF_DOCUMENT).key
'jsonld-expanded'
>>> negotiate("image/png", RDF_DOCUMENT) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..accept import MediaRange, best, parse, preference

EXPANDED_PROFILE = "http://www.w3.org/ns/json-ld#expanded"


@dataclass(frozen=True)
class Format:
    key: str  # memo key and, for those with one, the URL extension
    media_type: str  # what Content-Type says
    accepts: tuple[str, ...]  # media types in Accept that select it
    extension: str | None = None
    rdf: ox.RdfFormat | None = None  # how pyoxigraph writes it (None: not by pyoxigraph)
    profile: str | None = None  # JSON-LD profile a client must ask for

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(("+xml", "/xml"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


TURTLE = Format(
    "ttl", "text/turtle", ("text/turtle", "application/x-turtle"), "ttl", ox.RdfFormat.TURTLE
)
JSONLD = Format(
    "jsonld", "application/ld+json", ("application/ld+json", "application/json"), "jsonld"
)
JSONLD_EXPANDED = Format(
    "jsonld-expanded", "application/ld+json", ("application/ld+json",), profile=EXPANDED_PROFILE
)
RDFXML = Format("rdf", "application/rdf+xml", ("application/rdf+xml",), "rdf", ox.RdfFormat.RDF_XML)
NTRIPLES = Format(
    "nt",
    "application/n-triples",
    ("application/n-triples", "text/plain"),
    "nt",
    ox.RdfFormat.N_TRIPLES,
)
HTML = Format("html", "text/html", ("text/html", "application/xhtml+xml"), "html")
JSON = Format("json", "application/json", ("application/json",), "json")

# What each kind of page offers, the default (for */* or no Accept) first.
RDF_DOCUMENT = (TURTLE, JSONLD_EXPANDED, JSONLD, RDFXML, NTRIPLES, HTML)
PAGE = (HTML, JSON)
BY_EXTENSION = {f.extension: f for f in RDF_DOCUMENT + PAGE if f.extension}


def _preference(fmt: Format, ranges: list[MediaRange]) -> tuple[float, int]:
    """(q, specificity) the client gives ``fmt``: JSON-LD's profile picks its form."""
    if fmt.media_type == JSONLD.media_type:
        expanded = fmt.profile == EXPANDED_PROFILE  # only when asked for by its profile
        ranges = [r for r in ranges if _asks_for_expanded(r) == expanded]
    return preference(fmt.accepts, ranges)


def _asks_for_expanded(r: MediaRange) -> bool:
    is_jsonld = r.specificity(JSONLD.media_type) == 3
    return is_jsonld and EXPANDED_PROFILE in r.params.get("profile", "").split()


def negotiate(accept: str | None, offer: tuple[Format, ...]) -> Format | None:
    """The offered format the ``Accept`` header likes best; ``None``: nothing acceptable."""
    ranges = parse(accept or "")
    if not ranges:
        return offer[0]
    return best(offer, lambda fmt: _preference(fmt, ranges))


def split_extension(path: str) -> tuple[str, str | None]:
    """``project/a70202.ttl`` -> (``project/a70202``, ``ttl``) for a known extension."""
    stem, dot, ext = path.rpartition(".")
    return (stem, ext) if dot and ext in BY_EXTENSION and "/" not in ext else (path, None)

"""Content negotiation: which of the formats a document offers a request asks for.

``Accept`` is read with q-values, wildcards and the JSON-LD ``profile`` parameter; a
file extension on the URL (``.ttl``) overrides it. Ties go to the order of the offer,
so the server's preference decides among formats the client likes equally.

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


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    params: dict[str, str]
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range names ``media_type``: 0 = not at all."""
        main, sub = media_type.split("/")
        if (self.type, self.subtype) == (main, sub):
            return 3
        if self.type == main and self.subtype == "*":
            return 2
        return 1 if (self.type, self.subtype) == ("*", "*") else 0


def parse_accept(header: str) -> list[_Range]:
    ranges = []
    for item in header.split(","):
        kind, *params = (p.strip() for p in item.split(";"))
        if "/" not in kind:
            continue
        main, sub = kind.lower().split("/", 1)
        values = {}
        for param in params:
            name, _, value = param.partition("=")
            values[name.strip().lower()] = value.strip().strip('"')
        try:
            q = float(values.pop("q", "1"))
        except ValueError:
            q = 0.0
        ranges.append(_Range(main, sub, values, min(max(q, 0.0), 1.0)))
    return ranges


def _quality(fmt: Format, ranges: list[_Range]) -> float:
    """The q the client gives ``fmt``: that of the most specific range that names it."""
    best_specificity, q = 0, 0.0
    for accept in fmt.accepts:
        for r in ranges:
            specificity = r.matches(accept)
            if specificity < 3 and accept != fmt.media_type:
                continue  # aliases (text/plain, application/x-turtle) only when named
            if specificity == 3 and accept == JSONLD.media_type:
                # A profile selects between compacted and expanded JSON-LD.
                asked = EXPANDED_PROFILE in r.params.get("profile", "").split()
                if asked != (fmt.profile == EXPANDED_PROFILE):
                    continue
                specificity = 4 if asked else 3
            elif fmt.profile and specificity < 4:
                continue  # the expanded form only when asked for by its profile
            if specificity > best_specificity:
                best_specificity, q = specificity, r.q
    return q


def negotiate(accept: str | None, offer: tuple[Format, ...]) -> Format | None:
    """The offered format the ``Accept`` header likes best; ``None``: nothing acceptable."""
    if not accept or not accept.strip():
        return offer[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offer[0]
    best, best_q = None, 0.0
    for fmt in offer:
        q = _quality(fmt, ranges)
        if q > best_q:
            best, best_q = fmt, q
    return best


def split_extension(path: str) -> tuple[str, str | None]:
    """``project/a70202.ttl`` -> (``project/a70202``, ``ttl``) for a known extension."""
    stem, dot, ext = path.rpartition(".")
    return (stem, ext) if dot and ext in BY_EXTENSION and "/" not in ext else (path, None)

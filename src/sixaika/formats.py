"""The formats: one entry each, and where it is offered; everything else derives from here.

An entry says what a format is called (for people, in ``?format=`` and ``--format``), its
media type and the other types clients ask for it by, its extension, how pyoxigraph writes
it, and where it is offered: linked-data documents, pages, SPARQL results of each kind, the
release's dumps. A dump format also names its EU file type (the catalog's ``dct:format``)
and a SPARQL format its W3C format IRI (the service description's ``sd:resultFormat``).
Content negotiation, the dumps a build writes, the catalog, VoID and the service
description read this table: a new format is a new entry.

>>> negotiate("text/html;q=0.9, text/turtle", offered(DOCUMENT)).key
'ttl'
>>> negotiate("application/ld+json;profile=\\"http://www.w3.org/ns/json-ld#expanded\\"",
...           offered(DOCUMENT)).key
'jsonld-expanded'
>>> negotiate("text/csv", offered(GRAPH)) is None, negotiate("", offered(SOLUTIONS)).key
(True, 'srj')
>>> [f.extension for f in offered(DUMP)]
['ttl', 'jsonld', 'nt', 'trig', 'nq']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import pyoxigraph as ox

from .accept import MediaRange, best, parse, preference

EXPANDED_PROFILE = "http://www.w3.org/ns/json-ld#expanded"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"

# Where a format is offered.
DOCUMENT = "document"  # a linked-data document: /doc/..., /def/6aika, /catalog, VoID, /shapes
PAGE = "page"  # a page for people (HTML) or programs (JSON): home, lists, /dumps/
SOLUTIONS, BOOLEAN, GRAPH = "solutions", "boolean", "graph"  # SPARQL: SELECT, ASK, CONSTRUCT
DUMP = "dump"  # a file of the release, one per dataset


@dataclass(frozen=True, eq=False)  # one object per format: compared and hashed by identity
class Format:
    key: str  # its name here (memo keys, the manifest)
    label: str  # its name for people
    media_type: str  # what Content-Type says
    offered: frozenset[str]  # where (DOCUMENT, PAGE, SOLUTIONS, BOOLEAN, GRAPH, DUMP)
    aliases: tuple[str, ...] = ()  # other media types in Accept that select it
    extension: str | None = None  # of its URL (/doc/x.ttl) and its dump file
    names: tuple[str, ...] = ()  # for ?format= and --format
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None  # how pyoxigraph writes it
    profile: str | None = None  # the JSON-LD profile a client must ask for
    file_type: str | None = None  # its code in the EU file-type table, for the catalog
    w3c: str | None = None  # its name under http://www.w3.org/ns/formats/

    @property
    def content_type(self) -> str:
        # text/* defaults to ASCII without a charset; XML is UTF-8 only if it says so.
        text = self.media_type.startswith("text/") or self.media_type.endswith(("+xml", "/xml"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type

    @property
    def file_type_iri(self) -> str | None:
        return EU_FILE_TYPE + self.file_type if self.file_type else None

    @property
    def w3c_iri(self) -> str | None:
        return W3C_FORMATS + self.w3c if self.w3c else None

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """How pyoxigraph writes it as RDF; an error for a format of another kind."""
        if not isinstance(self.oxigraph, ox.RdfFormat):
            raise ValueError(f"{self.label} is not an RDF format")
        return self.oxigraph

    @property
    def results_format(self) -> ox.QueryResultsFormat:
        """How pyoxigraph writes SPARQL results in it; an error for another kind."""
        if not isinstance(self.oxigraph, ox.QueryResultsFormat):
            raise ValueError(f"{self.label} is not a SPARQL results format")
        return self.oxigraph

    @property
    def holds_graphs(self) -> bool:
        """Whether it writes named graphs (a dump then keeps its dataset's graph name)."""
        return isinstance(self.oxigraph, ox.RdfFormat) and self.oxigraph.supports_datasets


def _where(*places: str) -> frozenset[str]:
    return frozenset(places)


# The order counts: within each place, the first answers when a client accepts anything.
FORMATS = (
    Format(
        "ttl", "Turtle", "text/turtle", _where(DOCUMENT, GRAPH, DUMP),
        aliases=("application/x-turtle", "application/turtle"), extension="ttl",
        names=("ttl", "turtle", "n3"), oxigraph=ox.RdfFormat.TURTLE,
        file_type="RDF_TURTLE", w3c="Turtle",
    ),
    Format(
        "jsonld-expanded", "JSON-LD (expanded)", "application/ld+json", _where(DOCUMENT),
        profile=EXPANDED_PROFILE,
    ),
    Format(
        "jsonld", "JSON-LD", "application/ld+json", _where(DOCUMENT, GRAPH, DUMP),
        aliases=("application/json",), extension="jsonld", names=("json", "jsonld", "json-ld"),
        oxigraph=ox.RdfFormat.JSON_LD, file_type="JSON_LD", w3c="JSON-LD",
    ),
    Format(
        "rdf", "RDF/XML", "application/rdf+xml", _where(DOCUMENT, GRAPH),
        aliases=("application/xml", "text/xml"), extension="rdf",
        names=("xml", "rdf", "rdf+xml"), oxigraph=ox.RdfFormat.RDF_XML,
        file_type="RDF_XML", w3c="RDF_XML",
    ),
    Format(
        "nt", "N-Triples", "application/n-triples", _where(DOCUMENT, GRAPH, DUMP),
        aliases=("text/plain",), extension="nt", names=("nt",),
        oxigraph=ox.RdfFormat.N_TRIPLES, file_type="RDF_N_TRIPLES", w3c="N-Triples",
    ),
    Format(
        "trig", "TriG", "application/trig", _where(DUMP), extension="trig",
        oxigraph=ox.RdfFormat.TRIG, file_type="RDF_TRIG", w3c="TriG",
    ),
    Format(
        "nq", "N-Quads", "application/n-quads", _where(DUMP), extension="nq",
        oxigraph=ox.RdfFormat.N_QUADS, file_type="RDF_N_QUADS", w3c="N-Quads",
    ),
    Format(
        "html", "HTML", "text/html", _where(DOCUMENT, PAGE),
        aliases=("application/xhtml+xml",), extension="html",
    ),
    Format("json", "JSON", "application/json", _where(PAGE), extension="json"),
    Format(
        "srj", "SPARQL JSON", "application/sparql-results+json", _where(SOLUTIONS, BOOLEAN),
        aliases=("application/json", "text/javascript", "application/javascript"),
        names=("json",), oxigraph=ox.QueryResultsFormat.JSON, w3c="SPARQL_Results_JSON",
    ),
    Format(
        "srx", "SPARQL XML", "application/sparql-results+xml", _where(SOLUTIONS, BOOLEAN),
        aliases=("application/xml", "text/xml"), names=("xml",),
        oxigraph=ox.QueryResultsFormat.XML, w3c="SPARQL_Results_XML",
    ),
    # Tables of bindings: an ASK's boolean has no place in them (SPARQL 1.1 CSV/TSV, §1).
    Format(
        "csv", "CSV", "text/csv", _where(SOLUTIONS), names=("csv",),
        oxigraph=ox.QueryResultsFormat.CSV, w3c="SPARQL_Results_CSV",
    ),
    Format(
        "tsv", "TSV", "text/tab-separated-values", _where(SOLUTIONS), names=("tsv",),
        oxigraph=ox.QueryResultsFormat.TSV, w3c="SPARQL_Results_TSV",
    ),
)  # fmt: skip

BY_KEY = {f.key: f for f in FORMATS}


@cache
def offered(place: str) -> tuple[Format, ...]:
    """The formats offered in ``place``, the default first."""
    return tuple(f for f in FORMATS if place in f.offered)


def dump_format(extension: str) -> Format:
    """The format of the release's dumps whose files end in ``.extension``."""
    return next(f for f in offered(DUMP) if f.extension == extension)


SPARQL_RESULTS = (SOLUTIONS, BOOLEAN, GRAPH)


def sparql_formats() -> tuple[Format, ...]:
    """Every format a SPARQL answer may come in, results' before graphs'."""
    return tuple(dict.fromkeys(f for place in SPARQL_RESULTS for f in offered(place)))


@lru_cache(maxsize=512)  # clients send the same few Accept headers, request after request
def negotiate(accept: str | None, offer: tuple[Format, ...]) -> Format | None:
    """The format of ``offer`` that ``Accept`` likes best (absent: the first); None: none.

    Among formats the client gives the same q, the one it named more specifically wins,
    then the order of the offer. Two forms of one media type (JSON-LD, and JSON-LD
    expanded) are told apart by the ``profile`` the client names.
    """
    ranges = parse(accept or "")
    if not ranges:
        return offer[0]
    return best(offer, lambda fmt: _preference(fmt, ranges, offer))


def _preference(
    fmt: Format, ranges: list[MediaRange], offer: tuple[Format, ...]
) -> tuple[float, int]:
    profiles = {f.profile for f in offer if f.media_type == fmt.media_type} - {None}
    if profiles:  # a range that names a profile is for that form only
        ranges = [r for r in ranges if _profile_asked(r, fmt.media_type, profiles) == fmt.profile]
    return preference((fmt.media_type, *fmt.aliases), ranges)


def _profile_asked(r: MediaRange, media_type: str, profiles: set[str | None]) -> str | None:
    if r.specificity(media_type) != 3:
        return None
    asked = r.params.get("profile", "").split()
    return next((p for p in profiles if p in asked), None)


def accept_for(name: str) -> str | None:
    """The Accept header a SPARQL format name (``json``) or media type stands for; a name
    stands for a format of each kind of result (SPARQL JSON, and JSON-LD for graphs).

    >>> accept_for("json"), accept_for("text/csv"), accept_for("yaml")
    ('application/sparql-results+json, application/ld+json', 'text/csv', None)
    """
    if name in format_names():
        return format_names()[name]
    return name if any(name == f.media_type for f in sparql_formats()) else None


@lru_cache(maxsize=1)
def format_names() -> dict[str, str]:
    """Each SPARQL format name and the Accept header it stands for."""
    names: dict[str, list[str]] = {}
    for fmt in sparql_formats():
        for name in fmt.names:
            names.setdefault(name, []).append(fmt.media_type)
    return {name: ", ".join(types) for name, types in names.items()}

"""A real client, SPARQLWrapper, against a real HTTP server: every query form, every format."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from ..support import BASE, ID

PREFIX = f"PREFIX sixaika: <{BASE}def/6aika#> PREFIX dct: <http://purl.org/dc/terms/> "
SELECT = PREFIX + "SELECT ?p ?title WHERE { ?p a sixaika:Project ; dct:title ?title " \
    'FILTER(LANG(?title) = "en") } ORDER BY ?p'  # fmt: skip
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # inside SPARQLWrapper
EXPECTED = [(f"{ID}project/p{i}", f"Synthetic project {i}") for i in range(1, 7)]


def client(live, query: str, fmt: str, method: str = GET, request_method: str = URLENCODED):
    wrapper = SPARQLWrapper(f"{live.url}/sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    wrapper.setRequestMethod(request_method)
    return wrapper


@pytest.mark.parametrize(
    "method, request_method",
    [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)],
    ids=["get", "post-form", "post-direct"],
)
def test_select_json(live, method, request_method):
    result = client(live, SELECT, JSON, method, request_method).queryAndConvert()
    rows = [(b["p"]["value"], b["title"]["value"]) for b in result["results"]["bindings"]]
    assert rows == EXPECTED


def test_select_xml(live):
    document = client(live, SELECT, XML).queryAndConvert()
    results = document.getElementsByTagName("result")
    uris = [r.getElementsByTagName("uri")[0].firstChild.data for r in results]
    assert uris == [p for p, _t in EXPECTED]


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_select_csv_tsv(live, fmt):
    text = client(live, SELECT, fmt).queryAndConvert().decode()
    if fmt == TSV:  # TSV writes terms in Turtle syntax, and quotes are not CSV quotes
        header, first, *_rest = (line.split("\t") for line in text.splitlines())
        assert header == ["?p", "?title"]
        assert first == [f"<{EXPECTED[0][0]}>", f'"{EXPECTED[0][1]}"@en']
    else:
        header, *rows = csv.reader(io.StringIO(text))
        assert header == ["p", "title"] and [tuple(r) for r in rows] == EXPECTED


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(live, fmt):
    yes = client(live, f"ASK {{ <{ID}project/p1> ?p ?o }}", fmt).queryAndConvert()
    no = client(live, f"ASK {{ <{ID}project/p99> ?p ?o }}", fmt).queryAndConvert()
    if fmt == JSON:
        assert (yes["boolean"], no["boolean"]) == (True, False)
    else:
        words = [d.getElementsByTagName("boolean")[0].firstChild.data for d in (yes, no)]
        assert words == ["true", "false"]


CONSTRUCT = PREFIX + "CONSTRUCT { ?p dct:title ?t } WHERE { ?p a sixaika:Project ; dct:title ?t }"


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, N3])
def test_construct(live, fmt):
    graph = client(live, CONSTRUCT, fmt).queryAndConvert()
    if not isinstance(graph, rdflib.Graph):  # SPARQLWrapper hands Turtle and N3 over as text
        graph = rdflib.Graph().parse(data=graph, format="turtle")
    assert len(graph) == 12
    title = graph.value(rdflib.URIRef(f"{ID}project/p1"), rdflib.DCTERMS.title, any=True)
    assert str(title).endswith("hanke 1") or str(title) == "Synthetic project 1"


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD])
def test_describe(live, fmt):
    graph = client(live, f"DESCRIBE <{ID}organisation/businessoulu>", fmt).queryAndConvert()
    if not isinstance(graph, rdflib.Graph):
        graph = rdflib.Graph().parse(data=graph, format="turtle")
    unit_of = rdflib.URIRef("http://www.w3.org/ns/org#unitOf")
    subject = rdflib.URIRef(f"{ID}organisation/businessoulu")
    assert graph.value(subject, unit_of) == rdflib.URIRef(f"{ID}organisation/oulu")


def test_syntax_error_reaches_the_client(live):
    with pytest.raises(QueryBadFormed, match="Syntax error in the query"):
        client(live, "SELECT * WHERE { ?s ?p }", JSON).query()

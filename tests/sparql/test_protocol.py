"""The SPARQL 1.1 Protocol query operation, case by case as the W3C protocol tests name them.

Every query case of the W3C test suite (sparql11 ``protocol/manifest.ttl``) that applies to a
read-only endpoint, plus the update cases, which a read-only endpoint must refuse.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from werkzeug.datastructures import MultiDict

from ..support import BASE, ID

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PROJECTS = f"SELECT ?p WHERE {{ ?p a <{BASE}def/6aika#Project> }} ORDER BY ?p"
GRAPH = {name: f"{BASE}graph/{name}" for name in ("projects", "concepts", "ontology")}
TRIPLES = {"projects": 138, "concepts": 27, "ontology": 6}
FORM = "application/x-www-form-urlencoded"
JSON = "application/sparql-results+json"


def count(response) -> int:
    assert response.status_code == 200, response.data
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def values(response, var: str = "p") -> list[str]:
    assert response.status_code == 200, response.data
    return [b[var]["value"] for b in json.loads(response.data)["results"]["bindings"]]


# query_get, query_post_form, query_post_direct -----------------------------------------


def test_query_get(sparql_client):
    response = sparql_client.get("/sparql", query_string={"query": COUNT})
    assert response.mimetype == JSON
    assert count(response) == sum(TRIPLES.values())  # default graph: the union


def test_query_post_form(sparql_client):
    response = sparql_client.post("/sparql", data={"query": PROJECTS})
    assert values(response) == [f"{ID}project/p{i}" for i in range(1, 7)]


def test_query_post_direct(sparql_client):
    response = sparql_client.post(
        "/sparql", data=PROJECTS.encode(), content_type="application/sparql-query"
    )
    assert len(values(response)) == 6


def test_query_post_direct_utf8_charset(sparql_client):
    query = 'ASK { ?p <http://purl.org/dc/terms/title> "Synteettinen hanke 1"@fi }'
    response = sparql_client.post(
        "/sparql", data=query.encode(), content_type="application/sparql-query; charset=UTF-8"
    )
    assert json.loads(response.data)["boolean"] is True


def test_non_ascii_query_text(sparql_client):
    query = 'SELECT ?p WHERE { ?p <http://www.w3.org/2004/02/skos/core#prefLabel> "ESR"@fi }'
    response = sparql_client.get("/sparql", query_string={"query": query})
    assert values(response) == [f"{ID}concept/fund/esf"]


# Dataset parameters ----------------------------------------------------------------------


def test_query_dataset_default_graph(sparql_client):
    params = {"query": COUNT, "default-graph-uri": GRAPH["concepts"]}
    assert count(sparql_client.get("/sparql", query_string=params)) == TRIPLES["concepts"]


def test_query_dataset_default_graphs_get(sparql_client):
    params = [("query", COUNT), ("default-graph-uri", GRAPH["concepts"]),
              ("default-graph-uri", GRAPH["ontology"])]  # fmt: skip
    response = sparql_client.get("/sparql", query_string=params)
    assert count(response) == TRIPLES["concepts"] + TRIPLES["ontology"]


def test_query_dataset_default_graphs_post(sparql_client):
    data = [("query", COUNT), ("default-graph-uri", GRAPH["concepts"]),
            ("default-graph-uri", GRAPH["ontology"])]  # fmt: skip
    response = sparql_client.post("/sparql", data=MultiDict(data), content_type=FORM)
    assert count(response) == TRIPLES["concepts"] + TRIPLES["ontology"]


def test_a_graph_named_twice_is_in_the_dataset_once(sparql_client):
    params = [("query", COUNT), ("default-graph-uri", GRAPH["concepts"]),
              ("default-graph-uri", GRAPH["concepts"])]  # fmt: skip
    assert count(sparql_client.get("/sparql", query_string=params)) == TRIPLES["concepts"]


def test_a_graph_the_query_names_twice_is_in_its_dataset_once(sparql_client):
    concepts = GRAPH["concepts"]
    twice = f"SELECT (COUNT(*) AS ?n) FROM <{concepts}> FROM <{concepts}> {{ ?s ?p ?o }}"
    assert count(sparql_client.get("/sparql", query_string={"query": twice})) == TRIPLES["concepts"]
    named = (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{concepts}> FROM NAMED <{concepts}> "
             "{ GRAPH ?g { ?s ?p ?o } }")  # fmt: skip
    assert count(sparql_client.get("/sparql", query_string={"query": named})) == TRIPLES["concepts"]


NAMED = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def test_query_dataset_named_graphs_get(sparql_client):
    params = [("query", NAMED), ("named-graph-uri", GRAPH["ontology"]),
              ("named-graph-uri", GRAPH["concepts"])]  # fmt: skip
    response = sparql_client.get("/sparql", query_string=params)
    assert values(response, "g") == [GRAPH["concepts"], GRAPH["ontology"]]


def test_query_dataset_named_graphs_post(sparql_client):
    data = [("query", NAMED), ("named-graph-uri", GRAPH["ontology"])]
    assert values(sparql_client.post("/sparql", data=MultiDict(data)), "g") == [GRAPH["ontology"]]


def test_query_dataset_full(sparql_client):
    query = (
        "SELECT (COUNT(*) AS ?n) ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } "
        "GROUP BY ?g"
    )
    params = [("query", query), ("default-graph-uri", GRAPH["ontology"]),
              ("named-graph-uri", GRAPH["concepts"])]  # fmt: skip
    bindings = json.loads(sparql_client.get("/sparql", query_string=params).data)
    counts = {
        b.get("g", {}).get("value"): int(b["n"]["value"]) for b in bindings["results"]["bindings"]
    }
    assert counts == {None: TRIPLES["ontology"], GRAPH["concepts"]: TRIPLES["concepts"]}


def test_query_multiple_dataset_protocol_overrides_from(sparql_client):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH['projects']}> WHERE {{ ?s ?p ?o }}"
    assert count(sparql_client.get("/sparql", query_string={"query": query})) == 138
    params = {"query": query, "default-graph-uri": GRAPH["ontology"]}
    assert count(sparql_client.get("/sparql", query_string=params)) == TRIPLES["ontology"]


def test_from_named_alone_leaves_the_default_graph_empty(sparql_client):
    query = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH['ontology']}> WHERE {{ ?s ?p ?o }}"
    assert count(sparql_client.get("/sparql", query_string={"query": query})) == 0


def test_dataset_parameter_must_be_an_iri(sparql_client):
    params = {"query": COUNT, "default-graph-uri": "not an iri"}
    response = sparql_client.get("/sparql", query_string=params)
    assert response.status_code == 400
    assert "default-graph-uri" in response.get_json()["message"]


# Content types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, media_type",
    [
        (JSON, JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", JSON),
        ("*/*", JSON),
        (None, JSON),
        ("text/html;q=0.5, text/csv", "text/csv"),
        (f"{JSON}; charset=utf-8", JSON),  # a parameter does not stop a range matching
        ("text/csv;header=present", "text/csv"),
        ("*/*, text/csv", "text/csv"),  # the same q: the type named wins over */*
        (f"{JSON};q=0, application/json, text/csv;q=0.5", "text/csv"),  # refused by any name
    ],
)
def test_query_content_type_select(sparql_client, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = sparql_client.get("/sparql", query_string={"query": PROJECTS}, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"
    assert projects_in(response.data, media_type) == [f"{ID}project/p{i}" for i in range(1, 7)]


def projects_in(body: bytes, media_type: str) -> list[str]:
    if media_type in ("text/csv", "text/tab-separated-values"):  # pyoxigraph reads neither
        delimiter = "," if media_type == "text/csv" else "\t"
        header, *rows = csv.reader(io.StringIO(body.decode()), delimiter=delimiter)
        assert header == (["p"] if delimiter == "," else ["?p"])
        return [row[0].strip("<>") for row in rows]
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    return [s["p"].value for s in ox.parse_query_results(body, format=fmt)]


def test_select_csv_is_plain_csv(sparql_client):
    response = sparql_client.get(
        "/sparql", query_string={"query": PROJECTS}, headers={"Accept": "text/csv"}
    )
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0] == ["p"] and rows[1] == [f"{ID}project/p1"]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    "accept, media_type",
    [
        (JSON, JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv, */*;q=0.1", JSON),  # CSV and TSV are tables: a boolean has no place there
    ],
)
def test_query_content_type_ask(sparql_client, accept, media_type):
    query = f"ASK {{ <{ID}project/p1> ?p ?o }}"
    response = sparql_client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": accept}
    )
    assert response.mimetype == media_type
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    assert bool(ox.parse_query_results(response.data, format=fmt)) is True


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_ask_is_not_a_table(sparql_client, accept):
    query = f"ASK {{ <{ID}project/p1> ?p ?o }}"
    response = sparql_client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": accept}
    )
    assert response.status_code == 406
    assert JSON in response.get_data(as_text=True)


TRICKY = "a\\r\\nb\\tc <&> ]]>"  # SPARQL escapes; the text holds CR LF, a tab and markup


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/rdf+xml"])
def test_xml_answers_read_back_as_the_text_was(sparql_client, accept):
    # An XML parser turns a raw CR into LF: the reference keeps the literal as it was.
    query = (
        f'SELECT ?x {{ BIND("{TRICKY}" AS ?x) }}'
        if accept.startswith("application/sparql")
        else f'CONSTRUCT {{ <{ID}x> <{ID}y> ?x }} WHERE {{ BIND("{TRICKY}" AS ?x) }}'
    )
    headers = {"Accept": accept}
    response = sparql_client.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.status_code == 200
    texts = [e.text for e in ElementTree.fromstring(response.data).iter() if e.text]
    assert "a\r\nb\tc <&> ]]>" in texts


def test_a_character_xml_cannot_carry_is_a_406_that_names_it(sparql_client):
    query = 'SELECT ?x { BIND("bell\\u0007" AS ?x) }'
    xml = {"Accept": "application/sparql-results+xml"}
    response = sparql_client.get("/sparql", query_string={"query": query}, headers=xml)
    assert response.status_code == 406
    assert "U+0007" in response.get_data(as_text=True)
    as_json = sparql_client.get("/sparql", query_string={"query": query})
    assert values(as_json, "x") == ["bell\a"]


RDF_FORMATS = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
]


def graph_answer(client, query: str, accept: str, rdf_format: ox.RdfFormat) -> list[ox.Triple]:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    return [q.triple for q in ox.parse(response.data, format=rdf_format)]


@pytest.mark.parametrize("accept, rdf_format", RDF_FORMATS)
def test_query_content_type_construct(sparql_client, accept, rdf_format):
    query = f"CONSTRUCT WHERE {{ <{ID}project/p3> ?p ?o }}"
    triples = graph_answer(sparql_client, query, accept, rdf_format)
    assert len(triples) == 11 and {t.subject.value for t in triples} == {f"{ID}project/p3"}


@pytest.mark.parametrize("accept, rdf_format", RDF_FORMATS)
def test_query_content_type_construct_with_relative_iris(sparql_client, accept, rdf_format):
    """The W3C test's own query: with no BASE, relative IRIs resolve against the endpoint."""
    triples = graph_answer(sparql_client, "CONSTRUCT { <s> <p> 1 } WHERE {}", accept, rdf_format)
    assert [(t.subject.value, t.predicate.value) for t in triples] == [(BASE + "s", BASE + "p")]
    query = "BASE <http://example.org/b/> CONSTRUCT { <s> <p> 1 } WHERE {}"  # BASE decides
    assert graph_answer(sparql_client, query, accept, rdf_format)[0].subject.value.endswith("/b/s")


@pytest.mark.parametrize("accept, rdf_format", RDF_FORMATS)
def test_query_content_type_describe(sparql_client, accept, rdf_format):
    triples = graph_answer(sparql_client, f"DESCRIBE <{ID}organisation/oulu>", accept, rdf_format)
    labels = [t.object.value for t in triples if t.predicate.value.endswith("prefLabel")]
    assert labels == ["Synteettinen Oulun kaupunki"]


def test_construct_is_turtle_when_anything_goes(sparql_client):
    query = f"CONSTRUCT WHERE {{ <{ID}project/p3> ?p ?o }}"
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "text/turtle; charset=utf-8"}):
        response = sparql_client.get("/sparql", query_string={"query": query}, headers=headers)
        assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_format_parameter_overrides_accept(sparql_client):
    params = {"query": PROJECTS, "format": "csv"}
    response = sparql_client.get("/sparql", query_string=params, headers={"Accept": JSON})
    assert response.mimetype == "text/csv"


def test_406_for_a_format_the_endpoint_cannot_serve(sparql_client):
    response = sparql_client.get(
        "/sparql", query_string={"query": PROJECTS}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    assert "text/csv" in response.get_data(as_text=True)
    construct = {"query": f"CONSTRUCT WHERE {{ <{ID}project/p3> ?p ?o }}"}
    response = sparql_client.get("/sparql", query_string=construct, headers={"Accept": "text/csv"})
    assert response.status_code == 406


# bad_* cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_bad_query_method(sparql_client, method):
    response = sparql_client.open("/sparql", method=method, query_string={"query": COUNT})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_bad_multiple_queries(sparql_client):
    params = [("query", COUNT), ("query", PROJECTS)]
    response = sparql_client.get("/sparql", query_string=params)
    assert response.status_code == 400
    assert "2 queries" in response.get_json()["message"]
    response = sparql_client.post("/sparql", data=MultiDict(params))
    assert response.status_code == 400


def test_bad_query_wrong_media_type(sparql_client):
    response = sparql_client.post("/sparql", data=COUNT, content_type="text/plain")
    assert response.status_code == 415
    assert "application/sparql-query" in response.get_json()["message"]


def test_bad_query_missing_form_type(sparql_client):
    body = "query=" + COUNT.replace(" ", "+")
    response = sparql_client.post("/sparql", data=body.encode(), content_type="")
    assert response.status_code == 415


def test_bad_query_missing_direct_type(sparql_client):
    response = sparql_client.post("/sparql", data=COUNT.encode(), content_type="")
    assert response.status_code == 415


def test_bad_query_non_utf8(sparql_client):
    response = sparql_client.post(
        "/sparql",
        data=COUNT.encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert response.status_code == 415


def test_bad_query_invalid_utf8_bytes(sparql_client):
    response = sparql_client.post(
        "/sparql", data=b"SELECT * { ?s ?p '\xff' }", content_type="application/sparql-query"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("accept", ["*/*", "", "application/json, */*;q=0.5", "text/*"])
def test_an_error_is_json_for_a_program(sparql_client, accept):
    response = sparql_client.get(
        "/sparql", query_string={"query": "SELEC *"}, headers={"Accept": accept}
    )
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["message"].startswith("Syntax error")


def test_an_error_is_a_page_for_a_browser(sparql_client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = sparql_client.get("/nowhere", headers={"Accept": browser})
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_query_nested_too_deep_is_refused_before_it_is_parsed(sparql_client):
    query = "SELECT * " + "{" * 5000 + "}" * 5000  # the engine's parser would crash on it
    response = sparql_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "5000 levels deep" in response.get_json()["message"]
    nested = "SELECT * " + "{" * 200 + "}" * 200 + " # " + "{" * 300  # in a comment: not nested
    assert sparql_client.get("/sparql", query_string={"query": nested}).status_code == 200


def test_bad_query_syntax(sparql_client):
    response = sparql_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert message.startswith("Syntax error in the query: error at 1:25: expected")  # the parser's


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s a ex:Thing }",  # the parser says "Prefix not found" among much else
        "PREFIX s: <http://e/> SELECT * { ?s a s:Thing ; ex:p ?o }",  # it says "expected OPTIONAL"
    ],
)
def test_bad_query_undeclared_prefix_is_named(sparql_client, query):
    response = sparql_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert message.startswith("Syntax error in the query: undeclared prefix ex: (declare it")
    assert "The parser says: error at 1:" in message


def test_bad_query_says_little_of_character_classes(sparql_client):
    response = sparql_client.get("/sparql", query_string={"query": "SELECT * { ?s a ex:Thing }"})
    message = response.get_json()["message"]
    assert "..=" not in message and len(message) < 300


@pytest.mark.parametrize("query", ["", "  \n"])
def test_bad_query_empty(sparql_client, query):
    response = sparql_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400 and response.get_json()["message"] == "The query is empty."


def test_a_byte_order_mark_before_the_query_is_read_past(sparql_client):
    posted = sparql_client.post(
        "/sparql", data="\ufeffASK {}".encode(), content_type="application/sparql-query"
    )
    got = sparql_client.get("/sparql", query_string={"query": "\ufeffASK {}"})
    for response in (posted, got):
        assert response.status_code == 200 and response.get_json()["boolean"] is True


def test_bad_query_compressed_body_is_a_415(sparql_client):
    response = sparql_client.post(
        "/sparql",
        data=gzip.compress(b"ASK {}"),
        content_type="application/sparql-query",
        headers={"Content-Encoding": "gzip"},
    )
    assert response.status_code == 415 and "gzip" in response.get_json()["message"]


def test_bad_query_unknown_function_is_a_400(sparql_client):
    query = "SELECT ?x { BIND(<http://example.org/f>(1) AS ?x) }"
    response = sparql_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "<http://example.org/f> is not supported" in response.get_json()["message"]


def test_bad_query_bare_iri_is_told_to_use_angle_brackets(sparql_client):
    response = sparql_client.get("/sparql", query_string={"query": "SELECT * { ?s ?p http://e/x }"})
    message = response.get_json()["message"]
    assert response.status_code == 400 and "angle brackets, <http://...>" in message


def test_bad_query_missing_query_in_form(sparql_client):
    response = sparql_client.post("/sparql", data={"default-graph-uri": GRAPH["ontology"]})
    assert response.status_code == 400
    assert response.get_json()["message"] == "No query given."


def test_direct_post_with_a_query_in_the_url_too(sparql_client):
    response = sparql_client.post(
        "/sparql?query=ASK{}", data=COUNT.encode(), content_type="application/sparql-query"
    )
    assert response.status_code == 400


# Updates: refused, and nothing changes ------------------------------------------------------

UPDATES = [
    f'INSERT DATA {{ GRAPH <{GRAPH["projects"]}> {{ <{ID}x> <{ID}y> "z" }} }}',
    f"DELETE WHERE {{ <{ID}project/p1> ?p ?o }}",
    f"LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <{GRAPH['projects']}>",
    "CLEAR ALL",
    f"DROP GRAPH <{GRAPH['projects']}>",
    f"PREFIX ex: <http://e/> WITH <{GRAPH['projects']}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_everywhere(sparql_client, update):
    attempts = [
        sparql_client.get("/sparql", query_string={"update": update}),  # bad_update_get
        sparql_client.post("/sparql", data={"update": update}),
        sparql_client.post("/sparql", data=update, content_type="application/sparql-update"),
        sparql_client.get("/sparql", query_string={"query": update}),  # an update as a query
        sparql_client.post("/sparql", data=update, content_type="application/sparql-query"),
    ]
    for response in attempts:
        assert response.status_code == 403, response.data
        assert "read-only" in response.get_json()["message"]
    total = sum(TRIPLES.values())
    assert count(sparql_client.get("/sparql", query_string={"query": COUNT})) == total


# Limits, caching, CORS ---------------------------------------------------------------------------


def test_query_too_long(sparql_client, sparql_settings):
    limit = sparql_settings.query_max_length
    query = "ASK {}" + " " * limit
    response = sparql_client.post("/sparql", data={"query": query})
    assert response.status_code == 413
    assert str(limit) in response.get_json()["message"]


@pytest.mark.parametrize("timeout", ["soon", "0", "-1", "nan"])
def test_timeout_parameter_must_be_positive_seconds(sparql_client, timeout):
    response = sparql_client.get("/sparql", query_string={"query": COUNT, "timeout": timeout})
    assert response.status_code == 400


def test_get_is_cacheable_with_an_etag(sparql_client):
    first = sparql_client.get("/sparql", query_string={"query": COUNT})
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    etag = first.headers["ETag"]
    again = sparql_client.get(
        "/sparql", query_string={"query": COUNT}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.headers["ETag"] == etag
    other = sparql_client.get(
        "/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"}
    )
    assert other.headers["ETag"] != etag  # the tag covers Accept (Vary: Accept)
    post = sparql_client.post("/sparql", data={"query": COUNT})
    assert "ETag" not in post.headers and post.headers["Cache-Control"] == "no-store"


def test_head_and_conditions_are_as_for_get(sparql_client):
    asked = {"query": f"ASK {{ <{ID}project/p1> ?p ?o }}"}  # not asked for before
    head = sparql_client.head("/sparql", query_string=asked)
    get = sparql_client.get("/sparql", query_string=asked)
    assert head.status_code == 200 and head.data == b""
    for name in ("ETag", "Cache-Control", "Vary", "Content-Type"):
        assert head.headers[name] == get.headers[name], name
    etag = get.headers["ETag"]
    assert etag.startswith('W/"')  # the same answer, not always the same bytes (blank nodes)
    for method in (sparql_client.get, sparql_client.head):
        for condition in (etag, etag.removeprefix("W/"), "*"):  # weak comparison
            answer = method("/sparql", query_string=asked, headers={"If-None-Match": condition})
            assert answer.status_code == 304, (method, condition)
    failed = sparql_client.get("/sparql", query_string=asked, headers={"If-Match": '"other"'})
    assert failed.status_code == 412


def test_cors(sparql_client):
    response = sparql_client.get("/sparql", query_string={"query": COUNT})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = sparql_client.options(
        "/sparql",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type, x-requested-with"},
    )  # fmt: skip
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower().split(", ")
    assert {"content-type", "x-requested-with"} <= set(allowed)


def test_a_repeated_get_is_replayed_without_running_the_query(sparql_client, monkeypatch):
    """The release is immutable: the same GET (query and Accept) is answered from memory."""
    from urllib.parse import quote

    from sixaika.web.sparql import service

    runs = []
    real_run = service(sparql_client.application).run
    monkeypatch.setattr(
        service(sparql_client.application), "run", lambda *a: runs.append(a) or real_run(*a)
    )
    url = "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) { ?s ?p ?o } # replay test")
    first = sparql_client.get(url, headers={"Accept": "application/sparql-results+json"})
    second = sparql_client.get(url, headers={"Accept": "application/sparql-results+json"})
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert len(runs) == 1
    other = sparql_client.get(url, headers={"Accept": "text/csv"})  # Accept is in the key
    assert other.status_code == 200 and len(runs) == 2
    for _ in range(2):
        posted = sparql_client.post(
            "/sparql",
            data={"query": "ASK {} # replay test"},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert posted.status_code == 200 and len(runs) == 4  # POST is never replayed


def test_a_body_without_length_is_bounded_too(sparql_client):
    """A chunked body (no Content-Length) is cut off at the limit, not read whole."""
    import io

    body = b"ASK {} #" + b"x" * 5_000_000
    stream = io.BytesIO(body)
    response = sparql_client.post(
        "/sparql",
        input_stream=stream,
        content_type="application/sparql-query",
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 413
    assert stream.tell() < 1_000_000  # stopped reading near the limit
    small = sparql_client.post(
        "/sparql",
        input_stream=io.BytesIO(b"ASK {}"),
        content_type="application/sparql-query",
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert small.status_code == 200


# The plain GET, answered before Flask ------------------------------------------------------


PLAIN_CASES = [
    (PROJECTS, "application/sparql-results+json"),
    (PROJECTS, "text/csv"),
    (f"DESCRIBE <{ID}project/s1>", "text/turtle"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", ""),
    ("ASK { ?s ?p ?o }", "*/*"),
    ("SELECT * { ?s ?p }", "application/sparql-results+json"),  # 400
    (f"DESCRIBE <{ID}project/s1>", "text/csv"),  # 406
    ("DROP ALL", ""),  # 403
]


@pytest.mark.parametrize(("query", "accept"), PLAIN_CASES)
def test_plain_get_is_answered_as_the_full_view_answers(sparql_app, monkeypatch, query, accept):
    from sixaika.web.sparql import PlainQueries

    monkeypatch.setattr(sparql_app.wsgi_app.entries, "get", lambda key: None)  # no replays
    views = _counted_view(sparql_app, monkeypatch)

    def get() -> tuple[int, dict, bytes]:
        response = sparql_app.test_client().get(
            "/sparql", query_string={"query": query}, headers={"Accept": accept}
        )
        return response.status_code, dict(response.headers), response.data

    fast = get()
    assert len(views) == (0 if fast[0] == 200 else 1)  # errors are the view's to answer
    monkeypatch.setattr(PlainQueries, "_plain_query", staticmethod(lambda environ: None))
    assert get() == fast


def _counted_view(app, monkeypatch) -> list:
    """The calls of the full ``/sparql`` view, counted."""
    calls: list = []
    view = app.view_functions["sparql.endpoint"]
    monkeypatch.setitem(app.view_functions, "sparql.endpoint", lambda: calls.append(1) or view())
    return calls


def _raw_get(app, query_string: str, accept: str = JSON) -> tuple[str, dict, bytes]:
    """A GET whose query string is passed on as a server passes it (bytes as latin-1)."""
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    environ = EnvironBuilder(path="/sparql", headers={"Accept": accept}).get_environ()
    environ["QUERY_STRING"] = query_string
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    return status, dict(headers), b"".join(body)


@pytest.mark.parametrize(
    ("raw", "status", "answer"),
    [
        ('query=SELECT ("\u00e9" AS ?x) {}'.encode().decode("latin-1"), "200", '"value":"\u00e9"'),
        ("query=SELECT+%28%22%C3%A9%22+AS+%3Fx%29+%7B%7D", "200", '"value":"\u00e9"'),
        ("query=SELECT+%28%22%FF%22+AS+%3Fx%29+%7B%7D", "400", "not percent-encoded UTF-8"),
        (
            "query=SELECT (1 AS ?x) {}\udcff".encode("utf-8", "surrogateescape").decode("latin-1"),
            "400",
            "UTF-8",
        ),
    ],
)
def test_query_strings_read_alike_on_both_paths(sparql_app, monkeypatch, raw, status, answer):
    from sixaika.web.sparql import PlainQueries

    monkeypatch.setattr(sparql_app.wsgi_app.entries, "get", lambda key: None)  # no replays
    fast = _raw_get(sparql_app, raw)
    assert fast[0].startswith(status) and answer in fast[2].decode("utf-8", "replace")
    monkeypatch.setattr(PlainQueries, "_plain_query", staticmethod(lambda environ: None))
    assert _raw_get(sparql_app, raw) == fast


def test_a_form_not_in_utf8_is_a_400(sparql_client):
    body = "query=SELECT+%28%22H%E4%22+AS+%3Fx%29+%7B%7D"  # Latin-1 "ä", percent-encoded
    response = sparql_client.post("/sparql", data=body, content_type=FORM)
    assert response.status_code == 400 and b"not percent-encoded UTF-8" in response.data


def test_a_base_that_cannot_be_read_is_a_400(sparql_client):
    response = sparql_client.get(
        "/sparql", query_string={"query": "BASE <http://[x> PREFIX e: <y> SELECT * {}"}
    )
    assert response.status_code == 400 and b"cannot be read" in response.data


def test_an_unexpected_failure_on_the_plain_path_is_the_views_500(sparql_app, monkeypatch):
    from sixaika.web.sparql import service

    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr(service(sparql_app), "run", broken)
    response = sparql_app.test_client().get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Accept": JSON}
    )
    assert response.status_code == 500 and response.json["status"] == 500
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_plain_get_that_fails_runs_once(sparql_app, monkeypatch):
    from sixaika.web.sparql import service

    views = _counted_view(sparql_app, monkeypatch)
    engine = service(sparql_app).engine
    runs = []
    monkeypatch.setattr(engine, "run", lambda job: runs.append(job) or real_run(job))
    real_run = type(engine).run.__get__(engine)
    response = sparql_app.test_client().get("/sparql", query_string={"query": "SELECT * { ?s }"})
    assert response.status_code == 400 and b"Syntax error" in response.data
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert len(runs) == 1 and len(views) == 1  # run on the plain path, answered by the view


@pytest.mark.parametrize("fast", [True, False])
def test_answers_that_change_from_run_to_run_are_not_cached(sparql_app, monkeypatch, fast):
    from sixaika.web.sparql import PlainQueries, service

    if not fast:
        monkeypatch.setattr(PlainQueries, "_plain_query", staticmethod(lambda environ: None))
    engine = service(sparql_app).engine
    runs = []
    real_run = type(engine).run.__get__(engine)
    monkeypatch.setattr(engine, "run", lambda job: runs.append(job) or real_run(job))
    client = sparql_app.test_client()
    query = {"query": f"SELECT (STRUUID() AS ?id) (RAND() AS ?r) {{}} # {fast}"}
    first, second = (client.get("/sparql", query_string=query) for _ in range(2))
    assert first.status_code == second.status_code == 200 and len(runs) == 2
    assert first.data != second.data
    assert "ETag" not in first.headers and first.headers["Cache-Control"] == "no-store"

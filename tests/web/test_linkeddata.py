"""Dereferencing: every IRI of the bundled release answers, in every format, the same graph.

Real HTTP semantics through Flask's test client: 303, conneg with q-values and wildcards,
extensions, 304, 404, 406, CORS, HEAD, and no way out of the release.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from html import escape as html_escape
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from sixaika.build import Progress, build
from sixaika.config import Settings
from sixaika.read import completeness
from sixaika.read.store import RemoteRepo
from sixaika.sparql.examples import examples
from sixaika.urls import Urls
from sixaika.web import create_app, linkeddata
from sixaika.web import site as site_module
from sixaika.web.site import site as web_site

from ..support import ROOT, free_port

RDF_FORMATS = {  # Accept -> rdflib parser
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"': "json-ld",
}
EXTENSIONS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
CONTEXT_URL = "http://localhost:8000/context.jsonld"


def parse(response, fmt: str, context: dict | None = None) -> rdflib.Graph:
    data = response.get_data(as_text=True)
    if fmt == "json-ld" and context is not None:
        # The published context by value: the test makes no network request either.
        document = json.loads(data)
        if isinstance(document, dict) and document["@context"] == CONTEXT_URL:
            document["@context"] = context["@context"]
        data = json.dumps(document)
    return rdflib.Graph().parse(data=data, format=fmt, publicID="http://localhost:8000/")


@pytest.fixture(scope="module")
def minted(bundled_release, bundled_settings) -> list[str]:
    """Every IRI under the base that the release's store mentions."""
    store = bundled_release.open_store()
    found = set()
    for quad in store:
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(bundled_settings.base):
                found.add(term.value)
    return sorted(found)


@pytest.fixture(scope="module")
def context(client_module) -> dict:
    return json.loads(client_module.get("/context.jsonld").data)


@pytest.fixture(scope="module")
def client_module(app):
    return app.test_client()


def test_every_thing_redirects_then_answers_in_every_format(minted, client_module, context):
    base = "http://localhost:8000/"
    things = [i for i in minted if i.startswith(base + "id/")]
    assert len(things) > 50  # projects, organisations, concepts, schemes, the strategy
    for iri in things:
        local = iri[len(base) + 3 :]
        seen = client_module.get(f"/id/{local}", headers={"Accept": "text/turtle"})
        assert seen.status_code == 303, iri
        assert seen.headers["Location"].endswith(f"/doc/{local}")
        graphs = []
        for accept, fmt in RDF_FORMATS.items():
            response = client_module.get(f"/doc/{local}", headers={"Accept": accept})
            assert response.status_code == 200, (iri, accept)
            assert response.headers["Vary"] == "Accept, Accept-Language"
            graphs.append(parse(response, fmt, context))
        for ext, fmt in EXTENSIONS.items():
            graphs.append(parse(client_module.get(f"/doc/{local}.{ext}"), fmt, context))
        assert len(graphs[0]) > 0 and (rdflib.URIRef(iri), None, None) in graphs[0]
        for other in graphs[1:]:
            assert isomorphic(graphs[0], other), iri
        html = client_module.get(f"/doc/{local}", headers={"Accept": "text/html"})
        assert html.status_code == 200 and html.content_type.startswith("text/html")
        label = _label(graphs[0], iri)
        assert label in html.get_data(as_text=True).replace("&#39;", "'").replace("&amp;", "&")


def _label(graph: rdflib.Graph, iri: str) -> str:
    for prop in (rdflib.SKOS.prefLabel, rdflib.DCTERMS.title, rdflib.RDFS.label):
        labels = {lit.language: str(lit) for lit in graph.objects(rdflib.URIRef(iri), prop)}
        for lang in ("en", "fi", "sv", None):
            if lang in labels:
                return labels[lang]
    return iri


def test_every_other_iri_dereferences(minted, client_module):
    """Ontology terms (hash IRIs), the ontology and its version, named graphs."""
    base = "http://localhost:8000/"
    page = client_module.get("/def/6aika", headers={"Accept": "text/html"}).get_data(as_text=True)
    for iri in minted:
        if iri.startswith(base + "id/"):
            continue
        document, _, fragment = iri.partition("#")
        response = client_module.get("/" + document[len(base) :], headers={"Accept": "text/turtle"})
        assert response.status_code in (200, 303), iri
        if fragment and document == base + "def/6aika":
            assert f'id="{fragment}"' in page, iri
    for name in ("projects", "concepts", "ontology"):
        assert client_module.get(f"/graph/{name}").status_code == 303


def test_ontology_formats_are_the_ontology_graph(client_module, bundled_release, context):
    store = bundled_release.open_store()
    graph = "http://localhost:8000/graph/ontology"
    expected = rdflib.Graph().parse(
        data=ox.serialize(
            [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))],
            format=ox.RdfFormat.N_TRIPLES,
        ),
        format="nt",
    )
    for ext, fmt in EXTENSIONS.items():
        assert isomorphic(parse(client_module.get(f"/def/6aika.{ext}"), fmt, context), expected)
    assert client_module.get("/ontology").status_code == 301


def test_ontology_page_shows_each_terms_alignments_and_why(client_module):
    page = client_module.get("/def/6aika", headers={"Accept": "text/html"}).get_data(as_text=True)
    nav = page[page.index("<nav aria-label") : page.index("</nav>", page.index("<nav aria-label"))]
    assert 'href="#alignments"' not in nav  # the mapping set is no term
    budget = page[page.index('<section id="budget"') :]
    budget = budget[: budget.index("</section>")]
    assert ">has narrower match</a>" in budget and ">eurio:hasTotalCost</a>" in budget
    table = page[page.index('<section id="alignments"') :]
    assert "eurio:hasTotalCost is the total cost only" in table
    assert ">Total budget</a>" in table  # a concept the mapping set maps, by its name


def test_shapes_page_has_an_anchor_for_every_named_shape(client_module):
    turtle = client_module.get("/shapes.ttl")
    assert turtle.status_code == 200
    shapes = rdflib.Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    html = client_module.get("/shapes", headers={"Accept": "text/html"}).get_data(as_text=True)
    named = {
        str(s).rsplit("#", 1)[1]
        for s in shapes.subjects(rdflib.RDF.type, rdflib.SH.NodeShape)
        if isinstance(s, rdflib.URIRef)
    }
    assert named and all(f'id="{n}"' in html for n in named)


# Negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("text/turtle", "text/turtle"),
        ("text/html;q=0.5, application/rdf+xml", "application/rdf+xml"),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", "text/html"),
        ("*/*", "text/turtle"),
        (None, "text/turtle"),
        ("text/*", "text/turtle"),
        ("application/*;q=0.9, text/html;q=0.1", "application/ld+json"),
        ("application/n-triples;q=1, text/turtle;q=0.99", "application/n-triples"),
        ("text/turtle;q=0, */*;q=0.1", "application/ld+json"),
        ("application/json", "application/ld+json"),
    ],
)
def test_negotiation(client, accept, expected):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/doc/project/a70202", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


def test_expanded_json_ld_only_when_asked_for(client):
    compacted = json.loads(client.get("/doc/project/a70202.jsonld").data)
    assert compacted["@context"] == "http://localhost:8000/context.jsonld"
    keys = {k for node in compacted["@graph"] for k in node}
    assert not [k for k in keys if k.startswith("http")]  # terms, not IRIs
    assert {"title", "lead", "partner"} <= keys
    expanded = json.loads(
        client.get(
            "/doc/project/a70202",
            headers={
                "Accept": 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'
            },
        ).data
    )
    assert isinstance(expanded, list) and "@context" not in json.dumps(expanded)
    assert "http://purl.org/dc/terms/title" in expanded[0] or any(
        "http://purl.org/dc/terms/title" in node for node in expanded
    )


def test_406_lists_what_it_can_serve(client):
    response = client.get("/doc/project/a70202", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_404_for_unknown_resources_in_html_or_json(client):
    html = client.get("/doc/project/no-such-project", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.mimetype == "text/html"
    data = client.get("/id/project/no-such-project", headers={"Accept": "application/json"})
    assert data.status_code == 404 and data.json["status"] == 404
    assert data.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/doc/project/a70202.exe").status_code == 404


def test_link_header_and_alternates(client):
    response = client.get("/doc/project/a70202", headers={"Accept": "text/html"})
    link = response.headers["Link"]
    assert '</doc/project/a70202.ttl>; rel="alternate"; type="text/turtle"' in link
    html = response.get_data(as_text=True)
    alternate = '<link rel="alternate" type="application/ld+json" href="/doc/project/a70202.jsonld"'
    assert alternate in html
    turtle = client.get("/doc/project/a70202", headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Location"] == "/doc/project/a70202.ttl"


# HTTP conduct -------------------------------------------------------------------


def test_conditional_requests(client):
    first = client.get("/doc/project/a70202.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/doc/project/a70202.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get("/doc/project/a70202.ttl", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = client.get("/doc/project/a70202.nt", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another representation, another tag


PAST = "Mon, 01 Jan 2001 00:00:00 GMT"


@pytest.mark.parametrize("path", ["/doc/project/a70202.ttl", "/dumps/projects.ttl"])
def test_preconditions_in_the_standards_order(client, path):
    first = client.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    def ask(**headers: str):
        return client.get(path, headers={k.replace("_", "-"): v for k, v in headers.items()})

    assert ask(If_Match="*").status_code == 200  # a representation exists
    assert ask(If_Match=f'"x", {etag}').status_code == 200
    assert ask(If_Match=f"W/{etag}").status_code == 412  # strong comparison
    assert ask(If_Unmodified_Since=modified).status_code == 200
    assert ask(If_Unmodified_Since="yesterday").status_code == 200  # no date: ignored
    assert ask(If_Match=etag, If_Unmodified_Since=PAST).status_code == 200  # If-Match rules
    assert ask(If_None_Match=f"W/{etag}").status_code == 304  # weak comparison
    assert ask(If_None_Match="*").status_code == 304
    assert ask(If_None_Match='"x"', If_Modified_Since=modified).status_code == 200
    assert ask(If_Match='"x"', If_None_Match=etag).status_code == 412  # 412 comes first
    failed = ask(If_Unmodified_Since=PAST)
    assert failed.status_code == 412
    assert "Cache-Control" not in failed.headers and "Expires" not in failed.headers
    assert failed.data != first.data and failed.mimetype != first.mimetype  # an error page


@pytest.mark.parametrize("path", ["/doc/project/a70202", "/id/project/a70202", "/catalog"])
def test_a_browser_may_ask_first_from_another_site(client, path):
    preflight = client.options(
        path,
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "accept, if-none-match"},
    )  # fmt: skip
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "accept, if-none-match"


def test_304_keeps_what_caches_update_and_drops_the_body(client):
    headers = {"Accept": "text/turtle"}
    first = client.get("/doc/project/a70202", headers=headers)
    again = client.get(
        "/doc/project/a70202", headers={**headers, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    for name in ("ETag", "Vary", "Cache-Control", "Content-Location", "Link"):
        assert again.headers[name] == first.headers[name], name
    assert "Content-Type" not in again.headers and "Content-Length" not in again.headers


def test_the_language_asked_for_goes_along(client):
    assert client.get("/id/project/a70202").location == "/doc/project/a70202"  # now cached
    thing = client.get("/id/project/a70202?lang=fi")
    assert thing.status_code == 303 and thing.location == "/doc/project/a70202?lang=fi"
    page = client.get("/doc/project/a70202?lang=fi", headers={"Accept": "text/html"})
    assert page.headers["Content-Location"] == "/doc/project/a70202.html?lang=fi"
    assert 'lang="fi"' in client.get(page.headers["Content-Location"]).get_data(as_text=True)
    plain = client.get("/doc/project/a70202", headers={"Accept": "text/html"})
    assert plain.headers["Content-Location"] == "/doc/project/a70202.html"
    raw = "lang=fi&x=\u00e4".encode().decode("latin-1")  # as WSGI hands on raw UTF-8 bytes
    thing = client.get("/id/project/a70202", environ_overrides={"QUERY_STRING": raw})
    assert thing.location == "/doc/project/a70202?lang=fi&x=%C3%A4"


@pytest.mark.parametrize("path", ["/shapes.ttl", "/catalog.ttl"])
def test_blank_nodes_are_the_same_bytes_from_every_process(bundled_settings, bundled_release, path):
    # Each app parses the shapes and makes the catalog anew, as each server process does.
    answers = [
        create_app(bundled_settings, release=bundled_release).test_client().get(path)
        for _ in range(2)
    ]
    assert answers[0].data == answers[1].data
    assert answers[0].headers["ETag"] == answers[1].headers["ETag"]


def test_head_everywhere_get_is(client):
    for path in (
        "/",
        "/doc/project/a70202",
        "/catalog",
        "/.well-known/void",
        "/dumps/",
        "/dumps/projects.ttl",
        "/def/6aika",
        "/shapes",
        "/context.jsonld",
    ):
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.data == b""
        assert head.headers["Content-Length"] == get.headers["Content-Length"]
        assert head.headers["Access-Control-Allow-Origin"] == "*"


def test_cached_responses_are_replayed_unchanged(client):
    headers = {"Accept": "text/html", "Accept-Language": "fi"}
    first = client.get("/doc/organisation/oulun-kaupunki", headers=headers)
    second = client.get("/doc/organisation/oulun-kaupunki", headers=headers)
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert 'lang="fi"' in second.get_data(as_text=True)
    english = client.get("/doc/organisation/oulun-kaupunki", headers={"Accept": "text/html"})
    assert english.data != first.data  # the language is part of the key


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../manifest.json",
        "/dumps/..%2fmanifest.json",
        "/dumps/%2e%2e/manifest.json",
        "/dumps/%2e%2e%2fmanifest.json",
        "/dumps/..%5cmanifest.json",
        "/dumps/projects.ttl/../../manifest.json",
        "/dumps/manifest.json",
        "/dumps/store",
        "/dumps/.",
        "/doc/../../etc/passwd",
        "/doc/..%2f..%2fetc%2fpasswd",
        "/doc/project/%2e%2e/%2e%2e/manifest",
        "/id/project/a70202%3E%20%3Fp%20%3Fo",
        "/doc/project/a70202%22",
        "/static/../manifest.json",
        "/shapes/../manifest.json",
    ],
)
def test_no_path_outside_the_release(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404), path
    body = response.get_data(as_text=True)
    assert '"datasets"' not in body and "root:" not in body
    assert "Traceback" not in body


def test_errors_never_show_a_trace_but_log_it(app, monkeypatch, caplog):
    site = web_site(app)

    def broken(*_args):
        raise RuntimeError("boom: secret detail")

    monkeypatch.setattr(site.pages, "description", broken)  # what /doc reads
    monkeypatch.setattr(site_module.LRU, "get", lambda self, key: None)
    client = app.test_client()
    response = client.get("/doc/project/s21140", headers={"Accept": "text/html"})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "boom" not in body and "Traceback" not in body
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    release = site.release.id
    said = f"release {release}: GET /doc/project/s21140 answered 500: RuntimeError: boom"
    assert logged[-1].getMessage().startswith(said)
    assert "boom: secret detail" in caplog.text  # the traceback, for the operator


# What the pages say -------------------------------------------------------------


def test_html_in_the_readers_language(client):
    finnish = client.get(
        "/doc/concept/fund/erdf",
        headers={"Accept-Language": "fi-FI,fi;q=0.9", "Accept": "text/html"},
    )
    text = finnish.get_data(as_text=True)
    assert '<html lang="fi">' in text and "Euroopan aluekehitysrahasto" in text
    swedish = client.get("/doc/concept/fund/erdf?lang=sv", headers={"Accept": "text/html"})
    assert '<html lang="sv">' in swedish.get_data(as_text=True)
    fallback = client.get(
        "/doc/concept/fund/erdf", headers={"Accept-Language": "de", "Accept": "text/html"}
    )
    assert '<html lang="en">' in fallback.get_data(as_text=True)


def test_project_page_reads_well(client):
    html = client.get("/doc/project/a70202", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<h1" in html and "Kuutoskaupunkien avoimet innovaatioalustat" in html
    assert "1 February 2015 – 31 July 2018" in html  # dates for people
    assert 'href="/doc/organisation/oulun-kaupunki"' in html  # links by label
    assert ">City of Oulu<" in html
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    schema = json.loads(script.group(1))
    assert schema["@type"] == "Project" and schema["@context"] == "https://schema.org"


def test_money_for_people(client):
    html = client.get("/doc/project/s21140?lang=fi", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    assert "1\xa0571\xa0429\xa0€" in html


def test_organisation_lists_its_projects(client):
    html = client.get("/doc/organisation/oulun-kaupunki", headers={"Accept": "text/html"})
    text = html.get_data(as_text=True)
    assert "Projects it leads" in text and 'href="/doc/project/a70202"' in text


def test_city_lists_its_projects_through_organisations(client):
    text = client.get("/doc/concept/city/oulu", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    assert "Projects of the organisations above" in text
    assert 'href="/doc/project/a70202"' in text


def test_values_are_escaped(client):
    html = client.get("/doc/project/a70202?lang=%3Cscript%3E", headers={"Accept": "text/html"})
    assert "<script>" not in html.get_data(as_text=True).replace(
        '<script type="application/ld+json">', ""
    )


def test_list_pages(client):
    page = client.get("/doc/project/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'href="/doc/project/a70202"' in page.get_data(as_text=True)
    listing = client.get("/doc/project/", headers={"Accept": "application/json"}).json
    assert listing["total"] == len(listing["items"]) and listing["page"] == 1
    assert client.get("/doc/project/?page=99").status_code == 404
    assert client.get("/id/organisation/").status_code == 303


def test_home_page(client):
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert html.count("<svg") >= 4  # the timeline and three bar charts
    assert 'href="/sparql"' in html and 'href="/catalog"' in html
    settings = web_site(client.application).settings
    for example in examples(settings):
        link = example.url(settings.urls.under(""))
        assert f'href="{html_escape(link)}"' in html, example.slug  # each runs its query
    data = client.get("/", headers={"Accept": "application/json"}).json
    assert data["counts"]["project"] > 10
    assert sum(data["charts"]["fund"].values()) > 0


HTML = {"Accept": "text/html"}
# Data and dumps, which need no ?lang=.
FILES = re.compile(r"\.(ttl|jsonld|rdf|nt|trig|nq|gz)([?#]|$)")


def page_links(html: str) -> list[str]:
    """The page's links within the site, but the language switcher's."""
    anchors = re.findall(r"<a\b[^>]*>", html)
    return [
        unescape(href)
        for anchor in anchors
        if "hreflang=" not in anchor
        for href in re.findall(r'\bhref="([/?][^"]*)"', anchor)
    ]


@pytest.mark.parametrize(
    "path",
    ["/", "/doc/project/?page=2", "/doc/project/a70202", "/doc/organisation/oulun-kaupunki",
     "/def/6aika", "/shapes", "/catalog", "/dumps/", "/.well-known/void", "/sparql"],
)  # fmt: skip
def test_a_language_chosen_with_lang_goes_along_every_link(
    bundled_settings, bundled_release, monkeypatch, path
):
    """No cookie: a page asked for with ?lang= passes it on to each page it links to."""
    monkeypatch.setattr(linkeddata, "PAGE_SIZE", 10)  # lists of several pages
    client = create_app(bundled_settings, release=bundled_release).test_client()
    asked = client.get(path + ("&" if "?" in path else "?") + "lang=fi", headers=HTML)
    links = page_links(asked.get_data(as_text=True))
    assert links and all(("lang=" in h) != bool(FILES.search(h)) for h in links), links
    assert all("lang=fi" in h for h in links if "lang=" in h)
    # The page without ?lang=, in the same language and memoised alike, links as it did.
    plain = client.get(path, headers={**HTML, "Accept-Language": "fi"})
    assert '<html lang="fi">' in plain.get_data(as_text=True)
    assert not [h for h in page_links(plain.get_data(as_text=True)) if "lang=" in h]


def test_paging_and_language_links_keep_each_other(bundled_settings, bundled_release, monkeypatch):
    monkeypatch.setattr(linkeddata, "PAGE_SIZE", 10)
    client = create_app(bundled_settings, release=bundled_release).test_client()
    html = client.get("/doc/project/?page=2&lang=fi", headers=HTML).get_data(as_text=True)
    assert 'rel="prev" href="?page=1&amp;lang=fi"' in html
    assert 'rel="next" href="?page=3&amp;lang=fi"' in html
    assert 'href="/doc/project/?page=2&amp;lang=sv" hreflang="sv"' in html
    plain = client.get("/doc/project/?page=2", headers=HTML).get_data(as_text=True)
    assert 'rel="next" href="?page=3"' in plain


def test_another_language_is_the_same_page(client):
    html = client.get("/sparql?query=ASK%20%7B%7D&lang=sv", headers=HTML).get_data(as_text=True)
    assert 'href="/sparql?query=ASK+%7B%7D&amp;lang=fi" hreflang="fi"' in html


def test_redirects_keep_the_language(client):
    moved = client.get("/ontology?lang=fi")
    assert moved.status_code == 301 and moved.location == "/def/6aika?lang=fi"
    assert client.get("/ontology.ttl").location == "/def/6aika.ttl"
    assert client.get("/def/6aika/0.2.0?lang=fi").location == "/def/6aika?lang=fi"


def test_the_query_form_keeps_the_language(client):
    form = client.get("/sparql?lang=sv", headers=HTML).get_data(as_text=True)
    assert '<input type="hidden" name="lang" value="sv">' in form
    asked = {"query": "ASK {}", "lang": "sv"}
    answer = client.get("/sparql", query_string=asked, headers=HTML).get_data(as_text=True)
    assert '<html lang="sv">' in answer and "ja (true)" in answer
    assert 'name="lang"' not in client.get("/sparql", headers=HTML).get_data(as_text=True)


def _page(client, path: str, lang: str = "en") -> str:
    return client.get(path, query_string={"lang": lang}, headers=HTML).get_data(as_text=True)


def test_interface_words_in_finnish_and_swedish(client):
    projects = _page(client, "/doc/project/", "fi")
    assert "<title>Hankkeet – 6Aika avoin linkitetty data</title>" in projects
    assert "Julkaisu <code>" in projects and ">JSON-LD-konteksti</a>" in projects
    assert "<title>Organisationer – " in _page(client, "/doc/organisation/", "sv")
    sparql = _page(client, "/sparql", "fi")
    assert "Oletusgraafi on nimettyjen graafien yhdiste" in sparql
    assert "Suorita kysely" in sparql and "Run query" not in sparql and "<h2>Esimerkkejä" in sparql
    assert "SPARQL 1.1 -protokolla, vain luku." in _page(client, "/catalog", "fi")
    assert "versio-IRI" in _page(client, "/def/6aika", "fi")
    assert '<p class="kind">projekt</p>' in _page(client, "/doc/project/a70202", "sv")
    assert '<p class="kind">begrepp · fond</p>' in _page(client, "/doc/concept/fund/erdf", "sv")


def test_counts_and_headings_read_well(client):
    finnish, english = _page(client, "/", "fi"), _page(client, "/", "en")
    # Every chart bar's count agrees with its word, whatever the bundled data counts
    # (i18n's own examples cover "1 hanke" / "2 hanketta").
    for page, one in ((finnish, "hanke"), (english, "project")):
        counts = re.findall(r": (\d+) (\w+)</title>", page)
        assert counts and all((n == "1") == (word == one) for n, word in counts), counts
    organisation = _page(client, "/doc/organisation/oulun-kaupunki", "fi")
    assert "Hankkeet, joissa päätoteuttajana" in organisation


def test_404_page_in_the_readers_language(client):
    finnish = client.get("/doc/project/no-such-project?lang=fi", headers=HTML)
    text = finnish.get_data(as_text=True)
    assert finnish.status_code == 404 and '<html lang="fi">' in text
    assert "<h1>404 Ei löytynyt</h1>" in text and "Pyydettyä osoitetta ei löytynyt" in text
    assert '<a href="/?lang=fi">Etusivu</a>' in text
    swedish = client.get("/no-such-page", headers={**HTML, "Accept-Language": "sv"})
    assert "Accept-Language" in swedish.headers["Vary"]
    assert "404 Hittades inte" in swedish.get_data(as_text=True)
    assert '<a href="/">Startsida</a>' in swedish.get_data(as_text=True)


def test_timeline_dates_are_written_as_elsewhere(client):
    finnish = _page(client, "/", "fi")
    assert "<title>Kuutoskaupunkien avoin data: 1.7.2014 – 31.12.2017</title>" in finnish
    assert ": 1 juli 2014 – 31 december 2017</title>" in _page(client, "/", "sv")
    english = _page(client, "/", "en")
    assert ": 1 July 2014 – 31 December 2017</title>" in english
    assert not re.search(r"<title>[^<]*\d{4}-\d\d-\d\d", english)  # no ISO dates in tooltips


def test_a_year_gives_way_to_a_more_precise_date_within_it(client):
    """Ecosystems of Growth starts on 1.8.2018 by two sources and in 2018 by a third: the
    year says less, not otherwise, so the span starts on the day (not on 1.1.2018)."""
    record = (ROOT / "data/projects/a73976.yaml").read_text()
    assert "startDate: 2018-08-01" in record and "startDate: 2018\n" in record
    span = "1 August 2018 – 31 March 2021"
    assert f"<title>Ecosystems of Growth: {span}</title>" in _page(client, "/", "en")
    assert span in _page(client, "/doc/project/a73976", "en")


def test_charts_have_a_text_alternative_that_keeps_their_links(client):
    html = _page(client, "/", "fi")
    assert 'role="img"' not in html  # which would hide the links inside from screen readers
    assert html.count("<details><summary>Luettelona</summary>") == html.count("<svg") >= 4
    # the count grows with the bundled data; the link and the wording are what is tested
    assert re.search(r'<a href="/doc/concept/city/oulu\?lang=fi">Oulu</a>: \d+ hanketta</li>', html)
    assert '<a href="/doc/project/a70011?lang=fi">Kuutoskaupunkien avoin data</a>: 1.7.2014' in html


CHART_NOTES = {  # what each chart says it counts, by the field it charts
    "en": {
        "start": "{0} of {1} projects have a start date",
        "focus_area": "{0} of {1} projects have a focus area",
        "fund": "{0} of {1} projects name their fund",
        "city": "{0} of {1} projects have a lead or partner in a city",
    },
    "fi": {
        "start": "{0}/{1} hankkeella on alkamisaika",
        "focus_area": "{0}/{1} hankkeella on painopistealue",
        "fund": "{0}/{1} hankkeella on rahasto",
        "city": "{0}/{1} hankkeella on päätoteuttaja tai osatoteuttaja kaupungissa",
    },
}


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_every_chart_says_how_many_projects_it_counts(client, bundled_release, lang):
    html = _page(client, "/", lang)
    coverage = bundled_release.manifest.parts["facts"]["completeness"]
    captions = re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", html)
    assert len(captions) == html.count("<svg") == 4  # the timeline and three bar charts
    for key, note in CHART_NOTES[lang].items():
        said = note.format(coverage["fields"][key], coverage["projects"])
        assert sum(said in caption for caption in captions) == 1, said


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_home_page_has_the_coverage_table(client, bundled_release, lang):
    html, facts = _page(client, "/", lang), bundled_release.manifest.parts["facts"]
    tables = re.findall(r'<table class="coverage">.*?</table>', html, flags=re.S)
    assert len(tables) == len(completeness.TABLES)  # the projects', the organisations'
    row = r'<tr><th scope="row">(.*?)</th><td>(\d+)</td><td>(\d+)\xa0?%</td></tr>'
    for table, shown in zip(completeness.TABLES, tables, strict=True):
        coverage = facts[table.fact]
        total = coverage[table.name]
        assert re.findall(row, shown) == [
            (html_escape(field.label(lang)), str(coverage["fields"][field.key]),
             str(round(100 * coverage["fields"][field.key] / total)))
            for field in table.fields
        ]  # fmt: skip
    data = client.get("/", headers={"Accept": "application/json"}).json
    assert data["completeness"] == facts["completeness"]
    assert data["organisation_completeness"] == facts["organisation_completeness"]
    assert data["counts"]["project"] == facts["completeness"]["projects"]


def test_shapes_show_lists_as_their_members_under_readable_headings(client):
    html = _page(client, "/shapes", "sv")
    assert "rdf:first" not in html and "rdf:rest" not in html and "rdf:nil" not in html
    assert ">sh:or</a>" in html and ">www.w3.org/ns/shacl#" not in html
    assert "<dd><span>fi</span></dd>" in html  # sh:languageIn ( "fi" )
    assert "<h2>Regler för resurser (sh:NodeShape)</h2>" in html and "<h2>NodeShape" not in html


def test_licences_by_name(client):
    html = _page(client, "/.well-known/void")
    assert '/licence/CC_BY_4_0" lang="en">CC BY 4.0</a>' in html


def test_void_page_title_says_what_it_is(client):
    html = _page(client, "/.well-known/void")
    assert "<title>Dataset statistics (VoID) – 6Aika linked open data</title>" in html


def test_context_is_served_locally(client):
    response = client.get("/context.jsonld")
    assert response.mimetype == "application/ld+json"
    assert "public" in response.headers["Cache-Control"] and response.headers["ETag"]
    assert response.json["@context"]["title"]["@id"] == "dct:title"


# The remote store backend ------------------------------------------------------------

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


@pytest.fixture(scope="module")
def remote_client(bundled_settings, bundled_release):
    """The same app reading through ``RemoteRepo`` from `oxigraph serve` on the same store."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("no `oxigraph` command (pip install oxigraph)")
    port = free_port()
    server = subprocess.Popen(
        [
            OXIGRAPH,
            "serve-read-only",
            "--location",
            str(bundled_release.path / "store"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                RemoteRepo(endpoint).ask("ASK {}")
                break
            except OSError:
                time.sleep(0.1)
        repo = RemoteRepo(endpoint, bundled_release.id)
        yield create_app(bundled_settings, repo=repo, release=bundled_release).test_client()
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/doc/project/a70202",
        "/doc/concept/city/oulu",
        "/doc/organisation/oulun-kaupunki",
        "/doc/project/",
        "/catalog",
        "/.well-known/void",
        "/def/6aika",
    ],
)
def test_pages_read_the_same_through_a_remote_store(client, remote_client, path):
    for accept in ("text/html", "text/turtle"):
        here = client.get(path, headers={"Accept": accept})
        there = remote_client.get(path, headers={"Accept": accept})
        assert here.status_code == there.status_code, (path, accept)
        if accept == "text/turtle" and here.status_code == 200:
            assert isomorphic(parse(here, "turtle"), parse(there, "turtle")), path
        else:
            assert here.data == there.data, (path, accept)


def test_a_page_is_the_same_by_extension_or_by_accept(app):
    """Representations are memoised per document: nothing in them may depend on the URL."""
    for path in ("/catalog", "/doc/project/a70202", "/def/6aika"):
        first, second = app.test_client(), app.test_client()
        by_ext = first.get(path + ".html").data
        by_accept = second.get(path, headers={"Accept": "text/html"}).data
        assert by_ext == by_accept, path
        assert f'href="{path}?lang=fi"'.encode() in by_ext


def test_ontology_version_iri(client):
    """The version IRI answers 303 to the ontology; any other 'version' is a plain 404."""
    assert client.get("/def/6aika/0.2.0").status_code == 303
    for other in ("9.9.9", "a b", "<x>", "%20"):
        assert client.get(f"/def/6aika/{other}").status_code == 404, other


def test_query_results_link_only_safe_schemes(client):
    query = 'SELECT ?x { BIND(IRI("javascript:alert(1)") AS ?x) }'
    html = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "text/html"}
    ).get_data(as_text=True)
    assert "javascript:alert(1)" in html and 'href="javascript:' not in html


def test_a_list_that_runs_in_a_circle_is_shown_not_followed_forever():
    from sixaika.web.present import Names, Presenter

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    thing, p = ox.NamedNode("http://example.org/x"), ox.NamedNode("http://example.org/p")
    loop = ox.BlankNode("l")
    triples = [
        ox.Triple(thing, p, loop),
        ox.Triple(loop, ox.NamedNode(rdf + "first"), loop),
        ox.Triple(loop, ox.NamedNode(rdf + "rest"), ox.NamedNode(rdf + "nil")),
    ]
    presenter = Presenter(triples, Names(Urls("http://example.org/").under(""), {}), "en")
    assert "…" in presenter.node(thing).rows[0].values[0].text


@pytest.fixture(scope="module")
def imprecise(tmp_path_factory):
    """A release of the bundled data in which A70011 started in a month and ended in a
    year, HIPPA started in a month and has no end (dates as precise as a source may give
    them; a project whose sources give no end), and Perille asti's start and end come from
    different sources, one period each (its start from one, its latest end, a month, from
    another)."""
    root = tmp_path_factory.mktemp("imprecise")
    for folder in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    changes = {
        "a70011.yaml": (
            "startDate: 2014-07-01\n    endDate: 2017-12-31",
            "startDate: 2014-07\n    endDate: '2017'",
        ),
        "hippa.yaml": (
            "startDate: 2018-08-01\n    endDate: 2020-12-31",
            "startDate: 2018-08",
        ),
        "perille-asti.yaml": ("startDate: 2017\n    endDate: 2019-12-31", "startDate: 2017"),
    }
    for name, (old, new) in changes.items():
        path = root / "data/projects" / name
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new, 1))
    settings = Settings.from_env({}, root=str(root), releases=str(root / "releases"))
    release, _report = build(settings, Progress(quiet=True))
    return create_app(settings, release=release).test_client()


def test_a_month_or_a_year_is_shown_as_such(imprecise):
    for lang, month in (("fi", "heinäkuu 2014"), ("en", "July 2014"), ("sv", "juli 2014")):
        assert f"{month} – 2017" in _page(imprecise, "/doc/project/a70011", lang)
    home = _page(imprecise, "/", "fi")
    assert "<title>HIPPA: elokuu 2018 alkaen</title>" in home
    # The earliest start and the latest end of its periods, of two equal the more precise:
    # 1.7.2014 of another source, and of the year 2017 and Business Oulu's 31.12.2017 (a
    # period with only an end) the day.
    assert "<title>Kuutoskaupunkien avoin data: 1.7.2014 – 31.12.2017</title>" in home


def test_a_period_with_only_a_start_is_open_ended(imprecise):
    english = _page(imprecise, "/", "en")
    assert ": from August 2018</title>" in english and "2018 – August 2018" not in english
    assert english.count('fill="url(#history-open)"') == 1  # fades out: no end drawn


def test_a_span_runs_from_one_sources_start_to_anothers_end(imprecise):
    finnish = _page(imprecise, "/", "fi")
    assert "<title>Perille asti: 2017 – maaliskuu 2020</title>" in finnish


def test_status_follows_from_the_period_on_the_release_day(imprecise):
    built = imprecise.application.extensions["sixaika"].modified.date()
    day = f"{built.day}.{built.month}.{built.year}"
    page = _page(imprecise, "/doc/project/a70011", "fi")
    assert f'<p class="status">Tilanne {day}: <strong>päättynyt</strong></p>' in page
    english = _page(imprecise, "/doc/project/a70011", "en")
    assert "<strong>ended</strong>" in english
    assert 'class="status"' not in _page(imprecise, "/doc/project/hippa", "fi")  # no end known

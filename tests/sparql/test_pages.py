"""GET /sparql without a query: the service description, and the query UI for browsers.

Plus the example queries, which must answer their questions on the synthetic data.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse

import pytest
import rdflib
from rdflib.namespace import Namespace

from sixaika.urls import Urls
from sixaika.web.sparql import service

from ..support import BASE, ID, ROOT, open_app, settings_for

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

LINKS = Urls(BASE).under("")  # links from a page of the app served at /


@pytest.mark.parametrize(
    "accept, rdf_format",
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), (None, "turtle"),
     ("application/rdf+xml", "xml"), ("application/n-triples", "nt")],
)  # fmt: skip
def test_service_description(sparql_client, accept, rdf_format):
    response = sparql_client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.headers["Vary"] == "Accept"
    graph = rdflib.Graph().parse(data=response.data, format=rdf_format)
    service_node = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert graph.value(service_node, SD.endpoint) == rdflib.URIRef(BASE + "sparql")
    assert (service_node, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service_node, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service_node, SD.resultFormat)}
    assert formats >= {"SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "JSON-LD"}
    dataset = graph.value(service_node, SD.defaultDataset)
    default = graph.value(dataset, SD.defaultGraph)
    assert graph.value(default, VOID.triples).toPython() == 171
    named = {str(graph.value(n, SD.name)): graph.value(graph.value(n, SD.graph), VOID.triples)
             for n in graph.objects(dataset, SD.namedGraph)}  # fmt: skip
    assert {k: v.toPython() for k, v in named.items()} == {
        BASE + "graph/projects": 138,
        BASE + "graph/concepts": 27,
        BASE + "graph/ontology": 6,
    }
    comment = str(graph.value(service_node, rdflib.RDFS.comment))
    assert "Read-only" in comment and "3 s" in comment


def test_service_description_json_ld_is_compact(sparql_client):
    document = sparql_client.get("/sparql", headers={"Accept": "application/ld+json"}).get_json()
    assert document["@context"]["sd"] == str(SD)
    assert "sd:endpoint" in json.dumps(document)


def test_service_description_406(sparql_client):
    assert sparql_client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


def test_browser_gets_the_form_without_yasgui(sparql_client):
    page = sparql_client.get("/sparql", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<form method="get" action="/sparql">' in html
    assert '<textarea class="query" id="query" name="query"' in html
    assert "yasgui.min.js" not in html and "not installed" in html
    assert "cdn" not in html.lower()


def test_results_page_for_browsers(sparql_client):
    query = "SELECT ?p ?title WHERE { ?p <http://purl.org/dc/terms/title> ?title } ORDER BY ?p"
    page = sparql_client.get("/sparql", query_string={"query": query}, headers={"Accept": BROWSER})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<a href="{ID}project/p1">{ID}project/p1</a>' in html
    assert "Synteettinen hanke 1<small>@fi</small>" in html
    assert "<p>12 rows</p>" in html


def test_results_page_shows_errors_and_graphs(sparql_client):
    broken = sparql_client.get(
        "/sparql", query_string={"query": "SELECT * {"}, headers={"Accept": BROWSER}
    )
    assert broken.status_code == 400 and "Syntax error" in broken.get_data(as_text=True)
    construct = f"CONSTRUCT WHERE {{ <{ID}organisation/oulu> ?p ?o }}"
    page = sparql_client.get(
        "/sparql", query_string={"query": construct}, headers={"Accept": BROWSER}
    )
    assert "Synteettinen Oulun kaupunki" in page.get_data(as_text=True)
    ask = sparql_client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Accept": BROWSER}
    )
    assert "yes (true)" in ask.get_data(as_text=True)


def test_form_format_choice_downloads(sparql_client):
    params = {"query": "SELECT ?s { ?s ?p ?o } LIMIT 1", "format": "csv"}
    response = sparql_client.get("/sparql", query_string=params, headers={"Accept": BROWSER})
    assert response.mimetype == "text/csv"


@pytest.fixture
def yasgui_app(tmp_path, sparql_release):
    """An app whose project root has YASGUI's build folder (a stand-in file)."""
    build = tmp_path / "node_modules" / "@zazuko" / "yasgui" / "build"
    build.mkdir(parents=True)
    (build / "yasgui.min.js").write_text("window.Yasgui = function () {};")
    (build / "yasgui.min.css").write_text(".yasgui {}")
    app = open_app(settings_for(tmp_path, query_workers="1"), sparql_release)
    yield app
    service(app).close()


def test_yasgui_page_with_examples_as_tabs(yasgui_app):
    client = yasgui_app.test_client()
    html = client.get("/sparql", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert '<script src="/sparql/ui/yasgui.min.js"></script>' in html
    assert '<link rel="stylesheet" href="/sparql/ui/yasgui.min.css">' in html
    assert "<noscript>" in html  # the plain form stays for browsers without JavaScript
    data = r'<script type="application/json" id="sparql-examples">(.*?)</script>'
    examples = json.loads(re.search(data, html).group(1))
    assert [e["title"] for e in examples][:2] == [
        "Projects per focus area",
        "Who partners with whom",
    ]
    script = client.get("/sparql/ui/yasgui.min.js")
    assert script.status_code == 200 and b"Yasgui" in script.data
    assert client.get("/sparql/ui/../../../../etc/passwd").status_code == 404


@pytest.mark.skipif(not os.environ.get("CI"), reason="CI installs YASGUI with npm ci")
def test_real_yasgui_is_installed_from_npm():
    build = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
    assert (build / "yasgui.min.js").stat().st_size > 100_000
    assert "node_modules" in (ROOT / ".gitignore").read_text()


# The examples answer their questions -----------------------------------------------------


def run_example(client, slug: str) -> list[dict[str, str]]:
    example = next(e for e in service(client.application).examples if e.slug == slug)
    response = client.get(example.url(LINKS))  # the link the UI and the home page give
    assert response.status_code == 200, response.data
    return [
        {k: v["value"] for k, v in b.items()} for b in response.get_json()["results"]["bindings"]
    ]


def test_example_projects_per_focus_area(sparql_client):
    rows = run_example(sparql_client, "projects-per-focus-area")
    counts = {r["label"]: int(r["projects"]) for r in rows}
    assert counts == {"Open data and interfaces": 3, "Open innovation platforms": 2,
                      "Open participation and customership": 1}  # fmt: skip


def test_example_partners(sparql_client):
    rows = run_example(sparql_client, "partners")
    pairs = {(r["name"], r["otherName"]): int(r["projects"]) for r in rows}
    assert pairs[("Synteettinen Oulun kaupunki", "Synteettinen yliopisto")] == 2  # p1, p6
    assert pairs[("Synteettinen BusinessOulu", "Synteettinen Tampereen kaupunki")] == 1
    assert int(rows[0]["projects"]) == max(pairs.values())


def test_example_oulu_projects_by_year(sparql_client):
    rows = run_example(sparql_client, "oulu-projects-by-year")
    found = [(int(r["year"]), r["project"].rsplit("/", 1)[1]) for r in rows]
    assert found == [(2015, "p1"), (2015, "p6"), (2016, "p2"), (2018, "p4")]


def test_example_budgets_by_fund(sparql_client):
    rows = run_example(sparql_client, "budgets-by-fund")
    totals = {(r["fundName"], r["kind"].rsplit("/", 1)[1]): (float(r["euros"]), int(r["projects"]))
              for r in rows}  # fmt: skip
    assert totals == {
        ("ERDF", "eu-contribution"): (600_000, 1),
        ("ERDF", "total-budget"): (2_250_000, 4),  # p4 counts once, with 350 000
        ("ESF", "total-budget"): (300_000, 2),
    }


def test_example_links_are_listed_on_the_page(sparql_client):
    html = sparql_client.get("/sparql", headers={"Accept": BROWSER}).get_data(as_text=True)
    for example in service(sparql_client.application).examples:
        link = example.url(LINKS)
        assert f'href="{link}"' in html.replace("&amp;", "&")
        assert urllib.parse.unquote(link.split("=", 1)[1]) == example.query
        assert f"<{BASE}def/6aika#>" in example.query  # rebased to the configured base

"""/projects: the project table, its facets, sorts, pages and downloads, through the app
(and once in headless Chromium, as a person filters it and downloads the CSV)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from ..support import CHROMIUM, REFINED_START, Browser, LiveServer

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
OULU_ERDF = "city=oulu&fund=erdf"

# The same filter in SPARQL: ERDF projects that a lead or partner in Oulu (or a unit of
# one) takes part in; the table's title (Finnish), start and total budget of each.
CITY_FUND = """
PREFIX v: <{v}>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?p (SAMPLE(?title) AS ?t) (MIN(STR(?start)) AS ?s) (MAX(?total) AS ?b) WHERE {{
  ?p a v:Project ; v:fund <{c}fund/erdf> ; v:lead|v:partner ?o .
  ?o <http://www.w3.org/ns/org#unitOf>*/dct:spatial <{c}city/oulu> .
  OPTIONAL {{ ?p dct:title ?title FILTER(LANG(?title) = "fi") }}
  {start}
  OPTIONAL {{ ?p v:budget [ <https://schema.org/value> ?total ;
                            v:budgetKind <{c}budget-kind/total-budget> ] }}
}} GROUP BY ?p
"""


def sparql_rows(client, settings) -> set[tuple[str, str, str, str]]:
    query = CITY_FUND.format(
        v=settings.urls.vocab, c=settings.urls.id("concept/"), start=REFINED_START
    )
    answer = client.get("/sparql?" + urlencode({"query": query}), headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    found = set()
    for r in csv.DictReader(io.StringIO(answer.get_data(as_text=True))):
        budget = r["b"] and format(float(r["b"]), "g" if "." in r["b"] else ".0f")
        found.add((r["p"], r["t"], r["s"], budget))
    return found


def csv_rows(text: str) -> set[tuple[str, str, str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return {(r["id"], r["title"], r["start"], r["total_budget"]) for r in rows}


def test_csv_rows_for_city_and_fund_equal_the_sparql_answer(client, bundled_settings):
    answer = client.get(f"/projects.csv?{OULU_ERDF}&lang=fi")
    assert answer.status_code == 200 and answer.content_type.startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    expected = sparql_rows(client, bundled_settings)
    assert len(expected) >= 2  # the filter means something on the bundled data
    assert csv_rows(answer.get_data(as_text=True)) == expected


def test_the_three_downloads_have_the_same_rows_in_the_same_order(client):
    view = f"{OULU_ERDF}&sort=start&order=desc"
    ids_csv = [
        r["id"] for r in csv.DictReader(io.StringIO(client.get(f"/projects.csv?{view}").text))
    ]
    as_json = client.get(f"/projects.json?{view}").get_json()
    as_jsonld = json.loads(client.get(f"/projects.jsonld?{view}").text)
    assert ids_csv and [r["id"] for r in as_json["rows"]] == ids_csv
    assert [n["id"] for n in as_jsonld["@graph"]] == ids_csv
    assert as_json["total"] == len(ids_csv)
    page = client.get(f"/projects?{view}", headers=JSON).get_json()
    assert [r["id"] for r in page["rows"]] == ids_csv[:50]


def test_the_json_ld_download_states_only_what_the_release_says(client, app, bundled_release):
    """Each row, read as RDF with the published context, is triples the store holds
    (blank nodes aside: periods and amounts are compared by their values)."""
    document = json.loads(client.get(f"/projects.jsonld?{OULU_ERDF}").text)
    document["@context"] = bundled_release.context["@context"]
    triples = ox.parse(json.dumps(document).encode(), format=ox.RdfFormat.JSON_LD)
    store = bundled_release.open_store()
    named = [t for t in triples if not isinstance(t.object, ox.BlankNode)]
    named = [t for t in named if not isinstance(t.subject, ox.BlankNode)]
    assert len(named) > 30
    missing = [
        t for t in named if not list(store.quads_for_pattern(t.subject, t.predicate, t.object))
    ]
    assert missing == []


def test_facet_counts_leave_out_their_own_facet(client):
    page = client.get(f"/projects?{OULU_ERDF}", headers=JSON).get_json()
    counts = {f["label"]: f["count"] for f in page["facets"]["city"]}
    # Helsinki's count is what choosing it instead of Oulu would show.
    helsinki = client.get("/projects?city=helsinki&fund=erdf", headers=JSON).get_json()
    assert counts["Helsinki"] == helsinki["total"]
    funds = {f["label"]: f["count"] for f in page["facets"]["fund"]}
    oulu = client.get("/projects?city=oulu", headers=JSON).get_json()
    assert sum(funds.values()) >= page["total"] and funds["European Social Fund"] <= oulu["total"]


def test_every_column_sorts_and_cursor_pages_walk_every_row_once(client):
    everything = client.get("/projects.json").get_json()["rows"]
    for column in ("title", "lead", "cities", "fund", "focus_area", "start", "end"):
        for order in ("asc", "desc"):
            seen, url = [], f"/projects?sort={column}&order={order}"
            while url:
                page = client.get(url, headers=JSON).get_json()
                seen += [r["id"] for r in page["rows"]]
                url = page["next"]
            assert sorted(seen) == sorted(r["id"] for r in everything), (column, order)
    starts = client.get("/projects.json?sort=start").get_json()["rows"]
    known = [r["start"][:4] for r in starts if r["start"]]
    assert known == sorted(known)


def test_filters_by_organisation_role_years_budget_and_words(client, bundled_settings):
    led = client.get("/projects.json?organisation=oulun-kaupunki&role=lead").get_json()
    assert led["rows"] and all(
        r["lead"][0]["id"].endswith("/organisation/oulun-kaupunki") for r in led["rows"]
    )
    years = client.get("/projects.json?from=2016&to=2017").get_json()["rows"]
    assert years and all(
        (r["start"] or "0")[:4] <= "2017" and (r["end"] or "9999")[:4] >= "2016" for r in years
    )
    rich = client.get("/projects.json?budget_min=5000000").get_json()["rows"]
    assert rich and all(r["total_budget"] >= 5_000_000 for r in rich)
    words = client.get("/projects.json?q=avoin+data").get_json()["rows"]
    assert any(r["identifier"] == "A70011" for r in words)


def test_bad_parameters_get_a_400_that_says_why(client):
    for query, said in (
        ("sort=colour", "cannot sort by"),
        ("order=up", "order must be"),
        ("from=soon", "from must be a number"),
        ("to=20", "to must be a year"),
        ("role=boss&organisation=oulun-kaupunki", "role must be"),
        ("cursor=nonsense", "not one of this table's pages"),
    ):
        answer = client.get(f"/projects?{query}", headers=JSON)
        assert answer.status_code == 400, query
        assert said in answer.get_data(as_text=True), query
    assert client.get("/projects.csv?cursor=x").status_code == 400


def test_the_page_is_a_plain_form_with_links_in_the_readers_language(client):
    page = client.get(f"/projects?{OULU_ERDF}&lang=fi", headers=HTML).get_data(as_text=True)
    assert '<form class="filters" action="/projects" method="get"' in page
    assert 'name="city" value="oulu" checked' in page and 'name="fund" value="erdf" checked' in page
    assert "Hanketaulukko" in page and "Kokonaisbudjetti" in page
    assert f'href="/projects.csv?{OULU_ERDF.replace("&", "&amp;")}&amp;lang=fi"' in page
    assert page.count("aria-sort=") == 1 and 'aria-sort="ascending"><a href="/projects?' in page
    assert "<script>" not in page and "style=" not in page
    listing = client.get("/doc/project/", headers=HTML).get_data(as_text=True)
    assert 'href="/projects"' in listing


def test_downloads_answer_conditional_requests(client):
    first = client.get(f"/projects.csv?{OULU_ERDF}")
    again = client.get(
        f"/projects.csv?{OULU_ERDF}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    # the same validators as every page made from the release, so a cache can revalidate
    home = client.get("/")
    assert first.headers["Last-Modified"] == home.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == home.headers["Cache-Control"]
    other = client.get("/projects.csv?city=turku")
    assert other.headers["ETag"] != first.headers["ETag"]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium installed")
def test_a_person_filters_by_city_and_fund_and_downloads_the_csv(app, client, bundled_settings):
    server, browser = LiveServer(app), Browser()
    try:
        browser.open(server.url + "/projects")
        browser.evaluate(
            "document.querySelector('input[name=city][value=oulu]').click();"
            "document.querySelector('input[name=fund][value=erdf]').click();"
            "document.querySelector('form.filters button[type=submit]').click()"
        )
        browser.wait_for("location.search.includes('fund=erdf')")
        assert browser.evaluate("location.search") == f"?{OULU_ERDF}"
        browser.wait_for("document.readyState == 'complete'")
        href = browser.evaluate("document.querySelector('a[type=\"text/csv\"]').href")
        text = browser.evaluate(
            f"fetch({json.dumps(href.replace('lang=en', 'lang=fi'))}).then(r => r.text())",
            wait=True,
        )
    finally:
        browser.close()
        server.stop()
    assert csv_rows(text) == sparql_rows(client, bundled_settings)

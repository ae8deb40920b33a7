"""The search index in the release: what it finds, in which order, and the project table."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from sixaika.read.store import OxigraphRepo
from sixaika.search import open_index
from sixaika.search.analysis import Analyser, voikko
from sixaika.search.engine import TantivyIndex
from sixaika.search.index import EVERY_PROJECT as EVERY
from sixaika.search.index import BadCursor, Filters, SearchIndex, Sort

from ..support import REFINED_START


@pytest.fixture(scope="module")
def index(bundled_release) -> SearchIndex:
    found = bundled_release.open_index()
    assert found is not None
    return found


@pytest.fixture(scope="module")
def base(bundled_settings) -> str:
    return bundled_settings.urls.id()


def needs_voikko():
    if voikko() is None:
        if os.environ.get("CI"):
            pytest.fail("Voikko (libvoikko1 + voikko-fi) must be installed where CI runs")
        pytest.skip("Voikko is not installed")


def test_the_release_holds_the_index_of_its_own_store(bundled_release, bundled_settings):
    about = bundled_release.manifest.parts["index"]
    assert (bundled_release.path / about["folder"]).is_dir()
    assert about["engine"] == "tantivy" and about["analyser"] in ("voikko", "snowball")
    repo = OxigraphRepo.open(bundled_release)
    v = bundled_settings.urls.vocab
    (row,) = repo.select(f"SELECT (COUNT(?p) AS ?n) {{ ?p a <{v}Project> }}")
    assert about["projects"] == int(row["n"].value)


def test_an_index_of_an_older_format_is_not_read(bundled_release, caplog):
    about = bundled_release.manifest.parts["index"]
    folder = bundled_release.path / about["folder"]
    assert open_index(folder, about, "r1") is not None
    assert open_index(folder, {**about, "format": 1}, "r1") is None
    assert "build the release again" in caplog.text


def test_voikko_finds_inflected_finnish_words_by_their_base_forms(index, base):
    needs_voikko()
    assert index.analyser == "voikko"
    cities = {h.iri for h in index.search("kaupungin", limit=50).hits}
    assert base + "organisation/oulun-kaupunki" in cities  # "Oulun kaupunki"
    projects = {h.iri for h in index.search("hankkeet", limit=50).hits}
    assert base + "project/6aika-koordinaatiohanke" in projects  # a compound of "hanke"
    words = Analyser(voikko())
    assert words.terms("kaupungin", "fi") == words.terms("kaupunki", "fi") == ["kaupunki"]


def test_without_voikko_the_snowball_stemmer_cuts_endings_but_not_gradation(
    bundled_release, bundled_settings, tmp_path, base
):
    stems = Analyser(finnish=None)
    assert stems.name == "snowball"
    hanke = stems.terms("hanke", "fi")
    assert all(stems.terms(w, "fi") == hanke for w in ("hankkeet", "hankkeen", "hankkeiden"))
    # Consonant gradation (nk -> ng) is beyond a stemmer: this is why Voikko is preferred.
    assert stems.terms("kaupungin", "fi") != stems.terms("kaupunki", "fi")
    from sixaika.search import write_index

    quads = bundled_release.open_store().quads_for_pattern(None, None, None)
    write_index(quads, bundled_settings.base, tmp_path / "index", stems)
    fallback = TantivyIndex(tmp_path / "index", stems)
    assert fallback.search("kaupungin").analyser == "snowball"
    found = {h.iri for h in fallback.search("hankkeet", limit=50).hits}
    assert base + "project/cohewe" in found  # its description says "hanke"


def test_an_exact_code_ranks_first(index, base):
    first = index.search("A70202").hits[0]
    assert (first.iri, first.matched) == (base + "project/a70202", "code")
    first = index.search("0187690-1").hits[0]
    assert (first.iri, first.matched) == (base + "organisation/oulun-kaupunki", "code")


def test_names_rank_before_texts(index, base):
    hits = index.search("liikenne", limit=50).hits
    tiers = [h.matched for h in hits]
    assert "name" in tiers and "text" in tiers
    assert tiers == sorted(tiers, key=["code", "name", "text"].index)


def test_results_page_through_every_match_once(index):
    every = index.search("kaupunki", limit=100)
    pages = [index.search("kaupunki", limit=3, offset=n).hits for n in range(0, every.total, 3)]
    assert [h.iri for page in pages for h in page] == [h.iri for h in every.hits]


def test_suggestions_start_with_what_was_typed(index, base):
    found = index.suggest("kuutos")
    assert found and all(
        any(w.startswith("kuutos") for w in s.label.casefold().split()) for s in found
    )
    assert base + "project/a70011" in {s.iri for s in found}
    several = index.suggest("oulun kau")
    assert several[0].iri == base + "organisation/oulun-kaupunki"
    assert index.suggest("") == []


def test_lookup_by_eura_code_and_business_id(index, base):
    assert index.lookup("a70202") == base + "project/a70202"
    assert index.lookup("0187690-1", "business-id") == base + "organisation/oulun-kaupunki"
    assert index.lookup("0187690-1", "eura-code") is None
    assert index.lookup("A99999") is None


CITY_FUND_PROJECTS = """
SELECT ?p (MIN(?title) AS ?t) (MIN(STR(?start)) AS ?s) (MAX(?total) AS ?b) WHERE {{
  ?p a <{v}Project> ; <{v}fund> <{c}fund/erdf> ; <{v}lead>|<{v}partner> ?o .
  ?o <http://www.w3.org/ns/org#unitOf>*/<http://purl.org/dc/terms/spatial> <{c}city/oulu> .
  OPTIONAL {{ ?p <http://purl.org/dc/terms/title> ?title FILTER(LANG(?title) = "fi") }}
  {start}
  OPTIONAL {{ ?p <{v}budget> [ <https://schema.org/value> ?total ;
                               <{v}budgetKind> <{c}budget-kind/total-budget> ] }}
}} GROUP BY ?p
"""


def test_table_rows_equal_the_sparql_answer_for_the_same_filter(
    index, bundled_release, bundled_settings, base
):
    repo = OxigraphRepo.open(bundled_release)
    query = CITY_FUND_PROJECTS.format(
        v=bundled_settings.urls.vocab, c=base + "concept/", start=REFINED_START
    )
    expected = {
        r["p"].value: (
            r["t"].value if "t" in r else None,
            r["s"].value if "s" in r else None,
            float(r["b"].value) if "b" in r else None,
        )
        for r in repo.select(query)
    }
    assert len(expected) >= 2  # the filter means something on the bundled data
    filters = Filters(city=(base + "concept/city/oulu",), fund=(base + "concept/fund/erdf",))
    page = index.rows(filters, limit=100)
    found = {r.iri: (r.title.get("fi"), r.start, r.total_budget) for r in page.rows}
    assert found == expected and page.total == len(expected) and page.next is None


def test_keyset_pages_follow_the_sort_and_end(index):
    everything = index.rows(Filters(), Sort("total_budget", descending=True), limit=1000).rows
    budgets = [r.total_budget for r in everything if r.total_budget is not None]
    assert budgets == sorted(budgets, reverse=True)
    seen, cursor = [], None
    while True:
        page = index.rows(Filters(), Sort("total_budget", descending=True), cursor, limit=4)
        seen += page.rows
        if page.next is None:
            break
        cursor = page.next
    assert [r.iri for r in seen] == [r.iri for r in everything]
    with pytest.raises(BadCursor):
        index.rows(Filters(), Sort("title"), cursor)  # a cursor of another order


def test_facet_counts_count_the_filtered_rows(index, base):
    fund = Filters(fund=(base + "concept/fund/erdf",))
    rows = index.rows(fund, limit=1000).rows
    counts = {v.value: v.count for v in index.facets(fund)["city"]}
    assert counts and all(n == sum(city in r.cities for r in rows) for city, n in counts.items())
    assert {v.value: v.count for v in index.facets()["fund"]}[fund.fund[0]] == len(rows)
    assert index.facets(fund, ("city",)) == {"city": index.facets(fund)["city"]}
    assert index.facets(EVERY, ("fund",)) == {"fund": index.facets()["fund"]}


def _years_of(row) -> range:
    """The years a row's project runs in, as its start and end say (an end alone: none)."""
    first = int(row.start[:4]) if row.start else None
    last = int(row.end[:4]) if row.end else first
    return range(0) if first is None or last is None else range(first, last + 1)


@pytest.mark.parametrize(
    "first, last",
    [
        (2017, 2018),
        (2016, 2016),
        (2019, None),
        (None, 2015),
        (2018, 2016),
        (1990, 1995),
        (2040, None),
    ],
)
def test_a_year_filter_keeps_the_projects_that_end_then_or_later_and_start_then_or_earlier(
    index, first, last
):
    every = index.rows(EVERY, limit=1000).rows
    chosen = index.rows(Filters(year_from=first, year_to=last), limit=1000).rows
    expected = {
        r.iri
        for r in every
        if (years := _years_of(r))
        and (first is None or years[-1] >= first)
        and (last is None or years[0] <= last)
    }
    assert {r.iri for r in chosen} == expected


def test_facet_counts_with_words_and_years_count_the_rows_they_would_show(index):
    chosen = Filters(year_from=2016, year_to=2018, text="liikenne")
    rows = index.rows(chosen, limit=1000).rows
    assert 0 < len(rows) < index.rows(Filters(text="liikenne"), limit=1000).total
    counts = index.facets(chosen)
    assert {int(v.value): v.count for v in counts["year"]} == Counter(
        year for r in rows for year in _years_of(r)
    )
    assert {v.value: v.count for v in counts["city"]} == Counter(c for r in rows for c in r.cities)
    assert {v.value: v.count for v in counts["fund"]} == Counter(f for r in rows for f in r.fund)


def test_serving_only_reads_the_index(bundled_release, client):
    folder = bundled_release.path / bundled_release.manifest.parts["index"]["folder"]

    def files() -> dict[str, tuple[int, int]]:
        return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}

    before = files()
    for url in (
        "/search?q=kaupunki",
        "/search/suggest?q=ou",
        "/lookup?eura=A70202",
        '/reconcile?queries={"q":{"query":"Oulu"}}',
    ):
        assert client.get(url).status_code in (200, 303)
    assert files() == before


@pytest.mark.parametrize("column", ["title", "lead", "cities", "fund", "start", "eu_contribution"])
@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts_every_row_once(index, column, descending):
    every = index.rows(EVERY, Sort(column, descending, "sv"), limit=1000)
    assert len({r.iri for r in every.rows}) == every.total == len(every.rows)


@pytest.mark.parametrize("column", ["total_budget", "start", "end"])
@pytest.mark.parametrize("descending", [False, True])
def test_projects_without_a_value_come_last_in_either_order(index, column, descending):
    rows = index.rows(EVERY, Sort(column, descending), limit=1000).rows
    values = [getattr(r, column) for r in rows]
    known = [v for v in values if v is not None]
    assert 0 < len(known) < len(values)  # the bundled data has projects of both kinds
    assert values == known + [None] * (len(values) - len(known))
    assert known == sorted(known, reverse=descending)


def test_year_budget_and_text_filters_keep_the_rows_they_say(index):
    every = index.rows(EVERY, limit=1000).rows

    def year(value):
        return int(value[:4]) if value else None

    running = index.rows(Filters(year_from=2017, year_to=2018), limit=1000).rows
    assert {r.iri for r in running} == {
        r.iri
        for r in every
        if year(r.start) is not None
        and year(r.start) <= 2018
        and (year(r.end) if r.end else year(r.start)) >= 2017
    }
    costly = index.rows(Filters(budget_min=1_000_000), limit=1000).rows
    assert costly and {r.iri for r in costly} == {
        r.iri for r in every if r.total_budget is not None and r.total_budget >= 1_000_000
    }
    found = index.rows(Filters(text="liikenne"), limit=1000).rows
    assert found and len(found) < len(every)

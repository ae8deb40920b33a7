"""/search, /search/suggest and /lookup, through the app."""

from __future__ import annotations

import pytest

from sixaika.search.analysis import voikko

JSON = {"Accept": "application/json"}


def test_search_answers_json_with_the_analyser_in_use_and_highlights(client):
    found = client.get("/search?q=kaupungin", headers=JSON).get_json()
    assert found["analyser"] in ("voikko", "snowball") and found["total"] >= 1
    first = found["results"][0]
    assert {"id", "href", "kind", "label", "codes", "matched", "highlighted"} <= set(first)
    if voikko() is not None:
        assert "<mark>kaupunki</mark>" in first["highlighted"]["label"].casefold()


def test_search_page_escapes_what_it_highlights(client):
    page = client.get("/search?q=%3Cscript%3Ekaupunki", headers={"Accept": "text/html"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>kaupunki" not in body and "&lt;script&gt;kaupunki" in body
    assert "Finnish words are matched" in body  # which analyser, said on the page


def test_an_exact_eura_code_is_the_first_result(client):
    found = client.get("/search?q=a70202", headers=JSON).get_json()
    assert found["results"][0]["href"] == "/doc/project/a70202"
    assert found["results"][0]["matched"] == "code"


def test_kind_narrows_the_search_and_bad_parameters_are_400(client):
    found = client.get("/search?q=oulu&kind=organisation", headers=JSON).get_json()
    assert found["results"] and {r["kind"] for r in found["results"]} == {"organisation"}
    assert client.get("/search?q=oulu&kind=person").status_code == 400
    assert client.get("/search?q=oulu&page=0").status_code == 400
    assert client.get("/search?q=" + "a" * 201).status_code == 400


def test_every_page_has_a_search_form_that_works_without_script(client):
    home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'action="/search"' in home and 'name="q"' in home
    assert '<script src="/static/search.js" defer></script>' in home
    assert "<script>" not in home  # the suggestions' script is the site's own file
    script = client.get("/static/search.js")
    assert script.status_code == 200 and "javascript" in script.content_type


def test_suggest_answers_names_that_start_as_typed(client):
    answer = client.get("/search/suggest?q=kuutos")
    assert answer.content_type.startswith("application/json")
    suggestions = answer.get_json()["suggestions"]
    assert suggestions and all(
        any(w.startswith("kuutos") for w in s["label"].casefold().split()) for s in suggestions
    )
    assert {"label", "lang", "kind", "id", "href"} <= set(suggestions[0])
    assert client.get("/search/suggest?q=").get_json()["suggestions"] == []


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/lookup?eura=A70202", "/doc/project/a70202"),
        ("/lookup?eura=a70202", "/doc/project/a70202"),
        ("/lookup?business_id=0187690-1", "/doc/organisation/oulun-kaupunki"),
        ("/lookup?id=A70202", "/doc/project/a70202"),
    ],
)
def test_lookup_redirects_to_the_resource_with_the_code(client, url, target):
    answer = client.get(url)
    assert (answer.status_code, answer.headers["Location"]) == (303, target)


def test_lookup_of_no_code_or_an_unknown_one(client):
    assert client.get("/lookup").status_code == 400
    assert client.get("/lookup?eura=A1&business_id=1").status_code == 400
    assert client.get("/lookup?eura=A99999").status_code == 404
    assert client.get("/lookup?business_id=A70202").status_code == 404  # not a business ID

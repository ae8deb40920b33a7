"""What every response keeps to: no request header reflected, the security headers."""

from __future__ import annotations

import re

import pytest

from sixaika.web.sparql import YASGUI_STYLES

EVIL = {"Host": "evil.example"}
PAGES = [
    "/",
    "/projects",
    "/doc/project/a70202",
    "/doc/project/",
    "/catalog",
    "/sparql",
    "/shapes",
    "/dumps/",
]


@pytest.mark.parametrize(
    "path, target",
    [
        ("/id//project/a70202", "/id/project/a70202"),
        ("/doc//project/a70202", "/doc/project/a70202"),
        ("/dumps//", "/dumps/"),
    ],
)
def test_a_redirect_never_names_the_request_host(client, path, target):
    response = client.get(path, headers=EVIL)
    assert response.status_code == 308 and response.headers["Location"] == target


def test_the_sparql_page_shows_the_configured_base_not_the_request_host(client, bundled_settings):
    page = client.get("/sparql", headers={**EVIL, "Accept": "text/html"}).get_data(as_text=True)
    base = bundled_settings.base
    assert (
        "evil.example" not in page and f"curl -H &#39;Accept: text/turtle&#39; {base}sparql" in page
    )


@pytest.mark.parametrize("path", PAGES)
def test_pages_allow_only_the_sites_own_scripts_and_styles(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    styles = policy["style-src"].split()
    assert styles[0] == "'self'" and set(styles[1:]) <= set(YASGUI_STYLES)
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # and the page keeps to it: no inline script (a JSON data block is not run), no style
    html = response.get_data(as_text=True)
    assert "<style" not in html and not re.search(r"\sstyle=", html)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or "application/" in attrs for attrs in scripts)


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/json"])
def test_data_is_never_sniffed_as_something_else(client, accept):
    response = client.get("/doc/project/a70202", headers={"Accept": accept})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Referrer-Policy" in response.headers


def test_the_reconciliation_preview_may_be_framed_by_any_site(client, bundled_settings):
    iri = bundled_settings.urls.id("organisation/oulun-kaupunki")
    answer = client.get("/reconcile/preview", query_string={"id": iri})
    policy = answer.headers["Content-Security-Policy"]
    assert answer.status_code == 200 and "frame-ancestors *" in policy
    assert "script-src 'self'" in policy and "<style" not in answer.get_data(as_text=True)

"""The front's direct answers (``linkeddata.Direct``): a resource's 303, RDF and HTML page
from the release's pages, made without the app, are the app's own answers, header for
header and byte for byte."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3

import pytest
from werkzeug.test import EnvironBuilder

from sixaika.read.pages import PAGES_FILE, PAGES_PART, Pages
from sixaika.web.cache import ResponseCache
from sixaika.web.linkeddata import Direct
from sixaika.web.site import site

from ..support import open_app

EXPANDED = 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'
RDF_ACCEPTS = [
    None,
    "*/*",
    "text/turtle",
    "application/ld+json",
    EXPANDED,
    "application/rdf+xml",
    "application/n-triples",
    "text/html;q=0.5, text/turtle",
]
RESOURCES = ["project/a70202", "organisation/oulun-kaupunki", "concept/fund/erdf", "strategy/6aika"]


@pytest.fixture(scope="module")
def app(bundled_settings, bundled_release):
    # Nothing memoised: each answer is made by the one that gives it, not taken from the
    # other's (the app and ``direct`` share the site's memo).
    uncached = dataclasses.replace(bundled_settings, cache_entries=0)
    return open_app(uncached, bundled_release)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def direct(app) -> Direct:
    return Direct(site(app))


def _environ(path: str, accept: str | None = None, method: str = "GET", **headers: str):
    if accept is not None:
        headers["Accept"] = accept
    return EnvironBuilder(path=path, method=method, headers=headers).get_environ()


def _same_as_the_app(
    client, direct, path: str, accept: str | None, method: str = "GET", **more: str
):
    status, headers, body = direct(_environ(path, accept, method, **more))
    sent = {**more, **({"Accept": accept} if accept else {})}
    expected = client.open(path, method=method, headers=sent)
    assert int(status[:3]) == expected.status_code
    assert sorted(headers) == sorted(expected.headers.items())
    if method == "GET":
        assert body == expected.data
    return headers


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("accept", RDF_ACCEPTS)
def test_a_documents_rdf_by_accept_is_the_apps_answer(client, direct, resource, accept):
    _same_as_the_app(client, direct, f"/doc/{resource}", accept)


@pytest.mark.parametrize("extension", ["ttl", "jsonld", "rdf", "nt"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_documents_rdf_by_extension_is_the_apps_answer(client, direct, extension, method):
    headers = _same_as_the_app(client, direct, f"/doc/project/a70202.{extension}", None, method)
    assert "Vary" not in dict(headers)  # the URL, not Accept, chose it


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_things_303_is_the_apps_answer(client, direct, resource):
    headers = dict(_same_as_the_app(client, direct, f"/id/{resource}", "text/turtle"))
    assert headers["Location"] == f"/doc/{resource}"


def test_n_triples_are_the_stored_bytes(client, direct, app):
    _, _, body = direct(_environ("/doc/project/a70202.nt"))
    iri = site(app).settings.urls.id("project/a70202")
    assert body == site(app).pages.ntriples(iri)[0]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(
    "accept, languages",
    [
        ("text/html", None),
        (BROWSER, "en-GB,en;q=0.9"),
        (BROWSER, "de-DE, fr;q=0.5"),  # none of ours: the default, English
    ],
)
def test_a_page_the_build_rendered_is_the_apps_answer(client, direct, resource, accept, languages):
    more = {"Accept-Language": languages} if languages else {}
    headers = dict(_same_as_the_app(client, direct, f"/doc/{resource}", accept, **more))
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Vary"] == "Accept, Accept-Language"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_page_by_its_extension_is_the_apps_answer(client, direct, method):
    headers = _same_as_the_app(client, direct, "/doc/project/a70202.html", None, method)
    assert dict(headers)["Vary"] == "Accept-Language"  # the URL chose the format


@pytest.mark.parametrize(
    "path, languages",
    [
        ("/doc/project/a70202", "fi"),  # the build rendered English only (page_languages)
        ("/doc/project/a70202.html", "sv, en;q=0.5"),
        ("/doc/project/a70202?lang=en", None),  # its links carry ?lang= on: not the same page
    ],
)
def test_a_page_the_build_did_not_render_is_left_to_the_app(direct, path, languages):
    more = {"Accept-Language": languages} if languages else {}
    assert direct(_environ(path, "text/html", **more)) is None


@pytest.fixture(scope="module")
def direct_on_older_pages(app, bundled_release, tmp_path_factory) -> Direct:
    """``direct`` on pages as a release built before they held documents has them."""
    older = tmp_path_factory.mktemp("older") / PAGES_FILE
    shutil.copyfile(
        bundled_release.path / bundled_release.manifest.parts[PAGES_PART]["file"], older
    )
    with sqlite3.connect(older) as db:
        db.execute("ALTER TABLE descriptions DROP COLUMN ttl")
        db.execute("ALTER TABLE descriptions DROP COLUMN jsonld")
    db.close()
    on_older = Direct(site(app))
    on_older.pages = Pages(older)
    return on_older


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_older_pages_without_documents_are_written_on_request(
    client, direct_on_older_pages, accept
):
    assert not direct_on_older_pages.pages.documents
    _same_as_the_app(client, direct_on_older_pages, "/doc/project/a70202", accept)


def test_older_pages_without_html_leave_the_page_to_the_app(direct_on_older_pages):
    assert direct_on_older_pages(_environ("/doc/project/a70202", "text/html")) is None


@pytest.mark.parametrize(
    "path, accept",
    [
        ("/doc/project/a70202", "image/png"),  # 406, from the app
        ("/doc/project/a70202.json", None),  # 404: no such format of a document
        ("/doc/project/a70202?lang=fi", "text/turtle"),
        ("/id/project/a70202?lang=fi", None),  # the 303 keeps the query: the app's
        ("/doc/project/no-such-project", "text/turtle"),  # 404, from the app
        ("/id/project/no-such-project", None),
        ("/doc/project/", "text/turtle"),  # a list
        ("/id/project/", None),
        ("/id//project/a70202", None),  # the app's 308 to the one path
        ("/doc/project/../sparql", "text/turtle"),
        ("/catalog", "text/turtle"),
    ],
)
def test_anything_else_is_left_to_the_app(direct, path, accept):
    assert direct(_environ(path, accept)) is None


@pytest.mark.parametrize(
    "header", ["If-None-Match", "If-Match", "If-Modified-Since", "If-Unmodified-Since", "Range"]
)
def test_conditional_and_range_requests_are_not_for_it(header):
    # The front asks ``direct`` only what the response cache could replay: preconditions
    # and ranges are decided by the app (preconditions.py).
    environ = _environ("/doc/project/a70202", "text/turtle", **{header: '"x"'})
    assert not ResponseCache.replayable(environ)

"""The HTML pages the build renders into the release (``web.prerender``) are the pages the
app renders on request, byte for byte, in each language asked for."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from sixaika.read.pages import HTML_PART, PAGES_PART
from sixaika.release import Release
from sixaika.web.prerender import write_html
from sixaika.web.site import site

from ..support import open_app


@pytest.fixture(scope="module")
def app(bundled_settings, bundled_release):
    uncached = dataclasses.replace(bundled_settings, cache_entries=0)
    return open_app(uncached, bundled_release)


def _local(app, iri: str) -> str:
    return iri.removeprefix(site(app).settings.urls.id())


def test_every_resource_has_its_page_as_the_app_renders_it(app, bundled_release):
    pages = site(app).pages
    about = bundled_release.manifest.parts[HTML_PART]
    described = list(pages.described())
    assert about["languages"] == ["en"]  # page_languages' default
    assert (
        about["pages"] == len(described) == bundled_release.manifest.parts[PAGES_PART]["resources"]
    )
    client = app.test_client()
    for iri in described:
        answer = client.get(f"/doc/{_local(app, iri)}", headers={"Accept": "text/html"})
        assert answer.status_code == 200
        assert pages.html(iri, "en") == answer.data, iri


@pytest.fixture(scope="module")
def in_two_languages(bundled_settings, bundled_release, tmp_path_factory):
    """A copy of the bundled release with its pages rendered in Finnish and Swedish."""
    copy = tmp_path_factory.mktemp("two") / bundled_release.path.name
    shutil.copytree(bundled_release.path, copy)
    settings = dataclasses.replace(bundled_settings, page_languages=("fi", "sv"), cache_entries=0)
    facts = write_html(Release(copy), settings)
    return settings, copy, facts


def test_pages_are_rendered_in_each_language_asked_for(in_two_languages):
    settings, copy, facts = in_two_languages
    assert facts is not None and facts["languages"] == ["fi", "sv"]
    release = Release(copy)
    # The manifest of the copy is the bundled one's: point its html part at the new file.
    release.manifest.parts[HTML_PART] = facts
    pages = release.open_pages()
    app = open_app(settings, release)
    client = app.test_client()
    iri = settings.urls.id("project/a70202")
    assert facts["pages"] == 2 * len(list(pages.described()))
    for lang in ("fi", "sv"):
        headers = {"Accept": "text/html", "Accept-Language": lang}
        answer = client.get("/doc/project/a70202", headers=headers)
        assert pages.html(iri, lang) == answer.data
        assert f'<html lang="{lang}">'.encode() in answer.data
    assert pages.html(iri, "en") is None  # not asked for


def test_no_languages_no_pages(bundled_settings, bundled_release):
    none = dataclasses.replace(bundled_settings, page_languages=())
    assert write_html(bundled_release, none) is None

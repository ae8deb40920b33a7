"""The HTML pages the build renders into the release (``web.prerender``) are the pages the
app renders on request, byte for byte, in each language asked for."""

from __future__ import annotations

import dataclasses
import gc
import shutil
from pathlib import Path

import pytest

from sixaika.build import Progress, build, cyclic_gc_paused
from sixaika.config import Settings
from sixaika.forked import frozen_for_workers
from sixaika.read.pages import HTML_PART, PAGES_PART
from sixaika.release import Release
from sixaika.web import prerender
from sixaika.web.prerender import write_html
from sixaika.web.site import site
from sixaika.web.stamp import filled

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
        stored = pages.html(iri, "en")
        assert bundled_release.id.encode() not in stored  # a hole, filled when answered
        assert filled(stored, site(app).stamp, "en") == answer.data, iri


def _copy(release: Release, folder: Path) -> Path:
    copy = folder / release.path.name
    shutil.copytree(release.path, copy)
    return copy


@pytest.fixture(scope="module")
def in_two_languages(bundled_settings, bundled_release, tmp_path_factory):
    """A copy of the bundled release with its pages rendered in Finnish and Swedish."""
    copy = _copy(bundled_release, tmp_path_factory.mktemp("two"))
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
        assert filled(pages.html(iri, lang), site(app).stamp, lang) == answer.data
        assert f'<html lang="{lang}">'.encode() in answer.data
    assert pages.html(iri, "en") is None  # not asked for


def test_no_languages_no_pages(bundled_settings, bundled_release):
    none = dataclasses.replace(bundled_settings, page_languages=())
    assert write_html(bundled_release, none) is None


def test_a_release_over_the_prerender_limit_renders_no_page_ahead(
    bundled_settings, bundled_release, tmp_path
):
    resources = bundled_release.manifest.parts[PAGES_PART]["resources"]
    said: list[str] = []
    over = dataclasses.replace(bundled_settings, prerender_limit=resources - 1)
    assert write_html(bundled_release, over, said.append) is None
    assert said == [
        f"no HTML pages rendered ahead: {resources} resources, over SIXAIKA_PRERENDER_LIMIT "
        f"({resources - 1}); they are rendered on request"
    ]
    at = dataclasses.replace(bundled_settings, prerender_limit=resources)
    facts = write_html(Release(_copy(bundled_release, tmp_path)), at)
    assert facts is not None and facts["pages"] == resources


def test_a_build_over_the_prerender_limit_answers_its_pages_rendered_on_request(mini):
    settings = dataclasses.replace(Settings.from_env({}, root=str(mini)), prerender_limit=1)
    said: list[str] = []
    release, report = build(settings, said.append)
    assert report.conforms
    assert HTML_PART not in release.manifest.parts
    assert any(m.startswith("no HTML pages rendered ahead") for m in said), said
    pages = release.open_pages()
    app, iri = open_app(settings, release), next(iter(pages.described()))
    answer = app.test_client().get(f"/doc/{_local(app, iri)}", headers={"Accept": "text/html"})
    assert answer.status_code == 200 and b'<html lang="en">' in answer.data
    assert pages.html(iri, "en") is None


def _tracked() -> int:
    """Objects the cyclic collector tracks, frozen or not."""
    return len(gc.get_objects()) + gc.get_freeze_count()


def test_a_render_worker_keeps_nothing_of_the_pages_it_rendered(bundled_settings, bundled_release):
    """The build pauses the cyclic collector and a forked render worker inherits the
    pause, but each page's request leaves reference cycles: uncollected, a worker grew by
    every page it rendered (by 7 GB at 1M projects). Here a worker's app renders every
    page three times more, and keeps what it kept after the first time."""
    settings = dataclasses.replace(bundled_settings, cache_entries=0)
    every = list(bundled_release.open_pages().described())
    with cyclic_gc_paused(), frozen_for_workers():
        prerender._open_app(bundled_release.path, settings)
        try:
            prerender._render(every)  # the first time fills what the modules keep (memos)
            first = _tracked()
            for _ in range(3):
                prerender._render(every)
            again = _tracked()
        finally:
            prerender._close_app()
    # Uncollected, each page left some 150 objects behind; collected, a few dozen in all.
    assert again - first < len(every), (first, again)


GBC = "organisation/gbc-suomi\n"


def _answered_as_stored(release: Release, settings) -> None:
    """Every page ``release`` stores is, its stamp filled, the app's page of it now."""
    app = open_app(dataclasses.replace(settings, cache_entries=0), release)
    pages, client = release.open_pages(), app.test_client()
    for iri in pages.described():
        answer = client.get(f"/doc/{_local(app, iri)}", headers={"Accept": "text/html"})
        assert filled(pages.html(iri, "en"), site(app).stamp, "en") == answer.data, iri


def test_an_incremental_build_renders_again_every_page_a_change_of_the_maps_reaches(
    project_copy,
):
    """A partner in another city changes the counts on every project's and
    organisation's map, which no other description says: every page is rendered again.
    (A copy of the sources, edited for the test: Climate Street had no partner in Oulu.)"""
    assert build(project_copy, Progress(quiet=True))[1].conforms
    source = project_copy.root / "data/projects/climate-street.yaml"
    source.write_text(source.read_text().replace(GBC, "organisation/oulun-kaupunki\n", 1))
    said: list[str] = []
    release, _ = build(project_copy, said.append)
    assert any(m.startswith("the store changed where the sources did") for m in said), said
    assert any(" 0 kept from the last release" in m for m in said), said
    _answered_as_stored(release, project_copy)


def test_the_rendering_key_changes_with_the_settings_not_with_compiled_code(
    bundled_settings, bundled_release
):
    """A page is kept only where it would be rendered the same way (``rendered_with``):
    a change of a setting a page shows counts; of one it cannot show (the build's
    workers: every page was rendered again, 261 s at 100k projects), or a module compiled
    on its first import, does not."""
    first = prerender.rendered_with(bundled_release, bundled_settings)
    web = Path(prerender.__file__).parent
    compiled = web / "__pycache__" / "a_module_imported_late.cpython-311.pyc"
    compiled.parent.mkdir(exist_ok=True)
    compiled.write_bytes(b"compiled")
    try:
        assert prerender.rendered_with(bundled_release, bundled_settings) == first
    finally:
        compiled.unlink()
    other = dataclasses.replace(bundled_settings, page_languages=("fi",))
    assert prerender.rendered_with(bundled_release, other) != first
    elsewhere = dataclasses.replace(bundled_settings, build_workers=7, port=1, workers=9)
    assert prerender.rendered_with(bundled_release, elsewhere) == first

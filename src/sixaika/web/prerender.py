"""HTML pages rendered ahead: every resource's ``/doc`` page, in the languages of the
``page_languages`` setting, rendered by the build into the release (``read.pages``'s HTML
file), which the front then answers without rendering anything (``linkeddata.Direct``).

Why: a project's page took 1.7 ms of a core to make on request (the template 0.65 ms,
the page's model 0.3, Flask 0.3, ...) where its Turtle, written by the build, takes
0.1 ms to read back: random pages with the response cache off answered at 0.18x
``oxigraph serve``'s DESCRIBE, Turtle at 2.8x. Read back, a page costs what Turtle does.

The pages are the app's own, made by the view's own function (``linkeddata.rendered_page``)
in a request like the one the front hands on (at the root, no query string, the language
by Accept-Language), from the finished release, with holes for what they say about it
(``stamp``), which the front fills. They are rendered in forked processes
(``build_workers``), each with its own app on the release, and written by this one in
IRI order; an incremental build keeps the last release's pages but those its change
reaches (``write_html``). Not beyond ``prerender_limit`` resources: at a million projects,
rendering them ahead took 26.5 of the build's 72.8 minutes, for pages most of which
nobody asks for; the app renders those on request.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import shutil
import sqlite3
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

from flask import Flask

from ..build.cache import code_digest, digest, files_digest
from ..config import Settings
from ..forked import collect_garbage, die_with_parent, frozen_for_workers
from ..read.facts import FACTS_PART
from ..read.pages import HTML_FILE, HTML_PART, HTML_SCHEMA, PAGES_PART
from ..release import CONTEXT_FILE, VOCABULARY_FILE, Release
from . import create_app
from .linkeddata import rendered_page
from .site import site
from .stamp import HOLES

BATCH = 200  # resources a worker renders at a time (their pages come back together)
PARALLEL_FROM = 2000  # resources; fewer are rendered here (forked apps take a second to start)
Row = tuple[str, str, bytes]  # (IRI, language, zlib'd page)

_APP: Flask | None = None  # in a worker: the app on the release being rendered


def write_html(
    release: Release,
    settings: Settings,
    progress: Callable[[str], None] = lambda _m: None,
    before: Release | None = None,
) -> dict[str, Any] | None:
    """Render the pages of every resource ``release`` describes in the languages of
    ``settings.page_languages`` into its HTML file, beside its pages; the manifest's
    facts about it (None: no languages, a release without pages, or one that describes
    more resources than ``settings.prerender_limit``).

    Where ``before`` (the current release) rendered its pages the same way
    (``rendered_with``), its pages are kept but those of the resources whose descriptions
    changed (``_changed``): an incremental build renders a few."""
    languages = settings.page_languages
    pages, about = release.open_pages(), release.manifest.parts.get(PAGES_PART)
    if not languages or pages is None or about is None:
        return None
    if about["resources"] > settings.prerender_limit:
        progress(
            f"no HTML pages rendered ahead: {about['resources']} resources, over "
            f"SIXAIKA_PRERENDER_LIMIT ({settings.prerender_limit}); they are rendered on request"
        )
        return None
    progress("rendering the HTML pages")
    path = (release.path / about["file"]).with_name(HTML_FILE)
    started, rendered = time.perf_counter(), 0
    facts = {"file": str(path.relative_to(release.path)), "languages": list(languages)}
    facts["rendered_with"] = rendered_with(release, settings)
    todo: Iterable[str] = pages.described()
    resources, kept, db = about["resources"], 0, None
    if (earlier := _same_rendering(before, facts)) is not None:
        try:
            db, changed, kept = _kept(earlier, release.path / about["file"], path)
            resources, todo = len(changed), changed
        except sqlite3.DatabaseError as e:  # damaged: the pages are all rendered again
            progress(f"the last release's pages could not be read ({e}): rendering all")
    if db is None:
        db = _empty_html_file(path)
    workers = settings.build_workers if resources >= PARALLEL_FROM else 1
    for rows in _rendered(release, settings, todo, workers):
        db.executemany("INSERT INTO html VALUES (?, ?, ?)", rows)
        rendered += len(rows)
    db.commit()
    db.close()
    took = time.perf_counter() - started
    progress(
        f"{rendered} HTML pages rendered, {kept} kept from the last release "
        f"({', '.join(languages)}) in {took:.0f} s"
    )
    return {**facts, "pages": rendered + kept}


def _empty_html_file(path: Path) -> sqlite3.Connection:
    path.unlink(missing_ok=True)  # rendered again (in other languages, say): all of it
    db = sqlite3.connect(path)
    db.executescript(HTML_SCHEMA)
    return db


def rendered_with(release: Release, settings: Settings) -> str:
    """A digest of what a page shows besides its own description and the release's stamp
    (``stamp.HOLES``): the code and templates that render it, the settings it can show
    (``Settings.shown``: not the number of build workers, say), the names of terms, the
    facts (the maps' places), the cities' names and counts on every map, and the day (a
    project's status is as of it). A page is kept only where all are the same."""
    index = release.open_index()
    cities = index.facets(only=("city",)).get("city", []) if index is not None else []
    return digest(
        code_digest(),
        files_digest(_web_files(), Path(__file__).parent),
        repr(settings.shown()),
        (release.path / VOCABULARY_FILE).read_bytes(),
        (release.path / CONTEXT_FILE).read_bytes(),
        json.dumps(release.manifest.parts.get(FACTS_PART), sort_keys=True),
        json.dumps([(c.value, c.count, index and index.labels(c.value)) for c in cities]),
        release.manifest.built[:10],
    )


def _web_files() -> Iterator[Path]:
    """The templates, styles, scripts and map data (the code is in ``code_digest``; its
    compiled copies come and go as modules are first imported)."""
    for path in Path(__file__).parent.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".py":
            yield path


@dataclasses.dataclass
class _Earlier:
    pages: Path  # the last release's pages file
    html: Path  # and its HTML file


def _same_rendering(before: Release | None, facts: dict[str, Any]) -> _Earlier | None:
    """The files of ``before`` where it rendered its pages as these will be (``facts``)."""
    part = before.manifest.parts.get(HTML_PART) if before else None
    if before is None or part is None or part.get("rendered_with") != facts["rendered_with"]:
        return None
    if part["languages"] != facts["languages"]:
        return None
    html = before.path / part["file"]
    pages = before.path / before.manifest.parts[PAGES_PART]["file"]
    return _Earlier(pages, html) if html.is_file() and pages.is_file() else None


def _changed(before: Path, now: Path) -> list[str]:
    """The resources whose descriptions differ between the pages files ``before`` and
    ``now``, or that only ``now`` has. A description holds all a page shows of the data
    but for what ``rendered_with`` covers (the maps' counts): the labels of what it
    names, the links into it and their number."""
    db = sqlite3.connect(now)
    db.execute("ATTACH ? AS before", (str(before),))
    differing = db.execute(
        """SELECT n.iri FROM descriptions n LEFT JOIN before.descriptions b ON b.iri = n.iri
           WHERE b.triples IS NOT n.triples OR b.inbound IS NOT n.inbound ORDER BY n.iri"""
    )
    changed = [iri for (iri,) in differing]
    db.close()
    return changed


def _kept(earlier: _Earlier, pages: Path, path: Path) -> tuple[sqlite3.Connection, list[str], int]:
    """The last release's HTML file copied to ``path`` (by the kernel: at 100k pages,
    0.2 s, or 1.3 s from disk, where copying its rows one by one took 2.9 s), open,
    with the pages ``_keep`` keeps; the resources whose pages are to be rendered
    (``_changed``), and how many pages were kept."""
    changed = _changed(earlier.pages, pages)
    shutil.copyfile(earlier.html, path)
    db = sqlite3.connect(path)
    try:
        return db, changed, _keep(db, pages, changed)
    except sqlite3.DatabaseError:
        db.close()
        raise


def _keep(db: sqlite3.Connection, pages: Path, todo: list[str]) -> int:
    """Of the last release's pages (in ``db``), drop those of the resources in ``todo``
    and of those the new ``pages`` no longer describe; how many are kept."""
    db.execute("ATTACH ? AS now", (str(pages),))
    db.execute("CREATE TEMP TABLE todo (iri TEXT PRIMARY KEY)")
    db.executemany("INSERT INTO todo VALUES (?)", ((iri,) for iri in todo))
    db.execute(
        """DELETE FROM html WHERE iri IN (SELECT iri FROM todo)
           OR iri NOT IN (SELECT iri FROM now.descriptions)"""
    )
    db.commit()
    db.execute("DETACH now")
    return int(db.execute("SELECT COUNT(*) FROM html").fetchone()[0])


def _rendered(
    release: Release, settings: Settings, iris: Iterable[str], workers: int
) -> Iterator[list[Row]]:
    """The rows of the pages of ``iris``, in their order, rendered by ``workers`` forked
    processes (here, with one). What the build holds is frozen meanwhile: the collection
    after each batch (``_render``) looks at the batch's objects alone, here or in a worker."""
    with frozen_for_workers():
        if workers < 2:
            _open_app(release.path, settings)
            try:
                yield from map(_render, _batches(iris))
            finally:
                _close_app()
        else:
            yield from _rendered_by(workers, release, settings, _batches(iris))


def _rendered_by(
    workers: int, release: Release, settings: Settings, batches: Iterator[list[str]]
) -> Iterator[list[Row]]:
    # fork: each worker inherits the loaded modules, and opens the release itself (a store
    # is not shared across a fork). An executor, as the build's validation uses: a killed
    # worker breaks it at once.
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start,
        initargs=(os.getpid(), release.path, settings),
    ) as pool:
        # A few batches ahead per worker, not all of them: the IRIs stay in the file.
        ahead: deque[Future[list[Row]]] = deque()
        for batch in batches:
            ahead.append(pool.submit(_render, batch))
            if len(ahead) >= 4 * workers:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


def _batches(iris: Iterable[str]) -> Iterator[list[str]]:
    found = iter(iris)
    while batch := list(islice(found, BATCH)):
        yield batch


def _start(parent: int, release: Path, settings: Settings) -> None:
    die_with_parent(parent)
    _open_app(release, settings)


def _open_app(release: Path, settings: Settings) -> None:
    """The app on the release, keeping nothing between pages (each is rendered once)."""
    global _APP
    _APP = create_app(dataclasses.replace(settings, cache_entries=0), release=Release(release))
    site(_APP).stamp = HOLES


def _close_app() -> None:
    """Let the app go, with the store it holds open (the release may be deleted later)."""
    global _APP
    _APP = None


def _render(iris: list[str]) -> list[Row]:
    """The rows of the pages of ``iris``; the cycles their requests left, collected."""
    app = _APP
    assert app is not None, "the app is opened before any page is rendered"
    languages = app.extensions["sixaika"].settings.page_languages
    rows = []
    for iri in iris:
        for lang in languages:
            page = rendered_page(app, iri, lang)
            if page is not None:
                rows.append((iri, lang, zlib.compress(page, 3)))
    collect_garbage()
    return rows

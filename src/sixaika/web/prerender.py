"""HTML pages rendered ahead: every resource's ``/doc`` page, in the languages of the
``page_languages`` setting, rendered by the build into the release (``read.pages``'s HTML
file), which the front then answers without rendering anything (``linkeddata.Direct``).

Why: a project's page took 1.7 ms of a core to make on request (the template 0.65 ms,
the page's model 0.3, Flask 0.3, ...) where its Turtle, written by the build, takes
0.1 ms to read back: random pages with the response cache off answered at 0.18x
``oxigraph serve``'s DESCRIBE, Turtle at 2.8x. Read back, a page costs what Turtle does.

The pages are the app's own, made by the view's own function (``linkeddata.rendered_page``)
in a request like the one the front hands on (at the root, no query string, the language
by Accept-Language), from the finished release: a page says the release's id and day, so
every build renders all of its pages, an incremental one too. They are rendered in forked
processes (``build_workers``), each with its own app on the release, and written by this
one in IRI order.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
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

from ..config import Settings
from ..forked import collect_garbage, die_with_parent, frozen_for_workers
from ..read.pages import HTML_FILE, HTML_SCHEMA, PAGES_PART
from ..release import Release
from . import create_app
from .linkeddata import rendered_page

BATCH = 200  # resources a worker renders at a time (their pages come back together)
PARALLEL_FROM = 2000  # resources; fewer are rendered here (forked apps take a second to start)
Row = tuple[str, str, bytes]  # (IRI, language, zlib'd page)

_APP: Flask | None = None  # in a worker: the app on the release being rendered


def write_html(
    release: Release, settings: Settings, progress: Callable[[str], None] = lambda _m: None
) -> dict[str, Any] | None:
    """Render the pages of every resource ``release`` describes in the languages of
    ``settings.page_languages`` into its HTML file, beside its pages; the manifest's
    facts about it (None: no languages, or a release without pages)."""
    languages = settings.page_languages
    pages, about = release.open_pages(), release.manifest.parts.get(PAGES_PART)
    if not languages or pages is None or about is None:
        return None
    path = (release.path / about["file"]).with_name(HTML_FILE)
    started, count = time.perf_counter(), 0
    path.unlink(missing_ok=True)  # rendered again (in other languages, say): all of it
    db = sqlite3.connect(path)
    db.executescript(HTML_SCHEMA)
    workers = settings.build_workers if about["resources"] >= PARALLEL_FROM else 1
    for rows in _rendered(release, settings, pages.described(), workers):
        db.executemany("INSERT INTO html VALUES (?, ?, ?)", rows)
        count += len(rows)
    db.commit()
    db.close()
    took = time.perf_counter() - started
    progress(f"{count} HTML pages rendered ({', '.join(languages)}) in {took:.0f} s")
    return {
        "file": str(path.relative_to(release.path)),
        "languages": list(languages),
        "pages": count,
    }


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

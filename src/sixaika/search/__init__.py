"""Search, suggestions, lookups by code and the project table, from an index in the release.

``write_parts`` is the build's step: each source file's part (its documents analysed and its
projects' rows as far as the file tells them: ``documents.of_file``, ``engine.prepare``)
is made where the file is validated and kept in the build cache with it, and the index is
written from the parts; ``write_index`` indexes quads at once. ``open_index`` is the read
side's. The interface is ``index.SearchIndex``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .analysis import Analyser, analyser
from .documents import Facts, of_file
from .index import SearchIndex

if TYPE_CHECKING:
    from .engine import Part, Parts

__all__ = ["INDEX_FOLDER", "SearchIndex", "open_index", "file_part", "write_index", "write_parts"]

log = logging.getLogger(__name__)
INDEX_FOLDER = "index"


def write_index(
    quads: Iterable[ox.Quad], base: str, folder: Path, chosen: Analyser | None = None
) -> dict[str, Any]:
    """Index ``quads`` (whole records, as one file) into ``folder``; what the manifest
    records of it."""
    chosen = chosen or analyser()
    facts, part = file_part(quads, base, chosen)
    return write_parts(facts, lambda: [part], folder, chosen)


def file_part(
    quads: Iterable[ox.Quad], base: str, chosen: Analyser | None = None
) -> tuple[Facts, Part]:
    """A source file's part of the index, and its facts for the other files' rows."""
    from .engine import prepare

    contents = of_file(quads, base)
    return contents.facts, prepare(contents, chosen or analyser())


def write_parts(facts: Facts, parts: Parts, folder: Path, chosen: Analyser) -> dict[str, Any]:
    """Index the source files' parts (``engine.prepare``; ``parts()`` yields them, each
    time in the same order) with every file's ``facts`` into ``folder``; what the manifest
    records of it."""
    from .engine import write

    started = time.perf_counter()
    about = write(facts, parts, folder, chosen)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    log.info(
        "search index: %d documents, %d projects, Finnish by %s, %.1f s, %.1f MB",
        about["documents"],
        about["projects"],
        about["analyser"],
        seconds,
        size / 1e6,
    )
    return {**about, "folder": folder.name, "bytes": size, "seconds": round(seconds, 2)}


def open_index(folder: Path, about: dict[str, Any], version: str) -> SearchIndex | None:
    """The index a build wrote, read with the analyser it was written with (None: an
    index of a format this version does not read)."""
    from .engine import FORMAT, TantivyIndex

    if about.get("format") != FORMAT:
        log.error(
            "the search index of release %s is of format %s, this version reads format %d: "
            "build the release again to search it",
            version,
            about.get("format"),
            FORMAT,
        )
        return None
    chosen = analyser()
    if about.get("analyser") != chosen.name:
        log.error(
            "the search index was built with %s but %s is what this machine has: "
            "inflected Finnish words may not be found",
            about.get("analyser"),
            chosen.name,
        )
    return TantivyIndex(folder, chosen, version)

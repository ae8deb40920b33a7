"""Search, suggestions, lookups by code and the project table, from an index in the release.

``write_index`` is the build's step (from the validated quads the store is loaded with);
``open_index`` is the read side's. The interface is ``index.SearchIndex``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .analysis import analyser
from .documents import read
from .index import SearchIndex

__all__ = ["INDEX_FOLDER", "SearchIndex", "open_index", "write_index"]

log = logging.getLogger(__name__)
INDEX_FOLDER = "index"


def write_index(
    quads: Iterable[ox.Quad], base: str, folder: Path, threads: int = 1
) -> dict[str, Any]:
    """Index the release's ``quads`` into ``folder``; what the manifest records of it."""
    from .engine import write

    started = time.perf_counter()
    contents = read(quads, base)
    about = write(contents, folder, analyser(), threads)
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

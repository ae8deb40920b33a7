"""The release contract between the build and the read side.

A release is an immutable folder with the store, the dumps and a manifest; the build
writes it (``sixaika.build.release``) and everything that serves reads it through
``Release``. Layout under ``releases_dir``::

    current -> 20261127T224500Z      (symlink, swapped atomically)
    20261127T224500Z/
        manifest.json
        store/                       (pyoxigraph, opened read-only by readers)
        dumps/projects.ttl, projects.jsonld, ..., concepts.*, ontology.*  (one file per
                                     dataset and dump format of sixaika.formats, each
                                     with its .gz copy)
        index/                       (the search index, read by ``sixaika.search``)
        context.jsonld, shapes.ttl   (published as they are)
        vocabulary.json              (names, places, headings of terms: ``sixaika.vocabulary``)
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .config import Settings
from .search import SearchIndex, open_index
from .vocabulary import Vocabulary

CURRENT = "current"
CONTEXT_FILE, SHAPES_FILE = "context.jsonld", "shapes.ttl"  # published beside the dumps
VOCABULARY_FILE = "vocabulary.json"  # what pages show of terms, computed by the build


@dataclass(frozen=True)
class Release:
    path: Path

    @classmethod
    def current(cls, settings: Settings) -> Release | None:
        link = settings.releases_dir / CURRENT
        return cls(link.resolve()) if link.is_symlink() and link.resolve().is_dir() else None

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))

    @property
    def id(self) -> str:
        return self.manifest["id"]

    def open_store(self) -> ox.Store:
        """The release's store, read-only: any number of processes may open it."""
        return ox.Store.read_only(str(self.path / "store"))

    def open_index(self) -> SearchIndex | None:
        """The release's search index (None in a release built before there was one)."""
        about = self.manifest.get("index")
        if not about:
            return None
        return open_index(self.path / about["folder"], about, self.id)

    def dump_path(self, name: str) -> Path:
        return self.path / "dumps" / name

    @cached_property
    def context(self) -> dict[str, Any]:
        """The JSON-LD context as published with this release (rebased to its base)."""
        return json.loads((self.path / CONTEXT_FILE).read_text(encoding="utf-8"))

    @property
    def shapes_path(self) -> Path:
        return self.path / SHAPES_FILE

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """Names, places and headings of terms (none in a release of the store alone)."""
        path = self.path / VOCABULARY_FILE
        return (
            Vocabulary.from_json(path.read_text(encoding="utf-8"))
            if path.exists()
            else Vocabulary()
        )


def new_release_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")

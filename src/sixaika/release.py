"""The release contract between the build and the read side.

A release is an immutable folder with the store, the dumps and a manifest; it is written
by ``sixaika.build.release.publish`` (the build, the synthetic data, the benches) and
everything that serves reads it through ``Release``. Its manifest is a ``Manifest``, read
and written here only. Layout under ``releases_dir``::

    current -> 20261127T224500Z      (symlink, swapped atomically)
    20261127T224500Z/
        manifest.json
        store/                       (pyoxigraph, opened read-only by readers)
        dumps/projects.ttl, projects.jsonld, ..., concepts.*, ontology.*  (one file per
                                     dataset and dump format of sixaika.formats, each
                                     with its .gz copy)
        index/                       (the search index, read by ``sixaika.search``)
        pages/pages.sqlite           (descriptions, lists, labels: ``read.pages``)
        context.jsonld, shapes.ttl   (published as they are)
        vocabulary.json              (names, places, headings of terms: ``sixaika.vocabulary``)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .config import Settings
from .errors import Failure
from .search import SearchIndex, open_index
from .vocabulary import Vocabulary

if TYPE_CHECKING:
    from .read.pages import Pages

CURRENT = "current"
MANIFEST_FILE = "manifest.json"
CONTEXT_FILE, SHAPES_FILE = "context.jsonld", "shapes.ttl"  # published beside the dumps
VOCABULARY_FILE = "vocabulary.json"  # what pages show of terms, computed by the build


@dataclass(frozen=True)
class File:
    """A file of a release as the manifest lists it."""

    name: str  # under dumps/
    bytes: int
    sha256: str
    media_type: str | None = None
    gzip: File | None = None  # its gzip copy, beside it

    @classmethod
    def from_json(cls, entry: Any, where: str = "") -> File:
        """The file a manifest's ``entry`` lists (at ``where`` in the manifest); a
        ValueError or KeyError that names what is wrong (``_checked``)."""
        gz = _checked(cls, entry, where).get("gzip")
        return cls(**{**entry, "gzip": cls.from_json(gz, f"{where}gzip.") if gz else None})

    def to_json(self) -> dict[str, Any]:
        entry = {"name": self.name, "bytes": self.bytes, "sha256": self.sha256}
        if self.media_type:
            entry["media_type"] = self.media_type
        return {**entry, "gzip": self.gzip.to_json()} if self.gzip else entry


@dataclass(frozen=True)
class Dataset:
    """One dataset of the catalog: its named graph, its size, its dumps by format key."""

    graph: str
    triples: int
    files: dict[str, File] = field(default_factory=dict)


def _checked(cls: type, entry: Any, where: str = "") -> dict[str, Any]:
    """``entry`` (a JSON value at ``where`` in a manifest) when it has each field of the
    dataclass ``cls`` that has no default, and each of its kind; else a ValueError (a
    KeyError for a field it lacks) that names the field. A field of the wrong kind would
    fail later, far from here.

    >>> _checked(Dataset, {"graph": "g", "triples": True}, "datasets.projects.")
    Traceback (most recent call last):
    ValueError: its field datasets.projects.triples is true, not a whole number
    """
    if not isinstance(entry, dict):
        raise ValueError(f"its field {where.rstrip('.')} is not a JSON object")
    kinds = typing.get_type_hints(cls)
    for each in dataclasses.fields(cls):
        unset = each.default is dataclasses.MISSING and each.default_factory is dataclasses.MISSING
        if each.name not in entry:
            if unset:
                raise KeyError(f"{where}{each.name}")
        elif not _is(entry[each.name], kinds[each.name]):
            value, kind = json.dumps(entry[each.name]), _kind_word(kinds[each.name])
            raise ValueError(f"its field {where}{each.name} is {value}, not {kind}")
    return entry


def _options(kind: Any) -> tuple[Any, ...]:
    """The kinds a field's kind allows (``str | None``: str and None)."""
    return typing.get_args(kind) if isinstance(kind, types.UnionType) else (kind,)


def _is(value: Any, kind: Any) -> bool:
    """Whether a JSON value is of a field's kind: a dataclass is a JSON object, a generic
    its container (``dict[str, File]``: any object), a whole number not a boolean."""
    for option in _options(kind):
        if option is type(None):
            found = value is None
        elif option is int:
            found = type(value) is int
        elif dataclasses.is_dataclass(option):
            found = isinstance(value, dict)
        else:
            found = isinstance(value, typing.get_origin(option) or option)
        if found:
            return True
    return False


def _kind_word(kind: Any) -> str:
    """A field's kind as a message names it (``str | None``: text)."""
    first = next(option for option in _options(kind) if option is not type(None))
    return _KINDS.get(first, "a JSON object")


_KINDS = {int: "a whole number", bool: "true or false", str: "text"}  # in a manifest's fields


@dataclass(frozen=True)
class Manifest:
    """What a release holds (``manifest.json``).

    ``parts`` are the facts of what publish()'s writers added beside the store and the
    dumps, each under its writer's name (``index``: the search index), kept in the file
    at the top level as they always were.

    >>> m = Manifest("r1", "2026-01-01T00:00:00+00:00", "https://example.org/", 2,
    ...              {"projects": Dataset("https://example.org/graph/projects", 2)},
    ...              parts={"index": {"folder": "index"}})
    >>> Manifest.from_json(m.to_json()) == m
    True
    >>> sorted(json.loads(m.to_json()))
    ['base', 'built', 'datasets', 'id', 'index', 'software', 'source_commit', 'triples']
    """

    id: str
    built: str  # when, in UTC (ISO 8601, seconds)
    base: str  # the base IRI it was built for
    triples: int
    datasets: dict[str, Dataset]
    source_commit: str | None = None
    software: str | None = None  # digest of the code that built it (software_digest)
    synthetic: bool = False  # generated test or bench data (example.org)
    parts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        head: dict[str, Any] = {"id": self.id, "built": self.built, "base": self.base}
        if self.synthetic:
            head["synthetic"] = True
        datasets = {
            name: {
                "graph": d.graph,
                "triples": d.triples,
                "files": {key: f.to_json() for key, f in d.files.items()},
            }
            for name, d in self.datasets.items()
        }
        document = {
            **head,
            "source_commit": self.source_commit,
            "software": self.software,
            "triples": self.triples,
            "datasets": datasets,
            **self.parts,
        }
        return json.dumps(document, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """The manifest ``text`` holds; a ValueError (a KeyError for a field it lacks) that
        names what is wrong when it is not one: a field of the wrong kind would fail later,
        far from here.

        >>> Manifest.from_json('{"id": "r1", "built": "2026", "base": "b", "triples": "9"}')
        Traceback (most recent call last):
        ValueError: its field triples is "9", not a whole number
        """
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError("it is not a JSON object")
        known = {f.name for f in dataclasses.fields(cls)} - {"parts", "datasets"}
        _checked(cls, {"datasets": {}, **document})  # a release of no dataset lists none
        datasets = {
            name: Dataset(
                _checked(Dataset, d, f"datasets.{name}.")["graph"],
                d["triples"],
                {
                    key: File.from_json(f, f"datasets.{name}.files.{key}.")
                    for key, f in d.get("files", {}).items()
                },
            )
            for name, d in document.get("datasets", {}).items()
        }
        return cls(
            **{k: v for k, v in document.items() if k in known},
            datasets=datasets,
            parts={k: v for k, v in document.items() if k not in known | {"datasets"}},
        )


@dataclass(frozen=True)
class Release:
    path: Path

    @classmethod
    def current(cls, settings: Settings) -> Release | None:
        link = settings.releases_dir / CURRENT
        return cls(link.resolve()) if link.is_symlink() and link.resolve().is_dir() else None

    @cached_property
    def manifest(self) -> Manifest:
        """What the release holds; a ``Failure`` that says so when its manifest cannot
        be read (damaged by hand or by a disk: a release is never written in place)."""
        if isinstance(read := self._read, str):
            raise Failure(
                f"the release {self.path} cannot be used: {read}; `sixaika build` makes a new one",
                fi=f"julkaisua {self.path} ei voi käyttää: {read}; `sixaika build` tekee uuden",
            )
        return read

    @property
    def damaged(self) -> str | None:
        """Why the release's manifest cannot be read, if it cannot."""
        return read if isinstance(read := self._read, str) else None

    @cached_property
    def _read(self) -> Manifest | str:
        """The release's manifest, or why it cannot be read."""
        try:
            return Manifest.from_json((self.path / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as e:
            return f"its {MANIFEST_FILE} cannot be read ({e})"
        except KeyError as e:
            return f"its {MANIFEST_FILE} is damaged: it lacks the field {e}"
        except (ValueError, TypeError) as e:  # JSON errors are ValueErrors
            return f"its {MANIFEST_FILE} is damaged: {e}"

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def graphs(self) -> tuple[str, ...]:
        """The named graph of each dataset: together, what the default graph holds."""
        return tuple(d.graph for d in self.manifest.datasets.values())

    def open_store(self) -> ox.Store:
        """The release's store, read-only: any number of processes may open it."""
        return ox.Store.read_only(str(self.path / "store"))

    def open_index(self) -> SearchIndex | None:
        """The release's search index (None in a release built before there was one)."""
        about = self.manifest.parts.get("index")
        if not about:
            return None
        return open_index(self.path / about["folder"], about, self.id)

    def open_pages(self) -> Pages | None:
        """The release's pages part (None in a release built before there was one)."""
        # Imported here: it reads descriptions, which read stores.
        from .read.pages import HTML_PART, PAGES_PART, Pages

        about = self.manifest.parts.get(PAGES_PART)
        if not about:
            return None
        html = self.manifest.parts.get(HTML_PART)
        if not html:
            return Pages(self.path / about["file"])
        return Pages(self.path / about["file"], self.path / html["file"], html["languages"])

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

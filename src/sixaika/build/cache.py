"""The build cache: what loading and validating each source file gave, kept between builds.

An entry is one file's ``FileResult`` (its parts of the dumps, the facts the checks across
files need, its problems), stored under the releases folder in ``.cache/``, named by its
*load key*: a hash of the file's bytes and path, the context, the base and this code. An
entry is used again only if it was also validated with what validation now depends on,
its *validation key*: the shapes, the ontology, the report's language, and the shared
records the file links to (each by a hash of its own triples, ``record_hashes``). So a
changed project file is loaded and validated again alone; a changed shape, all of them;
a changed organisation, the files that link to it.

Beside an entry, apart from it as they are read only to write the release, are the file's
parts of the dumps, its part of the search index (``search.file_part``) and its share of
the pages (``pages.file_pages``).

Entries are written whole under a temporary name and renamed, so a reader never meets
half of one; one that cannot be read is a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..namespaces import value_of
from .link import owners_of
from .sources import Sources

FOLDER = ".cache"
PARTS = ".parts"  # the suffix of an entry's parts of the dumps
INDEX = ".index"  # and of its part of the search index
PAGES = ".pages"  # and of its share of the pages
_PACKAGE = Path(__file__).resolve().parents[1]


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def files_digest(paths: Iterable[Path], root: Path) -> str:
    """Files by their paths under ``root`` and their bytes: the same wherever ``root``
    is (a checkout moved, or another worktree of the same commit, keeps its cache)."""
    named = sorted((p.relative_to(root).as_posix(), p) for p in paths)
    return digest(*(b for name, p in named for b in (name, p.read_bytes())))


def code_digest() -> str:
    """This code: a changed build step must not reuse what an older one made."""
    return files_digest(_PACKAGE.rglob("*.py"), _PACKAGE)


def software_digest() -> str:
    """The whole package, code, templates, styles and scripts (their compiled copies
    aside): a release records what built it, so that ``serve`` knows one made by other
    code, as after an upgrade with pip, where no git commit tells (milliseconds).

    >>> software_digest() == software_digest() != code_digest()
    True
    """
    files = (p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files_digest(files, _PACKAGE)


class Cache:
    """Entries by key: what a file gave, and apart from it (read only to write the
    release) its parts of the dumps, of the search index and of the pages."""

    def __init__(self, settings: Settings):
        self.folder = settings.releases_dir / FOLDER

    def get(self, key: str) -> Any:
        return self._read(key)

    def parts(self, key: str) -> dict[str, bytes] | None:
        return self._read(key + PARTS)

    def index(self, key: str) -> Any:
        return self._read(key + INDEX)

    def pages(self, key: str) -> Any:
        return self._read(key + PAGES)

    def put(
        self, key: str, entry: object, parts: dict[str, bytes], index: object, pages: object
    ) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write(key + PARTS, parts)
        self._write(key + INDEX, index)
        self._write(key + PAGES, pages)
        self._write(key, entry)  # last: an entry is there only with its parts

    def keep_only(self, keys: set[str]) -> None:
        """Remove the entries of files no longer there or changed (under the build lock)."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if _key_of(path.name) not in keys:
                    path.unlink(missing_ok=True)

    def _read(self, name: str) -> Any:
        try:
            with (self.folder / name).open("rb") as f:
                return pickle.load(f)
        except Exception:  # missing, half-written by a killed build, or of older code
            return None

    def _write(self, name: str, value: object) -> None:
        temporary = self.folder / f".{name}.{os.getpid()}"
        with temporary.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.folder / name)


def _key_of(name: str) -> str:
    for suffix in (PARTS, INDEX, PAGES):
        name = name.removesuffix(suffix)
    return name


def record_hashes(sources: Sources) -> dict[str, str]:
    """Each named record's hash: its own triples and those of the nodes nested in it."""
    owners = owners_of(sources.quads)
    lines: dict[str, list[str]] = {}
    for q in sources.quads:
        subject, seen = q.subject, set()
        while isinstance(subject, ox.BlankNode) and subject in owners and subject not in seen:
            seen.add(subject)
            subject = owners[subject].subject
        lines.setdefault(value_of(subject), []).append(str(q))
    return {iri: digest(*sorted(found)) for iri, found in lines.items()}

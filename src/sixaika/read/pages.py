"""Reading the pages part of a release: descriptions, lists and labels (``build.pages``).

One SQLite file, opened read-only as immutable (no locks: the release never changes),
one connection per thread. A description is one row (its canonical N-Triples, and its
Turtle and JSON-LD documents, each zlib'd);
a page of a list is a range of positions; a label is a row of N-Triples. Beside it, the
resources' HTML pages in the languages the build rendered them in (``HTML_FILE``, the
manifest's ``html`` part: ``web.prerender``), zlib'd.

>>> prefixes_of("https://e/id/concept/fund/erdf", "https://e/id/")
['https://e/id/concept/', 'https://e/id/concept/fund/']
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .describe import Description

PAGES_PART = "pages"  # the manifest's part: {"file": ..., "resources": n}
PAGES_FILE = "pages.sqlite"
HTML_PART = "html"  # the manifest's part: {"file": ..., "languages": [...], "pages": n}
HTML_FILE = "html.sqlite"  # in the pages' folder
DOCUMENT_COLUMNS = ("ttl", "jsonld")  # the keys of ``documents.STORED``'s formats
SCHEMA = """
-- A rowid table: its rows (a zlib'd kilobyte) fill pages three times as tightly as
-- one WITHOUT ROWID would.
-- ttl and jsonld: the description as the site writes it in those formats (``documents``,
-- its ``STORED``), zlib'd too; a release built before they were stored has no such columns.
CREATE TABLE descriptions (iri TEXT PRIMARY KEY, triples BLOB, inbound INTEGER,
                           ttl BLOB, jsonld BLOB);
CREATE TABLE names (iri TEXT PRIMARY KEY, triples TEXT) WITHOUT ROWID;
CREATE TABLE members (prefix TEXT, position INTEGER, iri TEXT,
                      PRIMARY KEY (prefix, position)) WITHOUT ROWID;
CREATE TABLE prefixes (prefix TEXT PRIMARY KEY, total INTEGER) WITHOUT ROWID;
"""
# A file of its own: it is rendered from the finished release (its pages carry its id and
# day), and an incremental build copies the descriptions, never the pages of the last one.
# Pages of 16 KB: a zlib'd page (2.5 KB) took a 4 KB one to itself (11k pages: 46 MB).
HTML_SCHEMA = """
PRAGMA page_size = 16384;
CREATE TABLE html (iri TEXT, lang TEXT, page BLOB, PRIMARY KEY (iri, lang));
"""


def prefixes_of(iri: str, ours: str) -> list[str]:
    """The list prefixes an IRI of ours is under: each of its folders below ``ours``."""
    parts = iri[len(ours) :].split("/")[:-1]
    return [ours + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


class Pages:
    """A release's pages file."""

    def __init__(self, path: Path, html: Path | None = None, languages: Iterable[str] = ()):
        """``html``: the file of the HTML pages in ``languages``, if the release has one."""
        self.uri = f"file:{path}?mode=ro&immutable=1"
        self.html_uri = f"file:{html}?mode=ro&immutable=1" if html else None
        self.html_languages = frozenset(languages) if html else frozenset()
        self._local = threading.local()
        # A missing or broken file fails here, when the worker starts.
        columns = self._db().execute("PRAGMA table_info(descriptions)").fetchall()
        self.documents = frozenset(DOCUMENT_COLUMNS) & {name for _, name, *_ in columns}
        if self.html_uri:
            self._db("html_db", self.html_uri).execute("SELECT 1 FROM html LIMIT 1")

    def _db(self, name: str = "db", uri: str | None = None) -> sqlite3.Connection:
        db = getattr(self._local, name, None)
        if db is None:
            db = sqlite3.connect(uri or self.uri, uri=True, check_same_thread=False)
            setattr(self._local, name, db)
        return db

    def description(self, iri: str) -> Description | None:
        stored = self.ntriples(iri)
        if stored is None:
            return None
        body, inbound = stored
        return Description(iri, triples_of(body), inbound)

    def ntriples(self, iri: str) -> tuple[bytes, int] | None:
        """The description of ``iri`` as stored, canonical N-Triples (the very bytes an
        N-Triples writer makes of its triples), and how many links to it there are."""
        row = (
            self._db()
            .execute("SELECT triples, inbound FROM descriptions WHERE iri = ?", (iri,))
            .fetchone()
        )
        return None if row is None else (zlib.decompress(row[0]), row[1])

    def document(self, iri: str, key: str) -> bytes | None:
        """The description of ``iri`` as the document in the format ``key`` (one of
        ``documents``) that the build wrote, or None when it has none."""
        if key not in self.documents:
            return None
        found = self._db().execute(f"SELECT {key} FROM descriptions WHERE iri = ?", (iri,))
        row = found.fetchone()
        return None if row is None or row[0] is None else zlib.decompress(row[0])

    def html(self, iri: str, lang: str) -> bytes | None:
        """The HTML page of ``iri`` in ``lang`` as the build rendered it, or None where it
        rendered none (another language, a release built before it rendered them)."""
        if lang not in self.html_languages or self.html_uri is None:
            return None
        found = self._db("html_db", self.html_uri).execute(
            "SELECT page FROM html WHERE iri = ? AND lang = ?", (iri, lang)
        )
        row = found.fetchone()
        return None if row is None else zlib.decompress(row[0])

    def described(self) -> Iterator[str]:
        """Every resource with a description, in IRI order."""
        rows = self._db().execute("SELECT iri FROM descriptions ORDER BY iri")
        return (iri for (iri,) in rows)

    def has(self, iri: str) -> bool:
        """Whether ``iri`` has a description (the data says something about it)."""
        found = self._db().execute("SELECT 1 FROM descriptions WHERE iri = ?", (iri,))
        return found.fetchone() is not None

    def total(self, prefix: str) -> int:
        """How many typed resources have IRIs under ``prefix`` (a folder of ``id/``)."""
        row = self._db().execute("SELECT total FROM prefixes WHERE prefix = ?", (prefix,))
        found = row.fetchone()
        return found[0] if found else 0

    def members(self, prefix: str, start: int = 0, stop: int | None = None) -> list[str]:
        """The typed resources under ``prefix``, in IRI order, from ``start`` to ``stop``."""
        rows = self._db().execute(
            "SELECT iri FROM members WHERE prefix = ? AND position >= ? AND position < ? "
            "ORDER BY position",
            (prefix, start, stop if stop is not None else 1 << 62),
        )
        return [iri for (iri,) in rows]

    def labels(self, iris: Iterable[str]) -> list[ox.Triple]:
        """The label triples of ``iris`` (``describe.LABEL_PROPERTIES``)."""
        found: list[ox.Triple] = []
        for iri in iris:
            row = self._db().execute("SELECT triples FROM names WHERE iri = ?", (iri,))
            text = row.fetchone()
            if text:
                found += triples_of(text[0])
        return found


def triples_of(ntriples: bytes | str) -> list[ox.Triple]:
    """The triples of N-Triples that the build wrote into the release. Parsed without
    checking each IRI again (``lenient``): they were checked before they were written, and
    checking them was a quarter of the time of parsing a description."""
    return [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True)]

"""The pages part of a release: what ``/doc`` and the lists read instead of the store.

Every resource's description (as ``read.describe`` puts one together over a store: its
triples, the links to it and their projects, the labels of all they name, in one order),
every typed resource by the prefixes of its IRI in IRI order, and the label triples of
everything labelled, in one SQLite file (``read.pages`` reads it). A web worker then
answers ``/doc`` with one lookup and a list page with one range, at any size, and never
scans the store for either.

Made in two passes over the release's quads given as groups that each hold whole records
(a source file's, or a synthetic project's, with their blank nodes): the first keeps the
labels and the typed resources in the file and, in memory, the links into each resource
(up to ``INBOUND_LIMIT`` each, and how many there are); the second puts each record's
description together. Memory holds one group and the links, not the data.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..documents import STORED, DocumentWriter
from ..read.describe import INBOUND_LIMIT, LABEL_PROPERTIES, RDF_TYPE, Description, assemble
from ..read.pages import PAGES_FILE, SCHEMA, prefixes_of

Groups = Callable[[], Iterable[list[ox.Quad]]]  # each call: the quads again, record by record
_LABELS = frozenset(LABEL_PROPERTIES)
_BATCH = 5000  # rows written to the file at a time


class _Links:
    """The links into each resource of ours: up to ``INBOUND_LIMIT`` (subject, property),
    in the order met, and how many there are."""

    def __init__(self) -> None:
        self.kept: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.total: dict[str, int] = defaultdict(int)

    def add(self, subject: str, prop: str, target: str) -> None:
        self.total[target] += 1
        if len(self.kept[target]) < INBOUND_LIMIT:
            self.kept[target].append((subject, prop))


def in_batches(quads: Iterable[ox.Quad], size: int = 10_000) -> Iterable[list[ox.Quad]]:
    """Quads whose records come one after another (a record's quads together, its blank
    nodes among them), as groups of about ``size``: a group ends only before a subject
    it has not seen yet, so no record is cut in two."""
    group: list[ox.Quad] = []
    seen: set[ox.NamedNode] = set()
    for quad in quads:
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject not in seen:
            if len(group) >= size:
                yield group
                group, seen = [], set()
            seen.add(subject)
        group.append(quad)
    if group:
        yield group


def write_pages(groups: Groups, settings: Settings, folder: Path) -> dict[str, Any]:
    """Write the pages file into ``folder``; the manifest's facts about it."""
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / PAGES_FILE)
    db.executescript(SCHEMA + _WORK)
    links = _first_pass(groups(), settings, db)
    described = _second_pass(groups(), settings, db, links)
    _order_members(db, settings.urls.id())
    db.executescript("DROP TABLE label_rows; DROP TABLE typed;")
    db.commit()
    db.execute("VACUUM")
    db.close()
    return {"file": f"{folder.name}/{PAGES_FILE}", "resources": described}


_WORK = """
CREATE TABLE label_rows (iri TEXT, triple TEXT);
CREATE TABLE typed (iri TEXT PRIMARY KEY) WITHOUT ROWID;
"""


def _first_pass(groups: Iterable[list[ox.Quad]], settings: Settings, db: sqlite3.Connection):
    ours = settings.urls.id()
    links = _Links()
    labels: list[tuple[str, str]] = []
    typed: list[tuple[str]] = []
    for group in groups:
        for quad in dict.fromkeys(group):  # a record may state a triple twice
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p in _LABELS:
                labels.append((s.value, str(quad.triple)))
            elif p == RDF_TYPE and s.value.startswith(ours):
                typed.append((s.value,))
            if isinstance(o, ox.NamedNode) and o.value.startswith(ours) and o != s:
                links.add(s.value, p, o.value)
        if len(labels) + len(typed) > _BATCH:
            _flush(db, labels, typed)
    _flush(db, labels, typed)
    db.execute(
        "INSERT INTO names SELECT iri, group_concat(triple, ' .\n') || ' .\n' "
        "FROM label_rows GROUP BY iri"
    )
    return links


def _flush(db: sqlite3.Connection, labels: list, typed: list) -> None:
    db.executemany("INSERT INTO label_rows VALUES (?, ?)", labels)
    db.executemany("INSERT OR IGNORE INTO typed VALUES (?)", typed)
    labels.clear()
    typed.clear()


def _second_pass(
    groups: Iterable[list[ox.Quad]], settings: Settings, db: sqlite3.Connection, links: _Links
) -> int:
    ours, vocab = settings.urls.id(), settings.urls.vocab
    roles = {vocab + "lead", vocab + "partner"}

    @lru_cache(maxsize=100_000)  # the concepts and organisations every project names
    def labels_of(iri: str) -> tuple[ox.Triple, ...]:
        row = db.execute("SELECT triples FROM names WHERE iri = ?", (iri,)).fetchone()
        return (
            tuple(q.triple for q in ox.parse(row[0], format=ox.RdfFormat.N_TRIPLES)) if row else ()
        )

    def all_labels(iris: list[str]) -> list[ox.Triple]:
        return [t for iri in iris for t in labels_of(iri)]

    writer = DocumentWriter.of_settings(settings)
    rows, described = [], 0
    for group in groups:
        held = _by_subject(group)
        for subject in held:
            if isinstance(subject, ox.NamedNode) and subject.value.startswith(ours):
                iri = subject.value
                found = _inbound(iri, links, roles)
                description = assemble(
                    iri, _closure(subject, held) + found, links.total.get(iri, 0), all_labels
                )
                rows.append(_row(description, writer))
        if len(rows) >= _BATCH:
            described += _write(db, rows)
    return described + _write(db, rows)


def _row(description: Description, writer: DocumentWriter | None) -> tuple:
    """A description's row: its N-Triples, how many links there are to it, and its
    documents in the formats asked for most (``documents.STORED``), each zlib'd (none
    without a writer: the web then writes them on request)."""
    triples = description.triples
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    documents = [writer and zlib.compress(writer.body(triples, fmt), 3) for fmt in STORED]
    return (description.iri, zlib.compress(ntriples, 3), description.inbound_total, *documents)


def _write(db: sqlite3.Connection, rows: list) -> int:
    db.executemany("INSERT OR REPLACE INTO descriptions VALUES (?, ?, ?, ?, ?)", rows)
    written = len(rows)
    rows.clear()
    return written


def _by_subject(group: list[ox.Quad]) -> dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]]:
    held: dict[Any, list[ox.Triple]] = defaultdict(list)
    for quad in group:
        held[quad.subject].append(quad.triple)
    return held


def _closure(subject: ox.NamedNode, held: dict) -> list[ox.Triple]:
    """The subject's triples and its blank nodes' (a record's own), as ``own_query`` reads."""
    found, seen = [], set()
    todo: list[ox.NamedNode | ox.BlankNode] = [subject]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in held.get(node, ()):
            found.append(t)
            if isinstance(t.object, ox.BlankNode):
                todo.append(t.object)
    return found


def _inbound(iri: str, links: _Links, roles: set[str]) -> list[ox.Triple]:
    """The links into ``iri``, and the projects in which those that link take part (how a
    city lists its projects: ``participation_query``)."""
    target = ox.NamedNode(iri)
    kept = links.kept.get(iri, [])
    found = [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), target) for s, p in kept]
    hops = [
        ox.Triple(ox.NamedNode(x), ox.NamedNode(role), ox.NamedNode(linking))
        for linking, _ in kept
        for x, role in links.kept.get(linking, [])
        if role in roles
    ]
    return found + hops[:INBOUND_LIMIT]


def _order_members(db: sqlite3.Connection, ours: str) -> None:
    """Each typed resource under every prefix of its IRI, numbered in IRI order."""
    pairs = (
        (prefix, iri)
        for (iri,) in db.execute("SELECT iri FROM typed").fetchall()
        for prefix in prefixes_of(iri, ours)
    )
    db.execute("CREATE TEMP TABLE belongs (prefix TEXT, iri TEXT)")
    db.executemany("INSERT INTO belongs VALUES (?, ?)", pairs)
    db.execute(
        "INSERT INTO members SELECT prefix, "
        "ROW_NUMBER() OVER (PARTITION BY prefix ORDER BY iri) - 1, iri FROM belongs"
    )
    db.execute("INSERT INTO prefixes SELECT prefix, COUNT(*) FROM belongs GROUP BY prefix")
    db.execute("DROP TABLE belongs")

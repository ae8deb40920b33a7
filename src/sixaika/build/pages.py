"""The pages part of a release: what ``/doc`` and the lists read instead of the store.

Every resource's description (as ``read.describe`` puts one together over a store: its
triples, the links to it and their projects, the labels of all they name, in one order),
every typed resource by the prefixes of its IRI in IRI order, and the label triples of
everything labelled, in one SQLite file (``read.pages`` reads it). A web worker then
answers ``/doc`` with one lookup and a list page with one range, at any size, and never
scans the store for either.

Each source file's share (``FilePages``: its records' own triples in canonical order, its
links into resources of ours, its labels, its typed resources, what each record names) is
made where the file is validated, from quads already in hand, and kept in the build cache
(``file_pages``). A description is then its record's own lines, the links into it (up to
``INBOUND_LIMIT``, in the order of the files, and how many there are) with the projects of
those that link, and the labels of everything they name: no triple is parsed again and
no blank node named again, since a record's blank nodes are its own.

A full build reads every share's links and labels, then every share's records, once.
An incremental build (``update_pages``) copies the current release's file and describes
again only what a change reaches: the records of the changed files, the resources they
link to or linked to, the resources those link to (their projects changed), and, for a
changed label, every record that names it and what links to it; the file then holds the
same rows a full build would write.
"""

from __future__ import annotations

import pickle
import shutil
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import groupby
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..documents import STORED, DocumentWriter
from ..read.canonical import canonical
from ..read.describe import INBOUND_LIMIT, LABEL_PROPERTIES, RDF_TYPE, linked_iris
from ..read.pages import PAGES_FILE, SCHEMA, prefixes_of
from .dumps import subjects_together

_LABELS = frozenset(LABEL_PROPERTIES)
_BATCH = 5000  # rows written to the file at a time

Own = tuple[list[str], list[str]]  # a record's own lines (canonical), and the IRIs they name
Link = tuple[str, str, str]  # (subject, property, target of ours)


@dataclass
class FilePages:
    """One source file's share of the pages part (a triple is its N-Triples line,
    without the " .\\n" that ends it)."""

    links: list[Link] = field(default_factory=list)  # in the order of the file's triples
    labels: dict[str, str] = field(default_factory=dict)  # IRI: its label triples
    typed: list[str] = field(default_factory=list)  # its resources of ours with a type
    described: list[str] = field(default_factory=list)  # its records of ours, in order
    mentions: dict[str, list[str]] = field(default_factory=dict)  # IRI: records naming it
    records: bytes = b""  # zlib'd pickle of {record: Own}: read only to describe them

    def own(self) -> dict[str, Own]:
        return pickle.loads(zlib.decompress(self.records)) if self.records else {}


Loader = Callable[[], FilePages]  # a file's share, read (from the cache) when called


def file_pages(triples: list[ox.Triple], ours: str) -> FilePages:
    """A file's share of the pages part, from its triples (taken as the dumps take them:
    once each, subjects together, so links are met in the order of the dumps)."""
    found = FilePages()
    labels: dict[str, list[str]] = defaultdict(list)
    same: dict[str, str] = {}  # one string for each IRI: the cache's pickle keeps it once
    held: dict[Any, list[ox.Triple]] = defaultdict(list)
    typed: dict[str, None] = {}
    for t in subjects_together(triples):
        held[t.subject].append(t)
        s, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p in _LABELS:
            labels[s.value].append(str(t))
        elif p == RDF_TYPE and s.value.startswith(ours):
            typed[s.value] = None
        if isinstance(o, ox.NamedNode) and o.value.startswith(ours) and o != s:
            link = (same.setdefault(s.value, s.value), same.setdefault(p, p), o.value)
            found.links.append((link[0], link[1], same.setdefault(o.value, o.value)))
    found.typed = list(typed)
    found.labels = {iri: _text(lines) for iri, lines in labels.items()}
    own: dict[str, Own] = {}
    for subject in held:
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(ours):
            own[subject.value] = _own(subject, held)
    for record, (_, named) in own.items():
        for iri in named:
            found.mentions.setdefault(same.setdefault(iri, iri), []).append(record)
    found.described = list(own)
    found.records = zlib.compress(pickle.dumps(own, pickle.HIGHEST_PROTOCOL), 3)
    return found


def _own(subject: ox.NamedNode, held: dict) -> Own:
    """A record's own triples in canonical order and the IRIs they name: its blank nodes
    are its own, so the canonical names it gives them hold in any description of it."""
    triples = canonical(_closure(subject, held))
    return [str(t) for t in triples], sorted(linked_iris(triples) - {subject.value})


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


def spilled(shares: Iterable[FilePages], folder: Path) -> list[Loader]:
    """Shares written into ``folder`` one by one, and read again when called: what quads
    with no build cache (synthetic data) give ``write_pages``, in bounded memory."""
    loaders: list[Loader] = []
    for number, share in enumerate(shares):
        path = folder / f"{number}.pickle"
        path.write_bytes(pickle.dumps(share, pickle.HIGHEST_PROTOCOL))
        loaders.append(partial(_read_share, path))
    return loaders


def _read_share(path: Path) -> FilePages:
    share: FilePages = pickle.loads(path.read_bytes())
    return share


class _Links:
    """The links into each resource of ours: up to ``INBOUND_LIMIT`` (subject, property),
    in the order met, and how many there are."""

    def __init__(self) -> None:
        self.kept: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.total: dict[str, int] = defaultdict(int)

    def add(self, links: Iterable[Link]) -> None:
        for subject, prop, target in links:
            self.total[target] += 1
            if len(self.kept[target]) < INBOUND_LIMIT:
                self.kept[target].append((subject, prop))


# Writing ------------------------------------------------------------------------


def write_pages(files: Sequence[Loader], settings: Settings, folder: Path) -> dict[str, Any]:
    """Write the pages file of ``files`` (each file's share, in the order of the files)
    into ``folder``; the manifest's facts about it."""
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / PAGES_FILE)
    db.executescript(SCHEMA)
    links, typed = _Links(), {}
    db.execute("CREATE TEMP TABLE label_rows (iri TEXT, triples TEXT)")
    for load in files:
        share = load()
        links.add(share.links)
        typed.update(dict.fromkeys(share.typed))
        db.executemany("INSERT INTO label_rows VALUES (?, ?)", share.labels.items())
    # An IRI labelled in several files (the ontology's terms, say): their texts in order.
    rows = db.execute("SELECT iri, triples FROM label_rows ORDER BY iri, rowid")
    named = groupby(rows, lambda row: row[0])
    db.executemany(
        "INSERT INTO names VALUES (?, ?)",
        ((iri, "".join(text for _, text in texts)) for iri, texts in named),
    )
    _order_members(db, typed, settings.urls.id())
    describer = _Describer(db, links, settings)
    for load in files:
        describer.write(load().own().items())
    return _finished(db, folder, vacuum=True)


def _text(lines: Iterable[str]) -> str:
    """Lines as an N-Triples document."""
    return "".join(f"{line} .\n" for line in lines)


def _finished(db: sqlite3.Connection, folder: Path, vacuum: bool) -> dict[str, Any]:
    (described,) = db.execute("SELECT COUNT(*) FROM descriptions").fetchone()
    db.commit()
    if vacuum:
        db.execute("VACUUM")
    db.close()
    return {"file": f"{folder.name}/{PAGES_FILE}", "resources": described}


class _Describer:
    """Descriptions from records' own lines, the links and the labels in the file."""

    def __init__(self, db: sqlite3.Connection, links: _Links, settings: Settings):
        self.db, self.links = db, links
        vocab = settings.urls.vocab
        self.roles = {vocab + "lead", vocab + "partner"}
        self.rows: list[tuple] = []
        self.writer = DocumentWriter.of_settings(settings)
        # The concepts and organisations every project names: once each.
        self.labels_of = lru_cache(maxsize=100_000)(self._labels)

    def _labels(self, iri: str) -> tuple[str, ...]:
        row = self.db.execute("SELECT triples FROM names WHERE iri = ?", (iri,)).fetchone()
        return tuple(row[0].split(" .\n")[:-1]) if row else ()

    def write(self, records: Iterable[tuple[str, Own]]) -> None:
        for iri, own in records:
            self.rows.append(self.row(iri, own))
            if len(self.rows) >= _BATCH:
                self.flush()
        self.flush()

    def flush(self) -> None:
        self.db.executemany("INSERT OR REPLACE INTO descriptions VALUES (?, ?, ?, ?, ?)", self.rows)
        self.rows.clear()

    def row(self, iri: str, own: Own) -> tuple:
        """A description as ``describe.assemble`` makes one: its triples once each, in
        canonical order (by N-Triples line), as N-Triples; how many links there are to
        it; and its documents in the formats asked for most (``documents.STORED``), each
        zlib'd (none without a writer: the web then writes them on request)."""
        own_lines, own_named = own
        inbound = _inbound(iri, self.links, self.roles)
        lines = set(own_lines)
        lines.update(str(t) for t in inbound)
        named = linked_iris(inbound).union(own_named)
        named.discard(iri)
        for other in named:
            lines.update(self.labels_of(other))
        body = _text(sorted(lines)).encode()
        return iri, zlib.compress(body, 3), self.links.total.get(iri, 0), *self._documents(body)

    def _documents(self, body: bytes) -> list[bytes | None]:
        if self.writer is None:
            return [None for _ in STORED]
        triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        return [zlib.compress(self.writer.body(triples, fmt), 3) for fmt in STORED]


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


def _order_members(db: sqlite3.Connection, typed: Iterable[str], ours: str) -> None:
    """Each typed resource under every prefix of its IRI, numbered in IRI order."""
    db.execute("DELETE FROM members")
    db.execute("DELETE FROM prefixes")
    pairs = ((prefix, iri) for iri in typed for prefix in prefixes_of(iri, ours))
    db.execute("CREATE TEMP TABLE belongs (prefix TEXT, iri TEXT)")
    db.executemany("INSERT INTO belongs VALUES (?, ?)", pairs)
    db.execute(
        "INSERT INTO members SELECT prefix, "
        "ROW_NUMBER() OVER (PARTITION BY prefix ORDER BY iri) - 1, iri FROM belongs"
    )
    db.execute("INSERT INTO prefixes SELECT prefix, COUNT(*) FROM belongs GROUP BY prefix")
    db.execute("DROP TABLE belongs")


# An incremental build -------------------------------------------------------------


@dataclass
class Change:
    """The files of the current release that went (or changed), and those that came."""

    before: Path  # the current release's pages file
    gone: list[FilePages]
    added: list[FilePages]


def update_pages(
    files: Sequence[Loader], change: Change, settings: Settings, folder: Path
) -> dict[str, Any]:
    """The pages file of ``files`` made from the current release's (``change.before``),
    describing again only what the change reaches: the same rows as ``write_pages``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(change.before, folder / PAGES_FILE)
    db = sqlite3.connect(folder / PAGES_FILE)
    state = _State.of(files, change)
    _forget_gone(db, change, state)
    relabelled = _relabel(db, change, state)
    if {i for s in change.gone for i in s.typed} != {i for s in change.added for i in s.typed}:
        _order_members(db, state.typed, settings.urls.id())
    describer = _Describer(db, state.links, settings)
    for records in state.records_of(files, _reached(change, state, relabelled)):
        describer.write(records)
    return _finished(db, folder, vacuum=False)


@dataclass
class _State:
    """What every file's share tells an incremental build, read in one pass: the links,
    the typed resources, which file holds each record; the labels of the IRIs the
    changed files label and the records that name those; what the resources the changed
    files link to link to in turn."""

    links: _Links = field(default_factory=_Links)
    typed: dict[str, None] = field(default_factory=dict)
    holder: dict[str, int] = field(default_factory=dict)  # record: index of its file
    labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    out: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    named_by: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, files: Sequence[Loader], change: Change) -> _State:
        changed = [*change.gone, *change.added]
        labelled = {iri for share in changed for iri in share.labels}
        relinked = _relinked(change)
        state = cls()
        for index, load in enumerate(files):
            share = load()
            state.links.add(share.links)
            state.typed.update(dict.fromkeys(share.typed))
            state.holder.update(dict.fromkeys(share.described, index))
            for iri in labelled.intersection(share.labels):
                state.labels[iri].append(share.labels[iri])
            for subject, _, target in share.links:
                if subject in relinked:
                    state.out[subject].append(target)
            for iri in labelled.intersection(share.mentions):
                state.named_by[iri].update(share.mentions[iri])
        return state

    def records_of(
        self, files: Sequence[Loader], wanted: set[str]
    ) -> Iterator[list[tuple[str, Own]]]:
        """The own lines of the ``wanted`` records that are still there, file by file."""
        by_file: dict[int, set[str]] = defaultdict(set)
        for iri in wanted:
            if iri in self.holder:
                by_file[self.holder[iri]].add(iri)
        for index in sorted(by_file):
            own = files[index]().own()
            yield [(iri, own[iri]) for iri in sorted(by_file[index])]


def _forget_gone(db: sqlite3.Connection, change: Change, state: _State) -> None:
    """Remove the descriptions of the records that are no longer there."""
    gone = {iri for share in change.gone for iri in share.described} - state.holder.keys()
    db.executemany("DELETE FROM descriptions WHERE iri = ?", ((iri,) for iri in gone))


def _relabel(db: sqlite3.Connection, change: Change, state: _State) -> set[str]:
    """Write the labels of what the changed files label (or labelled); the IRIs whose
    labels changed."""
    relabelled = set()
    for iri in {iri for share in [*change.gone, *change.added] for iri in share.labels}:
        text = "".join(state.labels.get(iri, ())) or None
        row = db.execute("SELECT triples FROM names WHERE iri = ?", (iri,)).fetchone()
        if (row[0] if row else None) != text:
            relabelled.add(iri)
            db.execute("DELETE FROM names WHERE iri = ?", (iri,))
            if text is not None:
                db.execute("INSERT INTO names VALUES (?, ?)", (iri, text))
    return relabelled


def _reached(change: Change, state: _State, relabelled: set[str]) -> set[str]:
    """The resources whose descriptions the change may alter (more is harmless): the
    changed files' records; what they link or linked to (the links into it changed) and
    what that links to (the projects of those linking to it changed); the records that
    name a changed label. A labelled IRI's links are in its own file (subjects do not
    span files), so what it links to, or shows a step on, is among the relinked already."""
    relinked = _relinked(change)
    reached = {iri for share in change.added for iri in share.described} | relinked
    reached.update(target for iri in relinked for target in state.out.get(iri, ()))
    for iri in relabelled:
        reached.update(state.named_by.get(iri, ()))
    return reached


def _relinked(change: Change) -> set[str]:
    """The resources the changed files link or linked to."""
    return {target for share in [*change.gone, *change.added] for _, _, target in share.links}

"""Dumps written piecewise: each source file's part of its dataset's dumps, then each dump
joined from its parts.

A file's part of a dump is serialized on its own, by the process that loaded the file,
and kept gzipped in the build cache. A dump is its header, the parts of its dataset's
files in the order of the files, and its trailer. A gzip file may hold several members,
read as one stream (RFC 1952): the ``.gz`` copy of a dump is its parts' members joined,
and the dump the same members inflated. Nothing is compressed again for a file that did
not change, no dump is ever held whole in memory, and a dump is the same bytes whichever
build wrote it. Subjects do not span files (a record is defined once, a blank node belongs
to one file), so the parts keep each subject's triples together as one serialization of
the whole dataset would.

JSON-LD is compacted with the context, node by node, as the web serves it; the nodes of
all parts are the ``@graph`` of one document (pyld never sees N-Quads: DESIGN.md).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..config import Settings
from ..context import Context
from ..formats import BY_KEY, DUMP, Format, offered
from ..jsonld import Compactor, expanded
from ..release import File

JSONLD = BY_KEY["jsonld"]
NQUADS = BY_KEY["nq"]  # the store is loaded from these: they name each triple's graph
GZIP_LEVEL = 6


def compress(data: bytes) -> bytes:
    """One gzip member, the same bytes for the same data (no time, no name in it)."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if data else b""


class Parts:
    """Serializes a file's triples as its part of each dump of its dataset."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.compactor = Compactor(Context.load(settings).terms)

    def of(self, triples: list[ox.Triple], dataset: str) -> dict[str, bytes]:
        """Each dump format's part (a gzip member; empty for no triples)."""
        triples = subjects_together(triples)
        graph = ox.NamedNode(self.settings.urls.graph(dataset))
        parts = {}
        for fmt in offered(DUMP):
            data = self._serialized(triples, graph, fmt) if triples else b""
            parts[fmt.key] = compress(data)
        return parts

    def _serialized(self, triples: list[ox.Triple], graph: ox.NamedNode, fmt: Format) -> bytes:
        if fmt is JSONLD:
            nodes = [self.compactor.node(n) for n in expanded(triples)]
            return ",\n".join(_indented(n, 2) for n in nodes).encode()
        statements = (
            [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
            if fmt.holds_graphs
            else triples
        )
        text = ox.serialize(statements, format=fmt.rdf_format, prefixes=self.settings.prefixes)
        return _without_prefixes(text or b"")


def subjects_together(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Once each (a source may state a triple twice; the store keeps one), by subject."""
    groups: dict[ox.NamedNode | ox.BlankNode | ox.Triple, dict[ox.Triple, None]] = {}
    for t in triples:
        groups.setdefault(t.subject, {})[t] = None
    return [t for group in groups.values() for t in group]


def _without_prefixes(text: bytes) -> bytes:
    """A Turtle or TriG part without the prefix lines it starts with (the dump's header
    declares them once)."""
    start = 0
    while text.startswith(b"@prefix ", start):
        start = text.index(b"\n", start) + 1
    return text[start:]


def _indented(value: object, depth: int) -> str:
    """JSON as ``json.dumps(indent=1)`` writes it ``depth`` levels deep in a document."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return " " * depth + text.replace("\n", "\n" + " " * depth)


class DumpWriter:
    """One dataset's dumps, in every dump format, each with its gzip copy, written from
    the parts of its files in order; the manifest's entries when closed."""

    def __init__(self, settings: Settings, dataset: str, folder: Path):
        self.dumps = {
            fmt.key: _Dump(folder / f"{dataset}.{fmt.extension}", fmt.media_type)
            for fmt in offered(DUMP)
        }
        self.context = Context.load(settings).terms
        self.settings = settings
        self.empty = True  # no part yet: the next JSON-LD part needs no comma before it
        for key, dump in self.dumps.items():
            dump.write(compress(self._header(BY_KEY[key])))

    def _header(self, fmt: Format) -> bytes:
        if fmt is JSONLD:
            return (
                '{\n "@context": ' + _indented(self.context, 1)[1:] + ',\n "@graph": [\n'
            ).encode()
        if fmt.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            prefixes = sorted(self.settings.prefixes.items())
            return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes).encode()
        return b""

    def add(self, parts: dict[str, bytes]) -> None:
        """A file's parts (gzip members by format key), after those added before."""
        if not parts.get(JSONLD.key):
            return  # a file without triples in this dataset
        for key, member in parts.items():
            if key == JSONLD.key and not self.empty:
                self.dumps[key].write(compress(b",\n"))
            self.dumps[key].write(member)
        self.empty = False

    def close(self) -> dict[str, File]:
        trailer = compress(b"\n ]\n}\n")
        return {
            key: dump.close(trailer if key == JSONLD.key else b"")
            for key, dump in self.dumps.items()
        }


class _Dump:
    """A dump and its gzip copy, written member by member, with their checksums."""

    def __init__(self, path: Path, media_type: str):
        self.path, self.media_type = path, media_type
        self.gz_path = path.with_name(path.name + ".gz")
        self.raw, self.gz = _Hashed(path.open("wb")), _Hashed(self.gz_path.open("wb"))

    def write(self, member: bytes) -> None:
        if member:
            self.gz.write(member)
            self.raw.write(zlib.decompress(member, wbits=31))

    def close(self, trailer: bytes) -> File:
        self.write(trailer)
        gz = File(self.gz_path.name, *self.gz.close())
        return File(self.path.name, *self.raw.close(), media_type=self.media_type, gzip=gz)


class _Hashed:
    """A file being written, with its size and SHA-256 kept as it grows."""

    def __init__(self, file: BinaryIO):
        self.file, self.size, self.digest = file, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.digest.update(data)
        self.size += len(data)

    def close(self) -> tuple[int, str]:
        self.file.close()
        return self.size, self.digest.hexdigest()


def write_dumps(
    settings: Settings,
    folder: Path,
    parts_by_dataset: Mapping[str, Callable[[], Iterable[dict[str, bytes]]]],
) -> dict[str, dict[str, File]]:
    """Each dataset's dumps from its files' parts (``parts_by_dataset[name]()`` yields
    them in order); the manifest's entries, by dataset and format key."""
    files = {}
    for dataset, parts in parts_by_dataset.items():
        writer = DumpWriter(settings, dataset, folder)
        for file_parts in parts():
            writer.add(file_parts)
        files[dataset] = writer.close()
    return files

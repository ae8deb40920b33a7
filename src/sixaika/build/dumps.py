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
import os
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

import pyoxigraph as ox

from ..config import Settings
from ..context import Context
from ..formats import BY_KEY, DUMP, Format, offered
from ..jsonld import Compactor, expanded
from ..release import File

JSONLD = BY_KEY["jsonld"]
NQUADS = BY_KEY["nq"]  # the store is loaded from these: they name each triple's graph
GZIP_LEVEL = 6
S = TypeVar("S", ox.Quad, ox.Triple)  # a statement: a file's quad, or a triple of it


def compress(data: bytes) -> bytes:
    """One gzip member, the same bytes for the same data (no time, no name in it)."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if data else b""


class Parts:
    """Serializes a file's triples as its part of each dump of its dataset."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.compactor = Compactor(Context.load(settings).terms)

    def of(self, quads: list[ox.Quad]) -> dict[str, bytes]:
        """Each dump format's part (a gzip member; empty for no quads) of a file's quads,
        all in its dataset's graph as ``sources.read_file`` gives them: TriG and N-Quads
        are written from them as they are (making a quad of each triple again took as long
        as all the other formats but JSON-LD together)."""
        quads = subjects_together(quads)
        triples = [q.triple for q in quads]
        parts = {}
        for fmt in offered(DUMP):
            if not quads:
                data = b""
            elif fmt is JSONLD:
                data = self._jsonld(triples)
            else:
                data = self._serialized(quads if fmt.holds_graphs else triples, fmt)
            parts[fmt.key] = compress(data)
        return parts

    def _jsonld(self, triples: list[ox.Triple]) -> bytes:
        nodes = [self.compactor.node(n) for n in expanded(triples)]
        return ",\n".join(_indented(n, 2) for n in nodes).encode()

    def _serialized(self, statements: list[ox.Quad] | list[ox.Triple], fmt: Format) -> bytes:
        text = ox.serialize(statements, format=fmt.rdf_format, prefixes=self.settings.prefixes)
        return _without_prefixes(text or b"")


def subjects_together(statements: list[S]) -> list[S]:
    """Once each (a source may state a triple twice; the store keeps one), by subject."""
    groups: dict[ox.NamedNode | ox.BlankNode | ox.Triple, dict[S, None]] = {}
    for s in statements:
        groups.setdefault(s.subject, {})[s] = None
    return [s for group in groups.values() for s in group]


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


KeyedParts = Iterable[tuple[str, dict[str, bytes]]]  # each file's load key and parts, in order


class DumpWriter:
    """One dataset's dumps, in every dump format, each with its gzip copy, written from
    the parts of its files in order (a file's parts found in ``earlier`` dumps copied from
    there); the manifest's entries when closed. With no folder, it writes nothing and
    only measures where each file's parts would go."""

    def __init__(
        self,
        settings: Settings,
        dataset: str,
        folder: Path | None,
        earlier: Mapping[str, _Earlier] | None = None,
    ):
        self.dumps = {
            fmt.key: _Measure(f"{dataset}.{fmt.extension}")
            if folder is None
            else _Dump(folder / f"{dataset}.{fmt.extension}", fmt.media_type, earlier, fmt.key)
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

    def add(self, parts: dict[str, bytes], file_key: str = "") -> None:
        """A file's parts (gzip members by format key), after those added before."""
        if not parts.get(JSONLD.key):
            return  # a file without triples in this dataset
        for key, member in parts.items():
            if key == JSONLD.key and not self.empty:
                self.dumps[key].write(compress(b",\n"))
            self.dumps[key].write(member, file_key)
        self.empty = False

    def close(self) -> dict[str, File]:
        trailer = compress(b"\n ]\n}\n")
        return {
            key: dump.close(trailer if key == JSONLD.key else b"")
            for key, dump in self.dumps.items()
        }


@dataclass(frozen=True)
class Span:
    """Where a file's part lies in a dump and in its gzip copy."""

    raw: int
    raw_size: int
    gz: int
    gz_size: int


class _Measure:
    """A dump measured, not written: where each file's part goes (a gzip member ends
    with the size of what it holds, RFC 1952)."""

    def __init__(self, name: str):
        self.name, self.raw, self.gz = name, 0, 0
        self.spans: dict[str, Span] = {}

    def write(self, member: bytes, file_key: str = "") -> None:
        raw_size = int.from_bytes(member[-4:], "little") if member else 0
        if file_key:
            self.spans[file_key] = Span(self.raw, raw_size, self.gz, len(member))
        self.raw += raw_size
        self.gz += len(member)

    def close(self, trailer: bytes) -> File:
        self.write(trailer)
        return File(self.name, self.raw, "", gzip=File(self.name + ".gz", self.gz, ""))


class _Earlier:
    """A dump of the current release, open, and where each file's part lies in it."""

    def __init__(self, path: Path, spans: dict[str, Span]):
        self.raw, self.gz = path.open("rb"), path.with_name(path.name + ".gz").open("rb")
        self.spans = spans

    def copy(self, file_key: str, raw: _Hashed, gz: _Hashed) -> None:
        span = self.spans[file_key]
        _copy(self.raw, span.raw, span.raw_size, raw)
        _copy(self.gz, span.gz, span.gz_size, gz)

    def close(self) -> None:
        self.raw.close()
        self.gz.close()


def _copy(source: BinaryIO, start: int, size: int, target: _Hashed) -> None:
    """``size`` bytes of ``source`` from ``start``, after what ``target`` holds: copied by
    the kernel where it can (``copy_file_range``: at 100k projects the 2 GB of a dump's
    unchanged parts in 1.8 s, against 3.3 s through Python), read only to be hashed."""
    target.file.flush()
    at = target.file.tell()
    try:
        _kernel_copy(source, start, size, target.file)
        copied = True
    except OSError:  # a file system without it: through Python
        target.file.seek(at)
        target.file.truncate()
        copied = False
    target.file.seek(0, os.SEEK_END)  # where the kernel left it
    source.seek(start)
    while size > 0:
        chunk = source.read(min(size, 1 << 24))
        if not chunk:
            raise RuntimeError(f"{source.name} is shorter than the release says")
        if copied:
            target.count(chunk)
        else:
            target.write(chunk)
        size -= len(chunk)


def _kernel_copy(source: BinaryIO, start: int, size: int, target: BinaryIO) -> None:
    done = 0
    while done < size:
        n = os.copy_file_range(source.fileno(), target.fileno(), size - done, start + done)
        if n == 0:
            raise RuntimeError(f"{source.name} is shorter than the release says")
        done += n


class _Dump:
    """A dump and its gzip copy, written member by member, with their checksums."""

    def __init__(
        self, path: Path, media_type: str, earlier: Mapping[str, _Earlier] | None, fmt: str
    ):
        self.path, self.media_type = path, media_type
        self.gz_path = path.with_name(path.name + ".gz")
        self.raw, self.gz = _Hashed(path.open("wb")), _Hashed(self.gz_path.open("wb"))
        self.earlier = (earlier or {}).get(fmt)

    def write(self, member: bytes, file_key: str = "") -> None:
        if self.earlier is not None and file_key in self.earlier.spans:
            self.earlier.copy(file_key, self.raw, self.gz)  # inflated already: copied
        elif member:
            self.gz.write(member)
            self.raw.write(zlib.decompress(member, wbits=31))

    def close(self, trailer: bytes) -> File:
        self.write(trailer)
        if self.earlier is not None:
            self.earlier.close()
        gz = File(self.gz_path.name, *self.gz.close())
        return File(self.path.name, *self.raw.close(), media_type=self.media_type, gzip=gz)


class _Hashed:
    """A file being written, with its size and SHA-256 kept as it grows."""

    def __init__(self, file: BinaryIO):
        self.file, self.size, self.digest = file, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.count(data)

    def count(self, data: bytes) -> None:
        """Count and hash ``data``, which was written by other means."""
        self.digest.update(data)
        self.size += len(data)

    def close(self) -> tuple[int, str]:
        self.file.close()
        return self.size, self.digest.hexdigest()


def write_dumps(
    settings: Settings,
    folder: Path,
    parts_by_dataset: Mapping[str, Callable[[], KeyedParts]],
    earlier: Earlier | None = None,
) -> dict[str, dict[str, File]]:
    """Each dataset's dumps from its files' parts (``parts_by_dataset[name]()`` yields
    them in order, each with its file's load key); the parts of the files that did not
    change since the ``earlier`` release copied from its dumps. The manifest's entries, by
    dataset and format key."""
    files = {}
    for dataset, parts in parts_by_dataset.items():
        found = earlier.dumps(settings, dataset) if earlier else None
        writer = DumpWriter(settings, dataset, folder, found)
        for key, file_parts in parts():
            writer.add(file_parts, key)
        files[dataset] = writer.close()
    return files


@dataclass
class Earlier:
    """The current release's dumps folder and, by dataset, the load keys and parts of the
    files it was built of, in order: where each file's parts lie in its dumps."""

    folder: Path
    parts_by_dataset: Mapping[str, Callable[[], Iterable[tuple[str, dict[str, bytes] | None]]]]

    def dumps(self, settings: Settings, dataset: str) -> dict[str, _Earlier] | None:
        """Its dumps of ``dataset``, open, with where each file's part lies; None where a
        dump is not what its files' parts make (not there, or another size), or the cache
        lost a file's parts."""
        measure = DumpWriter(settings, dataset, None)
        for key, parts in self.parts_by_dataset[dataset]():
            if parts is None:
                return None
            measure.add(parts, key)
        measured = measure.close()
        entries = [e for entry in measured.values() for e in (entry, entry.gzip) if e]
        if not all(_sized(self.folder / e.name, e.bytes) for e in entries):
            return None
        return {
            fmt: _Earlier(self.folder / measured[fmt].name, dump.spans)
            for fmt, dump in measure.dumps.items()
            if isinstance(dump, _Measure)
        }


def _sized(path: Path, size: int) -> bool:
    return path.is_file() and path.stat().st_size == size

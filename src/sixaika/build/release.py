"""Writing a release (its layout and manifest: ``sixaika.release``): ``publish``.

A release is written under a temporary name and renamed into place; only then does
``current`` move. A failed or interrupted build therefore never touches the release
being served, and removes what it wrote at once.

What goes into a release is the work of writers, each a function of the ``Draft``: the
build's (the store, the dumps, the web files, the search index), the synthetic data's
(a store loaded from quads), a bench's. A writer that adds files of its own (a search
index, precomputed pages) writes them under ``draft.folder`` and records what readers
need to find them with ``draft.add_part(name, facts)``: the facts go into the manifest
under that name, and ``Release`` readers find them in ``manifest.parts[name]``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..context import Context
from ..forked import Forked
from ..formats import BY_KEY, DUMP, Format, offered
from ..read.facts import FACTS_PART, Since, all_facts
from ..read.pages import HTML_PART, PAGES_PART
from ..read.store import OxigraphRepo
from ..release import (
    CONTEXT_FILE,
    CURRENT,
    MANIFEST_FILE,
    SHAPES_FILE,
    VOCABULARY_FILE,
    Dataset,
    File,
    Manifest,
    Release,
    new_release_id,
)
from ..search import INDEX_FOLDER, write_parts
from ..search.analysis import analyser
from .cache import software_digest
from .dumps import NQUADS, Earlier, write_dumps
from .pages import Change, Loader, file_pages, in_batches, spilled, update_pages, write_pages
from .partitions import Checked, FileResult
from .sources import DATASETS
from .upload import upload
from .validate import load_shapes
from .vocabulary import display_shapes_dir, page_vocabulary

# The dumps of a store (synthetic data): the formats pyoxigraph writes (the build's own
# dumps, JSON-LD too, are joined from the parts of its files: ``dumps``).
JSONLD = BY_KEY["jsonld"]
PAGES_FOLDER = "pages"  # the pages part (descriptions, lists, labels: ``pages``)
SOURCES = "sources"  # the manifest's part naming the load keys of the files it was built of
WRITTEN_BY_OXIGRAPH = tuple(f for f in offered(DUMP) if f is not JSONLD)


@dataclass
class Draft:
    """A release being written: its folder, and what its manifest will say."""

    id: str
    folder: Path
    settings: Settings
    store: ox.Store | None = None  # once a writer has made it; closed before publishing
    datasets: dict[str, Dataset] = field(default_factory=dict)
    parts: dict[str, Any] = field(default_factory=dict)
    children: list[Forked] = field(default_factory=list)  # stopped if the build fails
    # Work a bulk load of the store waits for: the two together held the most memory of a
    # build (at 100k projects, the loader 1.6 GB and the search index's writer 0.4 GB).
    before_bulk_load: list[Finish] = field(default_factory=list)
    # Run once the manifest is written, on the release as a reader opens it (each may add
    # a part, and the manifest is written again): what the web app makes of the release.
    from_release: list[Callable[[Release], None]] = field(default_factory=list)
    changed: StoreChange | None = None  # where the store is the current one's, changed

    def fork(self, function: Callable[..., Any], *args: Any) -> Forked:
        """``function(*args)`` in a forked process (here, with one build worker), which
        a failed build stops before it removes the folder the process writes in."""
        job = Forked(function, *args, run_here=self.settings.build_workers < 2)
        self.children.append(job)
        return job

    def add_part(self, name: str, facts: dict[str, Any]) -> None:
        """Record a writer's own files: ``facts`` (where they are, what they hold) go into
        the manifest under ``name``; a name is taken once."""
        if name in self.parts or name in _MANIFEST_KEYS:
            raise ValueError(f"the manifest already has a part named {name!r}")
        self.parts[name] = facts


_MANIFEST_KEYS = {
    "id", "built", "base", "synthetic", "source_commit", "software", "triples", "datasets",
}  # fmt: skip

# A writer writes into the draft; one that leaves work running (a forked process) returns
# what finishes it, which publish calls once every writer has started.
Finish = Callable[[], None]
Writer = Callable[[Draft], Finish | None]


def publish(
    settings: Settings,
    writers: Sequence[Writer],
    *,
    synthetic: bool = False,
    source_commit: str | None = None,
    software: str | None = None,
) -> Release:
    """Write a release with ``writers``, in order, then its manifest; make it current,
    atomically, and prune old releases. Whatever fails, nothing of it is left."""
    root = settings.releases_dir
    root.mkdir(parents=True, exist_ok=True)
    _remove_unfinished(root)
    release_id = new_release_id()
    building, final = root / f".building-{release_id}", root / release_id
    building.mkdir()
    draft = Draft(release_id, building, settings)
    try:
        finishes = [finish for write in writers if (finish := write(draft)) is not None]
        for finish in finishes:
            finish()
        draft.store = None
        gc.collect()  # the store's files must be closed before the folder is renamed
        manifest = Manifest(
            id=release_id,
            built=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            base=settings.base,
            triples=sum(d.triples for d in draft.datasets.values()),
            datasets=draft.datasets,
            source_commit=source_commit,
            software=software,
            synthetic=synthetic,
            parts=draft.parts,
        )
        (building / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
        if draft.from_release:
            for make in draft.from_release:
                make(Release(building))
            manifest = dataclasses.replace(manifest, parts=draft.parts)
            (building / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
            gc.collect()  # and the store the web app opened (its cycles hold it)
        building.rename(final)
        _point_current_to(root, release_id)
    except BaseException:  # a full disk, say: its half-written release goes at once
        for job in draft.children:
            job.stop()
        draft.store = None
        gc.collect()  # the store closed first: an open one writes its files again
        for unfinished in (building, final):
            shutil.rmtree(unfinished, ignore_errors=True)
        raise
    _prune(root, keep=settings.keep_releases)
    return Release(final)


def write_release(
    checked: Checked, settings: Settings, progress: Callable[[str], None] = lambda _m: None
) -> Release:
    """Publish a release of validated sources: dumps, store, search index, web files."""
    progress("writing the dumps")
    # One look at the current release for the writers that change it where few files did
    # (builds are one at a time: it stays current until this one is published).
    since = since_current(settings, checked)
    writers = [
        search_index(checked, progress),
        dumps_of(checked, since),
        pages_of_build(checked, since, progress),
        store_of_build(checked, since, progress),
        # The counts of completeness were made as the files were validated.
        facts_of(progress, known=checked.report.completeness),
        web_files,
        html_pages(since, progress),
    ]
    if settings.store:
        writers.append(remote_store(progress))
    return publish(
        settings, writers, source_commit=source_commit(settings.root), software=software_digest()
    )


# Writers -------------------------------------------------------------------------


def dumps_of(checked: Checked, since: SinceCurrent | None) -> Writer:
    """Each dataset's dumps, joined from its files' parts (``dumps``), and the datasets."""

    def write(draft: Draft) -> None:
        (draft.folder / "dumps").mkdir()
        parts = {name: partial(checked.parts, name) for name in DATASETS}
        earlier = _earlier_dumps(checked, since)
        files = write_dumps(draft.settings, draft.folder / "dumps", parts, earlier)
        for name in DATASETS:
            draft.datasets[name] = Dataset(draft.settings.urls.graph(name), 0, files[name])
        draft.add_part(SOURCES, {"keys": [r.key for r in checked.results]})

    return write


def _earlier_dumps(checked: Checked, since: SinceCurrent | None) -> Earlier | None:
    """The current release's dumps, whose parts of files that did not change are copied
    from there; None where the cache no longer knows which files they were made of."""
    if since is None:
        return None
    datasets = {r.key: r.dataset for r in checked.results}
    for key in since.gone:
        entry = checked.cache.get(key)
        if entry is None:
            return None
        datasets[key] = entry.dataset
    keys = since.release.manifest.parts[SOURCES]["keys"]

    def parts(name: str) -> Iterable[tuple[str, dict[str, bytes] | None]]:
        return ((key, checked.cache.parts(key)) for key in keys if datasets[key] == name)

    by_dataset = {name: partial(parts, name) for name in DATASETS}
    return Earlier(since.release.path / "dumps", by_dataset)


def search_index(checked: Checked, progress: Callable[[str], None] = print) -> Writer:
    """The search index, written from the files' parts of it in the cache (each made as
    the file was validated: ``search.write_parts``) in a forked process, on a core of its
    own, while this one writes the dumps; a bulk load of the store waits for it (the
    store's loader holds much memory: not both at once), a change of the store does not."""

    def write(draft: Draft) -> Finish:
        folder = draft.folder / INDEX_FOLDER
        # Forked before the writers after this one start threads or open the store.
        job = draft.fork(_index_of, checked, folder, progress)

        @functools.cache  # once, whether the store's loader or publish asks first
        def finish() -> None:
            draft.add_part("index", job.result())

        draft.before_bulk_load.append(finish)
        return finish

    return write


def _index_of(checked: Checked, folder: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    facts = write_parts(checked.search_facts(), checked.index_parts, folder, analyser())
    progress("the search index written")  # from its process: when it is done
    return facts


def store_of_build(
    checked: Checked, since: SinceCurrent | None, progress: Callable[[str], None] = print
) -> Writer:
    """The store: the current release's, copied (its files hard-linked) and changed by the
    files that changed, when there are few; else loaded in bulk from the N-Quads dumps,
    once the work it waits for (``Draft.before_bulk_load``) is done."""

    def write(draft: Draft) -> None:
        dumps = {
            name: draft.folder / "dumps" / d.files[NQUADS.key].name
            for name, d in draft.datasets.items()
        }
        lines = {name: _lines(path) for name, path in dumps.items()}
        target = draft.folder / "store"
        changed = _changed_store(draft.settings, checked, since, target, sum(lines.values()))
        if changed is None:
            for finish in draft.before_bulk_load:
                finish()
            progress("loading the store")
            draft.store = store = ox.Store(str(target))
            _bulk_load(store, list(dumps.values()))
        else:
            progress("the store changed where the sources did")
            # The store apart from the change: publish closes it by letting it go.
            store, draft.changed = changed
            draft.store = store
        # Each quad once in the dumps, a line each (a changed store was counted already:
        # counting scans every quad, a second at 100k projects).
        if changed is not None or len(store) == sum(lines.values()):
            for name, dataset in draft.datasets.items():
                draft.datasets[name] = dataclasses.replace(dataset, triples=lines[name])
        else:
            _count_datasets(draft, {name: d.files for name, d in draft.datasets.items()})

    return write


@dataclass
class SinceCurrent:
    """The current release, and the load keys of the files that went (or changed) since
    it was built and of those that came."""

    release: Release
    gone: list[str]
    added: list[str]


def since_current(settings: Settings, checked: Checked) -> SinceCurrent | None:
    """What changed since the current release, when it is little enough that changing
    what it holds is quicker than writing all again; else None."""
    current = Release.current(settings)
    if current is None or current.damaged or current.manifest.base != settings.base:
        return None  # a damaged release tells nothing reliable: all is written again
    before = current.manifest.parts.get(SOURCES, {}).get("keys", [])
    now = [r.key for r in checked.results]
    gone, added = sorted(set(before) - set(now)), sorted(set(now) - set(before))
    if not before or len(gone) + len(added) > max(2, len(now) // 4):  # one file: 2
        return None
    return SinceCurrent(current, gone, added)


@dataclass
class StoreChange:
    """How the current release's store (``before``'s) was changed as the sources did:
    the N-Quads (gzip) of the files that went and of those that came."""

    before: Release
    gone: list[bytes]
    came: list[bytes]


def _changed_store(
    settings: Settings, checked: Checked, since: SinceCurrent | None, target: Path, quads: int
) -> tuple[ox.Store, StoreChange] | None:
    """The current release's store copied to ``target`` and changed as the sources did,
    to hold the dumps' ``quads``, and the change; or None where that cannot be done or
    would not be quicker than loading all."""
    if since is None:
        return None
    entries = {key: checked.cache.get(key) for key in since.gone}
    parts = {key: checked.cache.parts(key) for key in [*since.gone, *since.added]}
    if None in entries.values() or None in parts.values():
        return None  # the cache no longer has what the current store was built from
    ox.Store.read_only(str(since.release.path / "store")).backup(str(target))
    store = ox.Store(str(target))
    for key in since.gone:
        _remove_records(store, entries[key], settings)
    came = [part[NQUADS.key] for key in since.added if (part := parts[key])]
    store.bulk_extend(q for part in came for q in _quads_of(part))
    store.flush()
    if len(store) != quads:  # a node no record holds, say
        del store
        gc.collect()
        shutil.rmtree(target)
        return None
    gone = [part[NQUADS.key] for key in since.gone if (part := parts[key])]
    return store, StoreChange(since.release, gone, came)


def _remove_records(store: ox.Store, gone: FileResult, settings: Settings) -> None:
    """Remove a file's records from the store, with the nodes nested in them. By subject:
    a store names the blank nodes it loads anew, so the file's own names are not there."""
    assert gone.links is not None
    graph = ox.NamedNode(settings.urls.graph(gone.dataset))
    todo: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri) for iri, _ in gone.links.defined]
    seen = set()
    while todo:
        subject = todo.pop()
        if subject not in seen:
            seen.add(subject)
            for quad in list(store.quads_for_pattern(subject, None, None, graph)):
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
                store.remove(quad)


def _quads_of(nquads: bytes) -> list[ox.Quad]:
    """The quads of a file's part of the N-Quads dump (a gzip member)."""
    return list(ox.parse(zlib.decompress(nquads, wbits=31), format=ox.RdfFormat.N_QUADS))


def _lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))


def _bulk_load(store: ox.Store, paths: list[Path]) -> None:
    for path in paths:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    store.flush()


def web_files(draft: Draft) -> None:
    """What the web server publishes besides the store and the dumps: the context, the
    shapes. They live in the release so that the server never reads a source file."""
    write_web_files(draft.settings, draft.folder)


def html_pages(
    since: SinceCurrent | None = None, progress: Callable[[str], None] = lambda _m: None
) -> Writer:
    """Every resource's HTML page in the languages of ``page_languages`` (``html``),
    rendered by the web app from the finished release (``web.prerender``); where few files
    changed, the current release's kept but where the change reaches."""

    def write(draft: Draft) -> None:
        def render(release: Release) -> None:
            from ..web.prerender import write_html  # the web app, only to render pages

            facts = write_html(release, draft.settings, progress, since.release if since else None)
            if facts is not None:
                draft.add_part(HTML_PART, facts)

        draft.from_release.append(render)

    return write


def pages_of_build(
    checked: Checked, since: SinceCurrent | None, progress: Callable[[str], None] = print
) -> Writer:
    """The pages part (``pages``), from the files' shares of it in the cache, in a forked
    process while this one writes the store: the current release's changed where few
    files did, else written whole."""

    def write(draft: Draft) -> Finish:
        settings = draft.settings
        change = _pages_change(checked, since)
        folder = draft.folder / PAGES_FOLDER
        progress(
            "writing the pages" if change is None else "changing the pages where the sources did"
        )
        job = draft.fork(_pages_of, checked.pages(), change, settings, folder, progress)

        def finish() -> None:
            draft.add_part(PAGES_PART, job.result())

        return finish

    return write


def _pages_of(
    files: list[Loader],
    change: Change | None,
    settings: Settings,
    folder: Path,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    if change is None:
        facts = write_pages(files, settings, folder)
    else:
        facts = update_pages(files, change, settings, folder)
    progress(f"the pages written: {facts['resources']} descriptions")  # from its process
    return facts


def _pages_change(checked: Checked, since: SinceCurrent | None) -> Change | None:
    """The shares of the pages of the files that went and came since the current
    release, whose pages file they change; None where it has none, or the cache lacks
    what it was built of."""
    part = since.release.manifest.parts.get(PAGES_PART) if since else None
    if since is None or part is None or not (since.release.path / part["file"]).is_file():
        return None
    gone = [checked.cache.pages(key) for key in since.gone]
    added = [checked.cache.pages(key) for key in since.added]
    if None in gone or None in added:
        return None
    return Change(since.release.path / part["file"], gone, added)


def pages_of(quads: Sequence[ox.Quad] | Path) -> Writer:
    """The pages part of quads whose records come one after another (``in_batches``), or
    of an N-Quads file's (synthetic data)."""

    def groups() -> Iterable[list[ox.Quad]]:
        if isinstance(quads, Path):
            return in_batches(ox.parse(path=str(quads), format=ox.RdfFormat.N_QUADS))
        return in_batches(quads)

    def write(draft: Draft) -> None:
        folder, ours = draft.folder / PAGES_FOLDER, draft.settings.urls.id()
        with tempfile.TemporaryDirectory(dir=draft.folder) as spill:
            shares = (file_pages([q.triple for q in group], ours) for group in groups())
            files = spilled(shares, Path(spill))
            draft.add_part(PAGES_PART, write_pages(files, draft.settings, folder))

    return write


def facts_of(
    progress: Callable[[str], None] = lambda _m: None, known: dict[str, Any] | None = None
) -> Writer:
    """Facts about the whole data that pages show (``read.facts``: charts, VoID's counts,
    the catalog's coverage), counted in the release's store, but for those ``known``
    already: a web worker then reads them from the manifest instead of counting them over
    every project. Where the store is the current one's changed, the facts that add up
    are those of the current release changed by what went and came, counted alone."""

    def write(draft: Draft) -> None:
        assert draft.store is not None, "the facts are counted in the store: write it first"
        progress("counting the facts pages show")
        started = time.perf_counter()
        graphs = {name: dataset.graph for name, dataset in draft.datasets.items()}
        repo = OxigraphRepo(draft.store, draft.id)
        change, before = draft.changed, None
        if change is not None:
            before = change.before.manifest.parts.get(FACTS_PART)
        if change is None or before is None:
            facts = all_facts(repo, draft.settings, graphs, known)
        else:
            with _stores_of(draft, change.gone, change.came) as (gone, came):
                since = Since(before, OxigraphRepo(gone, "gone"), OxigraphRepo(came, "came"))
                facts = all_facts(repo, draft.settings, graphs, known, since)
        draft.add_part(FACTS_PART, facts)
        progress(f"the facts counted in {time.perf_counter() - started:.1f} s")

    return write


@contextlib.contextmanager
def _stores_of(draft: Draft, *parts_of: list[bytes]) -> Iterator[list[ox.Store]]:
    """A store of each list of N-Quads parts, on disk in the draft (a change may be a
    quarter of the files: not in memory), gone with it once used."""
    with tempfile.TemporaryDirectory(dir=draft.folder) as folder:
        stores = [_store_of(Path(folder) / str(n), parts) for n, parts in enumerate(parts_of)]
        try:
            yield stores
        finally:
            stores.clear()
            gc.collect()  # closed before their folder goes


def _store_of(path: Path, parts: list[bytes]) -> ox.Store:
    store = ox.Store(str(path))
    store.bulk_extend(q for part in parts for q in _quads_of(part))
    return store


def remote_store(progress: Callable[[str], None] = lambda _m: None) -> Writer:
    """The release's graphs loaded into the remote store (``settings.store``), before the
    release becomes current (``upload``); it needs the store written."""

    def write(draft: Draft) -> None:
        if draft.store is None:
            raise RuntimeError("a remote store is loaded from the release's own: none yet")
        upload(draft.store, draft.datasets, draft.settings, progress)

    return write


def store_of(quads: Iterable[ox.Quad] | Path) -> Writer:
    """A store holding ``quads`` (or an N-Quads file's, loaded in bulk: millions in
    seconds), and the datasets its graphs are; no dumps."""

    def write(draft: Draft) -> None:
        draft.store = store = ox.Store(str(draft.folder / "store"))
        if isinstance(quads, Path):
            store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
        else:
            store.bulk_extend(quads)
        store.optimize()
        store.flush()
        _count_datasets(draft, {})

    return write


def dumps_from_store(formats: Sequence[Format] = WRITTEN_BY_OXIGRAPH) -> Writer:
    """Each dataset's dumps in ``formats`` (those pyoxigraph writes), read from the store."""

    def write(draft: Draft) -> None:
        assert draft.store is not None, "the dumps are read from the store: write it first"
        (draft.folder / "dumps").mkdir(exist_ok=True)
        with ThreadPoolExecutor(1) as side:
            by_graph = {
                name: [q.triple for q in draft.store.quads_for_pattern(None, None, None, graph)]
                for name, graph in _graphs(draft).items()
            }
            files = _write_rdf_dumps(by_graph, draft.settings, draft.folder, side, formats)
        for name, dataset in draft.datasets.items():
            draft.datasets[name] = Dataset(dataset.graph, dataset.triples, files.get(name, {}))

    return write


def _graphs(draft: Draft) -> dict[str, ox.NamedNode]:
    return {name: ox.NamedNode(d.graph) for name, d in draft.datasets.items()}


def _count_datasets(draft: Draft, files: dict[str, dict[str, File]]) -> None:
    """The datasets of the draft's store, with their ``files``: those of the catalog by
    name, any other graph it holds (synthetic data may have more) by its IRI."""
    assert draft.store is not None
    names = {draft.settings.urls.graph(name): name for name in DATASETS}
    query = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = OxigraphRepo(draft.store, draft.id).select(query)
    counts = {row["g"].value: int(row["n"].value) for row in rows}
    for graph in [*names, *(g for g in counts if g not in names)]:
        name = names.get(graph, graph)
        if graph in counts or name in files:  # an empty dataset of the build's is one still
            draft.datasets[name] = Dataset(graph, counts.get(graph, 0), files.get(name, {}))


def _write_rdf_dumps(
    by_graph: dict[str, list[ox.Triple]],
    settings: Settings,
    folder: Path,
    side: ThreadPoolExecutor,
    formats: Sequence[Format] = WRITTEN_BY_OXIGRAPH,
) -> dict[str, dict[str, File]]:
    """Each dataset in the ``formats`` pyoxigraph writes; ``side`` gzips them (once the
    store is loaded, when it is loading there)."""
    entries: dict[tuple[str, str], Any] = {}
    for name, triples in by_graph.items():
        graph = ox.NamedNode(settings.urls.graph(name))
        for fmt in formats:
            target = folder / "dumps" / f"{name}.{fmt.extension}"
            statements = (
                (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
                if fmt.holds_graphs
                else triples
            )
            ox.serialize(statements, str(target), fmt.rdf_format, prefixes=settings.prefixes)
            entries[name, fmt.key] = side.submit(dump_entry, target, fmt.media_type)
    files: dict[str, dict[str, File]] = {name: {} for name in by_graph}
    for (name, key), entry in entries.items():
        files[name][key] = entry.result()
    return files


def dump_entry(path: Path, media_type: str) -> File:
    """A dump as the manifest lists it, with the gzip copy written beside it."""
    return dataclasses.replace(file_entry(path, media_type), gzip=gzip_file(path))


def write_web_files(settings: Settings, folder: Path) -> None:
    """What the web server needs besides the store and the dumps: the context and the
    shapes it publishes (those that validate and those that tell pages how to show
    resources), and the names and places of terms that pages show.

    They live in the release so that the server never reads a source file.
    """
    context = json.dumps(Context.load(settings).document, ensure_ascii=False, indent=2)
    (folder / CONTEXT_FILE).write_text(context, encoding="utf-8")
    shapes = load_shapes(settings) + load_shapes(settings, display_shapes_dir(settings))
    (folder / SHAPES_FILE).write_text(shapes.serialize(format="turtle"), encoding="utf-8")
    (folder / VOCABULARY_FILE).write_text(page_vocabulary(settings).to_json(), encoding="utf-8")


def gzip_file(path: Path) -> File:
    """Write ``path.gz`` beside ``path``; its name, size and checksum for the manifest."""
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as src, gzip.GzipFile(target, "wb", compresslevel=6, mtime=0) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return file_entry(target)


def file_entry(path: Path, media_type: str | None = None) -> File:
    """A file as the manifest lists it: name, (media type,) size and SHA-256."""
    return File(path.name, path.stat().st_size, _sha256(path), media_type)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_commit(root: Path) -> str | None:
    """The git commit the sources under ``root`` are checked out at, or None (not a git
    checkout, or no git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _point_current_to(root: Path, release_id: str) -> None:
    link = root / f".{CURRENT}-{release_id}"
    os.symlink(release_id, link)
    os.replace(link, root / CURRENT)


def _remove_unfinished(root: Path) -> None:
    """Leftovers of builds that were killed (a failed build removes its own); never a
    finished release. Safe only under the build lock: another build's work is no leftover."""
    for leftover in root.glob(".building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in root.glob(f".{CURRENT}-*"):
        leftover.unlink(missing_ok=True)


def _prune(root: Path, keep: int) -> None:
    current = (root / CURRENT).resolve().name
    releases = sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and not p.is_symlink()
    )
    for old in releases[:-keep]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)

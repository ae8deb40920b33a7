"""Writing a release (its layout: ``sixaika.release``).

A release is written under a temporary name and renamed into place; only then does
``current`` move. A failed or interrupted build therefore never touches the release
being served, and removes what it wrote at once.
"""

from __future__ import annotations

import datetime as dt
import gc
import gzip
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..context import Context
from ..forked import Forked
from ..formats import BY_KEY, DUMP, offered
from ..jsonld import Compactor
from ..release import (
    CONTEXT_FILE,
    CURRENT,
    SHAPES_FILE,
    VOCABULARY_FILE,
    Release,
    new_release_id,
)
from ..search import INDEX_FOLDER, write_index
from .sources import DATASETS, Sources
from .validate import load_shapes
from .vocabulary import display_shapes_dir, page_vocabulary

FORK_JSONLD_FROM_QUADS = 200_000  # below this, compacting the JSON-LD here is quicker than a fork
# The dumps: every format the registry offers as one. JSON-LD is compacted with the
# context, as the web serves it (in Python: on big data, in a process of its own); the
# others are written by pyoxigraph, a dataset format naming the dataset's graph.
JSONLD = BY_KEY["jsonld"]
WRITTEN_BY_OXIGRAPH = tuple(f for f in offered(DUMP) if f is not JSONLD)


def write_release(
    sources: Sources, settings: Settings, progress: Callable[[str], None] = lambda _m: None
) -> Release:
    """Write a release from validated sources and make it current, atomically."""
    root = settings.releases_dir
    root.mkdir(parents=True, exist_ok=True)
    _remove_unfinished(root)
    release_id = new_release_id()
    building, final = root / f".building-{release_id}", root / release_id
    building.mkdir()
    try:
        _write_release_into(building, release_id, sources, settings, progress)
        building.rename(final)
        _point_current_to(root, release_id)
    except BaseException:  # a full disk, say: its half-written release goes at once
        for unfinished in (building, final):
            shutil.rmtree(unfinished, ignore_errors=True)
        raise
    _prune(root, keep=settings.keep_releases)
    return Release(final)


def _write_release_into(
    folder: Path,
    release_id: str,
    sources: Sources,
    settings: Settings,
    progress: Callable[[str], None],
) -> None:
    progress("writing the store, the dumps and the search index")
    datasets, index = _write_store_and_dumps(sources, settings, folder)
    write_web_files(settings, folder)
    manifest = {
        "id": release_id,
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "base": settings.base,
        "source_commit": _source_commit(settings.root),
        "triples": sum(d["triples"] for d in datasets.values()),
        "datasets": datasets,
        "index": index,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _write_store_and_dumps(
    sources: Sources, settings: Settings, folder: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The store, each dataset's dumps (with their gzip copies) and the search index.

    The JSON-LD is compacted in Python, so on big data in a forked process of its own.
    Loading the store and gzip run in Rust and zlib, which release the GIL; so they go on
    in a thread while this one writes the other dumps from the quads in memory (quicker
    than reading them back from the store). The search index is made from the same quads,
    once the store has them.
    """
    (folder / "dumps").mkdir()
    by_graph = _triples_by_graph(sources, settings)
    fork = settings.build_workers > 1 and len(sources.quads) >= FORK_JSONLD_FROM_QUADS
    # Forked before this build starts a thread or opens the store: the child needs neither.
    jsonld = Forked(_write_jsonld_dumps, by_graph, settings, folder, run_here=not fork)
    try:
        store = ox.Store(str(folder / "store"))
        nquads = ox.serialize(sources.quads, format=ox.RdfFormat.N_QUADS) or b""
        with ThreadPoolExecutor(1) as side:
            loaded = side.submit(_load, store, nquads)
            del nquads
            files = _write_rdf_dumps(by_graph, settings, folder, side)
            index = write_index(  # while the store may still be loading
                sources.quads, settings.base, folder / INDEX_FOLDER, settings.build_workers
            )
            loaded.result()  # re-raises what failed in the thread
        for name, entry in jsonld.result().items():
            files[name][JSONLD.key] = entry
        files = {name: _in_registry_order(entries) for name, entries in files.items()}
    finally:
        jsonld.stop()
    datasets = {}
    for name in DATASETS:
        graph = ox.NamedNode(settings.urls.graph(name))
        datasets[name] = {
            "graph": graph.value,
            "triples": _count(store, graph),
            "files": files[name],
        }
    del store
    gc.collect()  # the store's files must be closed before the folder is renamed
    return datasets, index


def _triples_by_graph(sources: Sources, settings: Settings) -> dict[str, list[ox.Triple]]:
    """Each dataset's triples, each subject's side by side (Turtle then names it once)."""
    by_graph: dict[str, list[ox.Triple]] = {settings.urls.graph(name): [] for name in DATASETS}
    for q in sources.quads:
        by_graph.setdefault(q.graph_name.value, []).append(q.triple)
    return {name: _subjects_together(by_graph[settings.urls.graph(name)]) for name in DATASETS}


def _subjects_together(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Once each (a source may state a triple twice; the store keeps one), by subject."""
    groups: dict[ox.NamedNode | ox.BlankNode, dict[ox.Triple, None]] = {}
    for t in triples:
        groups.setdefault(t.subject, {})[t] = None
    return [t for group in groups.values() for t in group]


def _load(store: ox.Store, nquads: bytes) -> None:
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()


def _write_rdf_dumps(
    by_graph: dict[str, list[ox.Triple]], settings: Settings, folder: Path, side: ThreadPoolExecutor
) -> dict[str, dict[str, Any]]:
    """Each dataset in the formats pyoxigraph writes; ``side`` gzips them once the store
    is loaded."""
    entries: dict[tuple[str, str], Any] = {}
    for name, triples in by_graph.items():
        graph = ox.NamedNode(settings.urls.graph(name))
        for fmt in WRITTEN_BY_OXIGRAPH:
            target = folder / "dumps" / f"{name}.{fmt.extension}"
            statements = (ox.Quad(*t, graph) for t in triples) if fmt.holds_graphs else triples
            ox.serialize(statements, str(target), fmt.oxigraph, prefixes=settings.prefixes)
            entries[name, fmt.key] = side.submit(dump_entry, target, fmt.media_type)
    files: dict[str, dict[str, Any]] = {name: {} for name in by_graph}
    for (name, key), entry in entries.items():
        files[name][key] = entry.result()
    return files


def _in_registry_order(entries: dict[str, Any]) -> dict[str, Any]:
    """A dataset's files as the catalog lists them: in the order of the formats' registry."""
    return {f.key: entries[f.key] for f in offered(DUMP)}


def _write_jsonld_dumps(
    by_graph: dict[str, list[ox.Triple]], settings: Settings, folder: Path
) -> dict[str, dict[str, Any]]:
    """Each dataset compacted with the context, as the web serves it; with its gzip copy."""
    compactor, entries = Compactor(Context.load(settings).terms), {}
    for name, triples in by_graph.items():
        target = folder / "dumps" / f"{name}.jsonld"
        text = json.dumps(compactor.document(triples), ensure_ascii=False, indent=1)
        target.write_text(text, encoding="utf-8")
        entries[name] = dump_entry(target, JSONLD.media_type)
    return entries


def dump_entry(path: Path, media_type: str) -> dict[str, Any]:
    """A dump as the manifest lists it, with the gzip copy written beside it."""
    return {**file_entry(path, media_type), "gzip": gzip_file(path)}


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    (row,) = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    return int(row["n"].value)


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


def gzip_file(path: Path) -> dict[str, Any]:
    """Write ``path.gz`` beside ``path``; its name, size and checksum for the manifest."""
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as src, gzip.GzipFile(target, "wb", compresslevel=6, mtime=0) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return file_entry(target)


def file_entry(path: Path, media_type: str | None = None) -> dict[str, Any]:
    """A file as the manifest lists it: name, (media type,) size and SHA-256."""
    entry = {"name": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path)}
    return {**entry, "media_type": media_type} if media_type else entry


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _source_commit(root: Path) -> str | None:
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

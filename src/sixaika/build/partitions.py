"""Partitions: the sources loaded and validated in bounded memory, file by file, cached.

The *shared* sources (ontology, concept schemes, organisations, strategy: what project
records link to) are loaded and validated once, in this process. The project files that
the cache cannot answer for are dealt into partitions of about ``PARTITION_BYTES`` each,
run on worker processes: a worker loads a partition, validates it together with the
shared records, keeps only what is about its own files, and hands back one ``FileResult``
per file: its parts of the dumps (``dumps``), and the compact facts that the checks across
files need (what it defines and links to, its identifiers, its problems). Memory is
bounded by a partition, not by the data; the parts go straight into the cache.

What needs all files at once runs here, on those compact facts: a record defined twice,
links to no record, terms from no vocabulary (``link``), and the shapes that compare
records (``validate.split_shapes``: one EURA code or business ID per resource), run on
the identifiers that occur more than once. Shapes must otherwise not relate two project
records to each other, nor look past the records a record links to.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ..config import Settings
from ..context import Context
from ..errors import InputError, InputErrors, Origin
from ..forked import collect_garbage, die_with_parent, frozen_for_workers
from ..namespaces import PREFIXES, value_of
from ..read import completeness
from ..read.store import OxigraphRepo
from ..search import file_part
from ..search.analysis import analyser
from ..search.documents import Facts
from ..search.engine import Part
from .cache import Cache, code_digest, digest, files_digest, record_hashes
from .dumps import Parts
from .link import Links, check_links, check_roles, duplicates, file_links
from .pages import FilePages, file_pages
from .sources import DATASETS, Sources, dataset_of, ontology_files, read_file, source_files
from .validate import (
    Places,
    Problem,
    Report,
    load_shapes,
    problems_of,
    run_shapes,
    split_shapes,
    validate_sources,
)

PARTITION_BYTES = 4_000_000  # of source files: some 3,000 projects, 0.3 GB in a worker
PARALLEL_FROM_BYTES = 2_000_000  # below this much to do, one process is quicker than a pool
IDENTIFIER = PREFIXES["adms"] + "identifier"
IDENTIFIER_FACTS = (PREFIXES["dct"] + "type", PREFIXES["skos"] + "notation")


@dataclass
class Identifiers:
    """A file's identifiers, for the shapes that compare them across files: who has which
    identifier node (N-Triples terms), each node's type and notation, and where each node
    was written and what a report calls it."""

    held: list[tuple[str, str]] = field(default_factory=list)  # (resource, node)
    facts: list[tuple[str, str, str]] = field(default_factory=list)  # (node, property, value)
    places: dict[str, tuple[Origin | str, str]] = field(default_factory=dict)


@dataclass
class FileResult:
    """What loading and validating one source file gave (a cache entry)."""

    path: Path
    dataset: str
    key: str = ""  # its load key (``cache``)
    validated_with: str = ""  # its validation key
    error: InputError | None = None  # it could not be used
    links: Links | None = None
    identifiers: Identifiers = field(default_factory=Identifiers)
    problems: list[Problem] = field(default_factory=list)
    report: bytes = b""  # its results in the machine report (N-Triples)
    # its records' fields, by table (``read.completeness``: projects, organisations)
    having: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    search_facts: Facts = field(default_factory=Facts)  # what its records tell others' rows
    parts: dict[str, bytes] | None = None  # its parts of the dumps; in the cache only
    index: Part | None = None  # its part of the search index; in the cache only
    pages: FilePages | None = None  # its share of the pages; in the cache only


@dataclass
class Shared:
    """The shared sources, loaded once, and what every partition is validated with."""

    settings: Settings
    lang: str
    sources: Sources
    defined: frozenset[str]  # the IRIs they define (with the ontology's terms)
    hashes: dict[str, str]  # each shared record's hash (``cache.record_hashes``)
    shapes: rdflib.Graph  # the shapes that look at one record at a time
    comparing: rdflib.Graph  # the shapes that compare records across files
    parts: Parts
    load_key: str  # what every file's load key starts from: the code, the context, the base
    validation_key: str  # and its validation key: the shapes, the ontology, the language


@dataclass
class Checked:
    """Every source file's result, in the order of the files, and the report."""

    results: list[FileResult]
    report: Report
    cache: Cache

    def parts(self, dataset: str) -> Iterable[tuple[str, dict[str, bytes]]]:
        """The parts of the dumps of ``dataset``'s files, in order, each with its file's
        load key, read from the cache."""
        for result in self.results:
            if result.dataset == dataset:
                yield result.key, self._lost_if_none(result, self.cache.parts(result.key))

    def pages(self) -> list[Callable[[], FilePages]]:
        """Each file's share of the pages, read from the cache when called, in the order
        of the datasets' dumps (the order the store holds them in)."""
        return [
            partial(self._pages_of, result)
            for name in DATASETS
            for result in self.results
            if result.dataset == name
        ]

    def _pages_of(self, result: FileResult) -> FilePages:
        return self._lost_if_none(result, self.cache.pages(result.key))

    def index_parts(self) -> Iterable[Part]:
        """Every file's part of the search index, in order, read from the cache."""
        for result in self.results:
            yield self._lost_if_none(result, self.cache.index(result.key))

    def search_facts(self) -> Facts:
        """What every file's records tell the search index's rows."""
        merged = Facts()
        for result in self.results:
            merged.add(result.search_facts)
        return merged

    @staticmethod
    def _lost_if_none(result: FileResult, found: Any) -> Any:
        if found is None:
            raise RuntimeError(f"the build cache lost {result.path}; build again")
        return found

    def lacking(self, key: str, settings: Settings) -> list[str]:
        """The records that lack the field ``key`` (``read.completeness``: a project's or
        an organisation's), each as ``file: record``, in the order of the files."""
        ours, table = settings.urls.id(), completeness.TABLE_OF[key].name
        return [
            f"{_relative(result.path, settings)}: {record.removeprefix(ours)}"
            for result in self.results
            for record, keys in sorted(result.having.get(table, {}).items())
            if key not in keys
        ]


_SHARED: Shared | None = None  # set before the workers fork: they inherit it


def load_and_validate(
    settings: Settings, workers: int, lang: str, progress: Callable[[str], None]
) -> Checked:
    """Every source file loaded and validated, from the cache where it can answer; raise
    ``InputError`` for unusable input."""
    global _SHARED
    files = source_files(settings)
    projects_dir = settings.data_dir / "projects"
    shared_files = [p for p in files if not p.is_relative_to(projects_dir)]
    cache = Cache(settings)
    shared, shared_results, orphans = _shared(settings, lang, shared_files)
    results: dict[Path, FileResult] = {}
    for result in shared_results:  # validated each time, cached for their parts
        _keep(result, cache, results)
    todo = []
    for path in files:
        if path in results:
            continue
        key = digest(shared.load_key, _relative(path, settings), path.read_bytes())
        entry = cache.get(key)
        if entry is not None and entry.validated_with == _validation_key(entry, shared):
            results[path] = entry
        else:
            todo.append(path)
    projects = len(files) - len(shared_files)
    progress(
        f"{len(shared_files)} shared files validated; of {projects} project files, "
        f"{projects - len(todo)} as validated before, {len(todo)} to load and validate"
    )
    _SHARED = shared  # the workers inherit what is loaded
    try:
        with frozen_for_workers():
            for result in _run(todo, settings, workers, progress):
                _keep(result, cache, results)
    finally:
        _SHARED = None
    ordered = [results[p] for p in files]
    _refuse_unusable(ordered)
    check_links([r.links for r in ordered if r.links is not None], settings)
    compared, compared_graph = _compare_identifiers(ordered, shared)
    return Checked(ordered, _report(ordered, orphans + compared, compared_graph), cache)


def _keep(result: FileResult, cache: Cache, results: dict[Path, FileResult]) -> None:
    """Put a result into the cache; keep it without its parts, read again for the dumps,
    the search index and the pages."""
    parts, result.parts = result.parts, None
    index, result.index = result.index, None
    pages, result.pages = result.pages, None
    if result.error is None and parts is not None:
        cache.put(result.key, result, parts, index, pages)
    results[result.path] = result


def _relative(path: Path, settings: Settings) -> str:
    try:
        return path.resolve().relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _validation_key(result: FileResult, shared: Shared) -> str:
    """What a file's validation depends on besides the file: the records it links to that
    are shared (and those it links to that are not: one may become shared)."""
    assert result.links is not None
    linked = [*result.links.shared, *sorted({t for t, _ in result.links.dangling})]
    return digest(
        result.key,
        shared.validation_key,
        *(f"{iri} {shared.hashes.get(iri, '')}" for iri in linked),
    )


def _shared(
    settings: Settings, lang: str, files: list[Path]
) -> tuple[Shared, list[FileResult], list[Problem]]:
    """The shared sources loaded and validated; their results, and the problems of nodes
    no file defines (the report keeps them)."""
    context = Context.load(settings)
    loaded = _load(files, settings, context)
    sources = _merged(s for s in loaded.values() if isinstance(s, Sources))
    shapes, comparing = split_shapes(load_shapes(settings))
    context_file = settings.ontology_dir / "context.jsonld"
    shared = Shared(
        settings=settings,
        lang=lang,
        sources=sources,
        defined=frozenset(
            q.subject.value for q in sources.quads if isinstance(q.subject, ox.NamedNode)
        ),
        hashes=record_hashes(sources),
        shapes=shapes,
        comparing=comparing,
        parts=Parts(settings),
        load_key=digest(
            code_digest(),
            settings.base,
            str(settings.source_max_mb),
            context_file.read_bytes(),
            analyser().name,  # the search index's part: Finnish words lemmatised or stemmed
        ),
        validation_key=digest(
            files_digest(settings.shapes_dir.glob("*.ttl"), settings.shapes_dir),
            files_digest(ontology_files(settings), settings.ontology_dir),
            lang,
        ),
    )
    results, orphans = _describe(loaded, shared, beside=[], keep_orphans=True)
    return shared, results, orphans


def _run(
    todo: list[Path], settings: Settings, workers: int, progress: Callable[[str], None]
) -> Iterable[FileResult]:
    """The results of the files to do, partition by partition, as they are done."""
    groups = _partitions(todo, workers)
    size = sum(p.stat().st_size for p in todo)
    if workers < 2 or len(groups) < 2 or size < PARALLEL_FROM_BYTES:
        for group in groups:
            yield from _collected(group)
        return
    progress(f"{len(groups)} partitions on {min(workers, len(groups))} processes")
    # fork: the workers inherit the loaded modules and the shared sources; the build runs
    # no threads of its own yet. An executor, not a Pool: a worker killed (by the OOM
    # killer, say) breaks it at once, where a Pool waits forever for the lost task.
    with ProcessPoolExecutor(
        min(workers, len(groups)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        done = 0
        for future in as_completed([pool.submit(_collected, g) for g in groups]):
            yield from future.result()
            done += 1
            if done % max(1, len(groups) // 10) == 0:
                progress(f"{done} of {len(groups)} partitions validated")


def _partitions(files: list[Path], workers: int) -> list[list[Path]]:
    """The files dealt into groups of about ``PARTITION_BYTES``, as many as a multiple of
    the workers (none idle at the end), largest first into the lightest (balanced), each
    in the order of the files."""
    sizes = {p: p.stat().st_size for p in files}
    needed = -(-sum(sizes.values()) // PARTITION_BYTES)
    count = min(len(files), -(-needed // workers) * workers)
    groups: list[list[Path]] = [[] for _ in range(max(1, count))]
    loads = [0] * len(groups)
    for path in sorted(files, key=lambda p: sizes[p], reverse=True):
        lightest = loads.index(min(loads))
        groups[lightest].append(path)
        loads[lightest] += sizes[path]
    return [sorted(g) for g in groups if g]


def _partition(files: list[Path]) -> list[FileResult]:
    """In a worker: load ``files``, validate them beside the shared records."""
    shared = _SHARED
    assert shared is not None, "the shared sources are loaded before any partition"
    loaded = _load(files, shared.settings, Context.load(shared.settings))
    results, _ = _describe(loaded, shared, beside=shared.sources.quads, keep_orphans=False)
    return results


def _collected(files: list[Path]) -> list[FileResult]:
    """A partition's results, and its garbage collected (``collect_garbage``)."""
    try:
        return _partition(files)
    finally:
        collect_garbage()


def _load(
    files: list[Path], settings: Settings, context: Context
) -> dict[Path, Sources | InputError]:
    loaded: dict[Path, Sources | InputError] = {}
    for path in files:
        sources = Sources(files=[path])
        try:
            read_file(path, settings, context, sources)
            loaded[path] = sources
        except InputError as e:  # the other files are read still: tell of every one
            loaded[path] = e
    return loaded


def _merged(many: Iterable[Sources]) -> Sources:
    merged = Sources()
    for sources in many:
        merged.quads.extend(sources.quads)
        merged.origins.update(sources.origins)
        merged.key_origins.update(sources.key_origins)
        merged.files.extend(sources.files)
    return merged


def _describe(
    loaded: dict[Path, Sources | InputError],
    shared: Shared,
    beside: list[ox.Quad],
    keep_orphans: bool,
) -> tuple[list[FileResult], list[Problem]]:
    """Validate the loaded files together (``beside`` the shared records); each file's
    result, and the problems of nodes that no file defines (if ``keep_orphans``)."""
    settings = shared.settings
    usable = {p: s for p, s in loaded.items() if isinstance(s, Sources)}
    own = _merged(usable.values())
    report = validate_sources(own, settings, shared.lang, shared.shapes, beside)
    places = Places(own, settings)
    problems: dict[Path | None, list[Problem]] = defaultdict(list)
    for problem in report.problems:
        problems[_file_of(problem)].append(problem)
    results_graph = _results_by_file(report.graph, places)
    having = _having([*beside, *own.quads], settings)
    results = []
    for path, sources in loaded.items():
        dataset = dataset_of(path, settings)
        key = digest(shared.load_key, _relative(path, settings), path.read_bytes())
        if isinstance(sources, InputError):
            results.append(FileResult(path, dataset, key, error=sources))
            continue
        search_facts, index = file_part(sources.quads, settings.base)
        triples = [q.triple for q in sources.quads]
        result = FileResult(
            path,
            dataset,
            key,
            links=_links(sources, settings, shared.defined),
            identifiers=_identifiers(sources, Places(sources, settings)),
            problems=problems.get(path, []),
            report=results_graph.get(path, b""),
            having=_own(having, _subjects_of(sources)),
            search_facts=search_facts,
            parts=shared.parts.of(sources.quads),
            index=index,
            pages=file_pages(triples, settings.urls.id()),
        )
        result.validated_with = _validation_key(result, shared)
        results.append(result)
    return results, problems.get(None, []) if keep_orphans else []


def _having(quads: list[ox.Quad], settings: Settings) -> dict[str, dict[str, list[str]]]:
    """The fields each project and organisation of ``quads`` has (``read.completeness``),
    its links to the shared records followed (a project's city is its organisations')."""
    store = ox.Store()
    store.extend(quads)
    return completeness.having(OxigraphRepo(store, "partition"), settings)


def _own(
    having: dict[str, dict[str, list[str]]], subjects: set[str]
) -> dict[str, dict[str, list[str]]]:
    """Of ``having``, the records among ``subjects`` (a file's, not those beside it)."""
    return {
        table: {record: keys for record, keys in records.items() if record in subjects}
        for table, records in having.items()
    }


def _subjects_of(sources: Sources) -> set[str]:
    """The records a file writes of (a record is written in one file only)."""
    return {q.subject.value for q in sources.quads if isinstance(q.subject, ox.NamedNode)}


def _links(sources: Sources, settings: Settings, shared: frozenset[str]) -> Links:
    """A file's links, with its records' roles that disagree among their errors (a record's
    lead and partners and its sourced roles are in its own file)."""
    links = file_links(sources, settings, shared)
    try:
        check_roles(sources, settings)
    except InputError as e:
        links.errors.extend(getattr(e, "errors", [e]))
    return links


def _file_of(problem: Problem) -> Path | None:
    return problem.where.path if isinstance(problem.where, Origin) else None


def _results_by_file(graph: rdflib.Graph, places: Places) -> dict[Path, bytes]:
    """Each file's results of the machine report, with what they hold, as N-Triples."""
    by_file: dict[Path, rdflib.Graph] = defaultdict(rdflib.Graph)
    for report in graph.subjects(rdflib.RDF.type, SH.ValidationReport):
        for result in graph.objects(report, SH.result):
            where = places.where(graph.value(result, SH.focusNode), None)
            if isinstance(where, Origin):
                mine = by_file[where.path]
                mine.add((report, rdflib.RDF.type, SH.ValidationReport))
                mine.add((report, SH.result, result))
                for triple in graph.cbd(result):
                    mine.add(triple)
    return {path: g.serialize(format="nt", encoding="utf-8") for path, g in by_file.items()}


def _identifiers(sources: Sources, places: Places) -> Identifiers:
    found = Identifiers()
    nodes = set()
    for q in sources.quads:
        if q.predicate.value == IDENTIFIER:
            found.held.append((str(q.subject), str(q.object)))
            nodes.add(q.object)
    for q in sources.quads:
        if q.subject in nodes and q.predicate.value in IDENTIFIER_FACTS:
            found.facts.append((str(q.subject), q.predicate.value, str(q.object)))
    for node in nodes:
        focus = (
            rdflib.BNode(value_of(node))
            if isinstance(node, ox.BlankNode)
            else rdflib.URIRef(value_of(node))
        )
        found.places[str(node)] = (places.where(focus, None), places.resource(focus))
    return found


def _refuse_unusable(results: list[FileResult]) -> None:
    """Raise the unusable files' errors, in the order of the files: a file that could not
    be read, or that defines a record another file already does."""
    twice = {_path_of(e): e for e in duplicates(r.links for r in results if r.links)}
    found = [r.error or twice.get(r.path) for r in results]
    errors = [e for e in found if e is not None]
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)


def _path_of(error: InputError) -> Path | None:
    return error.where.path if isinstance(error.where, Origin) else None


def _compare_identifiers(results: list[FileResult], shared: Shared) -> tuple[list[Problem], bytes]:
    """The shapes that compare records, run on the identifiers whose type and notation
    occur more than once (none in valid data): what they would find in all the data."""
    facts: dict[str, dict[str, str]] = defaultdict(dict)
    for r in results:
        for node, prop, value in r.identifiers.facts:
            facts[node][prop] = value
    holders: dict[tuple, set[str]] = defaultdict(set)
    for r in results:
        for resource, node in r.identifiers.held:
            holders[tuple(sorted(facts.get(node, {}).items()))].add(resource)
    twice = {key for key, resources in holders.items() if key and len(resources) > 1}
    if not twice:
        return [], b""
    lines, places = [], {}
    for r in results:
        for resource, node in r.identifiers.held:
            if tuple(sorted(facts.get(node, {}).items())) in twice:
                lines.append(f"{resource} <{IDENTIFIER}> {node} .")
                lines += [f"{node} <{p}> {v} ." for p, v in facts[node].items()]
        places.update(r.identifiers.places)
    data = rdflib.Graph().parse(data="\n".join(lines), format="nt")
    _, graph = run_shapes(data, shared.comparing)
    known = _KnownPlaces(places)
    problems = list(problems_of(graph, shared.comparing, known, shared.settings, shared.lang))
    return problems, graph.serialize(format="nt", encoding="utf-8")


class _KnownPlaces:
    """Places of identifier nodes, as their files' workers found them."""

    def __init__(self, places: dict[str, tuple[Origin | str, str]]):
        self.places = places

    def _of(self, focus) -> tuple[Origin | str, str]:
        key = f"_:{focus}" if isinstance(focus, rdflib.BNode) else f"<{focus}>"
        return self.places.get(key, (str(focus), str(focus)))

    def where(self, focus, _path) -> Origin | str:
        return self._of(focus)[0]

    def resource(self, focus) -> str:
        return self._of(focus)[1]


def _report(results: list[FileResult], more: list[Problem], more_graph: bytes) -> Report:
    """One report (a single sh:ValidationReport) from every file's results."""
    problems = [p for r in results for p in r.problems] + more
    graph, report_node = rdflib.Graph(), rdflib.BNode()
    graph.add((report_node, rdflib.RDF.type, SH.ValidationReport))
    for nt in [*(r.report for r in results), more_graph]:
        if not nt:
            continue
        part = rdflib.Graph().parse(data=nt, format="nt")
        reports = set(part.subjects(rdflib.RDF.type, SH.ValidationReport))
        for subject, predicate, obj in part:
            if subject in reports:
                if predicate == SH.result:
                    graph.add((report_node, SH.result, obj))
            elif predicate != rdflib.RDF.type or obj != SH.ValidationReport:
                graph.add((subject, predicate, obj))
    conforms = not any(p.severity == "Violation" for p in problems)
    graph.add((report_node, SH.conforms, rdflib.Literal(conforms)))
    problems.sort(key=Report.sort_key)
    having: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for result in results:
        for table, records in result.having.items():
            having[table].update(records)
    return Report(conforms, problems, graph, completeness.tally(having))

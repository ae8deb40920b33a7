"""Shards: loading and SHACL validation split across processes.

pyshacl runs in pure Python, one core at a time, and its cost grows with the data. The
project files are therefore split into shards, one per worker process. Each shard is
loaded and validated together with the *common* sources (ontology, concept schemes,
organisations, strategy: what project records link to), and keeps only the results about
its own records; the common sources are validated once, as a shard of their own.

Checks that need every record at once (links, duplicate IRIs) stay in the parent, on the
merged quads. Shapes must therefore not relate two project records to each other.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ..config import Settings
from ..errors import Origin
from ..forked import die_with_parent
from .link import owners_of, where_defined
from .sources import Sources, load_sources, source_files
from .validate import Problem, Report, to_ox, validate_sources

# Below this much project data one process is quicker than starting a pool.
PARALLEL_FROM_BYTES = 2_000_000


@dataclass
class ShardResult:
    """What a worker sends back: its own files' quads, origins and validation results."""

    nquads: bytes
    origins: dict[str, Origin]
    key_origins: dict[tuple[str, str], Origin]
    files: list[Path]
    problems: list[Problem] = field(default_factory=list)
    report: bytes = b""


def split(
    settings: Settings, files: list[Path], shards: int
) -> tuple[list[Path], list[list[Path]]]:
    """Common files, and the project files dealt into at most ``shards`` groups by size."""
    projects_dir = settings.data_dir / "projects"
    common = [p for p in files if not p.is_relative_to(projects_dir)]
    projects = sorted(
        (p for p in files if p.is_relative_to(projects_dir)),
        key=lambda p: p.stat().st_size,
        reverse=True,
    )
    groups: list[list[Path]] = [[] for _ in range(max(1, min(shards, len(projects))))]
    sizes = [0] * len(groups)
    for path in projects:  # largest first into the lightest group: balanced shards
        lightest = sizes.index(min(sizes))
        groups[lightest].append(path)
        sizes[lightest] += path.stat().st_size
    return common, [sorted(g) for g in groups if g]


def load_and_validate(
    settings: Settings, workers: int, lang: str, progress: Callable[[str], None]
) -> tuple[Sources, Report]:
    """All sources loaded and validated; shards run in parallel when it pays."""
    files = source_files(settings)
    common, groups = split(settings, files, workers)
    project_bytes = sum(p.stat().st_size for g in groups for p in g)
    if workers < 2 or len(groups) < 2 or project_bytes < PARALLEL_FROM_BYTES:
        progress(f"loading and validating {len(files)} files")
        return _merge([_shard((settings, [], files, lang))])
    no_context: list[Path] = []
    tasks = [(settings, no_context, common, lang)] + [(settings, common, g, lang) for g in groups]
    progress(
        f"loading and validating {len(files)} files in {len(tasks)} shards on {workers} processes"
    )
    # fork: the workers inherit the loaded modules; the build runs no threads of its own.
    # An executor, not a Pool: a worker killed (by the OOM killer, say) breaks it at once,
    # where a Pool waits forever for the lost task.
    with ProcessPoolExecutor(
        min(workers, len(tasks)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        return _merge(list(pool.map(_shard, tasks)))


def _shard(task: tuple[Settings, list[Path], list[Path], str]) -> ShardResult:
    """Load ``context + own`` files, validate, keep what is about the ``own`` files."""
    settings, context, own, lang = task
    sources = load_sources(settings, files=context + own)
    mine = set(own)
    report = validate_sources(sources, settings, lang)
    owners = owners_of(sources.quads)

    def is_mine(subject) -> bool:
        path = _owner_path(subject, owners, sources)
        return path in mine or (path is None and not context)  # orphans: the common shard

    _drop_results_of_others(report.graph, is_mine)
    return ShardResult(
        nquads=ox.serialize(
            [q for q in sources.quads if is_mine(q.subject)], format=ox.RdfFormat.N_QUADS
        )
        or b"",
        origins={s: o for s, o in sources.origins.items() if o.path in mine},
        key_origins={k: o for k, o in sources.key_origins.items() if o.path in mine},
        files=sorted(mine),
        problems=[p for p in report.problems if _file_of(p) in mine or not context],
        report=report.graph.serialize(format="nt", encoding="utf-8"),
    )


def _file_of(problem: Problem) -> Path | None:
    return problem.where.path if isinstance(problem.where, Origin) else None


def _owner_path(subject, owners: dict, sources: Sources) -> Path | None:
    origin = where_defined(subject, owners, sources)
    return origin.path if isinstance(origin, Origin) else None


def _drop_results_of_others(graph: rdflib.Graph, is_mine: Callable) -> None:
    """Keep in the machine report only the results whose focus node is this shard's."""
    for report in list(graph.subjects(rdflib.RDF.type, SH.ValidationReport)):
        for result in list(graph.objects(report, SH.result)):
            if not is_mine(to_ox(graph.value(result, SH.focusNode))):
                graph.remove((report, SH.result, result))
                for triple in list(graph.cbd(result)):
                    graph.remove(triple)


def _merge(results: list[ShardResult]) -> tuple[Sources, Report]:
    """One Sources and one report (a single sh:ValidationReport) from all shards."""
    sources, problems = Sources(), []
    several = len(results) > 1
    graph, report_node = rdflib.Graph(), rdflib.BNode()
    graph.add((report_node, rdflib.RDF.type, SH.ValidationReport))
    for result in results:
        # Forked workers share one random state, so the ids they gave blank nodes can
        # collide; one shard's are kept (the sources' own labels: the same dumps each build).
        sources.quads.extend(
            ox.parse(result.nquads, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=several)
        )
        for subject, origin in result.origins.items():
            sources.claim(subject, origin)
        sources.key_origins.update(result.key_origins)
        sources.files.extend(result.files)
        problems.extend(result.problems)
        shard = rdflib.Graph().parse(data=result.report, format="nt")
        reports = set(shard.subjects(rdflib.RDF.type, SH.ValidationReport))
        for node, predicate, obj in shard:
            if node in reports:
                if predicate == SH.result:
                    graph.add((report_node, SH.result, obj))
            else:
                graph.add((node, predicate, obj))
    conforms = not any(p.severity == "Violation" for p in problems)
    graph.add((report_node, SH.conforms, rdflib.Literal(conforms)))
    problems.sort(key=Report.sort_key)
    return sources, Report(conforms=conforms, problems=problems, graph=graph)

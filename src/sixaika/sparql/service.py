"""The SPARQL service of one app (or one CLI run): limits, policy, backend, description.

``Service.open`` picks the backend: a remote store when the repo is one, else the
release's embedded store behind the worker pool, with lookups (a DESCRIBE of named
resources) answered on the repo's own store in this process (see ``lookup``). Everything
a query goes through before and after the engine is here, so the web endpoint and the
CLI behave the same.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeGuard

import pyoxigraph as ox

from ..config import Settings
from ..logs import ReleaseLog, first_line, for_release
from ..read.store import OxigraphRepo, RemoteRepo, Repo
from ..release import Release
from . import QueryError, policy
from .admission import Admission
from .description import describe, endpoint_iri
from .engine import Answer, Engine, Job, Limits
from .examples import Example, examples
from .lookup import LookupEngine
from .pool import PoolEngine
from .protocol import QueryRequest
from .remote import RemoteEngine
from .worker import WorkerOptions


@dataclass
class Service:
    settings: Settings
    release: Release | None
    limits: Limits
    engine: Engine
    log: ReleaseLog
    examples: list[Example] = field(default_factory=list)
    lookups: Engine | None = None  # answers ``policy.QueryInfo.lookup`` queries, if set
    admission: Admission | None = None

    @classmethod
    def open(cls, settings: Settings, repo: Repo | None, release: Release | None) -> Service:
        limits = Limits.from_settings(settings)
        log = for_release(release.id if release else repo.version if repo else None)
        engine = _engine(settings, repo, release, limits, log)
        lookups = None
        if isinstance(engine, PoolEngine) and _opens(repo, release):
            lookups = LookupEngine(repo.store, settings.prefixes)
        admission = Admission(limits.admitted, limits.per_client)
        return cls(settings, release, limits, engine, log, examples(settings), lookups, admission)

    def run(self, asked: QueryRequest, accept: str, client: str = "") -> Answer:
        """Check the query against the policy, then run it within the limits: a lookup at
        once, any other query once admitted (``admission``) for ``client``."""
        info = policy.check(asked.query, self.limits.max_length, self.limits.services)
        job = self._job(asked, accept, info)
        if info.lookup and self.lookups:
            answer = self.lookups.run(job)
        else:
            with self.admission.slot(client) if self.admission else nullcontext():
                started = time.monotonic()
                try:
                    answer = self.engine.run(job)
                finally:
                    self._note_if_slow(time.monotonic() - started, asked.query)
        return replace(answer, volatile=True) if info.volatile else answer

    def _note_if_slow(self, seconds: float, query: str) -> None:
        threshold = self.settings.slow_query_seconds
        if threshold and seconds >= threshold:
            self.log.warning(
                "a slow query (%.1f s; SIXAIKA_SLOW_QUERY_SECONDS is %g): %s",
                seconds,
                threshold,
                first_line(query),
            )

    def _job(self, asked: QueryRequest, accept: str, info: policy.QueryInfo) -> Job:
        default_graphs, named_graphs = asked.default_graphs, asked.named_graphs
        if not (default_graphs or named_graphs) and info.repeats_a_graph:
            # The query's own dataset, each graph once: as parameters, which override FROM.
            default_graphs = tuple(dict.fromkeys(info.from_graphs))
            named_graphs = tuple(dict.fromkeys(info.from_named))
        return Job(
            query=asked.query,
            accept=accept,
            timeout=self.limits.timeout_for(asked.timeout),
            max_bytes=self.limits.max_result_bytes,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            union_default_graph=not info.has_dataset,
            base_iri=endpoint_iri(self.settings),
            form=info.form,
        )

    @cached_property
    def description(self) -> list[ox.Triple]:
        return describe(self.settings, self.release, self.limits)

    def close(self) -> None:
        self.engine.close()


class _NoStore(Engine):
    """No release to query: every query answers 503 with the reason."""

    def run(self, job: Job) -> Answer:
        raise QueryError(503, "There is no release to query yet: run `sixaika build`.")

    def close(self) -> None:
        """Nothing to release."""


def _opens(repo: Repo | None, release: Release | None) -> TypeGuard[OxigraphRepo]:
    """True if ``repo`` is the release's own embedded store, open in this process."""
    return isinstance(repo, OxigraphRepo) and release is not None and repo.version == release.id


def _engine(
    settings: Settings,
    repo: Repo | None,
    release: Release | None,
    limits: Limits,
    log: ReleaseLog,
) -> Engine:
    if isinstance(repo, RemoteRepo):
        return RemoteEngine(repo.endpoint, repo.graphs, settings.prefixes)
    if release is None:
        return _NoStore()
    options = WorkerOptions(
        store_path=str(release.path / "store"),
        in_memory=limits.copies_in_memory(release.manifest.triples),
        memory_mb=limits.memory_mb,
        network=bool(limits.services),
        prefixes=settings.prefixes,
    )
    return PoolEngine(options, limits, log)

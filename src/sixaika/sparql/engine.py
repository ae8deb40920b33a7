"""The query engine interface: a ``Job`` in, an ``Answer`` (or ``QueryError``) out.

Two backends implement it: ``pool.PoolEngine`` runs queries on the release's embedded
store in worker processes, ``remote.RemoteEngine`` hands them to a SPARQL 1.1 endpoint.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from ..config import Settings


@dataclass(frozen=True)
class Limits:
    """The bounds every query runs within (from the settings)."""

    timeout: float  # seconds
    max_length: int  # characters of query text
    max_result_bytes: int
    memory_mb: int  # address space a query may take in a worker process
    in_memory_quads: int  # releases up to this size are copied into each worker's memory
    workers: int
    services: frozenset[str]  # SERVICE endpoints a query may call
    queue: int = 0  # queries that may wait for a worker
    per_client: int = 1  # queries one client may have running or waiting

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            timeout=settings.query_timeout,
            max_length=settings.query_max_length,
            max_result_bytes=settings.query_max_result_mb * 1_000_000,
            memory_mb=settings.query_memory_mb,
            in_memory_quads=settings.query_in_memory_quads,
            workers=settings.query_workers,
            services=frozenset(settings.query_services),
            queue=settings.query_queue,
            per_client=settings.query_per_client,
        )

    @property
    def max_body(self) -> int:
        """The largest request body accepted: a form with a query of ``max_length``
        characters (up to 4 bytes each in UTF-8) and its other parameters."""
        return 4 * self.max_length + 4096

    @property
    def admitted(self) -> int:
        """Queries that may be in a web worker at once: running, or waiting for a worker."""
        return self.workers + self.queue

    def copies_in_memory(self, quads: int) -> bool:
        """Whether query workers copy a release of this many quads into their memory."""
        return quads <= self.in_memory_quads

    def timeout_for(self, asked: float | None) -> float:
        """A request may lower the time limit, never raise it."""
        return self.timeout if asked is None else min(asked, self.timeout)


@dataclass(frozen=True)
class Job:
    query: str
    accept: str  # the client's Accept header: the result format is chosen by it
    timeout: float
    max_bytes: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union_default_graph: bool = True  # False when the query names its dataset (FROM)
    # The endpoint's IRI: a query without BASE resolves relative IRIs against it (the
    # SPARQL 1.1 Protocol, as its test query_content_type_construct expects).
    base_iri: str = ""
    form: str = ""  # SELECT, ASK, CONSTRUCT or DESCRIBE: the kind of result it gives


@dataclass(frozen=True)
class Answer:
    content_type: str
    body: bytes
    volatile: bool = False  # another run may answer otherwise (NOW(), RAND(), ...): not cached


class Engine(ABC):
    @abstractmethod
    def run(self, job: Job) -> Answer:
        """The results, or ``QueryError`` with the status to answer."""

    @abstractmethod
    def close(self) -> None:
        """Release processes or connections (the engine is not used afterwards)."""

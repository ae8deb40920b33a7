"""Lookups: a DESCRIBE of named resources, answered in the web process itself.

Such a query (``policy.QueryInfo.lookup``: DESCRIBE, up to 64 IRIs or prefixed names,
nothing else) evaluates no pattern: the engine reads the triples about each resource, the
very lookups the linked-data pages make in this process. It cannot run away, and it has
none of the shapes known to crash the engine (a sort, deep nesting), so it needs no worker
process; the trip to one cost more than the lookup itself (measured on a 100k-project
release: about 0.5 ms of a worker's CPU against 0.25 ms for the lookup). The result-size limit
holds here as in the workers: both serialize with ``worker.execute``. No time limit: a
lookup takes time in proportion to what it returns, which is that limit at most.
"""

from __future__ import annotations

import traceback

import pyoxigraph as ox

from . import QueryError
from .engine import Answer, Engine, Job
from .worker import execute


class LookupEngine(Engine):
    """Runs lookups on a store this process already has open (the repo's)."""

    def __init__(self, store: ox.Store, prefixes: dict[str, str]):
        self.store, self.prefixes = store, prefixes

    def run(self, job: Job) -> Answer:
        try:
            return execute(self.store, job, self.prefixes)
        except BaseException as e:
            _forget_frames(e)
            if isinstance(e, QueryError | KeyboardInterrupt | SystemExit):
                raise
            # A Rust panic is no Exception; it must not reach Flask.
            raise QueryError(500, f"The lookup failed in the query engine: {e}") from None

    def close(self) -> None:
        """Nothing to release: the store belongs to the repo."""


def _forget_frames(error: BaseException | None) -> None:
    """Let go of the query results an error's frames hold, here and now.

    pyoxigraph's results may be dropped only in the thread that made them. An error's
    frames would keep them alive until the garbage collector runs, in any thread, where
    they could not be dropped: they leaked, and each said so on stderr.
    """
    while error is not None:
        traceback.clear_frames(error.__traceback__)
        error = error.__context__

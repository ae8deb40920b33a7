"""Admission: how many SPARQL queries may be in a web worker at once, and per client.

A query holds one of the web worker's threads while it waits for a query worker and while
it runs. Without a bound, runaway queries took every thread and the pages stopped too. So
a query is admitted only while fewer than ``capacity`` are running or waiting (the query
workers, and a queue behind them), and while its client has fewer than ``per_client`` of
them; else it is answered at once: 503 when the queue is full, 429 when the client has
had its share, both with ``Retry-After``. The front gives the app more threads than
``capacity``, so pages and lookups (which are never admitted here) always find one.

>>> admission = Admission(capacity=2, per_client=1)
>>> with admission.slot("a"), admission.slot("b"):
...     admission.slot("c").__enter__()
Traceback (most recent call last):
sixaika.sparql.QueryError: All 2 places for SPARQL queries are taken; try again in a moment.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from . import QueryError

RETRY_AFTER = 5  # seconds a refused client is told to wait


class Admission:
    def __init__(self, capacity: int, per_client: int):
        self.capacity, self.per_client = capacity, per_client
        self._lock = threading.Lock()
        self._by_client: Counter[str] = Counter()

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold a place while the query waits and runs; ``QueryError`` if there is none."""
        with self._lock:
            self._refuse_if_full(client)
            self._by_client[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._by_client[client] -= 1
                if not self._by_client[client]:
                    del self._by_client[client]

    def _refuse_if_full(self, client: str) -> None:
        if self._by_client[client] >= self.per_client:
            raise QueryError(
                429,
                f"You have {self.per_client} SPARQL queries running or waiting here, the most "
                "one client may have at once; send the next when one has been answered.",
                retry_after=RETRY_AFTER,
            )
        if self._by_client.total() >= self.capacity:
            raise QueryError(
                503,
                f"All {self.capacity} places for SPARQL queries are taken; try again in a moment.",
                retry_after=RETRY_AFTER,
            )

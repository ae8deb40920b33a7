"""Caches: a release never changes, so nothing served from it is computed twice.

Two layers, both per worker process and bounded:

- ``LRU`` memoises representations (a project's Turtle, its HTML in Finnish, ...) and the
  descriptions they are made from, keyed by what they depend on.
- ``ResponseCache`` sits in front of Flask as WSGI middleware and replays a whole response
  that a view marked cacheable (``mark_cacheable``): on the hot path a request costs a
  dictionary lookup, not a trip through routing, negotiation and templates. Such views
  vary only on ``Accept`` and ``Accept-Language``, which are part of the key. Conditional
  and range requests go through to Flask, which answers them (304) with the same ETag.

>>> lru = LRU(2)
>>> lru.get_or_compute("a", lambda: 1), lru.get_or_compute("b", lambda: 2)
(1, 2)
>>> lru.get_or_compute("a", lambda: 99)  # remembered
1
>>> _ = lru.get_or_compute("c", lambda: 3)  # evicts "b", the least recently used
>>> lru.get("b") is None
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

from flask import request

from . import preconditions

CACHEABLE = "sixaika.cacheable"  # WSGI environ flag a view sets
# Requests Flask must answer itself: conditional, or for a part.
_PASS_THROUGH = (*preconditions.HEADERS, "HTTP_IF_RANGE", "HTTP_RANGE")
MAX_CACHED_BODY = 4 << 20  # bigger responses are passed on, not kept
MAX_CACHED_BYTES = 256 << 20  # all kept responses of one worker together
Answer = tuple[str, list[tuple[str, str]], bytes]  # a whole response: status, headers, body


class LRU:
    """A thread-safe least-recently-used map of bounded size (0 keeps nothing).

    With ``weigh``, the values' total weight (bytes, say) is bounded by ``max_weight`` too.

    >>> by_bytes = LRU(10, weigh=len, max_weight=5)
    >>> by_bytes.put("a", b"abc"); by_bytes.put("b", b"de"); by_bytes.put("c", b"f")
    >>> by_bytes.get("a") is None, by_bytes.get("c")
    (True, b'f')
    """

    def __init__(self, size: int, weigh: Callable[[Any], int] | None = None, max_weight: int = 0):
        self.size, self.weigh, self.max_weight = size, weigh, max_weight
        self.weight = 0
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            if key in self._items:
                self.weight -= self._weight(self._items[key])
            self._items[key] = value
            self._items.move_to_end(key)
            self.weight += self._weight(value)
            while len(self._items) > self.size or (
                self.weigh and self.weight > self.max_weight and len(self._items) > 1
            ):
                _, evicted = self._items.popitem(last=False)
                self.weight -= self._weight(evicted)

    def _weight(self, value: Any) -> int:
        return self.weigh(value) if self.weigh else 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value for ``key``, computed on a miss. ``None`` is never kept: requests
        for IRIs that do not exist cannot push the pages that do out of the cache."""
        # Computed outside the lock: two threads may compute the same value once each,
        # which is cheaper than making every other request wait.
        value = self.get(key)
        if value is None:
            value = compute()
            if value is not None:
                self.put(key, value)
        return value

    def __len__(self) -> int:
        return len(self._items)


def mark_cacheable() -> None:
    """Let ``ResponseCache`` keep this request's response (it varies on Accept* only)."""
    request.environ[CACHEABLE] = True


class ResponseCache:
    """WSGI middleware replaying responses of GET requests that views marked cacheable."""

    def __init__(self, app: Callable, entries: int):
        self.app = app
        self.entries = LRU(entries, weigh=lambda entry: len(entry[2]), max_weight=MAX_CACHED_BYTES)

    @staticmethod
    def key(environ: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(
            environ.get(name, "")
            for name in (
                "SCRIPT_NAME",
                "PATH_INFO",
                "QUERY_STRING",
                "HTTP_ACCEPT",
                "HTTP_ACCEPT_LANGUAGE",
            )
        )

    @staticmethod
    def replayable(environ: Mapping[str, Any]) -> bool:
        return environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not any(
            h in environ for h in _PASS_THROUGH
        )

    def hit(self, environ: Mapping[str, Any]) -> Answer | None:
        """The kept (status, headers, body) that answers this request, if any."""
        return self.entries.get(self.key(environ)) if self.replayable(environ) else None

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not self.replayable(environ):
            return self.app(environ, start_response)
        method = environ["REQUEST_METHOD"]
        hit = self.hit(environ)
        if hit is not None:
            status, headers, body = hit
            start_response(status, headers)
            return [b"" if method == "HEAD" else body]
        if method == "HEAD":
            return self.app(environ, start_response)
        return self._fill(environ, start_response)

    def _fill(self, environ: dict[str, Any], start_response: Callable):
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info=None):
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        if not environ.get(CACHEABLE) or not seen:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        self.keep(environ, seen["status"], seen["headers"], body)
        return [body]

    def keep(self, environ: Mapping[str, Any], status: str, headers: list, body: bytes) -> None:
        """Keep a cacheable response to a GET (a 200 or a 303 of at most
        ``MAX_CACHED_BODY``) to replay it."""
        if environ.get("REQUEST_METHOD") != "GET" or len(body) > MAX_CACHED_BODY:
            return
        if status[:3] in ("200", "303"):
            self.entries.put(self.key(environ), (status, list(headers), body))

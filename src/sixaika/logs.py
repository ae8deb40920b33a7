"""What the server tells its operator: a line per event on stderr, naming the release.

Events: a web worker starting on a release, a new release made current, a query worker
that died (and why), a query slower than ``SIXAIKA_SLOW_QUERY_SECONDS``, every answer of
5xx. Each line says which release it concerns, as ``release <id>: ...``.

>>> import io
>>> out = io.StringIO()
>>> to_stream(out, fmt="%(levelname)s %(message)s")
>>> for_release("20260101T000000000000Z").warning("a query worker died (%s)", "SIGSEGV")
>>> out.getvalue()
'WARNING release 20260101T000000000000Z: a query worker died (SIGSEGV)\\n'
>>> to_stream(None)
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

LOGGER = logging.getLogger("sixaika")
LINE = "%(asctime)s [%(process)d] %(levelname)s %(message)s"
_handler: logging.Handler | None = None


class ReleaseLog(logging.LoggerAdapter):
    """The logger of one release's events: each message begins with its id."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        release = self.extra["release"] if self.extra else None
        return f"release {release or '-'}: {msg}", kwargs


def for_release(release: str | None) -> ReleaseLog:
    return ReleaseLog(LOGGER, {"release": release})


def to_stream(stream: TextIO | None = sys.stderr, fmt: str = LINE) -> None:
    """Send the events (INFO and above) to ``stream``, a line each; None: stop."""
    global _handler
    if _handler is not None:
        LOGGER.removeHandler(_handler)
        _handler = None
    if stream is not None:
        _handler = logging.StreamHandler(stream)
        _handler.setFormatter(logging.Formatter(fmt))
        LOGGER.addHandler(_handler)
        LOGGER.setLevel(logging.INFO)


def first_line(text: str, limit: int = 200) -> str:
    """A query (or any text) on one short line, for a log.

    >>> first_line("SELECT *\\n  { ?s ?p ?o }"), first_line("x" * 300)[-3:]
    ('SELECT * { ?s ?p ?o }', 'xx…')
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

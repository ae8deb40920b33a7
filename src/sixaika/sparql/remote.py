"""The remote backend: queries handed to any SPARQL 1.1 endpoint by URL.

For users who outgrow one machine: Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever. The
store evaluates (its own isolation is its business); we still bound the time we wait and
the size we relay, and the policy has refused updates and SERVICE before we get here.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

from . import QueryError, too_large, too_slow
from .engine import Answer, Engine, Job
from .formats import GRAPH, SOLUTIONS, negotiate
from .protocol import FORM

_CHUNK = 1 << 16


class RemoteEngine(Engine):
    """A remote SPARQL 1.1 endpoint: it evaluates; we bound the time and the size.

    Its default graph must be the union of the named graphs (``oxigraph serve
    --union-default-graph``, Fuseki's ``tdb2:unionDefaultGraph``), as the embedded store's is.
    """

    def __init__(self, endpoint: str):
        self.endpoint = endpoint

    def run(self, job: Job) -> Answer:
        formats = [f for f in (negotiate(job.accept, k) for k in (SOLUTIONS, GRAPH)) if f]
        if not formats:
            raise QueryError(406, f"No result format this endpoint offers fits {job.accept!r}.")
        # The store would resolve relative IRIs against its own address: BASE says ours (a
        # BASE in the query comes later, and wins).
        query = f"BASE <{job.base_iri}>\n{job.query}" if job.base_iri else job.query
        fields = [("query", query)]
        fields += [("default-graph-uri", g) for g in job.default_graphs]
        fields += [("named-graph-uri", g) for g in job.named_graphs]
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Accept": ", ".join(f.media_type for f in formats), "Content-Type": FORM},
        )
        deadline = time.monotonic() + job.timeout
        try:
            with urllib.request.urlopen(request, timeout=job.timeout) as response:
                body = _read_within(response, job, deadline)
                return Answer(response.headers.get("Content-Type", ""), body)
        except urllib.error.HTTPError as e:
            raise self._relayed(e) from None
        except TimeoutError:
            raise too_slow(job.timeout) from None
        except (urllib.error.URLError, OSError) as e:
            raise QueryError(502, f"The store at {self.endpoint} did not answer: {e}.") from None

    def close(self) -> None:
        """Nothing to release: each query is one HTTP request."""

    def _relayed(self, error: urllib.error.HTTPError) -> QueryError:
        """The store's own 4xx (syntax error, 406, ...) reaches the client as it is."""
        message = error.read(2000).decode("utf-8", "replace").strip() or error.reason
        if 400 <= error.code < 500:
            return QueryError(error.code, message)
        return QueryError(502, f"The store at {self.endpoint} failed ({error.code}): {message}")


def _read_within(response, job: Job, deadline: float) -> bytes:
    body = bytearray()
    while chunk := response.read(_CHUNK):
        body += chunk
        if len(body) > job.max_bytes:
            raise too_large(job.max_bytes)
        if time.monotonic() > deadline:
            raise too_slow(job.timeout)
    return bytes(body)

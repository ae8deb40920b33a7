"""The remote backend: queries handed to any SPARQL 1.1 endpoint by URL.

For users who outgrow one machine: Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever. The
store evaluates (its own isolation is its business); we still bound the time we wait and
the size we relay, and the policy has refused updates and SERVICE before we get here.

The answer is read in the plainest format every store writes faithfully (N-Triples for
graphs, SPARQL JSON for solutions and booleans) and written out here in the format the
client asked for, as the embedded engine writes it. Stores differ in the rest: Virtuoso
7.2 writes an ``xsd:decimal`` such as 248000 as a bare integer in Turtle and JSON-LD (an
``xsd:integer``: another value), and answers an ASK as a table with one row.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from ..read.store import RESULTS_FORMAT, RESULTS_JSON, incomplete, plain_blank_nodes, truth
from . import QueryError, too_large, too_slow
from .engine import Answer, Engine, Job
from .formats import BOOLEAN, GRAPH, SOLUTIONS, Format, negotiate, offered, serialize
from .protocol import FORM

_CHUNK = 1 << 16
_READ_AS = {GRAPH: "application/n-triples", SOLUTIONS: RESULTS_JSON, BOOLEAN: RESULTS_JSON}


class RemoteEngine(Engine):
    """A remote SPARQL 1.1 endpoint: it evaluates; we bound the time and the size.

    A query that names no dataset of its own gets the release's: ``graphs`` as its
    default graph (their union, as the embedded store's) and as its named graphs, sent
    with it as ``default-graph-uri`` and ``named-graph-uri``; so a store whose default
    graph holds more (Virtuoso's holds its system graph) answers as the embedded one does.
    """

    def __init__(
        self, endpoint: str, graphs: tuple[str, ...] = (), prefixes: dict[str, str] | None = None
    ):
        self.endpoint, self.graphs, self.prefixes = endpoint, graphs, prefixes or {}

    def run(self, job: Job) -> Answer:
        kind = kind_of_form(job.form)
        fmt = negotiate(job.accept, kind)
        if fmt is None:
            raise QueryError(
                406, f"This query's results come as one of: {', '.join(offered(kind))}."
            )
        body = self._fetch(job, _READ_AS[kind])
        return Answer(fmt.content_type, self._rewrite(body, kind, fmt, job.max_bytes))

    def _fetch(self, job: Job, accept: str) -> bytes:
        default_graphs, named_graphs = job.default_graphs, job.named_graphs
        if job.union_default_graph and not (default_graphs or named_graphs):
            default_graphs = named_graphs = self.graphs
        # The store would resolve relative IRIs against its own address: BASE says ours (a
        # BASE in the query comes later, and wins).
        query = f"BASE <{job.base_iri}>\n{job.query}" if job.base_iri else job.query
        fields = [("query", query)]
        fields += [("default-graph-uri", g) for g in default_graphs]
        fields += [("named-graph-uri", g) for g in named_graphs]
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Accept": accept, "Content-Type": FORM},
        )
        deadline = time.monotonic() + job.timeout
        try:
            with urllib.request.urlopen(request, timeout=job.timeout) as response:
                if why := incomplete(response.headers):
                    raise QueryError(
                        502,
                        f"The store sent only part of the answer ({why}). Ask for less: "
                        "LIMIT and OFFSET page through results.",
                    )
                return _read_within(response, job, deadline)
        except urllib.error.HTTPError as e:
            raise self._relayed(e) from None
        except TimeoutError:
            raise too_slow(job.timeout) from None
        except (urllib.error.URLError, OSError) as e:
            raise QueryError(502, f"The store at {self.endpoint} did not answer: {e}.") from None

    def _rewrite(self, body: bytes, kind: str, fmt: Format, limit: int) -> bytes:
        """The store's answer written in ``fmt``; 502 if it is not what was asked for."""
        try:
            if kind == GRAPH:
                triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
                return serialize(triples, fmt, limit, self.prefixes)
            document = json.loads(body)
            if kind == BOOLEAN:
                return serialize(_boolean(truth(document)), fmt, limit, self.prefixes)
            results = ox.parse_query_results(
                json.dumps(plain_blank_nodes(document)).encode(), format=RESULTS_FORMAT
            )
            return serialize(results, fmt, limit, self.prefixes)
        except (SyntaxError, ValueError, KeyError, TypeError) as e:
            raise QueryError(502, f"The store at {self.endpoint} answered {e}.") from None

    def close(self) -> None:
        """Nothing to release: each query is one HTTP request."""

    def _relayed(self, error: urllib.error.HTTPError) -> QueryError:
        """The store's own 4xx (syntax error, 406, ...) reaches the client as it is."""
        message = error.read(2000).decode("utf-8", "replace").strip() or error.reason
        if 400 <= error.code < 500:
            return QueryError(error.code, message)
        return QueryError(502, f"The store at {self.endpoint} failed ({error.code}): {message}")


def kind_of_form(form: str) -> str:
    """The kind of result a query form gives (SELECT, ASK, CONSTRUCT, DESCRIBE)."""
    return {"ASK": BOOLEAN, "CONSTRUCT": GRAPH, "DESCRIBE": GRAPH}.get(form.upper(), SOLUTIONS)


_ANSWERS = ox.Store()  # empty: only to make pyoxigraph's boolean results, which it writes


def _boolean(value: bool) -> ox.QueryBoolean:
    answer = _ANSWERS.query("ASK {}" if value else "ASK { FILTER(false) }")
    assert isinstance(answer, ox.QueryBoolean)
    return answer


def _read_within(response, job: Job, deadline: float) -> bytes:
    body = bytearray()
    while chunk := response.read(_CHUNK):
        body += chunk
        if len(body) > job.max_bytes:
            raise too_large(job.max_bytes)
        if time.monotonic() > deadline:
            raise too_slow(job.timeout)
    return bytes(body)

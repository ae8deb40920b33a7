"""Store: the one interface through which the web layer reads the published data.

``Repo`` has two implementations: ``OxigraphRepo`` reads a release's embedded store,
``RemoteRepo`` speaks the SPARQL 1.1 Protocol to any endpoint (Oxigraph server, Fuseki,
Virtuoso, GraphDB, QLever). The default graph is the union of the datasets' graphs.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"),
...                   ox.NamedNode("http://e/g")))
>>> repo = OxigraphRepo(store, version="test")
>>> [row["o"].value for row in repo.select("SELECT ?o { ?s ?p ?o }")]
['x']
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from email.message import Message
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..release import Release

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]


class Repo(ABC):
    """Read-only access to the published dataset."""

    version: str  # changes whenever the data may have changed (release id): ETags use it

    @abstractmethod
    def select(self, query: str) -> list[Row]: ...

    @abstractmethod
    def ask(self, query: str) -> bool: ...

    @abstractmethod
    def construct(self, query: str) -> list[ox.Triple]:
        """CONSTRUCT or DESCRIBE."""


class OxigraphRepo(Repo):
    """A release's embedded pyoxigraph store (in this process)."""

    def __init__(self, store: ox.Store, version: str):
        self.store, self.version = store, version

    @classmethod
    def open(cls, release: Release) -> OxigraphRepo:
        return cls(release.open_store(), release.id)

    def _query(self, query: str):
        return self.store.query(query, use_default_graph_as_union=True)

    def select(self, query: str) -> list[Row]:
        results = self._query(query)
        names = [v.value for v in results.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in results]

    def ask(self, query: str) -> bool:
        return bool(self._query(query))

    def construct(self, query: str) -> list[ox.Triple]:
        return list(self._query(query))


class RemoteRepo(Repo):
    """Any SPARQL 1.1 Protocol endpoint, by URL.

    ``graphs`` (the release's datasets) go with every query as its dataset, both
    ``default-graph-uri`` and ``named-graph-uri``: a store's own default graph may hold
    more than ours (Virtuoso's is the union of all its graphs, its system graph too), and
    without ``named-graph-uri`` Virtuoso lets ``GRAPH ?g`` see every graph.
    """

    def __init__(
        self,
        endpoint: str,
        version: str = "remote",
        timeout: float = 30.0,
        graphs: tuple[str, ...] = (),
    ):
        self.endpoint, self.version, self.timeout = endpoint, version, timeout
        self.graphs = graphs

    def _post(self, query: str, accept: str) -> bytes:
        fields = [("query", query)]
        fields += [("default-graph-uri", g) for g in self.graphs]
        fields += [("named-graph-uri", g) for g in self.graphs]
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            if why := incomplete(response.headers):
                raise IncompleteAnswer(f"{self.endpoint} sent part of an answer: {why}")
            return response.read()

    def select(self, query: str) -> list[Row]:
        document = plain_blank_nodes(json.loads(self._post(query, RESULTS_JSON)))
        results = ox.parse_query_results(json.dumps(document).encode(), format=RESULTS_FORMAT)
        if not isinstance(results, ox.QuerySolutions):
            raise ValueError(f"{self.endpoint} answered a SELECT with a boolean")
        names = [v.value for v in results.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in results]

    def ask(self, query: str) -> bool:
        return truth(json.loads(self._post(query, RESULTS_JSON)))

    def construct(self, query: str) -> list[ox.Triple]:
        body = self._post(query, "application/n-triples")
        return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


# What stores write otherwise than pyoxigraph reads --------------------------------


RESULTS_JSON, RESULTS_FORMAT = "application/sparql-results+json", ox.QueryResultsFormat.JSON


class IncompleteAnswer(OSError):
    """The store says that its answer is not whole."""


def incomplete(headers: Message) -> str | None:
    """Why the store's answer is not whole, when it says so; else None.

    Virtuoso cuts a table at its ``ResultSetMaxRows`` and stops a query given a time of its
    own with what it found so far, both with 200: only a header tells (``X-SPARQL-MaxRows``,
    ``X-SQL-State: S1TAT``). (A graph it cuts at ``ResultSetMaxRows`` without a word: the
    README asks for a limit above any answer served.)
    """
    if rows := headers.get("X-SPARQL-MaxRows"):
        return f"it sends at most {rows} rows"
    if state := headers.get("X-SQL-State"):
        return f"{state} {headers.get('X-SQL-Message', '')}".strip()
    return None


def plain_blank_nodes(document: dict[str, Any]) -> dict[str, Any]:
    """SPARQL JSON results with every blank node named by a plain label.

    Stores name blank nodes as they like (Virtuoso's ``nodeID://b10423`` is no label
    pyoxigraph takes); a label only has to be the same within one answer.
    """
    for row in document["results"]["bindings"]:
        for value in row.values():
            if value["type"] == "bnode":
                value["value"] = blank_label(value["value"])
    return document


def blank_label(name: str) -> str:
    """A label of letters and digits, the same for the same ``name``.

    >>> blank_label("nodeID://b10423") == blank_label("nodeID://b10423")
    True
    """
    return "b" + hashlib.blake2b(name.encode(), digest_size=8).hexdigest()


def truth(document: dict[str, Any]) -> bool:
    """An ASK's answer in SPARQL JSON, or as Virtuoso 7.2 writes it: a table of one
    column (``__ASK_RETVAL``) with a row holding 1 when true, no row when false.

    >>> truth({"head": {}, "boolean": False})
    False
    >>> row = {"__ASK_RETVAL": {"type": "typed-literal", "value": "1"}}
    >>> truth({"head": {}, "results": {"bindings": [row]}})
    True
    """
    if "boolean" in document:
        return bool(document["boolean"])
    rows = document["results"]["bindings"]
    return any(value["value"] not in ("0", "false") for row in rows for value in row.values())


def open_repo(settings: Settings, release: Release) -> Repo:
    """The release's own store, or the remote store ``build --store`` loaded it into."""
    if settings.store:
        return RemoteRepo(settings.store, release.id, settings.query_timeout, release.graphs)
    return OxigraphRepo.open(release)

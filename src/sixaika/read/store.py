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

import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod

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
    """Any SPARQL 1.1 Protocol endpoint, by URL."""

    def __init__(self, endpoint: str, version: str = "remote", timeout: float = 30.0):
        self.endpoint, self.version, self.timeout = endpoint, version, timeout

    def _post(self, query: str, accept: str) -> bytes:
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return response.read()

    def select(self, query: str) -> list[Row]:
        body = self._post(query, "application/sparql-results+json")
        results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if not isinstance(results, ox.QuerySolutions):
            raise ValueError(f"{self.endpoint} answered a SELECT with a boolean")
        names = [v.value for v in results.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in results]

    def ask(self, query: str) -> bool:
        body = self._post(query, "application/sparql-results+json")
        return bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))

    def construct(self, query: str) -> list[ox.Triple]:
        body = self._post(query, "application/n-triples")
        return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


def open_repo(settings: Settings, release: Release) -> Repo:
    """The release's own store, or the remote store ``build --store`` loaded it into."""
    if settings.store:
        return RemoteRepo(settings.store, release.id, timeout=settings.query_timeout)
    return OxigraphRepo.open(release)

"""Loading a release into a remote store with the SPARQL 1.1 Graph Store HTTP Protocol.

``sixaika build --store URL`` builds the release as always, then PUTs each dataset's
named graph (N-Triples, exported from the release's own store) to the store's graph store
endpoint, replacing what the graph held, and checks the store's triple counts against the
manifest. The graphs are replaced one by one: between two PUTs readers may see a mix of
the old and the new release, never a half-written graph (each PUT is one transaction in
Oxigraph and Fuseki).
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError
from ..read.store import RemoteRepo
from ..release import Release

_DERIVED = (("/query", "/store"), ("/sparql", "/data"))  # Oxigraph server, Fuseki


def data_endpoint(settings: Settings) -> str:
    """The graph store endpoint: configured, or derived from the query endpoint's path."""
    if settings.store_data:
        return settings.store_data
    for query_path, data_path in _DERIVED:
        if settings.store.endswith(query_path):
            return settings.store[: -len(query_path)] + data_path
    raise InputError(
        "SIXAIKA_STORE_DATA",
        f"cannot derive the graph store endpoint from {settings.store!r}: set it",
    )


def upload(
    release: Release, settings: Settings, progress: Callable[[str], None] = lambda _m: None
) -> None:
    """PUT every dataset's graph into the remote store; ``InputError`` if it fails."""
    endpoint = data_endpoint(settings)
    store = release.open_store()
    datasets = release.manifest.datasets
    for name, facts in datasets.items():
        progress(f"loading {name} ({facts.triples} triples) into {endpoint}")
        _put(store, facts.graph, endpoint)
    _check_counts(settings.store, datasets)


def _put(store: ox.Store, graph: str, endpoint: str) -> None:
    url = f"{endpoint}?{urllib.parse.urlencode({'graph': graph})}"
    with tempfile.TemporaryFile() as body:  # a large graph never sits in memory whole
        store.dump(body, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        size = body.tell()
        body.seek(0)
        request = urllib.request.Request(
            url,
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples", "Content-Length": str(size)},
        )
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                response.read()
        except (urllib.error.URLError, OSError) as e:
            raise InputError(endpoint, f"the store refused graph {graph}: {e}") from None


def _check_counts(query_endpoint: str, datasets: dict) -> None:
    repo = RemoteRepo(query_endpoint)
    for facts in datasets.values():
        query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{facts.graph}> {{ ?s ?p ?o }} }}"
        found = int(repo.select(query)[0]["n"].value)
        if found != facts.triples:
            raise InputError(
                query_endpoint,
                f"graph {facts.graph} holds {found} triples, the release {facts.triples}",
            )

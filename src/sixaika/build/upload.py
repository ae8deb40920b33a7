"""Loading a release into a remote store with the SPARQL 1.1 Graph Store HTTP Protocol.

``sixaika build --store URL`` writes the release as always and, before the release becomes
current, PUTs each dataset's named graph (N-Triples, exported from the release's own
store) to the store's graph store endpoint, replacing what the graph held, and checks the
store's triple counts. Only then does ``current`` move, so a web node that follows it
never serves the new release's id with the old store's data (and caches that under the
new ETags); a load that fails leaves the old release current. The graphs are replaced one
by one: between two PUTs readers may see a mix of the old and the new release, never a
half-written graph (each PUT is one transaction in Oxigraph, Fuseki and Virtuoso).

A store that wants a user and password for writing (Virtuoso's ``/sparql-graph-crud-auth``
takes HTTP Digest, Fuseki's may take Basic) gets them from the graph store endpoint's URL,
``http://user:password@host/...``; they never reach a log line.
"""

from __future__ import annotations

import base64
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError
from ..read.store import RemoteRepo
from ..release import Dataset

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
    store: ox.Store,
    datasets: dict[str, Dataset],
    settings: Settings,
    progress: Callable[[str], None] = lambda _m: None,
) -> None:
    """PUT every dataset's graph from ``store`` into the remote store; ``InputError`` if it
    fails."""
    endpoint, credentials = _without_credentials(data_endpoint(settings))
    for name, facts in datasets.items():
        progress(f"loading {name} ({facts.triples} triples) into {endpoint}")
        _put(store, facts.graph, endpoint, credentials)
    _check_counts(settings.store, datasets)


Credentials = tuple[str, str] | None  # user, password


def _without_credentials(url: str) -> tuple[str, Credentials]:
    """The URL without its user and password, and them."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    netloc = parts.netloc.rpartition("@")[2]
    user, password = (urllib.parse.unquote(x or "") for x in (parts.username, parts.password))
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), (user, password)


def _put(store: ox.Store, graph: str, endpoint: str, credentials: Credentials) -> None:
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
            if credentials:
                _sign(request, credentials)
            with urllib.request.urlopen(request, timeout=600) as response:
                response.read()
        except (urllib.error.URLError, OSError) as e:
            raise InputError(endpoint, f"the store refused graph {graph}: {e}") from None


def _sign(request: urllib.request.Request, credentials: tuple[str, str]) -> None:
    """Add the Authorization header the store asks for (Basic or Digest), before the body
    is sent: a store that answers 401 to a large PUT may close the connection while the
    body is still on its way (Virtuoso does), so a bodiless HEAD asks first."""
    probe = urllib.request.Request(request.full_url, method="HEAD")
    try:
        with urllib.request.urlopen(probe, timeout=60):
            return  # no authentication asked for
    except urllib.error.HTTPError as e:
        if e.code != 401:
            return  # the PUT will meet the same error, and report it
        scheme, _, challenge = e.headers.get("WWW-Authenticate", "").partition(" ")
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, request.full_url, *credentials)
    if scheme.lower() == "digest":
        digest = urllib.request.HTTPDigestAuthHandler(passwords)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge))
        answer = digest.get_authorization(request, fields)
        request.add_unredirected_header("Authorization", f"Digest {answer}")
    else:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        request.add_unredirected_header("Authorization", f"Basic {token}")


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

"""The remote store backend against a real ``oxigraph serve`` on 127.0.0.1 (PyPI ``oxigraph``).

The tests start the server themselves on a free port and stop it after: the release goes in
through the Graph Store Protocol (what ``sixaika build --store`` does), then the store
interface, ``/sparql`` and ``sixaika query`` read it back over the SPARQL 1.1 Protocol.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sixaika.build.upload import data_endpoint, upload
from sixaika.cli import main
from sixaika.read.store import OxigraphRepo, RemoteRepo
from sixaika.web.sparql import service

from ..stores import OxigraphServer
from ..support import BASE, ID, RUNAWAY, Listener, free_port, open_app, settings_for


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def loaded(oxigraph, sparql_release, tmp_path_factory):
    """The synthetic release loaded into the server; settings that read from it."""
    settings = settings_for(tmp_path_factory.mktemp("remote"), store=f"{oxigraph.url}/query")
    # Checks the store's counts against the manifest.
    upload(sparql_release.open_store(), sparql_release.manifest.datasets, settings)
    return settings


@pytest.fixture(scope="module")
def remote_app(loaded, sparql_release):
    app = open_app(loaded, sparql_release)
    yield app
    service(app).close()


def test_graph_store_endpoint_is_derived_or_set(loaded):
    assert data_endpoint(loaded).endswith("/store")
    fuseki = settings_for(Path("/tmp"), store="http://h:3030/ds/sparql")
    assert data_endpoint(fuseki) == "http://h:3030/ds/data"


def test_remote_repo_reads_what_the_embedded_one_does(loaded, sparql_release):
    remote = RemoteRepo(loaded.store, sparql_release.id, graphs=sparql_release.graphs)
    local = OxigraphRepo.open(sparql_release)
    query = "SELECT ?s ?o WHERE { ?s <http://purl.org/dc/terms/identifier> ?o } ORDER BY ?s"
    assert remote.select(query) == local.select(query)
    assert remote.ask(f"ASK {{ <{ID}project/p1> ?p ?o }}") is True
    construct = f"CONSTRUCT WHERE {{ <{ID}project/p1> ?p ?o }}"
    assert len(remote.construct(construct)) == len(local.construct(construct)) == 13


def test_app_reads_from_the_remote_store(remote_app):
    from sixaika.sparql.remote import RemoteEngine

    assert isinstance(service(remote_app).engine, RemoteEngine)
    client = remote_app.test_client()
    response = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"][0]["n"]["value"] == "171"
    params = {
        "query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        "default-graph-uri": BASE + "graph/ontology",
    }
    assert (
        client.get("/sparql", query_string=params).get_json()["results"]["bindings"][0]["n"][
            "value"
        ]
        == "6"
    )


@pytest.mark.parametrize(
    "accept", ["text/csv", "application/sparql-results+xml", "text/tab-separated-values"]
)
def test_remote_select_formats(remote_app, accept):
    query = f"SELECT ?p WHERE {{ ?p a <{BASE}def/6aika#Project> }} ORDER BY ?p"
    response = remote_app.test_client().get(
        "/sparql", query_string={"query": query}, headers={"Accept": accept}
    )
    assert response.status_code == 200 and response.mimetype == accept
    assert f"{ID}project/p1".encode() in response.data


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/rdf+xml"])
def test_remote_construct_formats(remote_app, accept):
    query = f"CONSTRUCT WHERE {{ <{ID}project/p1> ?p ?o }}"
    response = remote_app.test_client().get(
        "/sparql", query_string={"query": query}, headers={"Accept": accept}
    )
    assert response.status_code == 200 and response.mimetype == accept
    assert b"Synthetic project 1" in response.data


def test_remote_errors(remote_app):
    client = remote_app.test_client()
    broken = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p }"})
    assert broken.status_code == 400 and broken.get_json()["message"]  # the store's own message
    refused = client.post("/sparql", data={"query": "CLEAR ALL"})
    assert refused.status_code == 403
    count = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert count.get_json()["results"]["bindings"][0]["n"]["value"] == "171"  # nothing changed
    started = time.monotonic()
    runaway = client.get("/sparql", query_string={"query": RUNAWAY, "timeout": "1"})
    assert runaway.status_code == 504 and time.monotonic() - started < 1 + 1


def test_remote_service_makes_no_connection(remote_app):
    """``oxigraph serve`` would follow SERVICE: the policy stops it before the store sees it."""
    listener = Listener()
    try:
        query = f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        response = remote_app.test_client().get("/sparql", query_string={"query": query})
        assert response.status_code == 400
        time.sleep(0.2)
        assert listener.requests == []
    finally:
        listener.close()


def test_query_command_with_a_remote_store(loaded, capsys):
    code = main(["--base", BASE, "--root", str(loaded.root),
                 "--releases", str(loaded.releases_dir),
                 "--store", loaded.store, "query", "ASK { ?s a ?type }"])  # fmt: skip
    assert code == 0 and capsys.readouterr().out == "true\n"


def test_build_store_loads_the_release(oxigraph, mini, capsys):
    """``sixaika build --store URL`` on the pipeline's mini project, into the same server."""
    assert main(["build", "--quiet", "--store", f"{oxigraph.url}/query"]) == 0, capsys.readouterr()
    manifest = json.loads((mini / "var/releases/current/manifest.json").read_text())
    remote = RemoteRepo(f"{oxigraph.url}/query")
    for facts in manifest["datasets"].values():
        query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{facts['graph']}> {{ ?s ?p ?o }} }}"
        assert int(remote.select(query)[0]["n"].value) == facts["triples"]


def test_build_store_reports_an_unreachable_store(mini, capsys):
    code = main(["build", "--quiet", "--store", f"http://127.0.0.1:{free_port()}/query"])
    assert code == 2 and "refused" in capsys.readouterr().err
    # The release whose store could not be loaded never became current.
    assert not (mini / "var/releases/current").exists()

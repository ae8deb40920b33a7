"""The remote-store path against Virtuoso Open-Source, a private instance on 127.0.0.1.

``sixaika build --store`` loads the bundled data into it (Graph Store Protocol, Digest
authentication); then an app reading through it answers the pages, the catalog and SPARQL
as the embedded store does. Virtuoso is the hard case: its default graph holds its own
system graph too, it writes an ``xsd:decimal`` such as 248000 as an integer in Turtle, its
ASK answers are a table, and it names blank nodes ``nodeID://b10423``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask import Flask

from sixaika.cli import main
from sixaika.config import Settings
from sixaika.read.store import OxigraphRepo, RemoteRepo
from sixaika.release import Release
from sixaika.web import create_app
from sixaika.web.sparql import service

from ..stores import VirtuosoServer
from ..support import ROOT

V = "http://localhost:8000/def/6aika#"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[VirtuosoServer]:
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def built(virtuoso, tmp_path_factory) -> tuple[Settings, Release]:
    """The bundled data, built with ``build --store`` into Virtuoso."""
    releases = tmp_path_factory.mktemp("releases")
    settings = Settings.from_env({}, root=str(ROOT), releases=str(releases))
    code = main(["--root", str(ROOT), "--releases", str(releases), "--store-data",
                 virtuoso.data(), "build", "--quiet", "--store", virtuoso.query])  # fmt: skip
    assert code == 0
    release = Release.current(settings)
    assert release is not None
    return settings, release


@pytest.fixture(scope="module")
def apps(built, virtuoso) -> Iterator[tuple[Flask, Flask]]:
    """The same release read from its embedded store, and from Virtuoso."""
    settings, release = built
    embedded = create_app(settings, release=release)
    remote = RemoteRepo(virtuoso.query, release.id, graphs=release.graphs)
    over_virtuoso = create_app(settings, repo=remote, release=release)
    yield embedded, over_virtuoso
    for app in (embedded, over_virtuoso):
        service(app).close()


def test_build_store_loads_every_graph_and_nothing_else_is_seen(built, virtuoso):
    settings, release = built
    remote = RemoteRepo(virtuoso.query, release.id, graphs=release.graphs)
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    counts = {row["g"].value: int(row["n"].value) for row in remote.select(query)}
    assert counts == {d.graph: d.triples for d in release.manifest.datasets.values()}
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert remote.select(everything) == OxigraphRepo.open(release).select(everything)
    # Without our dataset, Virtuoso's default graph holds its own system graph too.
    assert RemoteRepo(virtuoso.query).select(everything) != remote.select(everything)


def test_build_store_with_a_wrong_password_says_so(virtuoso, mini, capsys):
    code = main(["--store-data", virtuoso.data("wrong"), "build", "--quiet",
                 "--store", virtuoso.query])  # fmt: skip
    assert code == 2
    assert "HTTP Error 401" in capsys.readouterr().err
    assert not (mini / "var/releases/current").exists()  # not current: its store is not loaded


PAGES = [
    "/",
    "/doc/project/a70202",
    "/doc/concept/city/oulu",
    "/doc/organisation/oulun-kaupunki",
    "/doc/concept/fund/erdf",
    "/doc/project/",
    "/doc/organisation/?page=1",
    "/catalog",
    "/.well-known/void",
    "/def/6aika",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_over_virtuoso_are_the_embedded_stores(apps, path):
    """Byte for byte, in every format, with the same ETag: blank nodes included."""
    embedded, over_virtuoso = (app.test_client() for app in apps)
    for accept in ("text/html", "text/turtle", "application/ld+json", "application/json"):
        here = embedded.get(path, headers={"Accept": accept})
        there = over_virtuoso.get(path, headers={"Accept": accept})
        assert (here.status_code, here.data) == (there.status_code, there.data), (path, accept)
        assert here.headers.get("ETag") == there.headers.get("ETag")


SAME_BYTES = [  # (query, Accept): answers whose every row is in a fixed place
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json"),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
     "text/csv"),
    (f"SELECT ?p ?code WHERE {{ ?p a <{V}Project> ; <http://purl.org/dc/terms/identifier> ?code }}"
     " ORDER BY ?p ?code", "application/sparql-results+xml"),
    (f"SELECT ?v WHERE {{ ?b <{V}budgetKind> ?k ; <https://schema.org/value> ?v }} ORDER BY ?v",
     "text/tab-separated-values"),
    (f"ASK {{ ?p a <{V}Project> }}", "application/sparql-results+json"),
    (f"ASK {{ ?p a <{V}NoSuchClass> }}", "application/sparql-results+json"),
    (f"ASK {{ ?p a <{V}Project> }}", "application/sparql-results+xml"),
    ("SELECT (COUNT(*) AS ?n) FROM <http://localhost:8000/graph/concepts> WHERE { ?s ?p ?o }",
     "application/sparql-results+json"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "accept"), SAME_BYTES)
def test_sparql_over_virtuoso_answers_as_the_embedded_store(apps, query, accept):
    embedded, over_virtuoso = (app.test_client() for app in apps)
    here = embedded.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    there = over_virtuoso.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert here.status_code == there.status_code == 200
    assert here.content_type == there.content_type
    assert here.data == there.data


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/n-triples"])
def test_graphs_over_virtuoso_are_the_embedded_stores(apps, accept):
    """The same graph, decimals as decimals (Virtuoso's own Turtle and JSON-LD write 248000
    as an integer), blank nodes aside."""
    query = f"CONSTRUCT {{ ?p <{V}budget> ?b . ?b ?q ?v }} WHERE {{ ?p <{V}budget> ?b . ?b ?q ?v }}"
    graphs = []
    for app in apps:
        response = app.test_client().get(
            "/sparql", query_string={"query": query}, headers={"Accept": accept}
        )
        assert response.status_code == 200 and response.mimetype == accept
        graphs.append(_dataset(response.data, accept))
    assert graphs[0] == graphs[1]
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    assert any(q.object.datatype == decimal for q in graphs[1] if isinstance(q.object, ox.Literal))


def _dataset(body: bytes, media_type: str) -> ox.Dataset:
    """A graph whose blank nodes are named by content, so that two answers compare."""
    dataset = ox.Dataset(ox.parse(body, ox.RdfFormat.from_media_type(media_type)))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def test_query_command_over_virtuoso(built, virtuoso, capsys):
    settings, _ = built
    query = f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{V}Project> }}"
    code = main(["--root", str(ROOT), "--releases", str(settings.releases_dir),
                 "--store", virtuoso.query, "query", query, "--format", "csv"])  # fmt: skip
    assert code == 0
    embedded = OxigraphRepo.open(Release.current(settings)).select(query)
    assert capsys.readouterr().out == f"n\r\n{embedded[0]['n'].value}\r\n"


def test_an_answer_virtuoso_cut_short_is_no_answer(apps):
    """Virtuoso sends at most ResultSetMaxRows rows (10,000 here) with 200, saying that it
    cut the table only in a header: the client gets an error, not a wrong table."""
    _, over_virtuoso = apps
    query = "SELECT * WHERE { ?a ?b ?c . ?d a ?e }"
    response = over_virtuoso.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 502
    assert "only part of the answer (it sends at most 10000 rows)" in response.json["message"]

"""Query workers read a small release from a copy in memory, a large one from disk: same answers."""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic

from sixaika.sparql import worker
from sixaika.sparql.engine import Job
from sixaika.sparql.worker import open_store
from sixaika.web.sparql import service

from ..support import BASE, open_app, settings_for

PREFIXES = f"PREFIX sixaika: <{BASE}def/6aika#> PREFIX dct: <http://purl.org/dc/terms/> "
SELECTS = (
    "SELECT ?p ?title { ?p a sixaika:Project ; dct:title ?title } ORDER BY ?title",
    "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?fund (SUM(?v) AS ?sum) { ?p sixaika:fund ?fund ; sixaika:budget/<https://schema"
    ".org/value> ?v } GROUP BY ?fund ORDER BY ?fund",
)
CONSTRUCT = "CONSTRUCT { ?p ?q ?o } WHERE { ?p a sixaika:Project ; ?q ?o }"


@pytest.fixture(scope="module")
def apps(tmp_path_factory, sparql_release):
    """The fixture release served twice: at the size limit (memory) and one quad over (disk)."""
    size, opened = sparql_release.manifest.triples, {}
    for name, limit in (("memory", size), ("disk", size - 1)):
        settings = settings_for(
            tmp_path_factory.mktemp(name), query_workers="1", query_in_memory_quads=str(limit)
        )
        opened[name] = open_app(settings, sparql_release)
    yield opened
    for app in opened.values():
        service(app).close()


def answer(app, query: str, accept: str) -> bytes:
    return service(app).engine.run(Job(PREFIXES + query, accept, 10, 10**6)).body


def test_the_release_size_decides_where_workers_read_it(apps):
    assert service(apps["memory"]).engine.options.in_memory
    assert not service(apps["disk"]).engine.options.in_memory


@pytest.mark.parametrize("query", SELECTS)
def test_memory_and_disk_give_the_same_results(apps, query):
    results = [
        json.loads(answer(app, query, "application/sparql-results+json")) for app in apps.values()
    ]
    assert results[0]["results"]["bindings"]  # something to compare
    assert results[0] == results[1]


def test_memory_and_disk_give_the_same_graph(apps):
    graphs = [
        to_isomorphic(rdflib.Graph().parse(data=answer(app, CONSTRUCT, "text/turtle")))
        for app in apps.values()
    ]
    assert len(graphs[0]) > 50
    assert graphs[0] == graphs[1]


def test_a_copy_in_memory_holds_the_whole_release(sparql_release):
    path = str(sparql_release.path / "store")
    copy, on_disk = open_store(path, in_memory=True), open_store(path, in_memory=False)
    assert len(copy) == len(on_disk) == sparql_release.manifest.triples
    quad = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"))
    copy.add(quad)  # a store of its own, in memory
    with pytest.raises(RuntimeError, match="read-write"):
        on_disk.add(quad)  # the release itself is read-only


def test_a_copy_that_fails_leaves_the_disk_to_answer(monkeypatch, sparql_release, capsys):
    class NoMemory:
        read_only = staticmethod(ox.Store.read_only)

        def __init__(self):
            raise MemoryError

    monkeypatch.setattr(worker.ox, "Store", NoMemory)
    store = open_store(str(sparql_release.path / "store"), in_memory=True)
    assert len(store) == sparql_release.manifest.triples
    assert "queries read the disk (MemoryError()" in capsys.readouterr().out


def test_the_memory_limit_counts_from_what_the_worker_holds():
    script = (
        "import resource; from pathlib import Path; from sixaika.sparql.worker import "
        "limit_memory\n"
        "held = int(Path('/proc/self/statm').read_text().split()[0]) * resource.getpagesize()\n"
        "limit_memory(100)\n"
        "print(resource.getrlimit(resource.RLIMIT_AS)[0] - held)\n"
        "try:\n    bytearray(150 * 2**20)\nexcept MemoryError:\n    print('refused')\n"
        "print(len(bytearray(50 * 2**20)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    above, refused, allowed = done.stdout.split()
    assert 0 <= int(above) - 100 * 2**20 < 8 * 2**20  # 100 MB over what it held when asked
    assert refused == "refused" and int(allowed) == 50 * 2**20


def test_a_slow_query_is_logged_with_its_text_and_release(tmp_path, sparql_release, caplog):
    settings = settings_for(tmp_path, slow_query_seconds="0.000001")  # every query is slow
    app = open_app(settings, sparql_release)
    try:
        response = app.test_client().get(
            "/sparql",
            query_string={"query": "SELECT (COUNT(*) AS ?n)\n{ ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200
    finally:
        service(app).close()
    said = f"release {sparql_release.id}: a slow query ("
    text = "SIXAIKA_SLOW_QUERY_SECONDS is 1e-06): SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    assert said in caplog.text and text in caplog.text

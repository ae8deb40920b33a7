"""Isolation: a query that crashes, runs away or eats memory costs that one request only.

Measured on pyoxigraph 0.5.13: the ORDER BY query below aborts the process evaluating it (a
Rust panic in sort) and 5000 nested groups overflow its stack (SIGSEGV). The policy refuses
such nesting before anything parses it; the abort must come back as an error within the
time limit + 1 s while a concurrent simple query is answered, and the endpoint must answer
normally afterwards; a crash or a kill in a worker is told as what it was. And no query
makes the server connect anywhere unless the operator allowed that endpoint.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from sixaika.sparql import QueryError, pool
from sixaika.sparql.engine import Job
from sixaika.sparql.worker import WorkerOptions
from sixaika.web.sparql import service

from ..support import (
    RUNAWAY,
    SYNTHETIC_TRIG,
    TIME_LIMIT,
    Listener,
    LiveServer,
    open_app,
    settings_for,
)

ABORTS = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
SEGFAULTS = "SELECT * " + "{" * 5000 + "}" * 5000
SIMPLE = "SELECT (COUNT(*) AS ?n) { ?s a ?type }"


def ask(url: str, query: str, **params: str) -> tuple[int, str, float]:
    """GET a query; (status, body, seconds)."""
    started = time.monotonic()
    address = f"{url}/sparql?{urllib.parse.urlencode({'query': query, **params})}"
    request = urllib.request.Request(address, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode()
    return status, body, time.monotonic() - started


def test_the_hazards_are_real():
    """Outside the pool, on the same data, the first two queries kill the process."""
    for query, signal_number in ((ABORTS, -6), (SEGFAULTS, -11)):
        script = (
            "import sys, pyoxigraph as ox; s = ox.Store();"
            f"s.extend(ox.parse(path={str(SYNTHETIC_TRIG)!r}, format=ox.RdfFormat.TRIG));"
            "list(s.query(sys.stdin.read(), use_default_graph_as_union=True))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], input=query, text=True, capture_output=True,
            timeout=60, env={"RUST_BACKTRACE": "0"},
        )  # fmt: skip
        assert done.returncode == signal_number


@pytest.mark.parametrize(
    "query, status, words",
    [(ABORTS, 503, "SIGABRT"), (RUNAWAY, 504, "time limit")],
    ids=["abort", "runaway"],
)
def test_a_bad_query_costs_only_its_own_request(live, query, status, words, caplog):
    with ThreadPoolExecutor(2) as pool:
        bad = pool.submit(ask, live.url, query)
        time.sleep(0.05)  # the bad query is under way
        simple = pool.submit(ask, live.url, SIMPLE)
        good_status, good_body, good_seconds = simple.result()
        bad_status, bad_body, bad_seconds = bad.result()
    assert good_status == 200 and json.loads(good_body)["results"]["bindings"]
    assert good_seconds < 1.0
    assert bad_status == status and words in json.loads(bad_body)["message"]
    assert bad_seconds <= TIME_LIMIT + 1
    assert ask(live.url, SIMPLE)[0] == 200  # and the endpoint goes on
    # The operator's log tells of the failed request, and of a worker that died, how.
    release = service(live.app).release.id
    assert f"release {release}: GET /sparql answered {status}" in caplog.text
    if status == 503:
        assert f"release {release}: a query worker died (killed by {words})" in caplog.text


@pytest.fixture
def one_worker(sparql_app):
    """A pool of one query worker on the fixture release, for tests that kill or crash it."""
    svc = service(sparql_app)
    engine = pool.PoolEngine(svc.engine.options, replace(svc.limits, workers=1), svc.log)
    engine.run(Job("ASK {}", "*/*", timeout=30, max_bytes=1000))  # it has started
    yield engine
    engine.close()


def test_a_crash_is_told_as_a_fault_of_the_engine(one_worker):
    """The policy refuses deep nesting; were a crash to get past it, the worker takes it."""
    with pytest.raises(QueryError) as crashed:
        one_worker.run(Job(SEGFAULTS, "*/*", timeout=TIME_LIMIT, max_bytes=1000))
    assert crashed.value.status == 503 and "SIGSEGV" in crashed.value.message
    assert "fault of the engine" in crashed.value.message and "MB" not in crashed.value.message


def test_a_worker_killed_from_outside_is_told_as_such(one_worker):
    (worker,) = one_worker._workers
    threading.Timer(0.5, os.kill, (worker.process.pid, signal.SIGKILL)).start()
    with pytest.raises(QueryError) as killed:
        one_worker.run(Job(RUNAWAY, "*/*", timeout=10, max_bytes=1000))
    message = killed.value.message
    assert killed.value.status == 503 and "SIGKILL" in message and "killed from outside" in message
    assert "MB" not in message and "will stop the engine again" not in message


def test_timeout_parameter_lowers_the_limit(live):
    status, body, seconds = ask(live.url, RUNAWAY, timeout="0.5")
    assert status == 504 and "0.5 s" in json.loads(body)["message"]
    assert seconds < 1.5


def test_timeout_parameter_never_raises_the_limit(live):
    status, _body, seconds = ask(live.url, RUNAWAY, timeout="600")
    assert status == 504 and seconds <= TIME_LIMIT + 1


def one_worker_server(folder, release, **settings: str):
    """A live server with one query worker and the given query settings."""
    app = open_app(settings_for(folder, query_workers="1", **settings), release)
    server = LiveServer(app)
    assert ask(server.url, "ASK {}")[0] == 200  # the worker is up: tests time queries alone
    return app, server


@pytest.fixture(scope="module")
def tight(tmp_path_factory, sparql_release):
    """One worker with little memory, a 1 MB result limit and a 5 s time limit."""
    app, server = one_worker_server(
        tmp_path_factory.mktemp("tight"), sparql_release,
        query_memory_mb="400", query_max_result_mb="1", query_timeout="5",
    )  # fmt: skip
    yield server
    server.stop()
    service(app).close()


def test_memory_per_query_is_bounded(tmp_path, sparql_release):
    # Time enough that the memory limit, not the clock, stops the query: query workers are
    # demoted once a query runs long, and on a busy machine reaching 400 MB takes seconds.
    app, server = one_worker_server(
        tmp_path, sparql_release, query_memory_mb="400", query_timeout="60"
    )
    try:
        query = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"  # ~5M rows to sort
        status, body, seconds = ask(server.url, query)
        assert status == 503 and "400 MB" in json.loads(body)["message"], (seconds, body)
        assert ask(server.url, SIMPLE)[0] == 200
    finally:
        server.stop()
        service(app).close()


def test_result_size_is_bounded(tight):
    status, body, _seconds = ask(tight.url, "SELECT * { ?a ?b ?c . ?d ?e ?f }")
    assert status == 400 and "larger than 1 MB" in json.loads(body)["message"]
    assert ask(tight.url, "SELECT * { ?a ?b ?c } LIMIT 10")[0] == 200


def test_all_workers_busy_is_503_with_retry_after(tight):
    with ThreadPoolExecutor(1) as pool:
        runaway = pool.submit(ask, tight.url, RUNAWAY)
        time.sleep(0.3)  # holds the only worker for 5 s
        request = urllib.request.Request(
            f"{tight.url}/sparql?" + urllib.parse.urlencode({"query": SIMPLE, "timeout": "0.5"})
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert runaway.result()[0] == 504
    assert refused.value.code == 503 and refused.value.headers["Retry-After"] == "5"
    assert "busy" in json.loads(refused.value.read())["message"]


# SERVICE: no request leaves the server unless the operator allowed its endpoint ------------


@pytest.fixture
def listener():
    listener = Listener()
    yield listener
    listener.close()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "PREFIX far: <{base}> SELECT * {{ SERVICE far:sparql {{ ?s ?p ?o }} }}",
        "SELECT * {{ VALUES ?where {{ <{url}> }} SERVICE ?where {{ ?s ?p ?o }} }}",
        "select * {{ {{ ?a ?b ?c }} service <{url}> {{ ?s ?p ?o }} }}",
    ],
    ids=["iri", "silent", "prefixed", "variable", "lower-case"],
)
def test_service_is_refused_and_makes_no_connection(live, listener, query):
    text = query.format(url=listener.url, base=listener.url[: -len("sparql")])
    status, body, _seconds = ask(live.url, text)
    assert status == 400 and "not allowed" in json.loads(body)["message"]
    time.sleep(0.2)
    assert listener.requests == []


def test_the_worker_itself_has_no_network(sparql_app, listener):
    """Defence in depth: even a SERVICE that got past the policy reaches nothing."""
    engine = service(sparql_app).engine
    engine.run(Job("ASK {}", "", 5, 1000))  # workers are up
    if not engine.isolated:
        pytest.skip("this kernel lets no unprivileged process make a network namespace")
    job = Job(f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}", "", 5, 100_000)
    with pytest.raises(Exception, match="unreachable|refused|connect"):
        engine.run(job)
    assert listener.requests == []
    probe = socket.socket()
    probe.settimeout(1)
    probe.connect(("127.0.0.1", listener.server.server_port))  # the listener was there
    probe.close()


def test_an_allowed_service_is_called(tmp_path, sparql_release, listener):
    settings = settings_for(tmp_path, query_workers="1", query_services=listener.url)
    app = open_app(settings, sparql_release)
    try:
        query = f"SELECT ?x {{ SERVICE <{listener.url}> {{ ?x ?p ?o }} }}"
        response = app.test_client().get("/sparql", query_string={"query": query})
        assert response.status_code == 200, response.data
        assert response.get_json()["results"]["bindings"][0]["x"]["value"] == "from afar"
        assert len(listener.requests) == 1
        other = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
        assert app.test_client().get("/sparql", query_string={"query": other}).status_code == 400
    finally:
        service(app).close()


def test_a_query_while_the_workers_start_is_told_so(monkeypatch, sparql_app):
    """A large release takes seconds to copy into a new worker: 503, and why."""
    started = threading.Event()

    def slow_start(options: WorkerOptions):
        started.wait(5)
        raise RuntimeError("never started")

    monkeypatch.setattr(pool, "Worker", slow_start)
    svc = service(sparql_app)
    engine = pool.PoolEngine(svc.engine.options, svc.limits, svc.log)
    with pytest.raises(QueryError) as refused:
        engine.run(Job("ASK {}", "*/*", timeout=0.2, max_bytes=1000))
    started.set()
    engine.close()
    assert refused.value.status == 503 and refused.value.retry_after == 5
    assert "starting" in refused.value.message

"""Lookups (a DESCRIBE of named resources) are answered in the web process, as a worker would.

The web process reads the release's store on disk; a worker may hold a copy in memory, so
the two may list the same triples in another order.
"""

from __future__ import annotations

import gc
import sys
import threading

import pytest
import rdflib
from rdflib.compare import to_isomorphic

from sixaika.sparql import QueryError
from sixaika.sparql.engine import Engine, Job
from sixaika.sparql.policy import read
from sixaika.web.sparql import service

from ..support import BASE, ID

PREFIXES = f"PREFIX : <{ID}> PREFIX sixaika: <{BASE}def/6aika#> "
TURTLE, JSONLD = "text/turtle", "application/ld+json"
LIMIT = 10**6
JOBS = {  # name: (job, what it gets: the media type or the error status)
    "a project": (Job(f"DESCRIBE <{ID}project/p1>", TURTLE, 10, LIMIT), TURTLE),
    "two, prefixed, as JSON-LD": (
        Job(PREFIXES + "DESCRIBE :project\\/p2 sixaika:Project", JSONLD, 10, LIMIT),
        JSONLD,
    ),
    "nothing known": (Job(f"DESCRIBE <{BASE}nothing>", "*/*", 10, LIMIT), TURTLE),
    "one named graph": (
        Job(f"DESCRIBE <{ID}project/p3>", TURTLE, 10, LIMIT, (f"{BASE}graph/concepts",)),
        TURTLE,
    ),
    "an undeclared prefix": (Job("DESCRIBE nowhere:x", TURTLE, 10, LIMIT), 400),
    "too large": (Job(f"DESCRIBE <{ID}project/p1>", TURTLE, 10, 100), 400),
    "no such format": (Job(f"DESCRIBE <{ID}project/p1>", "text/csv", 10, LIMIT), 406),
}


def outcome(engine: Engine, job: Job) -> tuple:
    """(media type, the graph) or (status, message); the order of triples may differ."""
    try:
        answer = engine.run(job)
    except QueryError as e:
        return e.status, e.message
    graph = rdflib.Graph().parse(data=answer.body, format=answer.content_type.split(";")[0])
    return answer.content_type, to_isomorphic(graph)


@pytest.mark.parametrize("name", JOBS)
def test_a_lookup_answers_as_the_pool_does(sparql_app, name):
    (job, expected), svc = JOBS[name], service(sparql_app)
    assert read(job.query).lookup
    here, there = outcome(svc.lookups, job), outcome(svc.engine, job)
    assert here == there
    assert str(here[0]).split(";")[0] == str(expected)


def test_the_web_process_answers_lookups_only(sparql_app):
    svc = service(sparql_app)

    class Refusing(Engine):
        def run(self, job: Job):
            raise QueryError(503, "the pool was asked")

        def close(self) -> None:
            """Nothing to close."""

    pool, svc.engine = svc.engine, Refusing()
    try:
        with sparql_app.test_client() as client:
            lookup = client.get("/sparql", query_string={"query": JOBS["a project"][0].query})
            pattern = client.get("/sparql", query_string={"query": "DESCRIBE ?p { ?p a ?c }"})
    finally:
        svc.engine = pool
    assert lookup.status_code == 200 and f"{ID}project/p1".encode() in lookup.data
    assert pattern.status_code == 503 and "the pool was asked" in pattern.json["message"]


@pytest.mark.parametrize("name", ["no such format", "too large"])
def test_a_failed_lookup_leaves_no_results_for_another_thread(sparql_app, name, monkeypatch):
    """pyoxigraph's results leak, with a complaint, if dropped outside their own thread."""
    complaints, errors = [], []
    monkeypatch.setattr(sys, "unraisablehook", complaints.append)
    job, _status = JOBS[name]

    def look_up() -> None:
        try:
            service(sparql_app).lookups.run(job)
        except QueryError as e:
            errors.append(e)  # as a web server hands an error on, to be answered

    thread = threading.Thread(target=look_up)
    thread.start()
    thread.join()
    assert [e.status for e in errors] == [JOBS[name][1]]
    errors.clear()
    gc.collect()  # here, in another thread than the lookup's
    assert [str(c.exc_value) for c in complaints] == []

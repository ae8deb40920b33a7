"""Query workers run at the web's CPU priority, and below it only while a query runs long."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

import pytest

from sixaika.sparql import QueryError, pool
from sixaika.sparql.engine import Job
from sixaika.web.sparql import service

from ..support import RUNAWAY, open_app, settings_for


@pytest.fixture(scope="module")
def engine(tmp_path_factory, sparql_release):
    """A pool of one worker; the workers other tests' apps started are in ``OTHERS``."""
    OTHERS.update(p.pid for p in multiprocessing.active_children())
    settings = settings_for(tmp_path_factory.mktemp("priority"), query_workers="1")
    app = open_app(settings, sparql_release)
    yield service(app).engine
    service(app).close()


OTHERS: set[int | None] = set()


def worker_niceness() -> int:
    """The niceness of the engine's one worker (alive: a replaced one is reaped)."""
    children = multiprocessing.active_children()
    (worker,) = [p for p in children if p.name == "sixaika-query" and p.pid not in OTHERS]
    assert worker.pid is not None
    return os.getpriority(os.PRIO_PROCESS, worker.pid)


def test_a_short_query_runs_at_the_webs_priority(engine):
    engine.run(Job("ASK {}", "application/sparql-results+json", 10, 10**6))
    assert worker_niceness() == os.getpriority(os.PRIO_PROCESS, 0)


def test_a_long_query_runs_lower_until_it_ends(engine, monkeypatch):
    web = os.getpriority(os.PRIO_PROCESS, 0)
    runaway = threading.Thread(target=_run_out, args=(engine,))
    runaway.start()
    time.sleep(0.5)
    assert worker_niceness() == min(19, web + pool.NICENESS)
    runaway.join()
    if os.geteuid() != 0:
        pytest.skip("going back up to the web's priority takes CAP_SYS_NICE")
    monkeypatch.setattr(pool, "DEMOTE_AFTER", 0.0)  # every query counts as long
    engine.run(Job("ASK {}", "application/sparql-results+json", 10, 10**6))
    assert worker_niceness() == web


def _run_out(engine) -> None:
    with pytest.raises(QueryError):  # 504: killed at its time limit, and replaced
        engine.run(Job(RUNAWAY, "application/sparql-results+json", 2, 10**6))

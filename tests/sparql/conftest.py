"""Fixtures for the SPARQL endpoint: a small synthetic release of our own, and apps on it.

The release is built from ``tests/fixtures/sparql/synthetic.trig`` (six made-up projects in
the real model, under https://example.org/synthetic/) straight into a pyoxigraph store, so
these tests do not depend on the bundled data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from werkzeug.serving import make_server

from sixaika.config import Settings
from sixaika.release import Release
from sixaika.sparql import synthetic
from sixaika.web import create_app
from sixaika.web.sparql import service

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sparql" / "synthetic.trig"
BASE = synthetic.BASE
ID = BASE + "id/"
TIME_LIMIT = 3  # seconds: the tests' SIXAIKA_QUERY_TIMEOUT


def settings_for(root: Path, **overrides: str) -> Settings:
    values = {"root": str(root), "releases": str(root / "releases")}
    values |= {"query_timeout": str(TIME_LIMIT)} | overrides
    return Settings.from_env({"SIXAIKA_BASE": BASE}, **values)


@pytest.fixture(scope="session")
def sparql_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sparql")


@pytest.fixture(scope="session")
def sparql_settings(sparql_root) -> Settings:
    return settings_for(sparql_root)


@pytest.fixture(scope="session")
def sparql_release(sparql_settings) -> Release:
    quads = ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return synthetic.write_release(quads, sparql_settings)


def open_app(settings: Settings, release: Release) -> Flask:
    app = create_app(settings, release=release)
    app.config.update(TESTING=False)  # errors take the production path
    return app


@pytest.fixture(scope="session")
def sparql_app(sparql_settings, sparql_release) -> Iterator[Flask]:
    app = open_app(sparql_settings, sparql_release)
    yield app
    service(app).close()


@pytest.fixture
def sparql_client(sparql_app):
    return sparql_app.test_client()


class LiveServer:
    """The app on a real HTTP server on 127.0.0.1 (threaded, as gunicorn's gthread is)."""

    def __init__(self, app: Flask):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="session")
def live(sparql_app) -> Iterator[LiveServer]:
    server = LiveServer(sparql_app)
    yield server
    server.stop()

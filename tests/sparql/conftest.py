"""Fixtures for the SPARQL endpoint: a small synthetic release of our own, and apps on it.

The release is built from ``tests/fixtures/sparql/synthetic.trig`` (six made-up projects in
the real model, under https://example.org/synthetic/) straight into a pyoxigraph store, so
these tests do not depend on the bundled data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from sixaika import synthetic
from sixaika.config import Settings
from sixaika.release import Release
from sixaika.web.sparql import service

from ..support import SYNTHETIC_TRIG, LiveServer, open_app, settings_for


@pytest.fixture(scope="session")
def sparql_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sparql")


@pytest.fixture(scope="session")
def sparql_settings(sparql_root) -> Settings:
    return settings_for(sparql_root)


@pytest.fixture(scope="session")
def sparql_release(sparql_settings) -> Release:
    quads = ox.parse(path=str(SYNTHETIC_TRIG), format=ox.RdfFormat.TRIG)
    return synthetic.write_release(quads, sparql_settings)


@pytest.fixture(scope="session")
def sparql_app(sparql_settings, sparql_release) -> Iterator[Flask]:
    app = open_app(sparql_settings, sparql_release)
    yield app
    service(app).close()


@pytest.fixture
def sparql_client(sparql_app):
    return sparql_app.test_client()


@pytest.fixture(scope="session")
def live(sparql_app) -> Iterator[LiveServer]:
    server = LiveServer(sparql_app)
    yield server
    server.stop()

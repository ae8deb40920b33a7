"""Shared fixtures: settings on a temporary release folder, the bundled release, the app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sixaika.build import Progress, build
from sixaika.config import Settings
from sixaika.release import Release
from sixaika.web import create_app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory) -> Settings:
    """The project's own sources, releasing into a temporary folder."""
    releases = tmp_path_factory.mktemp("bundled") / "releases"
    return Settings.from_env({}, root=str(ROOT), releases=str(releases))


@pytest.fixture(scope="session")
def bundled_release(bundled_settings) -> Release:
    release, _report = build(bundled_settings, Progress(quiet=True))
    return release


@pytest.fixture
def project_copy(tmp_path) -> Settings:
    """A writable copy of the sources, for tests that break them."""
    for folder in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Settings.from_env({}, root=str(tmp_path), releases=str(tmp_path / "releases"))


@pytest.fixture(scope="session")
def app(bundled_settings, bundled_release):
    app = create_app(bundled_settings, release=bundled_release)
    app.config.update(TESTING=False)  # errors take the production path: no traces
    return app


@pytest.fixture
def client(app):
    return app.test_client()

"""Shared fixtures: settings on a temporary release folder, the bundled release, the app,
a writable copy of the sources, the mini project (helpers: ``support.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sixaika.build import Progress, build
from sixaika.config import Settings
from sixaika.release import Release

from .support import ROOT, copy_mini, open_app


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


@pytest.fixture
def mini(tmp_path, monkeypatch) -> Path:
    """The mini project (synthetic), writable, run from its own folder with no settings."""
    copy_mini(tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in ("SIXAIKA_ROOT", "SIXAIKA_RELEASES", "SIXAIKA_BASE", "SIXAIKA_STORE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def app(bundled_settings, bundled_release):
    return open_app(bundled_settings, bundled_release)


@pytest.fixture
def client(app):
    return app.test_client()

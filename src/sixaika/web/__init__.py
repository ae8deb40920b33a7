"""The web layer: a Flask app factory with one blueprint per URL family.

The app reads only a release (through a ``Repo``); it never parses source files.
"""

from __future__ import annotations

from flask import Flask

from ..config import Settings
from ..release import Release
from ..store import OxigraphRepo, Repo
from . import http


def create_app(
    settings: Settings | None = None, repo: Repo | None = None, release: Release | None = None
) -> Flask:
    """Build the app for ``release`` (default: the current one) or an explicit ``repo``."""
    settings = settings or Settings.from_env()
    release = release or Release.current(settings)
    if repo is None:
        if release is None:
            raise RuntimeError("no release to serve: run `sixaika build` first")
        repo = OxigraphRepo.open(release)
    app = Flask(__name__)
    app.config.update(SIXAIKA_SETTINGS=settings, SIXAIKA_RELEASE=release, SIXAIKA_REPO=repo)
    http.init_app(app)
    return app

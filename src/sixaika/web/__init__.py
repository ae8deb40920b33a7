"""The web layer: a Flask app factory with one blueprint per URL family.

The app reads only a release (through a ``Repo``); it never parses source files.
"""

from __future__ import annotations

from flask import Flask

from ..config import Settings
from ..read.store import Repo, open_repo
from ..release import Release
from . import (
    catalog,
    conduct,
    dumps,
    home,
    linkeddata,
    maps,
    openapi,
    reconcile,
    render,
    search,
    site,
    sparql,
    table,
    vocab,
    void,
)
from .cache import ResponseCache


def create_app(
    settings: Settings | None = None, repo: Repo | None = None, release: Release | None = None
) -> Flask:
    """Build the app for ``release`` (default: the current one) or an explicit ``repo``."""
    settings = settings or Settings.from_env()
    release = release or Release.current(settings)
    if repo is None:
        if release is None:
            raise RuntimeError("no release to serve: run `sixaika build` first")
        repo = open_repo(settings, release)
    app = Flask(__name__)
    conduct.init_app(app)
    site.init_app(app, site.Site(settings, repo, release))
    render.init_app(app)
    for blueprint in (
        home.bp,
        linkeddata.bp,
        catalog.bp,
        void.bp,
        dumps.bp,
        vocab.bp,
        search.bp,
        table.bp,
        maps.bp,
        openapi.bp,
        reconcile.bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(sparql.blueprint)
    # WSGI middleware wraps Flask's own wsgi_app, as Flask's documentation shows.
    app.wsgi_app = sparql.PlainQueries(app, app.wsgi_app)  # type: ignore[method-assign]
    # Outermost: replays cached responses before Flask routes anything.
    app.wsgi_app = ResponseCache(app.wsgi_app, settings.cache_entries)  # type: ignore[method-assign]
    return app

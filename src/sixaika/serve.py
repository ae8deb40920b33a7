"""Serve: the web app under gunicorn, the production WSGI server."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from .config import Settings
from .web import create_app, sparql


class Server(BaseApplication):
    def __init__(self, settings: Settings, **options: Any):
        self.settings = settings
        self.options = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": int(settings.workers),
            "worker_class": "gthread",
            "threads": 4,
            "keepalive": 5,
            # Off unless asked for: writing a line per request costs a third of the
            # throughput of cached pages (measured: 5,100 against 3,200 req/s).
            "accesslog": settings.access_log or None,
            **options,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker opens the release itself: stores are not shared across a fork.
        app = create_app(self.settings)
        # Start its query processes now rather than on the first query (0.3-1 s).
        warm_up = getattr(sparql.service(app).engine, "warm_up", None)
        if warm_up is not None:
            warm_up()
        return app


def serve(settings: Settings, **options: Any) -> None:
    Server(settings, **options).run()

"""Serve: the web app behind the front (``front``), in worker processes under gunicorn.

A worker serves the release that was current when it started. When a build makes another
release current, the arbiter restarts its workers gracefully (gunicorn's SIGHUP): requests
in flight finish on the old release, new workers open the new one.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from .. import logs
from ..config import Settings
from ..logs import for_release
from ..release import CURRENT
from ..sparql.engine import Limits
from . import create_app, linkeddata, sparql
from .cache import ResponseCache
from .front import Front, FrontWorker
from .site import site

RELEASE_POLL_SECONDS = 2.0
PAGE_THREADS = 8  # threads of a web worker for everything but SPARQL queries


class Server(BaseApplication):
    def __init__(self, settings: Settings, **options: Any):
        self.settings = settings
        worker = type("FrontWorker", (FrontWorker,), {"read_timeout": settings.read_timeout})
        self.options = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": settings.workers,
            "worker_class": worker,
            "keepalive": 5,
            # Off unless asked for: writing a line per request costs a third of the
            # throughput of cached pages (measured: 5,100 against 3,200 req/s).
            "accesslog": settings.access_log or None,
            "when_ready": self._watch_releases,
            **options,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        # gunicorn 25.1+ opens a control socket (to change workers, stop) at one path per
        # user: a second server took over the first's. Nothing here uses it.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Front:
        # Each worker opens the release itself: stores are not shared across a fork.
        app = create_app(self.settings)
        for_release(site(app).repo.version).info("a web worker serves it")
        # Start its query processes now rather than on the first query (0.3 s; seconds when
        # they copy the release into memory).
        warm_up = getattr(sparql.service(app).engine, "warm_up", None)
        if warm_up is not None:
            warm_up()
        limits = Limits.from_settings(self.settings)
        cache = app.wsgi_app if isinstance(app.wsgi_app, ResponseCache) else None
        # More threads than SPARQL queries may hold (``Limits.admitted``): the rest are
        # always there for pages and lookups.
        # A release's pages answer a resource's RDF at once: on the loop, no hop to a thread.
        direct = linkeddata.Direct(site(app)) if site(app).pages is not None else None
        front = Front(app, cache, PAGE_THREADS + limits.admitted, limits.max_body, direct)
        freeze_what_the_worker_holds()  # before it answers anyone: in no request's time
        threading.Thread(
            target=warm_up_pages, args=(app,), name="sixaika-warm", daemon=True
        ).start()
        return front

    def _watch_releases(self, arbiter: Any) -> None:
        def reload(target: str | None) -> None:
            for_release(target).info("made current: the web workers restart on it")
            os.kill(os.getpid(), signal.SIGHUP)

        watch_current_release(self.settings, reload)


WARM_PATHS = ("/", "/catalog")


def warm_up_pages(app: Flask) -> None:
    """Render the pages visitors start from, while the worker already serves.

    Their figures (counts and charts over every project) take seconds at 100k projects;
    computed here, in the background, the first visitor after a start or a new release
    does not wait for them.
    """
    client = app.test_client()
    for path in WARM_PATHS:
        client.get(path, headers={"Accept": "text/html"})


def freeze_what_the_worker_holds() -> None:
    """Leave the objects a worker holds for its life out of the cyclic collector's passes.

    A loaded worker tracks about 77k objects (Flask, Jinja, the modules, the app). Every
    few hundred requests the collector made a full pass over them all: 45-60 ms of a core
    in the middle of one request, the p99 of the pages (the 1M middle list page: p50 5 ms,
    p99 72 ms). Frozen (``gc.freeze``), they are skipped: after the pages a visitor starts
    from, some 700 objects are left for a full pass (measured: 0.05 ms). The start-up's
    garbage is collected first (40 ms, once), not frozen with them.
    """
    gc.collect()
    gc.freeze()


def watch_current_release(
    settings: Settings,
    on_change: Callable[[str | None], None],
    interval: float = RELEASE_POLL_SECONDS,
) -> threading.Event:
    """Call ``on_change(release id)`` from a daemon thread whenever ``current`` moves.

    Setting the event returned stops the watching.
    """
    link = settings.releases_dir / CURRENT

    def target() -> str | None:
        try:
            return os.readlink(link)
        except OSError:  # no release yet
            return None

    stop = threading.Event()

    def poll(seen: str | None) -> None:
        while not stop.wait(interval):
            if (now := target()) != seen:
                seen = now
                on_change(now)

    threading.Thread(target=poll, args=(target(),), name="sixaika-releases", daemon=True).start()
    return stop


def serve(settings: Settings, **options: Any) -> None:
    logs.to_stream(sys.stderr)  # the arbiter's, and so its workers' (forked from it)
    Server(settings, **options).run()

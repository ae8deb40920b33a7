"""The site's state: what every page needs from the release, made once per web worker,
and the one way to reach it from a request (``site()``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

from flask import Flask, abort, current_app, request
from flask.sansio.app import App
from werkzeug.http import http_date

from ..config import Settings
from ..documents import DocumentWriter
from ..read.facts import FACTS_PART, all_facts
from ..read.pages import Pages
from ..read.store import Repo
from ..release import Release
from ..search import SearchIndex
from ..sparql.service import Service
from ..urls import Urls
from ..vocabulary import Vocabulary
from .cache import LRU
from .present import Names
from .stamp import Stamp

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PARTS = 64  # a few parts x three languages x asked for by ?lang= or not x a root or two
MAPS = 256  # sets of cities a project is in (63 of six cities) x a language or three


class Site:
    """What every page needs from the release, computed once per worker process."""

    def __init__(self, settings: Settings, repo: Repo, release: Release | None):
        self.settings, self.repo, self.release = settings, repo, release
        self.sparql: Service | None = None  # the query service, opened with its blueprint
        self.memo = LRU(settings.cache_entries)
        # What pages say about the release (the build's renderer sets ``stamp.HOLES``).
        self.stamp: Stamp | None = Stamp(release.id, release.manifest.built) if release else None
        self.parts = LRU(PARTS)  # what every page shows (``render.part``), by language
        self.maps = LRU(MAPS)  # projects' small maps, by their cities (``maps.small_map``)
        built = release.manifest.built if release else None
        self.modified = dt.datetime.fromisoformat(built) if built else dt.datetime.now(dt.UTC)
        # Last-Modified of every response made from the release, written once: an HTTP date
        # took 7 us, a tenth of the time of a Turtle document the front answers at once.
        self.last_modified = http_date(self.modified)

    @cached_property
    def context(self) -> dict[str, Any]:
        """The published JSON-LD context; never read from the sources."""
        return self.release.context if self.release else {"@context": {}}

    @cached_property
    def writer(self) -> DocumentWriter:
        """Writes RDF documents with the published context and the site's prefixes."""
        return DocumentWriter(self.context["@context"], self.settings.urls.context())

    @property
    def prefixes(self) -> dict[str, str]:
        return self.writer.prefixes

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """Names, places and headings of terms, as the build computed them for the release."""
        return self.release.vocabulary if self.release else Vocabulary()

    @cached_property
    def index(self) -> SearchIndex | None:
        """The release's search index, opened once per worker (None: a release without)."""
        return self.release.open_index() if self.release else None

    @cached_property
    def pages(self) -> Pages | None:
        """The release's descriptions, lists and labels (``read.pages``), opened once per
        worker; None in a release without them, whose pages then read the store."""
        return self.release.open_pages() if self.release else None

    @cached_property
    def facts(self) -> dict[str, Any]:
        """Facts about the whole data (``read.facts``): counted by the build into the
        release; those a release lacks (built before they were facts) counted here, once."""
        if self.release is None:
            return all_facts(self.repo, self.settings, {})
        manifest = self.release.manifest
        graphs = {name: dataset.graph for name, dataset in manifest.datasets.items()}
        return all_facts(self.repo, self.settings, graphs, manifest.parts.get(FACTS_PART))

    def served_release(self) -> Release:
        """The release served; a 404 where the app reads a remote store and has none (no
        catalog, VoID, dumps or shapes to give)."""
        if self.release is None:
            abort(404, description="This server reads a store without a release of its own.")
        return self.release

    def names(self) -> Names:
        # sh: names the shapes' terms on pages; the documents keep the prefixes they had.
        prefixes = {**self.prefixes, "sh": "http://www.w3.org/ns/shacl#"}
        return Names(links(), prefixes, self.vocabulary)


def init_app(app: Flask, site: Site) -> None:
    app.extensions["sixaika"] = site


def site(app: App | None = None) -> Site:
    """The site of ``app`` (by default the one answering this request)."""
    return (app or current_app).extensions["sixaika"]


def links() -> Urls:
    """Links to the places of this site from the page being answered (under its root)."""
    return site().settings.urls.under(request.script_root)


def memo(key: Any, compute: Callable[[], Any]) -> Any:
    return site().memo.get_or_compute(key, compute)

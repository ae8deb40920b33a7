"""Sending a document in the format a request asks for, computed once per release.

Every page goes through ``send``: negotiate (or take the URL's extension), take the bytes
from the memo or render them, and answer with a strong ETag, Last-Modified,
Cache-Control, Vary and a Link header naming the other formats; 304 or 412 as the
request's preconditions say. RDF documents (a resource, the catalog, the ontology)
render through ``rdf_renderer``, other pages (home, lists) as HTML or JSON through
``page_renderer``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Flask, Response, abort, current_app, render_template, request
from markupsafe import Markup

from ..config import Settings
from ..context import Context
from ..dates import PeriodDate
from ..jsonld import Compactor, expanded
from ..namespaces import PREFIXES
from ..read.store import Repo
from ..release import Release
from ..search import SearchIndex
from ..urls import Urls
from ..vocabulary import Vocabulary
from . import i18n
from .cache import LRU, mark_cacheable
from .conneg import (
    BY_EXTENSION,
    HTML,
    JSON,
    JSONLD,
    JSONLD_EXPANDED,
    RDF_DOCUMENT,
    Format,
    negotiate,
)
from .preconditions import conditional
from .present import Names, format_number, format_period_date

Render = Callable[[Format, str], bytes]  # (format, reader's language) -> body


class Site:
    """What every page needs from the release, computed once per worker process."""

    def __init__(self, settings: Settings, repo: Repo, release: Release | None):
        self.settings, self.repo, self.release = settings, repo, release
        self.memo = LRU(settings.cache_entries)
        built = release.manifest.built if release else None
        self.modified = dt.datetime.fromisoformat(built) if built else dt.datetime.now(dt.UTC)

    @cached_property
    def context(self) -> dict[str, Any]:
        """The published JSON-LD context; never read from the sources."""
        return self.release.context if self.release else {"@context": {}}

    @cached_property
    def compactor(self) -> Compactor:
        """Compacts with the published context: pyld's output, made faster (jsonld.py)."""
        return Compactor(self.context["@context"])

    @cached_property
    def prefixes(self) -> dict[str, str]:
        vann = {"vann": "http://purl.org/vocab/vann/", "void": "http://rdfs.org/ns/void#"}
        return {**PREFIXES, **vann, **Context(self.context).prefixes}

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """Names, places and headings of terms, as the build computed them for the release."""
        return self.release.vocabulary if self.release else Vocabulary()

    @cached_property
    def index(self) -> SearchIndex | None:
        """The release's search index, opened once per worker (None: a release without)."""
        return self.release.open_index() if self.release else None

    def names(self) -> Names:
        # sh: names the shapes' terms on pages; the documents keep the prefixes they had.
        prefixes = {**self.prefixes, "sh": "http://www.w3.org/ns/shacl#"}
        return Names(links(), prefixes, self.vocabulary)


def init_app(app: Flask, site: Site) -> None:
    app.extensions["sixaika"] = site
    app.context_processor(template_globals)


def site() -> Site:
    return current_app.extensions["sixaika"]


def links() -> Urls:
    """Links to the places of this site from the page being answered (under its root)."""
    return site().settings.urls.under(request.script_root)


def memo(key: Any, compute: Callable[[], Any]) -> Any:
    return site().memo.get_or_compute(key, compute)


# Sending -------------------------------------------------------------------------


def send(
    key: str, offer: tuple[Format, ...], render: Render, fmt: Format | None, path: str
) -> Response:
    """Answer with ``render``'s output in the best of ``offer`` (or ``fmt``, from a URL).

    ``key`` names what the content depends on; ``path`` is the document's URL without an
    extension, from which the other formats' URLs are made.
    """
    negotiated = fmt is None
    fmt = fmt or negotiate(request.headers.get("Accept"), offer)
    if fmt is None:
        types = ", ".join(dict.fromkeys(f.media_type for f in offer))
        abort(406, description=f"This resource is available as {types}.")
    lang = i18n.reader_language() if fmt in (HTML, JSON) else ""
    # Asked for with ?lang=, a page's links carry it on: not the page Accept-Language gets.
    asked = i18n.asked_language() if fmt is HTML else None
    body, etag = memo((key, fmt.key, lang, asked), lambda: tagged(render(fmt, lang)))
    response = Response(body, content_type=fmt.content_type)
    vary = ["Accept"] if negotiated else []
    if HTML in offer and (negotiated or fmt is HTML):
        vary.append("Accept-Language")
    if vary:
        response.headers["Vary"] = ", ".join(vary)
    if negotiated and offer is RDF_DOCUMENT and fmt.extension:
        # The page in the language asked for by ?lang= is at its .html URL with ?lang= too.
        query = f"?lang={lang}" if lang and "lang" in request.args else ""
        response.headers["Content-Location"] = f"{path}.{fmt.extension}{query}"
    if offer is RDF_DOCUMENT:  # pages (home, lists) have no URL per format
        response.headers["Link"] = ", ".join(_alternates(path, offer))
    return finish(response, etag)


def send_rdf(
    key: str,
    path: str,
    ext: str | None,
    triples: Callable[[], list[ox.Triple]],
    html: Callable[[list[ox.Triple], str], str],
) -> Response:
    """An RDF document at ``path`` (or ``path.ext``), HTML for people."""
    fmt = BY_EXTENSION.get(ext) if ext else None
    if ext and fmt not in RDF_DOCUMENT:
        abort(404)
    return send(key, RDF_DOCUMENT, rdf_renderer(triples, html), fmt, path)


def same_query(target: str) -> str:
    """``target`` with the request's query string (``?lang=``, ``?page=``), for redirects."""
    if not request.query_string:
        return target
    # raw bytes beyond ASCII are percent-encoded, as a URL has them
    return target + "?" + quote(request.query_string, safe="/?:@!$&'()*+,;=%")


def finish(response: Response, etag: str) -> Response:
    """Validators and cache headers for a response made from the release; 304 if current."""
    response.set_etag(etag)
    response.last_modified = site().modified
    response.cache_control.public = True
    response.cache_control.max_age = site().settings.max_age
    mark_cacheable()
    return conditional(response)


def tagged(body: bytes) -> tuple[bytes, str]:
    # Strong ETag: the release and a digest of the very bytes sent.
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    return body, f"{site().repo.version}-{digest}"


def _alternates(path: str, offer: tuple[Format, ...]) -> list[str]:
    return [
        f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"'
        for f in offer
        if f.extension
    ]


def alternates(path: str, offer: tuple[Format, ...] = RDF_DOCUMENT) -> list[tuple[str, str, str]]:
    """(href, media type, name) of the data formats of a page, for its HTML links."""
    return [
        (f"{path}.{f.extension}", f.media_type, f.label)
        for f in offer
        if f.extension and f is not HTML
    ]


# Renderers -----------------------------------------------------------------------


def rdf_renderer(
    triples: Callable[[], list[ox.Triple]], html: Callable[[list[ox.Triple], str], str]
) -> Render:
    """A render function for a document whose content is ``triples``."""

    def render(fmt: Format, lang: str) -> bytes:
        graph = triples()
        if fmt is HTML:
            return html(graph, lang).encode("utf-8")
        if fmt is JSONLD:
            return _json(compacted(graph))
        if fmt is JSONLD_EXPANDED:
            return _json(expanded(graph))
        return ox.serialize(graph, format=fmt.oxigraph, prefixes=site().prefixes)

    return render


def compacted(triples: list[ox.Triple]) -> dict[str, Any]:
    """Compact JSON-LD pointing at the published context (a reference, not a copy)."""
    context_url = site().settings.urls.context()
    return site().compactor.document(triples, context_ref=context_url)


def page_renderer(template: str, data: Callable[[str], dict[str, Any]]) -> Render:
    """A render function for a page that is HTML for people and JSON for programs."""

    def render(fmt: Format, lang: str) -> bytes:
        values = data(lang)
        if fmt is JSON:
            return _json(values.get("json", values))
        return render_template(template, lang=lang, **values).encode("utf-8")

    return render


def _json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _same_page(path: str) -> str:
    """``path`` with the request's parameters (a page of a list, a query): a link to the
    same page in another language keeps them."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{path}?{urlencode(kept)}" if kept else path


def template_globals() -> dict[str, Any]:
    """What every template may use: the reader's language, words, links to languages.

    ``t`` escapes its text and plain arguments; markup the template made (a link, code)
    goes in as it is. Links to other pages of the site go through ``page_url``.
    """
    lang, asked = i18n.reader_language(), i18n.asked_language()
    # One HTML body serves /x and /x.html (it is memoised): link to the same place from both.
    page = request.path.removesuffix(".html")
    return {
        "lang": lang,
        "asked_lang": asked,
        "t": lambda key, *args: Markup.escape(i18n.words(key, lang)).format(*args),
        "tn": lambda key, n, *args: i18n.counted(key, lang, n, *args),
        "number": lambda n: format_number(str(n), lang),
        "date": lambda when: format_period_date(
            when if isinstance(when, PeriodDate) else PeriodDate.of_day(when), lang
        ),
        "languages": i18n.LANGUAGE_NAMES,
        "urls": links(),
        "page_url": lambda href: i18n.page_url(href, asked),
        "lang_url": lambda code: i18n.page_url(_same_page(page), code),
        "release": site().release.manifest if site().release else {},
    }

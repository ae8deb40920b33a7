"""Sending a document in the format a request asks for, computed once per release.

Every page goes through ``send``: negotiate (or take the URL's extension), take the bytes
from the memo or render them (``render``), and answer with a strong ETag, Last-Modified,
Cache-Control, Vary and a Link header naming the other formats; 304 or 412 as the
request's preconditions say.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import quote

import pyoxigraph as ox
from flask import Response, abort, request
from werkzeug.http import quote_etag
from werkzeug.wrappers import Response as BaseResponse

from . import i18n
from .cache import mark_cacheable
from .conneg import BY_EXTENSION, HTML, JSON, RDF_DOCUMENT, Format, negotiate
from .preconditions import conditional
from .render import Render, rdf_renderer
from .site import Site, memo, site


def send(
    key: str, offer: tuple[Format, ...], render: Render, fmt: Format | None, path: str
) -> BaseResponse:
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
    body, etag = memo(memo_key(key, fmt, lang, asked), lambda: tagged(render(fmt, lang)))
    response = Response(body, content_type=fmt.content_type)
    # The page in the language asked for by ?lang= is at its .html URL with ?lang= too.
    query = f"?lang={lang}" if lang and "lang" in request.args else ""
    response.headers.extend(representation_headers(path, offer, fmt, negotiated, query))
    return finish(response, etag)


def memo_key(key: str, fmt: Format, lang: str, asked: str | None) -> tuple:
    """What a representation is memoised under: ``key`` (what its content depends on), its
    format and the languages it was made in."""
    return (key, fmt.key, lang, asked)


def representation_headers(
    path: str, offer: tuple[Format, ...], fmt: Format, negotiated: bool, query: str = ""
) -> list[tuple[str, str]]:
    """Vary, Content-Location and Link of the document at ``path`` sent in ``fmt``, one of
    ``offer``: chosen by Accept when ``negotiated``, else by the URL's extension.
    ``query``: what Content-Location carries on (``?lang=``)."""
    headers = []
    vary = ["Accept"] if negotiated else []
    if HTML in offer and (negotiated or fmt is HTML):
        vary.append("Accept-Language")
    if vary:
        headers.append(("Vary", ", ".join(vary)))
    if negotiated and offer is RDF_DOCUMENT and fmt.extension:
        headers.append(("Content-Location", f"{path}.{fmt.extension}{query}"))
    if offer is RDF_DOCUMENT:  # pages (home, lists) have no URL per format
        headers.append(("Link", ", ".join(_alternates(path, offer))))
    return headers


def send_rdf(
    key: str,
    path: str,
    ext: str | None,
    triples: Callable[[], list[ox.Triple]],
    html: Callable[[list[ox.Triple], str], str],
) -> BaseResponse:
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


def finish(response: BaseResponse, etag: str) -> BaseResponse:
    """Validators and cache headers for a response made from the release; 304 if current."""
    for name, value in validators(site(), etag):
        response.headers[name] = value
    mark_cacheable()
    return conditional(response)


def validators(on: Site, etag: str) -> list[tuple[str, str]]:
    """ETag, Last-Modified and Cache-Control of a response made from the release of the
    site ``on`` (strong: ``etag`` is unquoted)."""
    return [
        ("ETag", quote_etag(etag)),
        ("Last-Modified", on.last_modified),
        ("Cache-Control", f"public, max-age={on.settings.max_age}"),
    ]


def tagged(body: bytes, on: Site | None = None) -> tuple[bytes, str]:
    """``body`` and its strong ETag: the release and a digest of the very bytes sent."""
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    return body, f"{(on or site()).repo.version}-{digest}"


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

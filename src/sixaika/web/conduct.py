"""HTTP conduct shared by every blueprint: CORS on reads, readable errors, never a trace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import (
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    render_template_string,
    request,
)
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from .. import accept
from ..config import Settings
from ..logs import for_release
from . import i18n
from .site import site

_ERROR_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ code }} {{ name }}</title></head>
<body><main><h1>{{ code }} {{ name }}</h1><p>{{ description }}</p>
<p><a href="{{ page_url(urls.home()) }}">{{ home }}</a></p></main></body></html>
"""


def client_of(environ: Mapping[str, Any], settings: Settings) -> str:
    """Who sent a request: the connection's address, or, where a trusted proxy stands in
    front (``SIXAIKA_CLIENT_HEADER``), the address its header names (the last one of an
    X-Forwarded-For list is the one the proxy added)."""
    if settings.client_header:
        key = "HTTP_" + settings.client_header.upper().replace("-", "_")
        named = environ.get(key, "").rsplit(",", 1)[-1].strip()
        if named:
            return named
    return environ.get("REMOTE_ADDR", "")


def wants_json() -> bool:
    """Errors as JSON, unless the client names HTML and likes it at least as much: a
    browser's Accept does; a program that sends ``*/*``, or nothing, gets JSON it can read."""
    ranges = accept.parse(request.headers.get("Accept", ""))
    q_html, named = accept.preference(("text/html",), ranges)
    q_json, _ = accept.preference(("application/json",), ranges)
    return not (named == 3 and q_html > 0 and q_html >= q_json)


def error_page(code: int, name: str, description: str, lang: str) -> str:
    """The site's page, header and navigation included, saying what went wrong (in
    ``lang``: werkzeug's words are English); a bare page if the site's cannot be made."""
    try:
        return render_template(
            "error.html", code=code, name=name, description=description, message_lang=lang
        )
    except Exception:  # noqa: BLE001 - the error page must not fail in its turn
        current_app.logger.exception("the error page could not be rendered; a bare one is sent")
        return render_template_string(
            _ERROR_PAGE,
            code=code,
            name=name,
            description=description,
            lang=lang,
            home=i18n.text("home", lang),
        )


def error_response(error: HTTPException) -> Response:
    code, name = error.code or 500, error.name
    description = error.description or ""
    if wants_json():
        response = jsonify(error=name, status=code, message=description)
    else:
        lang = "en"  # werkzeug's words; a plain 404 has ours, in the reader's language
        if code == 404 and description == NotFound.description:
            lang = i18n.reader_language()
            name, description = i18n.text("not_found", lang), i18n.text("not_found_text", lang)
        page = error_page(code, name, description, lang)
        response = Response(page, mimetype="text/html")
        response.vary.add("Accept-Language")
    response.status_code = code
    response.vary.add("Accept")  # the body's format was chosen by it
    headers = dict(error.get_headers())  # a list of pairs: look names up in a dict
    for header in ("Allow", "Retry-After", "Content-Range"):
        if header in headers:
            response.headers[header] = headers[header]
    return response


# Everything served is public and read-only (SPARQL POST included), errors too.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Vary",
}


# Pages run and style themselves only with the site's own files (``/static``, and YASGUI's
# under ``/sparql/ui``): no inline script or style (data blocks such as a page's JSON-LD are
# not run), nothing loaded from elsewhere, and no other site may frame them.
def content_security_policy(frame_ancestors: str = "'none'", styles: tuple[str, ...] = ()) -> str:
    """The policy; ``styles``: hashes of inline style elements a page may have."""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            " ".join(("style-src 'self'", *styles)),
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def standing_headers(mimetype: str) -> list[tuple[str, str]]:
    """What every response of ``mimetype`` carries: the security headers (a page's policy
    if it is HTML) and CORS."""
    headers = list(SECURITY_HEADERS.items())
    if mimetype == "text/html":
        headers.append(("Content-Security-Policy", content_security_policy()))
    return headers + list(CORS_HEADERS.items())


def _add_standing_headers(response: Response) -> Response:
    for name, value in standing_headers(response.mimetype or ""):
        response.headers.setdefault(name, value)
    _keep_location_on_base(response)
    if request.method == "OPTIONS":
        _answer_preflight(response)
    return response


def _keep_location_on_base(response: Response) -> None:
    """No request header reaches a response except through the configured base: a redirect
    werkzeug makes itself (``/id//x`` to ``/id/x``) named the request's Host, so a Location
    on another origin than the base's keeps only its path and query, resolved by the
    client against the address it asked."""
    location = response.headers.get("Location")
    if not location:
        return
    parts, base = urlsplit(location), urlsplit(site().settings.base)
    if parts.netloc and (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        response.headers["Location"] = urlunsplit(("", "", parts.path, parts.query, ""))


def _answer_preflight(response: Response) -> None:
    """A browser asks before a request other sites may not make unasked: a POST of
    application/sparql-query, a JSON-LD profile or If-None-Match in its headers. Whatever
    headers it asks for are allowed: everything here is public and takes no credentials."""
    asked = request.headers.get("Access-Control-Request-Headers", "")
    response.headers["Access-Control-Allow-Methods"] = response.headers.get("Allow", "GET")
    response.headers["Access-Control-Allow-Headers"] = asked or "Content-Type, Accept"
    response.headers["Access-Control-Max-Age"] = "86400"
    response.vary.add("Access-Control-Request-Headers")


def _http_error(error: HTTPException) -> Response:
    if (error.code or 500) >= 500:
        _log_failure(error.code or 500, error.description or error.name)
    return error_response(error)


def _internal_error(error: Exception) -> Response:
    """The client gets a plain 500; the operator's log gets the traceback."""
    _log_failure(500, f"{type(error).__name__}: {error}", error)
    return error_response(InternalServerError())


def _log_failure(code: int, why: str, error: Exception | None = None) -> None:
    """Every answer of 5xx, a line on the operator's log (with the traceback of a fault)."""
    log = for_release(site().repo.version)
    log.error("%s %s answered %d: %s", request.method, request.path, code, why, exc_info=error)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)
    app.after_request(_add_standing_headers)

"""Conditional requests (RFC 9110 §13.2.2): 412 or 304, decided in the standard's order.

Werkzeug's ``make_conditional`` gets preconditions wrong (``If-Match: *`` fails, its 412
is cacheable and carries the whole body, ``If-Unmodified-Since`` is ignored, a Range
wins over ``If-None-Match``, ``If-Range`` is compared weakly), so they are decided here
and werkzeug is left only what it does well: a single byte ``Range``.

>>> import datetime as dt
>>> from werkzeug import Request
>>> built = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
>>> def ask(name, value):
...     return decide(Request.from_values(headers={name: value}), '"v1"', built)
>>> ask("If-Match", "*"), ask("If-Match", 'W/"v1"'), ask("If-None-Match", 'W/"v1"')
(None, 412, 304)
>>> ask("If-Unmodified-Since", "Wed, 01 Jan 2025 00:00:00 GMT")
412
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, request
from werkzeug import Request, Response
from werkzeug.exceptions import HTTPException
from werkzeug.http import unquote_etag

# The precondition headers, as WSGI names them. Decided here: werkzeug must not see them,
# or it decides them again, its own way.
HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
)


def decide(asked: Request, etag: str, modified: dt.datetime | None) -> int | None:
    """412 or 304 as the preconditions of ``asked`` make it for a GET or HEAD; else None.

    ``etag`` is quoted as sent; ``modified`` is the Last-Modified sent (whole seconds), if
    any: without one, the date conditions are not evaluated (§13.1.3, §13.1.4).
    """
    tag, weak = unquote_etag(etag)
    if "If-Match" in asked.headers:  # strong comparison: a weak tag never matches
        if not (asked.if_match.star_tag or (not weak and asked.if_match.is_strong(tag))):
            return 412
    elif modified and asked.if_unmodified_since and modified > asked.if_unmodified_since:
        return 412
    if "If-None-Match" in asked.headers:  # weak comparison
        if asked.if_none_match.contains_weak(tag):
            return 304
    elif modified and asked.if_modified_since and modified <= asked.if_modified_since:
        return 304
    return None


def conditional(response: Response, complete_length: int | None = None) -> Response:
    """``response`` (a 200 with its ETag and Last-Modified) as the request's conditions
    make it: 412 (an error, so never cached), 304, or with ``complete_length`` a 206."""
    if complete_length is None and not any(h in request.environ for h in HEADERS):
        return response  # nothing to decide (most requests): no date to parse back
    try:
        status = decide(request, response.headers["ETag"], response.last_modified)
        if status == 412:
            abort(412)
        if status == 304:
            response.status_code = 304  # werkzeug drops the body and the content headers
        elif complete_length is not None:
            response.make_conditional(
                _range_only(request.environ, response),
                accept_ranges=True,
                complete_length=complete_length,
            )
    except HTTPException:  # 412 or 416: the response's file is not sent
        response.close()
        raise
    return response


def _range_only(environ: dict[str, Any], response: Response) -> dict[str, Any]:
    """The environ with a Range to serve, if any, and no condition left for werkzeug.

    Ignored (§14.2 lets a server send it all): a Range of another unit than bytes, of
    several ranges, or whose If-Range is not the very validator sent (§13.1.5: a strong
    ETag, or Last-Modified to the second; werkzeug compares weakly, and dates by order).
    """
    kept = {k: v for k, v in environ.items() if k not in (*HEADERS, "HTTP_IF_RANGE")}
    unit, _, ranges = kept.get("HTTP_RANGE", "").partition("=")
    if_range = environ.get("HTTP_IF_RANGE", "").strip()
    validators = (response.headers.get("ETag"), response.headers.get("Last-Modified"))
    if unit.strip().lower() != "bytes" or "," in ranges or if_range not in ("", *validators):
        kept.pop("HTTP_RANGE", None)
    return kept

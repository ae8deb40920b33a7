"""``/sparql``: the SPARQL 1.1 Protocol query operation, the service description, the UI.

The HTTP side only: reading the request is ``sparql.protocol``, what may run is
``sparql.policy``, running it is the service's engine (worker processes or a remote store;
a lookup, a DESCRIBE of named resources, in this process).
Browsers that ask for HTML get pages: the query UI (YASGUI, from ``node_modules`` when the
set-up installed it, else a plain form) and results as a table, neither needing JavaScript
to work.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    render_template,
    request,
    send_from_directory,
)
from flask.sansio.blueprints import BlueprintSetupState
from werkzeug.exceptions import (
    HTTPException,
    ServiceUnavailable,
    TooManyRequests,
    default_exceptions,
)

from .. import accept
from ..formats import accept_for, sparql_formats
from ..sparql import QueryError, protocol
from ..sparql.description import endpoint_iri, render
from ..sparql.engine import Answer
from ..sparql.formats import GRAPH, negotiate, offered
from ..sparql.service import Service
from . import conduct, preconditions
from .cache import CACHEABLE, mark_cacheable
from .present import LINKABLE_SCHEMES
from .site import site

blueprint = Blueprint("sparql", __name__)
YASGUI = Path("node_modules/@zazuko/yasgui/build")  # under the project root, from npm
PAGE_ACCEPT = "application/sparql-results+json, text/turtle"  # what a results page shows
MAX_ROWS_SHOWN = 1000
# The two <style> elements YASGUI 4.6.2 (package-lock.json) adds itself, for its result
# table's column resizer: allowed by their hashes, as no other inline style is. Another
# version may add others: tests/sparql/test_yasgui.py tells of any the policy blocks.
YASGUI_STYLES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)


@blueprint.record_once
def _open_service(state: BlueprintSetupState) -> None:
    the_site = site(state.app)
    the_site.sparql = Service.open(the_site.settings, the_site.repo, the_site.release)


def service(app: Flask | None = None) -> Service:
    """The app's SPARQL service (its query workers), opened with the app."""
    found = site(app).sparql
    if found is None:
        raise RuntimeError("the SPARQL blueprint is not registered on this app")
    return found


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Any:
    try:
        asked = protocol.parse(request, max_body=service().limits.max_body)
    except QueryError as e:
        raise _http_error(e) from None
    if asked is None:
        return _description()
    if _wants_page():
        return _results_page(asked)
    tag = _etag()
    max_age = service().settings.max_age
    if tag and (status := preconditions.decide(request, tag, None)):
        if status == 412:
            abort(412)
        return Response(status=304, headers=_cache_headers(tag, max_age))
    try:
        answer = _run(asked)
    except QueryError as e:
        raise _http_error(e) from None
    tag = None if answer.volatile else tag
    if tag:  # a GET answer depends only on the release and the request: replay it
        mark_cacheable()
    headers = _cache_headers(tag, max_age)
    return Response(answer.body, content_type=answer.content_type, headers=headers)


def _run(asked: protocol.QueryRequest) -> Answer:
    """The answer; an error that ``PlainQueries`` met is raised, not run into again."""
    met = request.environ.pop(PlainQueries.ERROR, None)
    if met is not None:
        raise met
    return service().run(asked, _accept(), _client())


class PlainQueries:
    """WSGI middleware: the protocol's most frequent request answered without Flask.

    A plain ``GET /sparql?query=...`` from a program (no other parameter, no condition, not
    a browser) is what SPARQL clients send at volume; routing it through Flask cost a
    quarter of its throughput (measured: 1,635 against 2,170 DESCRIBE req/s). Every other
    request goes on to the ``endpoint`` view, which speaks the whole protocol; so does a
    query that fails here, with its error in the environ, so that it never runs twice.
    """

    ERROR = "sixaika.sparql.error"

    def __init__(self, app: Flask, wsgi_app: Callable):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        query = self._plain_query(environ)
        if query is None:
            return self.wsgi_app(environ, start_response)
        accept, svc = environ.get("HTTP_ACCEPT", ""), service(self.app)
        client = conduct.client_of(environ, svc.settings)
        try:
            answer = svc.run(protocol.plain(query), accept, client)
        except Exception as e:  # the view answers it, as it answers its own errors
            environ[self.ERROR] = e
            return self.wsgi_app(environ, start_response)
        tag = None
        if not answer.volatile:  # the answer depends only on the release and the request
            version = site(self.app).repo.version
            tag = _etag_for(version, environ.get("QUERY_STRING", ""), accept)
            environ[CACHEABLE] = True
        headers = {
            "Content-Type": answer.content_type,
            "Content-Length": str(len(answer.body)),
            **_cache_headers(tag, svc.settings.max_age),
            **conduct.CORS_HEADERS,
            **conduct.SECURITY_HEADERS,
        }
        start_response("200 OK", list(headers.items()))
        return [answer.body]

    @staticmethod
    def _plain_query(environ: dict[str, Any]) -> str | None:
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("PATH_INFO") != "/sparql"
            or any(name in environ for name in preconditions.HEADERS)
            or _prefers_html(environ.get("HTTP_ACCEPT", ""))
        ):
            return None
        raw = environ.get("QUERY_STRING", "")
        if not raw.isascii():  # raw bytes beyond ASCII: the view reads them as werkzeug does
            return None
        try:
            params = parse_qs(raw, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:  # not UTF-8: the view says so
            return None
        queries = params.get("query", [])
        return queries[0] if len(params) == 1 and len(queries) == 1 else None


@blueprint.route("/sparql/ui/<path:name>")
def yasgui_file(name: str) -> Response:
    """YASGUI's files as npm installed them (never from a CDN, never in git)."""
    folder = _yasgui_folder()
    if folder is None:
        abort(404)
    return send_from_directory(folder, name, max_age=86400)


# Service description and UI --------------------------------------------------------------


def _description() -> Any:
    if _wants_page():
        return _page()
    fmt = negotiate(_accept(), GRAPH)
    if fmt is None:
        abort(406, f"The service description comes as: {', '.join(offered(GRAPH))}, text/html.")
    body = render(service().description, fmt)
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})


def _page(query: str = "", **results: Any) -> Response:
    svc = service()
    page = render_template(
        "sparql.html",
        query=query or svc.examples[0].query,
        examples=svc.examples,
        limits=svc.limits,
        examples_data=[{"title": e.title["en"], "query": e.query} for e in svc.examples],
        endpoint=endpoint_iri(svc.settings),  # never the request's Host
        yasgui=_yasgui_folder() is not None,
        results_shown=bool(results),
        **results,
    )
    policy = conduct.content_security_policy(styles=YASGUI_STYLES)
    return Response(page, mimetype="text/html", headers={"Content-Security-Policy": policy})


def _results_page(asked: protocol.QueryRequest) -> Any:
    try:
        answer = service().run(asked, PAGE_ACCEPT, _client())
    except QueryError as e:
        return _page(asked.query, error=e.message), e.status
    if not answer.content_type.startswith("application/sparql-results+json"):
        return _page(asked.query, text=answer.body.decode("utf-8", "replace"))
    results = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        return _page(asked.query, boolean=bool(results))
    variables = [v.value for v in results.variables]
    shown = itertools.islice(results, MAX_ROWS_SHOWN + 1)  # one more tells there are more
    rows = [[_cell(solution[v]) for v in variables] for solution in shown]
    more = len(rows) > MAX_ROWS_SHOWN
    return _page(asked.query, variables=variables, rows=rows[:MAX_ROWS_SHOWN], more=more)


def _yasgui_folder() -> Path | None:
    folder = (service().settings.root / YASGUI).resolve()
    return folder if (folder / "yasgui.min.js").is_file() else None


# Helpers ----------------------------------------------------------------------------------


def _accept() -> str:
    """``Accept``, unless a ``format`` parameter (as Fuseki and Virtuoso read it) says."""
    named = accept_for(request.values.get("format", ""))
    return named or request.headers.get("Accept", "")


def _client() -> str:
    return conduct.client_of(request.environ, service().settings)


def _wants_page() -> bool:
    """A browser: it prefers HTML to every format we serve (never for ``*/*`` alone)."""
    if accept_for(request.values.get("format", "")):
        return False
    return _prefers_html(request.headers.get("Accept", ""))


@lru_cache(maxsize=512)  # clients send the same few Accept headers, query after query
def _prefers_html(header: str) -> bool:
    """A browser's Accept: HTML over every result format (on a tie, the format wins)."""
    ranges = accept.parse(header)
    html = accept.preference(("text/html",), ranges)
    return html[0] > 0 and all(
        html > accept.preference((f.media_type, *f.aliases), ranges) for f in sparql_formats()
    )


def _etag() -> str | None:
    if request.method not in ("GET", "HEAD"):
        return None
    return _etag_for(site().repo.version, request.query_string.decode(), _accept())


def _etag_for(version: str, query_string: str, accept: str) -> str:
    """GETs of an immutable release are cacheable: the tag covers all they depend on.

    Weak: the same request gets the same answer, though not always the same bytes (a
    blank node a query makes, by BNODE() or in a CONSTRUCT template, is named anew).
    """
    key = "\n".join((version, query_string, accept))
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def _cache_headers(tag: str | None, max_age: int) -> dict[str, str]:
    headers = {"Vary": "Accept"}
    if tag:
        headers["ETag"] = tag
        headers["Cache-Control"] = f"public, max-age={max_age}"
    else:
        headers["Cache-Control"] = "no-store"
    return headers


def _http_error(error: QueryError) -> HTTPException:
    if error.status == 503:
        return ServiceUnavailable(error.message, retry_after=error.retry_after)
    if error.status == 429:
        return TooManyRequests(error.message, retry_after=error.retry_after)
    exception = default_exceptions.get(error.status, default_exceptions[500])
    return exception(error.message)


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> dict[str, str]:
    """A result term as a table cell: IRIs link (ours dereference), literals show their tag."""
    if term is None:
        return {"text": ""}
    if isinstance(term, ox.NamedNode):  # a query can make any IRI: link only safe schemes
        href = term.value if term.value.startswith(LINKABLE_SCHEMES) else None
        return {"text": term.value, "href": href} if href else {"text": term.value}
    if isinstance(term, ox.BlankNode):
        return {"text": f"_:{term.value}"}
    note = f"@{term.language}" if term.language else _short_datatype(term.datatype.value)
    return {"text": term.value, "note": note}


def _short_datatype(datatype: str) -> str:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    if datatype == xsd + "string":
        return ""
    return "xsd:" + datatype[len(xsd) :] if datatype.startswith(xsd) else f"<{datatype}>"

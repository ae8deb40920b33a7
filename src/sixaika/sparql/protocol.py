"""An HTTP request read as the SPARQL 1.1 Protocol's query operation, or the error it earns.

The three ways to send a query (section 2.1): ``GET`` with ``query=`` in the URL, ``POST``
of an HTML form (``application/x-www-form-urlencoded``), and ``POST`` of the query itself
(``application/sparql-query``, dataset parameters in the URL). The update operation is
recognised only to be refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request

from . import QueryError

FORM, DIRECT, UPDATE = (
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
)
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only."


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] = ()  # default-graph-uri: overrides the query's FROM
    named_graphs: tuple[str, ...] = ()  # named-graph-uri: overrides its FROM NAMED
    timeout: float | None = None  # seconds the client asks for (never more than allowed)


def parse(request: Request, max_body: int) -> QueryRequest | None:
    """The query operation in ``request``; None for a GET without a query."""
    _require_utf8(request.query_string, "The URL's query string")
    if request.method == "POST":
        return _post(request, max_body)
    if "update" in request.args:
        raise QueryError(403, READ_ONLY)
    if "query" not in request.args:
        return None
    return _query_request(_one(request.args.getlist("query")), request.args)


def _post(request: Request, max_body: int) -> QueryRequest:
    mimetype = request.mimetype
    if mimetype == UPDATE:
        raise QueryError(403, READ_ONLY)
    if mimetype not in (FORM, DIRECT):
        raise QueryError(
            415,
            f"A query is POSTed as {FORM} or {DIRECT}, not as {mimetype or 'no media type'}.",
        )
    coding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if coding not in ("identity", ""):
        raise QueryError(415, f"A query is sent as it is, not with Content-Encoding {coding}.")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise QueryError(415, f"A query is sent in UTF-8, not in {charset}.")
    if (request.content_length or 0) > max_body:
        raise QueryError(413, f"The request body is larger than {max_body} bytes.")
    # A chunked body has no Content-Length: werkzeug enforces the bound while reading.
    request.max_content_length = max_body
    if mimetype == FORM:
        _require_utf8(request.get_data(), "The form")
        return _form(request)
    if "query" in request.args:
        raise QueryError(400, "The query is in the body: the URL must not have a query too.")
    try:
        query = request.get_data().decode("utf-8")
    except UnicodeDecodeError as e:
        raise QueryError(400, f"The query is not valid UTF-8 ({e.reason}).") from None
    return _query_request(query, request.args)


def _require_utf8(encoded: bytes, what: str) -> None:
    """A 400 for parameters that are not percent-encoded UTF-8 (the protocol's 2.1.1, 2.1.2).

    werkzeug keeps an escape it cannot decode as text: ``%E4`` (Latin-1 "ä") would reach
    the query as the three characters ``%E4``, and answer a question not asked.
    """
    try:
        unquote_to_bytes(encoded).decode("utf-8")
    except UnicodeDecodeError as e:
        raise QueryError(400, f"{what} is not percent-encoded UTF-8 ({e.reason}).") from None


def _form(request: Request) -> QueryRequest:
    if "update" in request.form:
        raise QueryError(403, READ_ONLY)
    params = MultiDict(request.args)
    for key, value in request.form.items(multi=True):
        params.add(key, value)
    return _query_request(_one(params.getlist("query")), params)


def _one(queries: list[str]) -> str:
    if len(queries) != 1:
        raise QueryError(
            400, "No query given." if not queries else f"{len(queries)} queries given; send one."
        )
    return queries[0]


def plain(query: str) -> QueryRequest:
    """The request of a ``GET /sparql?query=...`` with no other parameter."""
    return _query_request(query, MultiDict())


def _query_request(query: str, params: MultiDict) -> QueryRequest:
    query = query.removeprefix("\ufeff")  # a byte order mark some editors write
    if not query.strip():
        raise QueryError(400, "The query is empty.")
    return QueryRequest(
        query,
        _iris(params, "default-graph-uri"),
        _iris(params, "named-graph-uri"),
        _timeout(params.get("timeout")),
    )


def _iris(params: MultiDict, name: str) -> tuple[str, ...]:
    # Once each: the dataset is a set of graphs, but pyoxigraph would merge one twice.
    iris = tuple(dict.fromkeys(params.getlist(name)))
    for iri in iris:
        if not _ABSOLUTE_IRI.match(iri):
            raise QueryError(400, f"{name} must be an absolute IRI: {iri!r}.")
    return iris


def _timeout(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise QueryError(400, f"timeout must be a positive number of seconds: {value!r}.")
    return seconds

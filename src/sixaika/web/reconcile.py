"""``/reconcile``: the Reconciliation Service API (version 0.2, what OpenRefine 3.x speaks).

A data wrangler's spreadsheet of organisation or project names (in fi, en or sv), EURA
codes or business IDs is matched against 6Aika's projects and organisations:
- ``GET /reconcile``: the service manifest;
- ``GET /reconcile?queries=`` or ``POST`` form ``queries=``: a batch of queries, each
  answered with candidates, their scores, and ``match`` where one is certain;
- ``/reconcile/suggest/{entity,type,property}?prefix=``: completions;
- ``/reconcile/preview?id=``: a small HTML page about a candidate, for an iframe.

Entities are identified by their IRIs; types by their classes' IRIs. A candidate's score
is 100 for an exact code, else how alike the query and its closest name are (0-100): the
share of their words that reduce to the same terms, or their characters' likeness,
whichever is higher. It is a ``match`` when it scores 90 or more and no other candidate
comes within 10 points of it.
"""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from typing import Any

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from ..search.analysis import analyser
from ..search.index import Hit, Kind, SearchIndex
from . import conduct, i18n
from .search import index
from .site import site

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

BATCH_SIZE = 50  # queries in one batch: more is 413
DEFAULT_LIMIT, MOST = 5, 25  # candidates per query
CERTAIN, MARGIN = 90.0, 10.0  # a match scores this much, this far ahead of the next
ORG = "http://www.w3.org/ns/org#Organization"
PROPERTIES = {  # pid -> (name, the code type it compares with)
    "eura": ("EURA code", "eura-code"),
    "business_id": ("Business ID (Y-tunnus)", "business-id"),
    "identifier": ("Identifier", None),
}


def types() -> dict[str, tuple[Kind, str]]:
    """Type IRI -> (the index's kind, its name)."""
    return {
        site().settings.urls.term("Project"): ("project", "Project"),
        ORG: ("organisation", "Organisation"),
    }


def _json(document: Any, status: int = 200) -> Response:
    body = json.dumps(document, ensure_ascii=False)
    return Response(body, status=status, content_type="application/json; charset=utf-8")


@bp.route("", methods=["GET", "POST"])
def endpoint() -> Response:
    batch = request.values.get("queries")
    if batch is None:
        if request.method == "POST":
            abort(400, description="POST a form field 'queries': a JSON object of queries.")
        return _json(manifest())
    return _json(answer(_parse(batch), index()))


def manifest() -> dict[str, Any]:
    urls = site().settings.urls
    service = urls.reconcile()
    return {
        "versions": ["0.1", "0.2"],
        "name": i18n.text("site", "en"),
        "identifierSpace": urls.id(),
        "schemaSpace": urls.vocab,
        "documentation": urls.home(),
        "defaultTypes": [{"id": iri, "name": name} for iri, (_, name) in types().items()],
        "view": {"url": "{{id}}"},  # an entity's id is its IRI, which answers in HTML
        "preview": {"url": urls.reconcile("/preview?id={{id}}"), "width": 420, "height": 160},
        "suggest": {
            kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "batchSize": BATCH_SIZE,
    }


def _parse(batch: str) -> dict[str, dict[str, Any]]:
    """The query batch, or 400 saying what is wrong with it."""
    try:
        queries = json.loads(batch)
    except ValueError as error:
        abort(400, description=f"queries is not JSON: {error}")
    if not isinstance(queries, dict):
        abort(400, description="queries must be a JSON object of queries, by key.")
    if len(queries) > BATCH_SIZE:
        abort(413, description=f"At most {BATCH_SIZE} queries in a batch.")
    for key, query in queries.items():
        if not isinstance(query, dict):
            abort(400, description=f"query {key!r} is not an object.")
        text, properties = query.get("query"), query.get("properties", [])
        if text is not None and not isinstance(text, str):
            abort(400, description=f"query {key!r}: 'query' must be a string.")
        if not isinstance(properties, list) or not all(
            isinstance(p, dict) and "pid" in p and "v" in p for p in properties
        ):
            abort(400, description=f"query {key!r}: properties are objects with pid and v.")
        if not (text or "").strip() and not properties:
            abort(400, description=f"query {key!r} has neither a query nor properties.")
    return queries


def answer(queries: dict[str, dict[str, Any]], found_in: SearchIndex) -> dict[str, Any]:
    return {key: {"result": _candidates(query, found_in)} for key, query in queries.items()}


def _candidates(query: dict[str, Any], found_in: SearchIndex) -> list[dict[str, Any]]:
    text = (query.get("query") or "").strip()
    kinds = _kinds(query.get("type"))
    limit = query.get("limit", DEFAULT_LIMIT)
    limit = min(limit, MOST) if isinstance(limit, int) and limit > 0 else DEFAULT_LIMIT
    codes = _codes(query.get("properties", []))
    scored: dict[str, tuple[float, Hit]] = {}
    for code, code_type in codes:
        iri = found_in.lookup(code, code_type)
        hit = found_in.get(iri) if iri else None
        if iri and hit and hit.kind in kinds:
            scored[iri] = (100.0, hit)
    if text:
        for hit in found_in.search(text, kinds, max(limit * 4, 20), any_word=True).hits:
            score = 100.0 if hit.matched == "code" else _likeness(text, hit.all_names)
            if codes and hit.iri not in scored:
                score /= 2  # the row gives codes, and this candidate has none of them
            scored.setdefault(hit.iri, (score, hit))
    ranked = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].iri))[:limit]
    return [_candidate(hit, score, _certain(ranked, n)) for n, (score, hit) in enumerate(ranked)]


def _kinds(asked: Any) -> tuple[Kind, ...]:
    known = types()
    asked = [asked] if isinstance(asked, str) else asked if isinstance(asked, list) else []
    chosen = tuple(known[t][0] for t in asked if t in known)
    if asked and not chosen:
        abort(400, description=f"type must be one of {', '.join(known)}.")
    return chosen or tuple(kind for kind, _ in known.values())


def _codes(properties: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    codes = []
    for p in properties:
        if p["pid"] not in PROPERTIES:
            abort(400, description=f"unknown property {p['pid']!r}: one of {', '.join(PROPERTIES)}")
        values = p["v"] if isinstance(p["v"], list) else [p["v"]]
        for v in values:
            value = v.get("id") if isinstance(v, dict) else v
            if isinstance(value, str | int) and str(value).strip():
                codes.append((str(value).strip(), PROPERTIES[p["pid"]][1]))
    return codes


def _likeness(text: str, names: tuple[str, ...]) -> float:
    """How alike ``text`` is to the closest of ``names``, 0-100 (see the module's note)."""
    words = analyser()
    asked = {t for w in words.words(text) for t in words.query_forms(w)}
    best = 0.0
    for name in names:
        terms = {t for w in words.words(name) for t in words.query_forms(w)}
        shared = len(asked & terms) / len(asked | terms) if asked | terms else 0.0
        letters = SequenceMatcher(None, text.casefold(), name.casefold()).ratio()
        best = max(best, shared, letters)
    return round(best * 100, 1)


def _certain(ranked: list[tuple[float, Hit]], n: int) -> bool:
    score = ranked[n][0]
    others = [s for i, (s, _) in enumerate(ranked) if i != n]
    return score >= CERTAIN and all(s < score - MARGIN for s in others)


def _candidate(hit: Hit, score: float, match: bool) -> dict[str, Any]:
    kind_types = {kind: (iri, name) for iri, (kind, name) in types().items()}
    iri, name = kind_types[hit.kind]
    found = {
        "id": hit.iri,
        "name": _name(hit),
        "type": [{"id": iri, "name": name}],
        "score": score,
        "match": match,
    }
    description = i18n.pick(hit.texts, "en")
    if description:
        found["description"] = description[0]
    return found


def _name(hit: Hit) -> str:
    picked = i18n.pick(hit.names, "fi")  # Finnish first: the names the sources give
    return picked[0] if picked else hit.iri


# Suggest and preview -----------------------------------------------------------------


def _page(items: list[dict[str, Any]]) -> Response:
    cursor = request.args.get("cursor", "0")
    start = int(cursor) if cursor.isdigit() else 0
    return _json({"result": items[start : start + 10]})


@bp.get("/suggest/entity")
def suggest_entity() -> Response:
    prefix = request.args.get("prefix", "").strip()
    kinds = {kind for kind, _ in types().values()}
    found = index().suggest(prefix, 40) if prefix else []
    items = []
    for s in found:
        if s.kind in kinds:
            iri, name = next((i, n) for i, (k, n) in types().items() if k == s.kind)
            items.append({"id": s.iri, "name": s.label, "notable": [{"id": iri, "name": name}]})
    return _page(items)


@bp.get("/suggest/type")
def suggest_type() -> Response:
    prefix = request.args.get("prefix", "").strip().casefold()
    return _page(
        [
            {"id": iri, "name": name}
            for iri, (_, name) in types().items()
            if name.casefold().startswith(prefix) or iri.casefold().startswith(prefix)
        ]
    )


@bp.get("/suggest/property")
def suggest_property() -> Response:
    prefix = request.args.get("prefix", "").strip().casefold()
    return _page(
        [
            {"id": pid, "name": name}
            for pid, (name, _) in PROPERTIES.items()
            if pid.startswith(prefix) or name.casefold().startswith(prefix)
        ]
    )


@bp.get("/preview")
def preview() -> Response:
    iri = request.args.get("id", "")
    hit = index().get(iri) if iri else None
    if hit is None or hit.kind not in {kind for kind, _ in types().values()}:
        abort(404, description="No project or organisation has this id.")
    lang = i18n.reader_language()
    description = i18n.pick(hit.texts, lang)
    html = render_template(
        "preview.html",
        hit=hit,
        name=_name(hit),
        kind=i18n.text(f"kind_{hit.kind}", lang),
        description=description,
        href=site().names().href(hit.iri),
        lang=lang,
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    # A reconciliation client (OpenRefine) shows the preview in a frame of its own page.
    response.headers["Content-Security-Policy"] = conduct.content_security_policy("*")
    return response

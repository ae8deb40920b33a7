"""``/search``, ``/search/suggest`` and ``/lookup``: finding a resource without SPARQL.

All three read the release's search index (``sixaika.search``). ``/search?q=`` is a page
for people and JSON for programs; ``/search/suggest?q=`` is JSON for the header's search
box (``static/search.js``), which is a plain form without it; ``/lookup?eura=A70202``
answers 303 with the resource that has the code.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from ..search.analysis import WORD, Analyser, analyser
from ..search.index import KINDS, Hit, Results, SearchIndex
from . import i18n
from .conneg import JSON, PAGE
from .present import Names
from .render import page_renderer
from .respond import send
from .site import site

bp = Blueprint("search", __name__)

PER_PAGE = 20
SUGGESTIONS = 8
LONGEST_QUERY = 200  # characters: longer is no search a person typed
LOOKUPS = {"eura": "eura-code", "business_id": "business-id", "id": None}  # parameter -> type


def index() -> SearchIndex:
    found = site().index
    if found is None:
        abort(503, description="This release has no search index: run `sixaika build`.")
    return found


def _query() -> str:
    q = request.args.get("q", "").strip()
    if len(q) > LONGEST_QUERY:
        abort(400, description=f"q is longer than {LONGEST_QUERY} characters.")
    return q


@bp.get("/search")
def search() -> Response:
    q, kind, page = _query(), request.args.get("kind") or None, request.args.get("page", "1")
    if kind is not None and kind not in KINDS:
        abort(400, description=f"kind must be one of {', '.join(KINDS)}.")
    if not page.isdigit() or int(page) < 1:
        abort(400, description="page must be a number from 1 on.")
    number = int(page)
    kinds = (kind,) if kind else KINDS
    found = index().search(q, kinds, PER_PAGE, (number - 1) * PER_PAGE) if q else None

    def data(lang: str) -> dict[str, Any]:
        names = site().names()  # made once a page: it copies every term's labels
        results = [_result(hit, found, names, lang) for hit in found.hits] if found else []
        pages = -(-found.total // PER_PAGE) if found else 0
        return {
            "query": q,
            "search_query": q,  # the header's search box shows it too
            "kind": kind,
            "results": results,
            "total": found.total if found else 0,
            "page": number,
            "pages": pages,
            "analyser": index().analyser,
            "json": {
                "query": q,
                "kind": kind,
                "analyser": index().analyser,
                "total": found.total if found else 0,
                "page": number,
                "pages": pages,
                "results": [{k: v for k, v in r.items() if k != "html"} for r in results],
                "next": _page_link(number + 1) if number < pages else None,
            },
        }

    key = f"search:{q}:{kind}:{number}"
    return send(key, PAGE, page_renderer("search.html", data), None, request.path)


def _page_link(number: int) -> str:
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "lang")]
    query = "&".join(f"{k}={v}" for k, v in [*kept, ("page", str(number))])
    return f"{request.path}?{query}"


def _result(hit: Hit, found: Results, names: Names, lang: str) -> dict[str, Any]:
    name = i18n.pick(hit.names, lang) or (hit.iri, "")
    text = i18n.pick(hit.texts, lang)
    words = analyser()
    return {
        "id": hit.iri,
        "href": names.href(hit.iri),
        "kind": hit.kind,
        "label": name[0],
        "lang": name[1] or None,
        "codes": list(hit.codes),
        "matched": hit.matched,
        "description": text[0] if text else None,
        "highlighted": {
            "label": str(highlight(name[0], found.terms, words)),
            "description": str(highlight(text[0], found.terms, words)) if text else None,
        },
        "html": {  # the same, as markup for the page
            "label": highlight(name[0], found.terms, words),
            "description": highlight(text[0], found.terms, words) if text else None,
            "description_lang": text[1] if text else None,
        },
    }


def highlight(text: str, terms: frozenset[str], words: Analyser) -> Markup:
    """``text``, escaped, with each word that matched the query in ``<mark>``.

    >>> print(highlight("Hanke <b> & hankkeet", frozenset({"hank"}), Analyser(None)))
    <mark>Hanke</mark> &lt;b&gt; &amp; <mark>hankkeet</mark>
    """
    parts, at = [], 0
    for found in WORD.finditer(text):
        parts.append(escape(text[at : found.start()]))
        word = found.group()
        if words.query_forms(word) & terms:
            parts.append(Markup("<mark>{}</mark>").format(word))
        else:
            parts.append(escape(word))
        at = found.end()
    parts.append(escape(text[at:]))
    return Markup("").join(parts)


@bp.get("/search/suggest")
def suggest() -> Response:
    q = _query()
    found = index().suggest(q, SUGGESTIONS) if q else []

    def data(_lang: str) -> dict[str, Any]:
        names = site().names()
        return {
            "query": q,
            "suggestions": [
                {
                    "label": s.label,
                    "lang": s.lang,
                    "kind": s.kind,
                    "id": s.iri,
                    "href": names.href(s.iri),
                }
                for s in found
            ],
        }

    return send(f"suggest:{q}", (JSON,), page_renderer("", data), JSON, request.path)


@bp.get("/lookup")
def lookup() -> Response:
    """303 to the resource with a code: ``?eura=A70202``, ``?business_id=0187690-1``, or
    ``?id=`` for a code of any type."""
    asked = [(name, request.args[name]) for name in LOOKUPS if name in request.args]
    if len(asked) != 1 or not asked[0][1].strip():
        names = ", ".join(f"{n}=" for n in LOOKUPS)
        abort(400, description=f"Give one code to look up: one of {names}.")
    ((name, code),) = asked
    iri = index().lookup(code, LOOKUPS[name])
    if iri is None:
        abort(404, description=f"No resource has the code {code!r}.")
    href = site().names().href(iri) or iri
    response = redirect(href, code=303)
    response.headers["Cache-Control"] = f"public, max-age={site().settings.max_age}"
    return response

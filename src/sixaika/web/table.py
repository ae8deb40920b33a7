"""``/projects``: the project table, filtered, sorted and paged, for people and programs.

Every view is a GET URL (a link to share), answered from the release's search index
(``SearchIndex.rows`` and ``facets``), never by SPARQL: a city's projects, ordered and
paged, cost the same at a million projects as at a hundred. The page is a plain form and
plain links (it works without JavaScript); its filtered rows, every page of them, are
also ``/projects.csv``, ``/projects.json`` and ``/projects.jsonld``.

Parameters (each may repeat where a filter takes several values, which are alternatives):
``city``, ``organisation`` (with ``role=lead|partner``), ``fund``, ``focus_area``,
``priority_axis`` take the last part of the thing's IRI (``city=oulu``, ``fund=erdf``) or a
whole IRI; ``from`` and ``to`` are years, ``budget_min`` and ``budget_max`` euros of the
total budget, ``q`` words; ``sort`` a column and ``order=asc|desc``; ``cursor`` the page
after the one that gave it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, request
from werkzeug.datastructures import MultiDict
from werkzeug.http import quote_etag
from werkzeug.wrappers import Response

from ..search.index import COLUMNS, BadCursor, FacetValue, Filters, ProjectRow, SearchIndex, Sort
from . import i18n
from .conneg import JSON, PAGE
from .preconditions import decide
from .present import Names, format_date, format_money
from .render import page_renderer
from .respond import send, validators
from .search import index
from .site import site

bp = Blueprint("table", __name__)

PER_PAGE = 50
EXPORT_PAGE = 1000  # rows read from the index at a time while an export streams
ORGANISATIONS_SHOWN = 12  # organisations offered as filters: those with most projects
SHOWN_COLUMNS = (
    "title",
    "lead",
    "cities",
    "fund",
    "focus_area",
    "start",
    "end",
    "total_budget",
    "eu_contribution",
)
# A filter's parameter -> where its values' IRIs live under the id base.
SCOPES = {
    "city": "concept/city/",
    "organisation": "organisation/",
    "fund": "concept/fund/",
    "focus_area": "concept/focus-area/",
    "priority_axis": "concept/priority-axis/",
}
NUMBERS = ("from", "to", "budget_min", "budget_max")
EXPORTS = {"csv": "text/csv; charset=utf-8", "json": JSON.content_type}
EXPORTS["jsonld"] = "application/ld+json"
CSV_COLUMNS = ("id", "identifier", *(c for c in COLUMNS if c != "identifier"))


class BadParameter(ValueError):
    """A parameter the table cannot take; its message says which and what it takes."""


# The query ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TableQuery:
    filters: Filters
    sort: Sort
    cursor: str | None
    params: tuple[tuple[str, str], ...]  # the filters' and sort's parameters, in order

    def url(self, path: str, **changes: str | None) -> str:
        """``path`` with this view's parameters, some changed (None: left out)."""
        kept = [(k, v) for k, v in self.params if k not in changes]
        kept += [(k, v) for k, v in changes.items() if v is not None]
        return f"{path}?{urlencode(kept)}" if kept else path


def parse(args: MultiDict, id_base: str, lang: str) -> TableQuery:
    """The view a request's parameters ask for; ``BadParameter`` says what is wrong."""
    params: list[tuple[str, str]] = []

    def iris(name: str) -> tuple[str, ...]:
        values = [v.strip() for v in args.getlist(name) if v.strip()]
        params.extend((name, v) for v in values)
        return tuple(dict.fromkeys(to_iri(v, id_base + SCOPES[name]) for v in values))

    def number(name: str) -> float | None:
        value = args.get(name, "").strip()
        if not value:
            return None
        try:
            found = float(value)
        except ValueError:
            raise BadParameter(f"{name} must be a number: {value!r}") from None
        if name in ("from", "to") and not (found.is_integer() and 1000 <= found <= 9999):
            raise BadParameter(f"{name} must be a year (four digits): {value!r}")
        params.append((name, value))
        return found

    role = args.get("role", "").strip() or None
    filters = dict(
        city=iris("city"),
        organisation=iris("organisation"),
        fund=iris("fund"),
        focus_area=iris("focus_area"),
        priority_axis=iris("priority_axis"),
    )
    if role is not None:
        params.append(("role", role))
    years = number("from"), number("to")
    budgets = number("budget_min"), number("budget_max")
    text = args.get("q", "").strip()
    if len(text) > 200:
        raise BadParameter("q is longer than 200 characters.")
    if text:
        params.append(("q", text))
    column, order = args.get("sort", "title"), args.get("order", "asc")
    if order not in ("asc", "desc"):
        raise BadParameter(f"order must be asc or desc: {order!r}")
    if column != "title" or order != "asc":
        params += [("sort", column), ("order", order)]
    try:
        chosen = Filters(
            **filters,
            role=role,
            year_from=int(years[0]) if years[0] is not None else None,
            year_to=int(years[1]) if years[1] is not None else None,
            budget_min=budgets[0],
            budget_max=budgets[1],
            text=text,
        )
        sort = Sort(column, order == "desc", lang)
    except ValueError as error:
        raise BadParameter(str(error)) from None
    return TableQuery(chosen, sort, args.get("cursor") or None, tuple(params))


def to_iri(value: str, scope: str) -> str:
    """A parameter's value as an IRI: a last part under ``scope``, or an IRI as it is.

    >>> to_iri("oulu", "https://x.example/id/concept/city/")
    'https://x.example/id/concept/city/oulu'
    >>> to_iri("https://x.example/id/organisation/vtt", "https://x.example/id/concept/city/")
    'https://x.example/id/organisation/vtt'
    """
    return value if ":" in value else scope + value


def to_param(iri: str, scope: str) -> str:
    """The shortest parameter value that names ``iri`` (the inverse of ``to_iri``)."""
    rest = iri[len(scope) :] if iri.startswith(scope) else ""
    return rest if rest and "/" not in rest and ":" not in rest else iri


def view() -> TableQuery:
    try:
        return parse(request.args, site().settings.urls.id(), i18n.reader_language())
    except BadParameter as error:
        abort(400, description=str(error))


# Facets ---------------------------------------------------------------------------

# facet -> the Filters fields that choose among its values (cleared to count them)
FACET_FIELDS = {
    "city": ("city",),
    "organisation": ("organisation", "role"),
    "fund": ("fund",),
    "focus_area": ("focus_area",),
    "priority_axis": ("priority_axis",),
    "year": ("year_from", "year_to"),
}


def facet_counts(found: SearchIndex, filters: Filters) -> dict[str, list[FacetValue]]:
    """Each facet's values with how many projects each would show: with every other
    filter applied, but not the facet's own (its values are alternatives to each other).
    The index counts once for each distinct set of filters that leaves: the facets not
    chosen from are counted together, over the filtered projects."""
    asked: dict[Filters, list[str]] = {}
    for facet, fields in FACET_FIELDS.items():
        cleared: dict[str, Any] = {
            f: (None if f in ("role", "year_from", "year_to") else ()) for f in fields
        }
        asked.setdefault(replace(filters, **cleared), []).append(facet)
    counts: dict[str, list[FacetValue]] = {}
    for chosen, facets in asked.items():
        counts |= found.facets(chosen, tuple(facets))
    return counts


# Rows as data -------------------------------------------------------------------------


Shown = tuple[str | None, str, str | None]  # a link: where it goes, its text, the text's language


class Labeller:
    """Names of the index's IRIs in one language, and links to them from a page asked
    for in ``asked`` (remembered: rows repeat them)."""

    def __init__(self, found: SearchIndex, lang: str, asked: str | None = None):
        self.found, self.lang, self.asked = found, lang, asked
        self.known: dict[str, tuple[str, str | None]] = {}
        self.links: dict[str, Shown] = {}

    def __call__(self, iri: str) -> tuple[str, str | None]:
        if iri not in self.known:
            picked = i18n.pick(self.found.labels(iri), self.lang)
            self.known[iri] = (picked[0], picked[1] or None) if picked else (iri, None)
        return self.known[iri]

    @cached_property
    def names(self) -> Names:
        return site().names()  # made once a page: it copies every term's labels

    def href(self, iri: str) -> str | None:
        """The link to ``iri``, with the page's ``?lang=`` (the template's ``page_url``,
        here: a call from the template costs more than the work)."""
        href = self.names.href(iri)
        return i18n.page_url(href, self.asked) if href else None

    def link(self, iri: str) -> Shown:
        if iri not in self.links:
            self.links[iri] = (self.href(iri), *self(iri))
        return self.links[iri]


def amount(value: float | None) -> str:
    """A sum of euros as data: digits and a point, no exponent, no needless '.0'.

    >>> amount(1571429.0), amount(12.5), amount(None)
    ('1571429', '12.5', '')
    """
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def title(row: ProjectRow, lang: str) -> tuple[str, str | None]:
    picked = i18n.pick(row.title, lang)
    return (picked[0], picked[1] or None) if picked else (row.iri, None)


def row_json(row: ProjectRow, name: Labeller) -> dict[str, Any]:
    """A row for programs: IRIs with their names in the reader's language."""

    def named(iris: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"id": iri, "label": name(iri)[0]} for iri in iris]

    return {
        "id": row.iri,
        "identifier": row.identifier,
        "title": row.title,
        "lead": named(row.lead),
        "partners": named(tuple(p.organisation for p in row.participants if p.role != "lead")),
        "cities": named(row.cities),
        "fund": named(row.fund),
        "focus_area": named(row.focus_area),
        "priority_axis": named(row.priority_axis),
        "start": row.start,
        "end": row.end,
        "total_budget": row.total_budget,
        "eu_contribution": row.eu_contribution,
    }


def row_csv(row: ProjectRow, name: Labeller) -> list[str]:
    def names(iris: tuple[str, ...]) -> str:
        return "; ".join(name(iri)[0] for iri in iris)

    cells = {
        "id": row.iri,
        "identifier": row.identifier or "",
        "title": title(row, name.lang)[0],
        "start": row.start or "",
        "end": row.end or "",
        "total_budget": amount(row.total_budget),
        "eu_contribution": amount(row.eu_contribution),
    }
    return [cells[c] if c in cells else names(getattr(row, c)) for c in CSV_COLUMNS]


def row_jsonld(row: ProjectRow, id_base: str) -> dict[str, Any]:
    """A row in the terms of the published context: what the data says of the project."""
    node: dict[str, Any] = {"id": row.iri, "type": "Project", "title": row.title}
    if row.identifier:
        node["identifier"] = row.identifier
    for term, values in (
        ("lead", row.lead),
        ("partner", tuple(p.organisation for p in row.participants if p.role != "lead")),
        ("fund", row.fund),
        ("focusArea", row.focus_area),
        ("priorityAxis", row.priority_axis),
    ):
        if values:
            node[term] = list(values)
    period = {k: _date(v) for k, v in (("startDate", row.start), ("endDate", row.end)) if v}
    if period:
        node["temporal"] = {"type": "PeriodOfTime", **period}
    budgets = [
        {
            "type": "MonetaryAmount",
            "budgetKind": id_base + "concept/budget-kind/" + kind,
            "value": amount(value),
            "currency": "EUR",
        }
        for kind, value in (
            ("total-budget", row.total_budget),
            ("eu-contribution", row.eu_contribution),
        )
        if value is not None
    ]
    if budgets:
        node["budget"] = budgets
    return node


XSD = "http://www.w3.org/2001/XMLSchema#"


def _date(value: str) -> dict[str, str] | str:
    """A date as precise as its source: xsd:date, or a gYearMonth or gYear typed so."""
    kinds = {4: "gYear", 7: "gYearMonth"}
    return {"@value": value, "@type": XSD + kinds[len(value)]} if len(value) in kinds else value


# Exports -----------------------------------------------------------------------------


def every_row(found: SearchIndex, query: TableQuery) -> Iterator[ProjectRow]:
    """Every row of the view, in its order, read a page at a time."""
    cursor = None
    while True:
        page = found.rows(query.filters, query.sort, cursor, EXPORT_PAGE)
        yield from page.rows
        if page.next is None:
            return
        cursor = page.next


def csv_lines(rows: Iterator[ProjectRow], name: Labeller) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for n, row in enumerate(rows):
        writer.writerow(row_csv(row, name))
        if n % 200 == 199:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def json_parts(head: dict[str, Any], key: str, items: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    """``head`` with ``key``: the items, written as they come."""
    opening = json.dumps({**head, key: []}, ensure_ascii=False)[:-2]  # ends with '['
    yield opening.encode("utf-8")
    for n, item in enumerate(items):
        yield (("," if n else "") + json.dumps(item, ensure_ascii=False)).encode("utf-8")
    yield b"]}"


def export_body(fmt: str, found: SearchIndex, query: TableQuery, lang: str) -> Iterator[bytes]:
    rows = every_row(found, query)
    if fmt == "csv":
        return csv_lines(rows, Labeller(found, lang))
    if fmt == "json":
        name = Labeller(found, lang)
        total = found.rows(query.filters, query.sort, limit=1).total
        return json_parts({"total": total}, "rows", (row_json(r, name) for r in rows))
    urls = site().settings.urls
    context = {"@context": urls.context()}
    return json_parts(context, "@graph", (row_jsonld(r, urls.id()) for r in rows))


@bp.get("/projects.<any(csv, json, jsonld):fmt>")
def export(fmt: str) -> Response:
    """Every row of the filtered, sorted view, streamed (any number of rows)."""
    query = view()
    if query.cursor is not None:
        abort(400, description="An export has every page: leave out cursor.")
    lang = i18n.reader_language()
    found = index()
    key = json.dumps([fmt, lang, query.params])
    etag = f"{site().repo.version}-{hashlib.blake2b(key.encode(), digest_size=8).hexdigest()}"
    status = decide(request, quote_etag(etag), site().modified)
    if status == 412:
        abort(412)
    body: Callable[[], Iterator[bytes]] | None = None
    if status is None:
        body = lambda: export_body(fmt, found, query, lang)  # noqa: E731
    response = Response(body() if body else b"", status=status or 200, mimetype=None)
    response.headers["Content-Type"] = EXPORTS[fmt]
    response.headers.update(validators(site(), etag))
    response.headers["Vary"] = "Accept-Language"
    if fmt == "csv":
        response.headers["Content-Disposition"] = 'attachment; filename="projects.csv"'
    return response


# The page ------------------------------------------------------------------------------


@bp.get("/projects")
def table() -> Response:
    query = view()
    if any(not v.strip() for _, v in request.args.items(multi=True)):
        # The form sends its empty fields: the address to share is the view without them.
        kept = {"cursor": query.cursor, "lang": i18n.asked_language()}
        return redirect(query.url(request.path, **kept), code=303)
    found = index()

    def shared(lang: str) -> dict[str, Any]:
        """What the page and its JSON both show (looked up only when they are made: a
        memoised page costs no search)."""
        try:
            page = found.rows(query.filters, query.sort, query.cursor, PER_PAGE)
        except BadCursor as error:
            abort(400, description=str(error))
        counts = facet_counts(found, query.filters)
        name = Labeller(found, lang, i18n.asked_language())
        path = request.path
        return {
            "page": page,
            "name": name,
            "facets": _facet_choices(counts, query, name, lang),
            "years": _years(counts.get("year", [])),
            "next": query.url(path, cursor=page.next) if page.next else None,
            "exports": {fmt: query.url(f"{path}.{fmt}", lang=lang) for fmt in EXPORTS},
        }

    def data(lang: str) -> dict[str, Any]:
        values = shared(lang)
        page, path = values["page"], request.path
        return values | {
            "view": query,
            "rows": [_shown_row(r, values["name"], lang) for r in page.rows],
            "total": page.total,
            "columns": [_column(c, query, path) for c in SHOWN_COLUMNS],
            "first": query.url(path) if query.cursor else None,
            "per_page": PER_PAGE,
        }

    def json_data(lang: str) -> dict[str, Any]:
        values = shared(lang)
        page = values["page"]
        return {
            "total": page.total,
            "rows": [row_json(r, values["name"]) for r in page.rows],
            # as the page offers them: organisations, the busiest and those chosen
            "facets": {
                group["facet"]: [
                    {k: c[k] for k in ("value", "param", "label", "count")}
                    for c in group["choices"]
                ]
                for group in values["facets"]
            }
            | {"year": [{"value": y, "count": n} for y, n in values["years"]]},
            "next": values["next"],
            "exports": values["exports"],
        }

    key = f"table:{query.params}:{query.cursor}"
    return send(key, PAGE, page_renderer("table.html", data, json_data), None, request.path)


@dataclass(frozen=True, slots=True)
class ShownRow:
    """A row as the page shows it (attributes, not a dict's keys: the template reads
    them a thousand times a page, and Jinja tries an attribute first)."""

    href: str | None
    title: tuple[str, str | None]
    identifier: str | None
    lead: list[Shown]
    cities: list[Shown]
    fund: list[Shown]
    focus_area: list[Shown]
    start: str
    end: str
    total_budget: str
    eu_contribution: str


def _shown_row(row: ProjectRow, name: Labeller, lang: str) -> ShownRow:
    def money(value: float | None) -> str:
        return format_money(amount(value), "EUR", lang) if value is not None else ""

    return ShownRow(
        href=name.href(row.iri),
        title=title(row, lang),
        identifier=row.identifier,
        lead=[name.link(iri) for iri in row.lead],
        cities=[name.link(iri) for iri in row.cities],
        fund=[name.link(iri) for iri in row.fund],
        focus_area=[name.link(iri) for iri in row.focus_area],
        start=format_date(row.start, lang) if row.start else "",
        end=format_date(row.end, lang) if row.end else "",
        total_budget=money(row.total_budget),
        eu_contribution=money(row.eu_contribution),
    )


def _column(column: str, query: TableQuery, path: str) -> dict[str, Any]:
    """A column heading: its sort order now (if sorted by it) and the link that sorts by it."""
    sorted_by = query.sort.column == column
    descending = sorted_by and query.sort.descending
    order = "asc" if descending or not sorted_by else "desc"
    return {
        "key": column,
        "sorted": ("descending" if descending else "ascending") if sorted_by else None,
        "href": query.url(path, sort=column, order=order, cursor=None),
    }


def _facet_choices(
    counts: dict[str, list[FacetValue]], query: TableQuery, name: Labeller, lang: str
) -> list[dict[str, Any]]:
    """The form's checkbox groups: each value with its count, chosen ones first checked."""
    groups = []
    for facet in ("city", "fund", "focus_area", "priority_axis", "organisation"):
        scope = site().settings.urls.id(SCOPES[facet])
        picked = set(getattr(query.filters, facet))
        values = counts.get(facet, [])
        if facet == "organisation":  # many: the busiest, and those chosen
            values = [
                v for n, v in enumerate(values) if n < ORGANISATIONS_SHOWN or v.value in picked
            ]
        choices = [
            {
                "value": v.value,
                "param": to_param(v.value, scope),
                "label": name(v.value)[0],
                "lang": name(v.value)[1],
                "count": v.count,
                "checked": v.value in picked,
            }
            for v in values
        ]
        if facet != "organisation":
            choices.sort(key=lambda c: str(c["label"]).casefold())
        groups.append({"facet": facet, "choices": choices})
    return groups


def _years(values: list[FacetValue]) -> list[tuple[int, int]]:
    return sorted((int(v.value), v.count) for v in values)

"""``/``: what this is, the datasets, where to start, and the data as pictures."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from werkzeug.wrappers import Response

from ..dates import PeriodDate, end_of, start_of
from ..read import completeness
from ..read.facts import literal
from ..sparql.examples import examples
from . import i18n
from .catalog import datasets
from .charts import bar_chart, timeline, year_histogram
from .conneg import PAGE
from .linkeddata import labels_of, member_count, members_between, named
from .render import page_renderer
from .respond import send
from .site import links, site

bp = Blueprint("home", __name__)


@bp.get("/")
def home() -> Response:
    return send("home", PAGE, page_renderer("home.html", _data), None, request.path)


def _spans() -> dict[str, tuple[PeriodDate, PeriodDate | None]]:
    """Each project's span: its earliest start and latest end (sources may disagree, and
    one may give the start, another the end), a month or a year counted from its first
    day and up to its last, and giving way to a more precise date within it
    (``dates.start_of``).

    The end is None when no source gives one: the project is open-ended, not a day long.
    A project with no start at all is left out: a timeline cannot place it.
    """
    starts: dict[str, list[PeriodDate]] = {}
    ends: dict[str, list[PeriodDate]] = {}
    for project, start_written, end_written in site().facts["periods"] or []:
        for written, dates in ((start_written, starts), (end_written, ends)):
            date = PeriodDate.of_literal(literal(written)) if written else None
            if date:
                dates.setdefault(project, []).append(date)
    return {
        project: (first, end_of(ends.get(project, [])))
        for project, found in starts.items()
        if (first := start_of(found))
    }


def _history(lang: str):
    """A timeline of the projects; when they are too many, projects by start year."""
    if site().facts["periods"] is not None:  # few enough projects for a timeline
        spans = _spans()
        if not spans:
            return None
        links = {link.iri: link for link in named(sorted(spans), lang)}
        items = [(links[p].text, links[p].href, s, e, links[p].lang) for p, (s, e) in spans.items()]
        return ("timeline", timeline(items))
    years = [(year, n) for year, n in site().facts["start_years"]]
    return ("by_start_year", year_histogram(years)) if years else None


def _data(lang: str) -> dict[str, Any]:
    facts = site().facts["charts"]
    names = site().names()
    concepts = sorted({c for key in ("focus_area", "fund", "city") for c, _ in facts[key]})
    names.learn(labels_of(concepts))

    def bars(key: str):
        return bar_chart([(names.label(c, lang)[0], n, names.href(c)) for c, n in facts[key]])

    coverage = site().facts[completeness.PROJECTS.fact]
    charts = [
        (i18n.text(f"by_{key}", lang), bars(key), _having(key, coverage, lang))
        for key in ("focus_area", "fund", "city")
    ]
    ids = site().settings.urls.id
    counts = {k: member_count(ids(k + "/")) for k in ("project", "organisation", "scheme")}
    examples = named(members_between(ids("project/"), 0, 5), lang)
    return {
        "counts": counts,
        "datasets": datasets(lang),
        "charts": charts,
        "history": _history(lang),
        "history_note": _having("start", coverage, lang),
        "coverage": [_coverage(table, lang) for table in completeness.TABLES],
        "examples": examples,
        "queries": _queries(lang),
        "json": {
            "counts": counts,
            "datasets": {d["name"]: d["triples"] for d in datasets(lang)},
            "charts": {
                key: {names.label(c, lang)[0]: n for c, n in facts[key]}
                for key in ("focus_area", "fund", "city")
            },
            **{table.fact: site().facts[table.fact] for table in completeness.TABLES},
            "sparql": links().sparql(),
            "catalog": links().catalog(),
        },
    }


def _having(key: str, coverage: dict[str, Any], lang: str) -> str:
    """What a chart of the field ``key`` leaves out: "7 of 42 projects have a focus area"."""
    projects = coverage[completeness.PROJECTS.name]
    return i18n.text(f"having_{key}", lang, coverage["fields"][key], projects)


def _coverage(table: completeness.Table, lang: str) -> dict[str, Any]:
    """A coverage table: its records (``name``), how many there are, and its rows: each
    field's name, the records that have it and their share in per cent."""
    counts = site().facts[table.fact]
    total = counts[table.name]
    rows = []
    for field in table.fields:
        having = counts["fields"][field.key]
        rows.append((field.label(lang), having, round(100 * having / total) if total else 0))
    return {"name": table.name, "total": total, "rows": rows}


def _queries(lang: str) -> list[tuple[str, str]]:
    """The SPARQL endpoint's example queries, each a link that runs it."""
    return [(e.title.get(lang, e.title["en"]), e.url(links())) for e in examples(site().settings)]

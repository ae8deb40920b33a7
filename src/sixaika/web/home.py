"""``/``: what this is, the datasets, where to start, and the data as pictures."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from werkzeug.wrappers import Response

from ..dates import PeriodDate, earliest, latest
from ..read.describe import DCT, labels
from ..sparql.examples import examples
from . import i18n
from .catalog import datasets
from .charts import bar_chart, timeline, year_histogram
from .conneg import PAGE
from .linkeddata import members_of, named
from .render import page_renderer
from .respond import send
from .site import links, memo, site

bp = Blueprint("home", __name__)

DCAT = "http://www.w3.org/ns/dcat#"
TIMELINE_LIMIT = 60  # beyond this many projects, a histogram of start years instead


@bp.get("/")
def home() -> Response:
    return send("home", PAGE, page_renderer("home.html", _data), None, request.path)


def _counts(pattern: str) -> list[tuple[str, int]]:
    """Projects (?p) per value of ?c in ``pattern``.

    Written selective part first and without ``?p a Project``: Oxigraph follows the
    written order, and that join alone costs seconds at 100k projects.
    """
    projects = site().settings.urls.id("project/")
    query = (
        f"SELECT ?c (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {pattern} "
        f'FILTER(STRSTARTS(STR(?p), "{projects}")) }} GROUP BY ?c'
    )
    found = [(r["c"].value, int(r["n"].value)) for r in site().repo.select(query)]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))  # biggest first, as the bars


def _facts() -> dict[str, Any]:
    """The numbers behind the pictures, once per release (all reads through ``Repo``)."""
    v = site().settings.urls.vocab
    return {
        "focus_area": _counts(f"?p <{v}focusArea> ?c"),
        "fund": _counts(f"?p <{v}fund> ?c"),
        # A project is in a city when its lead or a partner is located there.
        "city": _counts(f"?c a <{v}City> . ?o <{DCT}spatial> ?c . ?p <{v}lead>|<{v}partner> ?o"),
    }


def _spans() -> dict[str, tuple[PeriodDate, PeriodDate | None]]:
    """Each project's span: its earliest start and latest end (sources may disagree), a
    month or a year counted from its first day and up to its last.

    The end is None when no source gives one: the project is open-ended, not a day long.
    """
    projects = site().settings.urls.id("project/")
    rows = site().repo.select(
        f"SELECT ?p ?s ?e WHERE {{ ?p <{DCT}temporal> ?t . ?t <{DCAT}startDate> ?s "
        f"OPTIONAL {{ ?t <{DCAT}endDate> ?e }} "
        f'FILTER(STRSTARTS(STR(?p), "{projects}")) }}'
    )
    spans: dict[str, tuple[PeriodDate, PeriodDate | None]] = {}
    for row in rows:
        start = PeriodDate.of_literal(row["s"])
        end = PeriodDate.of_literal(row["e"]) if "e" in row else None
        if start:
            old_start, old_end = spans.get(row["p"].value, (start, end))
            ends = [date for date in (old_end, end) if date]
            spans[row["p"].value] = (earliest([old_start, start]) or start, latest(ends))
    return spans


def _start_years() -> list[tuple[int, int]]:
    """(year, projects that start that year), a project counted at its earliest start.

    By the text of the year: a day, a month and a year start alike with it, though SPARQL
    orders none of them beside another.
    """
    projects = site().settings.urls.id("project/")
    rows = site().repo.select(
        f"SELECT ?y (COUNT(?p) AS ?n) WHERE {{ {{ SELECT ?p (MIN(SUBSTR(STR(?s), 1, 4)) AS ?y) "
        f"WHERE {{ ?p <{DCT}temporal> ?t . ?t <{DCAT}startDate> ?s "
        f'FILTER(STRSTARTS(STR(?p), "{projects}")) }} GROUP BY ?p }} }} GROUP BY ?y'
    )
    return [(int(r["y"].value), int(r["n"].value)) for r in rows if "y" in r]


def _history(lang: str):
    """A timeline of the projects; when they are too many, projects by start year."""
    projects = members_of(site().settings.urls.id("project/"))
    if len(projects) <= TIMELINE_LIMIT:
        spans = memo("home-spans", _spans)
        if not spans:
            return None
        links = {link.iri: link for link in named(sorted(spans), lang)}
        items = [(links[p].text, links[p].href, s, e, links[p].lang) for p, (s, e) in spans.items()]
        return ("timeline", timeline(items))
    years = memo("home-years", _start_years)
    return ("by_start_year", year_histogram(years)) if years else None


def _data(lang: str) -> dict[str, Any]:
    facts = memo("home-facts", _facts)
    names = site().names()
    concepts = sorted({c for key in ("focus_area", "fund", "city") for c, _ in facts[key]})
    names.learn(memo(("labels", tuple(concepts)), lambda: labels(site().repo, concepts)))

    def bars(key: str):
        return bar_chart([(names.label(c, lang)[0], n, names.href(c)) for c, n in facts[key]])

    charts = [(i18n.text(f"by_{key}", lang), bars(key)) for key in ("focus_area", "fund", "city")]
    ids = site().settings.urls.id
    counts = {k: len(members_of(ids(k + "/"))) for k in ("project", "organisation", "scheme")}
    examples = named(members_of(ids("project/"))[:5], lang)
    return {
        "counts": counts,
        "datasets": datasets(lang),
        "charts": charts,
        "history": _history(lang),
        "examples": examples,
        "queries": _queries(lang),
        "json": {
            "counts": counts,
            "datasets": {d["name"]: d["triples"] for d in datasets(lang)},
            "charts": {
                key: {names.label(c, lang)[0]: n for c, n in facts[key]}
                for key in ("focus_area", "fund", "city")
            },
            "sparql": links().sparql(),
            "catalog": links().catalog(),
        },
    }


def _queries(lang: str) -> list[tuple[str, str]]:
    """The SPARQL endpoint's example queries, each a link that runs it."""
    return [(e.title.get(lang, e.title["en"]), e.url(links())) for e in examples(site().settings)]

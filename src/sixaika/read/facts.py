"""Facts about the whole data that pages show: counted by the build, once per release.

The home page's charts and history, VoID's statistics and the catalog's temporal coverage
are counts over every project: seconds of a store's time at 100k projects, minutes at a
million. Each is a function of the store (``Repo``) here, run by the build over the
release's own store (the ``facts`` part of the manifest: ``build.release.facts_of``); a web
worker reads them from the manifest, and counts them itself, once, only for a release
that has none (built before there were facts, or a store without a release).

A fact's value is JSON: a literal is written ``[lexical form, datatype]``.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..dates import PeriodDate, earliest, latest
from . import completeness
from .store import Repo
from .void import Counts, counts

DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SCHEMA = "https://schema.org/"
TIMELINE_LIMIT = 60  # beyond this many projects, the home page shows start years instead

FACTS_PART = "facts"  # the manifest's part that holds them

Fact = Callable[[Repo, Settings, dict[str, str]], Any]  # (store, settings, graph by dataset)
FACTS: dict[str, Fact] = {}
# How a fact that adds up changes: its value after, from its value before and its values
# over the data that went and the data that came, each alone.
Change = Callable[[Any, Any, Any], Any]
CHANGES: dict[str, Change] = {}


def fact(name: str, change: Change | None = None) -> Callable[[Fact], Fact]:
    """Register a fact under ``name``: the build counts it into every release. A fact
    that adds up over records (each record's triples are counted together, or not at
    all) says how it ``change``s, and a build that changed a few files of its sources
    counts it over their triples alone (``Since``)."""

    def register(function: Fact) -> Fact:
        FACTS[name] = function
        if change is not None:
            CHANGES[name] = change
        return function

    return register


@dataclass(frozen=True)
class Since:
    """What changed since ``before`` (the facts of the release an incremental build
    changes): the data that went and the data that came, each alone. Whole records
    only: a record's triples, with the nodes nested in them, all went or came."""

    before: dict[str, Any]
    gone: Repo
    came: Repo


def all_facts(
    repo: Repo,
    settings: Settings,
    graphs: dict[str, str],
    known: dict[str, Any] | None = None,
    since: Since | None = None,
) -> dict[str, Any]:
    """Every registered fact of the data ``repo`` reads, whose datasets are ``graphs``;
    those ``known`` already (a release's, built before a fact was added) are not counted
    again, and those that add up are counted over what changed ``since`` alone.

    The facts are counted on ``build_workers`` threads: pyoxigraph lets go of the GIL as it
    answers, and at 100k projects the facts took 5.8 s on two threads against 8.3 s on one.
    """
    known = known or {}
    todo = [name for name in FACTS if name not in known]

    def count(name: str) -> Any:
        counted, change = FACTS[name], CHANGES.get(name)
        if since is None or change is None or name not in since.before:
            return counted(repo, settings, graphs)
        gone, came = (counted(r, settings, graphs) for r in (since.gone, since.came))
        return change(since.before[name], gone, came)

    with ThreadPoolExecutor(max(1, settings.build_workers)) as pool:
        counted = dict(zip(todo, pool.map(count, todo), strict=True))
    return {name: known[name] if name in known else counted[name] for name in FACTS}


def literal(written: list[str]) -> ox.Literal:
    """A literal as a fact writes it."""
    return ox.Literal(written[0], datatype=ox.NamedNode(written[1]))


def _written_or_none(row: Any, variable: str) -> list[str] | None:
    return _written(row[variable]) if variable in row else None


def _written(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[str]:
    assert isinstance(term, ox.Literal)
    return [term.value, term.datatype.value]


# The home page ------------------------------------------------------------------


def _projects_per(repo: Repo, settings: Settings, pattern: str) -> list[list[Any]]:
    """[value of ?c, projects (?p)] for ``pattern``, biggest first, as the bars show them.

    Written selective part first and without ``?p a Project``: Oxigraph follows the
    written order, and that join alone costs seconds at 100k projects.
    """
    projects = settings.urls.id("project/")
    query = (
        f"SELECT ?c (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {pattern} "
        f'FILTER(STRSTARTS(STR(?p), "{projects}")) }} GROUP BY ?c'
    )
    found = [[r["c"].value, int(r["n"].value)] for r in repo.select(query)]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


@fact("charts")
def charts(repo: Repo, settings: Settings, _graphs: dict[str, str]) -> dict[str, list[list[Any]]]:
    """Projects per focus area, fund and city."""
    v = settings.urls.vocab
    return {
        "focus_area": _projects_per(repo, settings, f"?p <{v}focusArea> ?c"),
        "fund": _projects_per(repo, settings, f"?p <{v}fund> ?c"),
        # A project is in a city when its lead or a partner is located there.
        "city": _projects_per(
            repo, settings, f"?c a <{v}City> . ?o <{DCT}spatial> ?c . ?p <{v}lead>|<{v}partner> ?o"
        ),
    }


@fact("periods")
def periods(repo: Repo, settings: Settings, _graphs: dict[str, str]) -> list[list[Any]] | None:
    """[project, start or None, end or None] of every period, for a timeline: None when
    there are more than ``TIMELINE_LIMIT`` projects, which a timeline cannot show.

    A period with only an end is kept: a source may give the end alone while another gives
    the start, and the project's span runs from the one to the other.
    """
    projects = settings.urls.id("project/")
    many = repo.select(
        f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{settings.urls.vocab}Project> "
        f'FILTER(STRSTARTS(STR(?p), "{projects}")) }}'
    )
    if many and int(many[0]["n"].value) > TIMELINE_LIMIT:
        return None
    rows = repo.select(
        f"SELECT ?p ?s ?e WHERE {{ ?p <{DCT}temporal> ?t "
        f"OPTIONAL {{ ?t <{DCAT}startDate> ?s }} OPTIONAL {{ ?t <{DCAT}endDate> ?e }} "
        f'FILTER((BOUND(?s) || BOUND(?e)) && STRSTARTS(STR(?p), "{projects}")) }}'
    )
    found = [
        [row["p"].value, _written_or_none(row, "s"), _written_or_none(row, "e")]
        for row in rows
        if all(isinstance(row[k], ox.Literal) for k in ("s", "e") if k in row)
    ]
    return sorted(found, key=str)


def tally(before: dict[Any, int], gone: dict[Any, int], came: dict[Any, int]) -> dict[Any, int]:
    """Counts by key after a change, in the order of the keys, without those none are
    left of."""
    after = Counter(before)
    after.subtract(gone)
    after.update(came)
    if any(n < 0 for n in after.values()):
        raise ValueError("more went than there was: the facts before are not of this data")
    return {key: after[key] for key in sorted(after) if after[key]}


def _years_changed(before: list[list[int]], gone: list[list[int]], came: list[list[int]]) -> Any:
    def by_year(pairs: list[list[int]]) -> dict[int, int]:
        return {year: n for year, n in pairs}

    return [[y, n] for y, n in tally(by_year(before), by_year(gone), by_year(came)).items()]


@fact("start_years", change=_years_changed)
def start_years(repo: Repo, settings: Settings, _graphs: dict[str, str]) -> list[list[int]]:
    """[year, projects that start that year], a project counted at its earliest start.

    By the text of the year: a day, a month and a year start alike with it, though SPARQL
    orders none of them beside another.
    """
    projects = settings.urls.id("project/")
    rows = repo.select(
        f"SELECT ?y (COUNT(?p) AS ?n) WHERE {{ {{ SELECT ?p (MIN(SUBSTR(STR(?s), 1, 4)) AS ?y) "
        f"WHERE {{ ?p <{DCT}temporal> ?t . ?t <{DCAT}startDate> ?s "
        f'FILTER(STRSTARTS(STR(?p), "{projects}")) }} GROUP BY ?p }} }} GROUP BY ?y'
    )
    return sorted([int(r["y"].value), int(r["n"].value)] for r in rows if "y" in r)


def _completeness(table: completeness.Table) -> Fact:
    def counted(repo: Repo, settings: Settings, _graphs: dict[str, str]) -> dict[str, Any]:
        return completeness.count(repo, settings, table)

    return counted


# How many projects and organisations have each field (``read.completeness``): the
# coverage tables and the charts' "n of N". The build gives the counts it made as it
# validated.
for _table in completeness.TABLES:
    fact(_table.fact)(_completeness(_table))


# VoID and the catalog -----------------------------------------------------------


def _counts_changed(before: dict[str, Any], gone: dict[str, Any], came: dict[str, Any]) -> Any:
    def changed(b: dict[str, Any], g: dict[str, Any], c: dict[str, Any]) -> dict[str, Any]:
        by = {key: tally(b[key], g[key], c[key]) for key in ("properties", "classes")}
        return asdict(Counts(**by, entities=b["entities"] - g["entities"] + c["entities"]))

    return {
        "all": changed(before["all"], gone["all"], came["all"]),
        "graphs": {
            graph: changed(before["graphs"][graph], gone["graphs"][graph], came["graphs"][graph])
            for graph in came["graphs"]
        },
    }


@fact("counts", change=_counts_changed)
def all_counts(repo: Repo, _settings: Settings, graphs: dict[str, str]) -> dict[str, Any]:
    """VoID's partitions over all graphs (the ontology page's usage too), and each
    dataset's classes, by its graph's IRI."""
    return {
        "all": asdict(counts(repo)),
        "graphs": {graph: asdict(counts(repo, graph)) for graph in graphs.values()},
    }


def counts_of(value: dict[str, Any]) -> Counts:
    return Counts(**value)


@fact("examples")
def examples(repo: Repo, settings: Settings, _graphs: dict[str, str]) -> list[str]:
    """VoID's example resources: the strategy, then the first three projects in IRI order
    (every store then gives the same three). Chosen here, not by the store's ORDER BY,
    which sorted every project to keep three: 2 s at 20k projects, against 0.1 s."""
    rows = repo.select(f"SELECT ?s WHERE {{ ?s a <{settings.urls.vocab}Project> }}")
    first = heapq.nsmallest(3, {row["s"].value for row in rows})
    return [settings.urls.id("strategy/6aika"), *first]


@fact("temporal_coverage")
def temporal_coverage(
    repo: Repo, _settings: Settings, graphs: dict[str, str]
) -> dict[str, list[list[str]]]:
    """The catalog's temporal coverage of each dataset whose graph holds periods: the
    first start and the last end, each as precise as its source (a month counts from its
    first day, and up to its last); by dataset name."""
    found = {name: _span_of(repo, graph) for name, graph in graphs.items()}
    return {name: span for name, span in found.items() if span}


def _span_of(repo: Repo, graph: str) -> list[list[str]] | None:
    def dates(prop: str) -> dict[PeriodDate, ox.Literal]:
        rows = repo.select(
            f"SELECT DISTINCT ?d WHERE {{ GRAPH <{graph}> {{ ?t <{DCAT}{prop}> ?d }} }}"
        )
        literals = [row["d"] for row in rows if isinstance(row["d"], ox.Literal)]
        found = {PeriodDate.of_literal(literal): literal for literal in literals}
        return {date: literal for date, literal in found.items() if date is not None}

    starts, ends = dates("startDate"), dates("endDate")
    first, last = earliest(starts), latest(ends)
    return [_written(starts[first]), _written(ends[last])] if first and last else None


# Maps ----------------------------------------------------------------------------


@fact("places")
def places(repo: Repo, _settings: Settings, _graphs: dict[str, str]) -> dict[str, list[float]]:
    """Every place with coordinates (``schema:geo``), for the maps: IRI -> [lat, long]."""
    rows = repo.select(
        f"SELECT ?place ?latitude ?longitude WHERE {{ ?place <{SCHEMA}geo> ?point . "
        f"?point <{SCHEMA}latitude> ?latitude ; <{SCHEMA}longitude> ?longitude }}"
    )
    return {
        row["place"].value: [float(row["latitude"].value), float(row["longitude"].value)]
        for row in sorted(rows, key=lambda row: row["place"].value)
    }

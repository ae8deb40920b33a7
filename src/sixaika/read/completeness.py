"""How complete the data is: for each field a project may have, how many projects have it.

One definition, ``FIELDS``, serves both places that tell it: ``sixaika validate`` counts
each partition's projects as it validates them (``projects_having``, on the partition's
records beside the shared ones), and the build puts the sum into the release's facts,
which the home page's coverage table and its charts read (``n of N projects``). A store
without those facts is counted with the same patterns (``count``).

A field is a SPARQL graph pattern about ``?project``: its prefixes are those of
``namespaces.PREFIXES`` and ``sixaika:`` (the vocabulary), and ``{id}`` stands for the
base of the data's own IRIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..namespaces import PREFIXES
from .store import Repo


@dataclass(frozen=True)
class Field:
    key: str
    labels: tuple[str, str, str]  # en, fi, sv
    pattern: str

    def label(self, lang: str) -> str:
        en, fi, sv = self.labels
        return {"fi": fi, "sv": sv}.get(lang, en)


def _title(lang: str) -> str:
    return f'?project dct:title ?title FILTER(LANGMATCHES(LANG(?title), "{lang}"))'


def _budget(kind: str) -> str:
    return f"?project sixaika:budget/sixaika:budgetKind <{{id}}concept/budget-kind/{kind}>"


FIELDS: tuple[Field, ...] = (
    Field("title_fi", ("Finnish title", "Suomenkielinen nimi", "Finskt namn"), _title("fi")),
    Field("title_en", ("English title", "Englanninkielinen nimi", "Engelskt namn"), _title("en")),
    Field("title_sv", ("Swedish title", "Ruotsinkielinen nimi", "Svenskt namn"), _title("sv")),
    Field(
        "eura_code",
        ("EURA 2014 code", "EURA 2014 -koodi", "EURA 2014-kod"),
        "?project adms:identifier/dct:type <{id}concept/identifier-type/eura-code>",
    ),
    Field("fund", ("Fund", "Rahasto", "Fond"), "?project sixaika:fund ?fund"),
    Field(
        "focus_area",
        ("Focus area", "Painopistealue", "Fokusområde"),
        "?project sixaika:focusArea ?area",
    ),
    Field(
        "priority_axis",
        ("Priority axis", "Toimintalinja", "Prioriterat område"),
        "?project sixaika:priorityAxis ?axis",
    ),
    Field(
        "specific_objective",
        ("Specific objective", "Erityistavoite", "Specifikt mål"),
        "?project sixaika:specificObjective ?objective",
    ),
    Field("lead", ("Lead", "Päätoteuttaja", "Huvudgenomförare"), "?project sixaika:lead ?lead"),
    Field(
        "partners",
        ("Partners", "Osatoteuttajat", "Delgenomförare"),
        "?project sixaika:partner ?partner",
    ),
    Field(
        "city",
        (
            "City (of the lead or a partner)",
            "Kaupunki (päätoteuttajan tai osatoteuttajan)",
            "Stad (huvudgenomförarens eller en delgenomförares)",
        ),
        "?project sixaika:lead|sixaika:partner ?member . ?member dct:spatial ?city . "
        "?city a sixaika:City",
    ),
    Field(
        "start",
        ("Start of the period", "Alkamisaika", "Början av perioden"),
        "?project dct:temporal/dcat:startDate ?start",
    ),
    Field(
        "end",
        ("End of the period", "Päättymisaika", "Slutet av perioden"),
        "?project dct:temporal/dcat:endDate ?end",
    ),
    Field(
        "total_budget",
        ("Total budget", "Kokonaisbudjetti", "Total budget"),
        _budget("total-budget"),
    ),
    Field(
        "eu_contribution",
        ("EU contribution", "EU-rahoitus", "EU-bidrag"),
        _budget("eu-contribution"),
    ),
    Field("homepage", ("Homepage", "Kotisivu", "Webbplats"), "?project foaf:homepage ?page"),
    Field(
        "kohesio",
        ("Kohesio record", "Kohesio-tietue", "Kohesio-post"),
        '?project owl:sameAs ?same FILTER(STRSTARTS(STR(?same), "https://linkedopendata.eu/"))',
    ),
)
BY_KEY = {field.key: field for field in FIELDS}


def _query(settings: Settings, select: str, where: str) -> str:
    """A query over the projects (the data's own ``project/`` IRIs) that ``where`` matches.

    The pattern comes first and no ``?project a sixaika:Project``: Oxigraph joins in the
    written order, and that join alone costs seconds at 100k projects (``read.facts``).
    """
    prefixes = {**PREFIXES, "sixaika": settings.urls.vocab}
    declared = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
    projects = settings.urls.id("project/")
    where = where.replace("{id}", settings.urls.id())
    return (
        f"{declared}SELECT {select} WHERE {{ {where} "
        f'FILTER(STRSTARTS(STR(?project), "{projects}")) }}'
    )


PROJECTS = "?project a sixaika:Project"


def projects_having(repo: Repo, settings: Settings) -> dict[str, list[str]]:
    """Every project ``repo`` holds, with the keys of the fields it has (in ``FIELDS``
    order): what a partition of the sources gives (``build.partitions``)."""
    found: dict[str, list[str]] = {
        row["project"].value: [] for row in repo.select(_query(settings, "?project", PROJECTS))
    }
    for field in FIELDS:
        for row in repo.select(_query(settings, "DISTINCT ?project", field.pattern)):
            if row["project"].value in found:
                found[row["project"].value].append(field.key)
    return found


def tally(having: dict[str, list[str]]) -> dict[str, Any]:
    """The counts of ``projects_having``'s answers (one or several partitions' joined):
    ``{"projects": N, "fields": {key: n}}``, as the release's facts hold them."""
    counts = dict.fromkeys(BY_KEY, 0)
    for keys in having.values():
        for key in keys:
            counts[key] += 1
    return {"projects": len(having), "fields": counts}


def count(repo: Repo, settings: Settings) -> dict[str, Any]:
    """The same counts as ``tally``'s, counted in a whole store (one query a field)."""

    def counted(where: str) -> int:
        rows = repo.select(_query(settings, "(COUNT(DISTINCT ?project) AS ?n)", where))
        return int(rows[0]["n"].value) if rows else 0

    fields = {field.key: counted(field.pattern) for field in FIELDS}
    return {"projects": counted(PROJECTS), "fields": fields}


def lines(counts: dict[str, Any], lang: str) -> list[str]:
    """The counts as ``validate`` ends with them: a heading, a field a line (its key, as
    ``validate --missing`` takes it, its name, how many projects have it, of how many),
    and how to see which projects lack one."""
    total = counts["projects"]
    words = _WORDS.get(lang, _WORDS["en"])
    keys = max(len(field.key) for field in FIELDS)
    names = max(len(field.label(lang)) for field in FIELDS)
    digits = len(str(total))
    rows = [
        f"  {field.key:<{keys}}  {field.label(lang):<{names}}  "
        f"{counts['fields'][field.key]:>{digits}} / {total}  "
        f"{share(counts['fields'][field.key], total):>5}"
        for field in FIELDS
    ]
    return [words["heading"].format(total), *rows, words["hint"]]


def missing_lines(key: str, lacking: list[str], total: int, lang: str) -> list[str]:
    """The projects that lack the field ``key`` (each as ``file: project``), under a
    heading that says how many of all."""
    words = _WORDS.get(lang, _WORDS["en"])
    heading = words["missing"].format(BY_KEY[key].label(lang), len(lacking), total)
    return [heading, *(f"  {each}" for each in lacking)]


# validate's words (its other words: ``build.validate``)
_WORDS = {
    "en": {
        "heading": "Projects that have each field (of {0}):",
        "hint": "(sixaika validate --missing FIELD lists the projects that lack a field.)",
        "missing": "{0} is missing from {1} of {2} projects:",
    },
    "fi": {
        "heading": "Hankkeet, joilla tieto on ({0} hankkeesta):",
        "hint": "(sixaika validate --missing KENTTÄ luettelee hankkeet, joilta tieto puuttuu.)",
        "missing": "{0} puuttuu {1} / {2} hankkeelta:",
    },
}


def share(n: int, total: int) -> str:
    """
    >>> share(1, 3), share(0, 0)
    ('33 %', '–')
    """
    return f"{round(100 * n / total)} %" if total else "–"

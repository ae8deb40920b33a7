"""How complete the data is: for each field a record may have, how many records have it.

Two tables count it: the projects' fields (titles, fund, lead, period, ...) and the
organisations' (business ID, city, Wikidata item). One definition of each, a ``Table``,
serves both places that tell it: ``sixaika validate`` counts each file's records as it
validates them (``having``, on a partition's records beside the shared ones), and the
build puts the sum into the release's facts, which the home page's coverage tables and
its charts read (``n of N projects``). A store without those facts is counted with the
same patterns (``count``).

A field is a SPARQL graph pattern about its table's variable (``?project``,
``?organisation``): its prefixes are those of ``namespaces.PREFIXES`` and ``sixaika:``
(the vocabulary), and ``{id}`` stands for the base of the data's own IRIs. Field keys are
unique across the tables: ``validate --missing KEY`` takes any of them.
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
ORGANISATION_FIELDS: tuple[Field, ...] = (
    Field(
        "business_id",
        ("Business ID", "Y-tunnus", "FO-nummer"),
        "?organisation adms:identifier/dct:type <{id}concept/identifier-type/business-id>",
    ),
    Field(
        "organisation_city",
        ("City", "Kaupunki", "Stad"),
        "?organisation dct:spatial ?city . ?city a sixaika:City",
    ),
    Field(
        "wikidata",
        ("Wikidata item", "Wikidata-kohde", "Wikidata-objekt"),
        "?organisation owl:sameAs ?same "
        'FILTER(STRSTARTS(STR(?same), "http://www.wikidata.org/entity/Q"))',
    ),
)


@dataclass(frozen=True)
class Table:
    """The records one coverage table counts, and their fields."""

    name: str  # the records, as their counts name them: {"projects": N, "fields": {...}}
    fact: str  # the counts' name among the release's facts and in validate's JSON
    variable: str  # a record, in the fields' patterns
    path: str  # where the data's IRIs of such records begin
    kind: str  # the pattern every such record matches
    fields: tuple[Field, ...]
    heading: dict[str, str]  # validate's heading of its counts, by language
    missing: dict[str, str]  # and of the list of those that lack a field

    def select(self, settings: Settings, select: str, where: str) -> str:
        """A query over the records (the data's own IRIs under ``path``) that ``where``
        matches.

        The pattern comes first and no ``?project a sixaika:Project``: Oxigraph joins in
        the written order, and that join alone costs seconds at 100k projects
        (``read.facts``).
        """
        prefixes = {**PREFIXES, "sixaika": settings.urls.vocab}
        declared = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
        records = settings.urls.id(self.path)
        where = where.replace("{id}", settings.urls.id())
        return (
            f"{declared}SELECT {select} WHERE {{ {where} "
            f'FILTER(STRSTARTS(STR(?{self.variable}), "{records}")) }}'
        )


PROJECTS = Table(
    name="projects",
    fact="completeness",
    variable="project",
    path="project/",
    kind="?project a sixaika:Project",
    fields=FIELDS,
    heading={
        "en": "Projects that have each field (of {0}):",
        "fi": "Hankkeet, joilla tieto on ({0} hankkeesta):",
    },
    missing={
        "en": "{0} is missing from {1} of {2} projects:",
        "fi": "{0} puuttuu {1} / {2} hankkeelta:",
    },
)
ORGANISATIONS = Table(
    name="organisations",
    fact="organisation_completeness",
    variable="organisation",
    path="organisation/",
    kind="?organisation a ?kind",
    fields=ORGANISATION_FIELDS,
    heading={
        "en": "Organisations that have each field (of {0}):",
        "fi": "Organisaatiot, joilla tieto on ({0} organisaatiosta):",
    },
    missing={
        "en": "{0} is missing from {1} of {2} organisations:",
        "fi": "{0} puuttuu {1} / {2} organisaatiolta:",
    },
)
TABLES = (PROJECTS, ORGANISATIONS)
TABLE_OF = {field.key: table for table in TABLES for field in table.fields}
BY_KEY = {field.key: field for table in TABLES for field in table.fields}


def having(repo: Repo, settings: Settings) -> dict[str, dict[str, list[str]]]:
    """Every record of each table that ``repo`` holds, with the keys of the fields it has
    (in the table's order), by table name: what a partition of the sources gives
    (``build.partitions``)."""
    return {table.name: _having(repo, settings, table) for table in TABLES}


def _having(repo: Repo, settings: Settings, table: Table) -> dict[str, list[str]]:
    record = table.variable
    found: dict[str, list[str]] = {
        row[record].value: []
        for row in repo.select(table.select(settings, f"?{record}", table.kind))
    }
    for field in table.fields:
        for row in repo.select(table.select(settings, f"DISTINCT ?{record}", field.pattern)):
            if row[record].value in found:
                found[row[record].value].append(field.key)
    return found


def tally(having: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, Any]]:
    """The counts of ``having``'s answers (one or several partitions' joined), by each
    table's fact: ``{"completeness": {"projects": N, "fields": {key: n}}, ...}``, as the
    release's facts hold them."""
    counts = {}
    for table in TABLES:
        records = having.get(table.name, {})
        fields = dict.fromkeys((field.key for field in table.fields), 0)
        for keys in records.values():
            for key in keys:
                fields[key] += 1
        counts[table.fact] = {table.name: len(records), "fields": fields}
    return counts


def count(repo: Repo, settings: Settings, table: Table) -> dict[str, Any]:
    """The same counts as ``tally``'s of ``table``, counted in a whole store (one query a
    field)."""

    def counted(where: str) -> int:
        select = f"(COUNT(DISTINCT ?{table.variable}) AS ?n)"
        rows = repo.select(table.select(settings, select, where))
        return int(rows[0]["n"].value) if rows else 0

    fields = {field.key: counted(field.pattern) for field in table.fields}
    return {table.name: counted(table.kind), "fields": fields}


def lines(counts: dict[str, dict[str, Any]], lang: str) -> list[str]:
    """The counts (by table fact, as ``tally`` gives them) as ``validate`` ends with them:
    for each table a heading and a field a line (its key, as ``validate --missing`` takes
    it, its name, how many records have it, of how many), then how to see which records
    lack one."""
    keys = max(len(key) for key in BY_KEY)
    names = max(len(field.label(lang)) for field in BY_KEY.values())
    told = []
    for table in TABLES:
        total, fields = counts[table.fact][table.name], counts[table.fact]["fields"]
        digits = len(str(total))
        told += [
            _in(table.heading, lang).format(total),
            *(
                f"  {field.key:<{keys}}  {field.label(lang):<{names}}  "
                f"{fields[field.key]:>{digits}} / {total}  {share(fields[field.key], total):>5}"
                for field in table.fields
            ),
            "",
        ]
    return [*told, _in(_HINT, lang)]


def missing_lines(key: str, lacking: list[str], total: int, lang: str) -> list[str]:
    """The records that lack the field ``key`` (each as ``file: record``), under a heading
    that says how many of all."""
    missing = _in(TABLE_OF[key].missing, lang)
    heading = missing.format(BY_KEY[key].label(lang), len(lacking), total)
    return [heading, *(f"  {each}" for each in lacking)]


# validate's other words: ``build.validate``
_HINT = {
    "en": "(sixaika validate --missing FIELD lists the projects or organisations that lack "
    "a field.)",
    "fi": "(sixaika validate --missing KENTTÄ luettelee hankkeet tai organisaatiot, joilta tieto "
    "puuttuu.)",
}


def share(n: int, total: int) -> str:
    """
    >>> share(1, 3), share(0, 0)
    ('33 %', '–')
    """
    return f"{round(100 * n / total)} %" if total else "–"


def _in(words: dict[str, str], lang: str) -> str:
    """``words`` in ``lang``, else in English (validate speaks English and Finnish)."""
    return words.get(lang, words["en"])

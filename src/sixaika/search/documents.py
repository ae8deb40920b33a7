"""What the index holds, read from a release's quads: search documents and table rows.

Read a source file at a time (``of_file``): its quads in memory, keeping only the
properties the index needs, rather than by SPARQL joins or from the store on disk. A
record's quads are in one file with its blank nodes, so a file gives its resources'
documents whole, and its projects' rows but for what other records tell: the cities of
their organisations and the axes of their specific objectives (``Draft``). What a file
tells other files' rows is its ``Facts``: small, as organisations and concepts are few
whatever the number of projects. ``finish`` puts a row together once every file's facts
are known. What the rows mean, in SPARQL terms (the tests compare the two):
- a project: a ``sixaika:Project``; its title, per language (the least, if several);
- lead and partners: ``sixaika:lead`` and ``sixaika:partner``;
- cities: the ``dct:spatial`` of a lead or partner or of what it is a unit of
  (``org:unitOf*``);
- priority axis: its own ``sixaika:priorityAxis`` or its specific objective's;
- start, end: the earliest ``dcat:startDate`` and the latest ``dcat:endDate`` of its
  periods (sources may disagree), a year or a month giving way to a more precise date
  within it (``sixaika.dates``);
- total budget, EU contribution: the highest ``schema:value`` of its budgets of that kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import pyoxigraph as ox

from ..dates import PeriodDate, end_of, start_of
from ..namespaces import PREFIXES, RDF_TYPE, value_of
from ..urls import Urls
from .index import Kind, Participant, ProjectRow

DCT, SKOS, ORG = PREFIXES["dct"], PREFIXES["skos"], PREFIXES["org"]
DCAT, SCHEMA, ADMS = PREFIXES["dcat"], PREFIXES["schema"], PREFIXES["adms"]
WANTED = (  # the properties read, besides rdf:type and OURS
    DCT + "title",
    DCT + "description",
    DCT + "identifier",
    DCT + "type",
    DCT + "spatial",
    DCT + "temporal",
    DCAT + "startDate",
    DCAT + "endDate",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    SKOS + "definition",
    SKOS + "notation",
    ADMS + "identifier",
    ORG + "unitOf",
    SCHEMA + "value",
)
OURS = (
    "lead",
    "partner",
    "fund",
    "focusArea",
    "priorityAxis",
    "specificObjective",
    "budget",
    "budgetKind",
)
ORGANISATION_TYPES = (
    ORG + "Organization",
    ORG + "FormalOrganization",
    ORG + "OrganizationalUnit",
)


@dataclass
class Document:
    """A resource as search sees it."""

    iri: str
    kind: Kind
    codes: list[tuple[str, str]] = field(default_factory=list)  # (type, value)
    names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def best_names(self) -> dict[str, str]:
        return {lang: values[0] for lang, values in self.names.items() if values and lang}


@dataclass
class Facts:
    """What a file's records tell the rows of projects elsewhere: the names of what has
    names (by language, the first), and of what is not a project, its places
    (``dct:spatial``), what it is a unit of and its priority axes."""

    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    spatial: dict[str, list[str]] = field(default_factory=dict)
    unit_of: dict[str, list[str]] = field(default_factory=dict)
    axes: dict[str, list[str]] = field(default_factory=dict)

    def add(self, other: Facts) -> None:
        """Another file's facts (a subject's are all in one file)."""
        self.labels.update(other.labels)
        self.spatial.update(other.spatial)
        self.unit_of.update(other.unit_of)
        self.axes.update(other.axes)

    def cities(self) -> dict[str, set[str]]:
        """Each organisation's cities: its own and those of what it is a unit of."""

        def of(organisation: str, seen: frozenset[str] = frozenset()) -> set[str]:
            found = set(self.spatial.get(organisation, []))
            for parent in self.unit_of.get(organisation, []):
                if parent not in seen:  # a cycle of units is the data's error, not a hang
                    found |= of(parent, seen | {organisation})
            return found

        return {o: of(o) for o in {*self.spatial, *self.unit_of}}


class Draft(NamedTuple):
    """A project's row as its own file gives it: its participants' cities and its
    specific objectives' axes are other records' (``finish``)."""

    iri: str
    identifier: str | None
    title: dict[str, str]
    lead: tuple[str, ...]
    partner: tuple[str, ...]
    fund: tuple[str, ...]
    focus_area: tuple[str, ...]
    priority_axis: tuple[str, ...]  # its own
    objectives: tuple[str, ...]
    start: str | None
    end: str | None
    total_budget: float | None
    eu_contribution: float | None


def finish(draft: Draft, axes: dict[str, list[str]], cities: dict[str, set[str]]) -> ProjectRow:
    """A project's row, with what the other files' facts tell (``Facts.axes``,
    ``Facts.cities()``)."""
    participants = [Participant(o, "lead") for o in draft.lead]
    participants += [Participant(o, "partner") for o in draft.partner]
    own_axes = {*draft.priority_axis, *(a for o in draft.objectives for a in axes.get(o, []))}
    return ProjectRow(
        iri=draft.iri,
        identifier=draft.identifier,
        title=draft.title,
        lead=draft.lead,
        participants=tuple(participants),
        cities=tuple(sorted({c for o in draft.lead + draft.partner for c in cities.get(o, ())})),
        fund=draft.fund,
        focus_area=draft.focus_area,
        priority_axis=tuple(sorted(own_axes)),
        start=draft.start,
        end=draft.end,
        total_budget=draft.total_budget,
        eu_contribution=draft.eu_contribution,
    )


@dataclass
class FileContents:
    """What one source file gives the index: its resources' documents, its projects'
    drafts, and its facts for the others'."""

    documents: list[Document]
    drafts: list[Draft]
    facts: Facts


@dataclass
class Contents:
    documents: list[Document]
    rows: list[ProjectRow]
    labels: dict[str, dict[str, str]]  # organisations' and concepts' names by language


class Reader:
    """The quads of the properties the index needs, by property and subject, in one pass."""

    def __init__(self, quads: Iterable[ox.Quad], base: str):
        self.vocab = Urls(base).vocab
        wanted = {RDF_TYPE, *WANTED, *(self.vocab + name for name in OURS)}
        by: dict[ox.NamedNode, dict[str, list]] = {
            ox.NamedNode(p): defaultdict(list) for p in wanted
        }
        for quad in quads:
            by_subject = by.get(quad.predicate)
            if by_subject is not None:
                by_subject[value_of(quad.subject)].append(quad.object)
        self._by = {p.value: by_subject for p, by_subject in by.items()}
        for by_subject in self._by.values():  # a source may state a triple twice
            for subject, objects in by_subject.items():
                if len(objects) > 1:
                    by_subject[subject] = list(dict.fromkeys(objects))

    def objects(self, predicate: str) -> dict[str, list[ox.NamedNode | ox.Literal]]:
        return self._by[predicate]

    def values(self, predicate: str) -> dict[str, list[str]]:
        return {s: [o.value for o in os] for s, os in self._by[predicate].items()}

    def typed(self, *types: str) -> list[str]:
        wanted = set(types)
        return [s for s, os in self._by[RDF_TYPE].items() if any(o.value in wanted for o in os)]

    def texts(self, predicate: str) -> dict[str, dict[str, list[str]]]:
        """Per subject, per language, the literal values of ``predicate`` (sorted)."""
        found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for subject, objects in self._by[predicate].items():
            for o in objects:
                if isinstance(o, ox.Literal):
                    found[subject][o.language or ""].append(o.value)
        for by_lang in found.values():
            for values in by_lang.values():
                values.sort()
        return found


def whole(part: FileContents) -> Contents:
    """The contents of a file that holds every record: its rows finished with its facts."""
    axes, cities = part.facts.axes, part.facts.cities()
    rows = [finish(draft, axes, cities) for draft in part.drafts]
    return Contents(part.documents, rows, part.facts.labels)


def of_file(quads: Iterable[ox.Quad], base: str) -> FileContents:
    """What a file's quads (whole records, with their blank nodes) give the index."""
    reader = Reader(quads, base)
    codes = _codes(reader)
    titles = reader.texts(DCT + "title")
    labels = _labels(reader)
    projects = reader.typed(reader.vocab + "Project")
    documents = [
        *_documents(reader, "project", projects, codes, titles),
        *_documents(reader, "organisation", reader.typed(*ORGANISATION_TYPES), codes, labels),
        *_documents(reader, "concept", reader.typed(SKOS + "Concept"), codes, labels),
    ]
    return FileContents(
        documents, list(_drafts(reader, projects, titles, codes)), _facts(reader, labels, projects)
    )


def _facts(reader: Reader, labels: dict[str, dict[str, list[str]]], projects: list[str]) -> Facts:
    def of_others(predicate: str) -> dict[str, list[str]]:
        return {s: v for s, v in reader.values(predicate).items() if s not in skipped}

    skipped = set(projects)  # a project's places and axes are its row's own
    return Facts(
        labels={iri: {lang: v[0] for lang, v in by.items() if v} for iri, by in labels.items()},
        spatial=of_others(DCT + "spatial"),
        unit_of=of_others(ORG + "unitOf"),
        axes=of_others(reader.vocab + "priorityAxis"),
    )


def _labels(reader: Reader) -> dict[str, dict[str, list[str]]]:
    """prefLabels, then altLabels, of everything that has them."""
    labels = reader.texts(SKOS + "prefLabel")
    for subject, by_lang in reader.texts(SKOS + "altLabel").items():
        for lang, values in by_lang.items():
            labels[subject][lang].extend(values)
    return labels


def _codes(reader: Reader) -> dict[str, list[tuple[str, str]]]:
    """Each resource's codes: ``dct:identifier`` and its ADMS identifiers' notations, with
    their type's last path segment (``eura-code``, ``business-id``) as the code's type."""
    codes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for subject, values in reader.values(DCT + "identifier").items():
        codes[subject].extend(("identifier", v) for v in values)
    notations, types = reader.values(SKOS + "notation"), reader.values(DCT + "type")
    for subject, identifiers in reader.values(ADMS + "identifier").items():
        for node in identifiers:
            kind = types.get(node, ["identifier"])[0].rstrip("/").rsplit("/", 1)[-1]
            codes[subject].extend((kind, n) for n in notations.get(node, []))
    for subject, values in notations.items():  # a concept's own notation (4.1)
        codes[subject].extend(("notation", v) for v in values)
    return codes


def _documents(
    reader: Reader,
    kind: Kind,
    iris: list[str],
    codes: dict[str, list[tuple[str, str]]],
    names: dict[str, dict[str, list[str]]],
) -> Iterator[Document]:
    texts = reader.texts(DCT + "description")
    if kind == "concept":
        for subject, by_lang in reader.texts(SKOS + "definition").items():
            for lang, values in by_lang.items():
                texts[subject][lang].extend(values)
    for iri in iris:
        yield Document(
            iri,
            kind,
            list(dict.fromkeys(codes.get(iri, []))),
            names.get(iri, {}),
            texts.get(iri, {}),
        )


def _drafts(
    reader: Reader,
    projects: list[str],
    titles: dict[str, dict[str, list[str]]],
    codes: dict[str, list],
) -> Iterator[Draft]:
    v = reader.vocab
    lead, partner = reader.values(v + "lead"), reader.values(v + "partner")
    fund, focus = reader.values(v + "fund"), reader.values(v + "focusArea")
    axis, objective = reader.values(v + "priorityAxis"), reader.values(v + "specificObjective")
    starts, ends = _span(reader)
    budgets = _budgets(reader)
    for iri in projects:
        identifiers = [c for kind, c in codes.get(iri, []) if kind == "identifier"]
        yield Draft(
            iri=iri,
            identifier=min(identifiers) if identifiers else None,
            title={lang: values[0] for lang, values in titles.get(iri, {}).items() if lang},
            lead=tuple(sorted(lead.get(iri, []))),
            partner=tuple(sorted(partner.get(iri, []))),
            fund=tuple(sorted(fund.get(iri, []))),
            focus_area=tuple(sorted(focus.get(iri, []))),
            priority_axis=tuple(axis.get(iri, [])),
            objectives=tuple(objective.get(iri, [])),
            start=starts.get(iri),
            end=ends.get(iri),
            total_budget=budgets.get((iri, "total-budget")),
            eu_contribution=budgets.get((iri, "eu-contribution")),
        )


def _span(reader: Reader) -> tuple[dict[str, str], dict[str, str]]:
    """Each project's earliest start and latest end over its periods (as pages show them:
    :func:`sixaika.dates.start_of` and :func:`~sixaika.dates.end_of`)."""
    temporal = reader.values(DCT + "temporal")
    start, end = reader.values(DCAT + "startDate"), reader.values(DCAT + "endDate")
    starts, ends = {}, {}
    for project, periods in temporal.items():
        first = _chosen(start_of, [d for p in periods for d in start.get(p, [])])
        last = _chosen(end_of, [d for p in periods for d in end.get(p, [])])
        if first:
            starts[project] = first
        if last:
            ends[project] = last
    return starts, ends


def _chosen(
    choose: Callable[[Iterable[PeriodDate]], PeriodDate | None], values: list[str]
) -> str | None:
    """The one of ``values`` (lexical dates) that ``choose`` picks, or None."""
    dates = {date: value for value in values if (date := PeriodDate.parse(value))}
    picked = choose(dates)
    return dates[picked] if picked else None


def _budgets(reader: Reader) -> dict[tuple[str, str], float]:
    """(project, kind) -> the highest amount its sources give for that kind of figure."""
    kinds = reader.values(reader.vocab + "budgetKind")
    amounts = reader.values(SCHEMA + "value")
    found: dict[tuple[str, str], float] = {}
    for project, nodes in reader.values(reader.vocab + "budget").items():
        for node in nodes:
            for kind in kinds.get(node, []):
                for amount in amounts.get(node, []):
                    key = (project, kind.rsplit("/", 1)[-1])
                    found[key] = max(found.get(key, float("-inf")), float(amount))
    return found

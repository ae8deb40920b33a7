"""What the index holds, read from a release's quads: search documents and table rows.

Read in one pass over the quads in memory, keeping only the properties it needs, rather
than by SPARQL joins or from the store on disk: a million projects are some forty
million quads, and the store decodes each term it returns (5 µs a quad, against under 1
µs in memory). What the rows mean, in SPARQL terms (the tests compare the two):
- a project: a ``sixaika:Project``; its title, per language (the least, if several);
- lead and partners: ``sixaika:lead`` and ``sixaika:partner``;
- cities: the ``dct:spatial`` of a lead or partner or of what it is a unit of
  (``org:unitOf*``);
- priority axis: its own ``sixaika:priorityAxis`` or its specific objective's;
- start, end: the earliest ``dcat:startDate`` and the latest ``dcat:endDate`` of its
  periods (sources may disagree);
- total budget, EU contribution: the highest ``schema:value`` of its budgets of that kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

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


def read(quads: Iterable[ox.Quad], base: str) -> Contents:
    """The index's contents from a release's quads (the validated graph, as the store has it)."""
    reader = Reader(quads, base)
    codes = _codes(reader)
    titles = reader.texts(DCT + "title")
    labels = _labels(reader)
    documents = [
        *_documents(reader, "project", reader.typed(reader.vocab + "Project"), codes, titles),
        *_documents(reader, "organisation", reader.typed(*ORGANISATION_TYPES), codes, labels),
        *_documents(reader, "concept", reader.typed(SKOS + "Concept"), codes, labels),
    ]
    label_map = {iri: {lang: v[0] for lang, v in by.items() if v} for iri, by in labels.items()}
    return Contents(documents, list(_rows(reader, titles, codes)), label_map)


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


def _rows(
    reader: Reader, titles: dict[str, dict[str, list[str]]], codes: dict[str, list]
) -> Iterator[ProjectRow]:
    v = reader.vocab
    lead, partner = reader.values(v + "lead"), reader.values(v + "partner")
    fund, focus = reader.values(v + "fund"), reader.values(v + "focusArea")
    axis, objective = reader.values(v + "priorityAxis"), reader.values(v + "specificObjective")
    cities = _cities(reader)
    starts, ends = _span(reader)
    budgets = _budgets(reader)
    for iri in reader.typed(v + "Project"):
        leads, partners = lead.get(iri, []), partner.get(iri, [])
        participants = [Participant(o, "lead") for o in sorted(leads)]
        participants += [Participant(o, "partner") for o in sorted(partners)]
        axes = set(axis.get(iri, []))
        axes.update(a for o in objective.get(iri, []) for a in axis.get(o, []))
        identifiers = [c for kind, c in codes.get(iri, []) if kind == "identifier"]
        yield ProjectRow(
            iri=iri,
            identifier=min(identifiers) if identifiers else None,
            title={lang: values[0] for lang, values in titles.get(iri, {}).items() if lang},
            lead=tuple(sorted(leads)),
            participants=tuple(participants),
            cities=tuple(sorted({c for o in leads + partners for c in cities.get(o, ())})),
            fund=tuple(sorted(fund.get(iri, []))),
            focus_area=tuple(sorted(focus.get(iri, []))),
            priority_axis=tuple(sorted(axes)),
            start=starts.get(iri),
            end=ends.get(iri),
            total_budget=budgets.get((iri, "total-budget")),
            eu_contribution=budgets.get((iri, "eu-contribution")),
        )


def _cities(reader: Reader) -> dict[str, set[str]]:
    """Each organisation's cities: its own ``dct:spatial`` and those of what it is a unit of."""
    spatial, unit_of = reader.values(DCT + "spatial"), reader.values(ORG + "unitOf")

    def of(organisation: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found = set(spatial.get(organisation, []))
        for parent in unit_of.get(organisation, []):
            if parent not in seen:  # a cycle of units is the data's error, not a hang here
                found |= of(parent, seen | {organisation})
        return found

    return {o: of(o) for o in {*spatial, *unit_of}}


def _span(reader: Reader) -> tuple[dict[str, str], dict[str, str]]:
    """Each project's earliest start and latest end over its periods."""
    temporal = reader.values(DCT + "temporal")
    start, end = reader.values(DCAT + "startDate"), reader.values(DCAT + "endDate")
    starts, ends = {}, {}
    for project, periods in temporal.items():
        first = [d for p in periods for d in start.get(p, [])]
        last = [d for p in periods for d in end.get(p, [])]
        if first:
            starts[project] = min(first, key=_date_order)
        if last:
            ends[project] = max(last, key=_date_order)
    return starts, ends


def _date_order(value: str) -> tuple[str, int]:
    """2016 before 2016-03 before 2016-03-01 on the same day: the less precise one first."""
    return (value[:10].ljust(10, "-"), len(value))


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

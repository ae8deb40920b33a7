"""Presenting RDF to people: labels in the reader's language, dates and money as people
write them, links by name, blank nodes as nested cards. Used by every HTML page.

>>> import pyoxigraph as ox
>>> format_literal(ox.Literal("2015-02-01", datatype=ox.NamedNode(XSD + "date")), "fi")
'1.2.2015'
>>> format_literal(ox.Literal("2015-02-01", datatype=ox.NamedNode(XSD + "date")), "en")
'1 February 2015'
>>> [format_date("2017-09", lang, XSD + "gYearMonth") for lang in ("fi", "en", "sv")]
['syyskuu 2017', 'September 2017', 'september 2017']
>>> format_money("1571429", "EUR", "en"), format_money("1571429.5", "EUR", "fi")
('€1,571,429', '1\\xa0571\\xa0429,50\\xa0€')
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox

from .. import dates
from ..dates import DATATYPES, PERIOD_DATE_PROPERTIES, PeriodDate
from ..namespaces import Subject, Term, value_of
from ..read.describe import DCT, LABEL_PROPERTIES, RDF_TYPE
from ..urls import Urls
from ..vocabulary import Place, Vocabulary
from . import i18n

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
START, END = PERIOD_DATE_PROPERTIES
OWL_UNION = "http://www.w3.org/2002/07/owl#unionOf"
LABEL_RANK = {p: i for i, p in enumerate(LABEL_PROPERTIES)}  # the best label property first
COMPACT_MEMO = 1 << 14  # compact names remembered (bounded: every IRI of a large release)
_MONTHS = {
    "fi": "tammikuu helmikuu maaliskuu huhtikuu toukokuu kesäkuu heinäkuu elokuu syyskuu "
    "lokakuu marraskuu joulukuu".split(),
    "en": "January February March April May June July August September October November "
    "December".split(),
    "sv": "januari februari mars april maj juni juli augusti september oktober november "
    "december".split(),
}
_CURRENCY_SIGNS = {"EUR": "€"}
LINKABLE_SCHEMES = ("http://", "https://", "mailto:", "tel:")

# Values --------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # a table's page formats a hundred dates, most of them again
def format_date(value: str, lang: str, datatype: str = XSD + "date") -> str:
    """A day, a month or a year as people write it (1.2.2015, syyskuu 2017, 2018)."""
    date = PeriodDate.parse(value[:10] if datatype == XSD + "date" else value, datatype)
    return value if date is None else format_period_date(date, lang)


def format_period_date(date: PeriodDate, lang: str) -> str:
    if date.precision == "year":
        return str(date.first.year)
    month = _MONTHS.get(lang, _MONTHS["en"])[date.first.month - 1]
    if date.precision == "month":
        return f"{month} {date.first.year}"
    if lang == "fi":
        return f"{date.first.day}.{date.first.month}.{date.first.year}"
    return f"{date.first.day} {month} {date.first.year}"


def format_number(value: str, lang: str, decimals: int | None = None) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 2
    text = f"{number:,.{decimals}f}"
    if lang in ("fi", "sv"):  # 1 234 567,89 with no-break spaces
        text = text.replace(",", "\xa0").replace(".", ",")
    return text


def format_money(value: str, currency: str, lang: str) -> str:
    amount = format_number(value, lang)
    sign = _CURRENCY_SIGNS.get(currency, currency)
    if lang in ("fi", "sv"):
        return f"{amount}\xa0{sign}"
    return f"{sign}{amount}" if len(sign) == 1 else f"{sign}\xa0{amount}"


def format_literal(literal: ox.Literal, lang: str) -> str:
    datatype = literal.datatype.value if literal.datatype else ""
    if datatype in DATATYPES:  # a day, a month or a year
        return format_date(literal.value, lang, datatype)
    if datatype == XSD + "dateTime":
        return f"{format_date(literal.value, lang)} {literal.value[11:16]}"
    if datatype == XSD + "boolean":
        return i18n.text("yes" if literal.value in ("true", "1") else "no", lang)
    if datatype == XSD + "decimal":
        return format_number(literal.value, lang, decimals_written(literal.value))
    if datatype in (XSD + "integer", XSD + "double", XSD + "float"):
        return format_number(literal.value, lang)
    return literal.value


def decimals_written(value: str) -> int | None:
    """How many decimals a decimal is written with, so a page shows a coordinate whole.

    >>> decimals_written("65.01417"), decimals_written("552200"), decimals_written("x")
    (5, 0, None)
    """
    try:
        exponent = Decimal(value).as_tuple().exponent
    except InvalidOperation:
        return None
    return max(0, -exponent) if isinstance(exponent, int) else None


# Names ---------------------------------------------------------------------------


@dataclass
class Names:
    """How IRIs are shown and linked: labels by language, compact names, local links."""

    urls: Urls  # links from the page being made
    prefixes: dict[str, str]  # prefix -> namespace
    vocabulary: Vocabulary = field(default_factory=Vocabulary)  # terms' names and places
    labels: dict[str, dict[str, str]] = field(init=False)  # IRI -> lang -> label

    def __post_init__(self) -> None:
        # The vocabulary's names first; a page's own triples add to them (``learn``).
        self.labels = dict(self.vocabulary.labels)
        self._namespaces = _namespaces(tuple(self.prefixes.items()))
        # A page links to the same few IRIs again and again (its sources, organisations,
        # properties): each link is made once per language, until ``learn`` adds labels.
        self._links: dict[tuple[str, str], Link] = {}

    def learn(self, triples: Iterable[ox.Triple]) -> None:
        """Take the labels the triples state (the best label property wins per language)."""
        found: dict[str, dict[str, tuple[int, str]]] = {}
        for t in triples:
            r = LABEL_RANK.get(t.predicate.value)
            if r is None or not isinstance(subject := t.subject, ox.NamedNode):
                continue
            label = t.object
            lang = (label.language or "") if isinstance(label, ox.Literal) else ""
            texts = found.setdefault(subject.value, {})
            best = texts.get(lang)
            if best is None or r < best[0]:
                texts[lang] = (r, value_of(label))
        self._links.clear()
        for iri, texts in found.items():
            # A new dict, not an update: the vocabulary's label dicts are shared.
            self.labels[iri] = {**self.labels.get(iri, {}), **{k: v for k, (_, v) in texts.items()}}

    def compact(self, iri: str) -> str:
        return self._namespaces.compact(iri) or self.urls.local(iri) or iri

    def label(self, iri: str, lang: str) -> tuple[str, str | None]:
        """(label, its language or None), falling back to the IRI's compact form."""
        found = i18n.pick(self.labels.get(iri, {}), lang)
        return (found[0], found[1] or None) if found else (self.compact(iri), None)

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: our own pages by path, others as they are."""
        if self.urls.local(iri) is not None:
            return self.urls.link(iri)
        return iri if iri.startswith(LINKABLE_SCHEMES) else None

    def link(self, iri: str, lang: str) -> Link:
        found = self._links.get((iri, lang))
        if found is None:
            found = self._links[iri, lang] = self._link(iri, lang)
        return found

    def _link(self, iri: str, lang: str) -> Link:
        text, text_lang = self.label(iri, lang)
        if text == iri:  # an address with no name: show it without its scheme, shortened
            text = iri.split("://", 1)[-1]
            text = text if len(text) <= 72 else text[:71] + "…"
        return Link(iri, self.href(iri), text, text_lang)


class Namespaces:
    """IRIs as ``prefix:local`` by a table of prefixes, the longest namespace first.

    A page compacts a hundred IRIs or more, most of them the same on every page (the
    properties, the classes, the concepts): each is found once, then remembered (a
    project page spent a tenth of its time here)."""

    def __init__(self, prefixes: Iterable[tuple[str, str]]):
        self._by_length = sorted(prefixes, key=lambda p: -len(p[1]))
        self.compact = lru_cache(maxsize=COMPACT_MEMO)(self._compact)

    def _compact(self, iri: str) -> str | None:
        for prefix, namespace in self._by_length:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return None


@lru_cache(maxsize=8)  # the site's prefixes, and a few tables of tests
def _namespaces(prefixes: tuple[tuple[str, str], ...]) -> Namespaces:
    return Namespaces(prefixes)


@dataclass(frozen=True)
class Link:
    iri: str
    href: str | None
    text: str
    lang: str | None


# Page model ----------------------------------------------------------------------


@dataclass
class Value:
    text: str = ""
    lang: str | None = None
    link: Link | None = None
    node: Node | None = None
    choices: list[Link] | None = None  # an OWL union: any one of these
    members: list[Value] | None = None  # an RDF list (sh:or, sh:in, ...): these, in order


@dataclass
class Row:
    property: Link
    values: list[Value]


@dataclass
class Node:
    headline: str | None
    types: list[Link]
    rows: list[Row]
    compact: bool = False  # small enough to show on one line


@dataclass
class Section:
    heading: str
    links: list[Link]
    notes: dict[str, str] = field(default_factory=dict)  # IRI -> small print after the link


@dataclass
class ResourcePage:
    iri: str
    title: str
    title_lang: str | None
    summary: str | None
    summary_lang: str | None
    node: Node
    sections: list[Section]
    cut: str | None
    status: str | None = None  # ended, running or not started, on the day as_of
    as_of: dt.date | None = None


TITLE_PROPERTIES = set(LABEL_PROPERTIES[:3])
SUMMARY_PROPERTIES = (
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2000/01/rdf-schema#comment",
)
PARTICIPATION = ("sixaika:lead", "sixaika:partner")
COMPACT_KINDS = {"prov:Attribution", "adms:Identifier"}


class Presenter:
    """Turns a description (or any graph) into a page model for one reader's language."""

    def __init__(self, triples: Iterable[ox.Triple], names: Names, lang: str):
        self.names, self.lang = names, lang
        self.triples = list(triples)
        self.names.learn(self.triples)
        self.by_subject: dict[Subject, list[ox.Triple]] = defaultdict(list)
        for t in self.triples:
            self.by_subject[t.subject].append(t)

    # nodes
    def node(
        self,
        subject: ox.NamedNode | ox.BlankNode,
        skip: AbstractSet[str] = frozenset(),
        depth: int = 0,
    ) -> Node:
        triples = self.by_subject.get(subject, [])
        types = [value_of(t.object) for t in triples if t.predicate.value == RDF_TYPE]
        headline, used = self._headline(triples, types)
        grouped: dict[str, list[Term]] = defaultdict(list)
        for t in triples:
            p = t.predicate.value
            if p != RDF_TYPE and p not in used and p not in skip:
                grouped[p].append(t.object)
        rows = [
            Row(self.names.link(p, self.lang), self._values(objects, depth))
            for p, objects in sorted(grouped.items(), key=lambda item: self._order(item[0]))
        ]
        compact = any(self.names.compact(t) in COMPACT_KINDS for t in types)
        # In the order of their names, not of the triples (which is the same on every store).
        kinds = sorted((self.names.link(t, self.lang) for t in types), key=_by_text)
        return Node(headline, kinds, rows, compact)

    def _order(self, predicate: str) -> tuple[int, Place, str]:
        """Placed properties in their place (shapes/display/), then the rest by name."""
        place = self.names.vocabulary.place(predicate)
        return (0, place, "") if place else (1, (0, 0), self._name(predicate))

    def _inbound_order(self, predicate: str) -> tuple[int, Place, str]:
        place = self.names.vocabulary.inverse_place(predicate)
        return (0, place, "") if place else (1, (0, 0), self._inverse_heading(predicate).casefold())

    def _name(self, predicate: str) -> str:
        return self.names.label(predicate, self.lang)[0].casefold()

    def _values(self, objects: list[Term], depth: int) -> list[Value]:
        values = [self._value(o, depth) for o in objects]
        # Texts in the reader's language first, then everything by text: stable pages.
        return sorted(
            values,
            key=lambda v: (not v.link and v.lang not in (self.lang, None), v.text.casefold()),
        )

    def _value(self, term: Term, depth: int) -> Value:
        if isinstance(term, ox.Literal):
            return Value(format_literal(term, self.lang), term.language or None)
        if isinstance(term, ox.BlankNode):
            if depth >= 4:  # the sources nest three deep; a cycle would recurse forever
                return Value("…")
            union = self._union(term)
            if union is not None:
                choices = [self.names.link(value_of(m), self.lang) for m in union]
                return Value(" / ".join(c.text for c in choices), choices=choices)
            members = self._list(term)
            if members is not None:
                values = [self._value(m, depth + 1) for m in members]
                return Value(", ".join(v.text for v in values), members=values)
            nested = self.node(term, depth=depth + 1)
            first = nested.rows[0].values[0].text if nested.rows and nested.rows[0].values else ""
            return Value(nested.headline or first, node=nested)
        link = self.names.link(value_of(term), self.lang)
        return Value(link.text, link.lang, link=link)

    def _union(self, node: ox.BlankNode) -> list[Term] | None:
        """The classes of an ``owl:unionOf`` list (domains of shared properties)."""
        union = next(
            (t.object for t in self.by_subject.get(node, []) if t.predicate.value == OWL_UNION),
            None,
        )
        return self._list(union)

    def _list(self, node: Term | None) -> list[Term] | None:
        """The members of the RDF list at ``node`` (``sh:or``, ``sh:in``, ...), or None.

        A reader sees the members: ``rdf:first`` and ``rdf:rest`` only spell the list out.
        """
        members, seen = [], set()
        while isinstance(node, ox.BlankNode) and node not in seen:
            seen.add(node)
            step = {t.predicate.value: t.object for t in self.by_subject.get(node, [])}
            if RDF + "first" not in step:
                return None
            members.append(step[RDF + "first"])
            node = step.get(RDF + "rest")
        return members if members else None

    def _headline(self, triples: list[ox.Triple], types: list[str]) -> tuple[str | None, set[str]]:
        """A nested amount or period in one line, and the properties that line says."""
        by = {self.names.compact(t.predicate.value): t for t in triples}
        kinds = {self.names.compact(t) for t in types}
        if "schema:MonetaryAmount" in kinds and "schema:value" in by:
            currency = value_of(by["schema:currency"].object) if "schema:currency" in by else ""
            text = format_money(value_of(by["schema:value"].object), currency, self.lang)
            approximate = by.get("sixaika:approximate")
            if approximate is not None and value_of(approximate.object) == "true":
                text = f"{i18n.text('approximately', self.lang)} {text}"
            shown: tuple[str, ...] = ("schema:value", "schema:currency", "sixaika:approximate")
        elif "dct:PeriodOfTime" in kinds:
            ends = [by.get("dcat:startDate"), by.get("dcat:endDate")]
            text = " – ".join(
                format_literal(t.object, self.lang)
                if t and isinstance(t.object, ox.Literal)
                else "…"
                for t in ends
            )
            shown = ("dcat:startDate", "dcat:endDate")
        else:
            return None, set()
        return text, {by[c].predicate.value for c in shown if c in by}

    # the resource page
    def resource_page(
        self,
        iri: str,
        inbound_total: int = 0,
        as_of: dt.date | None = None,
        leave_out: AbstractSet[str] = frozenset(),
    ) -> ResourcePage:
        """The page of ``iri``: heading, summary, facts, what links to it, and whether it
        has ended on ``as_of`` (when it has a period). The facts have no rows for the
        properties in ``leave_out``, which the page says elsewhere."""
        subject = ox.NamedNode(iri)
        title, title_lang = self.names.label(iri, self.lang)
        summary = self.text_of(subject, SUMMARY_PROPERTIES)
        node = self.node(subject, leave_out)
        node.rows = [self._other_languages(row, title, summary) for row in node.rows]
        node.rows = [row for row in node.rows if row.values]
        sections, cut = self._inbound(iri, inbound_total)
        return ResourcePage(
            iri,
            title,
            title_lang,
            summary[0] if summary else None,
            summary[1] if summary else None,
            node,
            sections,
            cut,
            self.status(subject, as_of) if as_of else None,
            as_of,
        )

    def status(self, subject: ox.NamedNode, as_of: dt.date) -> str | None:
        """Whether the periods of ``subject`` have ended on ``as_of``, are running or have
        not started: from the earliest start to the latest end (sources may disagree)."""
        starts, ends = [], []
        for period in self._objects(subject, DCT + "temporal"):
            starts += self._dates(period, START)
            ends += self._dates(period, END)
        if not starts and not ends:
            return None
        return dates.status(dates.start_of(starts), dates.end_of(ends), as_of)

    def _objects(self, subject: Term, predicate: str) -> list[Term]:
        if isinstance(subject, ox.Literal):  # a literal is the subject of nothing
            return []
        triples = self.by_subject.get(subject, [])
        return [t.object for t in triples if t.predicate.value == predicate]

    def _dates(self, period: Term, predicate: str) -> list[PeriodDate]:
        found = (PeriodDate.of_literal(o) for o in self._objects(period, predicate))
        return [date for date in found if date is not None]

    def text_of(
        self, subject: ox.NamedNode | ox.BlankNode, properties: tuple[str, ...]
    ) -> tuple[str, str] | None:
        """The first of ``properties`` that has a text, in the reader's language if it can."""
        for p in properties:
            texts = {
                (t.object.language or ""): t.object.value
                for t in self.by_subject.get(subject, [])
                if t.predicate.value == p and isinstance(t.object, ox.Literal)
            }
            found = i18n.pick(texts, self.lang)
            if found:
                return found
        return None

    def _other_languages(self, row: Row, title: str, summary) -> Row:
        """Title and summary rows keep only what the heading and lead do not show."""
        shown = {title, summary[0] if summary else None}
        if row.property.iri in TITLE_PROPERTIES or row.property.iri in SUMMARY_PROPERTIES:
            row.values = [v for v in row.values if v.node or v.link or v.text not in shown]
        return row

    def _inbound(self, iri: str, inbound_total: int) -> tuple[list[Section], str | None]:
        incoming: dict[str, list[str]] = defaultdict(list)
        for t in self.triples:
            if t.object == ox.NamedNode(iri) and t.subject != ox.NamedNode(iri):
                incoming[t.predicate.value].append(value_of(t.subject))
        neighbours = {s for subjects in incoming.values() for s in subjects}
        sections = [
            Section(self._inverse_heading(p), self._links(subjects))
            for p, subjects in sorted(incoming.items(), key=lambda i: self._inbound_order(i[0]))
        ]
        if through := self._participation(iri, neighbours):
            sections.append(through)
        cut = None
        shown = sum(len(s) for s in incoming.values())
        if inbound_total > shown:
            cut = i18n.text("cut", self.lang, shown, inbound_total)
        return sections, cut

    def _participation(self, iri: str, neighbours: set[str]) -> Section | None:
        notes: dict[str, list[str]] = defaultdict(list)
        for t in self.triples:
            role = self.names.compact(t.predicate.value)
            if (
                role in PARTICIPATION
                and value_of(t.object) in neighbours
                and value_of(t.subject) != iri
            ):
                via = self.names.label(value_of(t.object), self.lang)[0]
                what = self.names.label(t.predicate.value, self.lang)[0]
                notes[value_of(t.subject)].append(f"{what}: {via}")
        if not notes:
            return None
        section = Section(i18n.text("participation", self.lang), self._links(notes))
        section.notes = {k: "; ".join(sorted(set(v))) for k, v in notes.items()}
        return section

    def _inverse_heading(self, predicate: str) -> str:
        """The heading over the resources that link here through ``predicate``."""
        known = i18n.pick(self.names.vocabulary.inverse_names.get(predicate, {}), self.lang)
        if known:
            return known[0]
        return i18n.text("linked_as", self.lang, self.names.label(predicate, self.lang)[0])

    def _links(self, iris: Iterable[str]) -> list[Link]:
        links = {iri: self.names.link(iri, self.lang) for iri in iris}
        return sorted(links.values(), key=_by_text)


def _by_text(link: Link) -> tuple[str, str]:
    """The order links are listed in: by their text, then (the same text twice) by IRI."""
    return link.text.casefold(), link.iri

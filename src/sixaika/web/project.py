"""A project's page for people: what it is at a glance, then the full facts, each once.

The summary reads the project's own description (the triples its page is made of) and
says, with the page's status on the release's day (``Presenter``),
its period, total budget and EU contribution, fund, focus
area, and one list of the organisations with their roles and sources, lead first. The
facts below leave out what the summary already says in full (lead, partners and their
attributions) and an identifier that its ADMS identifier repeats; the sources of every
fact on the page are one list at the end, a link away from the top. Every resource page
also gets a "cite this" block: its persistent IRI, the release and its date, in plain
text and BibTeX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from markupsafe import Markup

from ..dates import PeriodDate, end_of, start_of
from ..namespaces import value_of
from ..search.documents import ORGANISATION_TYPES
from . import i18n
from .maps import small_map
from .present import Link, Presenter, ResourcePage, format_money, format_period_date
from .site import site
from .stamp import Stamp

of_literal = PeriodDate.of_literal

DCT, PROV = "http://purl.org/dc/terms/", "http://www.w3.org/ns/prov#"
ADMS, SKOS = "http://www.w3.org/ns/adms#", "http://www.w3.org/2004/02/skos/core#"
DCAT, SCHEMA = "http://www.w3.org/ns/dcat#", "https://schema.org/"
SOURCE = DCT + "source"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ROLES = ("lead", "partner")
Node = ox.NamedNode | ox.BlankNode | ox.Literal  # the roles sixaika:lead and sixaika:partner say


@dataclass
class Participant:
    link: Link
    roles: list[str] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    lead: bool = False


@dataclass
class Summary:
    period: str | None
    total_budget: str | None
    eu_contribution: str | None
    fund: list[Link]
    focus_area: list[Link]
    participants: list[Participant]


@dataclass
class Citation:
    iri: str
    release: str
    date: str  # the release's day, ISO 8601
    text: Markup
    bibtex: str


class ProjectPage:
    """What a project's page shows besides its facts, read from its description."""

    def __init__(self, presenter: Presenter, iri: str, vocab: str):
        self.p, self.iri, self.vocab = presenter, iri, vocab
        self.subject = ox.NamedNode(iri)
        self.own = presenter.by_subject.get(self.subject, [])

    def objects(self, predicate: str, subject: Node | None = None) -> list[Node]:
        """The objects of ``predicate`` (of the project, or of ``subject``): nodes only."""
        if isinstance(subject, ox.Literal):
            return []
        triples = self.own if subject is None else self.p.by_subject.get(subject, [])
        found = [t.object for t in triples if t.predicate.value == predicate]
        return [o for o in found if not isinstance(o, ox.Triple)]

    def links(self, predicate: str) -> list[Link]:
        found = {o.value: self.p.names.link(o.value, self.p.lang) for o in self.objects(predicate)}
        return sorted(found.values(), key=lambda link: link.text.casefold())

    def summary(self) -> Summary:
        return Summary(
            period=self._period(),
            total_budget=self._amounts("total-budget"),
            eu_contribution=self._amounts("eu-contribution"),
            fund=self.links(self.vocab + "fund"),
            focus_area=self.links(self.vocab + "focusArea"),
            participants=self.participants(),
        )

    def _period(self) -> str | None:
        """From the earliest start to the latest end its periods give (sources may differ)."""
        periods = self.objects(DCT + "temporal")
        found = [
            [d for p in periods for o in self.objects(DCAT + which, p) if (d := of_literal(o))]
            for which in ("startDate", "endDate")
        ]
        start, end = start_of(found[0]), end_of(found[1])
        if start is None and end is None:
            return None
        return " – ".join(format_period_date(d, self.p.lang) if d else "…" for d in (start, end))

    def _amounts(self, kind: str) -> str | None:
        """The project's figures of one kind; where sources differ, each of them."""
        values: set[str] = set()
        for node in self.objects(self.vocab + "budget"):
            kinds = {
                k.value.rsplit("/", 1)[-1] for k in self.objects(self.vocab + "budgetKind", node)
            }
            if kind in kinds:
                values.update(o.value for o in self.objects(SCHEMA + "value", node))
        if not values:
            return None
        ordered = sorted(values, key=float)
        return " / ".join(format_money(v, "EUR", self.p.lang) for v in ordered)

    def participants(self) -> list[Participant]:
        """Lead and partners in one list, each with its roles and the sources saying so."""
        names, lang = self.p.names, self.p.lang
        found: dict[str, Participant] = {}
        roles: dict[str, dict[str, str]] = {}  # organisation -> role key -> its name

        def of(iri: str) -> Participant:
            if iri not in found:
                found[iri] = Participant(names.link(iri, lang))
                roles[iri] = {}
            return found[iri]

        def role(who: str, key: str) -> None:
            known = key in ROLES
            roles[who][key] = i18n.text("role_" + key, lang) if known else names.label(key, lang)[0]

        for key in ROLES:
            for o in self.objects(self.vocab + key):
                of(o.value)
                role(o.value, key)
        for attribution in self.objects(PROV + "qualifiedAttribution"):
            for agent in self.objects(PROV + "agent", attribution):
                who = of(agent.value)
                for had in self.objects(DCAT + "hadRole", attribution):
                    last = had.value.rsplit("/", 1)[-1]
                    role(
                        agent.value,
                        last
                        if had.value.endswith(f"/role/{last}") and last in ROLES
                        else had.value,
                    )
                for source in self.objects(SOURCE, attribution):
                    if source.value not in {s.iri for s in who.sources}:
                        who.sources.append(names.link(source.value, lang))
        for iri, who in found.items():
            who.lead = "lead" in roles[iri]
            who.roles = sorted(
                roles[iri].values(), key=lambda text: (text != roles[iri].get("lead"), text)
            )
        return sorted(found.values(), key=lambda w: (not w.lead, w.link.text.casefold()))

    def sources(self) -> list[Link]:
        """Every source cited on the page, once, in the order of their addresses."""
        found = {value_of(t.object) for t in self.p.triples if t.predicate.value == SOURCE}
        return [self.p.names.link(iri, self.p.lang) for iri in sorted(found)]


def repeated_identifiers(presenter: Presenter, iri: str) -> bool:
    """Whether every ``dct:identifier`` of ``iri`` is also an ADMS identifier's notation,
    which the page shows with its kind and source (then the plain row says it twice)."""
    subject = ox.NamedNode(iri)
    own = presenter.by_subject.get(subject, [])
    plain = {value_of(t.object) for t in own if t.predicate.value == DCT + "identifier"}
    nodes = [t.object for t in own if t.predicate.value == ADMS + "identifier"]
    notations = {
        value_of(n.object)
        for node in nodes
        if isinstance(node, ox.BlankNode | ox.NamedNode)
        for n in presenter.by_subject.get(node, [])
        if n.predicate.value == SKOS + "notation"
    }
    return bool(plain) and plain <= notations


def said_elsewhere(presenter: Presenter, iri: str, vocab: str) -> frozenset[str]:
    """Properties whose rows the facts of the page of ``iri`` leave out (``resource_page``'s
    ``leave_out``), as what the page says elsewhere: for a project, what its summary's list
    of organisations says in full, and the sources (listed once at the end). Known before
    the facts are made, so that they are not made at all (a third of a project's)."""
    subject = ox.NamedNode(iri)
    types = {t.object for t in presenter.by_subject.get(subject, []) if t.predicate == RDF_TYPE}
    if ox.NamedNode(vocab + "Project") not in types:
        return frozenset()
    return frozenset((vocab + "lead", vocab + "partner", PROV + "qualifiedAttribution", SOURCE))


def tidy(page: ResourcePage, presenter: Presenter) -> None:
    """Facts without a ``dct:identifier`` that its ADMS identifier repeats."""
    if repeated_identifiers(presenter, page.iri):
        page.node.rows = [r for r in page.node.rows if r.property.iri != DCT + "identifier"]


def citation(
    heading: tuple[str, str | None], iri: str, stamp: Stamp | None, lang: str, site_name: str
) -> Citation:
    """How to cite a resource of the release ``stamp`` says: text for people (the title
    marked with its language, where it is not the page's) and a BibTeX entry."""
    built, year = (stamp.day, stamp.year) if stamp else ("", "")
    version = stamp.id if stamp else ""
    title, title_lang = heading
    named: str | Markup = title
    if title_lang and title_lang != lang:
        named = Markup('<span lang="{}">{}</span>').format(title_lang, title)
    day = stamp.day_in(lang) if stamp else ""
    text = Markup.escape(i18n.words("cite_text", lang)).format(named, site_name, version, day, iri)
    key = "6aika-" + re.sub(r"[^a-z0-9]+", "-", iri.rstrip("/").rsplit("/", 1)[-1].lower())
    fields = {
        "title": "{" + bibtex_escape(title) + "}",
        "howpublished": "{" + bibtex_escape(site_name) + "}",
        "version": "{" + bibtex_escape(version) + "}",
        "year": "{" + year + "}",
        "date": "{" + built + "}",
        "url": "{" + iri + "}",
        "note": "{" + bibtex_escape(i18n.text("cite_note", lang, version)) + "}",
    }
    body = ",\n".join(f"  {k} = {v}" for k, v in fields.items() if v != "{}")
    return Citation(iri, version, built, text, f"@misc{{{key},\n{body}\n}}")


BIBTEX_SPECIAL = {c: "\\" + c for c in "{}%&$#_"} | {"\\": "\\textbackslash{}", "~": "\\~{}"}


def bibtex_escape(text: str) -> str:
    """``text`` with the characters BibTeX gives a meaning escaped (UTF-8 stays as it is).

    >>> bibtex_escape("R&D {50%} ~ a_b")
    'R\\\\&D \\\\{50\\\\%\\\\} \\\\~{} a\\\\_b'
    """
    return "".join(BIBTEX_SPECIAL.get(c, c) for c in text)


def for_people(
    presenter: Presenter, page: ResourcePage, vocab: str, stamp: Stamp | None, lang: str
) -> dict:
    """What a resource's page shows besides its facts: a citation; for a project also its
    summary and its sources (the facts leave out what those say: ``said_elsewhere``)."""
    site_name = i18n.text("site", lang)
    extra: dict = {
        "cite": citation((page.title, page.title_lang), page.iri, stamp, lang, site_name)
    }
    types = {t.iri for t in page.node.types}
    if vocab + "Project" in types:
        project = ProjectPage(presenter, page.iri, vocab)
        extra |= {"summary": project.summary(), "sources": project.sources()}
        tidy(page, presenter)
        found = site().index
        row = found.row(page.iri) if found is not None else None
        extra["small_map"] = small_map(page.iri, "project", lang, row.cities if row else ())
    elif types & set(ORGANISATION_TYPES):
        extra["small_map"] = small_map(page.iri, "organisation", lang)
    return extra

"""The search index's interface: what the web layer asks of it, whatever engine answers.

The build writes an index into each release (``sixaika.search.build``); ``serve`` only
reads it, through a ``SearchIndex``. The embedded implementation is tantivy
(``sixaika.search.engine``); a remote engine (OpenSearch, Solr) would be another
``SearchIndex``, as ``RemoteRepo`` is another ``Repo`` for SPARQL.

It answers five questions:
- ``search(q)``: projects, organisations and concepts whose codes, names or texts hold
  the words of ``q`` (any inflected form, in fi, en or sv); an exact code first, then
  matches in names, then in texts.
- ``suggest(prefix)``: names that start with what the reader has typed so far.
- ``lookup(code)``: the resource with this EURA code, business ID or identifier.
- ``rows(filters, sort, cursor)``: a page of the project table, in a stable order, and
  the cursor of the next page (keyset: no page costs more than the first).
- ``row(iri)``: one project's row (its cities, for a project's small map).
- ``facets(filters, only)``: for each filterable column (or those asked for), how many
  of the filtered projects each value has (a city's, organisation's or concept's IRI; a
  year; for ``role``, the role and the organisation's IRI: ``"lead .../organisation/x"``).

The web layer reaches the index of the release it serves as ``site().index``
(``Release.open_index()``); names of the IRIs in rows and facets: ``labels(iri)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["project", "organisation", "concept"]
KINDS: tuple[Kind, ...] = ("project", "organisation", "concept")

# The project table's columns. Sortable: each of them; the text columns by their label in
# the reader's language. Filterable (facets): the FACETS.
COLUMNS = (
    "title",
    "identifier",
    "lead",
    "cities",
    "fund",
    "focus_area",
    "priority_axis",
    "start",
    "end",
    "total_budget",
    "eu_contribution",
)
FACETS = ("city", "organisation", "role", "fund", "focus_area", "priority_axis", "year")
ROLES = ("lead", "partner")


@dataclass(frozen=True)
class Filters:
    """Which projects the table shows: every condition holds (AND); values of one facet
    are alternatives (OR). IRIs for cities, organisations and concepts."""

    city: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()
    role: str | None = None  # with ``organisation``: only where it has this role
    fund: tuple[str, ...] = ()
    focus_area: tuple[str, ...] = ()
    priority_axis: tuple[str, ...] = ()
    year_from: int | None = None  # running in or after this year (ends then or later)
    year_to: int | None = None  # running in or before this year (starts then or earlier)
    budget_min: float | None = None  # total budget, euros
    budget_max: float | None = None
    text: str = ""  # words searched in the projects' codes, titles and descriptions

    def __post_init__(self) -> None:
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}: {self.role!r}")


@dataclass(frozen=True)
class Sort:
    column: str = "title"
    descending: bool = False
    lang: str = "fi"  # labels of this language order the text columns

    def __post_init__(self) -> None:
        if self.column not in COLUMNS:
            raise ValueError(f"cannot sort by {self.column!r}: one of {', '.join(COLUMNS)}")


@dataclass(frozen=True)
class Participant:
    organisation: str
    role: str  # "lead" or "partner"


@dataclass(frozen=True)
class ProjectRow:
    """One line of the project table. Names of IRIs: ``SearchIndex.labels``."""

    iri: str
    identifier: str | None
    title: dict[str, str]  # by language
    lead: tuple[str, ...]
    participants: tuple[Participant, ...]
    cities: tuple[str, ...]
    fund: tuple[str, ...]
    focus_area: tuple[str, ...]
    priority_axis: tuple[str, ...]
    start: str | None  # ISO 8601, as precise as the source (2016, 2016-03, 2016-03-01)
    end: str | None
    total_budget: float | None
    eu_contribution: float | None


@dataclass(frozen=True)
class Page:
    rows: list[ProjectRow]
    total: int  # projects that pass the filters
    next: str | None  # cursor of the next page; None on the last


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: Kind
    names: dict[str, str]  # the best name in each language
    codes: tuple[str, ...]
    # Why it was found: an exact code, the words in its names, or in its names and texts.
    matched: Literal["code", "name", "text"]
    texts: dict[str, str] = field(default_factory=dict)  # a description in each language
    all_names: tuple[str, ...] = ()  # every name and alternative name, in every language


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int  # every match, though at most ``limit`` are in ``hits``
    analyser: str  # "voikko" or "snowball": how Finnish words were reduced
    terms: frozenset[str] = frozenset()  # the query's terms, for highlighting what matched


@dataclass(frozen=True)
class Suggestion:
    iri: str
    kind: Kind
    label: str  # the name that starts with the prefix
    lang: str


@dataclass(frozen=True)
class FacetValue:
    value: str  # an IRI, a role or a year
    count: int


EVERY_PROJECT = Filters()
BY_TITLE = Sort()


class SearchIndex(ABC):
    """Read-only access to one release's search index."""

    version: str  # the release it was built for
    analyser: str  # "voikko" or "snowball"

    @abstractmethod
    def search(
        self,
        q: str,
        kinds: tuple[Kind, ...] = KINDS,
        limit: int = 20,
        offset: int = 0,
        any_word: bool = False,
    ) -> Results:
        """Every word of ``q`` must match (``any_word``: one is enough, more rank higher)."""

    @abstractmethod
    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]: ...

    @abstractmethod
    def lookup(self, code: str, kind: str | None = None) -> str | None:
        """The IRI that has ``code`` (case-insensitive); ``kind`` names the code's type
        ("eura-code", "business-id", "identifier"), None: any."""

    @abstractmethod
    def rows(
        self,
        filters: Filters = EVERY_PROJECT,
        sort: Sort = BY_TITLE,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page: ...

    @abstractmethod
    def row(self, iri: str) -> ProjectRow | None:
        """One project's row of the table (None: no such project)."""

    @abstractmethod
    def facets(
        self, filters: Filters = EVERY_PROJECT, only: tuple[str, ...] = FACETS
    ) -> dict[str, list[FacetValue]]:
        """For each of ``only`` (of FACETS), its values among the filtered projects, most
        projects first."""

    @abstractmethod
    def labels(self, iri: str) -> dict[str, str]:
        """The name of an organisation or concept by language ({} if unknown)."""

    @abstractmethod
    def get(self, iri: str) -> Hit | None:
        """What the index holds of one resource (its kind, names, codes, texts)."""


class BadCursor(ValueError):
    """A cursor that no page of this index gave (mistyped, or from another sort)."""

"""The embedded search index: tantivy (Rust, from PyPI), one folder in each release.

Chosen by measurement against SQLite FTS5 (bench/bench_search.py, 2 shared cores): at a
million synthetic projects a word that every project has is ranked in 16 ms at the
median (51 ms before counting and ranking were split) against 3.7 s in FTS5; facet
counts of a city's projects take 7 ms against 7.6 s in SQL; the index is 387 MB against
928 MB. SQLite was quicker only where both are well under a millisecond (a rare word, an
exact code) and on a two-filter table page (0.4 ms against 10 ms). A city's projects,
ordered and paged, take 1.4 ms (SPARQL on the store: 2 s). Finnish and the other
languages are analysed in Python (``analysis.Analyser``) and indexed as space-separated
terms, so the query side analyses words the same way.

Each project's table row is a document too: its filters are raw-text fast fields
(terms aggregations count them), and every sortable column has two rank fields, the
project's place in that column's ascending and in its descending order, computed once
at build time (projects without a value come last in both). A page is then "rank above
the cursor, ordered by rank, first 50", whatever the column and direction, which is
keyset pagination without ties.
"""

from __future__ import annotations

import hashlib
import json
import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import fields
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import tantivy

from .analysis import Analyser
from .documents import Document, Draft, Facts, FileContents, finish
from .index import (
    BY_TITLE,
    COLUMNS,
    EVERY_PROJECT,
    FACETS,
    KINDS,
    BadCursor,
    FacetValue,
    Filters,
    Hit,
    Kind,
    Page,
    Participant,
    ProjectRow,
    Results,
    SearchIndex,
    Sort,
    Suggestion,
)

CONTENTS = "contents.json"  # beside tantivy's own files: labels, facets, how it was built
FORMAT = 3  # 2: a descending rank field beside each ascending one; 3: no start and end year
LANGS = ("fi", "en", "sv")
# Columns sorted by names: the title in the reader's language, the others by their names'
# first language (fi, else en, else sv), as organisations and concepts are mostly named.
BY_LANGUAGE = ("title",)
LABELLED = ("title", "lead", "cities", "fund", "focus_area", "priority_axis")
FACET_FIELDS = {  # facet -> field
    "city": "city",
    "organisation": "organisation",
    "role": "role",
    "fund": "fund",
    "focus_area": "focus_area",
    "priority_axis": "priority_axis",
    "year": "year",
}
TEXT_SNIPPET = 400  # characters of a description kept for result lists
SORTS = [
    (column, lang) for column in COLUMNS for lang in (LANGS if column in BY_LANGUAGE else ("fi",))
]


def sort_field(column: str, lang: str, descending: bool = False) -> str:
    name = f"sort_{column}_{lang}" if column in BY_LANGUAGE else f"sort_{column}"
    return f"{name}_desc" if descending else name


def _sort_fields() -> list[str]:
    return [sort_field(c, lang, down) for c, lang in SORTS for down in (False, True)]


SORT_FIELDS = _sort_fields()


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("iri", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("kind", tokenizer_name="raw", index_option="basic", fast=True)
    b.add_text_field("code", tokenizer_name="raw", index_option="basic")
    b.add_text_field("name", tokenizer_name="whitespace")  # analysed terms
    b.add_text_field("text", tokenizer_name="whitespace")
    b.add_text_field("words", tokenizer_name="whitespace", index_option="basic")  # as written
    b.add_text_field("every", tokenizer_name="whitespace", index_option="basic")  # name+text
    b.add_integer_field("suggest_rank", fast=True)
    b.add_bytes_field("doc", stored=True, indexed=False)  # what a hit or a row shows (JSON)
    for facet in FACET_FIELDS.values():
        if facet == "year":
            b.add_integer_field(facet, indexed=True, fast=True)
        else:
            b.add_text_field(facet, tokenizer_name="raw", index_option="basic", fast=True)
    b.add_float_field("total_budget", indexed=True, fast=True)
    for name in SORT_FIELDS:
        b.add_integer_field(name, indexed=True, fast=True)
    return b.build()


SCHEMA = _schema()


# Writing ---------------------------------------------------------------------------


class Prepared(NamedTuple):
    """A document analysed for the index, as a source file's cache entry keeps it
    (analysing is the costly part); what a hit shows is JSON already."""

    iri: str
    kind: Kind
    codes: tuple[str, ...]  # case-folded
    name: str  # the analysed terms of its names
    text: str  # and of its texts
    words: str  # its names' words as written, case-folded
    shown: str  # JSON: what a hit shows (a project's row is added as it is written)
    shortest: int  # the length of its shortest name: suggestions rank shorter names first


class Part(NamedTuple):
    """What one source file gives the index, ready but for what needs every file (its
    rows' cities and places in each order): its projects' drafts, its documents."""

    drafts: list[Draft]
    documents: list[Prepared]


Parts = Callable[[], Iterable[Part]]  # each call: every file's part again, in one order

# Tantivy's largest indexing budget for one thread: the index is written as one segment,
# so documents of equal score come in the order they were added, build after build (the
# segments of several threads, or of a smaller budget, come in an order of their random
# ids). Memory is taken as the documents need it, not reserved.
ONE_SEGMENT = 4_000_000_000


def prepare(contents: FileContents, analyser: Analyser) -> Part:
    """A file's part of the index: its documents analysed, its projects' drafts."""
    return Part(contents.drafts, [_prepared(d, analyser) for d in contents.documents])


def _prepared(document: Document, analyser: Analyser) -> Prepared:
    names, texts = document.names, document.texts
    shown = {
        "kind": document.kind,
        "names": document.best_names(),
        "all_names": {lang: values for lang, values in names.items() if lang},
        "codes": [list(c) for c in document.codes],
        "texts": {lang: v[0][:TEXT_SNIPPET] for lang, v in texts.items() if v and lang},
    }
    every_name = [n for values in names.values() for n in values]
    return Prepared(
        iri=document.iri,
        kind=document.kind,
        codes=tuple(code.casefold() for _, code in document.codes),
        name=_analysed(names, analyser),
        text=_analysed(texts, analyser),
        words=" ".join(w.casefold() for n in every_name for w in analyser.words(n)),
        shown=_json(shown),
        shortest=min((len(n) for n in every_name), default=1 << 30),
    )


def write(facts: Facts, parts: Parts, folder: Path, analyser: Analyser) -> dict[str, Any]:
    """Write the index of every file's part (``parts``, read twice: once for the orders,
    once to add the documents) into ``folder``, with ``facts`` (every file's merged);
    what the manifest says of it."""
    folder.mkdir(parents=True)
    cities = facts.cities()
    ranks, suggest_ranks = _orders(parts(), facts, cities)
    index = tantivy.Index(SCHEMA, path=str(folder))
    writer = index.writer(heap_size=ONE_SEGMENT, num_threads=1)
    digest = hashlib.sha256()  # of what is indexed, in order: equal indexes, equal digests
    documents = projects = 0
    for part in parts():
        drafts = {draft.iri: draft for draft in part.drafts}
        for prepared in part.documents:
            draft = drafts.get(prepared.iri) if prepared.kind == "project" else None
            row = None if draft is None else finish(draft, facts.axes, cities)
            rank = None if row is None else {f: by[projects] for f, by in ranks.items()}
            shown = _shown(prepared, row)
            writer.add_document(_document(prepared, shown, row, rank, suggest_ranks[documents]))
            indexed = (prepared.iri, prepared.name, prepared.text, prepared.words, shown)
            digest.update("\n".join((*indexed, "")).encode())  # its kind and codes are shown
            documents += 1
            projects += row is not None
    for places in (*ranks.values(), suggest_ranks):
        digest.update(places.tobytes())
    writer.commit()
    writer.wait_merging_threads()
    facets = TantivyIndex(folder, analyser, facets={}).facets(EVERY_PROJECT)
    about = {
        "format": FORMAT,
        "engine": "tantivy",
        "analyser": analyser.name,
        "documents": documents,
        "projects": projects,
        "digest": digest.hexdigest(),
    }
    extra = {"labels": facts.labels, "facets": {k: _pairs(v) for k, v in facets.items()}}
    (folder / CONTENTS).write_text(json.dumps({**about, **extra}, ensure_ascii=False))
    return about


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _pairs(values: list[FacetValue]) -> list[list[Any]]:
    return [[v.value, v.count] for v in values]


def _orders(
    parts: Iterable[Part], facts: Facts, cities: dict[str, set[str]]
) -> tuple[dict[str, array], array]:
    """Each project's place in each sort field's order (by the project's place in the
    parts), and each document's place in the suggestions' order: from compact keys, one
    list a field, not from the rows or documents, which are never all in memory."""
    keys = {(c, lang): _sort_key(c, lang, facts.labels) for c, lang in SORTS}
    values: dict[tuple[str, str], list[Any]] = {sort: [] for sort in keys}
    same: dict[Any, Any] = {}  # one object for equal keys: most columns have few values
    iris, shortest, documents = [], array("I"), []
    for part in parts:
        for draft in part.drafts:
            row = finish(draft, facts.axes, cities)
            iris.append(row.iri)
            for sort, key in keys.items():
                value = key(row)
                values[sort].append(same.setdefault(value, value))
        for prepared in part.documents:
            shortest.append(prepared.shortest)
            documents.append(prepared.iri)
    same.clear()
    ranks = {}
    for (column, lang), found in values.items():
        ascending, descending = _ranks(found, iris)
        ranks[sort_field(column, lang)] = ascending
        ranks[sort_field(column, lang, descending=True)] = descending
    suggest = _places(sorted(range(len(documents)), key=lambda n: (shortest[n], documents[n])))
    return ranks, suggest


def _ranks(keys: list[Any], iris: list[str]) -> tuple[array, array]:
    """Each row's place in a column's ascending and in its descending order: by value,
    then by IRI. Rows without a value come after all others in both directions: the
    descending order is the ascending one reversed but for them."""
    order = sorted(range(len(keys)), key=lambda n: (keys[n] is None, keys[n] or "", iris[n]))
    valued = sum(1 for key in keys if key is not None)
    descending = order[valued - 1 :: -1] if valued else []
    return _places(order), _places(descending + order[valued:])


def _places(order: list[int]) -> array:
    """``order`` (the items' numbers in their order) as each item's place in it."""
    places = array("I", bytes(4 * len(order)))
    for place, item in enumerate(order):
        places[item] = place
    return places


def _shown(prepared: Prepared, row: ProjectRow | None) -> str:
    """What a hit shows, as JSON: a project's with its row."""
    if row is None:
        return prepared.shown
    return f'{prepared.shown[:-1]},"row":{_json(_stored_row(row))}}}'


def _document(
    prepared: Prepared,
    shown: str,
    row: ProjectRow | None,
    ranks: dict[str, int] | None,
    suggest_rank: int,
) -> tantivy.Document:
    d = tantivy.Document()
    d.add_text("iri", prepared.iri)
    d.add_text("kind", prepared.kind)
    for code in prepared.codes:
        d.add_text("code", code)
    d.add_text("name", prepared.name)
    d.add_text("text", prepared.text)
    d.add_text("every", f"{prepared.name} {prepared.text}")
    d.add_text("words", prepared.words)
    d.add_integer("suggest_rank", suggest_rank)
    if row is not None and ranks is not None:
        _add_row(d, row, ranks)
    d.add_bytes("doc", shown.encode())
    return d


def _analysed(by_lang: dict[str, list[str]], analyser: Analyser) -> str:
    """Every term of every text, each analysed in its own language (untagged: as Finnish)."""
    return " ".join(
        term
        for lang, values in by_lang.items()
        for value in values
        for term in analyser.terms(value, lang or "fi")
    )


def _add_row(d: tantivy.Document, row: ProjectRow, ranks: dict[str, int]) -> None:
    for value in row.cities:
        d.add_text("city", value)
    for p in row.participants:
        d.add_text("organisation", p.organisation)
        d.add_text("role", f"{p.role} {p.organisation}")
    for facet in ("fund", "focus_area", "priority_axis"):
        for value in getattr(row, facet):
            d.add_text(facet, value)
    first, last = _year(row.start), _year(row.end)
    if first is not None:
        for year in range(first, (last if last is not None else first) + 1):
            d.add_integer("year", year)
    if row.total_budget is not None:
        d.add_float("total_budget", row.total_budget)
    for name, rank in ranks.items():
        d.add_integer(name, rank)


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def _sort_key(
    column: str, lang: str, labels: dict[str, dict[str, str]]
) -> Callable[[ProjectRow], Any]:
    def name(by_lang: dict[str, str]) -> str | None:
        for choice in (lang, *LANGS):
            if by_lang.get(choice):
                return by_lang[choice].casefold()
        return None

    def names(iris: Iterable[str]) -> str | None:
        found = sorted(n for iri in iris if (n := name(labels.get(iri, {}))) is not None)
        return " ".join(found) if found else None

    if column == "title":
        return lambda row: name(row.title)
    if column in LABELLED:
        return lambda row: names(getattr(row, column))
    return lambda row: getattr(row, column)


# Reading ---------------------------------------------------------------------------


class TantivyIndex(SearchIndex):
    def __init__(
        self,
        folder: Path,
        analyser: Analyser,
        version: str = "",
        facets: dict[str, Any] | None = None,
    ):
        self.index = tantivy.Index.open(str(folder))
        self.searcher = self.index.searcher()
        self._analyser, self.version = analyser, version
        self.analyser = analyser.name
        if facets is None:
            about = json.loads((folder / CONTENTS).read_text(encoding="utf-8"))
            self._labels: dict[str, dict[str, str]] = about["labels"]
            self._all_facets: dict[str, list[FacetValue]] | None = {
                k: [FacetValue(v, n) for v, n in pairs] for k, pairs in about["facets"].items()
            }
        else:  # while the build writes it
            self._labels, self._all_facets = {}, None

    # Search ------------------------------------------------------------------------
    def search(
        self,
        q: str,
        kinds: tuple[Kind, ...] = KINDS,
        limit: int = 20,
        offset: int = 0,
        any_word: bool = False,
    ) -> Results:
        words = self._analyser.words(q)
        forms = [self._analyser.query_forms(w) for w in words]
        terms = frozenset(t for f in forms for t in f)
        # Kinds filter without scoring (every document of a kind would score alike).
        scope = [] if set(kinds) == set(KINDS) else [_unscored(_any(_terms("kind", kinds)))]
        code = _term("code", q.strip().casefold()) if q.strip() else None
        tiers: list[tuple[str, Any]] = []
        if code is not None:
            tiers.append(("code", _all([*scope, code])))
        every = _any if any_word else _all
        if forms:
            in_names = every([_any(_terms("name", f)) for f in forms])
            anywhere = every([_any([*_terms("name", f), *_terms("text", f)]) for f in forms])
            earlier = [t for _, t in tiers]
            # Names without excluding the codes' few hits (dropped below): a query of
            # alternatives alone lets tantivy skip what cannot reach the top.
            tiers.append(("name", _all([*scope, in_names])))
            tiers.append(("text", _all([*scope, anywhere], exclude=[*earlier, in_names])))
        if not tiers:
            return Results([], 0, self.analyser, terms)
        # Counted once, unscored, in one field of every term (one posting list a term, of
        # document ids only); each tier then ranks only its best (tantivy's top-k skips what
        # cannot make it: 50 ms for a word of a million projects when all were scored).
        found_anywhere = [every([_any(_terms("every", f)) for f in forms])] if forms else []
        everything = _unscored(_all([*scope, _any([*found_anywhere, *([code] if code else [])])]))
        total = self._count(everything)
        hits, before = [], 0  # before: matches in the tiers before this one
        by_code: set[tuple[int, int]] = set()  # found by code: not again by name
        for matched, query in tiers:
            wanted = offset + limit - before  # of this tier's best, the page needs
            if wanted <= 0:
                break
            asked = wanted + len(by_code)
            found = [
                address
                for _, address in self.searcher.search(query, asked, count=False).hits
                if (address.segment_ord, address.doc) not in by_code
            ][:wanted]
            if matched == "code":
                by_code = {(a.segment_ord, a.doc) for a in found}
            for address in found[max(0, offset - before) :]:
                hits.append(self._hit(address, matched))
            if len(found) == wanted:  # the page is full
                break
            before += len(found)  # the whole tier: fewer than wanted
        return Results(hits, total, self.analyser, terms)

    def _count(self, query: Any) -> int:
        """How many documents ``query`` finds, counted by an aggregation (each document has
        one suggestion rank): a search's count takes each document one by one, three times
        as long (a word of a million projects: 12.8 ms against 3.8)."""
        found = self.searcher.aggregate(query, {"n": {"value_count": {"field": "suggest_rank"}}})
        return int(found["n"]["value"])

    def _stored(self, address: Any) -> tuple[str, dict[str, Any]]:
        document = self.searcher.doc(address)
        return document["iri"][0], json.loads(document["doc"][0])

    def _hit(self, address: Any, matched: str) -> Hit:
        iri, stored = self._stored(address)
        return _hit(iri, stored, matched)

    def get(self, iri: str) -> Hit | None:
        found = self.searcher.search(_term("iri", iri), 1)
        if not found.hits:
            return None
        return self._hit(found.hits[0][1], "code")

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        words = [w.casefold() for w in self._analyser.words(prefix)]
        if not words:
            return []
        *whole, start = words
        query = _all(
            [
                *(_term("words", w) for w in whole),
                tantivy.Query.regex_query(SCHEMA, "words", re.escape(start) + ".*"),
            ]
        )
        # Shorter names first; of those, names that start as typed before the others.
        found = self.searcher.search(
            query, limit * 4, order_by_field="suggest_rank", order=tantivy.Order.Asc
        )
        suggestions = []
        for _, address in found.hits:
            iri, stored = self._stored(address)
            label, lang = _starting(stored["all_names"], words)
            suggestions.append(Suggestion(iri, stored["kind"], label, lang))
        at_start = [s for s in suggestions if s.label.casefold().startswith(words[0])]
        return [*at_start, *(s for s in suggestions if s not in at_start)][:limit]

    def lookup(self, code: str, kind: str | None = None) -> str | None:
        found = self.searcher.search(_term("code", code.strip().casefold()), 10)
        for _, address in found.hits:
            iri, stored = self._stored(address)
            codes = {(k, c.casefold()) for k, c in stored["codes"]}
            if any(c == code.strip().casefold() and kind in (None, k) for k, c in codes):
                return iri
        return None

    # The project table ---------------------------------------------------------------
    def rows(
        self,
        filters: Filters = EVERY_PROJECT,
        sort: Sort = BY_TITLE,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        field = sort_field(sort.column, sort.lang, sort.descending)
        query = self._filtered(filters)
        first_page = cursor is None  # counted in the same pass as the page
        if cursor is not None:
            query, total = self._after(filters, query, field, _cursor_rank(cursor, field), limit)
        found = self.searcher.search(
            query, limit + 1, count=first_page, order_by_field=field, order=tantivy.Order.Asc
        )
        if first_page:
            total = found.count  # type: ignore[attr-defined]
        page = [self._stored(address)[1]["row"] for _, address in found.hits[:limit]]
        ranks = [rank for rank, _ in found.hits[:limit]]
        more = len(found.hits) > limit
        rows = [_row(r) for r in page]
        return Page(rows, total, _cursor(field, ranks[-1]) if more else None)

    def _after(
        self, filters: Filters, query: Any, field: str, place: int, limit: int
    ) -> tuple[Any, int]:
        """The query of the (first ``limit`` + 1) filtered rows after ``place`` in the order
        of ``field``, and how many rows the filters keep. Every project has a place in each
        order, one after another from 0 (``_ranks``): unfiltered, the next page's places are
        known, and looked up as terms (a range over every place took 80 ms at a million)."""
        if filters == EVERY_PROJECT:
            places = list(range(place + 1, place + limit + 2))
            return tantivy.Query.term_set_query(SCHEMA, field, places), self._projects
        return _all([query, _range(field, place, None)]), self._count(query)

    @cached_property
    def _projects(self) -> int:
        return self._count(_term("kind", "project"))

    def row(self, iri: str) -> ProjectRow | None:
        found = self.searcher.search(_all([_term("iri", iri), _term("kind", "project")]), 1)
        if not found.hits:
            return None
        return _row(self._stored(found.hits[0][1])[1]["row"])

    def facets(
        self, filters: Filters = EVERY_PROJECT, only: tuple[str, ...] = FACETS
    ) -> dict[str, list[FacetValue]]:
        if filters == EVERY_PROJECT and self._all_facets is not None:
            return {facet: self._all_facets[facet] for facet in only}
        aggregations = {
            facet: {"terms": {"field": FACET_FIELDS[facet], "size": 100_000}} for facet in only
        }
        counted = self.searcher.aggregate(self._filtered(filters), aggregations)
        found = {}
        for facet in only:
            buckets = counted.get(facet, {}).get("buckets", [])
            values = [FacetValue(str(b["key"]), int(b["doc_count"])) for b in buckets]
            values.sort(key=lambda v: (-v.count, v.value))
            found[facet] = values
        return found

    def labels(self, iri: str) -> dict[str, str]:
        return self._labels.get(iri, {})

    def _filtered(self, f: Filters) -> Any:
        parts = [_term("kind", "project")]
        for facet in ("city", "fund", "focus_area", "priority_axis"):
            if values := getattr(f, facet):
                parts.append(_any(_terms(facet, values)))
        if f.organisation:
            if f.role:
                parts.append(_any(_terms("role", [f"{f.role} {o}" for o in f.organisation])))
            else:
                parts.append(_any(_terms("organisation", f.organisation)))
        if f.year_from is not None or f.year_to is not None:
            parts.append(self._running(f.year_from, f.year_to))
        if f.budget_min is not None or f.budget_max is not None:
            parts.append(_float_range("total_budget", f.budget_min, f.budget_max))
        if f.text.strip():
            parts.append(self._holding(f.text))
        return _all(parts)

    def _running(self, first: int | None, last: int | None) -> Any:
        """Projects that end in ``first`` or later and start in ``last`` or earlier (None:
        either way), asked of the field of every year a project runs in: one set of its
        terms takes a third of the time of two ranges, over the start and the end year,
        at a million projects (the table's costliest facet pass was two ranges)."""
        if self._years is None:  # no project has a year
            return tantivy.Query.empty_query()
        first = self._years.start if first is None else first
        last = self._years.stop - 1 if last is None else last
        if first > last:  # running through both years, as the start and the end say
            return _all([_term("year", first), _term("year", last)])
        within = range(max(first, self._years.start), min(last + 1, self._years.stop))
        return tantivy.Query.term_set_query(SCHEMA, "year", list(within))

    @cached_property
    def _years(self) -> range | None:
        """From the first to the last year any project runs in (None: no project has one);
        looked up once, when the table is first filtered by years."""
        bounds = {"first": {"min": {"field": "year"}}, "last": {"max": {"field": "year"}}}
        found = self.searcher.aggregate(tantivy.Query.all_query(), bounds)
        first, last = found["first"]["value"], found["last"]["value"]
        return None if first is None else range(int(first), int(last) + 1)

    def _holding(self, text: str) -> Any:
        """Projects that have ``text`` as a code, or each of its words (in any inflected
        form) in their names or texts: asked of the field of both, one list of documents
        a term, as ``search`` counts (a word of every project: a city's facet pass took
        7 ms with the names' and texts' lists united, 1.6 ms with the one, at a million)."""
        forms = [self._analyser.query_forms(w) for w in self._analyser.words(text)]
        code = _term("code", text.strip().casefold())
        words = _all([_any(_terms("every", s)) for s in forms])
        return _any([code, words]) if forms else code


def _hit(iri: str, stored: dict[str, Any], matched: str) -> Hit:
    return Hit(
        iri=iri,
        kind=stored["kind"],
        names=stored["names"],
        codes=tuple(dict.fromkeys(c for _, c in stored["codes"])),
        matched=matched,  # type: ignore[arg-type]
        texts=stored["texts"],
        all_names=tuple(n for names in stored["all_names"].values() for n in names),
    )


ROW_FIELDS = tuple(f.name for f in fields(ProjectRow))


def _stored_row(row: ProjectRow) -> dict[str, Any]:
    stored = {name: getattr(row, name) for name in ROW_FIELDS}
    stored["participants"] = [(p.organisation, p.role) for p in row.participants]
    return stored


def _row(stored: dict[str, Any]) -> ProjectRow:
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()}
    values["participants"] = tuple(Participant(o, role) for o, role in stored["participants"])
    return ProjectRow(**values)


def _starting(names: dict[str, list[str]], words: list[str]) -> tuple[str, str]:
    """The name (and its language) whose words start as typed; the first name otherwise."""
    for lang, values in names.items():
        for name in values:
            folded = [w.casefold() for w in Analyser.words(name)]
            if all(any(w.startswith(typed) for w in folded) for typed in words):
                return name, lang
    lang, values = next(iter(names.items()), ("", [""]))
    return values[0], lang


# Queries ---------------------------------------------------------------------------


def _term(field: str, value: str | int) -> Any:
    return tantivy.Query.term_query(SCHEMA, field, value)


def _terms(field: str, values: Iterable[str]) -> list[Any]:
    return [_term(field, v) for v in values]


def _any(queries: list[Any]) -> Any:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _all(queries: list[Any], exclude: Iterable[Any] = ()) -> Any:
    clauses = [(tantivy.Occur.Must, q) for q in queries]
    clauses += [(tantivy.Occur.MustNot, q) for q in exclude]
    return tantivy.Query.boolean_query(clauses) if len(clauses) > 1 else clauses[0][1]


def _unscored(query: Any) -> Any:
    return tantivy.Query.const_score_query(query, 1.0)


def _range(field: str, above: int | None, below: int | None) -> Any:
    """Values strictly between ``above`` and ``below`` (None: unbounded)."""
    return tantivy.Query.range_query(
        SCHEMA,
        field,
        tantivy.FieldType.Integer,
        above,
        below,
        include_lower=above is None,
        include_upper=below is None,
    )


def _float_range(field: str, low: float | None, high: float | None) -> Any:
    return tantivy.Query.range_query(SCHEMA, field, tantivy.FieldType.Float, low, high)


def _cursor(field: str, rank: int) -> str:
    return f"{field}.{rank}"


def _cursor_rank(cursor: str, field: str) -> int:
    name, _, rank = cursor.rpartition(".")
    if name != field or not rank.isdigit():
        raise BadCursor(f"this cursor is not one of this table's pages: {cursor!r}")
    return int(rank)

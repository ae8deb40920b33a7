"""Validate: run the SHACL shapes over the loaded sources and explain the results.

The report speaks to the person who wrote the record: file and line, the resource,
the property, the message (in English or Finnish) and the severity.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query

from ..config import Settings
from ..errors import InputError, Origin
from ..namespaces import PREFIXES
from ..read import completeness
from .link import owners_of, where_defined
from .sources import Sources
from .suspects import TARGETS, focus_query, has_focus, suspects_queries

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

# No traceback per ill-typed literal (a date "1.3.2019"): rdflib logs one each time it
# reads one, and the shapes report it to the person who wrote it, in words (sh:datatype).
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


class _ParsedOnce(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each query text once in a process. pyshacl hands
    rdflib the text of every SPARQL target again on each run, and rdflib parses it each
    time (30-50 ms a query, a dozen of them: as long as the shapes take over a hundred
    projects); a build runs the shapes once per partition, on forked workers that inherit
    what the first run, over the shared records, parsed."""

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Any] | None = None,  # noqa: N803
        initNs: Mapping[str, Any] | None = None,  # noqa: N803
        base: str | None = None,
        DEBUG: bool = False,  # noqa: N803
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            strOrQuery = _parsed(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@lru_cache(maxsize=256)
def _parsed(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


# The report's own words; the shapes' messages come in the language asked for already.
# Counts: one form for 1, another for the rest (in English and in Finnish alike).
_WORDS = {
    "en": {
        "Violation": "Violation", "Warning": "Warning", "Info": "Info", "value": "value",
        "verdict": ("does not conform", "conforms"),
        "violations": ("violation", "violations"), "warnings": ("warning", "warnings"),
    },
    "fi": {
        "Violation": "Virhe", "Warning": "Varoitus", "Info": "Huomautus", "value": "arvo",
        "verdict": ("ei kelpaa", "kelpaa"),
        "violations": ("virhe", "virhettä"), "warnings": ("varoitus", "varoitusta"),
    },
}  # fmt: skip


def _verdict(conforms: bool, violations: int, warnings: int, lang: str) -> str:
    """
    >>> _verdict(False, 1, 2, "fi"), _verdict(True, 0, 1, "en")
    ('ei kelpaa: 1 virhe, 2 varoitusta', 'conforms: 0 violations, 1 warning')
    """
    words = _WORDS.get(lang, _WORDS["en"])

    def count(n: int, kind: str) -> str:
        return f"{n} {words[kind][n != 1]}"

    counts = f"{count(violations, 'violations')}, {count(warnings, 'warnings')}"
    return f"{words['verdict'][conforms]}: {counts}"


@dataclass(frozen=True)
class Problem:
    severity: str
    where: Origin | str  # where it was written; a resource no file defines: its IRI
    resource: str
    path: str | None
    value: str | None
    message: str

    def line(self, lang: str = "en") -> str:
        words = _WORDS.get(lang, _WORDS["en"])
        path = f" {self.path}" if self.path else ""
        value = f" ({words['value']}: {self.value})" if self.value else ""
        severity = words.get(self.severity, self.severity)
        return f"{self.where}: {severity}: {self.resource}{path}: {self.message}{value}"


@dataclass
class Report:
    conforms: bool
    problems: list[Problem]
    graph: rdflib.Graph
    # How many projects and organisations have each field, by table fact
    # (``read.completeness.tally``); None for a part of the data.
    completeness: dict[str, dict[str, Any]] | None = None

    @staticmethod
    def sort_key(problem: Problem) -> tuple:
        """Violations first, then by file and line, as a person reads them."""
        severity = SEVERITY_ORDER.get(problem.severity, 3)
        return (
            severity,
            *place_order(problem.where),
            problem.resource,
            problem.path or "",
            problem.message,
        )

    @property
    def violations(self) -> int:
        return sum(p.severity == "Violation" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "Warning" for p in self.problems)

    def text(self, lang: str = "en") -> str:
        """One line per problem, the verdict, then what the projects and organisations
        still lack (how many have each field), in English or Finnish."""
        lines = [p.line(lang) for p in self.problems]
        lines.append(_verdict(self.conforms, self.violations, self.warnings, lang))
        if self.completeness is not None:
            lines += ["", *completeness.lines(self.completeness, lang)]
        return "\n".join(lines)

    def json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "violations": self.violations,
                "warnings": self.warnings,
                "results": [{**asdict(p), "where": str(p.where)} for p in self.problems],
                **(self.completeness or {}),
            },
            ensure_ascii=False,
            indent=2,
        )

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle")


def load_shapes(settings: Settings, folder: Path | None = None) -> rdflib.Graph:
    """The shapes of a folder's Turtle files: by default ``shapes/*.ttl``, the ones that
    validate (``shapes/display/`` only tells pages how to show resources)."""
    shapes = rdflib.Graph()
    folder = folder or settings.shapes_dir
    files = sorted(folder.glob("*.ttl"))
    if not files and folder == settings.shapes_dir:
        raise InputError(settings.shapes_dir, "no shapes (*.ttl) found")
    for path in files:
        try:
            shapes.parse(
                data=settings.rebase(path.read_text(encoding="utf-8")),
                format="turtle",
                publicID=settings.base,
            )
        except Exception as e:  # rdflib raises several parser exception types
            raise InputError(path, f"malformed Turtle: {_first_line(e)}") from None
    if files and folder == settings.shapes_dir:
        _declare_our_prefix(shapes, settings)
    return shapes


def _declare_our_prefix(shapes: rdflib.Graph, settings: Settings) -> None:
    """The SPARQL queries' ``sixaika:`` prefix, declared on the shapes document for the
    configured base: a Turtle file can say a namespace only as a literal, which no base
    resolves, so the shapes would otherwise hold this one base's IRI."""
    declaration = rdflib.BNode()
    shapes.add((rdflib.URIRef(settings.urls.shapes()), SH.declare, declaration))
    shapes.add((declaration, SH.prefix, rdflib.Literal("sixaika")))
    namespace = rdflib.Literal(settings.urls.vocab, datatype=rdflib.XSD.anyURI)
    shapes.add((declaration, SH.namespace, namespace))


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Identifier:
    """A pyoxigraph term as rdflib's; a blank node keeps its label.

    >>> rdflib_term(ox.Literal("2018", datatype=ox.NamedNode(str(rdflib.XSD.gYear))))
    rdflib.term.Literal('2018', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    >>> rdflib_term(ox.BlankNode("b1")), rdflib_term(ox.Literal("Oulu", language="fi"))
    (rdflib.term.BNode('b1'), rdflib.term.Literal('Oulu', lang='fi'))
    """
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """The union of the quads' graphs as an rdflib graph (pyshacl's input)."""
    graph = rdflib.Graph()
    cache: dict = {}

    def term(t):
        found = cache.get(t)
        if found is None:
            found = cache[t] = rdflib_term(t)
        return found

    add = graph.add
    for q in quads:
        add((term(q.subject), term(q.predicate), term(q.object)))
    return graph


def validate_sources(
    sources: Sources,
    settings: Settings,
    lang: str = "en",
    shapes: rdflib.Graph | None = None,
    beside: Iterable[ox.Quad] = (),
) -> Report:
    """Validate ``sources`` (with the quads ``beside`` them: the shared records they link
    to, whose own results are not kept) against ``shapes`` (by default all of them).

    Beside shared records, only the nodes the sources write are focus nodes: a result on
    another has no place in them, and is the shared records' own validation's to tell."""
    shapes = load_shapes(settings) if shapes is None else shapes
    quads = [*beside, *sources.quads]
    written = _written(sources.quads) if beside else None
    selected = with_targets_selected(shapes, quads, written)
    if has_focus(selected):
        conforms, results = run_shapes(to_rdflib(quads), selected)
    else:  # no node that could be wrong: pyshacl (and rdflib's copy of the data) spared
        conforms, results = True, _conforming()
    places = Places(sources, settings)
    problems = sorted(problems_of(results, shapes, places, settings, lang), key=Report.sort_key)
    return Report(conforms=bool(conforms), problems=problems, graph=results)


def _written(quads: Iterable[ox.Quad]) -> set[Any]:
    """The nodes ``quads`` write: their subjects, and the blank nodes they hold."""
    written = set()
    for quad in quads:
        written.add(quad.subject)
        if isinstance(quad.object, ox.BlankNode):
            written.add(quad.object)
    return written


def _conforming() -> rdflib.Graph:
    """The report pyshacl gives where nothing is wrong."""
    report = rdflib.Graph()
    node = rdflib.BNode()
    report.add((node, rdflib.RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, rdflib.Literal(True)))
    return report


def with_targets_selected(
    shapes: rdflib.Graph, quads: Iterable[ox.Quad], only: set[Any] | None = None
) -> rdflib.Graph:
    """The shapes with their focus nodes selected in ``quads`` by pyoxigraph
    (``sh:targetNode``, of those in ``only`` if given): each shape that ``suspects``
    translates narrowed to the nodes that could break it, the others' targets answered
    (``suspects.focus_query``). The shapes are copied; ``shapes`` is left as it was.

    pyshacl would run the SPARQL targets on rdflib's SPARQL engine, which evaluates FILTER
    NOT EXISTS and DATATYPE() tests a solution at a time: in a partition of 8,000 projects
    they took 25 of pyshacl's 39 s. pyoxigraph answers the same queries over the same
    triples in well under a second, and pyshacl then validates the nodes that matter.
    """
    store = ox.Store()
    store.bulk_extend(quads)
    selected = rdflib.Graph()
    selected += shapes
    narrowed = suspects_queries(shapes)
    for shape in sorted({s for kind in TARGETS for s in shapes.subjects(kind)}, key=str):
        query = narrowed.get(shape) or focus_query(shapes, shape)
        if query is None:
            continue  # pyshacl selects its focus nodes itself
        for kind in TARGETS:
            selected.remove((shape, kind, None))
        for node in _selected(store, query):
            if only is None or node in only:
                selected.add((shape, SH.targetNode, rdflib_term(node)))
    return selected


def _selected(store: ox.Store, query: str) -> Iterable[ox.NamedNode | ox.BlankNode]:
    """The ``?this`` of each solution of ``query`` (a SELECT) over ``store``'s graphs."""
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions), "a target's query is a SELECT"
    return (solution["this"] for solution in solutions if solution["this"] is not None)


def run_shapes(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, rdflib.Graph]:
    """pyshacl as the build runs it; the data graph is made for it, so it may change it.
    rdflib's SPARQL in this process then parses each query text once (``_ParsedOnce``)."""
    rdflib.plugin.register("sparql", rdflib.query.Processor, __name__, _ParsedOnce.__name__)
    conforms, results, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,
    )
    return bool(conforms), results


def split_shapes(shapes: rdflib.Graph) -> tuple[rdflib.Graph, rdflib.Graph]:
    """The shapes that look at one record (and what it links to) at a time, and those that
    compare records across files: shapes whose SHACL-AF target (``sh:target``) is a query
    that groups the whole data (``GROUP BY``: one EURA code or business ID per resource,
    shape:EuraCodeIdentifiesOne). A target query that only selects (shape:PeriodOrder) is
    a quicker way to find single records, and validates with them.

    The second graph holds those shapes and what they are made of (their target, their
    SPARQL constraint, its prefixes), and nothing else.
    """
    across = {
        shape
        for shape, target in shapes.subject_objects(SH.target)
        if "GROUP BY" in str(shapes.value(target, SH.select) or "").upper()
    }
    per_record = rdflib.Graph()
    for triple in shapes:
        if triple[0] not in across:
            per_record.add(triple)
    comparing = rdflib.Graph()
    todo, seen = list(across), set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in shapes.triples((node, None, None)):
            comparing.add(triple)
            if triple[1] != rdflib.RDF.type and (triple[2], None, None) in shapes:
                todo.append(triple[2])
    for prefix, namespace in shapes.namespaces():
        comparing.bind(prefix, namespace)
    return per_record, comparing


class Places:
    """Where the nodes of loaded sources were written, and what a report calls them."""

    def __init__(self, sources: Sources, settings: Settings):
        self.sources, self.settings = sources, settings
        self.owners = owners_of(sources.quads)

    def where(self, focus, prop: ox.NamedNode | None) -> Origin | str:
        """Where ``focus`` was written: where its property ``prop`` was, if given."""
        return where_defined(to_ox(focus), self.owners, self.sources, prop)

    def resource(self, focus) -> str:
        return _resource(focus, self.owners, self.settings)


# Constraints that compare a value: an ill-typed one fails them all, and "cannot be
# negative" would be said of "1 234,50". Its datatype's message is the one that helps.
_COMPARISONS = {
    SH.MinInclusiveConstraintComponent,
    SH.MinExclusiveConstraintComponent,
    SH.MaxInclusiveConstraintComponent,
    SH.MaxExclusiveConstraintComponent,
}


def problems_of(
    results: rdflib.Graph, shapes: rdflib.Graph, places, settings: Settings, lang: str
) -> Iterable[Problem]:
    """The report's results as problems; ``places`` tells where each focus node was
    written and what it is called (``Places``, or what a cache remembered of them)."""
    # Only the report's own results: sh:detail results nested under them repeat the cause.
    for report in results.subjects(rdflib.RDF.type, SH.ValidationReport):
        for result in results.objects(report, SH.result):
            focus = results.value(result, SH.focusNode)
            path = results.value(result, SH.resultPath)
            value = results.value(result, SH.value)
            severity = results.value(result, SH.resultSeverity)
            component = results.value(result, SH.sourceConstraintComponent)
            if component in _COMPARISONS and getattr(value, "ill_typed", False):
                continue
            yield Problem(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                where=places.where(focus, _first_property(path, results)),
                resource=places.resource(focus),
                path=_path_text(path, results, settings) if path is not None else None,
                value=_short(value, settings) if value is not None else None,
                message=_message(results, shapes, result, lang),
            )


def place_order(where: Origin | str) -> tuple[str, int]:
    """Problems by file and line; those of a resource no file defines by its IRI."""
    return where.sort_key() if isinstance(where, Origin) else (where, 0)


def _resource(focus, owners: dict, settings: Settings) -> str:
    """The focus node by name; a nested (blank) node by the resource that holds it."""
    node, depth = to_ox(focus), 0
    while isinstance(node, ox.BlankNode) and node in owners and depth < 10:
        node, depth = owners[node].subject, depth + 1
    if isinstance(node, ox.BlankNode):
        return "(nested node)"
    name = _short(rdflib.URIRef(node.value), settings)
    return f"{name} (nested node)" if depth else name


def _message(results: rdflib.Graph, shapes: rdflib.Graph, result, lang: str) -> str:
    """The shape's own message in the wanted language (pyshacl drops some language tags)."""
    shape = results.value(result, SH.sourceShape)
    messages = list(shapes.objects(shape, SH.message)) if shape is not None else []
    messages = messages or list(results.objects(result, SH.resultMessage))
    for wanted in (lang, "en", None):
        for m in messages:
            if getattr(m, "language", None) == wanted:
                return str(m)
    return str(messages[0]) if messages else "constraint not met"


def _first_property(path, graph: rdflib.Graph) -> ox.NamedNode | None:
    """The property a result's path starts with (its key's line places the problem); None
    for an inverse or alternative path."""
    if isinstance(path, rdflib.URIRef):
        return ox.NamedNode(str(path))
    first = graph.value(path, rdflib.RDF.first)
    return _first_property(first, graph) if first is not None else None


def _path_text(path, graph: rdflib.Graph, settings: Settings) -> str:
    """A result's path as SPARQL writes one: a property, a/b (a sequence), ^a, a|b.

    >>> g = rdflib.Graph()
    >>> seq = Collection(g, rdflib.BNode(), [rdflib.DCTERMS.title])
    >>> _path_text(seq.uri, g, Settings.from_env({}))
    'dct:title'
    """
    if not isinstance(path, rdflib.BNode):
        return _short(path, settings)
    if (path, rdflib.RDF.first, None) in graph:
        steps = Collection(graph, path)
        return "/".join(_path_text(step, graph, settings) for step in steps)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(inverse, graph, settings)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        options = Collection(graph, alternatives)
        return "|".join(_path_text(option, graph, settings) for option in options)
    return _short(path, settings)


def to_ox(term) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(str(term)) if isinstance(term, rdflib.BNode) else ox.NamedNode(str(term))


def _short(term, settings: Settings) -> str:
    text = str(term)
    if isinstance(term, rdflib.BNode):
        return "(nested node)"
    for prefix, short in ((settings.urls.id(), ""), (settings.urls.vocab, "6aika:")):
        if text.startswith(prefix):
            return short + text[len(prefix) :]
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__

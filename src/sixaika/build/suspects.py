"""Suspects: the focus nodes a shape could find wrong, selected by pyoxigraph, so that
pyshacl looks at those alone.

pyshacl checks each focus node of each shape in Python, and nearly all of them are
fine: at a million projects that was 41 of the build's minutes on two cores, spent
confirming valid records. A property shape made of the core constraints below becomes one
SPARQL query that selects every focus node with a value (or a number of values) that
could break one of them; pyoxigraph answers it over the same quads, and the shape then
targets those nodes alone (``sh:targetNode``). pyshacl still decides, and reports in its
own words, on every node that could be wrong.

A query may select more nodes than are wrong, never fewer: where SPARQL and pyshacl could
differ (a value's lexical form, a comparison across datatypes, an error in a FILTER), the
node is selected. A shape with any other parameter (``sh:node``, ``sh:qualifiedValueShape``,
``sh:sparql``, ...) keeps its targets.

>>> shapes = rdflib.Graph().parse(format="turtle", data='''
...     @prefix sh: <http://www.w3.org/ns/shacl#> .
...     <x:s> sh:targetNode <x:p> ; sh:path <x:t> ; sh:minCount 1 ; sh:languageIn ("fi") .''')
>>> print(suspects_query(shapes, rdflib.URIRef("x:s")))
SELECT DISTINCT ?this WHERE {
{ { VALUES ?this { <x:p> } } ?this <x:t> ?v FILTER (!COALESCE(LCASE(LANG(?v)) IN ("fi"), false)) }
UNION { { VALUES ?this { <x:p> } } FILTER NOT EXISTS { ?this <x:t> ?v } }
}
"""

from __future__ import annotations

import re
from collections.abc import Callable

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

_TYPE = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
# What a shape may say besides its targets, path and constraints: none of it selects.
_SAYS = {RDF.type, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order,
         SH.group, RDFS.label, RDFS.comment}  # fmt: skip
# Datatypes whose every lexical form is valid: rdflib finds none of their values ill-typed.
_ANY_FORM = {RDF.langString, XSD.string}
# A pattern as both engines read it alike: characters, classes, counts, anchors, groups.
_PLAIN_PATTERN = re.compile(r"(?:[\w ^$\[\]{}()*+?.|,:@/-]|\\[.+\-()\[\]^$?*|\\])*")


def suspects_queries(shapes: rdflib.Graph) -> dict[rdflib.term.Node, str]:
    """The shapes that ``suspects_query`` translates, with their queries."""
    queries = {}
    for shape in sorted({s for t in TARGETS for s in shapes.subjects(t)}, key=str):
        query = suspects_query(shapes, shape)
        if query is not None:
            queries[shape] = query
    return queries


def focus_query(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """A SELECT of the focus nodes of ``shape``'s targets; None where it has a target this
    module does not translate (a blank node, an implicit class target)."""
    targets = None if _is_a_class(shapes, shape) else _targets(shapes, shape)
    if targets is None:
        return None
    return f"{prologue(shapes, shape)}SELECT DISTINCT ?this WHERE {{ {targets} }}"


def has_focus(shapes: rdflib.Graph) -> bool:
    """Whether any shape of ``shapes`` has a target: without one, nothing is validated."""
    targeted = any((None, kind, None) in shapes for kind in TARGETS)
    return targeted or any(_is_a_class(shapes, s) for s in shapes.subjects(RDF.type, None))


def suspects_query(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """A SELECT of the focus nodes of ``shape`` that could break one of its constraints;
    None where the shape says anything this module does not translate."""
    if (shape, SH.deactivated, None) in shapes or _is_a_class(shapes, shape):
        return None
    targets = _targets(shapes, shape)
    path = _path(shapes, shapes.value(shape, SH.path))
    if targets is None or path is None:
        return None
    branches = []
    for parameter, value in sorted(shapes.predicate_objects(shape)):
        if parameter in _SAYS or parameter in TARGETS:
            continue
        branch = _branch(shapes, shape, parameter, value, targets, path)
        if branch is None:
            return None
        branches.append(branch)
    if not branches:
        return None
    union = "\nUNION ".join(f"{{ {b} }}" for b in branches)
    return f"{prologue(shapes, shape)}SELECT DISTINCT ?this WHERE {{\n{union}\n}}"


def _is_a_class(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    """A shape that is a class targets its instances implicitly (SHACL 2.1.3.1)."""
    return any((shape, RDF.type, kind) in shapes for kind in (RDFS.Class, OWL.Class))


def _targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """A group binding ``?this`` to each focus node of ``shape``'s targets (a SPARQL
    target's query as a subquery: its prefixes are ``prologue``'s)."""
    patterns = []
    for target, pattern in (
        (SH.targetClass, "?this " + _TYPE + " {}"),
        (SH.targetNode, "VALUES ?this {{ {} }}"),
        (SH.targetSubjectsOf, "?this {} []"),
        (SH.targetObjectsOf, "[] {} ?this"),
    ):
        for value in shapes.objects(shape, target):
            term = _term(value)
            if term is None:
                return None
            patterns.append(pattern.format(term))
    for query in shapes.objects(shape, SH.target):
        select = shapes.value(query, SH.select)
        if (query, RDF.type, SH.SPARQLTarget) not in shapes or select is None:
            return None
        patterns.append(str(select))
    if not patterns:
        return None
    return "{ " + " } UNION { ".join(patterns) + " }"


def prologue(shapes: rdflib.Graph, holder: rdflib.term.Node) -> str:
    """The PREFIX lines of the SPARQL that ``holder`` (a SPARQL target or constraint, a
    shape) holds: the ``sh:declare`` of each ``sh:prefixes`` it names (SHACL 5.2.1)."""
    holders = [holder, *shapes.objects(holder, SH.target)]
    lines: dict[str, None] = {}  # in order, once each
    for ontology in (o for h in holders for o in shapes.objects(h, SH.prefixes)):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines[f"PREFIX {prefix}: <{namespace}>\n"] = None
    return "".join(lines)


def _path(shapes: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    """A SHACL path as a SPARQL property path, which has the same values (SHACL 2.3.1)."""
    if isinstance(path, rdflib.URIRef):
        return f"<{path}>"
    if not isinstance(path, rdflib.BNode):
        return None
    if (path, RDF.first, None) in shapes:
        steps = [_path(shapes, step) for step in Collection(shapes, path)]
        return None if None in steps else "(" + "/".join(steps) + ")"  # type: ignore[arg-type]
    for kind, form in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = shapes.value(path, kind)
        if inner is not None:
            step = _path(shapes, inner)
            return None if step is None else "(" + form.format(step) + ")"
    choices = shapes.value(path, SH.alternativePath)
    if choices is not None:
        steps = [_path(shapes, step) for step in Collection(shapes, choices)]
        return None if None in steps else "(" + "|".join(steps) + ")"  # type: ignore[arg-type]
    return None


def _branch(
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    parameter: rdflib.term.Node,
    value: rdflib.term.Node,
    targets: str,
    path: str,
) -> str | None:
    """The pattern selecting the focus nodes that could break one constraint."""
    count = _COUNTS.get(parameter)
    if count is not None:
        number = value.toPython() if isinstance(value, rdflib.Literal) else None
        return count(targets, path, number) if isinstance(number, int) else None
    pair = _PAIRS.get(parameter)
    if pair is not None:
        other = _term(value)
        return None if other is None else f"{targets} {pair(path, other)}"
    if parameter == SH.uniqueLang:
        if value != rdflib.Literal(True):
            return None
        return (
            f'{targets} ?this {path} ?v, ?w FILTER (!sameTerm(?v, ?w) && LANG(?v) != "" '
            "&& LCASE(LANG(?v)) = LCASE(LANG(?w)))"
        )
    if parameter == SH["or"]:
        members = list(Collection(shapes, value)) if isinstance(value, rdflib.BNode) else []
        tests = [_member_test(shapes, member) for member in members]
        if not tests or None in tests:
            return None
        return f"{targets} ?this {path} ?v FILTER ({' && '.join(tests)})"  # type: ignore[arg-type]
    test = _value_test(shapes, parameter, value)
    return None if test is None else f"{targets} ?this {path} ?v FILTER ({test})"


def _member_test(shapes: rdflib.Graph, member: rdflib.term.Node) -> str | None:
    """A test of ``?v`` true where it could fail the member of an ``sh:or``: any of the
    member's constraints could fail (all of them are value tests, or None)."""
    if not isinstance(member, rdflib.BNode):
        return None
    tests = []
    for parameter, value in shapes.predicate_objects(member):
        if parameter == RDF.type and value in (SH.NodeShape, SH.Shape):
            continue
        test = _value_test(shapes, parameter, value)
        if test is None:
            return None
        tests.append(test)
    return "(" + " || ".join(tests) + ")" if tests else None


def _value_test(
    shapes: rdflib.Graph, parameter: rdflib.term.Node, value: rdflib.term.Node
) -> str | None:
    """A test of the value ``?v``, true where it could break the constraint."""
    if parameter == SH.datatype and isinstance(value, rdflib.URIRef):
        wrong = f"!isLiteral(?v) || DATATYPE(?v) != <{value}>"
        if value in _ANY_FORM:
            return wrong
        # Its lexical form: not one SPARQL's cast reads, or with spaces rdflib may refuse.
        cast = f"<{value}>(STR(?v))"
        return f'{wrong} || !COALESCE(isLiteral({cast}), false) || REGEX(STR(?v), "\\\\s")'
    if parameter == SH.nodeKind:
        return _NODE_KINDS.get(value)
    if parameter == SH["class"]:
        term = _term(value)
        return None if term is None else f"NOT EXISTS {{ ?v {_TYPE} {term} }}"
    if parameter == SH["in"]:
        items = [_term(i) for i in Collection(shapes, value)]
        if None in items:
            return None
        return "!(" + " || ".join(f"sameTerm(?v, {i})" for i in items) + ")" if items else "true"
    if parameter == SH.languageIn:
        tags = ", ".join(rdflib.Literal(str(t).lower()).n3() for t in Collection(shapes, value))
        return f"!COALESCE(LCASE(LANG(?v)) IN ({tags}), false)"
    if parameter == SH.pattern:
        regex = _regex(shapes, value)
        return None if regex is None else f"isBlank(?v) || !COALESCE({regex}, false)"
    if parameter == SH["not"]:
        return _could_match(shapes, value)
    comparison = _COMPARISONS.get(parameter)
    if comparison is not None and isinstance(value, rdflib.Literal) and value.datatype:
        bound = value.n3()
        # Numbers compare alike in SPARQL and Python; other values only within a datatype.
        alike = _NUMBERS if value.datatype in _NUMERIC else f"<{value.datatype}>"
        return f"!COALESCE(?v {comparison} {bound}, false) || !(DATATYPE(?v) IN ({alike}))"
    return None


def _could_match(shapes: rdflib.Graph, member: rdflib.term.Node) -> str | None:
    """A test of ``?v`` true where it could conform to ``member``, and so break an
    ``sh:not`` of it: translated for a member that is a pattern alone."""
    said = {p for p, _ in shapes.predicate_objects(member)} - {RDF.type}
    pattern = shapes.value(member, SH.pattern)
    if pattern is None or not isinstance(member, rdflib.BNode) or said - {SH.pattern, SH.flags}:
        return None
    regex = _regex(shapes, pattern)
    return None if regex is None else f"COALESCE({regex}, true)"


def _regex(shapes: rdflib.Graph, value: rdflib.term.Node) -> str | None:
    """``sh:pattern`` ``value`` (with its shape's ``sh:flags``) as a SPARQL REGEX of ``?v``,
    where both engines read the pattern alike."""
    pattern = str(value)
    if not isinstance(value, rdflib.Literal) or not _PLAIN_PATTERN.fullmatch(pattern):
        return None
    flags = ""
    for shape in shapes.subjects(SH.pattern, value):
        flags = str(shapes.value(shape, SH.flags) or "")
    if flags not in ("", "i"):
        return None
    return f'REGEX(STR(?v), {rdflib.Literal(pattern).n3()}, "{flags}")'


def _term(node: rdflib.term.Node) -> str | None:
    """An IRI or literal as SPARQL writes it (a blank node would be a variable: None)."""
    return node.n3() if isinstance(node, rdflib.URIRef | rdflib.Literal) else None


def _min_count(targets: str, path: str, number: int) -> str:
    if number == 1:
        return f"{targets} FILTER NOT EXISTS {{ ?this {path} ?v }}"
    return (
        f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?v }} }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {number})"
    )


def _max_count(targets: str, path: str, number: int) -> str:
    return (
        f"SELECT ?this WHERE {{ {targets} ?this {path} ?v }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {number})"
    )


_COUNTS: dict[rdflib.term.Node, Callable[[str, str, int], str]] = {
    SH.minCount: _min_count,
    SH.maxCount: _max_count,
}
# Pair constraints, as patterns after the targets (``other``: the second property).
_PAIRS: dict[rdflib.term.Node, Callable[[str, str], str]] = {
    SH.hasValue: lambda path, value: f"FILTER NOT EXISTS {{ ?this {path} {value} }}",
    SH.equals: lambda path, other: (
        f"{{ ?this {path} ?v FILTER NOT EXISTS {{ ?this {other} ?v }} }} UNION "
        f"{{ ?this {other} ?v FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
    ),
    SH.disjoint: lambda path, other: f"?this {path} ?v . ?this {other} ?v",
    SH.lessThan: lambda path, other: _compared(path, other, "<"),
    SH.lessThanOrEquals: lambda path, other: _compared(path, other, "<="),
}
_COMPARISONS: dict[rdflib.term.Node, str] = {
    SH.minInclusive: ">=",
    SH.minExclusive: ">",
    SH.maxInclusive: "<=",
    SH.maxExclusive: "<",
}
_NUMERIC = (XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long)
_NUMBERS = ", ".join(f"<{n}>" for n in _NUMERIC)
_NODE_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "!isIRI(?v)",
    SH.BlankNode: "!isBlank(?v)",
    SH.Literal: "!isLiteral(?v)",
    SH.BlankNodeOrIRI: "isLiteral(?v)",
    SH.BlankNodeOrLiteral: "isIRI(?v)",
    SH.IRIOrLiteral: "isBlank(?v)",
}


def _compared(path: str, other: str, operator: str) -> str:
    return (
        f"?this {path} ?v . ?this {other} ?w FILTER "
        f"(!COALESCE(?v {operator} ?w, false) || DATATYPE(?v) != DATATYPE(?w))"
    )

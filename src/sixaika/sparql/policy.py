"""What a query may do here, read off its tokens before anything runs it.

The query engine's own parser runs inside a worker process (it can crash on hostile
input, e.g. deep nesting), so the web process reads a query with this small lexer instead:
comments, strings and IRIs are skipped as whole tokens, so a keyword inside them never
counts. The one query the web process hands to the engine itself is a lookup, whose flat
shape (a DESCRIBE of IRIs and prefixed names) is matched here in full first.

>>> info = read('PREFIX ex: <http://e/> SELECT * FROM <http://e/g> { ?s ex:p "SERVICE" }')
>>> info.form, info.has_dataset, info.services
('SELECT', True, ())
>>> read("SELECT (RAND() AS ?r) {}").volatile, read("SELECT ?rand { ?rand ?p ?o }").volatile
(True, False)
>>> read("PREFIX e: <http://e/> DESCRIBE e:a <http://e/b>").lookup
True
>>> read("DESCRIBE ?s { ?s a <http://e/C> }").lookup, read("DESCRIBE <http://e/a> {}").lookup
(False, False)
>>> read("ask { SERVICE SILENT <http://e/sparql> { ?s ?p ?o } }").services
('http://e/sparql',)
>>> read("PREFIX e: <http://e/> SELECT * { SERVICE e:sparql {} SERVICE ?where {} }").services
('http://e/sparql', '?where')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urljoin

from . import QueryError

# Functions whose value changes from one run to the next: such answers are not cached.
VOLATILE_FUNCTIONS = frozenset({"NOW", "RAND", "UUID", "STRUUID"})
UPDATE_OPERATIONS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI_CHAR = r"[^<>\"{}|^`\\\x00-\x20]"
_IRIREF = rf"<{_IRI_CHAR}*(?:(?:{_UCHAR}){_IRI_CHAR}*)*>"
_PREFIX = r"(?:[^\W\d_][\w.-]*)?:"  # a letter (any script), then letters, digits, . and -
_PNAME = _PREFIX + r"[\w.%:-]*(?:\\.[\w.%:-]*)*"
# Each "(run of plain characters) (escape, run)*" pattern is unrolled so that the regex
# engine takes plain characters in one step, not one alternation per character.
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<comment>#[^\n\r]*)",
            r"(?P<string>'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
            r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
            r"|'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'"
            r'|"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*")',
            rf"(?P<iri>{_IRIREF})",
            r"(?P<var>[?$]\w+)",
            rf"(?P<pname>{_PNAME}|_:[\w.-]+)",
            r"(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
            r"(?P<word>[A-Za-z_]\w*)",
            r"(?P<open>[{(\[])",
            r"(?P<close>[})\]])",
        )
    )
)
# Brackets nested deeper than this are refused before any parser reads them: the engine's
# parser recurses once a level and overflows its stack between 2,000 and 3,000 levels
# (SIGSEGV); no query a person writes comes near this.
MAX_NESTING = 256

# A DESCRIBE of named resources and nothing more: no pattern, dataset clause or modifier,
# and at most LOOKUP_RESOURCES of them. No \u escape either: SPARQL decodes those before
# parsing, so in IRIs or names they could hide braces from this match (pyoxigraph 0.5
# refuses them there, but a lookup must not depend on it); names keep their plain escapes.
# Each resource is matched atomically: prefixed names may follow one another unspaced
# ("e:ae:b"), and a failing match must not try every way of cutting them (exponential).
LOOKUP_RESOURCES = 64
_PLAIN_IRIREF = f"<{_IRI_CHAR}*>"
_PLAIN_PNAME = _PREFIX + r"[\w.%:-]*(?:\\[_~.\-!$&'()*+,;=/?#@%][\w.%:-]*)*"
_LOOKUP = re.compile(
    rf"\s*(?:(?:BASE\s*{_PLAIN_IRIREF}|PREFIX\s+{_PREFIX}\s*{_PLAIN_IRIREF})\s*)*"
    rf"DESCRIBE(?:\s*(?>{_PLAIN_IRIREF}|{_PLAIN_PNAME})){{1,{LOOKUP_RESOURCES}}}\s*",
    re.IGNORECASE,
)


class Token(NamedTuple):  # a tuple: a query has dozens, made on every request
    kind: str  # iri, var, pname, lang or word (comments and strings are dropped)
    text: str


@dataclass(frozen=True)
class QueryInfo:
    form: str  # the first keyword after the prologue: SELECT, ASK, INSERT, ... or ""
    has_dataset: bool  # FROM or FROM NAMED: the query names its own dataset
    services: tuple[str, ...]  # SERVICE endpoints as absolute IRIs, or "?var"
    volatile: bool = False  # calls NOW(), RAND(), UUID() or STRUUID()
    lookup: bool = False  # only reads the triples about named resources (``_LOOKUP``)
    from_graphs: tuple[str, ...] = ()  # FROM <g>, as written (a graph may come twice)
    from_named: tuple[str, ...] = ()  # FROM NAMED <g>

    @property
    def repeats_a_graph(self) -> bool:
        """FROM (or FROM NAMED) the same graph twice: pyoxigraph would merge it twice."""
        return any(len(set(g)) < len(g) for g in (self.from_graphs, self.from_named))


def tokens(query: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or ""
        if kind not in ("comment", "string", "open", "close"):
            yield Token(kind, match.group())


def nesting(query: str) -> int:
    """How deep the query's brackets (``{ ( [``) nest, outside strings, IRIs and comments.

    >>> nesting('SELECT * { { ?s ?p "{{{" } FILTER(BOUND(?s)) }')  # { FILTER( BOUND(
    3
    """
    depth = deepest = 0
    for match in _TOKEN.finditer(query):
        if match.lastgroup == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif match.lastgroup == "close":
            depth -= 1
    return deepest


def read(query: str) -> QueryInfo:
    """The facts that decide whether a query may run, without parsing its algebra."""
    form, services, volatile = "", [], False
    base, prefixes = "", {}
    dataset: dict[bool, list[str]] = {False: [], True: []}  # FROM, FROM NAMED
    stream = list(tokens(query))
    for i, token in enumerate(stream):
        keyword = token.text.upper() if token.kind == "word" else ""
        following = stream[i + 1 : i + 3]
        if keyword == "BASE" and following and following[0].kind == "iri":
            base = _iri(following[0].text, base)
        elif keyword == "PREFIX" and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text[:-1]] = _iri(following[1].text, base)
        elif keyword and not form and keyword not in ("BASE", "PREFIX"):
            form = keyword
        volatile = volatile or keyword in VOLATILE_FUNCTIONS
        if keyword == "SERVICE":
            services.append(_endpoint(stream[i + 1 :], base, prefixes))
        if keyword == "FROM":
            is_named = bool(following) and following[0].text.upper() == "NAMED"
            dataset[is_named].append(_named(stream[i + 1 + is_named :], base, prefixes))
    lookup = _LOOKUP.fullmatch(query) is not None
    froms, named = tuple(dataset[False]), tuple(dataset[True])
    has_dataset = bool(froms or named)  # each FROM is in one of them
    return QueryInfo(form, has_dataset, tuple(services), volatile, lookup, froms, named)


def undeclared_prefixes(query: str) -> list[str]:
    """Prefixes used in prefixed names but declared by no PREFIX, in order of use.

    >>> undeclared_prefixes('PREFIX e: <http://e/> SELECT * { ?s e:p ex:o ; :q "x"^^xsd:int }')
    ['ex', '', 'xsd']
    """
    stream = list(tokens(query))
    declared = {
        following.text[:-1]
        for token, following in zip(stream, stream[1:], strict=False)
        if token.kind == "word" and token.text.upper() == "PREFIX"
    }
    used = (t.text.partition(":")[0] for t in stream if t.kind == "pname")
    return list(dict.fromkeys(p for p in used if p not in declared and p != "_"))


# The parser lists the character classes it expected, Unicode ranges and all ("['A' ..= 'Z'
# | 'a' ..= 'z' | '\u{00C0}'..='\u{00D6}' | ...]", 600 characters): noise to a person.
_CHARACTER_RANGES = re.compile(r",? ?\[[^\]]*\.\.=[^\]]*\]")


def syntax_error(query: str, parser_says: str) -> str:
    """The parser's message, led by the commonest cause when it is the cause."""
    parser_says = _CHARACTER_RANGES.sub("", parser_says).replace("one of, ", "one of ")
    undeclared = undeclared_prefixes(query)
    if not undeclared:
        return f"Syntax error in the query: {parser_says}"
    if undeclared[0] in ("http", "https"):
        return (
            "Syntax error in the query: an IRI must be written in angle brackets, "
            f"<{undeclared[0]}://...>. The parser says: {parser_says}"
        )
    names = ", ".join(f"{p}:" for p in undeclared)
    return (
        f"Syntax error in the query: undeclared prefix {names} (declare it first, e.g. "
        f"PREFIX {undeclared[0]}: <http://...>). The parser says: {parser_says}"
    )


def check(query: str, max_length: int, allowed_services: frozenset[str]) -> QueryInfo:
    """Refuse (``QueryError``) what a read-only endpoint must not run."""
    if len(query) > max_length:
        raise QueryError(
            413, f"The query has {len(query)} characters; this endpoint accepts {max_length}."
        )
    brackets = query.count("{") + query.count("(") + query.count("[")
    if brackets > MAX_NESTING and (depth := nesting(query)) > MAX_NESTING:
        raise QueryError(
            400,
            f"The query nests brackets {depth} levels deep; this endpoint reads at most "
            f"{MAX_NESTING} (deeper nesting would crash the query engine's parser).",
        )
    try:
        info = read(query)
    except ValueError as e:  # an IRI that cannot be resolved against BASE
        raise QueryError(400, f"The query has an IRI that cannot be read: {e}.") from None
    if info.form in UPDATE_OPERATIONS:
        raise QueryError(
            403, f"SPARQL Update ({info.form}) is not allowed: this endpoint is read-only."
        )
    for endpoint in info.services:
        if endpoint not in allowed_services:
            allowed = " ".join(f"<{s}>" for s in sorted(allowed_services)) or "none"
            raise QueryError(
                400,
                f"SERVICE {_shown(endpoint)} is not allowed: this endpoint sends no request to "
                f"other endpoints except those its operator lists (allowed: {allowed}).",
            )
    return info


def _endpoint(after: list[Token], base: str, prefixes: dict[str, str]) -> str:
    if after and after[0].kind == "word" and after[0].text.upper() == "SILENT":
        after = after[1:]
    return _named(after, base, prefixes)


def _named(after: list[Token], base: str, prefixes: dict[str, str]) -> str:
    """The IRI the first of ``after`` names (an IRI or a prefixed name), or its text."""
    if not after:
        return ""
    token = after[0]
    if token.kind == "iri":
        return _iri(token.text, base)
    if token.kind == "pname":
        prefix, _, local = token.text.rstrip(".").partition(":")
        return prefixes[prefix] + local if prefix in prefixes else token.text
    return token.text  # a variable: never on an allow-list


def _iri(token: str, base: str) -> str:
    """An IRIREF token's IRI: escapes decoded, resolved against BASE."""
    iri = re.sub(_UCHAR, lambda m: chr(int(m.group()[2:], 16)), token[1:-1])
    return urljoin(base, iri) if base else iri


def _shown(endpoint: str) -> str:
    return f"<{endpoint}>" if "://" in endpoint else endpoint or "(no endpoint)"

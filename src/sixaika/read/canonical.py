"""One order for a set of triples, whichever store they came from.

Stores answer in an order of their own and name blank nodes as they like (a remote store
may name them anew in every answer). A document is the same bytes, and so has the same
ETag, on every web node and over every store when its triples are sorted and each blank
node is named by what it holds and what holds it: that is what ``canonical`` does.

Two blank nodes that hold the same and hang from the same place get names that differ
only by a counter; either way round, the document reads the same.

>>> a, p = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p")
>>> one = [ox.Triple(a, p, ox.BlankNode("x")), ox.Triple(ox.BlankNode("x"), p, ox.Literal("v"))]
>>> other = [ox.Triple(ox.BlankNode("y"), p, ox.Literal("v")), ox.Triple(a, p, ox.BlankNode("y"))]
>>> canonical(one) == canonical(other)
True
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar, cast

import pyoxigraph as ox

T = TypeVar("T")
MAX_DEPTH = 8  # blank nodes nest this deep at most in what we publish; cycles stop here


def canonical(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """``triples`` once each, sorted, blank nodes named by their content."""
    unique = list(dict.fromkeys(triples))
    blanks = {
        term for t in unique for term in (t.subject, t.object) if isinstance(term, ox.BlankNode)
    }
    if blanks:
        names = _names(unique, blanks)
        unique = [
            ox.Triple(_renamed(t.subject, names), t.predicate, _renamed(t.object, names))
            if t.subject in names or t.object in names
            else t
            for t in unique
        ]
    return sorted(unique, key=str)  # by the N-Triples line: subject, predicate, object


def _names(triples: list[ox.Triple], blanks: set) -> dict[ox.BlankNode, ox.BlankNode]:
    """A name for each blank node: a digest of what it holds and of what holds it.

    Named from the top down, so that a node's holder is known by its new name: two
    copies of one nested structure then keep their parts apart.
    """
    held: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    holders: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            held[t.subject].append(t)
        if isinstance(t.object, ox.BlankNode):
            holders[t.object].append(t)
    contents: dict[ox.BlankNode, str] = {}

    def content(node: ox.BlankNode, depth: int = 0) -> str:
        if node not in contents:
            if depth > MAX_DEPTH:  # a cycle, which nothing we publish has
                return "…"
            parts = sorted(f"{t.predicate} {_term(t.object, content, depth)}" for t in held[node])
            contents[node] = "[" + " ; ".join(parts) + "]"
        return contents[node]

    names: dict[ox.BlankNode, ox.BlankNode] = {}
    taken: dict[str, int] = defaultdict(int)
    pending = set(blanks)
    while pending:
        ready = [n for n in pending if all(_known(t.subject, names) for t in holders[n])]
        ready = ready or list(pending)  # held in a cycle: named by content alone
        signatures = {n: content(n) + " @ " + _holders(holders[n], names) for n in ready}
        for node in sorted(ready, key=lambda n: signatures[n]):
            digest = hashlib.blake2b(signatures[node].encode(), digest_size=12).hexdigest()
            taken[digest] += 1
            names[node] = ox.BlankNode(f"b{digest}{taken[digest] - 1 or ''}")
        pending -= set(ready)
    return names


def _holders(links: list[ox.Triple], names: dict) -> str:
    """Where a blank node hangs: its holders by IRI or by their new names."""
    return " ".join(sorted(f"{names.get(t.subject, t.subject)} {t.predicate}" for t in links))


def _renamed(term: T, names: dict[ox.BlankNode, ox.BlankNode]) -> T:
    return cast(T, names.get(term, term)) if isinstance(term, ox.BlankNode) else term


def _known(term: object, names: dict) -> bool:
    return not isinstance(term, ox.BlankNode) or term in names


def _term(term, content, depth: int) -> str:
    return content(term, depth + 1) if isinstance(term, ox.BlankNode) else str(term)

"""The ``Accept`` header (RFC 9110 §12.5.1): media ranges and how much a client wants a type.

Parameters other than ``q`` never stop a range from matching (``text/turtle; charset=utf-8``
asks for Turtle); those that matter, like JSON-LD's ``profile``, are left to the caller.

>>> ranges = parse("text/*;q=0.5, text/csv;charset=utf-8, */*;q=0.1")
>>> preference(("text/csv",), ranges), preference(("text/plain",), ranges)
((1.0, 3), (0.5, 2))
>>> preference(("image/png",), ranges)
(0.1, 1)
>>> preference(("application/n-triples", "text/plain"), parse("text/*"))  # an alias is named
(0.0, 0)
>>> preference(("text/csv",), parse("text/csv;charset=latin1;q=0, text/csv"))  # plainer wins
(1.0, 3)
>>> best(["a/b", "c/d"], lambda name: preference((name,), parse("c/d, */*")))
'c/d'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    params: dict[str, str]
    q: float

    def specificity(self, media_type: str) -> int:
        """How specifically this range names ``media_type``: 3 exactly, 2, 1, 0 not at all."""
        main, _, sub = media_type.partition("/")
        if (self.type, self.subtype) == (main, sub):
            return 3
        if self.type == main and self.subtype == "*":
            return 2
        return 1 if (self.type, self.subtype) == ("*", "*") else 0


def parse(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; what is not one is skipped."""
    ranges = []
    for item in header.split(","):
        kind, *params = (p.strip() for p in item.split(";"))
        if "/" not in kind:
            continue
        main, sub = kind.lower().split("/", 1)
        values = {}
        for param in params:
            name, _, value = param.partition("=")
            values[name.strip().lower()] = value.strip().strip('"')
        try:
            q = float(values.pop("q", "1"))
        except ValueError:
            q = 0.0
        ranges.append(MediaRange(main, sub, values, min(max(q, 0.0), 1.0)))
    return ranges


def preference(names: tuple[str, ...], ranges: list[MediaRange]) -> tuple[float, int]:
    """(q, specificity) of a format known by ``names``, its media type first, then aliases.

    The most specific range that names it decides, so ``text/csv;q=0`` refuses CSV whatever
    ``*/*`` says; between two as specific, one without parameters, which our formats have
    none of, over one with (``text/csv;charset=latin1``). An alias (``text/plain`` for
    N-Triples) counts only when named exactly.
    """
    found, decided_by = (0.0, 0), (0, False)
    for name in names:
        for r in ranges:
            specificity = r.specificity(name)
            if specificity < 3 and name != names[0]:
                continue
            if specificity and (specificity, not r.params) > decided_by:
                found, decided_by = (r.q, specificity), (specificity, not r.params)
    return found


def best(candidates: Iterable[T], liked: Callable[[T], tuple[float, int]]) -> T | None:
    """The candidate the client likes best by ``liked`` (q, then specificity), the first of
    equals: the server's order decides among what the client likes as much; None: none."""
    chosen, chosen_liking = None, (0.0, 0)
    for candidate in candidates:
        liking = liked(candidate)
        if liking[0] > 0 and liking > chosen_liking:
            chosen, chosen_liking = candidate, liking
    return chosen

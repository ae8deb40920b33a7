"""Errors a person can act on: each names the file and the place in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Origin:
    """Where a record (or a fact) was written: a file and, where known, a line."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def sort_key(self) -> tuple[str, int]:
        """By file, then by line, as a person reads them (a whole file first).

        >>> places = [Origin(Path("b"), 1), Origin(Path("a"), 9), Origin(Path("a"))]
        >>> [str(place) for place in sorted(places, key=Origin.sort_key)]
        ['a', 'a:9', 'b:1']
        """
        return (str(self.path), self.line or 0)


class InputError(Exception):
    """Source input that cannot be used at all (exit code 2), told in English or Finnish.

    >>> error = InputError(Origin(Path("data/x.yaml"), 3), "no colon", fi="ei kaksoispistettä")
    >>> str(error), error.text("fi")
    ('data/x.yaml:3: no colon', 'data/x.yaml:3: ei kaksoispistettä')
    """

    def __init__(self, where: Origin | Path | str, message: str, fi: str | None = None):
        self.where = where
        self.message = message
        self.fi = fi  # the message in Finnish, for those a city coordinator meets
        super().__init__(f"{where}: {message}")

    def text(self, lang: str = "en") -> str:
        return f"{self.where}: {self.fi if lang == 'fi' and self.fi else self.message}"

    def __reduce__(self):  # raised in a build worker, re-raised in the parent
        return (InputError, (self.where, self.message, self.fi))


class InputErrors(InputError):
    """Several unusable files, found in one reading: a person fixes them all in one go.

    >>> both = InputErrors([InputError("a.yaml:1", "x"), InputError("b.yaml:2", "y")])
    >>> str(both), [e.text() for e in both.errors]
    ('a.yaml:1: x', ['a.yaml:1: x', 'b.yaml:2: y'])
    """

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__(errors[0].where, errors[0].message, errors[0].fi)

    def __reduce__(self):
        return (InputErrors, (self.errors,))

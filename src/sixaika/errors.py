"""Errors a person can act on: each names the file and the place in it."""

from __future__ import annotations

import errno
from concurrent.futures.process import BrokenProcessPool
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


class Failure(Exception):
    """A command that could not be done for a reason outside the sources (exit code 3):
    another build holds the lock, the disk is full, memory ran out. One line, in English or
    Finnish; the traceback only when asked for (``--debug``)."""

    def __init__(self, message: str, fi: str | None = None):
        self.message = message
        self.fi = fi
        super().__init__(message)

    def text(self, lang: str = "en") -> str:
        return self.fi if lang == "fi" and self.fi else self.message

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        """Why a command failed, told by the unexpected ``error`` that stopped it.

        >>> full = OSError(errno.ENOSPC, "No space left on device", "var/releases/x")
        >>> Failure.of(full).text("fi")
        'levy on täynnä (No space left on device: var/releases/x)'
        >>> Failure.of(OSError("IO error: Read-only file system")).text()
        'the file system is read-only (IO error: Read-only file system)'
        >>> Failure.of(KeyError("id")).text()
        "unexpected KeyError ('id'); --debug shows where"
        """
        words = _words(error)
        known = _known_cause(error)
        if known is None:  # a fault of ours: whoever fixes it needs the traceback
            name = type(error).__name__
            return cls(
                f"unexpected {name}{words}; --debug shows where",
                fi=f"odottamaton {name}{words}; --debug näyttää kohdan",
            )
        return cls(f"{known[0]}{words}", fi=f"{known[1]}{words}")


# An operating system's refusals, by errno or by their words (pyoxigraph's carry no errno).
_OS_CAUSES = (
    (errno.ENOSPC, "No space left on device", "the disk is full", "levy on täynnä"),
    (errno.EDQUOT, "Disk quota exceeded", "the disk quota is used up", "levykiintiö on täynnä"),
    (
        errno.EROFS,
        "Read-only file system",
        "the file system is read-only",
        "tiedostojärjestelmään ei voi kirjoittaa",
    ),
    (errno.EACCES, "Permission denied", "permission denied", "ei käyttöoikeutta"),
)


def _known_cause(error: BaseException) -> tuple[str, str] | None:
    """Why a command failed, in a few words (en, fi), if the machine is the reason."""
    if isinstance(error, MemoryError):
        return "out of memory", "muisti loppui"
    if isinstance(error, BrokenProcessPool):  # the kernel's OOM killer, most likely
        return (
            "a worker process was killed (out of memory?)",
            "työprosessi lopetettiin kesken (loppuiko muisti?)",
        )
    for code, words, en, fi in _OS_CAUSES:
        if getattr(error, "errno", None) == code or words in str(error):
            return en, fi
    if isinstance(error, OSError):
        return "the system refused", "järjestelmä kieltäytyi"
    return None


def _words(error: BaseException) -> str:
    """The error's own words, in brackets (nothing if it has none)."""
    if isinstance(error, OSError) and error.strerror and error.filename:
        return f" ({error.strerror}: {error.filename})"
    words = "" if isinstance(error, BrokenProcessPool) else str(error)
    return f" ({words})" if words else ""

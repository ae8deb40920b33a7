"""What a page says about the release it comes from: the release's id and when it was
built (the footer, "cite this"), and the holes the build leaves for them in the pages it
renders ahead (``prerender``), filled when a page is answered.

Why holes: with the stamp in them, every release's pages differed from the last one's,
so every build rendered every page again, an incremental one too (at 100k projects,
200 s of a build that took 29 s without). With holes, a page whose description did not
change is the same bytes in the next release, which keeps it.

>>> stamp = Stamp("20261204T100000000000Z", "2026-12-04T10:00:00+00:00")
>>> page = f"<p>{HOLES.id}, {HOLES.day_in('fi')} ({HOLES.year})</p>".encode()
>>> filled(page, stamp, "fi").decode()
'<p>20261204T100000000000Z, 4.12.2026 (2026)</p>'
"""

from __future__ import annotations

from dataclasses import dataclass

from .present import format_date

_HOLE = "\ue000"  # a private-use character, which no source may hold (build/limits.py)


@dataclass(frozen=True)
class Stamp:
    """A release's id and the time it was built (ISO 8601), as its pages say them."""

    id: str
    built: str

    @property
    def day(self) -> str:
        return self.built[:10]

    @property
    def year(self) -> str:
        return self.built[:4]

    def day_in(self, lang: str) -> str:
        """The day as people write it in ``lang``."""
        return format_date(self.day, lang)


@dataclass(frozen=True)
class _Holes(Stamp):
    """Where a stamp goes: each of its values is a hole of its own."""

    @property
    def day(self) -> str:
        return f"{_HOLE}day{_HOLE}"

    @property
    def year(self) -> str:
        return f"{_HOLE}year{_HOLE}"

    def day_in(self, lang: str) -> str:
        return f"{_HOLE}day-in{_HOLE}"


HOLES = _Holes(f"{_HOLE}id{_HOLE}", f"{_HOLE}built{_HOLE}")


def filled(page: bytes, stamp: Stamp, lang: str) -> bytes:
    """``page``, rendered with ``HOLES``, saying ``stamp`` in ``lang``."""
    if _HOLE.encode() not in page:
        return page
    for hole, value in (
        (HOLES.id, stamp.id),
        (HOLES.built, stamp.built),
        (HOLES.day, stamp.day),
        (HOLES.year, stamp.year),
        (HOLES.day_in(lang), stamp.day_in(lang)),
    ):
        page = page.replace(hole.encode(), value.encode())
    return page

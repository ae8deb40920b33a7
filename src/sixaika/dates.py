"""Dates as precise as their source: a day (xsd:date), a month (xsd:gYearMonth) or a
year (xsd:gYear), as DCAT-AP 3 allows for the start and end of a period.

A month or a year stands for every day in it. To order such dates, or to tell whether a
project has ended, a start counts from its first day and an end up to its last: a period
that ends in "2020" runs until 31 December 2020.

>>> start, end = PeriodDate.parse("2017-09"), PeriodDate.parse("2018", XSD + "gYear")
>>> start.first, end.last, start.precision
(datetime.date(2017, 9, 1), datetime.date(2018, 12, 31), 'month')
>>> PeriodDate.parse("2017-13") is None, PeriodDate.parse("2018", XSD + "date") is None
(True, True)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import Term

XSD = "http://www.w3.org/2001/XMLSchema#"
DCAT = "http://www.w3.org/ns/dcat#"
# The properties whose dates may be a month or a year (the rest are days: xsd:date).
PERIOD_DATE_PROPERTIES = (DCAT + "startDate", DCAT + "endDate")
# The lexical form and the datatype of each precision, most precise first.
_FORMS = {
    "day": (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), XSD + "date"),
    "month": (re.compile(r"^(\d{4})-(\d{2})$"), XSD + "gYearMonth"),
    "year": (re.compile(r"^(\d{4})$"), XSD + "gYear"),
}
DATATYPES = {datatype: precision for precision, (_, datatype) in _FORMS.items()}


@dataclass(frozen=True)
class PeriodDate:
    """A date of some precision: the first and the last day it may mean."""

    first: dt.date
    last: dt.date
    precision: str  # day, month or year

    @classmethod
    def parse(cls, lexical: str, datatype: str | None = None) -> PeriodDate | None:
        """The date written ``lexical`` (of ``datatype``, if given), or None if it is none."""
        for precision, (form, its_type) in _FORMS.items():
            found = form.match(lexical)
            if found and datatype in (None, its_type):
                try:
                    return cls._of(precision, *(int(part) for part in found.groups()))
                except ValueError:  # 2017-13, 2019-02-30
                    return None
        return None

    @classmethod
    def of_day(cls, day: dt.date) -> PeriodDate:
        return cls(day, day, "day")

    @classmethod
    def of_literal(cls, term: Term) -> PeriodDate | None:
        """The day, month or year an RDF literal holds, or None."""
        if not isinstance(term, ox.Literal):
            return None
        return cls.parse(term.value, term.datatype.value)

    @classmethod
    def _of(cls, precision: str, year: int, month: int = 0, day: int = 0) -> PeriodDate:
        if precision == "day":
            return cls(dt.date(year, month, day), dt.date(year, month, day), precision)
        if precision == "month":
            first = dt.date(year, month, 1)  # raises for a 13th month
            last = calendar.monthrange(year, month)[1]
            return cls(first, dt.date(year, month, last), precision)
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), precision)

    @property
    def datatype(self) -> str:
        return _FORMS[self.precision][1]


_RANK = {"day": 0, "month": 1, "year": 2}


def earliest(dates: Iterable[PeriodDate]) -> PeriodDate | None:
    """The date that starts first; of two that start on one day, the more precise.

    >>> earliest([PeriodDate.parse("2014"), PeriodDate.parse("2014-01-01")]).precision
    'day'
    """
    return min(dates, key=lambda date: (date.first, _RANK[date.precision]), default=None)


def latest(dates: Iterable[PeriodDate]) -> PeriodDate | None:
    """The date that ends last; of two that end on one day, the more precise."""
    return max(dates, key=lambda date: (date.last, -_RANK[date.precision]), default=None)


def start_of(starts: Iterable[PeriodDate]) -> PeriodDate | None:
    """When one thing started, by the starts its sources give: the earliest, where a
    month or a year that holds a more precise start gives way to it (it says less, not
    otherwise). Dates of different things keep to :func:`earliest`.

    >>> start_of([PeriodDate.parse("2018"), PeriodDate.parse("2018-08-01")]).first
    datetime.date(2018, 8, 1)
    >>> start_of([PeriodDate.parse("2018"), PeriodDate.parse("2017-12-15")]).first
    datetime.date(2017, 12, 15)
    >>> start_of([PeriodDate.parse("2018-08"), PeriodDate.parse("2018-08-15")]).first
    datetime.date(2018, 8, 15)
    """
    return earliest(_refined(starts))


def end_of(ends: Iterable[PeriodDate]) -> PeriodDate | None:
    """When one thing ended, by the ends its sources give (as :func:`start_of`).

    >>> end_of([PeriodDate.parse("2021"), PeriodDate.parse("2021-05-31")]).last
    datetime.date(2021, 5, 31)
    >>> latest([PeriodDate.parse("2021"), PeriodDate.parse("2021-05-31")]).last
    datetime.date(2021, 12, 31)
    """
    return latest(_refined(ends))


def _refined(dates: Iterable[PeriodDate]) -> list[PeriodDate]:
    """``dates`` without those that hold a more precise one of them (1.8.2018 or 8/2018
    within 2018, 1.8.2018 within 8/2018). A month or a year is a calendar unit, so to hold
    a finer date is to share its year or its year and month: one pass, not one per pair
    (a record may give thousands of periods).
    """
    given = list(dates)
    finer_years = {d.first.year for d in given if d.precision != "year"}
    day_months = {(d.first.year, d.first.month) for d in given if d.precision == "day"}
    return [d for d in given if not _holds_one(d, finer_years, day_months)]


def _holds_one(date: PeriodDate, finer_years: set[int], day_months: set[tuple[int, int]]) -> bool:
    if date.precision == "year":
        return date.first.year in finer_years
    if date.precision == "month":
        return (date.first.year, date.first.month) in day_months
    return False


def status(start: PeriodDate | None, end: PeriodDate | None, today: dt.date) -> str | None:
    """Whether a project has not started, is running or has ended on ``today``; None when
    the period cannot tell (it has started, and no end is known).

    >>> day = PeriodDate.parse
    >>> [status(day("2014-07-01"), day(end), dt.date(2020, 6, 1)) for end in ("2020", "2019")]
    ['running', 'ended']
    >>> [status(day(start), None, dt.date(2020, 6, 1)) for start in ("2021", "2019")]
    ['not started', None]
    """
    if start is not None and today < start.first:
        return "not started"
    if end is not None:
        return "ended" if today > end.last else "running"
    return None

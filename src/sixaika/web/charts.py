"""Pictures of the data, drawn on the server as SVG geometry (no JavaScript needed).

Functions here only compute positions; ``templates/charts.html`` writes the SVG, so
every label goes through the template engine's escaping.

>>> chart = bar_chart([("ERDF", 3, "/a"), ("ESF", 1, None)])
>>> [round(b.width) for b in chart.bars]
[300, 100]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..dates import PeriodDate

BAR_AREA, ROW = 300, 36  # labels sit above their bars, so long names need no cutting
OPEN = 24  # the bar of a span with no end: it fits in the timeline's right margin


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None
    y: float  # top of the row: the label's line, then the bar
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = BAR_AREA + 60


def bar_chart(items: list[tuple[str, int, str | None]]) -> BarChart:
    """Horizontal bars, biggest first: (label, count, link) each."""
    items = sorted(items, key=lambda i: (-i[1], i[0]))
    top = max((count for _, count, _ in items), default=1) or 1
    bars = [
        Bar(label, count, href, 4 + i * ROW, BAR_AREA * count / top)
        for i, (label, count, href) in enumerate(items)
    ]
    return BarChart(bars, 8 + ROW * len(bars))


@dataclass(frozen=True)
class Span:
    label: str
    href: str | None
    start: PeriodDate
    end: PeriodDate | None  # None: no end is known
    y: float
    x: float
    width: float
    lang: str | None = None  # the label's language, where it is not the page's


@dataclass(frozen=True)
class Timeline:
    spans: list[Span]
    ticks: list[tuple[int, float]]  # (year, x)
    height: int
    width: int
    label_width: int = 330


def timeline(
    items: list[tuple[str, str | None, PeriodDate, PeriodDate | None, str | None]],
    width: int = 980,
) -> Timeline:
    """One bar per project from its start to its end, in order of start: a month or a
    year from its first day to its last.

    A project with no known end gets a short bar, which the picture fades out.

    >>> chart = timeline([("HIPPA", None, PeriodDate.of_day(dt.date(2018, 8, 1)), None, None)])
    >>> chart.spans[0].width, [year for year, _ in chart.ticks]
    (24, [2018, 2019])
    >>> chart = timeline([("A", None, PeriodDate.parse("2018-08-02"), None, None),
    ...                   ("B", None, PeriodDate.parse("2018-08"), PeriodDate.parse("2019"), "fi")])
    >>> month, day = chart.spans  # August 2018 starts on its first day, before the 2nd
    >>> [month.label, day.label], round(month.x + month.width) == round(chart.ticks[-1][1])
    (['B', 'A'], True)
    """
    items = sorted(items, key=lambda i: (i[2].first, i[3].last if i[3] else dt.date.max, i[0]))
    first = min(i[2].first for i in items).year
    last = max((i[3] or i[2]).last for i in items).year + 1
    left, area = 330, width - 330 - 30

    def x(day: dt.date) -> float:
        span = dt.date(last, 1, 1) - dt.date(first, 1, 1)
        return left + area * (day - dt.date(first, 1, 1)).days / span.days

    def width_of(start: PeriodDate, end: PeriodDate | None) -> float:
        return max(x(end.last + dt.timedelta(days=1)) - x(start.first), 2) if end else OPEN

    spans = [
        Span(label, href, start, end, 24 + n * 20, x(start.first), width_of(start, end), lang)
        for n, (label, href, start, end, lang) in enumerate(items)
    ]
    ticks = [(year, x(dt.date(year, 1, 1))) for year in range(first, last + 1)]
    return Timeline(spans, ticks, 34 + 20 * len(spans), width)


def year_histogram(years: list[tuple[int, int]]) -> BarChart:
    """Projects per start year, in year order (for when there are too many to draw singly)."""
    chart = bar_chart([(str(year), n, None) for year, n in years])
    ordered = sorted(chart.bars, key=lambda b: b.label)
    bars = [Bar(b.label, b.value, None, 4 + i * ROW, b.width) for i, b in enumerate(ordered)]
    return BarChart(bars, chart.height)

"""The cities on a map of Finland, drawn on the server as SVG (no tiles, no script).

The outline is Natural Earth's (public domain), packaged in ``geo/finland.json`` (see
``geo/README.md``); the cities' places are the data's own (``schema:geo`` on the city
concepts). Each city is a circle whose area grows with its projects, linking to the
project table filtered by it. ``/map`` is the whole map; project and organisation pages
have a small one (``small_map``). Functions here compute positions; ``templates/map.html``
writes the SVG, so every name goes through the template engine's escaping.

>>> to_svg = Projection(((20.0, 60.0), (30.0, 70.0)), width=100)
>>> to_svg(20.0, 70.0), to_svg(30.0, 60.0)[1]
((4.0, 4.0), 213.9)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from markupsafe import Markup
from werkzeug.wrappers import Response

from ..search.index import EVERY_PROJECT, Filters
from . import i18n
from .conneg import PAGE
from .render import page_renderer
from .respond import send
from .search import index
from .site import links, site
from .table import SCOPES, to_param

bp = Blueprint("maps", __name__)

OUTLINE = Path(__file__).parent / "geo" / "finland.json"
LATITUDE_OF_SCALE = 64.0  # degrees: where a degree of longitude keeps its length
MARGIN = 4.0


class Projection:
    """Longitude and latitude to SVG coordinates: an equirectangular projection with a
    degree of longitude shortened as at 64°N, which keeps Finland's shape on one page."""

    def __init__(self, bounds: tuple[tuple[float, float], tuple[float, float]], width: float):
        (self.west, self.south), (east, self.north) = bounds
        self.squeeze = math.cos(math.radians(LATITUDE_OF_SCALE))
        span = (east - self.west) * self.squeeze
        self.scale = (width - 2 * MARGIN) / span
        self.width = width
        self.height = (self.north - self.south) * self.scale + 2 * MARGIN

    def __call__(self, longitude: float, latitude: float) -> tuple[float, float]:
        x = (longitude - self.west) * self.squeeze * self.scale + MARGIN
        y = (self.north - latitude) * self.scale + MARGIN
        return round(x, 1), round(y, 1)


@cache
def outline() -> list[list[tuple[float, float]]]:
    """Finland's rings (mainland and the larger islands), longitude and latitude."""
    return [[(x, y) for x, y in ring] for ring in json.loads(OUTLINE.read_text())]


@cache
def bounds() -> tuple[tuple[float, float], tuple[float, float]]:
    points = [p for ring in outline() for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys)), (max(xs), max(ys))


@dataclass(frozen=True)
class Spot:
    """A place on the map: where, how big, what it is called and where it links."""

    iri: str
    name: str
    lang: str | None
    x: float
    y: float
    r: float
    count: int
    href: str
    label: str  # what a screen reader says: the name and the count
    chosen: bool  # the page's own (a project's cities): drawn stronger


@dataclass(frozen=True)
class Map:
    width: float
    height: float
    land: str  # the outline as an SVG path
    spots: list[Spot]
    small: bool


Place = tuple[str, str, str | None, float, float, int, str, str]


def draw(
    places: list[Place],
    width: float,
    small: bool = False,
    chosen: frozenset[str] = frozenset(),
) -> Map:
    """The map of ``places`` (iri, name, lang, latitude, longitude, count, href, label):
    circles whose areas are in proportion to the counts, the biggest ``width / 14``."""
    project = Projection(bounds(), width)
    most = max((p[5] for p in places), default=0) or 1
    biggest = width / 14
    spots = []
    for iri, name, lang, latitude, longitude, count, href, label in places:
        x, y = project(longitude, latitude)
        r = max(biggest * math.sqrt(count / most), 2.0 if small else 3.0)
        spots.append(Spot(iri, name, lang, x, y, round(r, 1), count, href, label, iri in chosen))
    spots.sort(key=lambda s: -s.r)  # small circles on top of big ones, where they overlap
    return Map(width, round(project.height, 1), land(width), spots, small)


@cache
def land(width: float) -> str:
    """Finland's outline as an SVG path on a map ``width`` wide: the same on every such map
    (each project and organisation page has one, and projecting its points took 2 ms)."""
    project = Projection(bounds(), width)
    return " ".join(
        "M" + " L".join(f"{x},{y}" for x, y in (project(*p) for p in ring)) + " Z"
        for ring in outline()
    )


# Reading the places --------------------------------------------------------------------


def coordinates() -> dict[str, tuple[float, float]]:
    """Every place with coordinates in the data: IRI -> (latitude, longitude)."""
    return {iri: (point[0], point[1]) for iri, point in site().facts["places"].items()}


def city_map(
    filters: Filters, width: float, small: bool, lang: str, chosen: frozenset[str] = frozenset()
) -> Map:
    """The cities with as many projects as pass ``filters``; each links to those projects."""
    if filters == EVERY_PROJECT:  # on every project's page: the same in each language
        key = ("city_places", lang, i18n.asked_language(), request.script_root)
        places = site().parts.get_or_compute(key, lambda: _places(filters, lang))
    else:
        places = _places(filters, lang)
    return draw(places, width, small, chosen)


def _places(filters: Filters, lang: str) -> list[Place]:
    """Each city's place, name and count of the projects that pass ``filters``."""
    found = index()
    counts = {v.value: v.count for v in found.facets(filters, ("city",))["city"]}
    places = []
    for iri, (latitude, longitude) in sorted(coordinates().items()):
        named = i18n.pick(found.labels(iri), lang) or (iri, "")
        count = counts.get(iri, 0)
        label = f"{named[0]}: {i18n.counted('n_projects', lang, count)}"
        places.append(
            (
                iri,
                named[0],
                named[1] or None,
                latitude,
                longitude,
                count,
                _table(filters, iri),
                label,
            )
        )
    return places


def _table(filters: Filters, city: str) -> str:
    """The project table's address for ``filters`` (an organisation, or none) and ``city``."""
    ids = site().settings.urls.id
    orgs = [
        ("organisation", to_param(o, ids(SCOPES["organisation"]))) for o in filters.organisation
    ]
    query = urlencode([*orgs, ("city", to_param(city, ids(SCOPES["city"])))])
    return i18n.page_url(f"{links().projects()}?{query}", i18n.asked_language())


def small_map(iri: str, kind: str, lang: str, cities: tuple[str, ...] = ()) -> Markup | None:
    """The small map of a project's cities (``cities``) or of an organisation's projects."""
    if site().index is None or not coordinates():
        return None
    if kind == "organisation":
        drawn = city_map(Filters(organisation=(iri,)), 176, True, lang)
        if not any(s.count for s in drawn.spots):
            return None
        return _rendered(drawn, i18n.text("map_of_organisation", lang))
    # A project's map shows every project's cities, its own marked: the same map for each
    # project in the same cities, rendered once per set of cities, language and root.
    chosen = frozenset(cities)
    key = ("small_map", chosen, lang, i18n.asked_language(), request.script_root)
    return site().maps.get_or_compute(
        key,
        lambda: _rendered(
            city_map(Filters(), 176, True, lang, chosen), i18n.text("map_of_project", lang)
        ),
    )


def _rendered(drawn: Map, caption: str) -> Markup:
    return Markup(render_template("map.html", map=drawn, caption=caption, caption_id="small-map"))


# The page --------------------------------------------------------------------------------


@bp.get("/map")
def whole_map() -> Response:
    def data(lang: str) -> dict[str, Any]:
        drawn = city_map(Filters(), 360, False, lang)
        by_name = sorted(drawn.spots, key=lambda s: s.name.casefold())
        return {
            "map": drawn,
            "cities": by_name,
            "caption": i18n.text("map_caption", lang),
            "caption_id": "map-caption",
            "json": {
                "cities": [
                    {"id": s.iri, "label": s.name, "projects": s.count, "table": s.href}
                    for s in by_name
                ]
            },
        }

    return send("map", PAGE, page_renderer("map_page.html", data), None, request.path)

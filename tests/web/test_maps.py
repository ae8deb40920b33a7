"""The map: Finland's outline from the packaged file, the six cities where the data puts
them, each sized by its projects and linking to the table filtered by it; small maps on
project and organisation pages."""

from __future__ import annotations

import json
import re

from sixaika.web.maps import OUTLINE, Projection, bounds, draw

HTML = {"Accept": "text/html"}


def test_the_outline_is_finland_from_the_packaged_file():
    rings = json.loads(OUTLINE.read_text())
    (west, south), (east, north) = bounds()
    assert 19 < west < 21 and 31 < east < 32 and 59.5 < south < 60 and 69.5 < north < 70.5
    assert max(len(r) for r in rings) > 150  # the mainland, simplified but recognisable
    assert (OUTLINE.parent / "README.md").read_text().count("public domain") >= 1


def test_north_is_up_and_areas_follow_the_counts():
    project = Projection(((20.0, 60.0), (30.0, 70.0)), width=100)
    assert project(25, 69)[1] < project(25, 61)[1] and project(21, 65)[0] < project(29, 65)[0]
    places = [
        ("a", "A", None, 60.2, 24.9, 16, "/a", "A: 16"),
        ("b", "B", None, 65.0, 25.5, 4, "/b", "B: 4"),
    ]
    spots = {s.iri: s for s in draw(places, 200).spots}
    assert round((spots["a"].r / spots["b"].r) ** 2) == 4  # area, not radius, is the count
    assert spots["a"].y > spots["b"].y  # Helsinki south of Oulu


def test_the_map_page_puts_each_city_where_the_data_says_and_links_the_table(client):
    page = client.get("/map", headers=HTML).get_data(as_text=True)
    found = client.get("/map", headers={"Accept": "application/json"}).get_json()["cities"]
    names = {c["label"] for c in found}
    assert names == {"Helsinki", "Espoo", "Vantaa", "Tampere", "Turku", "Oulu"}
    table = client.get("/projects", headers={"Accept": "application/json"}).get_json()
    counts = {f["label"]: f["count"] for f in table["facets"]["city"]}
    assert {c["label"]: c["projects"] for c in found} == counts
    for city in found:
        assert city["table"].startswith("/projects?city=")
        filtered = client.get(city["table"], headers={"Accept": "application/json"}).get_json()
        assert filtered["total"] == city["projects"]
    circles = dict(
        (label, (float(x), float(y)))
        for x, y, label in re.findall(
            r'cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+"><title>([^:]+):', page
        )
    )
    assert circles["Oulu"][1] < circles["Tampere"][1] < circles["Helsinki"][1]  # north up
    assert circles["Turku"][0] < circles["Helsinki"][0] < circles["Vantaa"][0] + 1
    assert "<script" not in page.split("</head>")[1] and "style=" not in page
    assert 'role="group" aria-labelledby="map-caption"' in page
    assert "Natural Earth" in page


def test_a_project_page_has_a_small_map_of_its_cities(client):
    page = client.get("/doc/project/liira", headers=HTML).get_data(as_text=True)
    small = page[page.index('<figure class="map small">') : page.index("</figure>")]
    chosen = re.findall(r'class="city chosen[^"]*"[^>]*><title>([^:]+):', small)
    assert sorted(chosen) == ["Helsinki", "Oulu", "Tampere", "Turku"]


def test_an_organisation_page_maps_its_projects_by_city(client):
    page = client.get("/doc/organisation/oulun-kaupunki", headers=HTML).get_data(as_text=True)
    small = page[page.index('<figure class="map small">') : page.index("</figure>")]
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', small)
    assert links and all("organisation=oulun-kaupunki" in href for href, _ in links)
    oulu = next(label for _, label in links if label.startswith("Oulu:"))
    led = client.get(
        "/projects?organisation=oulun-kaupunki&city=oulu", headers={"Accept": "application/json"}
    ).get_json()
    assert oulu == f"Oulu: {led['total']} projects"


def test_each_project_page_maps_its_own_cities_in_its_own_language(client):
    """The cities' places, names and counts are made once per language (the same on every
    project's page); which cities are the page's own, and its language, are each page's."""

    def small_map(path: str, **headers: str) -> tuple[list[str], list[tuple[str, str]]]:
        page = client.get(path, headers=HTML | headers).get_data(as_text=True)
        small = page[page.index('<figure class="map small">') : page.index("</figure>")]
        chosen = re.findall(r'class="city chosen[^"]*"[^>]*><title>([^:]+):', small)
        return sorted(chosen), re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', small)

    liira, in_english = small_map("/doc/project/liira")
    six, in_finnish = small_map("/doc/project/a70011?lang=fi")
    assert liira == ["Helsinki", "Oulu", "Tampere", "Turku"] and len(six) == 6
    assert all("lang=" not in href and "project" in label for href, label in in_english)
    assert all("lang=fi" in href and "hank" in label for href, label in in_finnish)
    assert small_map("/doc/project/liira?lang=fi") == (liira, in_finnish)
    _, by_accept = small_map("/doc/project/liira", **{"Accept-Language": "fi"})
    assert all("lang=" not in href and "hank" in label for href, label in by_accept)

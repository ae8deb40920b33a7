"""A project's page for people: the summary at the top, each fact once, the sources a link
away, and how to cite it."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from sixaika.web.project import bibtex_escape

HTML = {"Accept": "text/html"}


class Facts(HTMLParser):
    """The top-level rows of the page's facts (``dl.facts`` under ``#facts``): each
    property's name with the text of its values, and the participants of the summary."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []  # [property, values' text]
        self.participants: list[str] = []
        self._section, self._depth, self._in = None, 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = attrs.get("aria-labelledby") or self._section
        if tag == "dl":
            self._depth += 1
        if self._section == "facts" and self._depth == 1 and tag in ("dt", "dd"):
            self._in = tag
            if tag == "dt":
                self.rows.append(["", ""])
        if self._section == "glance" and tag == "li":
            self.participants.append("")
            self._in = "li"

    def handle_endtag(self, tag):
        if tag == "dl":
            self._depth -= 1
        if tag == "li" and self._in == "li":
            self._in = None

    def handle_data(self, data):
        if self._in in ("dt", "dd") and self.rows and self._section == "facts":
            self.rows[-1][0 if self._in == "dt" else 1] += data
        elif self._in == "li":
            self.participants[-1] += data


def page(client, path: str, lang: str = "en") -> str:
    answer = client.get(f"{path}?lang={lang}", headers=HTML)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def facts(html: str) -> Facts:
    parser = Facts()
    parser.feed(html)
    return parser


def test_the_summary_comes_first_with_lead_partners_and_sources(client):
    html = page(client, "/doc/project/a70202")
    assert html.index('id="glance"') < html.index('id="facts"') < html.index('id="sources"')
    glance = html[html.index('id="glance"') : html.index('id="facts"')]
    assert "1 February 2015 – 31 July 2018" in glance
    assert "European Regional Development Fund" in glance and "Open innovation platforms" in glance
    found = facts(html)
    assert found.participants[0].startswith("City of Oulu (lead)")  # the lead first
    assert all("(partner)" in p for p in found.participants[1:]) and len(found.participants) == 12
    sources = html[html.index('id="sources"') : html.index('id="cite-heading"')]
    assert "eura2014.fi/rrtiepa/projekti.php?projektikoodi=A70202" in sources
    assert f'<a href="#sources">{sources.count("<li>")} sources</a>' in glance


def test_budgets_in_the_summary_name_every_figure_the_sources_give(client):
    html = page(client, "/doc/project/a70011", "fi")
    glance = html[html.index('id="glance"') : html.index('id="facts"')]
    assert "Kokonaisbudjetti" in glance and "8\xa0100\xa0000\xa0€" in glance


@pytest.mark.parametrize("lang", ["fi", "en", "sv"])
def test_no_project_page_says_a_fact_twice(client, lang):
    listing = client.get("/doc/project/", headers={"Accept": "application/json"}).get_json()
    assert listing["total"] >= 30
    for item in listing["items"]:
        html = page(client, item["href"], lang)
        found = facts(html)
        names = [name.strip() for name, _ in found.rows]
        assert not [n for n, k in Counter(names).items() if k > 1], (item["href"], names)
        values = [" ".join(v.split()) for _, v in found.rows]
        # the lead, partners and their attributions are the summary's list, once each
        assert len(found.participants) == len(set(found.participants)), item["href"]
        shown = {n.casefold() for n in names}
        assert not shown & {"partner", "osatoteuttaja", "delgenomförare"}, item["href"]
        # the description in the heading's summary is not a fact again
        summary = re.search(r'<p class="summary"[^>]*>(.*?)</p>', html)
        if summary:
            assert all(summary.group(1) not in v for v in values), item["href"]


def test_an_identifier_its_adms_identifier_repeats_is_shown_once(client):
    html = page(client, "/doc/project/a70202")
    assert html.count(">A70202<") == 1  # the ADMS identifier, with its kind and source
    assert "EURA 2014 project code" in html


def test_cite_this_gives_the_iri_release_and_date_as_text_and_bibtex(client, bundled_release):
    html = page(client, "/doc/project/a70202", "en")
    cite = html[html.index('id="cite-heading"') :]
    release, built = bundled_release.id, bundled_release.manifest.built[:10]
    iri = "http://localhost:8000/id/project/a70202"
    assert f'<a href="{iri}">{iri}</a>' in cite and release in cite
    title = re.search(r"<h1[^>]*>(.*?)</h1>", html).group(1)
    text = re.search(r'<p class="citation">(.*?)</p>', cite).group(1)
    assert text.startswith(f"{title}. 6Aika linked open data, release ")
    assert release in text and text.endswith(iri)
    bibtex = re.search(r'<pre class="bibtex"[^>]*>(.*?)</pre>', cite, re.S).group(1)
    assert bibtex.startswith("@misc{6aika-a70202,\n") and bibtex.endswith("\n}")
    assert f"url = {{{iri}}}" in bibtex and f"date = {{{built}}}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")


def test_bibtex_escapes_what_it_gives_a_meaning():
    assert bibtex_escape("R&D {50%} #1 a_b $") == r"R\&D \{50\%\} \#1 a\_b \$"
    assert bibtex_escape("Åbo – Uleåborg") == "Åbo – Uleåborg"


def test_a_title_in_another_language_is_marked_so_in_the_citation(client):
    """A project named only in Finnish, cited on an English page."""
    html = page(client, "/doc/project/turku-kaupunkikoordinaatio-2017-2021", "en")
    heading = re.search(r'<h1 lang="fi">(.*?)</h1>', html).group(1)
    cite = html[html.index('id="cite-heading"') :]
    marked = re.search(r'<p class="citation">(.*?)</p>', cite).group(1)
    assert marked.startswith(f'<span lang="fi">{heading}</span>. ')

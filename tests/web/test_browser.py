"""End to end: `sixaika serve` on 127.0.0.1, read in headless Chromium as a person sees it.

Chromium is Debian's (`.ci/run` installs it); the test drives it over the DevTools
protocol: load a page, read the text that is rendered, measure the pictures, follow a
link, and take a screenshot (kept under the pytest temporary folder).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ..support import CHROMIUM, Browser, running_server

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium installed")


@pytest.fixture(scope="module")
def server(bundled_settings, bundled_release):
    """The production command, on the bundled release."""
    where = {
        "SIXAIKA_ROOT": str(bundled_settings.root),
        "SIXAIKA_RELEASES": str(bundled_settings.releases_dir),
    }
    with running_server(where) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    browser = Browser()
    yield browser
    browser.close()


def _visible_boxes(browser: Browser, selector: str) -> list[dict]:
    return browser.evaluate(
        f"[...document.querySelectorAll({json.dumps(selector)})].map(e => {{"
        "const r = e.getBoundingClientRect(); return {w: r.width, h: r.height}; })"
    )


def test_home_page_as_a_person_sees_it(server, browser, tmp_path_factory):
    browser.open(server + "/")
    text = browser.evaluate("document.body.innerText")
    assert "6Aika linked open data" in text
    assert "Projects over time" in text and "Projects by fund" in text
    assert "European Regional Development Fund" in text  # a bar's label, drawn in SVG
    assert "SPARQL" in text and "Data catalogue" in text
    charts = _visible_boxes(browser, "svg")
    assert len(charts) >= 4 and all(c["w"] > 200 and c["h"] > 40 for c in charts)
    assert browser.evaluate("document.documentElement.lang") == "en"
    shot = browser.screenshot(tmp_path_factory.mktemp("screens") / "home.png")
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000
    # A person follows a link from the timeline to a project.
    href = browser.evaluate("document.querySelector('svg a').getAttribute('href')")
    assert href.startswith("/doc/project/")
    assert browser.blocked() == []  # styles and scripts all within its security policy


def test_project_page_as_a_person_sees_it(server, browser, tmp_path_factory):
    browser.open(server + "/id/project/a70202")  # the 303 is followed as a browser does
    assert browser.evaluate("location.pathname") == "/doc/project/a70202"
    text = browser.evaluate("document.body.innerText")
    assert "Kuutoskaupunkien avoimet innovaatioalustat kärkihanke" in text
    assert "1 February 2015 – 31 July 2018" in text
    assert "City of Oulu" in text and "Turtle" in text and "JSON-LD" in text
    heading = _visible_boxes(browser, "h1")
    assert heading and heading[0]["h"] > 20
    shot = browser.screenshot(tmp_path_factory.mktemp("screens") / "project.png")
    assert len(shot) > 20_000
    assert browser.blocked() == []
    browser.open(server + "/doc/project/a70202?lang=fi")
    assert "Päätoteuttaja" in browser.evaluate("document.body.innerText") or "Oulun kaupunki" in (
        browser.evaluate("document.body.innerText")
    )
    assert browser.evaluate("document.documentElement.lang") == "fi"


def _until(browser: Browser, expression: str, seconds: float = 10):
    """The value of ``expression`` once it is truthy (a page may be between two loads)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = browser.evaluate(expression)
        except RuntimeError:  # the page navigated while it was asked
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"still not true after {seconds} s: {expression}")


def _key(browser: Browser, key: str, code: int, text: str = "") -> None:
    """Press and release a key (Enter types the text "\\r", which submits a form)."""
    typed = {"text": text} if text else {}
    browser.call(
        "Input.dispatchKeyEvent",
        type="keyDown",
        key=key,
        code=key,
        windowsVirtualKeyCode=code,
        **typed,
    )
    browser.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key)


def test_the_search_box_suggests_as_a_person_types_and_leads_to_the_project(server, browser):
    browser.open(server + "/doc/scheme/")
    browser.evaluate("document.getElementById('site-search-q').focus()")
    browser.call("Input.insertText", text="kuutoskaupunkien avo")
    labels = _until(
        browser,
        "[...document.querySelectorAll('#site-search-options [role=option] span')]"
        ".map(e => e.textContent)",
    )
    assert browser.evaluate("document.getElementById('site-search-q').ariaExpanded") == "true"
    wanted = labels.index("Kuutoskaupunkien avoin data")
    for _ in range(wanted + 1):
        _key(browser, "ArrowDown", 40)
    _key(browser, "Enter", 13)
    assert _until(browser, "location.pathname === '/doc/project/a70011' && location.pathname")
    _until(browser, "document.readyState === 'complete'")


def test_the_search_box_is_a_plain_form_for_enter(server, browser):
    browser.open(server + "/")
    browser.evaluate("document.getElementById('site-search-q').focus()")
    browser.call("Input.insertText", text="hankkeet")
    _key(browser, "Enter", 13, "\r")
    assert _until(browser, "location.pathname === '/search' && location.search")
    _until(browser, "document.readyState === 'complete' && !!document.querySelector('ol.results')")
    assert "hanke" in browser.evaluate("document.querySelector('ol.results mark').textContent")

"""WCAG 2.1 AA, as axe-core checks it in headless Chromium, on every type of page; and by
keyboard and at 320 px, as a person using them would.

axe-core is the npm package (package.json, installed by `npm ci` as YASGUI is); without
it these tests are skipped on a developer's machine and fail under CI.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ..support import CHROMIUM, ROOT, Browser, LiveServer

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": "/",
    "project": "/doc/project/a70202",
    "organisation": "/doc/organisation/oulun-kaupunki",
    "concept": "/doc/concept/city/oulu",
    "table": "/projects?city=oulu&fund=erdf",
    "search": "/search?q=kaupungin",
    "map": "/map",
    "sparql": "/sparql",
    "docs": "/api",
    "project in Finnish": "/doc/project/a70202?lang=fi",
    "list": "/doc/project/",
    "ontology": "/def/6aika",
    "shapes": "/shapes",
    "catalog": "/catalog",
    "not found": "/doc/project/no-such-project",
}
NARROW = ("/", "/shapes", "/def/6aika", "/doc/project/a70202", "/projects", "/map", "/api")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium installed")


def axe_source() -> str:
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm ci` (package.json lists axe-core)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(app):
    server, browser = LiveServer(app), Browser()
    yield server.url, browser
    browser.close()
    server.stop()


def serious(browser: Browser, source: str) -> list[dict]:
    """The serious and critical WCAG 2.0/2.1 A and AA violations axe finds on the page."""
    browser.evaluate(source)
    found = browser.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, "
        "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        wait=True,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_violation(site, name):
    url, browser = site
    source = axe_source()
    browser.open(url + PAGES[name])
    if name == "sparql":  # YASGUI draws itself after load
        browser.wait_for("document.querySelector('.CodeMirror') !== null")
    assert serious(browser, source) == [], name


def press_tab(browser: Browser) -> None:
    for kind in ("keyDown", "keyUp"):
        browser.call(
            "Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab", windowsVirtualKeyCode=9
        )


@pytest.mark.parametrize("name", ["home", "project", "table", "map", "docs", "search"])
def test_tab_reaches_the_footer_and_every_stop_shows_its_focus(site, name):
    """A keyboard user gets through the page (no trap) and sees where the focus is."""
    url, browser = site
    browser.open(url + PAGES[name])
    unseen = []
    for _ in range(400):
        press_tab(browser)
        where = browser.evaluate(
            "(() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return [e.tagName, e.textContent.trim().slice(0, 30), s.outlineStyle,"
            " e.closest('footer') !== null]; })()"
        )
        if where[2] == "none":
            unseen.append(where[:2])
        if where[3]:
            break
    assert where[3], f"{name}: Tab did not reach the footer"
    assert unseen == [], name


def test_the_sparql_editor_neither_takes_focus_nor_keeps_it(site):
    url, browser = site
    browser.open(url + "/sparql")
    browser.wait_for("document.querySelector('.CodeMirror') !== null")
    assert browser.evaluate("document.activeElement === document.body")
    browser.evaluate("document.querySelector('.CodeMirror textarea').focus()")
    seen = []
    for _ in range(80):
        press_tab(browser)
        seen.append(browser.evaluate("document.activeElement.closest('footer') !== null"))
        if seen[-1]:
            break
    assert any(seen), "Tab never left the editor for the page's footer"


def test_the_focus_ring_can_be_seen_on_white_and_on_the_header(site):
    url, browser = site
    browser.open(url + "/")
    colour = browser.evaluate(
        "(() => { const a = document.querySelector('main a'); a.focus();"
        " return getComputedStyle(a).outlineColor; })()"
    )
    assert contrast(colour, "rgb(255, 255, 255)") >= 3  # WCAG 1.4.11, non-text contrast
    on_header = browser.evaluate(
        "(() => { const a = document.querySelector('header.site a.brand'); a.focus();"
        " return getComputedStyle(a).outlineColor; })()"
    )
    assert contrast(on_header, "rgb(11, 59, 102)") >= 3


@pytest.mark.parametrize("path", NARROW)
def test_no_page_scrolls_sideways_at_320_px(site, path):
    url, browser = site
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=320,
        height=640,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        browser.open(url + path)
        widths = browser.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert widths[0] <= widths[1], (path, widths)


def test_the_404_page_has_the_sites_header_and_navigation(site):
    url, browser = site
    browser.open(url + "/doc/project/no-such-project")
    assert browser.evaluate("document.querySelector('header.site nav a') !== null")
    assert browser.evaluate("document.querySelector('main h1') !== null")


def test_finnish_names_on_english_pages_say_they_are_finnish(site):
    url, browser = site
    browser.open(url + "/doc/organisation/helsingin-kaupunki")
    title = browser.evaluate(
        "(() => { const h = document.querySelector('h1');"
        " return [h.textContent, h.closest('[lang]').lang]; })()"
    )
    assert title == ["Helsingin kaupunki", "fi"]
    untagged = browser.evaluate(
        "[...document.querySelectorAll('main a')].filter(a => /^[^/]*kaupunki$/.test(a.textContent)"
        " && a.closest('[lang]').lang !== 'fi').map(a => a.textContent)"
    )
    assert untagged == []


def contrast(foreground: str, background: str) -> float:
    """WCAG's contrast ratio of two CSS rgb() colours."""

    def luminance(css: str) -> float:
        values = json.loads("[" + css[css.index("(") + 1 : css.index(")")] + "]")[:3]
        linear = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
            for c in (v / 255 for v in values)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)

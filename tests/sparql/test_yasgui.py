"""End to end: YASGUI, installed from npm and served by `sixaika serve`, runs a query.

Headless Chromium (Debian's, as ``.ci/run`` installs it) loads ``/sparql``, finds one tab
per example query, runs the first one through the endpoint and reads the result table.
Skipped where Chromium or ``node_modules`` (``npm ci``) is missing; CI has both.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ..support import BASE, CHROMIUM, ROOT, Browser, running_server

NODE_MODULES = ROOT / "node_modules"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or not (NODE_MODULES / "@zazuko" / "yasgui").is_dir(),
    reason="needs Chromium and `npm ci`",
)


@pytest.fixture(scope="module")
def served(sparql_settings, sparql_release):
    """``sixaika serve`` on the synthetic release, its root holding YASGUI's node_modules."""
    root = sparql_settings.root
    if not (root / "node_modules").exists():
        (root / "node_modules").symlink_to(NODE_MODULES)
    settings = {
        "SIXAIKA_BASE": BASE,
        "SIXAIKA_ROOT": str(root),
        "SIXAIKA_RELEASES": str(sparql_settings.releases_dir),
    }
    with running_server(settings, ready="/sparql") as url:
        yield url


def wait_for(browser: Browser, expression: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not (value := browser.evaluate(expression)):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        time.sleep(0.1)
    return value


def test_yasgui_runs_an_example(served, tmp_path):
    browser = Browser()
    try:
        browser.open(served + "/sparql")
        tabs = wait_for(browser, "[...document.querySelectorAll('.tab')].map(t => t.innerText)")
        names = [t.split("\n")[0].strip() for t in tabs]  # each tab has its close button
        assert names[:2] == ["Projects per focus area", "Who partners with whom"]
        browser.evaluate("yasgui.getTab().getYasqe().query()")
        cells = wait_for(
            browser, "[...document.querySelectorAll('.yasr td')].map(td => td.innerText)"
        )
        assert any("Open data and interfaces" in cell for cell in cells)
        shot = browser.screenshot(tmp_path / "yasgui.png")
        assert shot[:8] == b"\x89PNG\r\n\x1a\n"
        sources = browser.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
        # our copy, no CDN: every script is the site's own (the header's search box has one)
        assert served + "/sparql/ui/yasgui.min.js" in sources
        assert all(s.startswith(served + "/") for s in sources)
        assert browser.blocked() == []  # it works under the page's Content-Security-Policy
    finally:
        browser.close()

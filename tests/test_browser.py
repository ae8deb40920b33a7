"""End to end: `sixaika serve` on 127.0.0.1, read in headless Chromium as a person sees it.

Chromium is Debian's (`.ci/run` installs it); the test drives it over the DevTools
protocol: load a page, read the text that is rendered, measure the pictures, follow a
link, and take a screenshot (kept under the pytest temporary folder).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from .live import running_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium installed")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--remote-debugging-port=0",
]


@pytest.fixture(scope="module")
def server(bundled_settings, bundled_release):
    """The production command, on the bundled release."""
    with running_server(
        {"SIXAIKA_ROOT": bundled_settings.root, "SIXAIKA_RELEASES": bundled_settings.releases}
    ) as url:
        yield url


class Browser:
    """Just enough of the DevTools protocol: navigate, evaluate, screenshot."""

    def __init__(self) -> None:
        from websockets.sync.client import connect

        self.profile = tempfile.mkdtemp(prefix="chromium-")
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        port = self._devtools_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.socket = connect(page["webSocketDebuggerUrl"], max_size=None)
        self.ids = itertools.count(1)
        self.call("Page.enable")

    def _devtools_port(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if "DevTools listening on ws://" in line:
                return int(line.split("ws://127.0.0.1:", 1)[1].split("/", 1)[0])
        raise RuntimeError("Chromium did not start its DevTools endpoint")

    def call(self, method: str, **params):
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message["result"]

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not load")
            time.sleep(0.05)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(
            self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        )
        path.write_bytes(data)
        return data

    def close(self) -> None:
        self.socket.close()
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)
        shutil.rmtree(self.profile, ignore_errors=True)


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
    browser.open(server + "/doc/project/a70202?lang=fi")
    assert "Päätoteuttaja" in browser.evaluate("document.body.innerText") or "Oulun kaupunki" in (
        browser.evaluate("document.body.innerText")
    )
    assert browser.evaluate("document.documentElement.lang") == "fi"

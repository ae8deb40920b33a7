"""What several test modules share: the project's folders, the synthetic release's
settings, servers on 127.0.0.1 (the app in a thread, ``sixaika serve``, a SPARQL stand-in),
headless Chromium, and the reference files under ``../shared``.

Fixtures live in the ``conftest.py`` files; this module holds plain helpers, imported.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from sixaika import synthetic
from sixaika.config import Settings
from sixaika.release import Release
from sixaika.web import create_app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"

# The SPARQL tests' synthetic release: six made-up projects in the real model.
SYNTHETIC_TRIG = FIXTURES / "sparql" / "synthetic.trig"
BASE = synthetic.BASE
ID = BASE + "id/"
# A project's starts as its span takes them (``dates.start_of``): a year or a month gives
# way to a more precise start within it ("2018" to "2018-08-01": the one's text begins the
# other's). A SPARQL pattern on ?p binding ?start; MIN(STR(?start)) is then its start.
REFINED_START = """
  OPTIONAL {
    ?p <http://purl.org/dc/terms/temporal>/<http://www.w3.org/ns/dcat#startDate> ?start
    FILTER NOT EXISTS {
      ?p <http://purl.org/dc/terms/temporal>/<http://www.w3.org/ns/dcat#startDate> ?finer
      FILTER(STRLEN(STR(?finer)) > STRLEN(STR(?start)) && STRSTARTS(STR(?finer), STR(?start)))
    }
  }"""
TIME_LIMIT = 3  # seconds: the tests' SIXAIKA_QUERY_TIMEOUT
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"


def shared(name: str) -> Path:
    """A folder of ``../shared`` (reference files the project does not ship). Missing, a
    check that needs it is skipped on a developer's machine and fails under CI, where
    ``.ci/run`` lays ``shared/`` beside the clone: a skipped check there would pass unseen."""
    folder = SHARED / name
    if not folder.is_dir():
        message = f"{folder} is missing: the check needs ../shared/{name}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return folder


def copy_mini(root: Path) -> Path:
    """The small synthetic project (``fixtures/mini``) with the real JSON-LD context."""
    shutil.copytree(FIXTURES / "mini", root, dirs_exist_ok=True)
    shutil.copy(ROOT / "ontology" / "context.jsonld", root / "ontology")
    return root


def settings_for(root: Path, **overrides: str) -> Settings:
    """Settings of the synthetic release, kept under ``root``."""
    values = {"root": str(root), "releases": str(root / "releases")}
    values |= {"query_timeout": str(TIME_LIMIT)} | overrides
    return Settings.from_env({"SIXAIKA_BASE": BASE}, **values)


def open_app(settings: Settings, release: Release) -> Flask:
    app = create_app(settings, release=release)
    app.config.update(TESTING=False)  # errors take the production path: no traces
    return app


class LiveServer:
    """The app on a real HTTP server on 127.0.0.1 (threaded, as gunicorn's gthread is)."""

    def __init__(self, app: Flask):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


def on_release(settings: Settings, **more: str) -> dict[str, str]:
    """The environment of a server of ``settings``' release, with ``more`` settings."""
    return {"SIXAIKA_ROOT": settings.root, "SIXAIKA_RELEASES": settings.releases, **more}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answers(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextlib.contextmanager
def running_server(settings: dict[str, str], ready: str = "/", log: Path | None = None):
    """`sixaika serve` (the production command) on a free port, with these settings;
    its output goes to ``log`` (if given)."""
    port = free_port()
    env = {**os.environ, **settings, "SIXAIKA_PORT": str(port), "SIXAIKA_WORKERS": "1"}
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "sixaika.cli", "serve"],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}{ready}")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        if log:
            output.close()


class Listener:
    """A SPARQL endpoint stand-in on 127.0.0.1 that counts the requests it gets."""

    BINDING = {"x": {"type": "literal", "value": "from afar"}}
    ANSWER = {"head": {"vars": ["x"]}, "results": {"bindings": [BINDING]}}

    def __init__(self):
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server naming
                listener.requests.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.dumps(listener.ANSWER).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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
        # Each page keeps what its Content-Security-Policy blocked, for ``blocked()``.
        self.call(
            "Page.addScriptToEvaluateOnNewDocument",
            source="window.blockedByPolicy = []; document.addEventListener("
            "'securitypolicyviolation', e => window.blockedByPolicy.push("
            "`${e.effectiveDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`))",
        )

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

    def evaluate(self, expression: str, wait: bool = False):
        """The value of ``expression`` (with ``wait``: of the promise it gives)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=wait
        )
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> None:
        """Until ``expression`` is true on the page (after a click that navigates, say)."""
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{expression} did not come true")
            time.sleep(0.05)

    def blocked(self) -> list[str]:
        """What the page's Content-Security-Policy has blocked since it was opened."""
        return self.evaluate("window.blockedByPolicy")

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

"""Several web nodes over one remote store, as behind a load balancer or a CDN (README).

Two `sixaika serve` processes on two ports read one `oxigraph serve`: a request gets the
same body, ETag and Last-Modified from either, so a revalidation (If-None-Match) may go to
either and get 304; and a new release, built with ``--store``, reaches both.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from email.message import Message

from sixaika.cli import main

from ..stores import OxigraphServer
from ..support import copy_mini, running_server

PAGES = [  # (path, Accept)
    ("/", "text/html"),
    ("/", "application/json"),
    ("/doc/project/p1", "text/html"),
    ("/doc/project/p1", "text/turtle"),
    ("/doc/project/p1.jsonld", "*/*"),
    ("/doc/organisation/example-lead", "application/n-triples"),
    ("/doc/project/", "text/html"),
    ("/catalog", "text/turtle"),
    ("/.well-known/void", "text/html"),
    ("/search?q=esimerkki", "application/json"),
]
VALIDATORS = ("ETag", "Last-Modified", "Content-Type", "Cache-Control", "Vary")


def get(url: str, accept: str, **headers: str) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept, **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:  # 304 among them
        return e.code, e.headers, e.read()


def answers(node: str) -> list[tuple]:
    """What a node answers to every page: status, validators, body."""
    found = []
    for path, accept in PAGES:
        status, headers, body = get(node + path, accept)
        found.append((path, accept, status, [headers.get(h) for h in VALIDATORS], body))
    return found


def build_into(store: OxigraphServer, root: str) -> None:
    assert main(["--root", root, "--store", store.query, "build", "--quiet"]) == 0


def test_two_nodes_answer_alike_and_both_follow_a_new_release(tmp_path, capsys):
    root = copy_mini(tmp_path / "site")
    store_folder = tmp_path / "store"
    store_folder.mkdir()
    store = OxigraphServer(store_folder)
    try:
        build_into(store, str(root))
        env = {"SIXAIKA_ROOT": str(root), "SIXAIKA_STORE": store.query}
        with running_server(env) as one, running_server(env) as other:
            first = answers(one)
            unfit = [(p, a) for p, a, status, (etag, *_), _ in first if status != 200 or not etag]
            assert unfit == []
            assert answers(other) == first
            for path, accept, _, (etag, *_), _ in first:  # a revalidation may go to either
                status, _, body = get(other + path, accept, **{"If-None-Match": etag})
                assert (status, body) == (304, b""), path

            p1 = root / "data/projects/p1.yaml"
            p1.write_text(p1.read_text().replace("en: Example project", "en: Renamed project"))
            build_into(store, str(root))
            renamed = _wait_for(one, other)
            assert renamed[0] == renamed[1]
            before = [validators[0] for *_, validators, _ in first]
            after = [validators[0] for *_, validators, _ in renamed[0]]
            assert all(old != new for old, new in zip(before, after, strict=True))
    finally:
        store.stop()
    capsys.readouterr()


def _wait_for(*nodes: str) -> list[list[tuple]]:
    """Every node's answers once each serves the renamed project, home page included."""
    deadline = time.monotonic() + 30
    while True:
        found = [answers(node) for node in nodes]
        done = all(
            b"Renamed project" in body
            for answered in found
            for path, accept, _, _, body in answered
            if path in ("/", "/doc/project/p1") and accept != "application/json"
        )
        if done or time.monotonic() > deadline:
            return found
        time.sleep(0.5)

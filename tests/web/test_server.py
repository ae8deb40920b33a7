"""`sixaika serve` follows the releases: what a build makes current is served, no restart."""

from __future__ import annotations

import gc
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from sixaika.build import Progress, build
from sixaika.build.cache import software_digest
from sixaika.cli import _why_build_again
from sixaika.config import Settings
from sixaika.release import MANIFEST_FILE, Release
from sixaika.web import sparql
from sixaika.web.server import WARM_PATHS, Server, warm_up_pages, watch_current_release

from ..support import copy_mini, running_server


def _mini(root: Path) -> dict[str, str]:
    return {"SIXAIKA_ROOT": str(copy_mini(root))}


def _title_served(url: str) -> str:
    request = urllib.request.Request(url + "/doc/project/p1", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as response:
        turtle = response.read().decode()
    return "renamed" if "Renamed project" in turtle else "first"


def _within(holds: Callable[[], bool], seconds: float = 60) -> bool:
    """Whether ``holds()`` comes true before ``seconds`` have passed (asked twice a second)."""
    deadline = time.monotonic() + seconds
    while not holds() and time.monotonic() < deadline:
        time.sleep(0.5)
    return holds()


def _renamed(url: str) -> Callable[[], bool]:
    return lambda: _title_served(url) == "renamed"


def test_a_build_while_serving_is_served_without_a_restart(tmp_path):
    env, log = _mini(tmp_path), tmp_path / "serve.log"
    settings = Settings.from_env(env)
    first, _ = build(settings, Progress(quiet=True))
    with running_server(env, log=log) as url:
        assert _title_served(url) == "first"
        p1 = tmp_path / "data/projects/p1.yaml"
        p1.write_text(p1.read_text().replace("en: Example project", "en: Renamed project"))
        build(settings, Progress(quiet=True))
        assert _within(_renamed(url), seconds=30)
        second = Release.current(settings)
    said = log.read_text()  # the operator's log tells of each release as it is served
    assert f"release {first.id}: a web worker serves it" in said
    assert f"release {second.id}: made current: the web workers restart on it" in said
    assert f"release {second.id}: a web worker serves it" in said


def test_serve_builds_a_first_release_and_its_workers_end_cleanly(tmp_path):
    env, log = _mini(tmp_path / "site"), tmp_path / "serve.log"
    with running_server(env, log=log) as url:
        assert _title_served(url) == "first"
    said = log.read_text()
    assert "no release yet: building one" in said and "Finished server process" in said
    assert "SIGSEGV" not in said  # workers forked after a build in the same process crashed


def test_a_release_for_another_base_is_built_again_before_serving(tmp_path):
    env, log = _mini(tmp_path / "site"), tmp_path / "serve.log"
    build(Settings.from_env(env), Progress(quiet=True))  # for http://localhost:8000/
    elsewhere = {**env, "SIXAIKA_BASE": "http://data.example.org/6aika/"}
    with running_server(elsewhere, log=log) as url:
        assert _title_served(url) == "first"  # its pages name things under the new base
    said = log.read_text()
    assert "built for the base http://localhost:8000/, not http://data.example.org" in said


def _committed(env: dict[str, str]) -> Path:
    """The mini site as a git checkout of one commit, as a clone of the project is."""
    root = Path(env["SIXAIKA_ROOT"])
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first")
    return root


def _git(root: Path, *args: str) -> None:
    who = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "-C", str(root), *who, *args], check=True, capture_output=True)


def _pull(root: Path, old: str, new: str) -> None:
    """A commit that changes the project p1, as a ``git pull`` would bring it."""
    p1 = root / "data/projects/p1.yaml"
    p1.write_text(p1.read_text().replace(old, new))
    _git(root, "commit", "-qam", "changed p1")


def test_a_release_of_another_commit_is_built_again_while_it_is_served(tmp_path):
    env, log = _mini(tmp_path / "site"), tmp_path / "serve.log"
    root = _committed(env)
    first, _ = build(Settings.from_env(env), Progress(quiet=True))
    _pull(root, "en: Example project", "en: Renamed project")
    with running_server(env, log=log) as url:  # at once, on the current release
        assert _within(_renamed(url))  # then on the new one
    built_from, said = first.manifest.source_commit, log.read_text()
    assert built_from and f"the current release was built from commit {built_from[:12]}" in said
    assert f"the current one, {first.id}, is served meanwhile" in said
    assert f"release {first.id}: a web worker serves it" in said  # served while it built


def test_a_refused_build_of_a_new_commit_leaves_the_current_release_served(tmp_path):
    env, log = _mini(tmp_path / "site"), tmp_path / "serve.log"
    root = _committed(env)
    first, _ = build(Settings.from_env(env), Progress(quiet=True))
    _pull(root, "startDate: 2015-01-01", "startDate: 2015-13-01")  # no such month
    with running_server(env, log=log) as url:
        refused = f"serving the current release, {first.id}, as it is"
        assert _within(lambda: refused in log.read_text())
        assert _title_served(url) == "first"
    assert Release.current(Settings.from_env(env)).id == first.id


@pytest.mark.parametrize(
    "recorded, said",
    [
        ("0" * 64, "the current release was built by other code (000000000000, this is "),
        (None, "the current release does not record the code that built it"),
    ],
)
def test_a_release_built_by_other_code_is_built_again_while_it_is_served(tmp_path, recorded, said):
    """After an upgrade where no git commit tells (a pip install, a data root of its own):
    the release records the code that built it, and serve builds again with this code."""
    env, log = _mini(tmp_path / "site"), tmp_path / "serve.log"
    settings = Settings.from_env(env)
    first, _ = build(settings, Progress(quiet=True))
    _rewrite_manifest(first, software=recorded)
    p1 = tmp_path / "site/data/projects/p1.yaml"
    p1.write_text(p1.read_text().replace("en: Example project", "en: Renamed project"))
    with running_server(env, log=log) as url:
        assert _within(_renamed(url))
    assert said in log.read_text()
    assert Release.current(settings).manifest.software == software_digest()


def test_a_release_whose_manifest_is_damaged_is_built_again_before_serving(tmp_path):
    env, log = _mini(tmp_path / "site"), tmp_path / "serve.log"
    settings = Settings.from_env(env)
    first, _ = build(settings, Progress(quiet=True))
    _rewrite_manifest(first, software=123)
    p1 = tmp_path / "site/data/projects/p1.yaml"
    p1.write_text(p1.read_text().replace("en: Example project", "en: Renamed project"))
    with running_server(env, log=log) as url:
        assert _title_served(url) == "renamed"  # at once: nothing of the damaged one
    said = log.read_text()
    assert f"the current release, {first.path.name}, cannot be used: its manifest.json" in said
    assert "its field software is 123, not text: building one from the sources" in said
    assert Release.current(settings).damaged is None


def test_a_release_of_this_code_or_a_synthetic_one_is_served_as_it_is(tmp_path):
    settings = Settings.from_env(_mini(tmp_path))
    release, _ = build(settings, Progress(quiet=True))
    assert _why_build_again(release, settings) is None
    _rewrite_manifest(release, software="0" * 64, synthetic=True)  # a benchmark's
    assert _why_build_again(Release(release.path), settings) is None


def _rewrite_manifest(release: Release, **changes) -> None:
    path = release.path / MANIFEST_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def test_a_long_sparql_get_is_read(tmp_path):
    env = _mini(tmp_path)
    build(Settings.from_env(env), Progress(quiet=True))
    query = "ASK {}  # " + "a long comment " * 500  # about 8 KB as a URL
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    assert 7000 < len(target) < 8000
    with running_server(env) as url:
        request = urllib.request.Request(url + target, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.load(response)["boolean"] is True


def test_no_control_socket_is_left_for_another_server_to_take(tmp_path):
    home = tmp_path / "home"
    env = {**_mini(tmp_path / "site"), "HOME": str(home), "XDG_RUNTIME_DIR": str(home)}
    build(Settings.from_env(env), Progress(quiet=True))
    with running_server(env):
        assert not home.exists() or list(home.rglob("*.ctl")) == []


def test_watch_sees_the_first_release_and_each_new_one(tmp_path):
    env = _mini(tmp_path)
    settings = Settings.from_env(env)
    seen: list[str | None] = []
    stop = watch_current_release(settings, seen.append, interval=0.05)
    for _ in range(2):
        release, _report = build(settings, Progress(quiet=True))
        deadline = time.monotonic() + 5
        while (not seen or seen[-1] != release.path.name) and time.monotonic() < deadline:
            time.sleep(0.05)
    stop.set()
    assert len(seen) == 2 and seen[-1] == release.path.name


def test_warm_up_renders_the_start_pages_before_anyone_asks(bundled_settings, bundled_release):
    from sixaika.web import create_app

    app = create_app(bundled_settings, release=bundled_release)
    cached = app.wsgi_app.entries
    assert len(cached) == 0
    warm_up_pages(app)
    paths = {key[1] for key in cached._items}
    assert set(WARM_PATHS) <= paths
    assert all(status.startswith("200") for status, _headers, _body in cached._items.values())


class _Node:
    pass


def test_a_loaded_worker_is_left_out_of_the_collectors_passes(bundled_settings, bundled_release):
    garbage = _Node()
    garbage.itself = garbage  # a cycle only the collector frees
    freed = weakref.ref(garbage)
    del garbage
    front = Server(bundled_settings).load()
    app = front.bridge.app.app
    try:
        tracked = {id(found) for found in gc.get_objects()}  # the generations it passes over
        assert id(app) not in tracked and id(front) not in tracked
        assert freed() is None  # collected, not frozen for the worker's life
    finally:
        for warming in [t for t in threading.enumerate() if t.name == "sixaika-warm"]:
            warming.join(60)
        sparql.service(app).close()
        gc.unfreeze()

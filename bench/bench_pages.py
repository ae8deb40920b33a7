"""Benchmark: the home page and the lists at N synthetic projects (default 100k and 1M).

    python bench/bench_pages.py                 # N = 100000 and 1000000
    python bench/bench_pages.py 10000 --runs 50

The data is SYNTHETIC (https://example.org/synthetic/, made by ``sixaika.synthetic`` as
N-Quads), published as the build publishes a release (``synthetic.write_release``: the
store, the pages part, the facts). For each N it prints:
- the release's making: the store (bulk load), the pages part and the facts, seconds;
- a fresh `sixaika serve` (the production command): the first answer of the home page, the
  first list page of projects and a middle one, timed from the first request the server
  gets (target at 1M: under 1 s each);
- with the response cache off (SIXAIKA_CACHE_ENTRIES=0), once warm: the same pages, p50
  and p99 in ms over ``--runs`` requests each (target at 1M: under 50 ms);
- the yardstick, in the same run on the same store: what those pages cost before the
  release held their facts and lists, the same queries made of the store in process (the
  home page's charts, history and VoID's counts, which a fresh server made on its first
  home page; and the projects' list, which every list page read).
Releases are kept under var/bench/pages-N for the next run.
"""

from __future__ import annotations

import gc
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from load import free_port  # bench/load.py, beside this script

from sixaika import synthetic
from sixaika.config import Settings
from sixaika.read.describe import members
from sixaika.read.facts import FACTS, FACTS_PART, all_facts
from sixaika.read.store import OxigraphRepo
from sixaika.release import CONTEXT_FILE, Release

ROOT = Path(__file__).resolve().parents[1]
BASE = synthetic.BASE


def _served(release: Release) -> bool:
    """Whether it holds the files the web server reads, and every fact the pages show."""
    facts = release.manifest.parts.get(FACTS_PART) or {}
    return (release.path / CONTEXT_FILE).exists() and set(FACTS) <= set(facts)


def release_of(count: int) -> tuple[Settings, Release]:
    releases = ROOT / "var" / "bench" / f"pages-{count}"
    settings = Settings.from_env({}, base=BASE, root=str(ROOT), releases=str(releases))
    found = Release.current(settings)
    # A release of an earlier run is reused only if it has what the pages now read.
    if found is not None and "pages" in found.manifest.parts and _served(found):
        print(f"N = {count:,}: the release of an earlier run, {found.path}")
        return settings, found
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "synthetic.nq"
        with path.open("w", encoding="utf-8") as out:
            out.writelines(synthetic.nquads(count))
        started = time.perf_counter()
        release = synthetic.write_release(path, settings, served=True)
    took = time.perf_counter() - started
    print(f"N = {count:,}: a release of {release.manifest.triples:,} triples in {took:.0f} s "
          f"(store, pages part, facts)")  # fmt: skip
    return settings, release


def _listening(port: int, timeout: float = 600) -> None:
    """Wait until the server accepts connections, sending it no request."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _get(port: int, path: str) -> float:
    """Milliseconds to answer ``path`` (HTML), which must be 200."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", path, headers={"Accept": "text/html"})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")
    return (time.perf_counter() - started) * 1000


def _serve(settings: Settings, cache_entries: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "SIXAIKA_BASE": BASE, "SIXAIKA_ROOT": str(ROOT),
           "SIXAIKA_RELEASES": str(settings.releases_dir), "SIXAIKA_PORT": str(port),
           "SIXAIKA_CACHE_ENTRIES": cache_entries}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "sixaika.cli", "serve"], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _listening(port)
    return process, port


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(30)


def measure(count: int, runs: int) -> None:
    settings, release = release_of(count)
    pages = {
        "home page": "/",
        "first list page": "/doc/project/",
        "middle list page": f"/doc/project/?page={max(1, count // 200)}",
    }
    process, port = _serve(settings, "4096")
    try:
        fresh = {label: _get(port, path) for label, path in pages.items()}
    finally:
        _stop(process)
    process, port = _serve(settings, "0")
    try:
        for path in pages.values():
            _get(port, path)  # warm: the worker's connections, the release's files
        # This process holds as many objects as a web worker: a full pass of its collector
        # (30-50 ms) during a request would be counted as the server's time.
        gc.disable()
        warm = {
            label: sorted(_get(port, path) for _ in range(runs)) for label, path in pages.items()
        }
    finally:
        gc.enable()
        _stop(process)
    repo = OxigraphRepo.open(release)
    graphs = {name: d.graph for name, d in release.manifest.datasets.items()}
    started = time.perf_counter()
    all_facts(repo, settings, graphs)
    facts_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    members(repo, settings.urls.id("project/"))
    members_ms = (time.perf_counter() - started) * 1000
    print(f"\nN = {count:,} projects (targets: a fresh server's first answer < 1000 ms; "
          "cache off, warm < 50 ms):")  # fmt: skip
    for label in pages:
        times = warm[label]
        p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
        print(f"  {label:18} fresh {fresh[label]:8.1f} ms   cache off, warm: "
              f"p50 {statistics.median(times):6.1f} ms  p99 {p99:6.1f} ms")  # fmt: skip
    print(
        f"  yardstick, the store in process: the home page's facts {facts_ms:,.0f} ms, "
        f"the projects' list {members_ms:,.0f} ms (each made per page before)"
    )


def main() -> None:
    args = sys.argv[1:]
    runs = 30
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at : at + 2]
    for count in [int(a) for a in args] or [100_000, 1_000_000]:
        measure(count, runs)


if __name__ == "__main__":
    main()

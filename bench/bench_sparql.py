"""Benchmark: the SPARQL endpoint against `oxigraph serve` and rdflib-endpoint, same data.

    python bench/bench_sparql.py               # N = 10000 and 100000 projects
    python bench/bench_sparql.py 10000         # chosen sizes
    python bench/bench_sparql.py 100000 --no-rdflib

The data is SYNTHETIC (https://example.org/synthetic/, "Synthetic project N"), generated
with ``sixaika.synthetic`` straight as N-Quads (not through the YAML loader), about
28 triples a project. Three servers answer the same HTTP requests on 127.0.0.1:

- ours: ``sixaika serve`` (gunicorn, queries in the worker pool) on a store-only release,
  with its response cache off (a repeated GET would be replayed, not computed), other
  settings from the environment: by default a release of up to 1M quads (10k projects) is
  copied into each query worker's memory and a larger one (100k) read from disk;
  ``SIXAIKA_QUERY_IN_MEMORY_QUADS=3000000`` measures 100k in memory too;
- ``oxigraph serve-read-only --union-default-graph`` on that very store folder;
- rdflib-endpoint (``pip install '.[bench]'``) on the same triples as N-Triples.

All three run at once and each query of the mix goes to each server in turn, round after
round (its constants varied per round), from one keep-alive client per server, so that all
see the same machine load; the median latency is printed, with our ratio to each other.
DESCRIBE throughput is driven by wrk when installed (C: the load costs the shared cores
little), else by Python threads (``load.py``), on 5000 different projects.
Targets (issue 4): heavy queries (group, filter, big CONSTRUCT) within 1.2x of oxigraph
serve; light ones under 5 ms median; DESCRIBE throughput (4 clients) at least 5x
rdflib-endpoint's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from load import drive, free_port  # bench/load.py, beside this script

from sixaika import synthetic
from sixaika.config import Settings
from sixaika.sparql.engine import Limits

BASE = synthetic.BASE
ID, VOCAB = BASE + "id/", BASE + "def/6aika#"
PREFIXES = (
    f"PREFIX sixaika: <{VOCAB}> PREFIX dct: <http://purl.org/dc/terms/> "
    "PREFIX org: <http://www.w3.org/ns/org#> PREFIX schema: <https://schema.org/> "
)
JSON, TURTLE = "application/sparql-results+json", "text/turtle"
BUDGET_SECONDS = 6.0  # per query and server: as many runs as fit, 3 to 60
THROUGHPUT_SECONDS, CLIENTS = 4.0, 4
SLOW_SECONDS = 30.0  # a server this slow on a query is timed once (rdflib at 100k)


@dataclass(frozen=True)
class Query:
    name: str
    heavy: bool
    accept: str
    template: str  # {k}: a number varied per run

    def text(self, k: int, projects: int) -> str:
        organisation = k % synthetic.ORGANISATIONS
        city = synthetic.CITIES[k % len(synthetic.CITIES)]
        return PREFIXES + self.template.format(
            project=f"{ID}project/p{k % projects}", org=f"{ID}organisation/o{organisation}",
            city=f"{ID}concept/city/{city}", k=k % projects, offset=20 * (k % 5),
        )  # fmt: skip


MIX = (
    Query("describe a project", False, TURTLE, "DESCRIBE <{project}>"),
    Query(
        "a city's projects, ordered, paged", False, JSON,
        "SELECT DISTINCT ?p ?title WHERE {{ ?o org:unitOf*/dct:spatial <{city}> . "
        "?p sixaika:lead|sixaika:partner ?o ; dct:title ?title FILTER(LANG(?title) = 'en') }} "
        "ORDER BY ?title LIMIT 20 OFFSET {offset}",
    ),
    Query(
        "group+sum budgets by focus area, fund", True, JSON,
        "SELECT ?area ?fund (SUM(?v) AS ?total) (COUNT(*) AS ?n) WHERE {{ ?p sixaika:focusArea "
        "?area ; sixaika:fund ?fund ; sixaika:budget/schema:value ?v }} GROUP BY ?area ?fund",
    ),
    Query(
        "text filter on titles", True, JSON,
        "SELECT ?p ?title WHERE {{ ?p dct:title ?title FILTER(CONTAINS(?title, 'project {k}')) }}",
    ),
    Query(
        "partner join", False, JSON,
        "SELECT DISTINCT ?partner WHERE {{ ?p sixaika:lead <{org}> ; sixaika:partner ?partner }}",
    ),
    Query(
        "2-hop path", False, JSON,
        "SELECT DISTINCT ?lead WHERE {{ <{org}> ^sixaika:partner/sixaika:lead ?lead }}",
    ),
    Query("describe an organisation", False, TURTLE, "DESCRIBE <{org}>"),
    Query(
        "CONSTRUCT of 1000 projects", True, TURTLE,
        "CONSTRUCT {{ ?p ?pred ?o }} WHERE {{ {{ SELECT ?p WHERE {{ ?p a sixaika:Project }} "
        "LIMIT 1000 }} ?p ?pred ?o }}",
    ),
)  # fmt: skip


class Client:
    """One keep-alive HTTP connection; GET queries, return (status, body length)."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)

    def query(self, text: str, accept: str) -> tuple[int, int]:
        target = f"{self.path}?{urllib.parse.urlencode({'query': text})}"
        try:
            self.connection.request("GET", target, headers={"Accept": accept})
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            self.connection.close()  # the server closed an idle keep-alive connection: reopen
            self.connection.request("GET", target, headers={"Accept": accept})
            response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            print(f"      HTTP {response.status}: {body[:300]!r}", flush=True)
        return response.status, len(body)


# The servers -------------------------------------------------------------------------------


def tool(name: str) -> str:
    """A command installed beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name) or name


def start(command: list[str], url: str, env: dict | None = None, log: Path | None = None):
    output = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 1800  # rdflib-endpoint parses everything first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log else ""
            raise RuntimeError(f"{command[0]} exited with {process.returncode}\n{tail}")
        try:
            if Client(url).query("ASK {}", JSON)[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{command[0]} did not come up")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def ours(settings: Settings, folder: Path) -> tuple[list[str], str, dict]:
    port = free_port()
    # No response cache: a repeated GET would be replayed, and every answer here is computed.
    env = {**os.environ, "SIXAIKA_BASE": BASE, "SIXAIKA_ROOT": str(settings.root),
           "SIXAIKA_RELEASES": str(settings.releases_dir), "SIXAIKA_PORT": str(port),
           "SIXAIKA_CACHE_ENTRIES": "0"}  # fmt: skip
    return [tool("sixaika"), "serve"], f"http://127.0.0.1:{port}/sparql", env


def oxigraph(store: Path) -> tuple[list[str], str, None]:
    port = free_port()
    command = [tool("oxigraph"), "serve-read-only", "--location", str(store),
               "--bind", f"127.0.0.1:{port}", "--union-default-graph"]  # fmt: skip
    return command, f"http://127.0.0.1:{port}/query", None


def rdflib_endpoint(triples: Path) -> tuple[list[str], str, None]:
    port = free_port()
    command = [tool("rdflib-endpoint"), "serve", "--host",
               "127.0.0.1", "--port", str(port), str(triples)]  # fmt: skip
    return command, f"http://127.0.0.1:{port}/", None  # it answers at its root


# Measuring ---------------------------------------------------------------------------------


def latencies(urls: dict[str, str], query: Query, projects: int) -> dict[str, list[float]]:
    """Milliseconds per run on each server, runs interleaved so all see the same load.

    Each round sends the same query (its constants varied per round) to every server in
    turn; a server drops out once it has 3 runs and has spent the budget.
    """
    clients = {name: Client(url) for name, url in urls.items()}
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for name, client in clients.items():
        begin = time.perf_counter()
        try:
            client.query(query.text(0, projects), query.accept)  # warm-up
        except TimeoutError:
            clients[name] = Client(urls[name])  # a fresh connection for the next query
        if (seconds := time.perf_counter() - begin) > SLOW_SECONDS:  # one run says enough
            samples[name] = [seconds * 1000]  # (at least: a time-out is counted as its length)
    k = 1000
    while pending := [n for n in urls if not _enough(samples[n])]:
        k += 7919
        for name in pending:
            begin = time.perf_counter()
            status, _size = clients[name].query(query.text(k, projects), query.accept)
            if status != 200:  # said above; once more, on a new connection
                clients[name] = Client(urls[name])
                begin = time.perf_counter()
                status, _size = clients[name].query(query.text(k, projects), query.accept)
            samples[name].append((time.perf_counter() - begin) * 1000)
            if status != 200:  # twice: the failure counts as no answer at all
                print(f"      {name} failed on {query.name}", flush=True)
                samples[name] = [math.nan] * 60
    return samples


def _enough(samples: list[float]) -> bool:
    spent = sum(samples) / 1000
    return (
        len(samples) >= 60
        or (len(samples) >= 3 and spent > BUDGET_SECONDS)
        or (len(samples) == 1 and spent > SLOW_SECONDS)
    )


def check_count(url: str, projects: int) -> None:
    """Every server sees the same data, the default graph being the union."""
    client = Client(url)
    text = PREFIXES + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a sixaika:Project }"
    client.connection.request(
        "GET", f"{client.path}?{urllib.parse.urlencode({'query': text})}", headers={"Accept": JSON}
    )
    found = json.loads(client.connection.getresponse().read())["results"]["bindings"][0]["n"]
    if int(found["value"]) != projects:
        raise RuntimeError(f"{url} counts {found['value']} projects, not {projects}")


def throughput(url: str, projects: int, seconds: float = THROUGHPUT_SECONDS) -> float:
    """DESCRIBE a project from CLIENTS keep-alive clients at once: requests per second."""
    parts = urllib.parse.urlsplit(url)
    paths = [
        f"{parts.path}?{urllib.parse.urlencode({'query': MIX[0].text(k * 101, projects)})}"
        for k in range(min(projects, 5000))
    ]
    return drive(parts.port, paths, TURTLE, CLIENTS, seconds)["rps"]


def run_all(servers: dict, projects: int, folder: Path) -> dict[str, dict]:
    """Start every server, run the mix interleaved, then throughput in alternating slices."""
    processes, urls = {}, {}
    try:
        for name, (command, url, env) in servers.items():
            began = time.monotonic()
            processes[name] = start(command, url, env, folder / f"{name}.log")
            print(f"  {name} up in {time.monotonic() - began:.1f} s", flush=True)
            check_count(url, projects)
            throughput(url, projects, seconds=1.0)  # warm-up: every web worker's query pool
            urls[name] = url
        results: dict[str, dict] = {name: {} for name in servers}
        # Throughput first: a server still busy with a timed-out query would be wronged.
        rates = {name: 0.0 for name in servers}
        for _round in range(4):  # 4 slices of 1 s each, servers taking turns
            for name, url in urls.items():
                rates[name] += throughput(url, projects, seconds=1.0) / 4
        for name in servers:
            results[name]["throughput"] = rates[name]
        for query in MIX:
            for name, runs in latencies(urls, query, projects).items():
                results[name][query.name] = runs
            medians = ", ".join(
                f"{n} {statistics.median(results[n][query.name]):.2f}" for n in servers
            )
            print(f"    {query.name}: {medians} ms", flush=True)
        return results
    finally:
        for process in processes.values():
            stop(process)


# Main ----------------------------------------------------------------------------------------


def prepare(projects: int, folder: Path) -> tuple[Settings, Path, Path]:
    """The N-Quads, a store-only release from them, and the same as N-Triples."""
    nquads, ntriples = folder / "data.nq", folder / "data.nt"
    began = time.monotonic()
    with nquads.open("w") as quads, ntriples.open("w") as triples:
        for line in synthetic.nquads(projects):
            quads.write(line)
            triples.write(line.rsplit(" ", 2)[0] + " .\n")  # drop the graph term
    settings = Settings.from_env({}, base=BASE, root=str(folder), releases=str(folder / "releases"))
    release = synthetic.write_release(nquads, settings)
    triples_count = release.manifest.triples
    print(f"  {triples_count} triples generated and loaded in {time.monotonic() - began:.1f} s")
    in_memory = Limits.from_settings(Settings.from_env()).copies_in_memory(triples_count)
    print(f"  ours queries {'a copy in memory' if in_memory else 'the store on disk'}")
    return settings, release.path / "store", ntriples


def report(projects: int, results: dict[str, dict]) -> None:
    names = list(results)
    print(f"\nN = {projects} projects: median ms (runs), and ours / theirs")
    header = f"{'query':40} " + " ".join(f"{n:>18}" for n in names)
    header += "".join(f" {'/' + n:>10}" for n in names[1:])
    print(header)
    for query in MIX:
        cells, medians = [], []
        for name in names:
            samples = results[name][query.name]
            medians.append(statistics.median(samples))
            cells.append(f"{medians[-1]:>11.2f} ({len(samples):>3})")
        ratios = "".join(f" {medians[0] / m:>10.2f}" for m in medians[1:])
        kind = "heavy" if query.heavy else "light"
        print(
            f"{query.name + ' [' + kind + ']':40} " + " ".join(f"{c:>18}" for c in cells) + ratios
        )
    rates = [results[n]["throughput"] for n in names]
    line = f"{'DESCRIBE throughput, req/s (' + str(CLIENTS) + ' clients)':40} "
    line += " ".join(f"{r:>18.1f}" for r in rates)
    print(line + "".join(f" {rates[0] / r:>10.2f}" for r in rates[1:]))
    check_targets(names, results)


def check_targets(names: list[str], results: dict[str, dict]) -> None:
    ours_ = results[names[0]]
    for query in MIX:
        median = statistics.median(ours_[query.name])
        if query.heavy and "oxigraph" in results:
            ratio = median / statistics.median(results["oxigraph"][query.name])
            verdict = "ok" if ratio <= 1.2 else "MISSED"
            print(f"  target heavy <= 1.2x oxigraph: {query.name}: {ratio:.2f}x {verdict}")
        elif not query.heavy:
            verdict = "ok" if median < 5 else "MISSED"
            print(f"  target light < 5 ms: {query.name}: {median:.2f} ms {verdict}")
    if "rdflib" in results:
        ratio = ours_["throughput"] / results["rdflib"]["throughput"]
        verdict = "ok" if ratio >= 5 else "MISSED"
        print(f"  target DESCRIBE throughput >= 5x rdflib: {ratio:.1f}x {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on the way out
    for projects in args.sizes:
        print(f"N = {projects} synthetic projects", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
            folder = Path(tmp)
            settings, store, ntriples = prepare(projects, folder)
            servers = {"ours": ours(settings, folder), "oxigraph": oxigraph(store)}
            if not args.no_rdflib:
                servers["rdflib"] = rdflib_endpoint(ntriples)
            report(projects, run_all(servers, projects, folder))


if __name__ == "__main__":
    main()

"""Benchmark: the linked-data server against `oxigraph serve` on the same N projects.

    python bench/bench_server.py                       # N = 10000 and 100000, 10 s a run
    python bench/bench_server.py --n 100000 --seconds 5 --rounds 1

For each N it writes a release of N SYNTHETIC projects (https://example.org/synthetic/
base, titled "Synthetic project N", each about 45 triples as the bundled projects are
shaped; no YAML or SHACL) as the build publishes one (store, pages, facts), serves it with
`sixaika serve` (the production command) with the response cache off
(SIXAIKA_CACHE_ENTRIES=0: every answer is made, as a crawler or a harvester meets them),
and measures with keep-alive clients (wrk when installed, else a Python client), in one
run, targets interleaved, the median of the rounds:

- the yardstick: `oxigraph serve-read-only` answering DESCRIBE of random projects in
  Turtle, 8 clients, on the release's own store;
- `/doc/project/{random}` in Turtle, JSON-LD and HTML (the release's HTML pages are
  rendered by the build, in English, up to SIXAIKA_PRERENDER_LIMIT resources:
  ``web.prerender``; beyond, on request), 8 clients (target: each at least 0.5x the
  yardstick);
- a mix at 16 clients of `/doc` (Turtle), `/id` (303) and a small SPARQL SELECT of random
  projects (target: p99 under 50 ms); and the same mix with each kind timed apart (by a
  Python client, which wrk cannot do), to show which kind makes the tail.

It prints req/s, p50 and p99 of each and its ratio to the yardstick, and what the front
costs: the CPU time of a request through the bridge between the event loop and the Flask
app's threads (this one, and a2wsgi's that it replaced), for a WSGI app that does nothing.
Releases are kept under var/bench/ for the next run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
from load import drive, drive_kinds, free_port  # bench/load.py, beside this script

from sixaika.build.release import (
    dumps_from_store,
    facts_of,
    html_pages,
    pages_of,
    publish,
    store_of,
    web_files,
)
from sixaika.config import Settings
from sixaika.documents import STORED
from sixaika.namespaces import PREFIXES
from sixaika.read.pages import HTML_PART
from sixaika.release import Release

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://example.org/synthetic/"
ORGANISATIONS = 1000
CITIES = ["helsinki", "espoo", "vantaa", "tampere", "turku", "oulu"]
FOCUS_AREAS = [
    "open-data-and-interfaces",
    "open-innovation-platforms",
    "open-participation-and-customership",
]
FUNDS = ["erdf", "esf"]
NS = {
    **PREFIXES,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "sixaika": BASE + "def/6aika#",
}


def n(compact: str) -> ox.NamedNode:
    prefix, _, local = compact.partition(":")
    return ox.NamedNode(NS[prefix] + local) if prefix in NS else ox.NamedNode(BASE + compact)


def text(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang)


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=n(datatype))


# The synthetic release -------------------------------------------------------------


def concepts() -> list[tuple]:
    triples = []
    schemes = {
        "city": CITIES,
        "focus-area": FOCUS_AREAS,
        "fund": FUNDS,
        "role": ["lead", "partner"],
        "budget-kind": ["total-budget"],
    }
    for scheme, locals_ in schemes.items():
        s = n(f"id/scheme/{scheme}")
        triples += [
            (s, n("rdf:type"), n("skos:ConceptScheme")),
            (s, n("skos:prefLabel"), text(f"Synthetic scheme {scheme}", "en")),
        ]
        for local in locals_:
            c = n(f"id/concept/{scheme}/{local}")
            triples += [
                (c, n("rdf:type"), n("skos:Concept")),
                (c, n("skos:inScheme"), s),
                (c, n("skos:prefLabel"), text(local.replace("-", " ").title(), "en")),
                (c, n("skos:prefLabel"), text(local.replace("-", " ").title(), "fi")),
            ]
            if scheme == "city":
                triples.append((c, n("rdf:type"), n("sixaika:City")))
    return triples


def organisations() -> list[tuple]:
    triples = []
    for i in range(ORGANISATIONS):
        o = n(f"id/organisation/o{i:04d}")
        triples += [
            (o, n("rdf:type"), n("org:FormalOrganization")),
            (o, n("skos:prefLabel"), text(f"Synthetic organisation {i}", "fi")),
            (o, n("dct:spatial"), n(f"id/concept/city/{CITIES[i % 6]}")),
        ]
    s = n("id/strategy/6aika")
    triples += [
        (s, n("rdf:type"), n("sixaika:Strategy")),
        (s, n("dct:title"), text("Synthetic strategy", "en")),
    ]
    return triples


def project(i: int, rng: random.Random) -> list[tuple]:
    """One synthetic project, shaped as the bundled ones are (about 45 triples)."""
    p = n(f"id/project/p{i:07d}")
    source = ox.NamedNode(f"https://example.org/synthetic/source/{i}")
    start = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(0, 2500))
    end = start + dt.timedelta(days=rng.randrange(300, 1500))
    orgs = rng.sample(range(ORGANISATIONS), 3)
    t = [
        (p, n("rdf:type"), n("sixaika:Project")),
        (p, n("dct:identifier"), text(f"P{i:07d}")),
        (p, n("dct:title"), text(f"Synteettinen hanke {i}", "fi")),
        (p, n("dct:title"), text(f"Synthetic project {i}", "en")),
        (p, n("dct:description"), text("Synteettinen testihanke, ei todellinen.", "fi")),
        (p, n("dct:description"), text("Synthetic benchmark project, not real data.", "en")),
        (p, n("sixaika:strategy"), n("id/strategy/6aika")),
        (p, n("sixaika:fund"), n(f"id/concept/fund/{FUNDS[i % 2]}")),
        (p, n("sixaika:focusArea"), n(f"id/concept/focus-area/{FOCUS_AREAS[i % 3]}")),
        (p, n("dct:source"), source),
    ]
    period = ox.BlankNode()
    t += [
        (p, n("dct:temporal"), period),
        (period, n("rdf:type"), n("dct:PeriodOfTime")),
        (period, n("dcat:startDate"), typed(start.isoformat(), "xsd:date")),
        (period, n("dcat:endDate"), typed(end.isoformat(), "xsd:date")),
        (period, n("dct:source"), source),
    ]
    for k, org in enumerate(orgs):
        role = "lead" if k == 0 else "partner"
        agent = n(f"id/organisation/o{org:04d}")
        attribution = ox.BlankNode()
        t += [
            (p, n(f"sixaika:{role}"), agent),
            (p, n("prov:qualifiedAttribution"), attribution),
            (attribution, n("rdf:type"), n("prov:Attribution")),
            (attribution, n("prov:agent"), agent),
            (attribution, n("dcat:hadRole"), n(f"id/concept/role/{role}")),
            (attribution, n("dct:source"), source),
        ]
    budget = ox.BlankNode()
    t += [
        (p, n("sixaika:budget"), budget),
        (budget, n("rdf:type"), n("schema:MonetaryAmount")),
        (budget, n("schema:value"), typed(str(rng.randrange(100_000, 5_000_000)), "xsd:decimal")),
        (budget, n("schema:currency"), text("EUR")),
        (budget, n("sixaika:budgetKind"), n("id/concept/budget-kind/total-budget")),
        (budget, n("dct:source"), source),
    ]
    return t


def write_release(count: int, releases: Path) -> Settings:
    """A release of ``count`` synthetic projects, published as the build publishes one."""
    settings = Settings.from_env({}, base=BASE, root=str(ROOT), releases=str(releases))
    if _reusable(Release.current(settings)):
        return settings
    started = time.perf_counter()
    rng = random.Random(6)
    ontology = [
        tuple(q.triple)
        for q in ox.parse(
            path=str(ROOT / "ontology" / "6aika.ttl"), format=ox.RdfFormat.TURTLE, base_iri=BASE
        )
    ]
    graphs = {
        "ontology": ontology,
        "concepts": concepts(),
        "projects": organisations() + [t for i in range(count) for t in project(i, rng)],
    }
    quads = [
        ox.Quad(s, p, o, ox.NamedNode(settings.urls.graph(name)))
        for name, triples in graphs.items()
        for s, p, o in triples
    ]
    shutil.rmtree(releases, ignore_errors=True)
    # JSON-LD dumps of 100k projects take minutes, and are not what is measured: no JSON-LD.
    writers = [store_of(quads), pages_of(quads), dumps_from_store(), facts_of(), web_files]
    release = publish(settings, [*writers, html_pages(progress=print)], synthetic=True)
    took = time.perf_counter() - started
    triples = release.manifest.triples
    print(f"wrote {triples:,} triples ({count:,} synthetic projects) in {took:.0f} s")
    _html_sizes(release)
    return settings


def _html_sizes(release: Release) -> None:
    """What the HTML pages rendered by the build hold: their count, their size zlib'd."""
    about = release.manifest.parts.get(HTML_PART)
    if about is None:  # over prerender_limit: the app renders every page on request
        print("HTML pages: none rendered ahead (over SIXAIKA_PRERENDER_LIMIT)")
        return
    path = release.path / about["file"]
    with sqlite3.connect(path) as db:
        (pages, stored) = db.execute("SELECT COUNT(*), SUM(LENGTH(page)) FROM html").fetchone()
    db.close()
    print(
        f"HTML pages ({', '.join(about['languages'])}): {pages:,}, {stored / pages:,.0f} bytes "
        f"each zlib'd; file {path.stat().st_size / 1e6:,.0f} MB"
    )


def _reusable(release: Release | None) -> bool:
    """Whether an earlier run's release has what the server now reads: its pages with the
    documents the build writes (``documents.STORED``), and their HTML."""
    pages = release.open_pages() if release is not None else None
    return (
        pages is not None
        and pages.documents == {f.key for f in STORED}
        and bool(pages.html_languages)
    )


# Servers ---------------------------------------------------------------------------


def wait_for(port: int, path: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def start(command: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# The run ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--clients", type=int, default=8, help="for the describe targets")
    parser.add_argument("--mix-clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="length of one run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per target (median shown)")
    parser.add_argument("--workers", default="2", help="gunicorn workers (SIXAIKA_WORKERS)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the machine skews all)")
    print(
        f"{args.rounds} rounds of {args.seconds:.0f} s per target, targets interleaved; "
        f"{os.cpu_count()} cores; load by {'wrk' if shutil.which('wrk') else 'python'}"
    )
    for count in args.n:
        _run(count, args)
    _front_costs()
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


def _run(count: int, args: argparse.Namespace) -> None:
    releases = ROOT / "var" / "bench" / str(count)
    settings = write_release(count, releases)
    rng = random.Random(1)
    sample = [f"p{rng.randrange(count):07d}" for _ in range(20000)]
    ox_port, our_port = free_port(), free_port()
    servers = [
        _oxigraph(releases / "current" / "store", ox_port),
        _sixaika(releases, our_port, args),
    ]
    try:
        wait_for(ox_port, "/query?query=" + urllib.parse.quote("ASK {}"))
        wait_for(our_port, f"/doc/project/{sample[0]}")
        results = _measure(_targets(ox_port, our_port, sample, args), args)
    finally:
        for server in servers:
            stop(server)
    yardstick = results[0][1]["rps"]
    print(
        f"\nN = {count:,} projects: medians of {args.rounds} rounds, and the ratio to the "
        "yardstick\n(targets: /doc in each format >= 0.5x; the mix's p99 < 50 ms):"
    )
    for label, result in results:
        print(f"  {_line(label, result)}  {result['rps'] / yardstick:5.2f}x")
    print(f"release: {releases / 'current'} ({settings.base}, synthetic)")


def _oxigraph(store: Path, port: int) -> subprocess.Popen:
    command = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    bind = f"127.0.0.1:{port}"
    return start(
        [
            command,
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            bind,
            "--union-default-graph",
        ]
    )


def _sixaika(releases: Path, port: int, args: argparse.Namespace) -> subprocess.Popen:
    """`sixaika serve`, the production command, on the synthetic release, cache off."""
    env = {
        **os.environ,
        "SIXAIKA_BASE": BASE,
        "SIXAIKA_ROOT": str(ROOT),
        "SIXAIKA_RELEASES": str(releases),
        "SIXAIKA_PORT": str(port),
        "SIXAIKA_WORKERS": args.workers,
        "SIXAIKA_CACHE_ENTRIES": "0",
        # Every client is 127.0.0.1: the share of queries one client may have is the mix's.
        "SIXAIKA_QUERY_PER_CLIENT": str(args.mix_clients),
        "SIXAIKA_QUERY_QUEUE": str(args.mix_clients),
    }
    return start([sys.executable, "-m", "sixaika.cli", "serve"], env)


MIX_ACCEPT = "text/turtle, application/sparql-results+json;q=0.9"


def _targets(ox_port: int, our_port: int, sample: list[str], args: argparse.Namespace) -> list:
    """(label, port, paths, accept, clients); the first is the yardstick. ``paths``: a
    list, or a mix's paths by kind (a dict: each kind is timed apart)."""

    def sparql(query: str) -> str:
        return "/query?query=" + urllib.parse.quote(query)

    describes = [sparql(f"DESCRIBE <{BASE}id/project/{p}>") for p in sample]
    docs = [f"/doc/project/{p}" for p in sample]
    targets = [("oxigraph serve: DESCRIBE random (turtle)", ox_port, describes, "text/turtle",
                args.clients)]  # fmt: skip
    for accept in ("text/turtle", "application/ld+json", "text/html"):
        label = f"sixaika /doc random ({accept.split('/')[1]}), cache off"
        targets.append((label, our_port, docs, accept, args.clients))
    mix = [path for paths in zip(*mix_kinds(sample).values(), strict=True) for path in paths]
    label = f"sixaika mix /doc, /id, SPARQL ({args.mix_clients} clients)"
    targets.append((label, our_port, mix, MIX_ACCEPT, args.mix_clients))
    # Again, each kind timed apart (by a Python client: wrk cannot tell them apart; it
    # costs the cores more, so its figures are a little worse than wrk's).
    targets.append(("  by kind:", our_port, mix_kinds(sample), MIX_ACCEPT, args.mix_clients))
    return targets


def mix_kinds(sample: list[str]) -> dict[str, list[str]]:
    """The mix's requests by kind: a document (Turtle), a thing's 303, a small SELECT."""
    title = "http://purl.org/dc/terms/title"

    def select(p: str) -> str:
        query = f"SELECT ?t WHERE {{ <{BASE}id/project/{p}> <{title}> ?t }}"
        return "/sparql?query=" + urllib.parse.quote(query)

    return {
        "/doc": [f"/doc/project/{p}" for p in sample[:6000]],
        "/id": [f"/id/project/{p}" for p in sample[:6000]],
        "SPARQL": [select(p) for p in sample[:6000]],
    }


def _measure(targets: list[tuple], args: argparse.Namespace) -> list[tuple[str, dict]]:
    """Each target ``rounds`` times, interleaved, so background load falls on all alike."""
    runs: dict[str, list[dict]] = {}
    for _, port, paths, accept, clients in targets:
        _drive(port, paths, accept, clients, 2)  # warm-up: connections, workers
    for round_ in range(1, args.rounds + 1):
        print(f"round {round_}:", flush=True)
        for label, port, paths, accept, clients in targets:
            for part, result in _drive(port, paths, accept, clients, args.seconds).items():
                runs.setdefault(label + part, []).append(result)
                print(f"  {_line(label + part, result)}  errors {result['errors']}", flush=True)
    return [
        (label, {k: statistics.median(r[k] for r in results) for k in ("rps", "p50", "p99")})
        for label, results in runs.items()
    ]


def _drive(
    port: int, paths: list[str] | dict[str, list[str]], accept: str, clients: int, seconds: float
) -> dict[str, dict]:
    """Figures of a run on a list of paths (under ""), or of each kind and all of a mix
    given by kind (under " kind"): wrk for a list, a Python client for a mix by kind."""
    if isinstance(paths, list):
        return {"": drive(port, paths, accept, clients, seconds)}
    by_kind = drive_kinds(port, paths, accept, clients, seconds)
    return {f" {kind}": {"errors": 0, **figures} for kind, figures in by_kind.items()}


def _line(label: str, result: dict) -> str:
    return (
        f"{label:52} {result['rps']:9,.0f} req/s  p50 {result['p50']:6.2f} ms  "
        f"p99 {result['p99']:6.2f} ms"
    )


def _front_costs() -> None:
    """CPU time a request costs in the bridge from the loop to the app's threads, for a
    WSGI app that does nothing: this server's (``front._Threads``) and a2wsgi's."""
    from a2wsgi import WSGIMiddleware

    from sixaika.web.front import _Threads

    def nothing(_environ: dict, start_response) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    scope = {"type": "http", "http_version": "1.1", "method": "GET", "path": "/",
             "raw_path": b"/", "query_string": b"", "headers": [(b"host", b"h")]}  # fmt: skip

    async def sent(_message: dict) -> None:
        return None

    async def received() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    ours, theirs = _Threads(nothing, 8), WSGIMiddleware(nothing, workers=8)
    calls = {
        "this front's threads (front._Threads)": lambda: ours(scope, b"", sent),
        "a2wsgi (before)": lambda: theirs(scope, received, sent),
    }

    async def cost(call) -> float:
        await call()
        started = time.process_time()
        for _ in range(3000):
            await call()
        return (time.process_time() - started) / 3000 * 1e6

    print("\nthe front's bridge to the app's threads, CPU per request (app does nothing):")
    for label, call in calls.items():
        print(f"  {label:48} {asyncio.run(cost(call)):6.0f} us")


if __name__ == "__main__":
    main()

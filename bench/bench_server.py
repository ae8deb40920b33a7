"""Benchmark: the linked-data server against `oxigraph serve` on the same N projects.

    python bench/bench_server.py                  # N = 100000, 16 clients, 10 s a run
    python bench/bench_server.py --n 10000 --clients 8 --seconds 5

It writes a release of N SYNTHETIC projects (https://example.org/synthetic/ base, titled
"Synthetic project N", each about 45 triples as the bundled projects are shaped; written
straight into a pyoxigraph store, no YAML or SHACL), serves it with `sixaika serve`
(gunicorn, the production server) on 127.0.0.1, and drives `/doc/project/...` in Turtle,
JSON-LD and HTML with concurrent keep-alive clients (wrk when installed, else a Python
client). The yardstick, in the same run on the same store: `oxigraph serve-read-only`
answering `DESCRIBE <project>` in Turtle. It prints req/s, p50 and p99 per target and the
ratio of each to the yardstick. The release is kept under var/bench/ for the next run.

Two access patterns:
- one project, again and again (the issue's "one-project describe"): what a server that
  computes each representation once per release costs per request;
- a random project of the N per request: mostly first requests, so what computing a
  description costs (for us: queries, serialisation, memo; for oxigraph: the DESCRIBE).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
from load import drive  # bench/load.py, beside this script

from sixaika.build.release import (
    dumps_from_store,
    facts_of,
    pages_of,
    publish,
    store_of,
    web_files,
)
from sixaika.config import Settings
from sixaika.namespaces import PREFIXES
from sixaika.read.describe import own_query

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
    if (releases / "current" / "manifest.json").exists():
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
    release = publish(settings, writers, synthetic=True)
    took = time.perf_counter() - started
    triples = release.manifest.triples
    print(f"wrote {triples:,} triples ({count:,} synthetic projects) in {took:.0f} s")
    return settings


# Servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    parser.add_argument("--n", type=int, default=100_000, help="synthetic projects")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="length of one run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per target (median shown)")
    parser.add_argument("--workers", default="2", help="gunicorn workers (SIXAIKA_WORKERS)")
    args = parser.parse_args()
    releases = ROOT / "var" / "bench" / str(args.n)
    settings = write_release(args.n, releases)
    one = "p0004242" if args.n > 4242 else "p0000001"
    rng = random.Random(1)
    sample = [f"p{rng.randrange(args.n):07d}" for _ in range(20000)]
    print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the machine skews both)")
    print(
        f"N = {args.n:,} projects; {args.clients} keep-alive clients; {args.rounds} rounds of "
        f"{args.seconds:.0f} s per target, targets interleaved; {os.cpu_count()} cores; "
        f"load by {'wrk' if shutil.which('wrk') else 'python'}"
    )
    ox_port, our_port = free_port(), free_port()
    servers = [
        _oxigraph(releases / "current" / "store", ox_port),
        _sixaika(releases, our_port, args),
    ]
    try:
        wait_for(ox_port, "/query?query=" + urllib.parse.quote("ASK {}"))
        wait_for(our_port, f"/doc/project/{one}")
        results = _measure(_targets(ox_port, our_port, one, sample), args)
    finally:
        for server in servers:
            stop(server)
    yardstick = results[0][1]["rps"]
    print(
        f"\nmedians of {args.rounds} rounds, and the ratio to `oxigraph serve` DESCRIBE of one "
        "project\n(targets: /doc Turtle >= 0.25x, p99 < 50 ms):"
    )
    for label, result in results:
        print(
            f"  {label:42} {result['rps']:9,.0f} req/s  p50 {result['p50']:6.2f} ms  "
            f"p99 {result['p99']:6.2f} ms  {result['rps'] / yardstick:5.2f}x"
        )
    print(f"\nrelease: {releases / 'current'} ({settings.base}, synthetic)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


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
    """`sixaika serve`, the production command, on the synthetic release."""
    env = {
        **os.environ,
        "SIXAIKA_BASE": BASE,
        "SIXAIKA_ROOT": str(ROOT),
        "SIXAIKA_RELEASES": str(releases),
        "SIXAIKA_PORT": str(port),
        "SIXAIKA_WORKERS": args.workers,
    }
    return start([sys.executable, "-m", "sixaika.cli", "serve"], env)


def _targets(ox_port: int, our_port: int, one: str, sample: list[str]) -> list[tuple]:
    """(label, port, paths, accept); the first is the yardstick."""

    def sparql(query: str) -> str:
        return "/query?query=" + urllib.parse.quote(query)

    iri = f"{BASE}id/project/{one}"
    randoms = [sparql(f"DESCRIBE <{BASE}id/project/{p}>") for p in sample]
    targets = [
        (
            "oxigraph serve: DESCRIBE one project",
            ox_port,
            [sparql(f"DESCRIBE <{iri}>")],
            "text/turtle",
        ),
        ("oxigraph serve: our describe query", ox_port, [sparql(own_query(iri))], "text/turtle"),
        ("oxigraph serve: DESCRIBE random project", ox_port, randoms, "text/turtle"),
    ]
    for accept in ("text/turtle", "application/ld+json", "text/html"):
        label = f"sixaika /doc one project ({accept.split('/')[1]})"
        targets.append((label, our_port, [f"/doc/project/{one}"], accept))
    randoms = [f"/doc/project/{p}" for p in sample]
    targets.append(("sixaika /doc random project (turtle)", our_port, randoms, "text/turtle"))
    return targets


def _measure(targets: list[tuple], args: argparse.Namespace) -> list[tuple[str, dict]]:
    """Each target ``rounds`` times, interleaved, so background load falls on all alike."""
    runs: dict[str, list[dict]] = {label: [] for label, *_ in targets}
    for _, port, paths, accept in targets:
        drive(port, paths[:50], accept, args.clients, 2)  # warm-up: connections, pages, caches
    for round_ in range(1, args.rounds + 1):
        print(f"round {round_}:", flush=True)
        for label, port, paths, accept in targets:
            result = drive(port, paths, accept, args.clients, args.seconds)
            runs[label].append(result)
            print(
                f"  {label:42} {result['rps']:9,.0f} req/s  p50 {result['p50']:6.2f} ms  "
                f"p99 {result['p99']:6.2f} ms  errors {result['errors']}",
                flush=True,
            )
    return [
        (label, {k: statistics.median(r[k] for r in results) for k in ("rps", "p50", "p99")})
        for label, results in runs.items()
    ]


if __name__ == "__main__":
    main()

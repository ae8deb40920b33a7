"""Benchmark: the search index at N synthetic projects (default 10k, 100k, 1M).

    python bench/bench_search.py                    # N = 10000, 100000, 1000000
    python bench/bench_search.py 10000 --full 10000 # and the whole build at these sizes

The data is SYNTHETIC (https://example.org/synthetic/, "Synteettinen hanke N", organisations
o0..o499, the first twelve in the six cities), made by ``sixaika.synthetic`` as
N-Quads and loaded into a store as a release's is. For each N it prints:
- building: the store (bulk load, the yardstick), the index read from it and written
  (seconds, MB); with ``--full N``, the whole build of N projects in the real source format
  (load, SHACL, store, dumps, index) and the index's share of it, from the manifest;
- queries, p50 and p99 in ms, nothing cached: search (a rare word, a common and a rare
  word, a word every project has, an exact code), suggest (a prefix), the table (a city's
  projects by title, first and a later page; two filters by budget, descending; a page
  after a cursor) and facet counts of a filtered table;
- the project table through the web app (``/projects`` as HTML and JSON, a page after a
  cursor, two filters sorted by budget, a city with years and words), in process, with the
  response cache off: the rows, every facet's counts and the page, as a request costs them;
- the same queries on SQLite FTS5 (the standard library's engine, the other candidate),
  built from the same documents, and a city's projects ordered and paged in SPARQL on the
  release's store (the yardstick of the table).

Targets (issue 14): p99 under 50 ms for search, suggest and the table at 1M; the index
adds under 25% to the build; a city's projects, ordered and paged, under 5 ms p50 at 100k.
"""

from __future__ import annotations

import gc
import json
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from sixaika import synthetic
from sixaika.build import cyclic_gc_paused
from sixaika.search.analysis import analyser
from sixaika.search.documents import Contents, of_file, whole
from sixaika.search.engine import FORMAT, TantivyIndex, prepare, write
from sixaika.search.index import Filters, Sort

BASE = synthetic.BASE
ID = BASE + "id/"
SLOW_RUNS = 20  # samples of the yardsticks, which take up to seconds a query


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(
    kinds: dict[str, list[Callable[[], object]]], runs: int = 200
) -> dict[str, tuple[float, float]]:
    """p50 and p99 in ms of each kind of query, its variants taken in turn, ``runs`` times
    (200: enough for a p99; with fewer, the p99 is the slowest)."""
    figures = {}
    for name, variants in kinds.items():
        for variant in variants[:10]:  # a few first: open files, warm the page cache
            variant()
        samples = []
        for k in range(runs):
            started = time.perf_counter()
            variants[k % len(variants)]()
            samples.append((time.perf_counter() - started) * 1000)
        figures[name] = percentiles(samples)
    return figures


# The queries, varied by k so that no two runs ask the same ------------------------------


def queries(n: int) -> dict[str, list[Callable[[int], tuple]]]:
    """(kind -> variants), each a function of k giving the arguments of one query."""
    city = lambda k: ID + f"concept/city/{synthetic.CITIES[k % 6]}"  # noqa: E731
    return {
        "search: a rare word": [lambda k: (str((k * 7919) % n),)],
        "search: common + rare": [lambda k: (f"hanke {(k * 7919) % n}",)],
        "search: word of every project": [lambda k: ("synteettinen",)],
        "search: exact code": [lambda k: (f"S{(k * 7919) % n:06d}",)],
        "suggest: a prefix": [lambda k: (f"synteettinen hanke {(k * 7919) % n}"[:-1],)],
        "table: a city by title": [lambda k: (Filters(city=(city(k),)), Sort("title"))],
        "table: fund+focus, budget desc": [
            lambda k: (
                Filters(
                    fund=(ID + f"concept/fund/{synthetic.FUNDS[k % 2]}",),
                    focus_area=(ID + f"concept/focus-area/{synthetic.FOCUS_AREAS[k % 3]}",),
                ),
                Sort("total_budget", descending=True),
            )
        ],
        "facets: a city": [lambda k: (Filters(city=(city(k),)),)],
    }


def tantivy_queries(index: TantivyIndex, n: int) -> dict[str, list[Callable[[], object]]]:
    made: dict[str, list[Callable[[], object]]] = {}
    later_pages = {}  # a city's second page: its cursor, found once
    for k in range(6):
        filters, sort = queries(n)["table: a city by title"][0](k)
        later_pages[k] = (filters, sort, index.rows(filters, sort).next)
    for name, [make] in queries(n).items():
        if name.startswith("search"):
            run = lambda k, make=make: index.search(*make(k))  # noqa: E731
        elif name.startswith("suggest"):
            run = lambda k, make=make: index.suggest(*make(k))  # noqa: E731
        elif name.startswith("table"):
            run = lambda k, make=make: index.rows(*make(k))  # noqa: E731
        else:
            run = lambda k, make=make: index.facets(*make(k))  # noqa: E731
        made[name] = [lambda k=k, run=run: run(k) for k in range(50)]
    made["table: a city, page 2 (cursor)"] = [
        lambda k=k: index.rows(*later_pages[k]) for k in range(6)
    ]
    return made


# SQLite FTS5: the other candidate, the same documents and queries --------------------------


class SqliteCandidate:
    """FTS5 for text, tables with rank columns for keyset pages, a facet table."""

    def __init__(self, path: Path, contents: Contents):
        words = analyser()
        self.db = sqlite3.connect(path)
        self.db.executescript(
            "CREATE VIRTUAL TABLE docs USING fts5(code, name, text, words, detail=column);"
            "CREATE TABLE rows(id INTEGER PRIMARY KEY, iri TEXT, title TEXT, total REAL);"
            "CREATE TABLE facets(field TEXT, value TEXT, id INTEGER,"
            " PRIMARY KEY(field, value, id)) WITHOUT ROWID;"
        )
        analysed = lambda by: " ".join(  # noqa: E731
            t for lang, vs in by.items() for v in vs for t in words.terms(v, lang or "fi")
        )
        self.db.executemany(
            "INSERT INTO docs(rowid, code, name, text, words) VALUES (?, ?, ?, ?, ?)",
            (
                (
                    i,
                    " ".join(c for _, c in d.codes),
                    analysed(d.names),
                    analysed(d.texts),
                    " ".join(n for vs in d.names.values() for n in vs),
                )
                for i, d in enumerate(contents.documents)
            ),
        )
        self.db.executemany(
            "INSERT INTO rows VALUES (?, ?, ?, ?)",
            (
                (i, r.iri, (r.title.get("fi") or "").casefold(), r.total_budget)
                for i, r in enumerate(contents.rows)
            ),
        )
        self.db.executemany(
            "INSERT INTO facets VALUES (?, ?, ?)",
            (
                (field, value, i)
                for i, r in enumerate(contents.rows)
                for field, values in (
                    ("city", r.cities),
                    ("fund", r.fund),
                    ("focus_area", r.focus_area),
                    ("organisation", [p.organisation for p in r.participants]),
                )
                for value in set(values)
            ),
        )
        self.db.execute("CREATE INDEX by_title ON rows(title, id)")
        self.db.execute("CREATE INDEX by_total ON rows(total, id)")
        self.db.commit()

    def search(self, q: str) -> list:
        words = analyser()
        match = " AND ".join(
            "(" + " OR ".join(f'"{t}"' for t in words.query_forms(w)) + ")" for w in words.words(q)
        )
        return self.db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 100, 10, 1) LIMIT 20",
            (match,),
        ).fetchall()

    def suggest(self, prefix: str) -> list:
        *whole, start = re.findall(r"\w+", prefix.casefold())
        match = " ".join([*(f'"{w}"' for w in whole), f'"{start}"*'])
        return self.db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? LIMIT 10", (f"words : ({match})",)
        ).fetchall()

    def rows(self, filters: Filters, sort: Sort, after: tuple | None = None) -> list:
        column, index = (
            ("total", "by_total") if sort.column == "total_budget" else ("title", "by_title")
        )
        conditions, args = [], []
        for field in ("city", "fund", "focus_area"):
            for value in getattr(filters, field):
                conditions.append(
                    "EXISTS (SELECT 1 FROM facets f"
                    " WHERE f.field = ? AND f.value = ? AND f.id = rows.id)"
                )
                args += [field, value]
        if after:
            conditions.append(f"({column}, id) {'<' if sort.descending else '>'} (?, ?)")
            args += list(after)
        direction = "DESC" if sort.descending else "ASC"
        where = " AND ".join(conditions) or "1"
        return self.db.execute(
            f"SELECT id, {column} FROM rows INDEXED BY {index} WHERE {where} "
            f"ORDER BY {column} {direction}, id {direction} LIMIT 51",
            args,
        ).fetchall()

    def facets(self, filters: Filters) -> list:
        (city,) = filters.city
        return self.db.execute(
            "SELECT g.field, g.value, COUNT(*) FROM facets c JOIN facets g ON g.id = c.id "
            "WHERE c.field = 'city' AND c.value = ? GROUP BY g.field, g.value",
            (city,),
        ).fetchall()


def sqlite_queries(candidate: SqliteCandidate, n: int) -> dict[str, list[Callable[[], object]]]:
    made: dict[str, list[Callable[[], object]]] = {}
    for name, [make] in queries(n).items():
        kind = name.split(":")[0]
        method = getattr(candidate, "rows" if kind == "table" else kind)
        made[name] = [lambda k=k, make=make, method=method: method(*make(k)) for k in range(50)]
    later = {}
    for k in range(6):
        filters, sort = queries(n)["table: a city by title"][0](k)
        last = candidate.rows(filters, sort)[49]
        later[k] = (filters, sort, (last[1], last[0]))
    made["table: a city, page 2 (cursor)"] = [
        lambda k=k: candidate.rows(*later[k]) for k in range(6)
    ]
    return made


# The SPARQL yardstick --------------------------------------------------------------------


def sparql_city_page(store: ox.Store) -> dict[str, list[Callable[[], object]]]:
    # The selective part first: Oxigraph joins in the written order.
    query = """
    SELECT ?p ?t WHERE {{
      ?o <http://purl.org/dc/terms/spatial> <{city}> .
      ?p <{v}lead>|<{v}partner> ?o ; <http://purl.org/dc/terms/title> ?t
      FILTER(LANG(?t) = "fi")
    }} ORDER BY ?t ?p LIMIT 50
    """
    texts = [
        query.format(city=ID + f"concept/city/{c}", v=BASE + "def/6aika#") for c in synthetic.CITIES
    ]
    return {
        "table: a city by title": [
            lambda q=q: list(store.query(q, use_default_graph_as_union=True)) for q in texts
        ]
    }


# One size --------------------------------------------------------------------------------


WEB_RUNS = 200  # requests of each kind through the app


def web_table(folder: Path, store: ox.Store, n: int) -> dict[str, tuple[float, float]]:
    """The project table through the web app (``/projects``, its JSON, a page after a
    cursor, a CSV download), in process, with the response cache and the memo off: what a
    request costs the server, rows, facet counts and rendering together."""
    from sixaika.config import Settings
    from sixaika.read.store import OxigraphRepo
    from sixaika.release import Release
    from sixaika.web import create_app

    about = {"folder": "index", "analyser": analyser().name, "engine": "tantivy", "format": FORMAT}
    manifest = {"id": f"bench-{n}", "built": "2026-01-01T00:00:00+00:00", "base": BASE}
    manifest |= {"triples": 0, "datasets": {}, "synthetic": True, "index": about}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    shutil.copy(Path(__file__).parents[1] / "ontology" / "context.jsonld", folder)
    settings = Settings.from_env({}, base=BASE, cache_entries="0", root=str(folder))
    app = create_app(settings, repo=OxigraphRepo(store, f"bench-{n}"), release=Release(folder))
    client = app.test_client()
    html, as_json = {"Accept": "text/html"}, {"Accept": "application/json"}

    def city(k: int) -> str:
        return synthetic.CITIES[k % 6]

    def get(url: str, headers: dict[str, str]) -> Callable[[], object]:
        def run() -> object:
            answer = client.get(url, headers=headers)
            assert answer.status_code == 200, (url, answer.status_code)
            return answer.get_data()

        return run

    second = {
        k: client.get(f"/projects?city={city(k)}", headers=as_json).get_json()["next"]
        for k in range(6)
    }
    made = {
        "web: a city by title (HTML)": [get(f"/projects?city={city(k)}", html) for k in range(6)],
        "web: a city by title (JSON)": [
            get(f"/projects?city={city(k)}", as_json) for k in range(6)
        ],
        "web: a city, page 2 (cursor)": [get(url, as_json) for url in second.values() if url],
        "web: city+fund, budget desc": [
            get(f"/projects?city={city(k)}&fund=erdf&sort=total_budget&order=desc", as_json)
            for k in range(6)
        ],
        "web: a city, years, words": [
            get(f"/projects?city={city(k)}&from=2016&to=2018&q=hanke", as_json) for k in range(6)
        ],
    }
    return measure({name: runs for name, runs in made.items() if runs}, runs=WEB_RUNS)


def one_size(n: int, full: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="sixaika-bench-search-") as tmp:
        folder = Path(tmp)
        nquads = folder / "data.nq"
        with nquads.open("w", encoding="utf-8") as out:
            out.writelines(synthetic.nquads(n))
        figures: dict = {"n": n, "analyser": analyser().name}
        with cyclic_gc_paused():  # as the build runs
            store, contents = build_both(nquads, folder, figures)
        # A web worker holds none of the build's millions of objects: leave them out of the
        # collector's scans, or its pauses would be measured as the queries' time.
        gc.freeze()
        index = TantivyIndex(folder / "index", analyser())
        figures["tantivy"] = measure(tantivy_queries(index, n))
        del index
        figures["web"] = web_table(folder, store, n)
        started = time.perf_counter()
        candidate = SqliteCandidate(folder / "candidate.db", contents)
        figures["sqlite_write_s"] = time.perf_counter() - started
        figures["sqlite_mb"] = (folder / "candidate.db").stat().st_size / 1e6
        figures["sqlite"] = measure(sqlite_queries(candidate, n), runs=SLOW_RUNS)
        figures["sparql"] = measure(sparql_city_page(store), runs=SLOW_RUNS)
        del candidate, contents, store
        gc.unfreeze()
        gc.collect()
        if full:
            figures["full"] = full_build(n)
        return figures


def build_both(nquads: Path, folder: Path, figures: dict) -> tuple[ox.Store, Contents]:
    """The store (the yardstick) and the index, from the same quads; their times and sizes."""
    started = time.perf_counter()
    store = ox.Store(str(folder / "store"))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    figures["store_s"] = time.perf_counter() - started
    figures["store_mb"] = folder_mb(folder / "store")
    started = time.perf_counter()
    read = of_file(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS), BASE)
    figures["index_read_s"] = time.perf_counter() - started
    started = time.perf_counter()
    part = prepare(read, analyser())
    write(read.facts, lambda: [part], folder / "index", analyser())
    figures["index_write_s"] = time.perf_counter() - started
    contents = whole(read)
    figures["index_mb"] = folder_mb(folder / "index")
    return store, contents


def full_build(n: int) -> dict:
    """The whole build of n projects in the real source format, the index's share of it."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_build import StepRecorder, write_sources

    from sixaika.build import build
    from sixaika.config import Settings

    with tempfile.TemporaryDirectory(prefix="sixaika-bench-build-") as tmp:
        root = Path(tmp)
        write_sources(root, n)
        settings = Settings.from_env({}, root=str(root), base=BASE)
        progress = StepRecorder()
        release, _ = build(settings, progress)
        index = release.manifest.parts["index"]
        return {
            "build_s": progress.elapsed(),
            "index_s": index["seconds"],
            "index_mb": index["bytes"] / 1e6,
            "release_mb": folder_mb(release.path),
        }


def report(r: dict) -> None:
    n, index_s = r["n"], r["index_read_s"] + r["index_write_s"]
    print(f"\nN = {n} synthetic projects (Finnish analysed by {r['analyser']})")
    print(
        f"  store (bulk load, the yardstick) {r['store_s']:7.1f} s {r['store_mb']:8.1f} MB\n"
        f"  index: read {r['index_read_s']:.1f} s + write {r['index_write_s']:.1f} s"
        f" = {index_s:7.1f} s {r['index_mb']:8.1f} MB  ({index_s / r['store_s']:.2f}x the store)\n"
        f"  sqlite candidate, write (after the same read) {r['sqlite_write_s']:7.1f} s "
        f"{r['sqlite_mb']:8.1f} MB"
    )
    if "full" in r:
        f = r["full"]
        share = f["index_s"] / (f["build_s"] - f["index_s"])
        print(
            f"  whole build {f['build_s']:.1f} s, of which the index {f['index_s']:.1f} s: "
            f"+{100 * share:.1f}% on the rest of the build (target: under 25%); index "
            f"{f['index_mb']:.1f} MB of a {f['release_mb']:.1f} MB release"
        )
    print(f"  {'query':34} {'tantivy p50':>11} {'p99':>8} {'sqlite p50':>11} {'p99':>8}")
    for name, (p50, p99) in r["tantivy"].items():
        s50, s99 = r["sqlite"].get(name, (float("nan"), float("nan")))
        print(f"  {name:34} {p50:11.2f} {p99:8.2f} {s50:11.2f} {s99:8.2f}")
    s50, s99 = r["sparql"]["table: a city by title"]
    print(f"  {'SPARQL: a city by title (store)':34} {s50:11.2f} {s99:8.2f}")
    print(f"  {'through the app, no response cache':34} {'p50':>11} {'p99':>8}")
    for name, (p50, p99) in r["web"].items():
        print(f"  {name:34} {p50:11.2f} {p99:8.2f}")


def main(argv: list[str]) -> None:
    full = {int(a) for a in argv[argv.index("--full") + 1 :]} if "--full" in argv else set()
    sizes = [int(a) for a in (argv[: argv.index("--full")] if "--full" in argv else argv)]
    for n in sizes or [10_000, 100_000, 1_000_000]:
        report(one_size(n, n in full))
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Benchmark: build N synthetic projects from nothing, and again after one file changed.

    python bench/bench_build.py                # N = 10000, 100000, 1000000
    python bench/bench_build.py 1000 10000     # chosen sizes

The projects are SYNTHETIC (https://example.org/synthetic/ base, titled "Synthetic project
N"), written in the real source format (YAML records, 1000 per file) beside the real
ontology, shapes and concept schemes, so the whole pipeline runs: load -> link -> SHACL ->
release (store, dumps in every format, search index). For each N: a full build (no
cache), then, at 100k (or at a single smaller N), an incremental one after one project of
one file changed. Each runs in a process of its own; "peak MB" is the peak of the
resident memory of that process and all its children together (the partition workers),
sampled from /proc every 0.2 s: forked workers share pages copy-on-write, so this sum is
an upper bound ("PSS MB", the proportional set size, counts a shared page once; sampled
every 5 s, since the kernel takes some 0.1 s of a core to count it for a large build).

Yardstick, measured in the same run: pyoxigraph's bulk loader reading the N-Triples of
the projects that the build wrote into a new store on disk (what loading the data alone
costs, in Rust on both cores), measured the same way.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import yaml

from sixaika.build import Progress, build
from sixaika.config import Settings
from sixaika.release import Release

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://example.org/synthetic/"
RECORDS_PER_FILE = 1000
ORGANISATIONS = 500
SAMPLE, PSS_SAMPLE = 0.2, 5.0  # seconds between samples of the memory of a build's processes
PAGE = os.sysconf("SC_PAGE_SIZE")
FOCUS_AREAS = [
    "open-data-and-interfaces",
    "open-innovation-platforms",
    "open-participation-and-customership",
]


def synthetic_project(i: int, rng: random.Random) -> dict:
    source = f"https://example.org/synthetic/source/{i}"
    start = 2014 + i % 6
    lead, *partners = rng.sample(range(ORGANISATIONS), 4)
    return {
        "id": f"project/p{i}",
        "type": "Project",
        "identifier": f"{'A' if i % 3 else 'S'}{i % 100000:05d}",  # A: ERDF, S: ESF
        "title": {"fi": f"Synteettinen hanke {i}", "en": f"Synthetic project {i}"},
        "description": {
            "fi": f"Synteettinen testihanke numero {i}.",
            "en": f"Synthetic test project number {i}.",
        },
        "strategy": "strategy/synthetic",
        "fund": "concept/fund/erdf" if i % 3 else "concept/fund/esf",
        "focusArea": f"concept/focus-area/{FOCUS_AREAS[i % 3]}",
        "temporal": [
            {
                "type": "PeriodOfTime",
                "startDate": f"{start}-01-01",
                "endDate": f"{start + 2}-12-31",
                "source": source,
            }
        ],
        "budget": [
            {
                "type": "MonetaryAmount",
                "value": 100000 + i,
                "currency": "EUR",
                "budgetKind": "concept/budget-kind/total-budget",
                "source": source,
            }
        ],
        "participants": [
            {
                "source": source,
                "lead": f"organisation/o{lead}",
                "partners": [f"organisation/o{p}" for p in partners],
            }
        ],
        "source": source,
    }


def synthetic_organisation(i: int) -> dict:
    return {
        "id": f"organisation/o{i}",
        "type": "FormalOrganization",
        "prefLabel": {"fi": f"Synteettinen organisaatio {i}"},
        "source": "https://example.org/synthetic/organisations",
    }


SYNTHETIC_STRATEGY = {
    "id": "strategy/synthetic",
    "type": "Strategy",
    "title": {"fi": "Synteettinen strategia", "en": "Synthetic strategy"},
    "source": "https://example.org/synthetic/strategy",
}


def write_sources(root: Path, n: int) -> None:
    """Real ontology, shapes and concept schemes; synthetic organisations and projects."""
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(ROOT / "data" / "concepts", root / "data" / "concepts")
    (root / "data" / "projects").mkdir(parents=True)
    dump = lambda records, path: path.write_text(  # noqa: E731
        "# SYNTHETIC benchmark data, not real projects.\n"
        + yaml.dump(records, Dumper=yaml.CSafeDumper, allow_unicode=True),
        encoding="utf-8",
    )
    dump(
        [synthetic_organisation(i) for i in range(ORGANISATIONS)],
        root / "data" / "organisations.yaml",
    )
    dump(SYNTHETIC_STRATEGY, root / "data" / "strategy.yaml")
    rng = random.Random(n)
    for first in range(0, n, RECORDS_PER_FILE):
        chunk = [synthetic_project(i, rng) for i in range(first, min(n, first + RECORDS_PER_FILE))]
        dump(chunk, root / "data" / "projects" / f"p{first:07d}.yaml")


class StepPrinter(Progress):
    """Prints the build's step messages with their times as they happen (on stderr, which
    the run's log shares), so that a long build stopped midway still shows how far it got."""

    def __init__(self) -> None:
        super().__init__(quiet=True)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def __call__(self, message: str) -> None:
        print(f"{'':>14}[{self.elapsed():7.1f} s] {message}", file=sys.stderr, flush=True)


def settings_of(root: Path) -> Settings:
    return Settings.from_env({}, root=str(root), base=BASE)


def build_once(root: Path) -> dict:
    """In a child process: build the sources under ``root`` (from its cache, if any)."""
    progress = StepPrinter()
    release, report = build(settings_of(root), progress)
    return {
        "seconds": progress.elapsed(),
        "triples": release.manifest.triples,
        "violations": report.violations,
    }


def edit_one(root: Path) -> None:
    """Change one project of one file, as a coordinator fixing a typo would."""
    path = sorted((root / "data" / "projects").glob("*.yaml"))[-1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Synthetic project", "Edited synthetic project", 1), "utf-8")


def bulk_load_yardstick(root: Path) -> dict:
    """In a child process: pyoxigraph's bulk loader reading the projects' N-Triples."""
    release = Release.current(settings_of(root))
    nt = release.dump_path("projects.nt")
    with tempfile.TemporaryDirectory(prefix="sixaika-yardstick-", dir=root) as folder:
        started = time.perf_counter()
        store = ox.Store(folder)
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        seconds = time.perf_counter() - started
        triples = len(store)
        del store
    return {"seconds": seconds, "triples": triples}


def free_disk(root: Path) -> None:
    """Delete the release's store before the yardstick writes its own, when no
    incremental build follows: at 1M each store takes some 12 GB of disk."""
    shutil.rmtree(Release.current(settings_of(root)).path / "store")


def tree(root_pid: int) -> list[int]:
    """A process and its descendants, as /proc lists them now."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def resident(pids: list[int]) -> int:
    """The resident memory of ``pids`` together, in bytes (``statm``: a few microseconds
    a process)."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:  # it ended meanwhile
            continue
    return total


def proportional(pids: list[int]) -> int:
    """The proportional set size of ``pids`` together, in bytes (``smaps_rollup``: the
    kernel walks each process's page tables, some 0.1 s of a core for a build of 1M)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def sampled(*command: str) -> dict:
    """Run ``bench_build.py command...`` in a child; its JSON answer with the peak memory
    of its process tree: resident every ``SAMPLE`` seconds, proportional every
    ``PSS_SAMPLE`` (read as often, it took a third of a core from the build it measured)."""
    child = subprocess.Popen(
        [sys.executable, __file__, *command], stdout=subprocess.PIPE, text=True
    )
    peak_rss = peak_pss = 0
    next_pss = time.monotonic()
    while child.poll() is None:
        pids = tree(child.pid)
        peak_rss = max(peak_rss, resident(pids))
        if time.monotonic() >= next_pss:
            peak_pss, next_pss = max(peak_pss, proportional(pids)), time.monotonic() + PSS_SAMPLE
        time.sleep(SAMPLE)
    out = child.stdout.read()
    if child.returncode:
        raise RuntimeError(f"{command} failed with exit code {child.returncode}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak_rss / 2**20,
            "pss_mb": peak_pss / 2**20}  # fmt: skip


def line(label: str, n: int, r: dict, yardstick: dict) -> str:
    return (
        f"{label:<12} {n:>8} {r['seconds']:>9.1f} {1000 * r['seconds'] / n:>7.2f} "
        f"{r['peak_mb']:>8.0f} {r['pss_mb']:>8.0f} {r['triples']:>10} "
        f"{yardstick['seconds']:>8.1f} {yardstick['peak_mb']:>8.0f} "
        f"{r['seconds'] / yardstick['seconds']:>7.1f}"
    )


def main(sizes: list[int]) -> None:
    print(
        f"{'build':<12} {'N':>8} {'seconds':>9} {'s/1k':>7} {'peak MB':>8} {'PSS MB':>8} "
        f"{'triples':>10} {'load s':>8} {'load MB':>8} {'x load':>7}"
    )
    print(f"{'':<12} {'':>8} (load: pyoxigraph's bulk loader reading the projects' N-Triples)")
    full = {}
    for n in sizes:
        root = Path(tempfile.mkdtemp(prefix="sixaika-bench-"))
        try:
            subprocess.run([sys.executable, __file__, "--write", str(root), str(n)], check=True)
            full[n] = r = timed_build("full", n, root)
            # At 100k, or at a single smaller size (a quick run): not at 1M, where a second
            # release beside the first and the yardstick's store filled 65 GB of disk.
            incremental = n == 100_000 or (sizes == [n] and n < 100_000)
            if not incremental:
                free_disk(root)
            yardstick = sampled("--yardstick", str(root))
            print(line("full", n, r, yardstick), flush=True)
            if incremental:
                subprocess.run([sys.executable, __file__, "--edit", str(root)], check=True)
                r = timed_build("incremental", n, root)
                print(line("incremental", n, r, yardstick), flush=True)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    done = sorted(full)
    for a, b in zip(done, done[1:], strict=False):
        growth = (full[b]["seconds"] / full[a]["seconds"]) / (b / a)
        print(f"growth {a} -> {b}: time per project x{growth:.2f} (1.00 = linear)")


def timed_build(label: str, n: int, root: Path) -> dict:
    """A build in a child, its steps printed as they happen and its own figures once it
    is done (the table's line waits for the yardstick)."""
    print(f"{label} build of {n} projects:", flush=True)
    r = sampled("--build", str(root))
    print(
        f"{'':>14}{r['seconds']:.1f} s, peak {r['peak_mb']:.0f} MB (PSS {r['pss_mb']:.0f} MB)",
        flush=True,
    )
    return r


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["--write"]:
        write_sources(Path(sys.argv[2]), int(sys.argv[3]))
    elif command == ["--build"]:
        print(json.dumps(build_once(Path(sys.argv[2]))))
    elif command == ["--edit"]:
        edit_one(Path(sys.argv[2]))
    elif command == ["--yardstick"]:
        print(json.dumps(bulk_load_yardstick(Path(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])

"""Benchmark: build and validate N synthetic projects; print seconds and peak memory.

    python bench/bench_build.py                # N = 1000, 10000, 100000
    python bench/bench_build.py 1000 10000     # chosen sizes

The projects are SYNTHETIC (https://example.org/synthetic/ base, titled "Synthetic project
N"), written in the real source format (YAML records, 1000 per file) beside the real
ontology, shapes and concept schemes, so the whole pipeline runs: load -> link -> SHACL ->
release (store + Turtle, N-Triples, JSON-LD dumps). Each size runs in a fresh process so
that its peak memory is its own. "peak MB" is the build process's resident peak; "child MB"
the largest of the processes it forks (validation shards, the JSON-LD writer), which run
beside it and share its memory copy-on-write: a child's resident size counts those shared
pages too, so the two figures overlap rather than add up.

Yardstick, measured in the same run: the time rdflib alone takes to parse the N-Triples
that the build wrote (what any rdflib/pyshacl pipeline pays before validating anything).
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rdflib
import yaml

from sixaika.build import Progress, build
from sixaika.config import Settings

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://example.org/synthetic/"
RECORDS_PER_FILE = 1000
ORGANISATIONS = 500
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


class StepRecorder(Progress):
    """Keeps the build's step messages with their times, to print them afterwards."""

    def __init__(self) -> None:
        super().__init__(quiet=True)
        self.steps: list[tuple[float, str]] = []

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def __call__(self, message: str) -> None:
        self.steps.append((round(self.elapsed(), 1), message))


def one_size(n: int) -> dict:
    """Runs in a child process: generate, build, measure."""
    with tempfile.TemporaryDirectory(prefix="sixaika-bench-") as tmp:
        root = Path(tmp)
        write_sources(root, n)
        settings = Settings.from_env({}, root=str(root), base=BASE)
        progress = StepRecorder()
        release, report = build(settings, progress)
        seconds = progress.elapsed()
        nt = release.dump_path("projects.nt")
        t = time.perf_counter()
        rdflib.Graph().parse(nt, format="nt")
        yardstick = time.perf_counter() - t
        return {
            "n": n,
            "seconds": seconds,
            "triples": release.manifest.triples,
            "violations": report.violations,
            "rdflib_parse_seconds": yardstick,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "steps": progress.steps,
        }


def main(sizes: list[int]) -> None:
    print(
        f"{'N':>8} {'seconds':>9} {'s/1k':>7} {'peak MB':>8} {'child MB':>8} {'triples':>9} "
        f"{'rdflib parse s':>15} {'build/parse':>11}"
    )
    results = []
    for n in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(r)
        print(
            f"{r['n']:>8} {r['seconds']:>9.1f} {1000 * r['seconds'] / n:>7.2f} "
            f"{r['peak_mb']:>8.0f} {r['child_peak_mb']:>8.0f} {r['triples']:>9} "
            f"{r['rdflib_parse_seconds']:>15.1f} "
            f"{r['seconds'] / r['rdflib_parse_seconds']:>11.2f}",
            flush=True,
        )
        for seconds, message in r["steps"]:
            print(f"{'':>10}[{seconds:7.1f} s] {message}")
    for a, b in zip(results, results[1:], strict=False):
        growth = (b["seconds"] / a["seconds"]) / (b["n"] / a["n"])
        print(f"growth {a['n']} -> {b['n']}: time per project x{growth:.2f} (1.00 = linear)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one_size(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])

"""Settings: each declared once, with its environment variable, default and help.

The README's settings table is checked against ``SETTINGS`` by a test, so the two
cannot drift apart.

>>> settings = Settings.from_env({"SIXAIKA_BASE": "https://data.example.org/"})
>>> settings.base
'https://data.example.org/'
>>> settings.id_base
'https://data.example.org/id/'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from .namespaces import PREFIXES

# The ontology, the context and the shapes are written against this base; the build
# rebases them when another base is configured (see ``Settings.rebase``).
DEFAULT_BASE = "http://localhost:8000/"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base", "SIXAIKA_BASE", DEFAULT_BASE, "Base IRI of everything published; must end with '/'."
    ),
    Setting("root", "SIXAIKA_ROOT", ".", "Project folder holding data/, ontology/ and shapes/."),
    Setting(
        "releases",
        "SIXAIKA_RELEASES",
        "var/releases",
        "Folder where built releases are kept (relative to the root).",
    ),
    Setting(
        "keep_releases",
        "SIXAIKA_KEEP_RELEASES",
        "3",
        "How many releases to keep on disk, the current one included.",
    ),
    Setting(
        "build_workers",
        "SIXAIKA_BUILD_WORKERS",
        "auto",
        "Processes that load and validate in parallel (`auto`: one per core).",
    ),
    Setting("host", "SIXAIKA_HOST", "127.0.0.1", "Address `serve` listens on."),
    Setting("port", "SIXAIKA_PORT", "8000", "Port `serve` listens on."),
    Setting("workers", "SIXAIKA_WORKERS", "2", "Web worker processes of `serve`."),
    Setting(
        "cache_entries",
        "SIXAIKA_CACHE_ENTRIES",
        "4096",
        "Responses each web worker keeps in memory (the release is immutable).",
    ),
    Setting(
        "max_age",
        "SIXAIKA_MAX_AGE",
        "300",
        "Seconds public caches may reuse a response before revalidating it.",
    ),
    Setting(
        "access_log",
        "SIXAIKA_ACCESS_LOG",
        "",
        "Where `serve` logs each request ('-' for stdout, or a file); empty: no log.",
    ),
    Setting(
        "store",
        "SIXAIKA_STORE",
        "",
        "SPARQL 1.1 query endpoint of a remote store to read from; empty: the release's own store.",
    ),
    Setting(
        "store_data",
        "SIXAIKA_STORE_DATA",
        "",
        "Graph Store Protocol endpoint where `build --store` loads the release; empty: derived "
        "from SIXAIKA_STORE (`.../query` to `.../store`, `.../sparql` to `.../data`).",
    ),
    Setting(
        "query_timeout",
        "SIXAIKA_QUERY_TIMEOUT",
        "30",
        "Seconds a SPARQL query may run; a request may ask for less with `timeout=`.",
    ),
    Setting(
        "query_max_length",
        "SIXAIKA_QUERY_MAX_LENGTH",
        "100000",
        "Longest SPARQL query accepted, in characters.",
    ),
    Setting(
        "query_max_result_mb",
        "SIXAIKA_QUERY_MAX_RESULT_MB",
        "50",
        "Largest SPARQL result served, in megabytes as serialized.",
    ),
    Setting(
        "query_memory_mb",
        "SIXAIKA_QUERY_MEMORY_MB",
        "2048",
        "Memory (address space) a query may take in its worker process, in megabytes, beyond "
        "what the worker holds once started.",
    ),
    Setting(
        "query_in_memory_quads",
        "SIXAIKA_QUERY_IN_MEMORY_QUADS",
        "1000000",
        "A release of at most this many quads is copied into each query worker's memory, where "
        "queries run 2-7 times faster (about 0.4 KB per quad and worker); a larger one is read "
        "from disk. 0: always from disk.",
    ),
    Setting(
        "query_workers",
        "SIXAIKA_QUERY_WORKERS",
        "2",
        "Query worker processes per web worker (each runs one query at a time).",
    ),
    Setting(
        "query_services",
        "SIXAIKA_QUERY_SERVICES",
        "",
        "Space-separated endpoint IRIs that queries may call with SERVICE; empty: SERVICE refused.",
    ),
)


_QUERY_NUMBERS = (
    "query_timeout",
    "query_max_length",
    "query_max_result_mb",
    "query_memory_mb",
    "query_workers",
)


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE
    root: str = "."
    releases: str = "var/releases"
    keep_releases: str = "3"
    host: str = "127.0.0.1"
    port: str = "8000"
    build_workers: str = "auto"
    workers: str = "2"
    cache_entries: str = "4096"
    max_age: str = "300"
    access_log: str = ""
    store: str = ""
    store_data: str = ""
    query_timeout: str = "30"
    query_max_length: str = "100000"
    query_max_result_mb: str = "50"
    query_memory_mb: str = "2048"
    query_workers: str = "2"
    query_in_memory_quads: str = "1000000"
    query_services: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: str) -> Settings:
        """Settings from the environment, then explicit overrides (e.g. from CLI flags)."""
        environ = os.environ if environ is None else environ
        values = {s.name: environ.get(s.env, s.default) for s in SETTINGS}
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if not self.base.endswith("/") or "://" not in self.base:
            raise ValueError(f"SIXAIKA_BASE must be an absolute IRI ending in '/': {self.base!r}")
        for setting in ("keep_releases", "port", "workers", *_QUERY_NUMBERS):
            value = getattr(self, setting)
            if not value.isdigit() or int(value) < 1:
                raise ValueError(f"SIXAIKA_{setting.upper()} must be a positive integer: {value!r}")
        for setting in ("store", "store_data", "query_services"):
            for url in getattr(self, setting).split():
                if not url.startswith(("http://", "https://")):
                    raise ValueError(f"SIXAIKA_{setting.upper()} must hold http(s) URLs: {url!r}")
        for setting in ("cache_entries", "max_age", "query_in_memory_quads"):
            value = getattr(self, setting)
            if not value.isdigit():
                raise ValueError(f"SIXAIKA_{setting.upper()} must be 0 or more: {value!r}")

    # Derived places -----------------------------------------------------------------
    @property
    def id_base(self) -> str:
        return self.base + "id/"

    @property
    def vocab(self) -> str:
        return self.base + "def/6aika#"

    @property
    def root_path(self) -> Path:
        return Path(self.root)

    @property
    def data_dir(self) -> Path:
        return self.root_path / "data"

    @property
    def ontology_dir(self) -> Path:
        return self.root_path / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root_path / "shapes"

    @property
    def releases_dir(self) -> Path:
        return self.root_path / self.releases

    @property
    def build_processes(self) -> int:
        """``build_workers`` as a number; ``auto``: one per core this process may use."""
        if self.build_workers != "auto":
            return int(self.build_workers)
        if hasattr(os, "sched_getaffinity"):
            return len(os.sched_getaffinity(0))
        return os.cpu_count() or 1

    @property
    def prefixes(self) -> dict[str, str]:
        """Prefixes for Turtle and tables: ours (``sixaika``) and the reused vocabularies'."""
        return {"sixaika": self.vocab, **PREFIXES}

    def graph(self, dataset: str) -> str:
        """IRI of the named graph that holds one dataset of the catalog."""
        return f"{self.base}graph/{dataset}"

    def rebase(self, text: str) -> str:
        """Text written against ``DEFAULT_BASE`` (context, shapes), moved to our base."""
        return text if self.base == DEFAULT_BASE else text.replace(DEFAULT_BASE, self.base)


assert {f.name for f in fields(Settings)} == {s.name for s in SETTINGS}

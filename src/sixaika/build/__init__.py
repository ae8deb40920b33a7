"""Build: load -> link -> validate -> release. Each step is its own module."""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..config import Settings
from ..release import Release
from .lock import one_build_at_a_time
from .partitions import Checked, load_and_validate
from .release import write_release
from .validate import Report


class BuildRefused(Exception):
    """The sources do not conform to the shapes; nothing was released."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"validation failed: {report.violations} violation(s)")


class Progress:
    """Step messages with timings on stderr, so stdout stays clean for reports."""

    def __init__(self, stream=None, quiet: bool = False):
        self.stream, self.quiet = stream, quiet
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self.started
            print(f"[{elapsed:7.1f} s] {message}", file=self.stream or sys.stderr, flush=True)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, for work that makes millions of objects.

    Loading and validating keep millions of long-lived objects (terms, triples, graph
    indexes) and make few reference cycles. The collector would scan them all again and
    again as they grow: a quarter of the time of a 10k-project shard. Reference counting
    still frees what is dropped; the cycles left are collected once, at the end. Forked
    shard workers inherit the pause.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def check(settings: Settings, progress: Progress, lang: str = "en") -> tuple[Checked, Report]:
    """Load, link and validate; raise ``InputError`` for unusable input."""
    with cyclic_gc_paused():
        checked = load_and_validate(settings, settings.build_workers, lang, progress)
    return checked, checked.report


def build(
    settings: Settings, progress: Progress | None = None, lang: str = "en", wait: bool = False
) -> tuple[Release, Report]:
    """Build and publish a release; raise ``InputError`` or ``BuildRefused`` otherwise, or
    ``Failure`` if another build runs (unless ``wait``: then wait for it)."""
    progress = progress or Progress()
    with one_build_at_a_time(settings.releases_dir, wait, progress), cyclic_gc_paused():
        checked = load_and_validate(settings, settings.build_workers, lang, progress)
        if not checked.report.conforms:
            raise BuildRefused(checked.report)
        release = write_release(checked, settings, progress)
        checked.cache.keep_only({r.key for r in checked.results})
    progress(f"released {release.id}: {release.manifest.triples} triples")
    return release, checked.report

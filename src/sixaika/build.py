"""Build: load -> link -> validate -> release. Each step is its own module."""

from __future__ import annotations

import sys
import time

from .config import Settings
from .link import check_links
from .release import Release, write_release
from .sources import Sources, load_sources
from .validate import Report, validate_sources


class BuildRefused(Exception):
    """The sources do not conform to the shapes; nothing was released."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"validation failed: {report.violations} violation(s)")


class Progress:
    """Step messages with timings on stderr, so stdout stays clean for reports."""

    def __init__(self, stream=sys.stderr, quiet: bool = False):
        self.stream, self.quiet = stream, quiet
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self.started
            print(f"[{elapsed:7.1f} s] {message}", file=self.stream, flush=True)

    def files(self, number: int, total: int) -> None:
        if number == total or number % 1000 == 0:
            self(f"read {number}/{total} source files")


def load_and_check(settings: Settings, progress: Progress) -> Sources:
    progress("loading sources")
    sources = load_sources(settings, progress=progress.files)
    progress(f"loaded {len(sources.quads)} triples from {len(sources.files)} files; linking")
    check_links(sources, settings)
    return sources


def check(settings: Settings, progress: Progress, lang: str = "en") -> Report:
    sources = load_and_check(settings, progress)
    progress("validating with SHACL")
    return validate_sources(sources, settings, lang)


def build(
    settings: Settings, progress: Progress | None = None, lang: str = "en"
) -> tuple[Release, Report]:
    """Build and publish a release; raise ``InputError`` or ``BuildRefused`` otherwise."""
    progress = progress or Progress()
    sources = load_and_check(settings, progress)
    progress("validating with SHACL")
    report = validate_sources(sources, settings, lang)
    if not report.conforms:
        raise BuildRefused(report)
    release = write_release(sources, settings, progress)
    progress(f"released {release.id}: {release.manifest['triples']} triples")
    return release, report

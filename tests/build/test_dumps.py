"""Dumps joined from their files' parts: where files did not change since the current
release, their parts are copied from its dumps (not inflated again), and every dump is
the same bytes as one joined from nothing. The records are made-up (example.org)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from sixaika.build import dumps
from sixaika.build.dumps import Earlier, Parts, write_dumps
from sixaika.config import Settings

ID = "https://example.org/synthetic/id/"
DCT = "http://purl.org/dc/terms/"

Files = dict[str, list[ox.Triple]]  # by load key


def record(name: str, title: str) -> list[ox.Triple]:
    subject, period = ox.NamedNode(f"{ID}project/{name}"), ox.BlankNode()
    return [
        ox.Triple(subject, ox.NamedNode(DCT + "title"), ox.Literal(title, language="en")),
        ox.Triple(subject, ox.NamedNode(DCT + "temporal"), period),
        ox.Triple(period, ox.NamedNode(DCT + "date"), ox.Literal("2020-01-01")),
    ]


def keyed(settings: Settings, files: Files) -> dict[str, dict[str, bytes]]:
    parts, graph = Parts(settings), ox.NamedNode(settings.urls.graph("projects"))
    return {key: parts.of([ox.Quad(*t, graph) for t in triples]) for key, triples in files.items()}


def written(settings: Settings, files: Files, folder: Path, earlier: Earlier | None = None):
    """The project dataset's dumps of ``files`` in ``folder``: their manifest entries."""
    parts = keyed(settings, files)
    folder.mkdir()
    return write_dumps(settings, folder, {"projects": lambda: parts.items()}, earlier)


def kernel_failing(after: int):
    """``os.copy_file_range`` of a file system that fails after ``after`` calls (0: at
    once, as where it has none; 1: midway through a copy)."""
    calls, real = [], os.copy_file_range

    def copy_file_range(src: int, dst: int, count: int, offset_src: int) -> int:
        calls.append(count)
        if len(calls) > after:
            raise OSError(errno.EXDEV, "not on this file system")
        return real(src, dst, max(1, count // 2), offset_src)

    return copy_file_range


@pytest.mark.parametrize("kernel_fails_after", [None, 0, 1])
def test_unchanged_files_are_copied_from_the_current_dumps(
    project_copy, tmp_path, monkeypatch, kernel_fails_after
):
    if kernel_fails_after is not None:
        failing = kernel_failing(kernel_fails_after)
        monkeypatch.setattr(dumps.os, "copy_file_range", failing)
    before = {f"f{n}": record(f"p{n}", f"Project {n}") for n in range(4)}
    written(project_copy, before, tmp_path / "before")
    after = {key: before[key] for key in ("f1", "f3")}
    after |= {"f2b": record("p2", "Project two, renamed"), "f4": record("p4", "New")}
    copied = []
    copy = dumps._Earlier.copy

    def counted(earlier, key, *targets):
        copied.append(key)
        copy(earlier, key, *targets)

    monkeypatch.setattr(dumps._Earlier, "copy", counted)
    earlier_parts = keyed(project_copy, before)
    earlier = Earlier(tmp_path / "before", {"projects": lambda: earlier_parts.items()})
    changed = written(project_copy, after, tmp_path / "changed", earlier)
    assert sorted(set(copied)) == ["f1", "f3"]  # in every format
    assert changed == written(project_copy, after, tmp_path / "whole")
    for entry in changed["projects"].values():
        assert entry.gzip is not None
        for name in (entry.name, entry.gzip.name):
            whole = (tmp_path / "whole" / name).read_bytes()
            assert (tmp_path / "changed" / name).read_bytes() == whole


def test_dumps_that_are_not_what_their_parts_make_are_not_copied(project_copy, tmp_path):
    before = {f"f{n}": record(f"p{n}", f"Project {n}") for n in range(2)}
    written(project_copy, before, tmp_path / "before")
    with (tmp_path / "before" / "projects.nt").open("ab") as dump:
        dump.write(b"# changed by hand\n")
    earlier_parts = keyed(project_copy, before)
    earlier = Earlier(tmp_path / "before", {"projects": lambda: earlier_parts.items()})
    assert earlier.dumps(project_copy, "projects") is None
    assert written(project_copy, before, tmp_path / "again", earlier) == written(
        project_copy, before, tmp_path / "whole"
    )

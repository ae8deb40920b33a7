"""The pages part changed where the sources did (``build.pages.update_pages``) holds the
same rows as one written whole from the same files (``write_pages``), however far a
change reaches: a city lists the projects of the organisations located in it, so a
project's new title reaches the city's page two links away.

The files are made-up (synthetic, example.org); each is a list of N-Triples lines.
"""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from sixaika.build.pages import Change, FilePages, file_pages, update_pages, write_pages
from sixaika.config import Settings
from sixaika.read.pages import PAGES_FILE

BASE = "https://example.org/synthetic/"
SETTINGS = Settings.from_env({"SIXAIKA_BASE": BASE})
ID, V = SETTINGS.urls.id(), SETTINGS.urls.vocab
A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
TITLE = "<http://purl.org/dc/terms/title>"
SPATIAL = "<http://purl.org/dc/terms/spatial>"


def project(name: str, title: str, role: str = "lead", organisation: str = "o1") -> list[str]:
    return [
        f"<{ID}project/{name}> {A} <{V}Project> .",
        f'<{ID}project/{name}> {TITLE} "{title}"@en .',
        f"<{ID}project/{name}> <{V}{role}> <{ID}organisation/{organisation}> .",
        f"<{ID}project/{name}> <{V}period> _:period .",
        f'_:period <{V}start> "2020" .',
    ]


def organisations(name: str = "Org one") -> list[str]:
    return [
        f"<{ID}organisation/o1> {A} <{V}Organisation> .",
        f'<{ID}organisation/o1> {LABEL} "{name}"@fi .',
        f"<{ID}organisation/o1> {SPATIAL} <{ID}city/c> .",
        f"<{ID}city/c> {A} <{V}City> .",
        f'<{ID}city/c> {LABEL} "City"@fi .',
    ]


def share(lines: list[str]) -> FilePages:
    triples = [q.triple for q in ox.parse("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)]
    return file_pages(triples, ID)


def written(files: dict[str, list[str]], folder: Path) -> Path:
    shares = [share(lines) for lines in files.values()]
    write_pages([lambda s=s: s for s in shares], SETTINGS, folder)
    return folder / PAGES_FILE


def updated(before: dict, after: dict, current: Path, folder: Path) -> Path:
    """``after`` from the pages file of ``before``: the files whose lines differ changed."""
    gone = [share(lines) for name, lines in before.items() if after.get(name) != lines]
    added = [share(lines) for name, lines in after.items() if before.get(name) != lines]
    shares = [share(lines) for lines in after.values()]
    update_pages([lambda s=s: s for s in shares], Change(current, gone, added), SETTINGS, folder)
    return folder / PAGES_FILE


def rows(path: Path) -> dict[str, list]:
    db = sqlite3.connect(path)
    found = {
        table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("descriptions", "names", "members", "prefixes")
    }
    db.close()
    found["descriptions"] = [tuple(map(_inflated, row)) for row in found["descriptions"]]
    return found


def _inflated(value: object) -> object:
    return zlib.decompress(value).decode() if isinstance(value, bytes) else value


def description(path: Path, iri: str) -> str:
    return {row[0]: row[1] for row in rows(path)["descriptions"]}[ID + iri]


BEFORE = {
    "organisations": organisations(),
    "b": project("p1", "P one") + project("p2", "P two"),
    "c": project("p3", "P three", role="partner"),
}


@pytest.mark.parametrize(
    ("after", "reached", "shows"),
    [
        ({"c": project("p3", "P three, renamed", role="partner")}, "city/c", "P three, renamed"),
        ({"organisations": organisations("Org renamed")}, "project/p1", "Org renamed"),
        ({"c": None}, "organisation/o1", None),  # p3 went: its link to o1 with it
        ({"b": project("p1", "P one"), "d": project("p2", "P two")}, None, None),
        ({"c": project("p3", "P three", organisation="o2")}, "city/c", None),
    ],
    ids=["title-two-links-away", "organisation-label", "deleted", "moved", "relinked"],
)
def test_pages_changed_where_the_sources_did_are_the_pages_written_whole(
    tmp_path, after, reached, shows
):
    changed = {name: lines for name, lines in {**BEFORE, **after}.items() if lines is not None}
    current = written(BEFORE, tmp_path / "before")
    incremental = updated(BEFORE, changed, current, tmp_path / "incremental")
    whole = written(changed, tmp_path / "whole")
    assert rows(incremental) == rows(whole)
    if reached:  # the change did reach it
        assert description(whole, reached) != description(current, reached)
    if shows:
        assert shows in description(whole, reached)
    if "P three" not in str(changed):
        assert "project/p3" not in description(whole, "organisation/o1")

"""Incremental builds: a build after a change loads and validates again only the files the
change concerns, and writes the same release, byte for byte, as a build from nothing; its
search index (whose files tantivy names by random ids) gives the same answers.

The mini project (synthetic) with four project files: p1 led by example-lead with
example-partner, p2 and p4 by example-lead alone, p3 by example-partner alone.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest
import tantivy
from rdflib.compare import isomorphic

from sixaika.build import cache
from sixaika.build.validate import to_rdflib
from sixaika.config import Settings
from sixaika.read.pages import HTML_PART
from sixaika.release import MANIFEST_FILE, Release
from sixaika.search.engine import TantivyIndex
from sixaika.search.index import COLUMNS, Page, Sort
from sixaika.web.stamp import Stamp, filled

from .test_pipeline import run

ID = "http://localhost:8000/id/"  # the mini project is built with the default base
ALONE = "    lead: organisation/{lead}\n"


@pytest.fixture
def projects(mini) -> Path:
    template = (mini / "data/projects/p1.yaml").read_text()
    both = "    lead: organisation/example-lead\n    partners: [organisation/example-partner]\n"
    assert both in template
    for number, lead in ((2, "example-lead"), (3, "example-partner"), (4, "example-lead")):
        text = template.replace("project/p1", f"project/p{number}").replace(
            "source/p1", f"s/{number}"
        )
        (mini / f"data/projects/p{number}.yaml").write_text(
            text.replace(both, ALONE.format(lead=lead))
        )
    return mini


def released(capsys) -> tuple[tuple, tuple[int, int, bool]]:
    """Build; the release's datasets (graphs, triple counts, every file's size and
    checksum), its store's quads, its search index's answers, its pages' rows and its
    facts; how many project files were taken from the cache and how many done, and
    whether its store and its pages are the last ones' changed (always both, or neither)."""
    code, _, err = run(capsys, "build")
    assert code == 0, err
    done = re.search(r"(\d+) as validated before, (\d+) to load and validate", err)
    release = Release.current(Settings.from_env({}))
    store = release.open_store()
    graphs = {
        name: to_rdflib(store.quads_for_pattern(None, None, None, ox.NamedNode(dataset.graph)))
        for name, dataset in release.manifest.datasets.items()
    }
    assert sum(len(g) for g in graphs.values()) == len(store) == release.manifest.triples
    changed = "the store changed where the sources did" in err
    assert changed == ("changing the pages where the sources did" in err)
    counts = (int(done.group(1)), int(done.group(2)), changed)
    facts = release.manifest.parts["facts"]
    return (
        release.manifest.datasets,
        graphs,
        index_answers(release),
        pages_rows(release),
        facts,
    ), counts


def pages_rows(release: Release) -> dict[str, list]:
    """Every row of the release's pages file (the file's bytes differ: one changed in
    place keeps free pages that one written whole does not), and its account of them;
    every HTML page it rendered ahead (with holes for the release's stamp)."""
    db = sqlite3.connect(release.path / release.manifest.parts["pages"]["file"])
    rows = {
        table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("descriptions", "names", "members", "prefixes")
    }
    db.close()
    html = sqlite3.connect(release.path / release.manifest.parts["html"]["file"])
    rows["html"] = html.execute("SELECT * FROM html ORDER BY 1, 2").fetchall()
    html.close()
    return {"part": release.manifest.parts["pages"], **rows}


def index_answers(release: Release) -> tuple:
    """What a release's search index holds and answers: the manifest's account of it (its
    digest of what was indexed), every document as stored in the index's order (one
    segment), the table page by page in every order (the cursors are places in them), the
    facets, a search and suggestions."""
    about = {k: v for k, v in release.manifest.parts["index"].items() if k != "seconds"}
    index = release.open_index()
    assert isinstance(index, TantivyIndex)
    searcher = index.searcher
    assert searcher.num_segments == 1
    stored = [searcher.doc(tantivy.DocAddress(0, n)).to_dict() for n in range(searcher.num_docs)]
    tables = [
        table_pages(index, Sort(column, descending, lang))
        for column in COLUMNS
        for lang in ("fi", "en", "sv")
        for descending in (False, True)
    ]
    searched = [index.search(q, limit=50) for q in ("esimerkkihanke", "example project", "p1")]
    return about, stored, tables, index.facets(), searched, index.suggest("e")


def table_pages(index: TantivyIndex, sort: Sort) -> list[Page]:
    pages = [index.rows(sort=sort, limit=1)]
    while pages[-1].next:
        pages.append(index.rows(sort=sort, cursor=pages[-1].next, limit=1))
    return pages


def incremental_is_full(mini: Path, capsys) -> tuple[int, int, bool]:
    """Build from the cache (its store changed from the current one's), then from nothing
    (its store loaded whole): the same release. What the first reused."""
    incremental, counts = released(capsys)
    shutil.rmtree(mini / "var/releases")  # the cache, and the store a build would change
    full, (reused, _, changed) = released(capsys)
    assert reused == 0 and not changed
    assert incremental[0] == full[0]  # every dump the same bytes
    for name, graph in incremental[1].items():  # the same graphs (a store names blank nodes)
        assert isomorphic(graph, full[1][name]), name
    assert incremental[2] == full[2]  # the same search index
    assert incremental[3] == full[3]  # the same pages
    assert incremental[4] == full[4]  # the same facts
    return counts


def test_an_incremental_build_is_the_full_build_after_each_change(projects, capsys):
    assert released(capsys)[1] == (0, 4, False)
    assert incremental_is_full(projects, capsys) == (4, 0, True)  # nothing changed

    p2 = projects / "data/projects/p2.yaml"
    p2.write_text(p2.read_text().replace("Example project", "Edited example project"))
    assert incremental_is_full(projects, capsys) == (3, 1, True)  # p2 alone

    (projects / "data/projects/p3.yaml").unlink()
    assert incremental_is_full(projects, capsys) == (3, 0, True)

    (projects / "data/projects/p4.yaml").rename(projects / "data/projects/p5.yaml")
    assert incremental_is_full(projects, capsys) == (2, 1, True)  # a new path: its places change

    organisations = projects / "data/organisations.yaml"
    organisations.write_text(organisations.read_text().replace("Esimerkkikumppani", "Kumppani"))
    assert incremental_is_full(projects, capsys) == (2, 1, True)  # p1 alone links to the partner
    p1 = Release.current(Settings.from_env({})).open_pages().ntriples(ID + "project/p1")
    assert b'"Kumppani"@fi' in p1[0]  # the partner's new name reached p1's page

    shapes = projects / "shapes/mini.ttl"
    shapes.write_text(shapes.read_text() + "\n# a changed shape\n")
    assert incremental_is_full(projects, capsys) == (0, 3, True)  # every project file


def test_an_incremental_build_renders_only_the_pages_its_change_reaches(projects, capsys):
    assert run(capsys, "build")[0] == 0
    p3 = projects / "data/projects/p3.yaml"
    p3.write_text(p3.read_text().replace("Example project", "Edited example project"))
    code, _, err = run(capsys, "build")
    assert code == 0, err
    said = re.search(r"(\d+) HTML pages rendered, (\d+) kept from the last release", err)
    assert said is not None, err
    rendered, kept = int(said[1]), int(said[2])
    release = Release.current(Settings.from_env({}))
    pages = release.open_pages()
    described = list(pages.described())
    assert rendered + kept == len(described) and 0 < rendered < kept
    page = filled(
        pages.html(ID + "project/p3", "en"), Stamp(release.id, release.manifest.built), "en"
    )
    assert b"Edited example project" in page and release.id.encode() in page


def test_a_damaged_html_file_of_the_last_release_renders_every_page_again(projects, capsys):
    assert run(capsys, "build")[0] == 0
    before = Release.current(Settings.from_env({}))
    html = before.path / before.manifest.parts[HTML_PART]["file"]
    html.chmod(0o644)
    html.write_bytes(b"not a database " * 100)
    p3 = projects / "data/projects/p3.yaml"
    p3.write_text(p3.read_text().replace("Example project", "Edited example project"))
    code, _, err = run(capsys, "build")
    assert code == 0, err
    assert "the last release's pages could not be read (file is not a database)" in err
    release = Release.current(Settings.from_env({}))
    described = len(list(release.open_pages().described()))
    assert f"{described} HTML pages rendered, 0 kept from the last release" in err


def test_a_damaged_manifest_of_the_last_release_is_not_built_on(projects, capsys):
    """A release whose manifest cannot be read tells nothing reliable of what it holds:
    the next build writes all again rather than change it, and replaces it."""
    assert run(capsys, "build")[0] == 0
    damaged = Release.current(Settings.from_env({}))
    manifest = damaged.path / MANIFEST_FILE
    manifest.chmod(0o644)
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "software": 123}))
    p3 = projects / "data/projects/p3.yaml"
    p3.write_text(p3.read_text().replace("Example project", "Edited example project"))
    code, _, err = run(capsys, "build")
    assert code == 0, err
    assert "the store changed where the sources did" not in err  # written from nothing
    release = Release.current(Settings.from_env({}))
    assert release.path != damaged.path and release.damaged is None
    assert b"Edited example project" in release.open_pages().ntriples(ID + "project/p3")[0]


def test_a_file_that_became_invalid_is_told_again_from_the_cache(projects, capsys):
    assert run(capsys, "build", "--quiet")[0] == 0
    p2 = projects / "data/projects/p2.yaml"
    p2.write_text(p2.read_text().replace("title:", "alternative:"))
    for _ in range(2):  # validated, then answered by the cache: the same verdict
        code, _, err = run(capsys, "build", "--quiet")
        assert code == 1 and "p2.yaml" in err and "dct:title" in err


def test_a_record_moved_into_another_file_is_defined_twice(projects, capsys):
    assert run(capsys, "build", "--quiet")[0] == 0
    p4 = (projects / "data/projects/p4.yaml").read_text()
    (projects / "data/projects/p9.yaml").write_text(p4)
    code, _, err = run(capsys, "build", "--quiet")
    assert code == 2 and "p9.yaml" in err and "project/p4 is already defined at" in err
    (projects / "data/projects/p4.yaml").unlink()
    assert run(capsys, "build", "--quiet")[0] == 0


def test_the_code_and_shapes_are_known_by_their_paths_under_their_folder(tmp_path):
    """A checkout moved, or another worktree of the same commit, keeps its build cache."""
    package = Path(cache.__file__).resolve().parents[1]
    copies = [tmp_path / "one" / "sixaika", tmp_path / "elsewhere" / "two" / "sixaika"]
    for copy in copies:
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    one, two = (cache.files_digest(c.rglob("*.py"), c) for c in copies)
    assert one == two == cache.code_digest()
    (copies[1] / "release.py").rename(copies[1] / "released.py")
    assert cache.files_digest(copies[1].rglob("*.py"), copies[1]) != one  # a path is known


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads open files from /proc")
def test_the_changed_store_is_closed_before_its_release_is_renamed(projects, capsys, monkeypatch):
    assert released(capsys)[1] == (0, 4, False)
    rename, open_at_rename = Path.rename, []

    def checked_rename(self: Path, target):
        if self.name.startswith(".building-"):
            fds = Path("/proc/self/fd")
            links = [str(fd.readlink()) for fd in fds.iterdir() if fd.is_symlink()]
            open_at_rename.extend(x for x in links if x.startswith(f"{self.resolve()}/store"))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", checked_rename)
    p2 = projects / "data/projects/p2.yaml"
    p2.write_text(p2.read_text().replace("Example project", "Edited example project"))
    assert released(capsys)[1] == (3, 1, True)
    assert open_at_rename == []  # the store's files, closed first (an open one writes again)

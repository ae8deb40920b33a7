"""``sixaika query``: a query string, a file or an example, printed as a table or a format."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from sixaika.cli import main
from sixaika.sparql import terminal

from ..support import BASE, ID


@pytest.fixture
def run(sparql_settings, sparql_release, capsys):
    """``sixaika --base ... --root ... query ARGS``: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        settings = ["--base", BASE, "--root", str(sparql_settings.root),
                    "--releases", str(sparql_settings.releases_dir)]  # fmt: skip
        code = main([*settings, "query", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_select_prints_a_table(run):
    query = (
        f"SELECT ?project ?fund WHERE {{ ?project <{BASE}def/6aika#fund> ?fund }} ORDER BY ?project"
    )
    code, out, _err = run(query)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["?project", "?fund"]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].split() == [f"<{ID}project/p1>", f"<{ID}concept/fund/erdf>"]
    assert lines[-1] == "(6 rows)"


def test_table_compacts_known_namespaces(run):
    code, out, _err = run(f"SELECT ?type WHERE {{ <{ID}project/p1> a ?type }}")
    assert code == 0 and "sixaika:Project" in out.splitlines()[2]


def test_query_from_a_file_in_csv(run, tmp_path):
    path = tmp_path / "projects.rq"
    path.write_text(f"SELECT ?p WHERE {{ ?p a <{BASE}def/6aika#Project> }} ORDER BY ?p\n")
    code, out, _err = run(str(path), "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out)))[:2] == [["p"], [f"{ID}project/p1"]]


def test_example_by_name(run):
    code, out, _err = run("--example", "projects-per-focus-area")
    assert code == 0 and "Open data and interfaces" in out and "(3 rows)" in out


def test_ask_and_construct(run):
    assert run(f"ASK {{ <{ID}project/p1> ?p ?o }}")[1] == "true\n"
    code, out, _err = run(f"CONSTRUCT WHERE {{ <{ID}project/p2> ?p ?o }}")
    assert code == 0
    assert len(list(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))) == 11


def test_graph_in_another_format(run):
    code, out, _err = run(f"DESCRIBE <{ID}organisation/oulu>", "--format", "nt")
    assert code == 0 and len(list(ox.parse(out.encode(), format=ox.RdfFormat.N_TRIPLES))) == 3


@pytest.mark.parametrize(
    "query, words",
    [("SELECT * WHERE { ?s ?p }", "Syntax error"), ("CLEAR ALL", "read-only"),
     ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "not allowed")],
)  # fmt: skip
def test_refused_or_broken_query_exits_2(run, query, words):
    code, out, err = run(query)
    assert code == 2 and out == "" and words in err


def test_no_release(tmp_path, capsys):
    code = main(["--root", str(tmp_path), "query", "ASK {}"])
    assert code == 2 and "no release" in capsys.readouterr().err


def test_console_script(sparql_settings, sparql_release):
    """The installed command, in its own process (the workers are spawned from it)."""
    command = str(Path(sys.executable).parent / "sixaika")  # the venv's, PATH or not
    done = subprocess.run(
        [command, "--base", BASE, "--root", str(sparql_settings.root),
         "--releases", str(sparql_settings.releases_dir),
         "query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].strip() == "171"


def test_one_query_starts_one_worker_on_the_disk(run, monkeypatch):
    """Two workers, each copying the release into memory, would be spent on one query."""
    opened = []
    real_open = terminal.Service.open

    def recording_open(settings, repo, release):
        service = real_open(settings, repo, release)
        opened.append(service)
        return service

    monkeypatch.setattr(terminal.Service, "open", recording_open)
    code, _out, _err = run("ASK { ?s ?p ?o }")
    engine = opened[0].engine
    assert code == 0 and engine.size == 1 and not engine.options.in_memory

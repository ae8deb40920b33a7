"""A build among others and in trouble: one build at a time, killed builds leave no
process, a full disk, a read-only folder and faults of ours are a line each (exit 3)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sixaika.build import release as release_module
from sixaika.build.lock import LOCK_FILE
from sixaika.config import Settings
from sixaika.release import Release
from tests.build.test_pipeline import run

# A real build, run as `sixaika` runs it, that stops at one step until the file `go`
# appears (at most a minute): the step is argv[1] (module:function), the rest is the command.
# It says where it stopped by a file `at-{pid}` (partition workers are processes of their own).
HELD_BUILD = """
import importlib, os, pathlib, sys, time
from sixaika.build import partitions
from sixaika.cli import main
partitions.PARALLEL_FROM_BYTES = 0  # partitions in worker processes even for a small project
module, name = sys.argv[1].split(":")
module = importlib.import_module(module)
step = getattr(module, name)
def held(*args):
    pathlib.Path(f"at-{os.getpid()}").touch()
    waited = 0
    while not pathlib.Path("go").exists() and waited < 600:
        time.sleep(0.1)
        waited += 1
    return step(*args)
setattr(module, name, held)
sys.exit(main(sys.argv[2:]))
"""
PARTITIONS = "sixaika.build.partitions:_partition"
WEB_FILES = "sixaika.build.release:write_web_files"


@contextmanager
def held_build(project: Path, step: str, *command: str) -> Iterator[subprocess.Popen]:
    """A build of ``project`` (two partition workers) held at ``step`` until ``go``; whatever
    the test does, nothing of it is left running afterwards."""
    for number in (2, 3):  # three project files: two partitions
        text = (project / "data/projects/p1.yaml").read_text()
        (project / f"data/projects/p{number}.yaml").write_text(
            text.replace("project/p1", f"project/p{number}")
        )
    process = subprocess.Popen(
        [sys.executable, "-c", HELD_BUILD, step, *command],
        cwd=project,
        env={**os.environ, "SIXAIKA_BUILD_WORKERS": "2"},
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its session holds every process of it
    )
    try:
        yield process
    finally:
        (project / "go").touch()
        for pid in processes_of(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.wait()


def wait_for(condition: Callable[[], object], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.02)


def held_at(project: Path) -> list[int]:
    """The processes that reached the held step."""
    return [int(p.name.split("-")[1]) for p in project.glob("at-*")]


def processes_of(session: int) -> list[int]:
    """The live processes of a session (zombies are dead, only not yet reaped)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(stat.parent.name))
    return found


# one build at a time -----------------------------------------------------------------


def test_a_second_build_is_refused_naming_the_first_or_waits_for_it(mini, capsys):
    with held_build(mini, WEB_FILES, "build", "--quiet") as first:
        wait_for(lambda: held_at(mini))
        code, _, err = run(capsys, "build", "--quiet")
        assert code == 3, err
        assert err.startswith(
            f"error: another build is running (process {first.pid} on {socket.gethostname()}, "
            "started 20"
        ), err
        assert err.strip().endswith("or with --wait to wait for it") and len(err.splitlines()) == 1
        code, _, err = run(capsys, "build", "--quiet", "--lang", "fi")
        assert code == 3 and err.startswith(
            f"virhe: toinen julkaisu on kesken (prosessi {first.pid}"
        )
        assert [p.name for p in (mini / "var/releases").glob(".building-*")]  # untouched

        second = subprocess.Popen(
            [sys.executable, "-m", "sixaika.cli", "build", "--wait"],
            cwd=mini,
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert f"waiting for another build to finish (process {first.pid}" in (
            second.stderr.readline()
        )
        (mini / "go").touch()
        assert first.wait(30) == 0, first.stderr.read()
        out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
    releases = [p for p in (mini / "var/releases").iterdir() if p.name[0].isdigit()]
    assert len(releases) == 2  # the first's release stayed; the second's is current
    assert Release.current(Settings.from_env({})).path == Path(out.strip()).resolve()


def test_a_killed_build_leaves_no_process_and_no_lock(mini, capsys):
    with held_build(mini, PARTITIONS, "build", "--quiet") as build:
        wait_for(lambda: len(held_at(mini)) == 2)
        helpers = held_at(mini)
        assert build.pid not in helpers and set(helpers) <= set(processes_of(build.pid))
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        wait_for(lambda: not processes_of(build.pid), seconds=5)
    holder = json.loads((mini / "var/releases" / LOCK_FILE).read_text())
    assert holder["pid"] == build.pid  # the lock file still names it; the lock is gone
    code, out, err = run(capsys, "build", "--quiet")
    assert code == 0, err
    assert sorted(p.name for p in (mini / "var/releases").glob(".*")) == [LOCK_FILE, ".cache"]


def test_a_worker_killed_for_memory_is_one_line(mini):
    with held_build(mini, PARTITIONS, "build", "--quiet") as build:
        wait_for(lambda: len(held_at(mini)) == 2)
        os.kill(held_at(mini)[0], signal.SIGKILL)  # as the OOM killer would
        assert build.wait(30) == 3
        err = build.stderr.read()
    assert err.startswith("error: the build failed: a worker process was killed (out of memory?)")
    assert len(err.splitlines()) == 1


# a full disk, a read-only folder -------------------------------------------------------


def in_a_mount_namespace(project: Path, script: str) -> list[str]:
    """``script`` run by sh in ``project`` with its own mounts (a user namespace: no root
    needed), its output's lines; ``$BUILD`` runs `sixaika build`."""
    if (
        shutil.which("unshare") is None
        or subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False).returncode
    ):
        pytest.skip("no user and mount namespaces here (unshare -rm)")
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "set -u\n" + script],
        cwd=project,
        env={**os.environ, "BUILD": f"{sys.executable} -m sixaika.cli build --quiet"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert not done.stderr, done.stderr
    return done.stdout.splitlines()


def test_a_full_disk_or_a_read_only_folder_is_one_line_and_its_work_goes_at_once(mini):
    lines = in_a_mount_namespace(
        mini,
        """
mkdir -p var/releases
mount -t tmpfs -o size=4m tmpfs var/releases
$BUILD >/dev/null 2>&1 || echo the first build failed
before=$(readlink var/releases/current)
cat /dev/zero > var/releases/filler 2>/dev/null
truncate -s -150K var/releases/filler  # room to start, none to finish
$BUILD 2>&1 >/dev/null | grep -v Warning
ls -A var/releases
[ "$(readlink var/releases/current)" = "$before" ] && echo current unchanged
mount -o remount,ro var/releases
$BUILD 2>&1; echo "exit $?"
""",
    )
    full, *listing, unchanged, read_only, code = lines
    assert full.startswith("error: the build failed: the disk is full (")
    assert full.endswith("; the current release is unchanged")
    assert "current" in listing and "filler" in listing
    assert not [n for n in listing if n.startswith(".building-")]  # went at once
    assert unchanged == "current unchanged"
    assert read_only.startswith(
        "error: the build failed: the file system is read-only (Read-only file system: "
        "var/releases/"
    )
    assert read_only.endswith("; the current release is unchanged") and code == "exit 3"


# faults of ours ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault, said",
    [
        (MemoryError(), "the build failed: out of memory;"),
        (KeyError("x"), "the build failed: unexpected KeyError ('x'); --debug shows where;"),
    ],
)
def test_an_unexpected_failure_is_one_line_and_leaves_nothing(
    mini, capsys, monkeypatch, fault, said
):
    assert run(capsys, "build", "--quiet")[0] == 0
    releases = mini / "var/releases"
    before = sorted(p.name for p in releases.iterdir())

    def failing(*_args):
        raise fault

    monkeypatch.setattr(release_module, "write_web_files", failing)  # after the store, dumps
    code, _, err = run(capsys, "build", "--quiet")
    assert code == 3 and err == f"error: {said} the current release is unchanged\n"
    assert sorted(p.name for p in releases.iterdir()) == before  # its work folder is gone
    code, _, err = run(capsys, "build", "--quiet", "--debug")
    assert code == 3 and err.startswith("Traceback") and err.endswith("is unchanged\n")

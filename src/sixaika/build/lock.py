"""One build at a time: an exclusive lock on a file in the releases folder.

Two builds at once would each clear away the other's unfinished release (``.building-*``)
and race to move ``current``. The lock is ``flock``'s, which the kernel lets go of when
its holder ends, however it ends: a lock file left by a killed build never blocks the
next one. The file names its holder (process, host, start), so that a build refused, or
waiting, can tell whom it waits for.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from ..errors import Failure

LOCK_FILE = ".build.lock"


@contextmanager
def one_build_at_a_time(
    releases_dir: Path, wait: bool, progress: Callable[[str], None] = lambda _m: None
) -> Iterator[None]:
    """Hold the build lock for the ``with`` block; if another build holds it, wait for it
    (``wait``) or raise ``Failure`` naming it."""
    releases_dir.mkdir(parents=True, exist_ok=True)
    with open(releases_dir / LOCK_FILE, "a+", encoding="utf-8") as lock:
        if not _locked(lock, block=False):
            holder = _holder(lock)
            if not wait:
                raise Failure(
                    f"another build is running ({_named(holder, 'en')}); run this one when "
                    "it has finished, or with --wait to wait for it",
                    fi=f"toinen julkaisu on kesken ({_named(holder, 'fi')}); aja tämä, kun se "
                    "on valmis, tai valinnalla --wait, joka odottaa sitä",
                )
            progress(f"waiting for another build to finish ({_named(holder, 'en')})")
            _locked(lock, block=True)
        _write(lock, {"pid": os.getpid(), "host": socket.gethostname(), "started": _now()})
        try:
            yield
        finally:
            _write(lock, {})  # and closing the file lets go of the lock


def _locked(lock: TextIO, block: bool) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX if block else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(lock: TextIO) -> dict[str, Any]:
    """Who holds the lock, as it wrote; nothing if it has not written yet."""
    lock.seek(0)
    try:
        holder = json.loads(lock.read())
    except ValueError:
        return {}
    return holder if isinstance(holder, dict) else {}


def _named(holder: dict[str, Any], lang: str) -> str:
    """
    >>> _named({"pid": 7, "host": "h", "started": "2026-01-02T03:04:05+00:00"}, "fi")
    'prosessi 7 koneella h, aloitettu 2026-01-02T03:04:05+00:00'
    >>> _named({}, "en")
    'it has not said which yet'
    """
    if not holder:
        return "se ei ole vielä kertonut, mikä" if lang == "fi" else "it has not said which yet"
    pid, host, started = (holder.get(key, "?") for key in ("pid", "host", "started"))
    if lang == "fi":
        return f"prosessi {pid} koneella {host}, aloitettu {started}"
    return f"process {pid} on {host}, started {started}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write(lock: TextIO, holder: dict[str, Any]) -> None:
    lock.seek(0)
    lock.truncate()
    lock.write(json.dumps(holder) if holder else "")
    lock.flush()

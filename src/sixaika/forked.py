"""Forked: a function run in a forked process while this one goes on, like a future.

The build has Python work (compacting JSON-LD, say) that would otherwise queue behind
this process's GIL. A forked child starts with the parent's memory as it is (the loaded
quads, without copying them through a pipe) and sends back only the small result.
Fork before starting threads: a child inherits a copy of every lock, held or not.
Workers that live longer (the build's executors) die with their parent, leave what they
inherit to the parent's pages (``frozen_for_workers``) and collect what each piece of
work leaves (``collect_garbage``).

>>> Forked(pow, 2, 10).result()
1024
>>> Forked(pow, 2, 10, run_here=True).result()  # the same, without a process
1024
>>> Forked(int, "ten").result()
Traceback (most recent call last):
...
RuntimeError: the forked int failed: ValueError: invalid literal for int() with base 10: 'ten'
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

_CONTEXT = multiprocessing.get_context("fork")
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Forked:
    """``function(*args)`` in a forked child (or at once with ``run_here``)."""

    def __init__(self, function: Callable[..., Any], *args: Any, run_here: bool = False):
        self.name = getattr(function, "__name__", "function")
        self._process = None
        if run_here:
            self._reply: tuple[str, Any] | None = ("ok", function(*args))
            return
        self._reply = None
        self._conn, child = _CONTEXT.Pipe(duplex=False)
        self._process = _CONTEXT.Process(
            target=_run,
            args=(child, function, args, os.getpid()),
            name=f"sixaika-{self.name}",
            daemon=True,
        )
        self._process.start()
        child.close()

    def result(self) -> Any:
        """The function's value; ``RuntimeError`` if it raised or its process died."""
        if self._reply is None:
            try:
                self._reply = self._conn.recv()
            except EOFError:
                code = None
                if self._process is not None:
                    self._process.join()
                    code = self._process.exitcode
                self._reply = ("error", f"died with exit code {code}")
            self.stop()
        status, value = self._reply
        if status != "ok":
            raise RuntimeError(f"the forked {self.name} failed: {value}")
        return value

    def stop(self) -> None:
        """End the child (if it still runs) and wait for it: nothing is left behind."""
        if self._process is not None:
            if self._process.is_alive() and self._reply is None:
                self._process.kill()
            self._process.join()
            self._conn.close()
            self._process = None


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this forked process when its parent (``parent``) dies.

    A build killed with SIGKILL cannot end its children itself: without this they went
    on for seconds, holding the build lock. Linux only (``PR_SET_PDEATHSIG``; it follows
    the thread that forked, so fork from the main thread); elsewhere a child ends when its
    work is done.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)


@contextmanager
def frozen_for_workers() -> Iterator[None]:
    """Leave what this process holds out of the cyclic collector while the workers it
    forks run: their collections (``collect_garbage``) never touch the objects they
    inherit, whose pages then stay shared with this process, not copied into each."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def collect_garbage() -> None:
    """Collect the reference cycles that a worker's last piece of work left, and freeze
    what survives.

    The build pauses Python's cyclic collector (``build.cyclic_gc_paused``), and forked
    workers inherit the pause; but pyshacl, rdflib, Flask and Jinja leave cycles, so a
    worker would grow by every piece of work it did (rendering the pages of 1M projects,
    by 7 GB). Frozen, the survivors are left out of the next collection, which then looks
    at the next piece's objects alone.
    """
    gc.collect()
    gc.freeze()


def _run(conn: Connection, function: Callable[..., Any], args: tuple, parent: int) -> None:
    die_with_parent(parent)
    try:
        reply: tuple[str, Any] = ("ok", function(*args))
    except BaseException as e:  # the parent decides; the child only reports
        reply = ("error", f"{type(e).__name__}: {e}")
    conn.send(reply)
    conn.close()

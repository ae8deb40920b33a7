"""The embedded backend: a supervised pool of query worker processes.

Each request takes an idle worker, sends it the job and waits at most the job's time
limit. A worker that runs past it is killed (504); one that dies (a crash, or its memory
limit) is reaped (503); either way the answer goes out at once and a replacement starts in
the background, while every other request goes on with the other workers. Workers are
started with ``spawn``: a fresh interpreter, single-threaded (which ``unshare`` needs),
sharing nothing with a web process that may run threads.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from multiprocessing.process import BaseProcess

from ..logs import ReleaseLog, first_line
from . import QueryError, too_slow
from .engine import Answer, Engine, Job, Limits
from .worker import NICENESS, WorkerOptions, main

START_TIMEOUT = 300.0  # seconds for a new worker to open the store (or copy it into memory)
# A query that runs longer than this (seconds) runs below the web's CPU priority until it
# ends. A short one never waits for the cores behind pages: at the lower priority from the
# start, the small SELECTs of bench_server.py's 16-client mix were its p99 tail.
DEMOTE_AFTER = 0.05
_CONTEXT = multiprocessing.get_context("spawn")


class Worker:
    """One worker process and our end of its pipe."""

    def __init__(self, options: WorkerOptions):
        self.memory_mb = options.memory_mb
        self.died: str | None = None  # how, once it has died under a query
        self.conn, child = _CONTEXT.Pipe()
        self.process: BaseProcess = _CONTEXT.Process(
            target=main, args=(child, options), name="sixaika-query", daemon=True
        )
        self.process.start()
        assert self.process.pid is not None  # started
        self.pid = self.process.pid
        child.close()
        self._reaped = False
        self._reaping = threading.Lock()
        self.isolated = self._handshake()
        # The web process's CPU priority: the worker's, but while a query runs long.
        self.priority = self.niceness = os.getpriority(os.PRIO_PROCESS, 0)

    def _handshake(self) -> bool:
        """Wait for ``ready``; True if the worker has no network."""
        if not self.conn.poll(START_TIMEOUT):
            self.kill()
            raise RuntimeError(f"a query worker did not start within {START_TIMEOUT:g} s")
        try:
            status, detail = self.conn.recv()
        except EOFError:
            raise RuntimeError(f"a query worker died while starting ({self.death()})") from None
        if status != "ready":
            self.kill()
            raise RuntimeError(detail)
        return detail

    def ask(self, job: Job, deadline: float) -> tuple:
        """The worker's reply; ``QueryError`` 504/503 if it ran out of time or died. After
        ``DEMOTE_AFTER`` seconds the worker runs at a lower CPU priority until it answers."""
        try:
            self.conn.send(job)
            if not self.conn.poll(min(DEMOTE_AFTER, max(0.0, deadline - time.monotonic()))):
                self.renice(min(19, self.priority + NICENESS))
                if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                    raise too_slow(job.timeout)
            reply = self.conn.recv()
        except (EOFError, OSError):
            self.died = self.death()
            raise QueryError(503, self._why_it_stopped(self.died)) from None
        self.renice(self.priority)
        return reply

    def renice(self, niceness: int) -> None:
        """Give the worker ``niceness``, if the system lets us. Going back up to the web's
        priority takes CAP_SYS_NICE or an RLIMIT_NICE that allows it (systemd's
        ``LimitNICE=``): without, a worker that ran a long query stays low, as every worker
        was before, and ``niceness`` says so."""
        if niceness == self.niceness:
            return
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, niceness)
        except (PermissionError, ProcessLookupError):  # not allowed; or it died: its pipe says so
            return
        self.niceness = niceness

    def _why_it_stopped(self, death: str) -> str:
        """What the client is told when the worker died under its query: what the way it
        died says of the query, and no more."""
        if death == "killed by SIGKILL":  # the kernel's OOM killer, or an operator
            because = (
                "it was killed from outside (the machine ran short of memory, or an operator "
                "stopped it); sent again later, the query may well be answered"
            )
        elif death == "killed by SIGABRT":  # the engine gives up: no memory left, or a panic
            because = (
                f"the query needs more than the {self.memory_mb} MB a query may use, or it "
                "meets a fault of the engine (some sorts over mixed kinds of values abort it); "
                "sent again, it will stop the engine again"
            )
        elif death == "killed by SIGXCPU":
            because = "the query used up the CPU time it may take"
        elif death == "killed by SIGSEGV":
            because = "the query met a fault of the engine; sent again, it will stop it again"
        else:
            because = "it is not known why"
        return f"The query engine stopped ({death}): {because}. Other queries are not affected."

    def death(self) -> str:
        self.process.join(1.0)
        code = self.process.exitcode
        if code is None:
            return "no answer"
        return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"

    def kill(self) -> None:
        """SIGKILL, without waiting: freeing a large heap can take a while."""
        if self.process.is_alive():
            self.process.kill()

    def reap(self) -> None:
        """Wait for the process and close our end of the pipe, once: a replaced worker may be
        reaped by its successor's thread and by ``close`` at the same time, and a pipe closed
        twice closes whatever file took its number in between."""
        with self._reaping:
            if self._reaped:
                return
            self._reaped = True
        self.process.join(10.0)
        self.conn.close()


class PoolEngine(Engine):
    def __init__(self, options: WorkerOptions, limits: Limits, log: ReleaseLog):
        self.options, self.size, self.log = options, limits.workers, log
        # Last in, first out: the worker that answered last has the warmest caches.
        self._idle: queue.LifoQueue[Worker | str] = queue.LifoQueue()  # str: why a start failed
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()  # alive or being replaced
        self._slots = 0  # workers started or starting, at most ``size``
        self._closed = False
        self._said_low = False  # the operator was told a worker stays at a low priority

    def run(self, job: Job) -> Answer:
        deadline = time.monotonic() + job.timeout
        worker = self._take(deadline)
        try:
            reply = worker.ask(job, deadline)
        except BaseException:
            if worker.died:
                self.log.warning(
                    "a query worker died (%s) under the query: %s",
                    worker.died,
                    first_line(job.query),
                )
            self._replace(worker)
            raise
        if worker.niceness != worker.priority and not self._said_low:
            self._said_low = True
            self.log.warning(
                "a query worker that ran a long query stays at a lower CPU priority (niceness "
                "%d, the web's %d): going back up needs CAP_SYS_NICE or systemd's LimitNICE=",
                worker.niceness,
                worker.priority,
            )
        self._idle.put(worker)
        if reply[0] == "error":
            raise QueryError(reply[1], reply[2])
        return reply[1]

    def warm_up(self) -> None:
        """Start the workers now rather than on the first query."""
        self._fill()

    @property
    def isolated(self) -> bool:
        """True when every live worker has no network."""
        with self._lock:
            return bool(self._workers) and all(w.isolated for w in self._workers)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.kill()
            worker.reap()

    def _take(self, deadline: float) -> Worker:
        self._fill()
        while True:
            try:
                item = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise QueryError(503, self._why_none_idle(), retry_after=5) from None
            if isinstance(item, str):
                raise QueryError(503, f"The query engine could not start: {item}.")
            if item.process.is_alive():
                return item
            self._replace(item)  # died while idle

    def _why_none_idle(self) -> str:
        with self._lock:
            starting = not self._workers and self._slots > 0
        if starting:  # a large release takes seconds to load into a new worker's memory
            return "The query workers are starting (loading the release); try again in a moment."
        return f"All {self.size} query workers are busy; try again in a moment."

    def _replace(self, worker: Worker) -> None:
        """Kill now; reap and start a successor in the background (the slot stays taken)."""
        worker.kill()

        def successor() -> None:
            worker.reap()
            with self._lock:
                self._workers.discard(worker)
            self._start_one()

        threading.Thread(target=successor, name="sixaika-replace", daemon=True).start()

    def _fill(self) -> None:
        with self._lock:
            missing = 0 if self._closed else self.size - self._slots
            self._slots += missing
        for _ in range(missing):  # in the background: a request never waits for a spawn
            threading.Thread(target=self._start_one, name="sixaika-start", daemon=True).start()

    def _start_one(self) -> None:
        if self._closed:
            return
        try:
            worker = Worker(self.options)
        except Exception as e:
            self.log.error("a query worker could not start: %s", e)
            with self._lock:
                self._slots -= 1  # the next request tries again
            self._idle.put(str(e))
            return
        with self._lock:
            closed = self._closed
            if not closed:
                self._workers.add(worker)
        if closed:
            worker.kill()
            worker.reap()
        else:
            self._idle.put(worker)

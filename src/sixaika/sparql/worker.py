"""A query worker process: opens the release's store read-only and runs one job at a time.

It runs where a crash costs nothing but itself: pyoxigraph can abort the process (a Rust
panic in its sort), overflow its stack (deeply nested groups) or run forever, so the web
process never evaluates a client's query itself (see ``pool``). Before opening the store
the worker bounds itself: no core files, a CPU limit per job (so it ends itself even if its
parent is gone), and, when no SERVICE endpoint is allowed, a network namespace of its own
with no interface but a down loopback: even a SERVICE that got past the policy could reach
nothing. A small release is copied into memory, where the engine answers 2-7 times faster
than from its on-disk store (measured at 10k and 100k synthetic projects). Then an
address-space limit bounds what a query may take on top of what the worker holds.
"""

from __future__ import annotations

import ctypes
import math
import os
import re
import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from . import QueryError
from .engine import Answer, Job
from .formats import kind_of, negotiate, offered, serialize
from .policy import syntax_error

_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000
_M_ARENA_MAX = -8  # mallopt parameter (glibc)
# How far below the web process's CPU priority a worker goes once its query runs long
# (``pool.Worker.ask``): with a runaway query on every worker, the pages and lookups the web
# process answers still get the cores first.
NICENESS = 10


@dataclass(frozen=True)
class WorkerOptions:
    store_path: str
    in_memory: bool  # copy the store into memory (a small release) rather than read the disk
    memory_mb: int
    network: bool  # False: no network at all (no SERVICE endpoint is allowed)
    prefixes: dict[str, str]  # for Turtle results


def main(conn: Connection, options: WorkerOptions) -> None:
    """Process entry point: say ``("ready", isolated)`` once, then answer jobs until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the parent's
    os.environ["RUST_BACKTRACE"] = "0"  # a panic logs one line, not a page of frames
    isolated = confine(options.network)
    try:
        store = open_store(options.store_path, options.in_memory)
    except OSError as e:
        conn.send(("failed", f"cannot open the store {options.store_path}: {e}"))
        return
    limit_memory(options.memory_mb)
    conn.send(("ready", isolated))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent closed the pipe or is gone
        limit_cpu(job.timeout)
        try:
            reply: tuple = ("ok", execute(store, job, options.prefixes))
        except QueryError as e:
            reply = ("error", e.status, e.message)
        conn.send(reply)


def execute(store: ox.Store, job: Job, prefixes: dict[str, str]) -> Answer:
    try:
        results = store.query(job.query, base_iri=job.base_iri or None, **dataset(job))
        kind = kind_of(results)
        fmt = negotiate(job.accept, kind)
        if fmt is None:
            raise QueryError(
                406, f"This query's results come as one of: {', '.join(offered(kind))}."
            )
        return Answer(fmt.content_type, serialize(results, fmt, job.max_bytes, prefixes))
    except SyntaxError as e:
        raise QueryError(400, syntax_error(job.query, str(e))) from None
    except QueryError:
        raise
    except Exception as e:  # evaluation errors surface lazily, while serializing
        if _UNKNOWN_FUNCTION.search(str(e)):  # the query's fault, not the server's
            raise QueryError(400, f"{e}: this endpoint knows SPARQL 1.1's functions.") from None
        raise QueryError(500, f"The query failed: {e}") from None


_UNKNOWN_FUNCTION = re.compile(r"^The custom function <[^>]*> is not supported$")


def dataset(job: Job) -> dict:
    """The RDF dataset, as the protocol says: request parameters over FROM, else union."""
    if job.default_graphs or job.named_graphs:
        return {
            "default_graph": [ox.NamedNode(g) for g in job.default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in job.named_graphs],
        }
    # pyoxigraph lets the union flag override FROM, so it is set only without FROM.
    return {"use_default_graph_as_union": job.union_default_graph}


def confine(network: bool) -> bool:
    """Bound this process; True if it has no network."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    libc = ctypes.CDLL(None, use_errno=True)
    # One malloc arena: each thread's own would reserve 64 MB of address space unused,
    # and the memory limit is meant to measure the query, not reservations.
    libc.mallopt(_M_ARENA_MAX, 1)
    # unshare needs a single-threaded process: true here, before the store starts threads.
    return not network and libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0


def open_store(path: str, in_memory: bool) -> ox.Store:
    """The release's store, read-only, or a copy of it in this process's memory.

    A copy that fails (no memory left, say) leaves the store on disk to answer: slower,
    but the worker starts, rather than fail and be started again, copying again.
    """
    on_disk = ox.Store.read_only(path)
    if not in_memory:
        return on_disk
    try:
        copy = ox.Store()
        copy.bulk_extend(on_disk.quads_for_pattern(None, None, None, None))
    except Exception as e:
        print(f"sixaika query worker: queries read the disk ({e!r} while copying)", flush=True)
        return on_disk
    return copy


def limit_memory(memory_mb: int) -> None:
    """Allow the address space this process holds now, and ``memory_mb`` more."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    limit = pages * resource.getpagesize() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def limit_cpu(seconds: float) -> None:
    """SIGXCPU ends this process once the job has had its CPU time (and a margin)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(used + seconds) + 2
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))

"""HTTP load for the benches: keep-alive clients on a list of paths; req/s and latency.

``drive`` uses wrk when it is installed (C, so the load costs the shared cores little),
else Python threads (whose own GIL then limits what they can measure).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for a server to start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drive(port: int, paths: list[str], accept: str, clients: int, seconds: float) -> dict:
    """req/s, p50 and p99 (ms) with ``clients`` keep-alive connections on ``paths``."""
    if shutil.which("wrk"):
        return _wrk(port, paths, accept, clients, seconds)
    return _python_client(port, paths, accept, clients, seconds)


def _wrk(port: int, paths: list[str], accept: str, clients: int, seconds: float) -> dict:
    url = f"http://127.0.0.1:{port}"
    common = ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--latency"]
    if len(paths) == 1:  # no script: a Lua call per request would cost wrk time of its own
        command = [*common, "-H", f"Accept: {accept}", url + paths[0]]
        return _wrk_figures(subprocess.run(command, capture_output=True, text=True, check=True))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        listed = ", ".join(json.dumps(p) for p in paths[:20000])
        script.write(
            f"local paths = {{{listed}}}\n"
            f"math.randomseed(os.time())\n"
            f"request = function()\n"
            f"local headers = {{['Accept'] = {json.dumps(accept)}}}\n"
            f"  return wrk.format('GET', paths[math.random(#paths)], headers)\n"
            f"end\n"
        )
    done = subprocess.run(
        [*common, "-s", script.name, url], capture_output=True, text=True, check=True
    )
    os.unlink(script.name)
    return _wrk_figures(done)


def _wrk_figures(done: subprocess.CompletedProcess) -> dict:
    out = done.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _python_client(port: int, paths: list[str], accept: str, clients: int, seconds: float):
    latencies: list[float] = []
    errors = [0]
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while (now := time.perf_counter()) < stop_at:
            connection.request("GET", random.choice(paths), headers={"Accept": accept})
            response = connection.getresponse()
            response.read()
            errors[0] += response.status >= 400
            mine.append(time.perf_counter() - now)
        latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**_figures(latencies, seconds), "errors": errors[0]}


def drive_kinds(
    port: int, kinds: dict[str, list[str]], accept: str, clients: int, seconds: float
) -> dict[str, dict]:
    """req/s, p50 and p99 (ms) of each kind of request in a mix, and of all ("all"):
    ``clients`` keep-alive connections, each sending requests of a kind drawn at random,
    one at a time. An asyncio client in this process (wrk cannot tell one kind from
    another): it measures the time from writing a request to reading the whole answer."""
    latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
    errors = [0]
    requests = [
        (kind, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\n\r\n".encode())
        for kind, paths in kinds.items()
        for path in paths
    ]

    async def client(stop_at: float) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while (started := time.perf_counter()) < stop_at:
            kind, request = random.choice(requests)
            writer.write(request)
            errors[0] += await _read_answer(reader) >= 400
            latencies[kind].append(time.perf_counter() - started)
        writer.close()

    async def run() -> None:
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(client(stop_at) for _ in range(clients)))

    asyncio.run(run())
    every = [x for found in latencies.values() for x in found]
    return {
        **{kind: _figures(found, seconds) for kind, found in latencies.items()},
        "all": {**_figures(every, seconds), "errors": errors[0]},
    }


async def _read_answer(reader: asyncio.StreamReader) -> int:
    """Read one answer to its end (by Content-Length, or chunk by chunk); its status."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    status = int(head.split(" ", 2)[1])
    if length := re.search(r"\r\ncontent-length: *(\d+)", head):
        await reader.readexactly(int(length.group(1)))
    elif "transfer-encoding: chunked" in head:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return status


def _figures(latencies: list[float], seconds: float) -> dict:
    found = sorted(latencies) or [0.0]
    return {
        "rps": len(latencies) / seconds,
        "p50": found[len(found) // 2] * 1000,
        "p99": found[int(len(found) * 0.99)] * 1000,
    }

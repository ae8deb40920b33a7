"""The front of `sixaika serve`, on 127.0.0.1: slow, stalled and pipelined clients, bodies."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import socket
import time
import urllib.request

import pytest

from ..support import on_release, running_server

READ_TIMEOUT = 2  # seconds (SIXAIKA_READ_TIMEOUT), short to keep the tests fast
MAX_LENGTH = 1000  # SIXAIKA_QUERY_MAX_LENGTH: bodies over 4 * 1000 + 4096 bytes are refused
DOC = "/doc/project/a70202"


@pytest.fixture(scope="module")
def server(bundled_settings, bundled_release):
    settings = on_release(
        bundled_settings,
        SIXAIKA_READ_TIMEOUT=str(READ_TIMEOUT),
        SIXAIKA_QUERY_MAX_LENGTH=str(MAX_LENGTH),
    )
    with running_server(settings) as url:
        yield url


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _answered_within(url: str, seconds: float) -> bool:
    request = urllib.request.Request(url + DOC, headers={"Accept": "text/turtle"})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=seconds) as response:
        response.read()
    return time.monotonic() - started < seconds


@contextlib.contextmanager
def _stalled(url: str, count: int):
    """``count`` connections that stop in the middle of their headers."""
    sockets = []
    try:
        for _ in range(count):
            stalled = socket.create_connection(("127.0.0.1", _port(url)))
            stalled.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: a")
            sockets.append(stalled)
        yield sockets
    finally:
        for stalled in sockets:
            stalled.close()


@pytest.mark.parametrize("count", [8, 200])
def test_stalled_connections_leave_a_normal_client_answered_within_a_second(server, count):
    with _stalled(server, count):
        time.sleep(0.3)  # the server has accepted them
        assert all(_answered_within(server, 1.0) for _ in range(5))


def test_a_request_not_sent_in_time_gets_408_and_its_connection_closed(server):
    with _stalled(server, 1) as (stalled,):
        stalled.settimeout(READ_TIMEOUT + 5)
        answer = b""
        while chunk := stalled.recv(4096):  # ends when the server closes
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_pipelined_requests_are_all_answered_in_order(server):
    paths = [DOC, "/doc/project/a70011", "/catalog", DOC]
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=5) as connection:
        connection.sendall(
            b"".join(
                b"GET %s HTTP/1.1\r\nHost: localhost\r\nAccept: text/turtle\r\n\r\n" % p.encode()
                for p in paths
            )
        )
        reader = connection.makefile("rb")
        answered = [_read_response(reader) for _ in paths]
    assert [status for status, _ in answered] == [200] * len(paths)
    assert answered[0][1] == answered[3][1] and b"a70011" in answered[1][1]


def _read_response(reader) -> tuple[int, bytes]:
    """One response off a connection's stream: (status, body of its Content-Length)."""
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, reader.read(length)


def test_a_chunked_body_is_read(server):
    connection = http.client.HTTPConnection("127.0.0.1", _port(server), timeout=10)
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/json"}
    connection.request("POST", "/sparql", body=iter([b"ASK ", b"{}"]), headers=headers)
    response = connection.getresponse()  # http.client sends an iterable body chunked
    assert response.status == 200 and b'"boolean":true' in response.read().replace(b" ", b"")


def test_an_http11_request_without_host_is_400(server):
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nAccept: text/html\r\n\r\n")
        assert connection.recv(4096).startswith(b"HTTP/1.1 400 ")


def test_a_413_closes_the_connection_and_the_next_request_is_answered(server):
    connection = http.client.HTTPConnection("127.0.0.1", _port(server), timeout=10)
    body = b"query=" + b"x" * (4 * MAX_LENGTH + 5000)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/sparql", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    assert response.status == 413 and response.getheader("Connection") == "close"
    connection.request("GET", DOC, headers={"Accept": "text/turtle"})  # on a new connection
    assert connection.getresponse().status == 200


def test_a_large_answer_is_sent_in_pieces_and_a_small_one_whole():
    """The app's threads hand a small answer to the loop whole, and send a large one
    (a dump) piece by piece as the app makes it, closing what it returned."""
    from sixaika.web.front import STREAM_FROM, _Threads

    closed = []

    class Pieces(list):
        def close(self) -> None:
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        size = int(environ["QUERY_STRING"])
        return Pieces([b"x" * (256 << 10)] * (size // (256 << 10)) + [b"y" * (size % (256 << 10))])

    async def answer(size: int) -> list[dict]:
        sent: list[dict] = []

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "http_version": "1.1", "method": "GET", "path": "/",
                 "query_string": str(size).encode(), "headers": [(b"host", b"h")]}  # fmt: skip
        await _Threads(app, 2)(scope, b"", send)
        return sent

    small, large = asyncio.run(answer(1000)), asyncio.run(answer(3 * STREAM_FROM + 5))
    assert [m["type"] for m in small] == ["http.response.start", "http.response.body"]
    assert (
        small[0]["headers"] == [(b"content-type", b"text/plain")]
        and small[1]["body"] == b"y" * 1000
    )
    bodies = [m for m in large if m["type"] == "http.response.body"]
    assert len(bodies) > 3 and not bodies[-1].get("more_body")
    assert sum(len(m["body"]) for m in bodies) == 3 * STREAM_FROM + 5
    assert closed == [True, True]

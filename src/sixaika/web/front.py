"""The front: reads HTTP from clients, and hands only fully read requests to the app.

Why this front. gunicorn's ``gthread`` worker read each request in one of its few threads
(2 workers x 4): eight clients that stopped mid-header held them all, and the site stopped
answering. Here an event loop (uvicorn, under gunicorn's arbiter, which keeps the graceful
reload on a new release) reads every connection, a stalled one costing a few kilobytes and
no thread; a deadline bounds the reading of a request's headers and again of its body. The
Flask app runs in a pool of threads (``_Threads``) and only ever sees requests whose body
is already in memory. Responses the cache holds are replayed on the loop, with no hop to a
thread, and a resource's 303, RDF and HTML page (where the build rendered it) are made
there from the release's pages, without the app (``direct``: ``linkeddata.Direct``).

Measured on the bundled release, 8 keep-alive clients, 2 cores that other work shared
(load average 6-9, so single figures moved by 2-3x): with 8 and then 200 connections
stalled mid-header, 5 of 5 probes were answered in under 5 ms (gthread: 2 of 5, then 0 of
5 within 5 s); pipelined GETs all answered. Throughput, medians of 3 interleaved rounds,
two runs: one cached ``/doc`` in Turtle 10,400 and 2,800 req/s (gthread 4,200 and 3,600);
random ``/doc`` HTML, cached, 9,700 and 3,600 (6,500 and 2,500); random ``/doc`` Turtle with
the cache off 290 and 240 (390 and 270), within the noise. waitress (which also reads
whole requests before a thread sees them) held the stalled clients too, but served 2,800
req/s where gthread served 6,900; gunicorn's own asyncio worker with a2wsgi, 2,000.
"""

from __future__ import annotations

import asyncio
import io
import itertools
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast
from urllib.parse import unquote_to_bytes

from a2wsgi.wsgi import build_environ
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn_worker import UvicornWorker
from werkzeug.wsgi import FileWrapper

from .cache import Answer, ResponseCache

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# A body this many times the largest accepted is read to its end before the 413 (so that
# the client, still sending, reads the answer rather than a reset); a larger one is not.
DRAIN_FACTOR = 16
FILE_CHUNK = 256 << 10  # bytes per piece of a file sent (each one is a hop to the loop)
STREAM_FROM = 1 << 20  # a response larger than this is sent piece by piece, as it is made


class TimedReads(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 connection, with a deadline for reading each request.

    From a connection's opening (or a request's first byte) its headers must arrive within
    ``read_timeout`` seconds, and then its body within as many again; else the client gets
    ``408`` and the connection is closed. Between requests uvicorn's keep-alive timeout
    applies.
    """

    def __init__(self, config: Any, *args: Any, **kwargs: Any):
        super().__init__(config, *args, **kwargs)
        self.read_timeout: float = config.read_timeout
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._read_within_timeout()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._read_within_timeout()

    def on_headers_complete(self) -> None:
        self._read_within_timeout()  # now the body, if there is one
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._stop_deadline()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def _read_within_timeout(self) -> None:
        self._stop_deadline()
        self._deadline = self.loop.call_later(self.read_timeout, self._too_slow)

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        answering = self.cycle is not None and not self.cycle.response_complete
        if not answering:  # else a 408 would cut into the answer being written
            message = b"The request was not sent within the time allowed.\n"
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(message), message)
            )
        self.transport.close()


class FrontWorker(UvicornWorker):
    """A gunicorn worker running uvicorn with ``TimedReads`` (the arbiter sets
    ``read_timeout`` on the class from the settings before it forks)."""

    read_timeout = 15.0
    CONFIG_KWARGS = {
        "loop": "asyncio",
        "http": TimedReads,
        "lifespan": "off",
        "ws": "none",
        # The client's address and scheme are the connection's: X-Forwarded-* are not
        # believed here (a trusted proxy's header is read only where a setting says so).
        "proxy_headers": False,
        "server_header": False,
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.config.read_timeout = self.read_timeout


class Front:
    """The ASGI app uvicorn runs: checks, cache replay, the body read, then the WSGI app."""

    def __init__(
        self,
        wsgi_app: Callable,
        cache: ResponseCache | None,
        threads: int,
        max_body: int,
        direct: Callable[[dict[str, str]], Answer | None] | None = None,
    ):
        """``direct(environ)``: the app's answer to a GET or HEAD that it can make at once,
        from memory, waiting on nothing, without the app (``linkeddata.Direct``), or None:
        it runs on the loop, without a hop to a thread."""
        self.cache, self.max_body, self.direct = cache, max_body, direct
        self.bridge = _Threads(_WsgiEnviron(wsgi_app), threads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["http_version"] == "1.1" and not _has_header(scope, b"host"):
            # RFC 9112, 3.2: a server must answer 400 to an HTTP/1.1 request without Host.
            await _answer(send, 400, "An HTTP/1.1 request must have a Host header.")
            return
        environ = _cache_environ(scope)
        if self.cache is not None and (hit := self.cache.hit(environ)):
            await _replay(send, scope["method"], *hit)
            return
        body = await self._body(scope, receive, send)
        if body is None:
            return
        if (answer := self._direct(environ)) is not None:
            if self.cache is not None:
                self.cache.keep(environ, *answer)
            await _replay(send, scope["method"], *answer)
        else:
            await self.bridge(scope, body, send)

    def _direct(self, environ: dict[str, str]) -> Answer | None:
        if self.direct is None or not ResponseCache.replayable(environ):
            return None
        return self.direct(environ)

    async def _body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole body, or None once the client is gone or has been answered 413."""
        declared = _content_length(scope)
        too_large = declared is not None and declared > self.max_body
        drain = declared is not None and declared > DRAIN_FACTOR * self.max_body
        if too_large and (drain or _expects_continue(scope)):
            await self._too_large(send)  # the client has not sent it, or it is too much to read
            return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= self.max_body:
                chunks.append(chunk)
            elif size > DRAIN_FACTOR * self.max_body:
                break
            if not message.get("more_body"):
                break
        if size > self.max_body:
            await self._too_large(send)
            return None
        return b"".join(chunks)

    async def _too_large(self, send: Send) -> None:
        # Closed after it: a client could not tell where the unread body ends.
        message = f"The request body is larger than {self.max_body} bytes."
        await _answer(send, 413, message, close=True)


class _Threads:
    """The WSGI app run in a pool of threads; its answer sent from the loop.

    a2wsgi, which this replaces, went back to the loop for every message of an answer (its
    start, each piece of its body) and waited there each time: about 0.2 ms of the cores a
    request, more than a page from the release costs to make (measured at 100k synthetic
    projects: a ``/doc`` in Turtle, 0.35 ms in Flask). Here a thread runs the app to the end
    of its answer and the loop sends it, one hop each way. An answer larger than
    ``STREAM_FROM`` (a dump) is sent from the thread piece by piece instead, each piece
    waiting for the client to take the one before: it never sits in memory whole.
    """

    def __init__(self, app: Callable, threads: int):
        self.app = app
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="sixaika-app")

    async def __call__(self, scope: Scope, body: bytes, send: Send) -> None:
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(self.pool, self._run, _environ(scope, body), send, loop)
        if answer is not None:
            await _send_whole(send, answer)

    def _run(
        self, environ: dict[str, Any], send: Send, loop: asyncio.AbstractEventLoop
    ) -> Answer | None:
        """The app's whole answer; None once it has been sent (streamed) from this thread,
        as a large one is."""
        started: list[Any] = []

        def start_response(status: str, headers: list, exc_info: Any = None) -> None:
            started[:] = [status, headers]

        result = self.app(environ, start_response)
        try:
            pieces, size = [], 0
            for piece in (chunks := iter(result)):
                pieces.append(piece)
                size += len(piece)
                if size > STREAM_FROM:
                    self._stream(started, itertools.chain(pieces, chunks), send, loop)
                    return None
            return started[0], started[1], b"".join(pieces)
        finally:
            if hasattr(result, "close"):
                result.close()

    @staticmethod
    def _stream(
        started: list[Any], pieces: Iterable[bytes], send: Send, loop: asyncio.AbstractEventLoop
    ) -> None:
        def on_loop(message: dict[str, Any]) -> None:
            asyncio.run_coroutine_threadsafe(_sent(send, message), loop).result()

        on_loop(_start(*started))
        for piece in pieces:
            on_loop({"type": "http.response.body", "body": piece, "more_body": True})
        on_loop({"type": "http.response.body", "body": b""})


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """a2wsgi's WSGI environ of a request (it types the input as its own class; any file
    will do)."""
    return dict(build_environ(cast(Any, scope), cast(Any, io.BytesIO(body))))


async def _send_whole(send: Send, answer: Answer) -> None:
    status, headers, content = answer
    await send(_start(status, headers))
    await send({"type": "http.response.body", "body": content})


async def _sent(send: Send, message: dict[str, Any]) -> None:
    await send(message)


def _start(status: str, headers: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "http.response.start",
        "status": int(status[:3]),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
    }


class _WsgiEnviron:
    """The WSGI app, with the environ a WSGI server gives: ``PATH_INFO`` from the bytes the
    client sent (uvicorn's decoded path turns bytes that are not UTF-8 into U+FFFD), a body
    read to its end even without Content-Length (a chunked one: werkzeug reads none
    unless told the input ends), and files sent in large pieces."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        environ["PATH_INFO"] = _path_info(environ["asgi.scope"])
        environ["wsgi.input_terminated"] = True
        environ["wsgi.file_wrapper"] = lambda file, size=FILE_CHUNK: FileWrapper(file, size)
        return self.app(environ, start_response)


def _path_info(scope: Scope) -> str:
    return unquote_to_bytes(scope.get("raw_path") or scope["path"].encode()).decode("latin-1")


def _cache_environ(scope: Scope) -> dict[str, str]:
    """The parts of the WSGI environ that ``ResponseCache`` and ``direct`` read."""
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": _path_info(scope),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
    }
    for name, value in scope["headers"]:
        key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]},{text}" if key in environ else text
    return environ


async def _replay(send: Send, method: str, status: str, headers: list, body: bytes) -> None:
    await send(_start(status, headers))
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


async def _answer(send: Send, status: int, message: str, close: bool = False) -> None:
    body = (message + "\n").encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _has_header(scope: Scope, name: bytes) -> bool:
    return any(key == name for key, _value in scope["headers"])


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope["headers"] if key == name), None)


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    return int(value) if value is not None and value.isdigit() else None


def _expects_continue(scope: Scope) -> bool:
    return (_header(scope, b"expect") or b"").lower() == b"100-continue"

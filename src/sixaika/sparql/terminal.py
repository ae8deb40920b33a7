"""``sixaika query``: a query against the release (or the remote store), from the terminal.

The query runs exactly as it would at ``/sparql`` (same policy, limits and engine); the
answer prints as a table (SELECT), ``true``/``false`` (ASK) or Turtle (CONSTRUCT,
DESCRIBE), or, with ``--format``, as the bytes of that result format.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, TextIO

import pyoxigraph as ox

from ..config import Settings
from ..formats import accept_for, format_names
from ..read.store import RemoteRepo
from ..release import Release
from . import QueryError
from .examples import example
from .protocol import QueryRequest
from .service import Service

TABLE_ACCEPT = "application/sparql-results+json, text/turtle"
MAX_CELL = 80  # characters; longer values are cut in the table (not in --format output)


def add_query_parser(commands: argparse._SubParsersAction) -> None:
    query = commands.add_parser(
        "query", help="run a SPARQL query against the release (or the remote store)"
    )
    query.add_argument(
        "query", nargs="?", help="the query text, a file holding it, or '-' for standard input"
    )
    query.add_argument("--example", metavar="SLUG", help="run an example query instead")
    query.add_argument(
        "--format",
        metavar="FORMAT",
        help=f"print this result format instead of a table: {', '.join(format_names())} "
        "or a media type",
    )
    query.add_argument("--timeout", type=float, help="seconds (at most SIXAIKA_QUERY_TIMEOUT)")


def run_query(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 with the answer printed; 2 when the query is refused or fails."""
    text = query_text(args.query, args.example, settings)
    try:
        run(settings, text, args.format, args.timeout, sys.stdout, sys.stdout.buffer)
    except QueryError as e:
        print(f"error: {e.message} ({e.status})", file=sys.stderr)
        return 2
    return 0


def query_text(source: str | None, example_slug: str | None, settings: Settings) -> str:
    """The query: an example by name, a file, ``-`` for standard input, or the text itself."""
    if example_slug:
        found = example(settings, example_slug)
        if found is None:
            raise ValueError(f"no example named {example_slug!r}")
        return found.query
    if source is None:
        raise ValueError("give a query, a query file, '-' (standard input) or --example")
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    return path.read_text(encoding="utf-8") if path.is_file() else source


def run(settings: Settings, text: str, fmt: str | None, timeout: float | None,
        out: TextIO, binary: BinaryIO) -> None:  # fmt: skip
    """Print the answer; ``QueryError`` when the query is refused or fails."""
    release = Release.current(settings)
    if release is None and not settings.store:
        raise QueryError(503, "there is no release yet: run `sixaika build` first")
    graphs = release.graphs if release else ()
    repo = RemoteRepo(settings.store, graphs=graphs) if settings.store else None
    # One query: one worker, reading the disk (a copy into memory would cost more than it saves).
    one_query = replace(settings, query_workers=1, query_in_memory_quads=0)
    service = Service.open(one_query, repo, release)
    try:
        accept = (accept_for(fmt) or fmt) if fmt else TABLE_ACCEPT
        answer = service.run(QueryRequest(text, timeout=timeout), accept)
    finally:
        service.close()
    if fmt:
        binary.write(answer.body)
        binary.flush()
    elif answer.content_type.startswith("application/sparql-results+json"):
        out.write(table(answer.body, settings.prefixes))
    else:
        out.write(answer.body.decode("utf-8"))


def table(body: bytes, prefixes: dict[str, str]) -> str:
    """SPARQL JSON results as an aligned text table (or true/false for ASK)."""
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        return f"{str(bool(results)).lower()}\n"
    names = [v.value for v in results.variables]
    rows = [[_cell(solution[n], prefixes) for n in names] for solution in results]
    widths = [max([len(n) + 1] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = [
        "  ".join(f"?{n}".ljust(w) for n, w in zip(names, widths, strict=True)),
        "  ".join("-" * w for w in widths),
        *("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows),
        f"({len(rows)} row{'s' if len(rows) != 1 else ''})",
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None, prefixes: dict[str, str]) -> str:
    if term is None:
        text = ""
    elif isinstance(term, ox.NamedNode):
        text = next(
            (
                f"{p}:{term.value[len(ns) :]}"
                for p, ns in prefixes.items()
                if term.value.startswith(ns)
            ),
            f"<{term.value}>",
        )
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = term.value + (f"@{term.language}" if term.language else "")
    text = " ".join(text.split())  # one line per row
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"

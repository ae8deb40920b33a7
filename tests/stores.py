"""Remote stores that tests start on 127.0.0.1, each private to its test module.

``oxigraph serve`` (PyPI ``oxigraph``, a test dependency): a store in a temporary folder,
its query endpoint ``/query``, its Graph Store Protocol endpoint ``/store``.

Virtuoso Open-Source (Debian's ``virtuoso-opensource``): a database of its own in a
temporary folder, started from an ini file of ours in about two seconds. Its SPARQL
endpoint is ``/sparql``; its Graph Store Protocol endpoint that writes is
``/sparql-graph-crud-auth``, behind HTTP Digest (user dba, password dba in a fresh
database). Missing, the tests that need it are skipped, and fail under CI (``.ci/run``
installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .support import free_port, wait_until_answers

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 30
"""


def command(name: str, where: str) -> str:
    """The path of a store's program; missing, the test is skipped (it fails under CI)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"`{name}` ({where}) is missing: .ci/run installs it")
        pytest.skip(f"`{name}` ({where}) is not installed")
    return found


class Server:
    """A store's process, up once its query endpoint answers."""

    def __init__(self, argv: list[str], query: str, folder: Path, log: Path):
        self.query, self.log = query, log
        self.process = subprocess.Popen(
            argv, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_until_answers(f"{query}?query=ASK%7B%7D", timeout=60)
        except RuntimeError:
            self.stop()
            said = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{argv[0]} did not come up:\n{said}") from None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


class OxigraphServer(Server):
    def __init__(self, folder: Path):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        argv = [command("oxigraph", "PyPI oxigraph"), "serve", "--location", str(folder / "db"),
                "--bind", f"127.0.0.1:{port}", "--union-default-graph",
                "--timeout-s", "10"]  # fmt: skip
        super().__init__(argv, f"{self.url}/query", folder, folder / "none.log")


class VirtuosoServer(Server):
    """A private Virtuoso: its own database under ``folder``, on two free ports."""

    USER, PASSWORD = "dba", "dba"  # a fresh database's administrator

    def __init__(self, folder: Path):
        http_port = free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(folder=folder, sql_port=free_port(), http_port=http_port)
        )
        self.base = f"http://127.0.0.1:{http_port}"
        argv = [command("virtuoso-t", "Debian virtuoso-opensource"), "+configfile", str(ini),
                "+foreground"]  # fmt: skip
        super().__init__(argv, f"{self.base}/sparql", folder, folder / "virtuoso.log")

    def data(self, password: str = PASSWORD) -> str:
        """The Graph Store Protocol endpoint that writes, with its user and password."""
        return self.base.replace("://", f"://{self.USER}:{password}@") + "/sparql-graph-crud-auth"

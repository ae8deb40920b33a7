"""Remote stores that tests start on 127.0.0.1, each private to its test module.

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
from pathlib import Path

import pytest

from .support import free_port, wait_until_answers

VIRTUOSO = "virtuoso-t"
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


def virtuoso_command() -> str:
    found = shutil.which(VIRTUOSO)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("`virtuoso-t` (Debian virtuoso-opensource) is missing: .ci/run installs it")
        pytest.skip("`virtuoso-t` (Debian virtuoso-opensource) is not installed")
    return found


class VirtuosoServer:
    """A private Virtuoso: its own database under ``folder``, on two free ports."""

    USER, PASSWORD = "dba", "dba"  # a fresh database's administrator

    def __init__(self, folder: Path):
        command = virtuoso_command()
        http_port = free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(folder=folder, sql_port=free_port(), http_port=http_port)
        )
        self.base = f"http://127.0.0.1:{http_port}"
        self.log = folder / "virtuoso.log"
        self.process = subprocess.Popen(
            [command, "+configfile", str(ini), "+foreground"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_answers(f"{self.query}?query=ASK%7B%7D", timeout=60)
        except RuntimeError:
            self.stop()
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"Virtuoso did not come up:\n{log}") from None

    @property
    def query(self) -> str:
        """The SPARQL 1.1 query endpoint."""
        return f"{self.base}/sparql"

    def data(self, password: str = PASSWORD) -> str:
        """The Graph Store Protocol endpoint that writes, with its user and password."""
        return self.base.replace("://", f"://{self.USER}:{password}@") + "/sparql-graph-crud-auth"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

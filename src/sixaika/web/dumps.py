"""``/dumps/``: the release's files, streamed; only names the manifest lists are served.

A file is looked up by name in the manifest, never joined to a path from the URL, so no
request can reach outside the release. Clients that accept gzip get the precompressed
copy (``Content-Encoding: gzip``); ``name.gz`` is that copy as a file of its own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, request, send_file
from werkzeug.wrappers import Response

from ..release import File
from .catalog import datasets
from .conneg import PAGE
from .preconditions import conditional
from .render import page_renderer
from .respond import send
from .site import site

bp = Blueprint("dumps", __name__)


def _files() -> dict[str, File]:
    """Every servable file by name: the dumps and their gzip copies."""
    files = {}
    for dataset in site().served_release().manifest.datasets.values():
        for file in dataset.files.values():
            files[file.name] = file
            if file.gzip:
                files[file.gzip.name] = replace(file.gzip, media_type="application/gzip")
    return files


@bp.get("/dumps/")
def index() -> Response:
    def data(lang: str) -> dict[str, Any]:
        found = datasets(lang)
        return {"datasets": found, "json": {d["name"]: d["files"] for d in found}}

    return send("dumps", PAGE, page_renderer("dumps.html", data), None, request.path)


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    file = _files().get(name)
    if file is None:
        abort(404)
    gz = file.gzip
    if gz and _accepts_gzip():
        response = _send(gz, file.media_type, name)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = _send(file, file.media_type, name)
    if gz:
        response.vary.add("Accept-Encoding")
    return response


def _send(file: File, media_type: str | None, download_name: str) -> Response:
    """The release's ``file``, saved by the client as ``download_name`` (the name asked
    for: decoding ``Content-Encoding: gzip`` gives that file, not the ``.gz``)."""
    s = site()
    response = send_file(
        s.served_release().dump_path(file.name),
        mimetype=media_type,
        download_name=download_name,
        conditional=False,  # werkzeug's preconditions are wrong: ours, then its Range
        etag=file.sha256[:32],
        last_modified=s.modified,
        max_age=s.settings.max_age,
    )
    response.cache_control.public = True
    return conditional(response, complete_length=response.content_length)


def _accepts_gzip() -> bool:
    """gzip only if the client takes it at least as gladly as the file itself
    (RFC 9110 §12.5.3): identity counts as q=1 unless the header says otherwise."""
    q = {coding.lower(): quality for coding, quality in request.accept_encodings}
    star = q.get("*")
    gzip = q.get("gzip", q.get("x-gzip", star or 0))
    identity = q.get("identity", 1 if star is None else star)
    return gzip > 0 and gzip >= identity

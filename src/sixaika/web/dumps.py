"""``/dumps/``: the release's files, streamed; only names the manifest lists are served.

A file is looked up by name in the manifest, never joined to a path from the URL, so no
request can reach outside the release. Clients that accept gzip get the precompressed
copy (``Content-Encoding: gzip``); ``name.gz`` is that copy as a file of its own.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, send_file
from werkzeug.wrappers import Response

from .catalog import datasets
from .conneg import PAGE
from .represent import page_renderer, send, site

bp = Blueprint("dumps", __name__)


def _files() -> dict[str, dict[str, Any]]:
    """Every servable file by name: the dumps and their gzip copies."""
    files = {}
    for dataset in site().release.manifest["datasets"].values():
        for file in dataset["files"].values():
            files[file["name"]] = file
            if gz := file.get("gzip"):
                files[gz["name"]] = {**gz, "media_type": "application/gzip"}
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
    gz = file.get("gzip")
    if gz and _accepts_gzip():
        response = _send(gz["name"], file["media_type"], gz["sha256"])
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = _send(name, file["media_type"], file["sha256"])
    if gz:
        response.vary.add("Accept-Encoding")
    return response


def _send(name: str, media_type: str, sha256: str) -> Response:
    s = site()
    response = send_file(
        s.release.dump_path(name),
        mimetype=media_type,
        conditional=True,
        etag=sha256[:32],
        last_modified=s.modified,
        max_age=int(s.settings.max_age),
    )
    response.cache_control.public = True
    return response


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0

"""``/catalog``: the DCAT-AP 3 catalog of the release, for portals that harvest it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template
from werkzeug.wrappers import Response

from ..formats import dump_format
from ..read.catalog import DATASET_TEXTS, catalog
from ..read.facts import literal
from .cache import mark_cacheable
from .present import format_number
from .respond import alternates, send_rdf
from .site import links, memo, site

bp = Blueprint("catalog", __name__)


def catalog_triples() -> list:
    s = site()
    coverage = {
        name: (literal(start), literal(end))
        for name, (start, end) in s.facts["temporal_coverage"].items()
    }
    return memo("catalog", lambda: catalog(s.settings, s.served_release().manifest, coverage))


@bp.get("/catalog", defaults={"ext": None})
@bp.get("/catalog.<ext>")
def catalog_document(ext: str | None) -> Response:
    path = links().catalog()

    def html(_triples: list, lang: str) -> str:
        return render_template("catalog.html", datasets=datasets(lang), alternates=alternates(path))

    return send_rdf("catalog", path, ext, catalog_triples, html)


@bp.get("/graph/<name>")
def graph(name: str) -> Response:
    """A named graph's IRI: 303 to its dataset's entry in the catalog."""
    if name not in site().served_release().manifest.datasets:
        abort(404)
    mark_cacheable()
    return redirect(links().catalog(name), code=303)


def datasets(lang: str) -> list[dict[str, Any]]:
    """The release's datasets and files, as the catalog page lists them."""
    found = []
    for name, dataset in site().served_release().manifest.datasets.items():
        texts = DATASET_TEXTS.get(name, {"en": (name, "")})
        title, description = texts.get(lang) or texts.get("en") or next(iter(texts.values()))
        files = [
            {
                "id": f"{name}-{ext}",
                "format": dump_format(ext).label,
                "media_type": file.media_type,
                "href": links().dump(file.name),
                "size": human_size(file.bytes, lang),
                "sha256": file.sha256,
                "gzip": file.gzip.to_json() if file.gzip else None,
            }
            for ext, file in dataset.files.items()
        ]
        found.append(
            {
                "name": name,
                "title": title,
                "description": description,
                "triples": format_number(str(dataset.triples), lang),
                "graph": dataset.graph,
                "files": files,
            }
        )
    return found


def human_size(size: float, lang: str) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            decimals = 0 if unit == "B" or size >= 100 else 1
            return f"{format_number(f'{size:.{decimals}f}', lang, decimals)} {unit}"
        size /= 1000
    raise AssertionError("unreachable")

"""``/.well-known/void``: the VoID description (sizes, partitions, vocabularies, dumps)."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from ..read.facts import counts_of
from ..read.void import Counts, void
from . import i18n
from .present import Presenter
from .respond import alternates, send_rdf
from .site import links, memo, site

bp = Blueprint("void", __name__)


def totals() -> Counts:
    """Counts over the whole data, shared by VoID and the ontology page."""
    return counts_of(site().facts["counts"]["all"])


def void_triples() -> list:
    s = site()
    by_graph = {graph: counts_of(found) for graph, found in s.facts["counts"]["graphs"].items()}
    manifest, examples = s.served_release().manifest, s.facts["examples"]
    return memo("void", lambda: void(s.settings, manifest, totals(), by_graph, examples))


@bp.get("/.well-known/void", defaults={"ext": None})
@bp.get("/.well-known/void.<ext>")
def void_document(ext: str | None) -> Response:
    path = links().void()
    root = site().settings.urls.void("dataset")

    def html(triples: list, lang: str) -> str:
        page = Presenter(triples, site().names(), lang).resource_page(root)
        # The dataset is named like the site: its tab says what the page is instead.
        title = i18n.text("void", lang)
        return render_template(
            "resource.html", page=page, title=title, schema=None, alternates=alternates(path)
        )

    return send_rdf("void", path, ext, void_triples, html)

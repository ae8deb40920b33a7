"""Renderers: a document's body in one format and language (RDF documents, pages), and
what every template may use."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Flask, render_template, request
from markupsafe import Markup

from ..dates import PeriodDate
from ..documents import jsonld_bytes
from . import i18n
from .conneg import HTML, JSON, Format
from .fragments import Fragments
from .present import format_number, format_period_date
from .site import Site, links, site

Render = Callable[[Format, str], bytes]  # (format, reader's language) -> body


def init_app(app: Flask) -> None:
    app.context_processor(template_globals)


def rdf_renderer(
    triples: Callable[[], list[ox.Triple]], html: Callable[[list[ox.Triple], str], str]
) -> Render:
    """A render function for a document whose content is ``triples``."""

    def render(fmt: Format, lang: str) -> bytes:
        graph = triples()
        if fmt is HTML:
            return html(graph, lang).encode("utf-8")
        return rdf_body(site(), graph, fmt)

    return render


def rdf_body(on: Site, triples: list[ox.Triple], fmt: Format) -> bytes:
    """``triples`` written in ``fmt``, an RDF format (HTML is not), as the site ``on``
    writes them (its prefixes, its context). Takes the site rather than finding it: the
    front calls it outside any request of the app's (``linkeddata.Direct``)."""
    return on.writer.body(triples, fmt)


def compacted(triples: list[ox.Triple], on: Site | None = None) -> dict[str, Any]:
    """Compact JSON-LD pointing at the published context (a reference, not a copy)."""
    return (on or site()).writer.compacted(triples)


def page_renderer(
    template: str,
    data: Callable[[str], dict[str, Any]],
    json_data: Callable[[str], Any] | None = None,
) -> Render:
    """A render function for a page that is HTML for people and JSON for programs: the
    JSON is ``json_data``'s (plain data, for a page whose values would cost more than it),
    else ``data``'s "json" item, else all of ``data``."""

    def render(fmt: Format, lang: str) -> bytes:
        if fmt is JSON and json_data is not None:
            return jsonld_bytes(json_data(lang))
        values = data(lang)
        if fmt is JSON:
            return _json(values.get("json", values))
        return render_template(template, lang=lang, **values).encode("utf-8")

    return render


def _json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _same_page(path: str) -> str:
    """``path`` with the request's parameters (a page of a list, a query): a link to the
    same page in another language keeps them."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{path}?{urlencode(kept)}" if kept else path


def template_globals() -> dict[str, Any]:
    """What every template may use: the reader's language, words, links to languages.

    ``t`` escapes its text and plain arguments; markup the template made (a link, code)
    goes in as it is. Links to other pages of the site go through ``page_url``.
    """
    lang, asked = i18n.reader_language(), i18n.asked_language()
    fragments = Fragments(asked)
    # One HTML body serves /x and /x.html (it is memoised): link to the same place from both.
    page = request.path.removesuffix(".html")
    return {
        "lang": lang,
        "asked_lang": asked,
        "t": lambda key, *args: said(key, lang, *args),
        "tn": lambda key, n, *args: i18n.counted(key, lang, n, *args),
        "number": lambda n: format_number(str(n), lang),
        "date": lambda when: format_period_date(
            when if isinstance(when, PeriodDate) else PeriodDate.of_day(when), lang
        ),
        "languages": i18n.LANGUAGE_NAMES,
        "urls": links(),
        "page_url": lambda href: i18n.page_url(href, asked),
        "lang_url": lambda code: i18n.page_url(_same_page(page), code),
        "release": release.manifest if (release := site().release) else {},
        "stamp": site().stamp,
        "part": lambda name: part(name, lang, asked),
        "show_link": fragments.show_link,
        "show_rows": fragments.show_rows,
    }


def said(key: str, lang: str, *args: object) -> Markup:
    """The interface text ``key`` in ``lang``, escaped, its ``{0}``, ... filled with
    ``args`` (escaped, unless markup). Escaped once per text and language: a page says
    forty of them, and escaping and formatting each was a tenth of a project page's time."""
    words = _escaped_words(key, lang)
    return words.format(*args) if args or "{" in words or "}" in words else words


@lru_cache(maxsize=4096)  # every text in every language, and some room
def _escaped_words(key: str, lang: str) -> Markup:
    return Markup.escape(i18n.words(key, lang))


def part(template: str, lang: str, asked: str | None) -> Markup:
    """A part of every page that is the same on every page in one language (the site's
    navigation, its footer), rendered once per language, ``?lang=`` and root, then
    reused: every page rendered its twenty links and words again, a fifth of the time
    of a project's page."""
    key = (template, lang, asked, request.script_root)
    return site().parts.get_or_compute(key, lambda: Markup(render_template(template)))

"""Writing documents: JSON-LD and the table's pages by orjson are byte for byte what
``json`` wrote before."""

from __future__ import annotations

import json
import sqlite3

from sixaika.documents import jsonld_bytes
from sixaika.jsonld import expanded
from sixaika.read.pages import PAGES_PART
from sixaika.web.render import _json, compacted
from sixaika.web.site import site

from ..support import open_app


def test_jsonld_bytes_are_what_json_writes_for_every_description(app, bundled_release):
    pages = site(app).pages
    part = bundled_release.path / bundled_release.manifest.parts[PAGES_PART]["file"]
    with sqlite3.connect(f"file:{part}?mode=ro", uri=True) as db:
        iris = [iri for (iri,) in db.execute("SELECT iri FROM descriptions")]
    assert len(iris) > 100  # every resource of the bundled data
    with app.app_context():
        for iri in iris:
            triples = pages.description(iri).triples
            for document in (compacted(triples), expanded(triples)):
                assert jsonld_bytes(document) == _json(document), iri


def test_jsonld_bytes_escape_as_json_does():
    awkward = "tab\t, line\n, return\r, quote\", backslash\\, slash/, ä€😀\u2028\x7f, ''"
    document = {"@context": {}, "a": [awkward, {}, [], {"b": [awkward]}], "c": ""}
    assert jsonld_bytes(document) == _json(document)
    assert json.loads(jsonld_bytes(document)) == document


def test_a_table_page_is_what_json_writes(client):
    for url in ("/projects", "/projects?city=oulu&sort=total_budget&order=desc"):
        body = client.get(url, headers={"Accept": "application/json"}).get_data()
        assert json.loads(body)["rows"] and body == _json(json.loads(body)), url


def test_the_parts_every_page_shows_are_in_the_readers_language(bundled_settings, bundled_release):
    """The navigation and the footer are rendered once per language and ``?lang=``
    (``render.part``): each page still shows its reader's."""
    client = open_app(bundled_settings, bundled_release).test_client()
    seen = []
    for lang, query in [("fi", ""), ("sv", ""), ("sv", "?lang=en"), ("fi", ""), ("en", "")]:
        headers = {"Accept": "text/html", "Accept-Language": lang}
        body = client.get(f"/doc/project/a70202{query}", headers=headers).text
        nav, footer = body.split('<nav aria-label="')[1], body.split('<footer class="site">')[1]
        seen.append((nav.split("</nav>")[0], footer))
    (fi_nav, fi_footer), (sv_nav, _), (en_nav, en_footer), again, (plain_en_nav, _) = seen
    assert "Hankkeet" in fi_nav and "Projekt<" in sv_nav and "Projects" in plain_en_nav
    assert again == (fi_nav, fi_footer)
    # Asked for by ?lang=, its links carry it on; asked for by Accept-Language, they do not.
    assert 'href="/doc/project/?lang=en"' in en_nav and "?lang=" not in plain_en_nav
    assert 'href="/catalog?lang=en"' in en_footer and "?lang=" not in fi_footer

"""``/id/...`` and ``/doc/...``: every resource of the release, dereferenceable.

``/id/{type}/{local}`` names the thing and answers 303 See Other to ``/doc/{type}/{local}``,
the document about it, which speaks Turtle, JSON-LD, RDF/XML, N-Triples and HTML by
``Accept`` or by extension. ``/doc/{type}/`` lists the resources of a type, paged.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import pyoxigraph as ox
import werkzeug.utils
from flask import Blueprint, Flask, abort, redirect, render_template, request
from flask.testing import EnvironBuilder
from werkzeug.wrappers import Response

from ..logs import for_release
from ..read.describe import Description, describe, exists, labels, members
from ..read.pages import triples_of
from . import project
from .cache import Answer, mark_cacheable
from .conduct import standing_headers
from .conneg import (
    BY_EXTENSION,
    HTML,
    NTRIPLES,
    PAGE,
    RDF_DOCUMENT,
    Format,
    negotiate,
    split_extension,
)
from .i18n import accepted_language
from .present import Link, Names, Presenter, ResourcePage
from .render import page_renderer, rdf_body, rdf_renderer
from .respond import (
    alternates,
    memo_key,
    representation_headers,
    same_query,
    send,
    send_rdf,
    tagged,
    validators,
)
from .site import Site, links, memo, site
from .stamp import filled

bp = Blueprint("linkeddata", __name__)

# Local parts are EURA codes and ASCII slugs (DESIGN.md): anything else is no IRI of ours,
# and never reaches a query (no '..', no '<', '>' or quotes).
LOCAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")
PAGE_SIZE = 100
SORT_BY_LABEL = 2000  # up to this many resources, lists are in label order


def _check_local(local: str) -> str:
    if not _is_local(local):
        abort(404)
    return local


@bp.get("/id/<path:local>")
def thing(local: str) -> Response:
    """303 to the document about the thing (or the list, for ``/id/{type}/``)."""
    listing = local.endswith("/")
    _check_local(local.rstrip("/"))
    iri = site().settings.urls.id(local)
    if not (member_count(iri) if listing else _exists(iri)):
        abort(404)
    mark_cacheable()  # the query string is part of the cache's key
    # ?lang= (or ?page=) asks for the document in that way
    return redirect(same_query(links().doc(local)), code=303)


@bp.get("/doc/<path:local>")
def document(local: str) -> Response:
    if local.endswith("/"):
        return listing(_check_local(local.rstrip("/")))
    local, ext = split_extension(local)
    iri = site().settings.urls.id(_check_local(local))
    found = description(iri)
    if found is None:
        abort(404)
    path = links().doc(local)
    return send_rdf(f"doc:{iri}", path, ext, lambda: found.triples, _html(found, path))


class Direct:
    """A resource's 303 (``/id/...``) and its document (``/doc/...``: RDF in any format,
    HTML where the build rendered the page in the reader's language) from the release's
    pages, answered by the front itself, on its loop, without the app.

    Flask's routing, request context and response objects cost more than the answer (about
    0.4 ms of a core, against 0.1 ms for reading and writing a description at 100k
    projects), and these are most of what crawlers and harvesters ask for. The answer is
    the one the app gives (``thing`` and ``document``, from the same functions: tested
    header for header): anything else, a query string, a precondition or a range, a
    resource the release does not have, is left to the app (None).
    """

    def __init__(self, on: Site):
        assert on.pages is not None, "only a release with pages answers at once"
        self.site, self.pages = on, on.pages
        self.links = on.settings.urls.under("")  # the front runs the app at the root

    def __call__(self, environ: dict[str, str]) -> Answer | None:
        """(status, headers, body) of a GET or HEAD that ``ResponseCache.replayable``
        allows, or None for the app to answer."""
        try:
            return self._answer(environ)
        except Exception:  # noqa: BLE001 - the app answers instead (or logs its 500)
            log = for_release(self.site.repo.version)
            log.exception("%s: no answer at once; the app answers it", environ["PATH_INFO"])
            return None

    def _answer(self, environ: dict[str, str]) -> Answer | None:
        path = environ["PATH_INFO"]
        if environ.get("QUERY_STRING") or path.endswith("/"):
            return None
        if path.startswith("/id/"):
            return self._see_other(path.removeprefix("/id/"))
        if path.startswith("/doc/"):
            return self._document(path.removeprefix("/doc/"), environ)
        return None

    def _see_other(self, local: str) -> Answer | None:
        if not _is_local(local) or not self.pages.has(self.site.settings.urls.id(local)):
            return None
        answer = werkzeug.utils.redirect(self.links.doc(local), code=303)
        headers = [*answer.headers.items(), *standing_headers("text/html")]
        return answer.status, headers, answer.get_data()

    def _document(self, local: str, environ: dict[str, str]) -> Answer | None:
        local, ext = split_extension(local)
        accept = environ.get("HTTP_ACCEPT") or None
        fmt = BY_EXTENSION.get(ext) if ext else negotiate(accept, RDF_DOCUMENT)
        if not _is_local(local) or fmt not in RDF_DOCUMENT:
            return None
        # A page in the reader's language (no ?lang=: a query string is the app's).
        lang = accepted_language(environ.get("HTTP_ACCEPT_LANGUAGE")) if fmt is HTML else ""
        iri = self.site.settings.urls.id(local)
        key = memo_key(f"doc:{iri}", fmt, lang, None)
        found = self.site.memo.get_or_compute(key, lambda: self._tagged(iri, fmt, lang))
        if found is None:
            return None
        body, etag = found
        headers = [
            ("Content-Type", fmt.content_type),
            ("Content-Length", str(len(body))),
            *representation_headers(self.links.doc(local), RDF_DOCUMENT, fmt, ext is None),
            *validators(self.site, etag),
            *standing_headers(fmt.media_type),
        ]
        return "200 OK", headers, body

    def _tagged(self, iri: str, fmt: Format, lang: str) -> tuple[bytes, str] | None:
        if fmt is HTML:  # rendered by the build in some languages; else the app renders it
            page = self.pages.html(iri, lang)
            return None if page is None else tagged(self._stamped(page, lang), self.site)
        if (written := self.pages.document(iri, fmt.key)) is not None:
            return tagged(written, self.site)  # Turtle, JSON-LD: written by the build
        stored = self.pages.ntriples(iri)
        if stored is None:
            return None
        ntriples, _inbound = stored
        if fmt is not NTRIPLES:  # the stored bytes are the N-Triples document itself
            triples = triples_of(ntriples)
            return tagged(rdf_body(self.site, triples, fmt), self.site)
        return tagged(ntriples, self.site)

    def _stamped(self, page: bytes, lang: str) -> bytes:
        assert self.site.stamp is not None, "a release with pages has a stamp"
        return filled(page, self.site.stamp, lang)


def _is_local(local: str) -> bool:
    return bool(LOCAL.match(local)) and ".." not in local


def description(iri: str) -> Description | None:
    """What ``/doc`` says of ``iri``: from the release's pages, else read from the store."""
    pages = site().pages
    if pages is not None:
        return memo(("describe", iri), lambda: pages.description(iri))
    return memo(("describe", iri), lambda: describe(site().repo, iri, site().settings.urls.vocab))


def _exists(iri: str) -> bool:
    pages = site().pages
    if pages is not None:
        return pages.has(iri)
    return bool(memo(("exists", iri), lambda: exists(site().repo, iri) or None))


def _html(found: Description, path: str):
    def html(triples: list, lang: str) -> str:
        names = site().names()
        presenter = Presenter(triples, names, lang)
        vocab = site().settings.urls.vocab
        # Status as of the release's day: a release's pages never change, nor their ETags.
        as_of = site().modified.date()
        leave_out = project.said_elsewhere(presenter, found.iri, vocab)
        page = presenter.resource_page(found.iri, found.inbound_total, as_of, leave_out)
        schema = schema_org(page, names)
        for_people = project.for_people(presenter, page, vocab, site().stamp, lang)
        return render_template(
            "resource.html", page=page, schema=schema, alternates=alternates(path), **for_people
        )

    return html


def rendered_page(app: Flask, iri: str, lang: str) -> bytes | None:
    """The page of ``iri`` in ``lang``, as ``document`` renders it for a request at the
    root without a query string, Accept-Language choosing ``lang`` (a request ``Direct``
    answers with it): the build renders them ahead (``prerender``). None: no page."""
    local = iri.removeprefix(site(app).settings.urls.id())
    if local == iri or not _is_local(local):
        return None
    path = site(app).settings.urls.under("").doc(local)
    with app.request_context(_page_request(app, path, lang)):
        found = description(iri)
        if found is None:
            return None
        return rdf_renderer(lambda: found.triples, _html(found, path))(HTML, lang)


def _page_request(app: Flask, path: str, lang: str) -> dict[str, Any]:
    """The WSGI environ of a GET of ``path`` (at the root, ASCII: ``LOCAL``) for HTML in
    ``lang``. Flask's test builder took a tenth of a page's time to make it, so it makes
    one per app and language, which each page copies with its own path."""
    made = app.extensions.setdefault("sixaika.page_requests", {})
    if lang not in made:
        headers = {"Accept": HTML.media_type, "Accept-Language": lang}
        made[lang] = EnvironBuilder(app, "/", headers=headers).get_environ()
    return {
        **made[lang],
        "PATH_INFO": path,
        "REQUEST_URI": path,
        "RAW_URI": path,
        "wsgi.input": io.BytesIO(),
    }


# Lists ---------------------------------------------------------------------------


def _members_of(prefix: str) -> list[str]:
    """Every resource under ``prefix``, read from the store (a release without pages)."""
    return memo(("members", prefix), lambda: members(site().repo, prefix) or None) or []


def member_count(prefix: str) -> int:
    """How many typed resources have IRIs under ``prefix``."""
    pages = site().pages
    return pages.total(prefix) if pages is not None else len(_members_of(prefix))


def members_between(prefix: str, start: int = 0, stop: int | None = None) -> list[str]:
    """The resources under ``prefix`` in IRI order, from ``start`` to ``stop``."""
    pages = site().pages
    if pages is not None:
        return pages.members(prefix, start, stop)
    return _members_of(prefix)[start:stop]


def labels_of(iris: list[str]) -> list[ox.Triple]:
    """The label triples of ``iris``: from the release's pages, else from the store."""
    pages = site().pages
    read = pages.labels if pages is not None else lambda found: labels(site().repo, found)
    return memo(("labels", tuple(iris)), lambda: read(iris))


def named(iris: list[str], lang: str, sort: bool = False) -> list[Link]:
    """Links to ``iris`` by their labels (in label order when ``sort``)."""
    names = site().names()
    names.learn(labels_of(iris))
    links = [names.link(iri, lang) for iri in iris]
    return sorted(links, key=lambda link: (link.text.casefold(), link.iri)) if sort else links


def listing(prefix_local: str) -> Response:
    """A page of the resources of one type: by label when few, by IRI (code) when many."""
    prefix = site().settings.urls.id(prefix_local + "/")
    total = member_count(prefix)
    if not total:
        abort(404)
    page = request.args.get("page", "1")
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if not page.isdigit() or not 1 <= int(page) <= pages:
        abort(404)
    number = int(page)
    start, stop = (number - 1) * PAGE_SIZE, number * PAGE_SIZE

    def data(lang: str) -> dict[str, Any]:
        if total <= SORT_BY_LABEL:
            links = named(members_between(prefix), lang, sort=True)[start:stop]
        else:  # sorting 100k labels would fetch them all; codes sort as well
            links = named(members_between(prefix, start, stop), lang)
        return {
            "prefix": prefix_local,
            "items": links,
            "page": number,
            "pages": pages,
            "total": total,
            "json": {
                "type": prefix_local,
                "total": total,
                "page": number,
                "pages": pages,
                "items": [{"id": x.iri, "label": x.text, "href": x.href} for x in links],
                "next": f"?page={number + 1}" if number < pages else None,
                "prev": f"?page={number - 1}" if number > 1 else None,
            },
        }

    return send(
        f"list:{prefix}:{number}", PAGE, page_renderer("list.html", data), None, request.path
    )


# schema.org for search engines ---------------------------------------------------

SCHEMA_TYPES = {
    "sixaika:Project": "Project",
    "sixaika:Strategy": "CreativeWork",
    "org:Organization": "Organization",
    "org:FormalOrganization": "Organization",
    "org:OrganizationalUnit": "Organization",
    "skos:Concept": "DefinedTerm",
    "skos:ConceptScheme": "DefinedTermSet",
}


def schema_org(page: ResourcePage, names: Names) -> dict[str, Any]:
    """A small schema.org description of the page's resource (names, dates, links)."""
    kinds = [SCHEMA_TYPES.get(names.compact(t.iri)) for t in page.node.types]
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": next((k for k in kinds if k), "Thing"),
        "@id": page.iri,
        "url": page.iri,
        "name": page.title,
    }
    if page.summary:
        document["description"] = page.summary
    for row in page.node.rows:
        compact = names.compact(row.property.iri)
        if compact == "dct:identifier":
            document["identifier"] = row.values[0].text
        elif compact in ("skos:exactMatch", "owl:sameAs", "skos:closeMatch", "foaf:homepage"):
            document.setdefault("sameAs", []).extend(v.link.iri for v in row.values if v.link)
    return document

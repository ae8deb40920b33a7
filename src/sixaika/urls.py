"""Every IRI the data names and every link a page makes, from one object.

``Urls(base)`` makes the IRIs as published (``{base}id/project/a70202``); the same methods
on ``urls.under(root)`` make the links of a page served from ``root`` (the app's
``SCRIPT_NAME``, usually empty): ``/id/...`` and ``/doc/...`` paths on this server.

>>> urls = Urls("https://data.example.org/")
>>> urls.id("project/a70202"), urls.graph("projects")
('https://data.example.org/id/project/a70202', 'https://data.example.org/graph/projects')
>>> urls.term("Project"), urls.catalog("projects")
('https://data.example.org/def/6aika#Project', 'https://data.example.org/catalog#projects')
>>> links = urls.under("/lod")
>>> links.dump("projects.ttl"), links.sparql(), links.link(urls.id("project/a70202"))
('/lod/dumps/projects.ttl', '/lod/sparql', '/lod/doc/project/a70202')
"""

from __future__ import annotations

ONTOLOGY = "def/6aika"


class Urls:
    def __init__(self, base: str, root: str | None = None):
        self.base = base  # every IRI of ours starts with it
        self.prefix = base if root is None else root + "/"  # what these URLs start with

    def under(self, root: str) -> Urls:
        """The same places as links from a page served at ``root`` (a path, may be empty)."""
        return Urls(self.base, root)

    def home(self) -> str:
        return self.prefix

    # The things and their documents (DESIGN.md's URL contract) -------------------------
    def id(self, local: str = "") -> str:
        return f"{self.prefix}id/{local}"

    def doc(self, local: str = "") -> str:
        return f"{self.prefix}doc/{local}"

    def ontology(self, suffix: str = "") -> str:
        """The ontology's document; ``suffix`` an extension (``.ttl``) or a version path."""
        return f"{self.prefix}{ONTOLOGY}{suffix}"

    @property
    def vocab(self) -> str:
        """The namespace of the ontology's terms."""
        return self.ontology("#")

    def term(self, name: str) -> str:
        return self.vocab + name

    def shapes(self) -> str:
        return f"{self.prefix}shapes"

    def context(self) -> str:
        return f"{self.prefix}context.jsonld"

    # The release's datasets, files and services --------------------------------------
    def graph(self, dataset: str) -> str:
        """The named graph that holds one dataset of the catalog."""
        return f"{self.prefix}graph/{dataset}"

    def catalog(self, fragment: str = "") -> str:
        return f"{self.prefix}catalog" + (f"#{fragment}" if fragment else "")

    def dump(self, name: str = "") -> str:
        return f"{self.prefix}dumps/{name}"

    def sparql(self, path: str = "") -> str:
        return f"{self.prefix}sparql{path}"

    def projects(self) -> str:
        """The table of projects (``/projects``)."""
        return f"{self.prefix}projects"

    def map(self) -> str:
        """The cities on a map (``/map``)."""
        return f"{self.prefix}map"

    def api(self) -> str:
        """The description of the HTTP interface, as a page (``/api``)."""
        return f"{self.prefix}api"

    def openapi(self) -> str:
        """The same as OpenAPI 3.1 (``/openapi.json``)."""
        return f"{self.prefix}openapi.json"

    def reconcile(self, path: str = "") -> str:
        """The reconciliation service (``/reconcile``) and its paths (``/preview``)."""
        return f"{self.prefix}reconcile{path}"

    def search(self, path: str = "") -> str:
        return f"{self.prefix}search{path}"

    def static(self, name: str) -> str:
        """A file the pages use (a script), served by the app itself."""
        return f"{self.prefix}static/{name}"

    def void(self, fragment: str = "") -> str:
        return f"{self.prefix}.well-known/void" + (f"#{fragment}" if fragment else "")

    # Reading IRIs back ----------------------------------------------------------------
    def local(self, iri: str) -> str | None:
        """The part of one of our IRIs after the base (``id/project/a70202``); else None."""
        return iri[len(self.base) :] if iri.startswith(self.base) else None

    def link(self, iri: str) -> str:
        """Where a link to one of our IRIs goes: straight to a thing's document (saving the
        303 round trip), every other IRI of ours to itself, on this server."""
        local = self.local(iri)
        if local is None:
            return iri
        if local.startswith("id/"):
            return self.doc(local[3:])
        return self.prefix + local

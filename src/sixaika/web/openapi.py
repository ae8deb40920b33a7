"""``/openapi.json`` and ``/api``: the site's HTTP interface, described once.

``OPERATIONS`` is the one place each public route is described (OpenAPI 3.1): what it
does, its parameters, what it answers. ``/openapi.json`` is made from it for the running
release; ``/api`` renders the same document as a page on the server (no CDN, no script).
The table's parameters and columns come from ``table`` itself, the formats from the
format registry. A test checks that every route of the app is described here (but the
files a page loads, ``ASSETS``) and that every path described answers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from werkzeug.wrappers import Response

from ..namespaces import value_of
from . import table
from .conneg import JSON, PAGE, RDF_DOCUMENT
from .render import page_renderer
from .respond import send
from .site import site
from .vocab import ontology_iri, ontology_triples

bp = Blueprint("openapi", __name__)

ASSETS = ("/static/{filename}", "/sparql/ui/{name}")  # files pages load: not an API
RDF_TYPES = [f.media_type for f in RDF_DOCUMENT]
PAGE_TYPES = [f.media_type for f in PAGE]


def _param(
    name: str, description: str, where: str = "query", required: bool = False, **schema: Any
) -> dict[str, Any]:
    example = schema.pop("example", None)
    found = {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }
    if example is not None:
        found["example"] = example
    return found


def _answers(*types: str, **more: str) -> dict[str, Any]:
    """A 200 in ``types`` and the errors this site answers with (400, 404, 406)."""
    found: dict[str, Any] = {"200": {"description": "OK", "content": {t: {} for t in types}}}
    for status, description in more.items():
        found[status.lstrip("_")] = {"description": description}
    return found


LANG = _param("lang", "The page's language (HTML).", enum=["fi", "en", "sv"])
EXT = _param(
    "ext",
    "A format by extension instead of Accept.",
    "path",
    enum=["ttl", "jsonld", "rdf", "nt", "html"],
)


def _table_parameters() -> list[dict[str, Any]]:
    """The project table's parameters, from the table's own lists."""
    filters = [
        _param(
            name,
            f"Only projects with this {name.replace('_', ' ')} (repeat for any of several): "
            f"the last part of its IRI (under id/{scope}) or the whole IRI.",
            example={"city": "oulu", "fund": "erdf"}.get(name),
            type="array",
            items={"type": "string"},
        )
        | {"explode": True, "style": "form"}
        for name, scope in table.SCOPES.items()
    ]
    return [
        *filters,
        _param("role", "With organisation: only where it has this role.", enum=["lead", "partner"]),
        _param("from", "Projects running in or after this year.", type="integer"),
        _param("to", "Projects running in or before this year.", type="integer"),
        _param("budget_min", "Total budget at least this many euros.", type="number"),
        _param("budget_max", "Total budget at most this many euros.", type="number"),
        _param("q", "Words in the projects' codes, titles or descriptions (any inflection)."),
        _param("sort", "The column to sort by.", enum=list(table.COLUMNS), default="title"),
        _param("order", "Ascending or descending.", enum=["asc", "desc"], default="asc"),
        LANG,
    ]


def operations() -> dict[str, dict[str, Any]]:
    """Path -> method -> operation: every public route (OpenAPI 3.1 path items)."""
    table_params = _table_parameters()
    row = {"$ref": "#/components/schemas/ProjectRow"}
    return {
        "/": {
            "get": _op(
                "Pages",
                "The home page: the datasets, charts, how many projects and organisations "
                "have each field (JSON: completeness, organisation_completeness), examples.",
                [LANG],
                _answers(*PAGE_TYPES),
            )
        },
        "/search": {
            "get": _op(
                "Search",
                "Search projects, organisations and concepts in fi, en and sv: an exact EURA "
                "code, business ID or identifier first, then names, then descriptions; "
                "Finnish words in any inflected form. HTML, or JSON by Accept.",
                [
                    _param("q", "What to look for.", required=True, example="kaupungin"),
                    _param("kind", "Only this kind.", enum=["project", "organisation", "concept"]),
                    _param("page", "Page of 20 results.", type="integer", minimum=1, default=1),
                    LANG,
                ],
                _answers(*PAGE_TYPES, _400="A parameter out of range"),
            )
        },
        "/search/suggest": {
            "get": _op(
                "Search",
                "Names that start as typed, for a search box.",
                [_param("q", "What has been typed so far.", required=True, example="kuutos")],
                _answers(JSON.media_type),
            )
        },
        "/lookup": {
            "get": _op(
                "Search",
                "303 See Other to the resource with a code: give exactly one of eura, "
                "business_id or id.",
                [
                    _param("eura", "A EURA 2014 project code.", example="A70202"),
                    _param("business_id", "A Finnish business ID (Y-tunnus).", example="0187690-1"),
                    _param("id", "A code of any type."),
                ],
                {
                    "303": {"description": "The resource's document"},
                    "400": {"description": "No code, or several"},
                    "404": {"description": "No resource has the code"},
                },
            )
        },
        "/projects": {
            "get": _op(
                "Project table",
                "A page of the project table (50 rows), filtered and sorted, with each "
                "filter's values and their counts and the next page's address. HTML, or "
                "JSON by Accept. Filters of different kinds must all hold; the values of one "
                "are alternatives.",
                [
                    *table_params,
                    _param(
                        "cursor", "The page after the one that gave this cursor (its next link)."
                    ),
                ],
                _answers(*PAGE_TYPES, _400="A parameter the table cannot take"),
            )
        },
        "/projects.{fmt}": {
            "get": _op(
                "Project table",
                "Every row of the filtered, sorted table, streamed: CSV (names in the "
                "language asked for), JSON (IRIs and names) or JSON-LD (the published "
                "context's terms).",
                [
                    _param("fmt", "The format.", "path", enum=list(table.EXPORTS), example="csv"),
                    *table_params,
                ],
                {
                    "200": {
                        "description": "Every row",
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "total": {"type": "integer"},
                                        "rows": {"type": "array", "items": row},
                                    },
                                }
                            },
                            "application/ld+json": {"schema": {"type": "object"}},
                        },
                    },
                    "304": {"description": "Not modified (If-None-Match)"},
                    "400": {"description": "A parameter the table cannot take"},
                },
            )
        },
        "/map": {
            "get": _op(
                "Pages",
                "The six cities on a map of Finland, each sized by its projects. HTML, or "
                "JSON by Accept.",
                [LANG],
                _answers(*PAGE_TYPES),
            )
        },
        "/reconcile": {
            "get": _op(
                "Reconciliation",
                "W3C Reconciliation Service API 0.2 (OpenRefine): without queries, the service "
                "manifest; with queries, their candidates.",
                [_param("queries", 'A JSON object of queries ({"q0": {"query": "..."}}).')],
                _answers(
                    JSON.media_type, _400="Queries that are not JSON", _413="Too many queries"
                ),
            ),
            "post": _op(
                "Reconciliation",
                "The same queries, sent as a form (queries=...).",
                [],
                _answers(JSON.media_type, _400="Queries that are not JSON"),
                body={
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": {"queries": {"type": "string"}}},
                        "example": {"queries": '{"q0": {"query": "Oulun kaupunki"}}'},
                    }
                },
            ),
        },
        **{
            f"/reconcile/suggest/{what}": {
                "get": _op(
                    "Reconciliation",
                    f"Suggest {what}s that start as typed.",
                    [_param("prefix", "What has been typed.", required=True, example="oulu")],
                    _answers(JSON.media_type),
                )
            }
            for what in ("entity", "type", "property")
        },
        "/reconcile/preview": {
            "get": _op(
                "Reconciliation",
                "A small HTML page about a candidate, for an iframe.",
                [
                    _param(
                        "id",
                        "The candidate's IRI.",
                        required=True,
                        example=site().settings.urls.id("project/a70202"),
                    )
                ],
                _answers("text/html", _404="No such candidate"),
            )
        },
        "/id/{local}": {
            "get": _op(
                "Linked data",
                "A thing: 303 See Other to the document about it (/doc/...).",
                [
                    _param(
                        "local",
                        "Its type and name, e.g. project/a70202.",
                        "path",
                        example="project/a70202",
                    )
                ],
                {
                    "303": {"description": "The document about the thing"},
                    "404": {"description": "No such thing"},
                },
            )
        },
        "/doc/{local}": {
            "get": _op(
                "Linked data",
                "The document about a thing, in Turtle, JSON-LD, RDF/XML, N-Triples or HTML by "
                "Accept, or by an extension (.ttl .jsonld .rdf .nt .html); a type's list with "
                "a final slash (/doc/project/).",
                [
                    _param(
                        "local",
                        "Its type and name, with an extension if wanted.",
                        "path",
                        example="project/a70202",
                    ),
                    _param("page", "A page of a type's list.", type="integer"),
                    LANG,
                ],
                _answers(*RDF_TYPES, _404="No such document", _406="No format of those accepted"),
            )
        },
        "/sparql": {
            "get": _op(
                "SPARQL",
                "SPARQL 1.1 Protocol, read-only. Without a query, the service description "
                "(or, in a browser, the query page).",
                [
                    _param("query", "A SPARQL 1.1 query.", example="ASK {}"),
                    _param("default-graph-uri", "A graph to query as the default graph."),
                    _param("named-graph-uri", "A named graph to query."),
                    _param("timeout", "Seconds, below the server's limit.", type="number"),
                ],
                _answers(
                    "application/sparql-results+json",
                    "application/sparql-results+xml",
                    "text/csv",
                    "text/tab-separated-values",
                    *RDF_TYPES,
                    _400="A query that is not SPARQL 1.1",
                    _403="An update",
                    _429="Too many queries of this client",
                    _503="The queue is full",
                    _504="The query ran out of time",
                ),
            ),
            "post": _op(
                "SPARQL",
                "A query as application/sparql-query, or as a form (query=...).",
                [],
                _answers(
                    "application/sparql-results+json",
                    *RDF_TYPES,
                    _400="A query that is not SPARQL 1.1",
                ),
                body={
                    "application/sparql-query": {"schema": {"type": "string"}},
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": {"query": {"type": "string"}}},
                        "example": {"query": "ASK {}"},
                    },
                },
            ),
        },
        "/catalog": {
            "get": _op(
                "Data", "The DCAT-AP 3 catalog of the datasets.", [LANG], _answers(*RDF_TYPES)
            )
        },
        "/catalog.{ext}": {
            "get": _op(
                "Data",
                "The catalog in one format.",
                [EXT | {"example": "ttl"}],
                _answers(*RDF_TYPES, _404="No such format"),
            )
        },
        "/graph/{name}": {
            "get": _op(
                "Data",
                "A dataset's named graph (its IRI): 303 See Other to its entry in the catalog.",
                [_param("name", "The dataset.", "path", example="projects")],
                {
                    "303": {"description": "The dataset in the catalog"},
                    "404": {"description": "No such graph"},
                },
            )
        },
        "/.well-known/void": {
            "get": _op("Data", "VoID statistics of the datasets.", [LANG], _answers(*RDF_TYPES))
        },
        "/.well-known/void.{ext}": {
            "get": _op(
                "Data",
                "The VoID description in one format.",
                [EXT | {"example": "ttl"}],
                _answers(*RDF_TYPES),
            )
        },
        "/dumps/": {"get": _op("Data", "The release's files.", [LANG], _answers(*PAGE_TYPES))},
        "/dumps/{name}": {
            "get": _op(
                "Data",
                "One file of the release (gzip by Accept-Encoding, or name.gz); byte ranges.",
                [_param("name", "The file.", "path", example="projects.ttl")],
                {
                    "200": {"description": "The file"},
                    "206": {"description": "A byte range"},
                    "404": {"description": "No such file"},
                },
            )
        },
        "/context.jsonld": {
            "get": _op("Data", "The JSON-LD context.", [], _answers("application/ld+json"))
        },
        "/def/6aika": {
            "get": _op("Vocabulary", "The 6Aika ontology.", [LANG], _answers(*RDF_TYPES))
        },
        "/def/6aika.{ext}": {
            "get": _op(
                "Vocabulary",
                "The ontology in one format.",
                [EXT | {"example": "ttl"}],
                _answers(*RDF_TYPES),
            )
        },
        "/def/6aika/{version}": {
            "get": _op(
                "Vocabulary",
                "A version of the ontology.",
                [_param("version", "The version.", "path", example=_ontology_version())],
                {
                    "303": {"description": "The ontology, if this is its version"},
                    "404": {"description": "No such version"},
                },
            )
        },
        "/ontology": {
            "get": _op(
                "Vocabulary",
                "The ontology (another address of /def/6aika).",
                [LANG],
                {"301": {"description": "Moved to /def/6aika"}},
            )
        },
        "/ontology.{ext}": {
            "get": _op(
                "Vocabulary",
                "The ontology in one format.",
                [EXT | {"example": "ttl"}],
                {"301": {"description": "Moved to /def/6aika"}},
            )
        },
        "/shapes": {
            "get": _op(
                "Vocabulary", "The SHACL shapes, in words or as RDF.", [LANG], _answers(*RDF_TYPES)
            )
        },
        "/shapes.{ext}": {
            "get": _op(
                "Vocabulary",
                "The shapes in one format.",
                [EXT | {"example": "ttl"}],
                _answers(*RDF_TYPES),
            )
        },
        "/openapi.json": {
            "get": _op("Pages", "This description (OpenAPI 3.1).", [], _answers(JSON.media_type))
        },
        "/api": {"get": _op("Pages", "This description as a page.", [LANG], _answers("text/html"))},
    }


def _ontology_version() -> str:
    """The version the ontology states (``owl:versionIRI`` under its IRI)."""
    prefix = ontology_iri() + "/"
    objects = [value_of(t.object) for t in ontology_triples()]
    versions = [v for v in objects if v.startswith(prefix)]
    return versions[0][len(prefix) :] if versions else "0"


def _op(
    tag: str,
    description: str,
    parameters: list[dict[str, Any]],
    responses: dict[str, Any],
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "tags": [tag],
        "summary": description.split(": ")[0].split(". ")[0].rstrip("."),
        "description": description,
        "parameters": parameters,
        "responses": responses,
    }
    if body:
        found["requestBody"] = {"content": body}
    return found


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of this server, for the release it serves."""
    release = site().release
    version = release.id if release is not None else "unreleased"
    base = site().settings.base.rstrip("/")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "6Aika linked open data",
            "version": version,
            "description": "Projects of 6Aika, the Six City Strategy, as linked open data: "
            "search, the project table and its downloads, lookups by code, reconciliation, "
            "every resource in RDF, and SPARQL. Read-only; any site may call it (CORS).",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": base}],
        "paths": operations(),
        "components": {"schemas": {"ProjectRow": _row_schema()}},
    }


def _row_schema() -> dict[str, Any]:
    named = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"id": {"type": "string", "format": "iri"}, "label": {"type": "string"}},
        },
    }
    return {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "iri"},
            "identifier": {"type": ["string", "null"]},
            "title": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "By language",
            },
            **{
                name: named
                for name in ("lead", "partners", "cities", "fund", "focus_area", "priority_axis")
            },
            "start": {
                "type": ["string", "null"],
                "description": "ISO 8601, as precise as its source",
            },
            "end": {"type": ["string", "null"]},
            "total_budget": {"type": ["number", "null"], "description": "Euros"},
            "eu_contribution": {"type": ["number", "null"], "description": "Euros"},
        },
    }


def flask_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``/doc/<path:local>`` -> ``/doc/{local}``.

    >>> flask_path("/projects.<any(csv, json, jsonld):fmt>"), flask_path("/id/<path:local>")
    ('/projects.{fmt}', '/id/{local}')
    """
    import re

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def routes() -> set[str]:
    """Every public route of the app, as OpenAPI paths."""
    return {flask_path(r.rule) for r in current_app.url_map.iter_rules()} - set(ASSETS)


@bp.get("/openapi.json")
def openapi() -> Response:
    return send("openapi", (JSON,), page_renderer("", lambda _lang: document()), JSON, request.path)


@bp.get("/api")
def api_page() -> Response:
    def data(_lang: str) -> dict[str, Any]:
        found = document()
        tags: dict[str, list] = {}
        for path, item in found["paths"].items():
            for method, op in item.items():
                tags.setdefault(op["tags"][0], []).append((path, method.upper(), op))
        return {"api": found, "tags": tags}

    return send("api", (PAGE[0],), page_renderer("api.html", data), PAGE[0], request.path)

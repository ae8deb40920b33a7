"""Content negotiation of the web's documents and pages (the formats: ``sixaika.formats``).

``Accept`` is read with q-values, wildcards and the JSON-LD ``profile`` parameter; a file
extension on the URL (``.ttl``) overrides it.

>>> negotiate("*/*", RDF_DOCUMENT).key, negotiate("image/png", RDF_DOCUMENT)
('ttl', None)
>>> split_extension("project/a70202.ttl"), split_extension("project/a70202.v2")
(('project/a70202', 'ttl'), ('project/a70202.v2', None))
"""

from __future__ import annotations

from ..formats import BY_KEY, DOCUMENT, Format, negotiate, offered
from ..formats import PAGE as PAGES

__all__ = ["Format", "negotiate"]

# What each kind of resource offers, the default (for */* or no Accept) first.
RDF_DOCUMENT = offered(DOCUMENT)
PAGE = offered(PAGES)
BY_EXTENSION = {f.extension: f for f in RDF_DOCUMENT + PAGE if f.extension}
HTML, JSON = BY_KEY["html"], BY_KEY["json"]
JSONLD, JSONLD_EXPANDED = BY_KEY["jsonld"], BY_KEY["jsonld-expanded"]
NTRIPLES = BY_KEY["nt"]


def split_extension(path: str) -> tuple[str, str | None]:
    """``project/a70202.ttl`` -> (``project/a70202``, ``ttl``) for a known extension."""
    stem, dot, ext = path.rpartition(".")
    return (stem, ext) if dot and ext in BY_EXTENSION and "/" not in ext else (path, None)

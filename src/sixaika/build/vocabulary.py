"""The page vocabulary of a release (``sixaika.vocabulary``), computed from the sources.

- names: ``rdfs:label`` of the ontology's terms (``ontology/*.ttl``) and of reused terms
  (``ontology/labels/*.ttl``, read here only: it is not part of the ontology dataset);
- places and inverse headings: the non-validating shapes of ``shapes/display/``, a
  property shape's ``sh:order`` within the ``sh:order`` of its ``sh:group``, and the
  ``sh:name`` of a property shape whose path is an ``sh:inversePath``.

A property with two different places, or a label of reused terms given to a term of ours,
is an ``InputError`` that names the file.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ..config import Settings
from ..errors import InputError, Origin
from ..namespaces import value_of
from ..vocabulary import Place, Vocabulary
from .sources import load_sources, ontology_files
from .validate import load_shapes

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LABELS_FOLDER = "labels"  # ontology/labels/: names of reused terms
DISPLAY_FOLDER = "display"  # shapes/display/: how pages show resources


def labels_dir(settings: Settings) -> Path:
    return settings.ontology_dir / LABELS_FOLDER


def display_shapes_dir(settings: Settings) -> Path:
    return settings.shapes_dir / DISPLAY_FOLDER


def page_vocabulary(settings: Settings) -> Vocabulary:
    """Names, places and inverse headings of the terms the pages show."""
    names: dict[str, dict[str, str]] = {}
    for triple in _ontology_labels(settings) + _reused_labels(settings):
        label = triple.object
        language = label.language if isinstance(label, ox.Literal) else None
        names.setdefault(value_of(triple.subject), {})[language or ""] = value_of(label)
    display = load_shapes(settings, display_shapes_dir(settings))
    places, inverse_places, inverse_names = _places(display, display_shapes_dir(settings))
    return Vocabulary(names, places, inverse_names, inverse_places)


def _ontology_labels(settings: Settings) -> list[ox.Triple]:
    quads = load_sources(settings, files=ontology_files(settings)).quads
    return [q.triple for q in quads if q.predicate.value == RDFS_LABEL]


def _reused_labels(settings: Settings) -> list[ox.Triple]:
    """The names of reused terms: ``term rdfs:label "text"@lang``, and nothing else."""
    found = []
    for path in sorted(labels_dir(settings).glob("*.ttl")):
        text = settings.rebase(path.read_text(encoding="utf-8"))
        try:
            triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
        except SyntaxError as e:
            line = e.lineno if isinstance(e.lineno, int) else None
            raise InputError(Origin(path, line), f"malformed Turtle: {e.args[0]}") from None
        for t in triples:
            if t.predicate.value != RDFS_LABEL or not isinstance(t.object, ox.Literal):
                raise InputError(path, f"only names (rdfs:label) belong here, not {t}")
            if t.subject.value.startswith(settings.base):
                raise InputError(
                    path,
                    f"{t.subject.value} is ours: name it in the ontology (ontology/*.ttl)",
                    fi=f"{t.subject.value} on oma termi: nimeä se ontologiassa (ontology/*.ttl)",
                )
            found.append(t)
    return found


def _places(
    shapes: rdflib.Graph, where: Path
) -> tuple[dict[str, Place], dict[str, Place], dict[str, dict[str, str]]]:
    """Each property's place, each inverse path's place and heading, from property shapes."""
    places: dict[str, Place] = {}
    inverse_places: dict[str, Place] = {}
    inverse_names: dict[str, dict[str, str]] = {}
    for shape in set(shapes.objects(None, SH.property)):
        path = shapes.value(shape, SH.path)
        place = (_order(shapes, shapes.value(shape, SH.group)), _order(shapes, shape))
        inverse = shapes.value(path, SH.inversePath) if path is not None else None
        if isinstance(path, rdflib.URIRef):
            _put(places, str(path), place, where)
        elif isinstance(inverse, rdflib.URIRef):
            _put(inverse_places, str(inverse), place, where)
            names = {
                (n.language if isinstance(n, rdflib.Literal) else None) or "": str(n)
                for n in shapes.objects(shape, SH.name)
            }
            inverse_names[str(inverse)] = names
    return places, inverse_places, inverse_names


def _order(shapes: rdflib.Graph, node: rdflib.term.Node | None) -> float:
    """A node's ``sh:order`` (none: 0, first)."""
    order = shapes.value(node, SH.order) if node is not None else None
    return float(order.toPython()) if isinstance(order, rdflib.Literal) else 0.0


def _put(places: dict[str, Place], iri: str, place: Place, where: Path) -> None:
    earlier = places.setdefault(iri, place)
    if earlier != place:
        raise InputError(
            where,
            f"{iri} has two places on the pages, {earlier} and {place} (group, order)",
            fi=f"{iri} on sivuilla kahdessa kohdassa, {earlier} ja {place} (ryhmä, järjestys)",
        )

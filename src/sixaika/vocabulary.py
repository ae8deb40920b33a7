"""What the pages need to know about vocabulary terms, as a release holds it.

Every term's name by language (the ontology's own terms, reused terms, licences), each
property's place among a resource's facts, and the heading over the resources that link
to a resource through a property ("Projects it leads"). The build computes it once
(``sixaika.build.vocabulary``) from the ontology, ``ontology/labels/`` and
``shapes/display/``; the web reads it from the release and never parses a source file.

>>> vocabulary = Vocabulary(labels={"x": {"en": "ex"}}, places={"p": (2.0, 1.0)})
>>> Vocabulary.from_json(vocabulary.to_json()) == vocabulary
True
>>> vocabulary.place("p"), vocabulary.place("q")
((2.0, 1.0), None)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

Place = tuple[float, float]  # (the sh:order of the property's group, its own sh:order)


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI -> lang -> name
    places: dict[str, Place] = field(default_factory=dict)  # property IRI -> its place
    inverse_names: dict[str, dict[str, str]] = field(default_factory=dict)  # -> lang -> heading
    inverse_places: dict[str, Place] = field(default_factory=dict)  # property IRI -> place

    def place(self, property_iri: str) -> Place | None:
        return self.places.get(property_iri)

    def inverse_place(self, property_iri: str) -> Place | None:
        return self.inverse_places.get(property_iri)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        data = json.loads(text)
        places = {k: (float(g), float(o)) for k, (g, o) in data["places"].items()}
        inverse = {k: (float(g), float(o)) for k, (g, o) in data["inverse_places"].items()}
        return cls(data["labels"], places, data["inverse_names"], inverse)

"""The JSON-LD context: the one table that names every term the data uses.

Source records are JSON-LD documents written in YAML against this context, and the
published JSON-LD is compacted with it.

>>> ctx = Context.load(Settings())
>>> ctx.expand("dct:title")
'http://purl.org/dc/terms/title'
>>> ctx.is_class_term("Project"), ctx.is_class_term("title")
(True, False)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import InputError, Origin


@dataclass(frozen=True)
class Context:
    document: dict[str, Any]

    @staticmethod
    def path_of(settings: Settings) -> Path:
        return settings.ontology_dir / "context.jsonld"

    @classmethod
    def load(cls, settings: Settings) -> Context:
        path = cls.path_of(settings)
        try:
            document = json.loads(settings.rebase(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise InputError(path, "file not found") from None
        except json.JSONDecodeError as e:
            raise InputError(Origin(path, e.lineno), f"not valid JSON: {e.msg}") from None
        return cls(document)

    @property
    def terms(self) -> dict[str, Any]:
        return self.document["@context"]

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """Terms whose value is a namespace IRI (usable as ``prefix:local``)."""
        return {
            k: v
            for k, v in self.terms.items()
            if isinstance(v, str) and not k.startswith("@") and v.endswith(("#", "/"))
        }

    def definition(self, term: str) -> dict[str, Any] | None:
        value = self.terms.get(term)
        if value is None or term.startswith("@") or term in self.prefixes:
            return None
        return {"@id": value} if isinstance(value, str) else value

    def expand(self, name: str) -> str:
        """A term or compact IRI as a full IRI (unchanged when already absolute)."""
        definition = self.definition(name)
        if definition is not None and definition["@id"] not in ("@id", "@type"):
            name = definition["@id"]
        prefix, _, local = name.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else name

    @cached_property
    def kinds(self) -> dict[str, str]:
        """Each term's kind: how a source value under it is checked.

        ``type`` and ``id`` (keywords), ``class``, ``language`` (texts by language),
        ``reference`` (an IRI), ``value`` (anything else).
        """
        kinds = {"type": "type", "id": "reference"}
        for term in self.terms:
            if self.definition(term) is None or term in kinds:
                continue
            if self.is_class_term(term):
                kinds[term] = "class"
            elif self.container(term) == "@language":
                kinds[term] = "language"
            else:
                kinds[term] = "reference" if self.is_reference(term) else "value"
        return kinds

    def is_class_term(self, term: str) -> bool:
        definition = self.definition(term)
        return definition is not None and term[:1].isupper() and len(definition) == 1

    def container(self, term: str) -> str | None:
        definition = self.definition(term) or {}
        return definition.get("@container")

    def is_reference(self, term: str) -> bool:
        """True when the term's values are IRIs (``"@type": "@id"``)."""
        definition = self.definition(term) or {}
        return definition.get("@type") == "@id"

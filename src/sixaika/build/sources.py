"""Load: source files (YAML records, Turtle) into quads, remembering where each came from.

A YAML file holds one record or a list of records. A record is a JSON-LD node written
against ``ontology/context.jsonld``: its keys are the context's terms, ``id`` is relative
to ``{base}id/``. Reading a record is shared out: ``limits`` refuses a file beyond what a
source may hold, ``values`` checks its keys and values, ``participants`` expands the one
shorthand beyond JSON-LD, ``origins`` remembers the line of every key and nested node.

Which dataset (named graph) a file feeds follows from its folder: ``ontology/`` the
ontology, ``data/concepts/`` the concept schemes, the rest of ``data/`` the projects.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from ..config import Settings
from ..context import Context
from ..errors import InputError, InputErrors, Origin
from ..ids import id_problem
from .limits import check_literals, check_size, check_yaml
from .origins import KeyOrigins, NestedNodes, file_tag, key_lines, place_keys
from .values import record_to_jsonld

DATASETS = ("projects", "concepts", "ontology")
_SOME_TYPES = "Project, FormalOrganization, Concept"
_LEADING_ZERO = re.compile(r"^0[0-9_]+$")


@dataclass
class Sources:
    """Everything loaded: quads (graph = dataset) and the origin of every record."""

    quads: list[ox.Quad] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    key_origins: KeyOrigins = field(default_factory=dict)

    def claim(self, subject: str, origin: Origin) -> None:
        """Record that ``origin`` defines ``subject``; two definitions are an error."""
        earlier = self.origins.get(subject)
        if earlier is not None and earlier != origin:
            raise InputError(
                origin,
                f"{subject} is already defined at {earlier}",
                fi=f"{subject} on jo määritelty kohdassa {earlier}",
            )
        self.origins[subject] = origin


def dataset_of(path: Path, settings: Settings) -> str:
    if path.is_relative_to(settings.ontology_dir):
        return "ontology"
    relative = path.relative_to(settings.data_dir)
    return "concepts" if relative.parts[0] == "concepts" else "projects"


def source_files(settings: Settings) -> list[Path]:
    """The ontology's Turtle and every data file, in a stable order."""
    for folder in (settings.ontology_dir, settings.data_dir):
        if not folder.is_dir():
            raise InputError(folder, "folder not found", fi="kansiota ei löydy")
    data = sorted(
        p
        for p in settings.data_dir.rglob("*")
        if p.suffix.lower() in (".yaml", ".yml", ".ttl") and p.is_file()
    )
    return ontology_files(settings) + data


def ontology_files(settings: Settings) -> list[Path]:
    """The Turtle files of the ontology dataset: ``ontology/*.ttl``, not its subfolders
    (``ontology/labels/`` names reused terms for the pages and is not published)."""
    return sorted(settings.ontology_dir.glob("*.ttl"))


def load_sources(
    settings: Settings,
    files: list[Path] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Sources:
    """Read every source file; raise ``InputError`` for the unusable ones, all of them."""
    context = Context.load(settings)
    sources, unusable = Sources(), []
    files = source_files(settings) if files is None else files
    for number, path in enumerate(files, 1):
        try:
            read_file(path, settings, context, sources)
        except InputError as e:  # the next file may be read still: tell of every one
            unusable.append(e)
        sources.files.append(path)
        if progress:
            progress(number, len(files))
    if unusable:
        raise unusable[0] if len(unusable) == 1 else InputErrors(unusable)
    return sources


def read_file(path: Path, settings: Settings, context: Context, sources: Sources) -> None:
    """Read one source file into ``sources``; ``InputError`` if it is unusable."""
    graph = ox.NamedNode(settings.urls.graph(dataset_of(path, settings)))
    if path.suffix.lower() == ".ttl":
        sources.quads.extend(_read_turtle(path, graph, settings, sources))
    else:
        sources.quads.extend(_read_yaml(path, graph, context, settings, sources))


def _read_text(path: Path, settings: Settings) -> str:
    try:
        check_size(path, settings.source_max_mb)
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "file not found", fi="tiedostoa ei löydy") from None
    except UnicodeDecodeError as e:
        raise InputError(
            path,
            f"not UTF-8 text (byte {e.start}); save the file as UTF-8",
            fi=f"ei UTF-8-tekstiä (tavu {e.start}); tallenna tiedosto UTF-8-muodossa",
        ) from None


def _read_turtle(
    path: Path, graph: ox.NamedNode, settings: Settings, sources: Sources
) -> list[ox.Quad]:
    """Turtle; the ontology's relative IRIs resolve against the base, data's against id/.

    A text that must name one of our IRIs in full (the ontology's namespace, a literal) is
    written against the default base and moved to ours, as the context and shapes are.
    """
    base = settings.base if graph.value == settings.urls.graph("ontology") else settings.urls.id()
    text = settings.rebase(_read_text(path, settings))
    try:
        parsed = ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=base)
        label = _blank_labels(file_tag(path, settings, 0))
        quads = [ox.Quad(label(q.subject), q.predicate, label(q.object), graph) for q in parsed]
    except SyntaxError as e:
        message = str(e.args[0]) if e.args else str(e)
        line = e.lineno if isinstance(e.lineno, int) else None
        raise InputError(
            Origin(path, line), f"malformed Turtle: {message}", fi=f"virheellinen Turtle: {message}"
        ) from None
    check_literals(quads, path, text)
    for subject in {q.subject for q in quads if isinstance(q.subject, ox.NamedNode)}:
        if base == settings.urls.id():  # data: it defines records, each under id/
            _check_turtle_id(subject.value, settings.urls.id(), path)
        sources.claim(subject.value, Origin(path))
    return quads


def _blank_labels(tag: str) -> Callable[[Any], Any]:
    """Blank nodes named by the file and their order in it: the parser names ``[]`` at
    random, so that two builds of the same sources would write different dumps."""
    labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def label(term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        found = labels.get(term)
        if found is None:
            found = labels[term] = ox.BlankNode(f"{tag}b{len(labels)}")
        return found

    return label


def _check_turtle_id(iri: str, id_base: str, path: Path) -> None:
    problem = id_problem(iri.removeprefix(id_base))
    if problem:
        raise InputError(path, f"<{iri}>: {problem[0]}", fi=f"<{iri}>: {problem[1]}")


# YAML ------------------------------------------------------------------------------

try:  # libyaml's loader where PyYAML was built with it: several times quicker
    from yaml import CSafeLoader as _SafeLoader
except ImportError:
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _BadValue(yaml.MarkedYAMLError):
    """Well-formed YAML that says something impossible (a key twice, a 13th month)."""

    def __init__(self, problem: str, fi: str, mark: yaml.Mark):
        super().__init__(problem=problem, problem_mark=mark)
        self.en, self.fi, self.line = problem, fi, mark.line + 1


class _Loader(_SafeLoader):
    """YAML as PyYAML's safe loader reads it, but a key written twice in one mapping is an
    error (PyYAML keeps the last silently) and a date that cannot be is told by its line."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key is not None and key in seen:
                raise _BadValue(
                    f"{key!r} is written twice in one mapping (lines {seen[key]} and {line}); "
                    "keep one",
                    f"{key!r} on kirjoitettu kahdesti samaan kohtaan (rivit {seen[key]} ja "
                    f"{line}); jätä toinen pois",
                    key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> dt.date | dt.datetime:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as e:
            raise _BadValue(
                f"{node.value} is not a date ({e}); write dates as YYYY-MM-DD",
                f"{node.value} ei ole päivämäärä ({e}); kirjoita päivämäärät muodossa VVVV-KK-PP",
                node.start_mark,
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if _LEADING_ZERO.match(node.value):  # YAML 1.1 reads 0552200 in base 8: 185472
            meant = node.value.lstrip("0") or "0"
            raise _BadValue(
                f"{node.value} has a leading zero, which makes YAML read it as another number; "
                f"write {meant}",
                f"{node.value}: YAML lukee etunollallisen luvun toisin; kirjoita {meant}",
                node.start_mark,
            )
        return super().construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _read_yaml(
    path: Path, graph: ox.NamedNode, context: Context, settings: Settings, sources: Sources
) -> list[ox.Quad]:
    text = _read_text(path, settings)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            check_yaml(root, path)
        data = loader.construct_document(root) if root is not None else None
    except _BadValue as e:
        raise InputError(Origin(path, e.line), e.en, fi=e.fi) from None
    except yaml.MarkedYAMLError as e:
        # A key without its colon is found a line later: the key's own line is the context.
        mark = e.context_mark if e.context == "while scanning a simple key" else e.problem_mark
        line = mark.line + 1 if mark else None
        raise InputError(
            Origin(path, line),
            f"malformed YAML: {_explained(e, 'en')}",
            fi=f"virheellinen YAML: {_explained(e, 'fi')}",
        ) from None
    except yaml.YAMLError as e:
        raise InputError(path, f"malformed YAML: {e}", fi=f"virheellinen YAML: {e}") from None
    finally:
        loader.dispose()
    if not data or root is None:  # nothing, only comments, or []
        raise InputError(
            path,
            "no record in this file (to remove a record, delete its file)",
            fi="tiedostossa ei ole yhtään tietuetta (tietue poistetaan poistamalla sen tiedosto)",
        )
    records, nodes = (data, root.value) if isinstance(data, list) else ([data], [root])
    nodes_jsonld = []
    for number, (record, node) in enumerate(zip(records, nodes, strict=True)):
        origin = Origin(path, node.start_mark.line + 1)
        lines = key_lines(node, path)
        nested = NestedNodes(file_tag(path, settings, number))
        if not isinstance(record, dict) or "id" not in record:
            raise InputError(
                origin,
                "a record must be a mapping with an 'id'",
                fi="tietueelta puuttuu tunniste (id: ...)",
            )
        nodes_jsonld.append(record_to_jsonld(record, context, lines, nested))
        if "type" not in record:  # no shape would look at it, and no page list it
            raise InputError(
                origin,
                f"a record needs a 'type' ({_SOME_TYPES}, ...)",
                fi=f"tietueella on oltava tyyppi, 'type' ({_SOME_TYPES}, ...)",
            )
        subject = _resolve(str(record["id"]), settings.urls.id())
        sources.claim(subject, origin)
        place_keys(sources.key_origins, context, subject, record, lines, ())
        for label, mapping, at in nested.found:  # a nested node's problems at its own lines
            sources.origins[label] = lines(*at)
            place_keys(sources.key_origins, context, label, mapping, lines, at)
    # A named graph object: the parser puts every quad straight into the dataset's graph.
    document = {"@context": context.terms, "@id": graph.value, "@graph": nodes_jsonld}
    try:
        return list(
            ox.parse(
                json.dumps(document, default=str).encode(),
                format=ox.RdfFormat.JSON_LD,
                base_iri=settings.urls.id(),
            )
        )
    except SyntaxError as e:
        raise InputError(path, f"records do not make valid JSON-LD: {e}") from None


# PyYAML's words for the commonest slips, and what to do about them (en, fi).
_HINTS = {
    "cannot start any token": (
        "indent with spaces, not tabs; quote a text that starts with @ or `",
        "sisennä välilyönneillä, ei sarkaimilla; lisää tekstin ympärille lainausmerkit, jos "
        "se alkaa merkillä @ tai `",
    ),
    "mapping values are not allowed": (
        "quote a text that holds ': ', or indent a key as far as the keys beside it",
        "lisää tekstin ympärille lainausmerkit, jos siinä on ': ', tai sisennä avain "
        "samalle tasolle kuin viereiset avaimet",
    ),
    "could not find expected ':'": (
        "a key needs a colon after it, as in title: ...",
        "avaimen perään tulee kaksoispiste, esimerkiksi title: ...",
    ),
}


def _explained(error: yaml.MarkedYAMLError, lang: str) -> str:
    problem = error.problem or str(error)
    hint = next((h for words, h in _HINTS.items() if words in problem), None)
    return f"{problem} ({hint[lang == 'fi']})" if hint else problem


def _resolve(iri: str, base: str) -> str:
    return iri if ":" in iri.split("/", 1)[0] else base + iri

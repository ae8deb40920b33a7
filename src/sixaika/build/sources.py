"""Load: source files (YAML records, Turtle) into quads, remembering where each came from.

A YAML file holds one record or a list of records. A record is a JSON-LD node written
against ``ontology/context.jsonld``: its keys are the context's terms, ``id`` is relative
to ``{base}id/``. One convenience goes beyond JSON-LD, because sources list a project's
lead and partners together: ``participants`` groups, each ``{source, lead, partners}``,
become ``lead``/``partner`` links plus one ``prov:Attribution`` per organisation and role,
which keeps every source that names it (see ``expand_participants``).

Which dataset (named graph) a file feeds follows from its folder: ``ontology/`` the
ontology, ``data/concepts/`` the concept schemes, the rest of ``data/`` the projects.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from ..config import Settings
from ..context import Context
from ..errors import InputError, InputErrors, Origin
from ..namespaces import RDF_TYPE

DATASETS = ("projects", "concepts", "ontology")
_SOME_TYPES = "Project, FormalOrganization, Concept"
ROLES = {"lead": "concept/role/lead", "partners": "concept/role/partner"}
FROM_PARTICIPANTS = ("lead", "partner", "qualifiedAttribution")  # the keys they become
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_IRI_SCHEMES = ("http", "https", "mailto", "tel", "urn")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")  # 1.3.2019
_LEADING_ZERO = re.compile(r"^0[0-9_]+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_LOOKS_LIKE_A_HOST = re.compile(
    r"^(www\d*\.|([a-z0-9-]+\.)+(fi|eu|se|com|org|net|io|info)(/|$))", re.IGNORECASE
)


@dataclass
class Sources:
    """Everything loaded: quads (graph = dataset) and the origin of every record."""

    quads: list[ox.Quad] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    # Where each property of a record was written: (subject, predicate) -> its key's line.
    key_origins: dict[tuple[str, str], Origin] = field(default_factory=dict)

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
    ontology = sorted(settings.ontology_dir.glob("*.ttl"))
    data = sorted(
        p
        for p in settings.data_dir.rglob("*")
        if p.suffix.lower() in (".yaml", ".yml", ".ttl") and p.is_file()
    )
    return ontology + data


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
        graph = ox.NamedNode(settings.graph(dataset_of(path, settings)))
        try:
            if path.suffix.lower() == ".ttl":
                sources.quads.extend(_read_turtle(path, graph, settings, sources))
            else:
                sources.quads.extend(_read_yaml(path, graph, context, settings, sources))
        except InputError as e:  # the next file may be read still: tell of every one
            unusable.append(e)
        sources.files.append(path)
        if progress:
            progress(number, len(files))
    if unusable:
        raise unusable[0] if len(unusable) == 1 else InputErrors(unusable)
    return sources


def _read_text(path: Path) -> str:
    try:
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
    """Turtle; the ontology's relative IRIs resolve against the base, data's against id/."""
    base = settings.base if graph.value == settings.graph("ontology") else settings.id_base
    try:
        parsed = ox.parse(_read_text(path).encode(), format=ox.RdfFormat.TURTLE, base_iri=base)
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]
    except SyntaxError as e:
        message = str(e.args[0]) if e.args else str(e)
        line = e.lineno if isinstance(e.lineno, int) else None
        raise InputError(
            Origin(path, line), f"malformed Turtle: {message}", fi=f"virheellinen Turtle: {message}"
        ) from None
    for subject in {q.subject for q in quads if isinstance(q.subject, ox.NamedNode)}:
        sources.claim(subject.value, Origin(path))
    return quads


# YAML ------------------------------------------------------------------------------

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _BadValue(yaml.MarkedYAMLError):
    """Well-formed YAML that says something impossible (a key twice, a 13th month)."""

    def __init__(self, problem: str, fi: str, mark: yaml.Mark):
        super().__init__(problem=problem, problem_mark=mark)
        self.fi = fi


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
    text = _read_text(path)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except _BadValue as e:
        raise InputError(Origin(path, e.problem_mark.line + 1), e.problem, fi=e.fi) from None
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
    if not data:  # nothing, only comments, or []
        raise InputError(
            path,
            "no record in this file (to remove a record, delete its file)",
            fi="tiedostossa ei ole yhtään tietuetta (tietue poistetaan poistamalla sen tiedosto)",
        )
    records, nodes = (data, root.value) if isinstance(data, list) else ([data], [root])
    nodes_jsonld = []
    for number, (record, node) in enumerate(zip(records, nodes, strict=True)):
        origin = Origin(path, node.start_mark.line + 1)
        lines = _key_lines(node, path)
        nested = _NestedNodes(_tag(path, settings, number))
        if not isinstance(record, dict) or "id" not in record:
            raise InputError(
                origin,
                "a record must be a mapping with an 'id'",
                fi="tietueelta puuttuu tunniste (id: ...)",
            )
        nodes_jsonld.append(_record_to_jsonld(record, context, lines, nested))
        if "type" not in record:  # no shape would look at it, and no page list it
            raise InputError(
                origin,
                f"a record needs a 'type' ({_SOME_TYPES}, ...)",
                fi=f"tietueella on oltava tyyppi, 'type' ({_SOME_TYPES}, ...)",
            )
        subject = _resolve(str(record["id"]), settings.id_base)
        sources.claim(subject, origin)
        _place_keys(sources, context, subject, record, lines, ())
        for label, mapping, at in nested.found:  # a nested node's problems at its own lines
            sources.origins[label] = lines(*at)
            _place_keys(sources, context, label, mapping, lines, at)
    # A named graph object: the parser puts every quad straight into the dataset's graph.
    document = {"@context": context.terms, "@id": graph.value, "@graph": nodes_jsonld}
    try:
        return list(
            ox.parse(
                json.dumps(document, default=str).encode(),
                format=ox.RdfFormat.JSON_LD,
                base_iri=settings.id_base,
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


Where = Callable[..., Origin]  # where(key, index, key, ...): the line a value was written on


def _key_lines(node: yaml.Node, path: Path) -> Where:
    """Where each key and list item of a record was written, by its path in the record;
    a path not written as such (``lead``, made from ``participants``) by the nearest one.

    >>> record = yaml.compose("id: x\\nbudget:\\n  - value: 1\\n    sourse: y")
    >>> where = _key_lines(record, Path("f"))
    >>> str(where("budget", 0, "sourse")), str(where("budget", 0, "nope")), str(where("lead"))
    ('f:4', 'f:3', 'f:1')
    """
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, at: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            children = [(k.value, k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
        elif isinstance(node, yaml.SequenceNode):
            children = [(i, item, item) for i, item in enumerate(node.value)]
        else:
            return
        for step, start, child in children:
            lines[(*at, step)] = start.start_mark.line + 1
            walk(child, (*at, step))

    walk(node, ())
    if ("participants",) in lines:
        for made in FROM_PARTICIPANTS:
            lines.setdefault((made,), lines[("participants",)])
    record_line = node.start_mark.line + 1

    def where(*at: Any) -> Origin:
        for end in range(len(at), 0, -1):
            if at[:end] in lines:
                return Origin(path, lines[at[:end]])
        return Origin(path, record_line)

    return where


def _place_keys(
    sources: Sources, context: Context, subject: str, mapping: dict, where: Where, at: tuple
) -> None:
    """Remember the line of each key of ``mapping`` (at path ``at``) for its properties."""
    for key in mapping:
        for predicate in _predicates(key, context):
            sources.key_origins[(subject, predicate)] = where(*at, key)


def _predicates(key: Any, context: Context) -> list[str]:
    """The properties a record's key writes (``participants`` writes three)."""
    if key == "participants":
        return [context.expand(k) for k in FROM_PARTICIPANTS]
    if key == "type":
        return [RDF_TYPE]
    return [context.expand(key)] if isinstance(key, str) and key != "id" else []


def nearest(word: str, words: Iterable[str]) -> str | None:
    """The known word a slip of the keyboard may have meant, if one is near.

    >>> nearest("titel", ["title", "fund"]), nearest("xyz", ["title"])
    ('title', None)
    """
    close = difflib.get_close_matches(str(word), list(words), n=1, cutoff=0.75)
    return close[0] if close else None


def did_you_mean(near: str | None, lang: str = "en") -> str:
    """
    >>> did_you_mean("title"), did_you_mean("title", "fi"), did_you_mean(None)
    ("; did you mean 'title'?", "; tarkoititko 'title'?", '')
    """
    if near is None:
        return ""
    return f"; tarkoititko {near!r}?" if lang == "fi" else f"; did you mean {near!r}?"


def _resolve(iri: str, base: str) -> str:
    return iri if ":" in iri.split("/", 1)[0] else base + iri


@dataclass
class _NestedNodes:
    """Labels for a record's nested nodes (a period, a budget), which would otherwise be
    blank nodes the parser names at random: named, their problems can be placed."""

    tag: str  # unique to the file and the record
    found: list[tuple[str, dict, tuple]] = field(default_factory=list)  # label, mapping, path

    def label(self, mapping: dict, at: tuple) -> str:
        label = f"{self.tag}n{len(self.found)}"
        self.found.append((label, mapping, at))
        return label


def _tag(path: Path, settings: Settings, record: int) -> str:
    """The same for a file wherever the project lies, so a release's dumps are too."""
    try:
        name = path.resolve().relative_to(settings.root_path.resolve()).as_posix()
    except ValueError:  # a file from elsewhere
        name = path.resolve().as_posix()
    return f"s{hashlib.blake2b(name.encode(), digest_size=5).hexdigest()}r{record}"


def _record_to_jsonld(record: dict, context: Context, where: Where, nested: _NestedNodes) -> dict:
    """Check a record's keys and values against the context; return its JSON-LD node."""
    return _node(expand_participants(record, where), context, where, (), nested)


def _node(mapping: dict, context: Context, where: Where, at: tuple, nested: _NestedNodes) -> dict:
    """A node's keys must be terms; a problem is told at the line of the key (path ``at``)."""
    kinds = context.kinds
    node = {}
    if at and "id" not in mapping:
        node["id"] = "_:" + nested.label(mapping, at)
    for key, value in mapping.items():
        kind = kinds.get(key) if isinstance(key, str) else None
        if kind is None:
            near = nearest(key, [k for k, v in kinds.items() if v != "class"])
            raise InputError(
                where(*at, key),
                f"unknown property {key!r}: not a term of ontology/context.jsonld"
                + did_you_mean(near),
                fi=f"tuntematon kenttä {key!r} (ontology/context.jsonld ei tunne sitä)"
                + did_you_mean(near, "fi"),
            )
        node[key] = _value(key, kind, value, context, where, (*at, key), nested)
    return node


def _value(
    key: str, kind: str, value: Any, context: Context, where: Where, at: tuple, nested: _NestedNodes
) -> Any:
    if isinstance(value, list):
        return [_value(key, kind, v, context, where, (*at, i), nested) for i, v in enumerate(value)]
    if value is None:  # "endDate:" and nothing: JSON-LD would drop it without a word
        raise InputError(
            where(*at),
            f"{key} is empty: write its value, or leave the line out",
            fi=f"{key} on tyhjä: kirjoita arvo tai poista rivi",
        )
    if kind == "type":
        if not (
            isinstance(value, str)
            and (context.kinds.get(value) == "class" or _known_compact(value, context))
        ):
            near = nearest(value, [k for k, v in context.kinds.items() if v == "class"])
            raise InputError(
                where(*at),
                f"unknown type {value!r}: not a class of ontology/context.jsonld"
                + did_you_mean(near),
                fi=f"tuntematon tyyppi {value!r}: ei ole ontology/context.jsonld:n luokka"
                + did_you_mean(near, "fi"),
            )
        return value
    if kind == "language":
        return _language_map(key, value, where(*at))
    if isinstance(value, dict):
        return _node(value, context, where, at, nested)
    if kind == "reference":
        if not isinstance(value, str):
            raise InputError(
                where(*at),
                f"{key}: expected a link (an IRI), got {value!r}",
                fi=f"{key}: tähän kuuluu linkki (IRI), ei {value!r}",
            )
        _check_iri(value, context, where(*at), key)
        return value
    datatype = (context.definition(key) or {}).get("@type")
    if datatype in _LITERAL_CHECKS:
        problem = _LITERAL_CHECKS[datatype](value)
        if problem:
            raise InputError(where(*at), f"{key}: {problem[0]}", fi=f"{key}: {problem[1]}")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _not_a_date(value: Any) -> tuple[str, str] | None:
    """Why ``value`` is no xsd:date (en, fi), or None.

    >>> _not_a_date(dt.date(2019, 3, 1)), _not_a_date("2019-03-01")
    (None, None)
    >>> _not_a_date("1.3.2019")[0]
    "'1.3.2019' is not a date: write it as YYYY-MM-DD, here 2019-03-01"
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return None
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            dt.date.fromisoformat(value)
            return None
        except ValueError:
            pass
    shown = value.isoformat(" ") if isinstance(value, dt.datetime) else value
    meant = _date_meant(value)
    if meant:
        return (
            f"{shown!r} is not a date: write it as YYYY-MM-DD, here {meant}",
            f"{shown!r} ei ole päivämäärä: kirjoita se muodossa VVVV-KK-PP, tässä {meant}",
        )
    return (
        f"{shown!r} is not a date: write it as YYYY-MM-DD, e.g. 2019-03-01",
        f"{shown!r} ei ole päivämäärä: kirjoita se muodossa VVVV-KK-PP, esimerkiksi 2019-03-01",
    )


def _date_meant(value: Any) -> str | None:
    """The date a date with a time, or a Finnish date (1.3.2019), stands for."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    finnish = _FINNISH_DATE.match(str(value))
    if finnish:
        day, month, year = (int(part) for part in finnish.groups())
        with contextlib.suppress(ValueError):
            return dt.date(year, month, day).isoformat()
    return None


def _not_a_decimal(value: Any) -> tuple[str, str] | None:
    """Why ``value`` is no xsd:decimal (en, fi), or None.

    >>> _not_a_decimal(552200), _not_a_decimal(552200.5), _not_a_decimal("552200.50")
    (None, None, None)
    >>> _not_a_decimal("1 234,50")[0]
    "'1 234,50' is not a number: write digits only, with a point for decimals, e.g. 1234.50"
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None
    if isinstance(value, str) and _DECIMAL.match(value):
        return None
    return (
        f"{value!r} is not a number: write digits only, with a point for decimals, e.g. 1234.50",
        f"{value!r} ei ole luku: kirjoita pelkät numerot ja desimaalit pisteen jälkeen, "
        "esimerkiksi 1234.50",
    )


# What a source value of a typed term must be, checked as it is read: an ill-typed literal
# would otherwise reach the shapes, whose comparisons fail on it (pyshacl even raises).
_LITERAL_CHECKS = {"xsd:date": _not_a_date, "xsd:decimal": _not_a_decimal}


def _language_map(key: str, value: Any, at: Origin) -> dict:
    if not isinstance(value, dict):
        raise InputError(
            at,
            f"{key}: expected texts by language, e.g. {{fi: ..., en: ...}}",
            fi=f"{key}: tähän kuuluvat tekstit kielittäin, esimerkiksi {{fi: ..., en: ...}}",
        )
    for tag, text in value.items():
        if not isinstance(tag, str) or not _LANGUAGE_TAG.match(tag):
            lower = str(tag).lower() if _LANGUAGE_TAG.match(str(tag).lower()) else None
            raise InputError(
                at,
                f"{key}: {tag!r} is not a language tag "
                + (f"(write it in lower case: {lower})" if lower else "(fi, en, sv, ...)"),
                fi=f"{key}: {tag!r} ei ole kielikoodi "
                + (f"(kirjoita se pienin kirjaimin: {lower})" if lower else "(fi, en, sv, ...)"),
            )
        if not isinstance(text, str | list):
            raise InputError(
                at,
                f"{key}.{tag}: expected text, got {text!r}",
                fi=f"{key}.{tag}: tähän kuuluu teksti, ei {text!r}",
            )
    return value


def _known_compact(value: str, context: Context) -> bool:
    prefix, sep, _ = value.partition(":")
    return bool(sep) and prefix in context.prefixes


def _check_iri(value: str, context: Context, at: Origin, key: str) -> None:
    prefix, sep, _ = value.partition(":")
    if " " in value:
        raise InputError(
            at,
            f"{key}: {value!r} is not a link: write the id of a record (such as "
            "organisation/oulun-kaupunki) or a web address (https://...)",
            fi=f"{key}: {value!r} ei ole linkki: kirjoita tietueen tunniste (esimerkiksi "
            "organisation/oulun-kaupunki) tai verkko-osoite (https://...)",
        )
    if _LOOKS_LIKE_A_HOST.match(value):
        raise InputError(
            at,
            f"{key}: write a web address in full: https://{value}",
            fi=f"{key}: kirjoita verkko-osoite kokonaan: https://{value}",
        )
    if sep and "/" not in prefix and prefix not in context.prefixes and prefix not in _IRI_SCHEMES:
        raise InputError(
            at,
            f"unknown prefix {prefix!r} in {value!r}",
            fi=f"tuntematon etuliite {prefix!r} arvossa {value!r}",
        )


def expand_participants(record: dict, where: Where) -> dict:
    """``participants`` groups as ``lead``/``partner`` links and qualified attributions.

    >>> r = expand_participants({"id": "project/x", "participants": [
    ...     {"source": "https://a", "lead": "organisation/o", "partners": ["organisation/p"]},
    ...     {"source": "https://b", "partners": ["organisation/p"]}]}, None)
    >>> r["lead"], r["partner"]
    (['organisation/o'], ['organisation/p'])
    >>> [(a["agent"], a["source"]) for a in r["qualifiedAttribution"]]
    [('organisation/o', ['https://a']), ('organisation/p', ['https://a', 'https://b'])]
    """
    if "participants" not in record:
        return record
    groups = record["participants"]
    record = {k: v for k, v in record.items() if k != "participants"}
    attributions: dict[tuple[str, str], list[str]] = {}
    for group in groups if isinstance(groups, list) else [groups]:
        if (
            not isinstance(group, dict)
            or "source" not in group
            or set(group) - {"source", "lead", "partners"}
        ):
            raise InputError(
                where("participants"),
                "participants: each entry needs 'source' and may list "
                "'lead' and 'partners', nothing else",
                fi="participants: jokaisessa kohdassa on oltava 'source', ja siinä voi olla "
                "'lead' ja 'partners', ei muuta",
            )
        for role in ("lead", "partners"):
            agents = group.get(role, [])
            for agent in agents if isinstance(agents, list) else [agents]:
                attributions.setdefault((role, agent), []).append(group["source"])
    record["lead"] = _unique(a for (role, a) in attributions if role == "lead")
    record["partner"] = _unique(a for (role, a) in attributions if role == "partners")
    record["qualifiedAttribution"] = [
        {"type": "Attribution", "agent": agent, "hadRole": ROLES[role], "source": found_in}
        for (role, agent), found_in in attributions.items()
    ]
    return record


def _unique(items: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(items))

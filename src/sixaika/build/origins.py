"""Origins: where each record, key and nested node of a source file was written.

A problem found later (a link to nothing, a SHACL result) is told at the line a person
wrote: the line of the key that says it, else of the record or nested node that holds it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..config import Settings
from ..context import Context
from ..errors import Origin
from ..namespaces import RDF_TYPE
from .participants import FROM_PARTICIPANTS

# Where each property of a record was written: (subject, predicate) -> its key's line.
KeyOrigins = dict[tuple[str, str], Origin]
Where = Callable[..., Origin]  # where(key, index, key, ...): the line a value was written on


def key_lines(node: yaml.Node, path: Path) -> Where:
    """Where each key and list item of a record was written, by its path in the record;
    a path not written as such (``lead``, made from ``participants``) by the nearest one.

    >>> record = yaml.compose("id: x\\nbudget:\\n  - value: 1\\n    sourse: y")
    >>> where = key_lines(record, Path("f"))
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


def place_keys(
    key_origins: KeyOrigins,
    context: Context,
    subject: str,
    mapping: dict,
    where: Where,
    at: tuple,
) -> None:
    """Remember the line of each key of ``mapping`` (at path ``at``) for its properties."""
    for key in mapping:
        for predicate in _predicates(key, context):
            key_origins[(subject, predicate)] = where(*at, key)


def _predicates(key: Any, context: Context) -> list[str]:
    """The properties a record's key writes (``participants`` writes three)."""
    if key == "participants":
        return [context.expand(k) for k in FROM_PARTICIPANTS]
    if key == "type":
        return [RDF_TYPE]
    return [context.expand(key)] if isinstance(key, str) and key != "id" else []


@dataclass
class NestedNodes:
    """Labels for a record's nested nodes (a period, a budget), which would otherwise be
    blank nodes the parser names at random: named, their problems can be placed."""

    tag: str  # unique to the file and the record
    found: list[tuple[str, dict, tuple]] = field(default_factory=list)  # label, mapping, path

    def label(self, mapping: dict, at: tuple) -> str:
        label = f"{self.tag}n{len(self.found)}"
        self.found.append((label, mapping, at))
        return label


def file_tag(path: Path, settings: Settings, record: int) -> str:
    """The same for a file wherever the project lies, so a release's dumps are too."""
    return f"s{_file_digest(path, settings.root)}r{record}"


@lru_cache(maxsize=64)
def _file_digest(path: Path, root: Path) -> str:
    """Once per file, not per record: resolving the paths took 0.2 ms each time."""
    try:
        name = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:  # a file from elsewhere
        name = path.resolve().as_posix()
    return hashlib.blake2b(name.encode(), digest_size=5).hexdigest()

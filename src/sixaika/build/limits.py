"""Limits: what one source file may hold, checked as it is read, before anything is made
from it. A file beyond them is an ``InputError`` at its line, like any other slip:

- its size: at most ``SIXAIKA_SOURCE_MAX_MB``;
- YAML anchors and aliases (``&a``, ``*a``): none. Nine lines of aliases, each naming the
  one before nine times, stand for 387 million values; walking them took 3.7 GB and half a
  minute. The sources never needed them: a value is written out;
- nesting: at most ``MAX_DEPTH`` levels (600 ran Python's stack out);
- one value: at most ``MAX_LITERAL`` characters (16 MiB overflowed the JSON-LD parser's
  buffer, a MemoryError that named no file), no character XML 1.0 cannot carry (the
  RDF/XML dumps and the pages would break on it), and no private-use character (one has
  no agreed meaning, and the pages mark the holes for their release's stamp with one,
  ``web/stamp.py``: a text holding a hole's marks would be shown with the release's id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import yaml

from ..errors import InputError, Origin

MAX_DEPTH = 32  # a record's values nest a few levels deep
MAX_LITERAL = 100_000  # characters: a long description is a tenth of it
# What XML 1.0's Char production leaves out (a surrogate cannot be a character either).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")  # the Basic Multilingual Plane's area
_REFUSED = re.compile(f"{_NOT_IN_XML.pattern}|{_PRIVATE_USE.pattern}")


def check_size(path: Path, max_mb: int) -> None:
    """Refuse a file larger than ``max_mb`` megabytes, before reading it."""
    size = path.stat().st_size
    if size > max_mb * 1_000_000:
        raise InputError(
            path,
            f"the file is {size / 1e6:.1f} MB, more than a source file may be "
            f"(SIXAIKA_SOURCE_MAX_MB: {max_mb})",
            fi=f"tiedosto on {size / 1e6:.1f} Mt, suurempi kuin lähdetiedosto saa olla "
            f"(SIXAIKA_SOURCE_MAX_MB: {max_mb})",
        )


def check_yaml(root: yaml.Node, path: Path) -> None:
    """Refuse an alias, nesting deeper than ``MAX_DEPTH`` and a value beyond the limits.

    An alias is a node met twice: the composer links it, it copies nothing. So the walk
    (iterative: no stack to run out) sees each node once and stops at the second meeting,
    told at the line of the key (or list) that holds it.

    >>> check_yaml(yaml.compose("a: &x [1]\\nb: *x"), Path("f.yaml"))
    Traceback (most recent call last):
    ...
    sixaika.errors.InputError: f.yaml:2: YAML anchors and aliases (&name, *name) are not read...
    """
    seen: set[int] = set()
    waiting = [(root, 1, root.start_mark.line + 1)]  # node, depth, line of what holds it
    while waiting:
        node, depth, line = waiting.pop()
        if id(node) in seen:
            raise InputError(
                Origin(path, line),
                "YAML anchors and aliases (&name, *name) are not read: write the value out",
                fi="YAML-ankkureita ja -viittauksia (&nimi, *nimi) ei lueta: kirjoita arvo "
                "kokonaan",
            )
        seen.add(id(node))
        where = Origin(path, node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise InputError(
                where,
                f"values nested more than {MAX_DEPTH} levels deep",
                fi=f"arvoja on sisäkkäin yli {MAX_DEPTH} tasoa",
            )
        if isinstance(node, yaml.ScalarNode):
            check_value(node.value, where)
            continue
        if isinstance(node, yaml.MappingNode):
            held = [(n, k.start_mark.line + 1) for k, v in node.value for n in (k, v)]
        else:
            held = [(item, where.line) for item in node.value]
        # Reversed onto the stack: taken off in the order written, the first use of a
        # node is its anchor and the second its alias.
        waiting += [(child, depth + 1, line) for child, line in reversed(held)]


def check_literals(quads: Iterable[ox.Quad], path: Path, text: str) -> None:
    """Refuse a Turtle literal beyond the limits, at the line of ``text`` that writes it
    (the parser gives no positions: the line is looked for in the text).

    >>> text = '<x:a> <x:b> "x" .\\n<x:a> <x:c> "y\\\\u0007" .'
    >>> check_literals(ox.parse(text, format=ox.RdfFormat.TURTLE), Path("f.ttl"), text)
    Traceback (most recent call last):
    ...
    sixaika.errors.InputError: f.ttl:2: the value holds the character U+0007, which XML cannot...
    """
    for quad in quads:
        if isinstance(quad.object, ox.Literal):
            value = quad.object.value
            if len(value) > MAX_LITERAL or _REFUSED.search(value):
                check_value(value, Origin(path, _line_of(value, text)))


def _line_of(value: str, text: str) -> int | None:
    """The line of ``text`` where the literal ``value`` beyond the limits is written: that
    of its first refused character (written as it is or as an escape), else of its first
    words; None if it is written otherwise (escapes in its first words)."""
    found = _REFUSED.search(value)
    if found:
        code = ord(found.group())
        written = f"{re.escape(found.group())}|\\\\u{code:04x}|\\\\U{code:08x}"
    else:
        written = re.escape(value[:64])
    place = re.search(written, text, re.IGNORECASE)  # an escape's hex digits in either case
    return text.count("\n", 0, place.start()) + 1 if place else None


def check_value(text: str, where: Origin) -> None:
    """
    >>> check_value("a\\x01b", Origin(Path("f.yaml"), 3))
    Traceback (most recent call last):
    ...
    sixaika.errors.InputError: f.yaml:3: the value holds the character U+0001, which XML cannot...
    """
    if len(text) > MAX_LITERAL:
        raise InputError(
            where,
            f"a value of {len(text)} characters, more than the {MAX_LITERAL} one may have",
            fi=f"arvossa on {len(text)} merkkiä, enemmän kuin sallitut {MAX_LITERAL}",
        )
    found = _NOT_IN_XML.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise InputError(
            where,
            f"the value holds the character {code}, which XML cannot carry (the RDF/XML and "
            "the pages would break on it): remove it",
            fi=f"arvossa on merkki {code}, jota XML ei salli (RDF/XML ja sivut rikkoutuisivat "
            "siitä): poista se",
        )
    found = _PRIVATE_USE.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise InputError(
            where,
            f"the value holds the character {code}, from Unicode's private use area: it has "
            "no agreed meaning, and the pages use such characters for their own marks: "
            "remove it",
            fi=f"arvossa on merkki {code} Unicoden yksityiskäyttöalueelta: sillä ei ole "
            "sovittua merkitystä, ja sivut käyttävät tällaisia merkkejä omina merkkeinään: "
            "poista se",
        )

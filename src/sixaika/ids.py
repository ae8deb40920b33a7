"""Ids: what a record is called under ``{base}id/``, the one place that says what may be.

An id is ``{type}/{local}``: the type one of ``TYPES`` (a concept's is
``concept/{scheme}``), the local part lower-case ASCII letters, digits and single '-'
between them (DESIGN.md: a EURA code in lower case, else a stable slug). Anything else
could leave ``{base}id/`` once resolved (``../sparql``), name another site's resource, or
make a page address or a file name that means something else; it is refused as read.

>>> id_problem("project/a70202"), id_problem("concept/fund/erdf")
(None, None)
>>> id_problem("project/A70202")[0]
"'project/A70202' is not an id: write it in lower case, project/a70202"
>>> id_problem("../sparql")[0]
"'../sparql' is not an id: write the type of the record, a '/', and its name in lower case \
letters a-z, digits and '-' (such as project/a70202 or organisation/oulun-kaupunki)"
"""

from __future__ import annotations

import difflib
import re
import unicodedata

TYPES = ("project", "organisation", "person", "strategy", "grant", "scheme")
SCHEMED = "concept"  # concept/{scheme}/{local}: a concept's type names its scheme
MAX_LOCAL = 100  # characters of the local part: a slug, not a sentence
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def is_id(value: str) -> bool:
    """
    >>> is_id("scheme/fund"), is_id("concept/fund/erdf"), is_id("concept/erdf")
    (True, True, False)
    """
    kind, _, rest = value.partition("/")
    if kind == SCHEMED:
        scheme, _, rest = rest.partition("/")
        if not _is_slug(scheme):
            return False
    elif kind not in TYPES:
        return False
    return _is_slug(rest) and len(rest) <= MAX_LOCAL


def _is_slug(text: str) -> bool:
    return _SLUG.fullmatch(text) is not None


def id_problem(value: object) -> tuple[str, str] | None:
    """Why ``value`` cannot be an id (en, fi), or None if it can."""
    if isinstance(value, str) and is_id(value):
        return None
    shown = str(value)
    for reason in (_absolute, _slip, _unknown_type, _no_scheme, _too_long):
        found = reason(shown)
        if found:
            return f"{shown!r} is not an id: {found[0]}", f"{shown!r} ei ole tunniste: {found[1]}"
    return (
        f"{shown!r} is not an id: write the type of the record, a '/', and its name in lower "
        "case letters a-z, digits and '-' (such as project/a70202 or organisation/oulun-kaupunki)",
        f"{shown!r} ei ole tunniste: kirjoita tietueen tyyppi, '/' ja nimi pienin kirjaimin "
        "a-z, numeroin ja merkein '-' (esimerkiksi project/a70202 tai "
        "organisation/oulun-kaupunki)",
    )


def _absolute(value: str) -> tuple[str, str] | None:
    if ":" not in value.partition("/")[0]:
        return None
    return (
        "an id is written without a web address or prefix, as type/name (such as "
        "project/a70202); the site's address is added when it is published",
        "tunniste kirjoitetaan ilman verkko-osoitetta tai etuliitettä, muodossa tyyppi/nimi "
        "(esimerkiksi project/a70202); sivuston osoite lisätään julkaistaessa",
    )


def _slip(value: str) -> tuple[str, str] | None:
    """Capitals, letters beyond a-z, spaces: the id the writer surely meant."""
    meant = _as_slug(value)
    if meant == value or not is_id(meant):
        return None
    if meant == value.lower():
        return f"write it in lower case, {meant}", f"kirjoita se pienin kirjaimin, {meant}"
    return f"write it as {meant}", f"kirjoita se muodossa {meant}"


def _unknown_type(value: str) -> tuple[str, str] | None:
    kind = value.partition("/")[0]
    if "/" not in value or kind in (*TYPES, SCHEMED) or not _is_slug(kind.lower()):
        return None
    known = ", ".join((*TYPES, f"{SCHEMED}/{{scheme}}"))
    near = difflib.get_close_matches(kind.lower(), (*TYPES, SCHEMED), n=1, cutoff=0.6)
    return (
        f"{kind!r} is no type of record ({known})" + (f"; did you mean {near[0]!r}?" * bool(near)),
        f"{kind!r} ei ole tietueen tyyppi ({known})" + (f"; tarkoititko {near[0]!r}?" * bool(near)),
    )


def _no_scheme(value: str) -> tuple[str, str] | None:
    if not value.startswith(f"{SCHEMED}/") or value.count("/") != 1:
        return None
    return (
        f"a concept's id names its scheme, as {SCHEMED}/fund/erdf",
        f"käsitteen tunnisteessa on sen käsitejärjestelmä, kuten {SCHEMED}/fund/erdf",
    )


def _too_long(value: str) -> tuple[str, str] | None:
    name = value.rpartition("/")[2]
    if len(name) <= MAX_LOCAL:
        return None
    return (
        f"its name is {len(name)} characters, at most {MAX_LOCAL}",
        f"sen nimessä on {len(name)} merkkiä, enintään {MAX_LOCAL}",
    )


def _as_slug(value: str) -> str:
    """``value`` in the letters an id may hold: ä as a, spaces and _ as '-'.

    >>> _as_slug("Organisation/Oulun_Kaupunki"), _as_slug("project/Hyvä hanke")
    ('organisation/oulun-kaupunki', 'project/hyva-hanke')
    """
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    parts = [re.sub(r"[^a-z0-9]+", "-", part).strip("-") for part in plain.split("/")]
    return "/".join(parts)

"""Values: a YAML record's keys and values checked against the JSON-LD context, as read.

Each key must be a term of ``ontology/context.jsonld``, each value of the kind its term
takes (a link, texts by language, a date, a number); a problem is an ``InputError`` at
the line the value was written on, with a guess at what a slip of the keyboard meant.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..context import Context
from ..dates import PERIOD_DATE_PROPERTIES, PeriodDate
from ..errors import InputError, Origin
from ..ids import id_problem
from .origins import NestedNodes, Where
from .participants import expand_participants

_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_IRI_SCHEMES = ("http", "https", "mailto", "tel", "urn")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")  # 1.3.2019
_FINNISH_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")  # 9.2017, 9/2017
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_LOOKS_LIKE_A_HOST = re.compile(
    r"^(www\d*\.|([a-z0-9-]+\.)+(fi|eu|se|com|org|net|io|info)(/|$))", re.IGNORECASE
)


def record_to_jsonld(record: dict, context: Context, where: Where, nested: NestedNodes) -> dict:
    """Check a record's keys and values against the context; return its JSON-LD node."""
    return _node(expand_participants(record, where), context, where, (), nested)


def _node(mapping: dict, context: Context, where: Where, at: tuple, nested: NestedNodes) -> dict:
    """A node's keys must be terms; a problem is told at the line of the key (path ``at``)."""
    kinds = context.kinds
    node = {}
    if "id" in mapping:
        _check_id(mapping["id"], where(*at, "id"))
    elif at:
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
    key: str, kind: str, value: Any, context: Context, where: Where, at: tuple, nested: NestedNodes
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
    in_a_period = context.expand(key) in PERIOD_DATE_PROPERTIES
    datatype = (context.definition(key) or {}).get("@type")
    check = _not_a_period_date if in_a_period else _LITERAL_CHECKS.get(datatype or "")
    problem = check(value) if check else None
    if problem:
        raise InputError(where(*at), f"{key}: {problem[0]}", fi=f"{key}: {problem[1]}")
    if in_a_period:
        return _period_date(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if datatype == "xsd:decimal" and isinstance(value, float):
        return _decimal_text(value)
    return value


def _decimal_text(number: float) -> str:
    """A number with decimals as xsd:decimal writes it: given the float itself, JSON-LD
    writes the lexical form of a double (60.17083 as 6.017083E1), which no decimal has.

    >>> _decimal_text(60.17083), _decimal_text(552200.5), _decimal_text(1e-05)
    ('60.17083', '552200.5', '0.00001')
    """
    return format(Decimal(repr(number)), "f")


def _not_a_date(value: Any) -> tuple[str, str] | None:
    """Why ``value`` is no xsd:date (en, fi), or None.

    >>> _not_a_date(dt.date(2019, 3, 1)), _not_a_date("2019-03-01")
    (None, None)
    >>> _not_a_date("1.3.2019")[0]
    "'1.3.2019' is not a date: write it as YYYY-MM-DD, here 2019-03-01"
    """
    if _is_a_day(value):
        return None
    found = PeriodDate.parse(value) if isinstance(value, str) else None
    if found is not None and found.precision == "day":
        return None
    return _date_problem(value, _date_meant(value), _DAY)


def _not_a_period_date(value: Any) -> tuple[str, str] | None:
    """Why ``value`` is no date of a period (en, fi), or None: a day, a month or a year.

    >>> _not_a_period_date(2018), _not_a_period_date("2017-09"), _not_a_period_date("2018")
    (None, None, None)
    >>> _not_a_period_date("2017-13")[0]
    "'2017-13' is not a date: write it as YYYY-MM-DD, or YYYY-MM or YYYY when the source \
gives only the month or the year, e.g. 2019-03-01, 2019-03 or 2019"
    >>> _not_a_period_date("9/2017")[0]
    "'9/2017' is not a date: write it as YYYY-MM, here 2017-09"
    """
    if _is_a_day(value):
        return None
    if isinstance(value, int | str) and not isinstance(value, bool):
        if PeriodDate.parse(str(value)) is not None:
            return None
    return _date_problem(value, _date_meant(value) or _month_meant(value), _DAY_MONTH_OR_YEAR)


def _is_a_day(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


# How to write a date (en, fi), and an example of it.
_DAY = ("YYYY-MM-DD", "VVVV-KK-PP", "2019-03-01")
_DAY_MONTH_OR_YEAR = (
    "YYYY-MM-DD, or YYYY-MM or YYYY when the source gives only the month or the year",
    "VVVV-KK-PP, tai VVVV-KK tai VVVV, jos lähde kertoo vain kuukauden tai vuoden",
    "2019-03-01, 2019-03 or 2019",
)


def _date_problem(value: Any, meant: str | None, forms: tuple[str, str, str]) -> tuple[str, str]:
    """The words for a date that is none: the form to write it in, and the date it stands
    for where one can tell (in the form of that date's own precision)."""
    shown = value.isoformat(" ") if isinstance(value, dt.datetime) else value
    if meant:
        en_form, fi_form = (
            ("YYYY-MM-DD", "VVVV-KK-PP") if len(meant) == 10 else ("YYYY-MM", "VVVV-KK")
        )
        return (
            f"{shown!r} is not a date: write it as {en_form}, here {meant}",
            f"{shown!r} ei ole päivämäärä: kirjoita se muodossa {fi_form}, tässä {meant}",
        )
    en_form, fi_form, example = forms
    fi_example = example.replace(" or ", " tai ")
    return (
        f"{shown!r} is not a date: write it as {en_form}, e.g. {example}",
        f"{shown!r} ei ole päivämäärä: kirjoita se muodossa {fi_form}, esimerkiksi {fi_example}",
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


def _month_meant(value: Any) -> str | None:
    """The month a month written 9.2017 or 9/2017 stands for."""
    found = _FINNISH_MONTH.match(str(value))
    if found and 1 <= int(found.group(1)) <= 12:
        return f"{found.group(2)}-{int(found.group(1)):02d}"
    return None


def _period_date(value: str | int | dt.date) -> str | dict:
    """A period's date (checked) as JSON-LD: a day as it is (the context makes it an
    xsd:date), a month or a year with a datatype of its own.

    >>> _period_date(dt.date(2017, 9, 1)), _period_date(2018)["@type"][-5:]
    ('2017-09-01', 'gYear')
    """
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    date = PeriodDate.parse(text)
    if date is None or date.precision == "day":
        return text
    return {"@value": text, "@type": date.datatype}


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


def _check_id(value: Any, at: Origin) -> None:
    problem = id_problem(value)
    if problem:
        raise InputError(at, problem[0], fi=problem[1])


def _check_iri(value: str, context: Context, at: Origin, key: str) -> None:
    prefix, sep, _ = value.partition(":")
    if " " in value or _leaves_id(value):
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


def _leaves_id(link: str) -> bool:
    """A relative link that would resolve outside ``{base}id/``, to a page of the site.

    >>> _leaves_id("../sparql"), _leaves_id("/doc/x"), _leaves_id("organisation/x")
    (True, True, False)
    """
    if ":" in link.partition("/")[0]:  # absolute, or a prefixed name
        return False
    path = re.split("[?#]", link, maxsplit=1)[0]
    return link.startswith("/") or any(step in (".", "..") for step in path.split("/"))


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

"""Settings: each declared once (name, default, help, parser), parsed once into typed values.

A setting is a field of ``Settings``; its environment variable is ``SIXAIKA_`` and its name
in capitals, its command-line flag ``--`` and its name. The text of the environment or the
flag is parsed when the settings are made, so a bad value is one clear line at start-up,
never a traceback later. The README's settings table is checked against ``SETTINGS`` by a
test, so the two cannot drift apart.

>>> settings = Settings.from_env({"SIXAIKA_BASE": "https://data.example.org/"})
>>> settings.base, settings.port, settings.query_services
('https://data.example.org/', 8000, ())
>>> settings.urls.id("project/a70202")
'https://data.example.org/id/project/a70202'
>>> Settings.from_env({"SIXAIKA_PORT": "80a"})
Traceback (most recent call last):
...
sixaika.config.SettingError: SIXAIKA_PORT (--port) must be a positive integer, not '80a'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any

from .namespaces import PREFIXES
from .urls import Urls

# The languages of the site's pages (its own words: ``web.i18n``); a reader who asks for
# none of them gets the default.
LANGUAGES = ("fi", "en", "sv")
DEFAULT_LANGUAGE = "en"

# The ontology, the context and the shapes are written against this base; the build
# rebases them when another base is configured (see ``Settings.rebase``).
DEFAULT_BASE = "http://localhost:8000/"


class SettingError(ValueError):
    """A setting whose text cannot be used: one line naming it, its value and what it takes."""


# Parsers: the text of a setting to its value; a ValueError says what the setting takes.


def _text(text: str) -> str:
    return text


def _base_iri(text: str) -> str:
    if not text.endswith("/") or "://" not in text:
        raise ValueError("an absolute IRI ending in '/'")
    return text


def _at_least(minimum: int) -> Callable[[str], int]:
    what = "a positive integer" if minimum == 1 else f"an integer of {minimum} or more"

    def parse(text: str) -> int:
        if not text.isdigit() or int(text) < minimum:
            raise ValueError(what)
        return int(text)

    return parse


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also NaN
        raise ValueError("a number of seconds, 0 or more")
    return seconds


def _processes(text: str) -> int:
    """A number of processes; ``auto``: one per core this process may use."""
    if text != "auto":
        return _at_least(1)(text)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _languages(text: str) -> tuple[str, ...]:
    """Space-separated languages of the site's pages, or none.

    >>> _languages("en fi"), _languages("")
    (('en', 'fi'), ())
    """
    codes = tuple(dict.fromkeys(text.split()))
    if not set(codes) <= set(LANGUAGES):
        raise ValueError("languages of the pages (" + ", ".join(LANGUAGES) + "), or nothing")
    return codes


def _urls(text: str) -> tuple[str, ...]:
    urls = tuple(text.split())
    if not all(url.startswith(("http://", "https://")) for url in urls):
        raise ValueError("http(s) URLs")
    return urls


def _url_or_none(text: str) -> str:
    """One http(s) URL, or empty for none."""
    if len(_urls(text)) > 1:
        raise ValueError("one http(s) URL")
    return text.strip()


def _email_or_none(text: str) -> str:
    """An e-mail address, or empty for none.

    >>> _email_or_none("data@example.org"), _email_or_none("")
    ('data@example.org', '')
    """
    text = text.strip().removeprefix("mailto:")
    if text and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", text):
        raise ValueError("an e-mail address such as data@example.org, or nothing")
    return text


# The kinds of publisher DCAT-AP names a publisher's dct:type from (the ADMS vocabulary).
PUBLISHER_TYPES = (
    "Academia-ScientificOrganisation Company IndustryConsortium LocalAuthority "
    "NationalAuthority NonGovernmentalOrganisation NonProfitOrganisation PrivateIndividual(s) "
    "RegionalAuthority StandardisationBody SupraNationalAuthority"
).split()


def _publisher_type(text: str) -> str:
    if text and text not in PUBLISHER_TYPES:
        raise ValueError("one of " + ", ".join(PUBLISHER_TYPES) + ", or nothing")
    return text


def setting(
    default: str, help: str, parse: Callable[[str], Any] = _text, shown: bool = True
) -> Any:
    """A field of ``Settings``: its default as the environment would write it, its help
    (the README's table and ``--help``), the parser that makes its value, and whether a
    page can show it or change with it (``shown``: a page rendered ahead is kept only
    where those are the same, ``web.prerender.rendered_with``)."""
    metadata = {"text": default, "help": help, "parse": parse, "shown": shown}
    return field(default=parse(default), metadata=metadata)


@dataclass(frozen=True)
class Settings:
    base: str = setting(
        DEFAULT_BASE, "Base IRI of everything published; must end with '/'.", _base_iri
    )
    root: Path = setting(
        ".", "Project folder holding data/, ontology/ and shapes/.", Path, shown=False
    )
    releases: Path = setting(
        "var/releases",
        "Folder where built releases are kept (relative to the root).",
        Path,
        shown=False,
    )
    keep_releases: int = setting(
        "3",
        "How many releases to keep on disk, the current one included.",
        _at_least(1),
        shown=False,
    )
    build_workers: int = setting(
        "auto",
        "Processes that load and validate, and that render the HTML pages, in parallel, and "
        "threads that count the facts pages show (`auto`: one per core).",
        _processes,
        shown=False,
    )
    source_max_mb: int = setting(
        "10",
        "Largest source file (YAML or Turtle) that is read, in megabytes; a larger one is an "
        "error that names it.",
        _at_least(1),
        shown=False,
    )
    page_languages: tuple[str, ...] = setting(
        DEFAULT_LANGUAGE,
        "Languages in which the build renders every resource's HTML page into the release, "
        "which `serve` then answers as it answers its Turtle, without rendering it (a page and "
        "language: about 2.4 ms of a core at build time and 5.5 KB on disk, at 100k synthetic "
        "projects); other languages are "
        "rendered on request; empty: none.",
        _languages,
    )
    prerender_limit: int = setting(
        "200000",
        "Most resources whose HTML pages the build renders ahead (`SIXAIKA_PAGE_LANGUAGES`); "
        "a larger release's pages are all rendered on request. Ahead, 1,000,539 pages took 26.5 "
        "of a 1M-project build's 72.8 minutes on two cores.",
        _at_least(0),
        shown=False,
    )
    host: str = setting("127.0.0.1", "Address `serve` listens on.", shown=False)
    port: int = setting("8000", "Port `serve` listens on.", _at_least(1), shown=False)
    workers: int = setting("2", "Web worker processes of `serve`.", _at_least(1), shown=False)
    read_timeout: int = setting(
        "15",
        "Seconds a client has to send a request's headers, and again its body; a slower one "
        "gets 408 and its connection is closed.",
        _at_least(1),
        shown=False,
    )
    cache_entries: int = setting(
        "4096",
        "Responses each web worker keeps in memory (the release is immutable).",
        _at_least(0),
        shown=False,
    )
    max_age: int = setting(
        "300",
        "Seconds public caches may reuse a response before revalidating it.",
        _at_least(0),
    )
    access_log: str = setting(
        "",
        "Where `serve` logs each request ('-' for stdout, or a file); empty: no log.",
        shown=False,
    )
    store: str = setting(
        "",
        "SPARQL 1.1 query endpoint of a remote store to read from; empty: the release's own store.",
        _url_or_none,
    )
    store_data: str = setting(
        "",
        "Graph Store Protocol endpoint where `build --store` loads the release, with a user and "
        "password if it asks for them (`http://user:pass@host/...`); empty: derived from "
        "SIXAIKA_STORE (`.../query` to `.../store`, `.../sparql` to `.../data`).",
        _url_or_none,
    )
    query_timeout: int = setting(
        "30",
        "Seconds a SPARQL query may run; a request may ask for less with `timeout=`.",
        _at_least(1),
    )
    query_max_length: int = setting(
        "100000", "Longest SPARQL query accepted, in characters.", _at_least(1)
    )
    query_max_result_mb: int = setting(
        "50", "Largest SPARQL result served, in megabytes as serialized.", _at_least(1)
    )
    query_memory_mb: int = setting(
        "2048",
        "Memory (address space) a query may take in its worker process, in megabytes, beyond "
        "what the worker holds once started.",
        _at_least(1),
        shown=False,
    )
    query_in_memory_quads: int = setting(
        "1000000",
        "A release of at most this many quads is copied into each query worker's memory, where "
        "queries run 2-7 times faster (about 0.4 KB per quad and worker); a larger one is read "
        "from disk. 0: always from disk.",
        _at_least(0),
        shown=False,
    )
    query_workers: int = setting(
        "2",
        "Query worker processes per web worker (each runs one query at a time).",
        _at_least(1),
        shown=False,
    )
    query_queue: int = setting(
        "8",
        "SPARQL queries that may wait for a query worker, per web worker; when they are all "
        "taken, the next query gets 503 with Retry-After at once.",
        _at_least(0),
        shown=False,
    )
    query_per_client: int = setting(
        "3",
        "SPARQL queries one client may have running or waiting, per web worker; the next gets "
        "429 with Retry-After. Lookups (DESCRIBE of named resources) are not counted.",
        _at_least(1),
        shown=False,
    )
    client_header: str = setting(
        "",
        "Request header naming the client (e.g. X-Forwarded-For: its last address), set by a "
        "trusted proxy in front of `serve`; empty: the connection's own address.",
        shown=False,
    )
    slow_query_seconds: float = setting(
        "10",
        "A SPARQL query that takes longer is logged on stderr, with its text; 0: none is.",
        _seconds,
        shown=False,
    )
    query_services: tuple[str, ...] = setting(
        "",
        "Space-separated endpoint IRIs that queries may call with SERVICE; empty: SERVICE refused.",
        _urls,
    )

    publisher_name: str = setting(
        "6Aika data publishers",
        "Name of the organisation that publishes the catalog (its dct:publisher).",
    )
    publisher_url: str = setting(
        "", "Web address of the publisher (its foaf:homepage); empty: none.", _url_or_none
    )
    publisher_email: str = setting(
        "", "E-mail address of the publisher (its foaf:mbox); empty: none.", _email_or_none
    )
    publisher_type: str = setting(
        "",
        "Kind of publisher, a term of the ADMS publisher types DCAT-AP uses (e.g. "
        "`LocalAuthority`, `RegionalAuthority`, `NationalAuthority`, `Company`); empty: none.",
        _publisher_type,
    )
    contact_name: str = setting(
        "6Aika linked open data",
        "Name of the contact point of the datasets and the SPARQL service (dcat:contactPoint).",
    )
    contact_url: str = setting(
        "",
        "Web address of the contact point, e.g. a feedback form; empty: the site's home page.",
        _url_or_none,
    )
    contact_email: str = setting(
        "", "E-mail address of the contact point (vcard:hasEmail); empty: none.", _email_or_none
    )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: str | None
    ) -> Settings:
        """Settings from the environment, then explicit overrides (e.g. from CLI flags),
        each parsed; raise ``SettingError`` for the first that cannot be used."""
        environ = os.environ if environ is None else environ
        values = {}
        for each in SETTINGS:
            given = overrides.get(each.name)
            text = given if given is not None else environ.get(each.env, each.default)
            values[each.name] = each.parse(text)
        return cls(**values)

    def shown(self) -> dict[str, Any]:
        """The settings a page can show or change with, by name (not where the project
        is, how many processes build or serve it, nor how a server treats its clients).

        >>> Settings().shown() == Settings(build_workers=1, port=80).shown()
        True
        """
        return {each.name: getattr(self, each.name) for each in SETTINGS if each.shown}

    # Derived places -----------------------------------------------------------------
    @cached_property
    def urls(self) -> Urls:
        """Every IRI of ours, made from the base (``urls.id("project/a70202")``)."""
        return Urls(self.base)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def releases_dir(self) -> Path:
        return self.root / self.releases

    @property
    def prefixes(self) -> dict[str, str]:
        """Prefixes for Turtle and tables: ours (``sixaika``) and the reused vocabularies'."""
        return {"sixaika": self.urls.vocab, **PREFIXES}

    def rebase(self, text: str) -> str:
        """Text written against ``DEFAULT_BASE`` (context, shapes), moved to our base."""
        return text if self.base == DEFAULT_BASE else text.replace(DEFAULT_BASE, self.base)


@dataclass(frozen=True)
class Setting:
    """One setting as people meet it: variable, flag name, default as written, help."""

    name: str
    default: str
    help: str
    parser: Callable[[str], Any]
    shown: bool  # a page can show it, or change with it

    @property
    def env(self) -> str:
        return "SIXAIKA_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, text: str) -> Any:
        try:
            return self.parser(text)
        except ValueError as e:
            raise SettingError(f"{self.env} ({self.flag}) must be {e}, not {text!r}") from None


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(
        f.name, f.metadata["text"], f.metadata["help"], f.metadata["parse"], f.metadata["shown"]
    )
    for f in fields(Settings)
)

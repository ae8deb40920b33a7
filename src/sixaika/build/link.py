"""Link: the checks that need all sources at once, before SHACL sees them.

- every resource of ours (``{base}id/...``) that is linked to is defined by some record,
  and by one record only;
- every term of the 6Aika namespace used as a class or property is defined by the ontology;
- every other class or property comes from a vocabulary listed in DESIGN.md;
- a project's lead and partners are the organisations its sourced roles name.

They run on compact facts, gathered file by file (``file_links``) as each is loaded: what
its records define, and only the links that neither it nor the shared records resolve;
so the check across all files (``check_links``) never holds the data itself. Failures
are ``InputError`` naming the record that uses the undefined IRI.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError, InputErrors, Origin
from ..namespaces import PREFIXES, RDF_TYPE, Subject, Term, value_of
from .participants import ROLES
from .sources import Sources
from .values import did_you_mean

_NAMES = {  # what a link may say instead of an id
    PREFIXES["skos"] + name for name in ("prefLabel", "altLabel", "notation")
}

# The vocabularies DESIGN.md lists for reuse (plus RDF, RDFS, OWL, XSD, SHACL, VoID and
# SPARQL Service Description, which the catalog and the ontology itself are written in).
REUSED_VOCABULARIES = {
    "http://purl.org/dc/terms/": "DCTERMS",
    "http://www.w3.org/ns/dcat#": "DCAT",
    "http://data.europa.eu/r5r/": "DCAT-AP",
    "http://www.w3.org/ns/adms#": "ADMS",
    "http://www.w3.org/ns/org#": "ORG",
    "http://xmlns.com/foaf/0.1/": "FOAF",
    "http://www.w3.org/2006/vcard/ns#": "vCard",
    "http://www.w3.org/2004/02/skos/core#": "SKOS",
    "http://www.w3.org/ns/prov#": "PROV",
    "https://schema.org/": "schema.org",
    "http://data.europa.eu/s66#": "EURIO",
    "http://spdx.org/rdf/terms#": "SPDX",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "RDF",
    "http://www.w3.org/2000/01/rdf-schema#": "RDFS",
    "http://www.w3.org/2002/07/owl#": "OWL",
    "http://www.w3.org/2001/XMLSchema#": "XSD",
    "http://www.w3.org/ns/shacl#": "SHACL",
    "http://rdfs.org/ns/void#": "VoID",
    "http://www.w3.org/ns/sparql-service-description#": "SPARQL-SD",
    "http://purl.org/vocab/vann/": "VANN",
}


@dataclass
class Links:
    """What one file's records define and link to, for the checks across files."""

    defined: list[tuple[str, Origin | None]]  # named subjects, where each record is
    dangling: list[tuple[str, Origin | str]]  # our IRIs linked to, undefined here or shared
    shared: list[str]  # the shared records it links to (what its validation depends on)
    names: list[tuple[str, str]]  # what its records are called (casefolded), and their ids
    errors: list[InputError] = field(default_factory=list)  # terms from nowhere


def file_links(sources: Sources, settings: Settings, shared: Collection[str]) -> Links:
    """The facts of one file's ``sources``; ``shared`` the IRIs the shared records (and
    the ontology) define."""
    id_base, ontology = settings.urls.id(), settings.urls.graph("ontology")
    owners = owners_of(sources.quads)
    defined = {q.subject.value for q in sources.quads if isinstance(q.subject, ox.NamedNode)}
    dangling: list[tuple[str, Origin | str]] = []
    linked: set[str] = set()
    found: dict[str, InputError] = {}
    for q in sources.quads:
        terms = [q.predicate.value]
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            terms.append(q.object.value)
        for term in terms:
            problem = _term_problem(term, settings, shared)
            if problem and value_of(q.graph_name) != ontology:
                error = InputError(where_defined(q.subject, owners, sources, q.predicate), problem)
                found.setdefault(str(error), error)
        target = q.object
        if isinstance(target, ox.NamedNode) and target.value.startswith(id_base):
            if target.value in shared:
                linked.add(target.value)
            elif target.value not in defined:
                where = where_defined(q.subject, owners, sources, q.predicate)
                dangling.append((target.value, where))
    return Links(
        defined=[(iri, sources.origins.get(iri)) for iri in sorted(defined)],
        dangling=dangling,
        shared=sorted(linked),
        names=_names(sources.quads, id_base),
        errors=list(found.values()),
    )


def duplicates(facts: Iterable[Links]) -> Iterator[InputError]:
    """A record defined where another already is (in the order of the files)."""
    defined: dict[str, Origin] = {}
    for links in facts:
        for iri, origin in links.defined:
            if origin is None:  # not a record: a node a record holds
                continue
            earlier = defined.setdefault(iri, origin)
            if earlier != origin:
                yield InputError(
                    origin,
                    f"{iri} is already defined at {earlier}",
                    fi=f"{iri} on jo määritelty kohdassa {earlier}",
                )
                break  # reading that file stopped there


def check_links(facts: list[Links], settings: Settings) -> None:
    """Raise ``InputError`` for the dangling links and undefined terms, all of them."""
    id_base = settings.urls.id()
    found = {str(e): e for links in facts for e in links.errors}  # each told once
    defined = {iri for links in facts for iri, _ in links.defined}
    guesses: _Guesses | None = None  # made at the first dangling link, if any
    for links in facts:
        for target, where in links.dangling:
            if target in defined:
                continue
            guesses = guesses or _Guesses(facts, id_base, defined)
            local = target[len(id_base) :]
            near = guesses.meant(local)
            error = InputError(
                where,
                f"links to {local}, which no record defines" + did_you_mean(near),
                fi=f"viittaa tietueeseen {local}, jota ei ole" + did_you_mean(near, "fi"),
            )
            found.setdefault(str(error), error)
    if found:
        errors = sorted(found.values(), key=lambda e: str(e))
        raise errors[0] if len(errors) == 1 else InputErrors(errors)


def check_roles(sources: Sources, settings: Settings) -> None:
    """Raise ``InputError`` where a project's lead or partners (``sixaika:lead``,
    ``sixaika:partner``) and its sourced roles (``prov:qualifiedAttribution`` with
    ``dcat:hadRole``) name different organisations, for each such project.

    YAML records make both from ``participants``; a Turtle source states both. Not a
    shape: core SHACL cannot compare what two paths reach, and rdflib's SPARQL took 68 s
    over 500 projects for it (a NOT EXISTS per link), where sets here take milliseconds.
    """
    urls, prov, dcat = settings.urls, PREFIXES["prov"], PREFIXES["dcat"]
    links = {
        urls.term("lead"): urls.id(ROLES["lead"]),
        urls.term("partner"): urls.id(ROLES["partners"]),
    }
    linked: dict[tuple[Subject, str], set[str]] = {}  # (project, role) -> organisations
    held: dict[Subject, list[Term]] = {}  # project -> its attributions
    facts: dict[Term, dict[str, str]] = {}  # attribution -> agent and role
    for q in sources.quads:
        p = q.predicate.value
        if p in links:
            linked.setdefault((q.subject, links[p]), set()).add(value_of(q.object))
        elif p == prov + "qualifiedAttribution":
            held.setdefault(q.subject, []).append(q.object)
        elif p in (prov + "agent", dcat + "hadRole"):
            facts.setdefault(q.subject, {})[p] = value_of(q.object)
    said: dict[tuple[Subject, str], set[str]] = {}  # (project, role) -> organisations
    for project, attributions in held.items():
        for attribution in attributions:
            fact = facts.get(attribution, {})
            if fact.get(dcat + "hadRole") in links.values() and prov + "agent" in fact:
                said.setdefault((project, fact[dcat + "hadRole"]), set()).add(fact[prov + "agent"])
    owners, errors = owners_of(sources.quads), []
    for project, role in sorted(set(linked) | set(said), key=lambda k: (str(k[0]), k[1])):
        differ = sorted(linked.get((project, role), set()) ^ said.get((project, role), set()))
        if differ:
            link = next(p for p, r in links.items() if r == role)
            names = ", ".join(d.removeprefix(urls.id()) for d in differ)
            where = where_defined(project, owners, sources, ox.NamedNode(link))
            errors.append(
                InputError(
                    where,
                    f"the {link.rpartition('#')[2]} links and the sourced roles (prov:"
                    f"qualifiedAttribution) name different organisations: {names}; write "
                    "them once, in participants",
                    fi=f"{link.rpartition('#')[2]}-linkit ja lähteistetyt roolit (prov:"
                    f"qualifiedAttribution) nimeävät eri organisaatiot: {names}; kirjoita ne "
                    "kerran kohtaan participants",
                )
            )
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)


def _names(quads: list[ox.Quad], id_base: str) -> list[tuple[str, str]]:
    return [
        (value_of(q.object).casefold(), value_of(q.subject)[len(id_base) :])
        for q in quads
        if q.predicate.value in _NAMES
        and isinstance(q.object, ox.Literal)
        and value_of(q.subject).startswith(id_base)
    ]


class _Guesses:
    """What a link to no record may have meant: the ids, and the records by their names
    (``fund: EAKR`` means concept/fund/erdf, whose altLabel is EAKR), gathered once."""

    def __init__(self, facts: list[Links], id_base: str, defined: set[str]):
        self.ids = sorted(d[len(id_base) :] for d in defined if d.startswith(id_base))
        self.by_name: dict[str, str] = {}
        for links in facts:
            for name, local in links.names:
                self.by_name.setdefault(name, local)

    def meant(self, local: str) -> str | None:
        """A slip of the keyboard, else a name (``organisation/tampere`` is no name)."""
        return _slip_of(local, self.ids) or self.by_name.get(local.rpartition("/")[2].casefold())


def _slip_of(local: str, known: Iterable[str]) -> str | None:
    """The id a letter or two off in the same folder that ``local`` may mean; never a code.

    Project codes (a70010, a70011) and names with a common ending (porin-kaupunki,
    espoon-kaupunki) are near by construction: a guess there would link the wrong record.

    >>> _slip_of("concept/fund/erdff", ["concept/fund/erdf", "concept/fund/esf"])
    'concept/fund/erdf'
    >>> _slip_of("project/a70010", ["project/a70011"]), _slip_of("x/pori", ["x/espoo"])
    (None, None)
    """
    folder, _, slug = local.rpartition("/")
    if any(c.isdigit() for c in slug):
        return None
    for other in known:
        other_folder, _, other_slug = other.rpartition("/")
        if other_folder == folder and _edits(slug, other_slug) <= 2 < len(slug):
            return other
    return None


def _edits(a: str, b: str) -> int:
    """Levenshtein distance: letters to insert, delete or change to make ``a`` into ``b``."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def _term_problem(term: str, settings: Settings, defined: Collection[str]) -> str | None:
    if term.startswith(settings.urls.vocab):
        if term not in defined:
            local = term[len(settings.urls.vocab) :]
            return f"uses the term 6aika:{local}, which the ontology does not define"
        return None
    if not any(term.startswith(ns) for ns in REUSED_VOCABULARIES):
        return f"uses {term}, which is in no vocabulary this project reuses"
    return None


def owners_of(quads: list[ox.Quad]) -> dict[ox.BlankNode, ox.Quad]:
    """Each blank node's holder: the quad (resource and property) whose record wrote it."""
    return {q.object: q for q in quads if isinstance(q.object, ox.BlankNode)}


def where_defined(
    subject: ox.NamedNode | ox.BlankNode | ox.Triple,
    owners: dict,
    sources: Sources,
    predicate: ox.NamedNode | None = None,
) -> Origin | str:
    """Where a fact about ``subject`` (by ``predicate``) was written: the line of its key,
    else the line of its record (or nested node); a blank node the sources did not name
    is placed by the key that holds it."""
    seen = set()
    while True:
        name = value_of(subject)
        if predicate is not None:
            written = sources.key_origins.get((name, predicate.value))
            if written is not None:
                return written
        unplaced = isinstance(subject, ox.BlankNode) and name not in sources.origins
        if not unplaced or subject not in owners or subject in seen:
            return sources.origins.get(name, name)
        seen.add(subject)
        subject, predicate = owners[subject].subject, owners[subject].predicate

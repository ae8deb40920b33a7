"""The DCAT-AP 3 catalog of the release itself (its VoID description: ``read.void``).

Both are made from the release's manifest (files, sizes, checksums, build time) and a few
aggregate queries through ``Repo``; neither is stored, so they always describe the very
release being served. Their IRIs are hash IRIs of the documents that serve them
(``{base}catalog#projects``), which dereference with the document.

Every object of a DCAT-AP property carries its class (``dct:LicenseDocument``,
``dct:MediaType``, ...): the official shapes check classes, and harvesters read them.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..config import Settings
from ..formats import dump_format
from ..namespaces import PREFIXES, Term
from ..release import Dataset, File, Manifest

NS = {
    **PREFIXES,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "void": "http://rdfs.org/ns/void#",
    "dcatap": "http://data.europa.eu/r5r/",
}
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
LICENCE = EU + "licence/CC_BY_4_0"

# What each dataset (named graph) is, in the catalog's words: title and description, fi/en.
DATASET_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "projects": {
        "fi": (
            "6Aika-hankkeet",
            "6Aika-strategian (Kuutoskaupunkistrategia) rakennerahastohankkeet, strategia "
            "ja hankkeiden organisaatiot: nimet, kuvaukset, toteuttajat, ajanjaksot, budjetit "
            "ja jokaisen tiedon lähde.",
        ),
        "en": (
            "6Aika projects",
            "The structural funds projects of the 6Aika strategy (Six City Strategy), the "
            "strategy itself and the projects' organisations: names, descriptions, lead and "
            "partners, periods, budgets and the source of every fact.",
        ),
    },
    "concepts": {
        "fi": (
            "6Aika-käsitejärjestelmät",
            "Painopistealueet, rahastot, kaupungit, toimintalinjat, erityistavoitteet, "
            "hankeroolit ja budjettilajit SKOS-käsitteinä.",
        ),
        "en": (
            "6Aika concept schemes",
            "Focus areas, funds, cities, priority axes, specific objectives, project roles and "
            "budget kinds as SKOS concept schemes.",
        ),
    },
    "ontology": {
        "fi": ("6Aika-ontologia", "Sanasto, jolla 6Aika-hankkeet kuvataan (OWL)."),
        "en": ("6Aika ontology", "The vocabulary the 6Aika projects are described with (OWL)."),
    },
}
CATALOG_TEXTS = {
    "fi": (
        "6Aika avoin linkitetty data",
        "Kuuden suurimman kaupungin 6Aika-strategian hankkeet avoimena linkitettynä datana.",
    ),
    "en": (
        "6Aika linked open data",
        "The projects of 6Aika, the Six City Strategy of Finland's six largest cities, as "
        "linked open data.",
    ),
}
KEYWORDS = {
    "fi": ("6Aika", "kuutoskaupungit", "rakennerahastot", "EAKR", "ESR", "kaupunkikehitys"),
    "en": ("6Aika", "Six City Strategy", "structural funds", "ERDF", "ESF", "urban development"),
}
THEMES = {  # EU data themes, with their labels (the shapes want a skos:prefLabel)
    "REGI": ("Alueet ja kaupungit", "Regions and cities"),
    "ECON": ("Talous ja raha-asiat", "Economy and finance"),
    "GOVE": ("Hallinto ja julkinen sektori", "Government and public sector"),
}


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def term(compact: str) -> ox.NamedNode:
    prefix, _, local = compact.partition(":")
    return ox.NamedNode(NS[prefix] + local)


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=term(datatype))


class Builder:
    """Triples written as (subject, compact property, object), objects as terms."""

    def __init__(self) -> None:
        self._triples: dict[ox.Triple, None] = {}  # a set that keeps the order of writing

    @property
    def triples(self) -> list[ox.Triple]:
        return list(self._triples)

    def add(self, subject: ox.NamedNode | ox.BlankNode, prop: str, *objects: Term) -> None:
        for o in objects:
            self._triples[ox.Triple(subject, term(prop), o)] = None

    def texts(self, subject: ox.NamedNode, prop: str, by_lang: dict[str, str]) -> None:
        self.add(subject, prop, *(ox.Literal(t, language=lang) for lang, t in by_lang.items()))

    def thing(self, value: str, kind: str, **labels: str) -> ox.NamedNode:
        """An IRI with its class (and a label where the shapes ask for one)."""
        node = iri(value)
        for k in kind.split():
            self.add(node, "rdf:type", term(k))
        for prop, text in labels.items():
            self.add(node, prop.replace("_", ":", 1), ox.Literal(text, language="en"))
        return node


# Catalog -------------------------------------------------------------------------


def catalog_iri(settings: Settings, fragment: str = "catalog") -> str:
    return settings.urls.catalog(fragment)


def catalog(
    settings: Settings, manifest: Manifest, coverage: dict[str, tuple[ox.Literal, ox.Literal]]
) -> list[ox.Triple]:
    """The DCAT-AP 3 catalog of the release: datasets, distributions, the SPARQL service;
    ``coverage``: the first start and the last end of each dataset that holds periods, by
    its name (``read.facts``)."""
    g = Builder()
    cat = iri(catalog_iri(settings))
    modified = typed(manifest.built, "xsd:dateTime")
    publisher = _publisher(g, settings)
    licence = g.thing(LICENCE, "dct:LicenseDocument")
    attribution = "http://purl.org/adms/licencetype/Attribution"
    g.add(licence, "dct:type", g.thing(attribution, "skos:Concept", skos_prefLabel="Attribution"))
    languages = [g.thing(EU + f"language/{c}", "dct:LinguisticSystem") for c in ("FIN", "ENG")]
    finland = _finland(g)
    home = g.thing(settings.urls.home(), "foaf:Document")
    g.add(cat, "rdf:type", term("dcat:Catalog"))
    g.texts(cat, "dct:title", {k: v[0] for k, v in CATALOG_TEXTS.items()})
    g.texts(cat, "dct:description", {k: v[1] for k, v in CATALOG_TEXTS.items()})
    g.add(cat, "dct:publisher", publisher)
    g.add(cat, "dct:license", licence)
    g.add(cat, "dct:language", *languages)
    g.add(cat, "dct:spatial", finland)
    g.add(cat, "foaf:homepage", home)
    g.add(cat, "dct:issued", modified)  # each release is a catalog of its own
    g.add(cat, "dct:modified", modified)
    g.add(cat, "dcat:themeTaxonomy", _theme_scheme(g))
    service = _service(g, settings, publisher, licence)
    g.add(cat, "dcat:service", service)
    for name, dataset in manifest.datasets.items():
        node = _dataset(g, settings, name, dataset, modified, coverage.get(name))
        g.add(node, "dct:publisher", publisher)
        g.add(node, "dct:language", *languages)
        g.add(node, "dct:spatial", finland)
        g.add(node, "dcat:landingPage", home)
        g.add(cat, "dcat:dataset", node)
        g.add(service, "dcat:servesDataset", node)
    return g.triples


def _finland(g: Builder) -> ox.NamedNode:
    node = g.thing(EU + "country/FIN", "dct:Location")
    wkt = "http://www.opengis.net/ont/geosparql#wktLiteral"
    g.add(node, "dcat:centroid", ox.Literal("POINT(26.0 64.5)", datatype=iri(wkt)))
    bbox = "POLYGON((19.1 59.5,31.6 59.5,31.6 70.1,19.1 70.1,19.1 59.5))"
    g.add(node, "dcat:bbox", ox.Literal(bbox, datatype=iri(wkt)))
    return node


def _publisher(g: Builder, settings: Settings) -> ox.NamedNode:
    """The publisher as the settings name it (SIXAIKA_PUBLISHER_...)."""
    node = g.thing(catalog_iri(settings, "publisher"), "foaf:Agent foaf:Organization")
    g.add(node, "foaf:name", ox.Literal(settings.publisher_name))
    if settings.publisher_url:
        g.add(node, "foaf:homepage", g.thing(settings.publisher_url, "foaf:Document"))
    if settings.publisher_email:
        g.add(node, "foaf:mbox", iri("mailto:" + settings.publisher_email))
    if settings.publisher_type:
        scheme = "http://purl.org/adms/publishertype/"
        kind = g.thing(scheme + settings.publisher_type, "skos:Concept")
        g.add(kind, "skos:prefLabel", ox.Literal(settings.publisher_type, language="en"))
        g.add(kind, "skos:inScheme", g.thing(scheme + "1.0", "skos:ConceptScheme"))
        g.add(node, "dct:type", kind)
    return node


def _contact(g: Builder, settings: Settings) -> ox.NamedNode:
    """The contact point as the settings name it (SIXAIKA_CONTACT_...)."""
    node = g.thing(catalog_iri(settings, "contact"), "vcard:Kind vcard:Organization")
    g.add(node, "vcard:fn", ox.Literal(settings.contact_name))
    g.add(node, "vcard:hasURL", iri(settings.contact_url or settings.urls.home()))
    if settings.contact_email:
        g.add(node, "vcard:hasEmail", iri("mailto:" + settings.contact_email))
    return node


def _theme_scheme(g: Builder) -> ox.NamedNode:
    return g.thing(EU + "data-theme", "skos:ConceptScheme", dct_title="Data theme")


def _themes(g: Builder) -> list[ox.NamedNode]:
    themes = []
    for code, (fi, en) in THEMES.items():
        node = g.thing(EU + f"data-theme/{code}", "skos:Concept")
        g.texts(node, "skos:prefLabel", {"fi": fi, "en": en})
        g.add(node, "skos:inScheme", iri(EU + "data-theme"))
        themes.append(node)
    return themes


def _themes_and_keywords(g: Builder, node: ox.NamedNode) -> None:
    g.add(node, "dcat:theme", *_themes(g))
    for lang, words in KEYWORDS.items():
        g.add(node, "dcat:keyword", *(ox.Literal(w, language=lang) for w in words))


def _dataset(
    g: Builder,
    settings: Settings,
    name: str,
    dataset: Dataset,
    modified: ox.Literal,
    coverage: tuple[ox.Literal, ox.Literal] | None,
) -> ox.NamedNode:
    node = g.thing(catalog_iri(settings, name), "dcat:Dataset void:Dataset")
    texts = DATASET_TEXTS.get(name, {"en": (name, f"The {name} of the release.")})
    g.texts(node, "dct:title", {k: v[0] for k, v in texts.items()})
    g.texts(node, "dct:description", {k: v[1] for k, v in texts.items()})
    g.add(node, "dct:identifier", ox.Literal(dataset.graph))
    g.add(node, "dct:modified", modified)
    _themes_and_keywords(g, node)
    g.add(node, "dcat:contactPoint", _contact(g, settings))
    g.add(node, "dct:accrualPeriodicity", g.thing(EU + "frequency/IRREG", "dct:Frequency"))
    g.add(node, "dct:conformsTo", g.thing(settings.urls.ontology(), "dct:Standard"))
    if coverage:
        period = g.thing(catalog_iri(settings, f"{name}-period"), "dct:PeriodOfTime")
        g.add(period, "dcat:startDate", coverage[0])
        g.add(period, "dcat:endDate", coverage[1])
        g.add(node, "dct:temporal", period)
    for ext, file in dataset.files.items():
        g.add(node, "dcat:distribution", _distribution(g, settings, name, ext, file, modified))
    return node


def _distribution(
    g: Builder, settings: Settings, name: str, ext: str, file: File, modified: ox.Literal
) -> ox.NamedNode:
    node = g.thing(catalog_iri(settings, f"{name}-{ext}"), "dcat:Distribution")
    url = iri(settings.urls.dump(file.name))
    fmt = dump_format(ext)
    titles = DATASET_TEXTS.get(name, {"en": (name, "")})
    g.add(node, "dct:title", ox.Literal(f"{name}.{ext} ({fmt.label})", language="en"))
    g.texts(node, "dct:description", {k: f"{v[0]}: {fmt.label}" for k, v in titles.items()})
    g.add(node, "dcat:accessURL", url)
    g.add(node, "dcat:downloadURL", url)
    if fmt.file_type_iri:
        g.add(node, "dct:format", g.thing(fmt.file_type_iri, "dct:MediaTypeOrExtent"))
    if file.media_type:
        g.add(node, "dcat:mediaType", g.thing(IANA + file.media_type, "dct:MediaType"))
    g.add(node, "dct:license", g.thing(LICENCE, "dct:LicenseDocument"))
    g.add(node, "dcat:byteSize", typed(str(file.bytes), "xsd:nonNegativeInteger"))
    g.add(node, "dct:modified", modified)
    g.add(
        node,
        "dcatap:availability",
        g.thing(EU + "planned-availability/STABLE", "skos:Concept", skos_prefLabel="stable"),
    )
    # A label of its own making: every server process then sends the same bytes (one ETag).
    checksum = ox.BlankNode(f"{name}-{ext}-checksum")
    g.add(node, "spdx:checksum", checksum)
    g.add(checksum, "rdf:type", term("spdx:Checksum"))
    g.add(
        checksum,
        "spdx:algorithm",
        g.thing(NS["spdx"] + "checksumAlgorithm_sha256", "spdx:ChecksumAlgorithm"),
    )
    g.add(checksum, "spdx:checksumValue", typed(file.sha256, "xsd:hexBinary"))
    return node


def _service(
    g: Builder, settings: Settings, publisher: ox.NamedNode, licence: ox.NamedNode
) -> ox.NamedNode:
    node = g.thing(catalog_iri(settings, "sparql"), "dcat:DataService")
    g.texts(node, "dct:title", {"fi": "6Aika SPARQL-rajapinta", "en": "6Aika SPARQL endpoint"})
    g.texts(
        node,
        "dct:description",
        {
            "fi": "Vain luku -SPARQL 1.1 -kyselyrajapinta kaikkiin aineistoihin.",
            "en": "A read-only SPARQL 1.1 query endpoint over all the datasets.",
        },
    )
    endpoint = iri(settings.urls.sparql())
    g.add(node, "dcat:endpointURL", endpoint)
    g.add(node, "dcat:endpointDescription", endpoint)
    g.add(
        node, "dct:conformsTo", g.thing("https://www.w3.org/TR/sparql11-protocol/", "dct:Standard")
    )
    g.add(node, "dct:publisher", publisher)
    g.add(node, "dct:license", licence)
    g.add(node, "dcat:contactPoint", _contact(g, settings))
    _themes_and_keywords(g, node)
    return node

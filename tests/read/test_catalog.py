"""The catalog (DCAT-AP 3, checked with the official shapes), VoID and the dumps."""

from __future__ import annotations

import copy
import gzip
import hashlib

import pytest
import rdflib
from pyshacl import validate
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, VOID

from sixaika.config import SettingError, Settings
from sixaika.read.store import OxigraphRepo
from sixaika.web import create_app

from ..support import shared

SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
IANA = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
DUMP_TYPES = {  # the media type and EU file type of each dump a release offers
    "text/turtle": "RDF_TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "RDF_N_TRIPLES",
    "application/trig": "RDF_TRIG",
    "application/n-quads": "RDF_N_QUADS",
}


def official_shapes(*names: str) -> rdflib.Graph:
    """The DCAT-AP 3.0.1 shapes as ``shared/dcat-ap/SOURCE.md`` says to load them.

    Upstream defect: a few ``sh:property`` links point to shapes 3.0.1 no longer defines
    (no ``sh:path``); pyshacl refuses such a graph, so those links are dropped.
    """
    folder = shared("dcat-ap")
    graph = rdflib.Graph()
    for name in names:
        graph.parse(folder / name, format="turtle")
    for shape, prop in list(graph.subject_objects(SH.property)):
        if (prop, SH.path, None) not in graph:
            graph.remove((shape, SH.property, prop))
    return graph


@pytest.fixture(scope="module")
def catalog(app) -> rdflib.Graph:
    response = app.test_client().get("/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")


@pytest.mark.parametrize(
    "files, inference",
    [
        (("dcat-ap-SHACL.ttl",), "none"),
        (("ranges.ttl",), "rdfs"),  # ranges.ttl is meant to run with RDFS inference
        (("dcat-ap-SHACL.ttl", "ranges.ttl"), "rdfs"),
    ],
)
def test_catalog_passes_the_official_dcat_ap_shapes(catalog, files, inference):
    conforms, results, text = validate(
        catalog, shacl_graph=official_shapes(*files), inference=inference, allow_warnings=True
    )
    violations = list(results.subjects(SH.resultSeverity, SH.Violation))
    assert conforms and not violations, text


PUBLISHER = {  # synthetic: example.org
    "SIXAIKA_PUBLISHER_NAME": "Example publisher (synthetic)",
    "SIXAIKA_PUBLISHER_URL": "https://example.org/publisher",
    "SIXAIKA_PUBLISHER_EMAIL": "data@example.org",
    "SIXAIKA_PUBLISHER_TYPE": "LocalAuthority",
    "SIXAIKA_CONTACT_NAME": "Example open data team (synthetic)",
    "SIXAIKA_CONTACT_URL": "https://example.org/feedback",
    "SIXAIKA_CONTACT_EMAIL": "opendata@example.org",
}


def catalog_with(settings: Settings, release) -> rdflib.Graph:
    client = create_app(settings, release=release).test_client()
    response = client.get("/catalog", headers={"Accept": "text/turtle"})
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")


def _graphs_without_periods(release) -> set[str]:
    """The datasets of ``release`` whose graph holds no period (no dcat:startDate)."""
    store = OxigraphRepo.open(release)
    return {
        name
        for name, dataset in release.manifest.datasets.items()
        if not store.select(
            f"SELECT ?d WHERE {{ GRAPH <{dataset.graph}> {{ ?t <{DCAT.startDate}> ?d }} }} LIMIT 1"
        )
    }


def test_with_a_publisher_and_a_contact_set_dcat_ap_recommends_nothing_more(
    bundled_settings, bundled_release
):
    """The official recommended shapes warn of nothing but the missing dct:temporal of the
    datasets whose graph holds no period: the ontology and the concept schemes."""
    settings = Settings.from_env(
        PUBLISHER, root=str(bundled_settings.root), releases=str(bundled_settings.releases)
    )
    graph = catalog_with(settings, bundled_release)
    _conforms, results, _text = validate(
        graph, shacl_graph=official_shapes("shapes_recommended.ttl"), allow_warnings=True
    )
    warned = {
        (str(results.value(r, SH.focusNode)).rpartition("#")[2], results.value(r, SH.resultPath))
        for r in results.subjects(RDF.type, SH.ValidationResult)
    }
    without_periods = _graphs_without_periods(bundled_release)
    assert without_periods == {"ontology", "concepts"}
    assert warned == {(name, DCTERMS.temporal) for name in without_periods}
    publisher = next(graph.objects(None, DCTERMS.publisher))
    assert str(graph.value(publisher, FOAF.name)) == "Example publisher (synthetic)"
    assert str(graph.value(publisher, FOAF.mbox)) == "mailto:data@example.org"
    assert str(graph.value(publisher, DCTERMS.type)).endswith("/publishertype/LocalAuthority")
    contact = next(graph.objects(None, DCAT.contactPoint))
    assert str(graph.value(contact, VCARD.hasEmail)) == "mailto:opendata@example.org"
    assert str(graph.value(contact, VCARD.hasURL)) == "https://example.org/feedback"


def test_without_them_the_placeholders_lack_what_dcat_ap_recommends(
    bundled_settings, bundled_release
):
    graph = catalog_with(bundled_settings, bundled_release)
    _conforms, results, _text = validate(
        graph, shacl_graph=official_shapes("shapes_recommended.ttl"), allow_warnings=True
    )
    paths = set(results.objects(None, SH.resultPath))
    assert DCTERMS.type in paths  # the publisher's kind
    assert not list(graph.objects(None, VCARD.hasEmail))


def test_a_release_whose_facts_lack_the_coverage_gets_it_counted(bundled_settings, bundled_release):
    """A release built before the facts held each dataset's time span still serves a
    catalog with it: the fact it lacks is counted from its store, once."""
    older = copy.deepcopy(bundled_release)
    del older.manifest.parts["facts"]["temporal_coverage"]
    graph = catalog_with(bundled_settings, older)
    spans = {
        str(d).rpartition("#")[2]: graph.value(graph.value(d, DCTERMS.temporal), DCAT.startDate)
        for d in graph.subjects(DCTERMS.temporal, None)
    }
    expected = bundled_release.manifest.parts["facts"]["temporal_coverage"]
    assert set(spans) == set(expected) == {"projects"}
    assert str(spans["projects"]) == expected["projects"][0][0]


def test_publisher_settings_are_checked(bundled_settings):
    for name, value in (("SIXAIKA_PUBLISHER_EMAIL", "not an address"),
                        ("SIXAIKA_PUBLISHER_TYPE", "Municipality")):  # fmt: skip
        with pytest.raises(SettingError, match=name):
            Settings.from_env({name: value})


def test_catalog_lists_datasets_distributions_and_the_service(catalog, bundled_release):
    catalogs = list(catalog.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    datasets = set(catalog.objects(catalogs[0], DCAT.dataset))
    assert len(datasets) == 3  # projects, concepts, ontology (avoindata.fi wants dcat:dataset)
    service = catalog.value(catalogs[0], DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert str(catalog.value(service, DCAT.endpointURL)).endswith("/sparql")
    for dataset in datasets:
        for prop in (
            DCTERMS.title,
            DCTERMS.description,
            DCAT.theme,
            DCAT.contactPoint,
            DCAT.keyword,
            DCTERMS.spatial,
        ):
            assert catalog.value(dataset, prop) is not None, (dataset, prop)
        assert len(list(catalog.objects(dataset, DCAT.distribution))) == len(DUMP_TYPES)
    files = {
        f.name: f for d in bundled_release.manifest.datasets.values() for f in d.files.values()
    }
    for dist in catalog.subjects(RDF.type, DCAT.Distribution):
        url = str(catalog.value(dist, DCAT.downloadURL))
        name = url.rsplit("/", 1)[1]
        assert int(catalog.value(dist, DCAT.byteSize)) == files[name].bytes
        checksum = catalog.value(dist, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == files[name].sha256
        assert str(catalog.value(dist, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
        assert str(catalog.value(dist, DCAT.mediaType)).startswith(
            "http://www.iana.org/assignments/media-types/"
        )


def test_catalog_in_every_format(client):
    for ext in ("ttl", "jsonld", "rdf", "nt", "html"):
        assert client.get(f"/catalog.{ext}").status_code == 200
    html = client.get("/catalog", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="projects"' in html and "/dumps/projects.ttl" in html


def test_void(client, bundled_release):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    root = rdflib.URIRef("http://localhost:8000/.well-known/void#dataset")
    assert int(graph.value(root, VOID.triples)) == bundled_release.manifest.triples
    assert int(graph.value(root, VOID.entities)) > 50
    assert str(graph.value(root, VOID.sparqlEndpoint)) == "http://localhost:8000/sparql"
    assert str(graph.value(root, VOID.uriSpace)) == "http://localhost:8000/id/"
    assert len(list(graph.objects(root, VOID.subset))) == 3
    assert len(list(graph.objects(root, VOID.classPartition))) > 5
    assert len(list(graph.objects(root, VOID.propertyPartition))) > 10
    assert rdflib.URIRef("http://purl.org/dc/terms/") in set(graph.objects(root, VOID.vocabulary))
    assert len(list(graph.objects(None, VOID.dataDump))) == 3 * len(DUMP_TYPES)
    assert list(graph.objects(root, VOID.exampleResource))


def test_dumps_are_streamed_with_validators(client, bundled_release):
    file = bundled_release.manifest.datasets["projects"].files["ttl"]
    plain = client.get("/dumps/projects.ttl")
    assert plain.status_code == 200 and plain.mimetype == "text/turtle"
    assert int(plain.headers["Content-Length"]) == file.bytes
    assert hashlib.sha256(plain.data).hexdigest() == file.sha256
    assert plain.headers["ETag"] and "Accept-Encoding" in plain.headers["Vary"]
    again = client.get("/dumps/projects.ttl", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304
    part = client.get("/dumps/projects.ttl", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.data == plain.data[:10]
    zipped = client.get("/dumps/projects.ttl", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert gzip.decompress(zipped.data) == plain.data
    as_file = client.get("/dumps/projects.ttl.gz")
    assert as_file.mimetype == "application/gzip" and gzip.decompress(as_file.data) == plain.data
    index = client.get("/dumps/", headers={"Accept": "application/json"}).json
    assert {f["id"] for f in index["projects"]} == {
        f"projects-{x}" for x in ("ttl", "jsonld", "nt", "trig", "nq")
    }


def test_dumps_ranges(client):
    whole = client.get("/dumps/projects.ttl").data
    etag = client.get("/dumps/projects.ttl").headers["ETag"]

    def ask(**headers: str):
        return client.get(
            "/dumps/projects.ttl", headers={k.replace("_", "-"): v for k, v in headers.items()}
        )

    assert ask(Range="bytes=-10").data == whole[-10:]
    assert ask(Range="bytes=0-9", If_Range=etag).status_code == 206
    assert ask(Range="bytes=0-9", If_Range='"old"').data == whole  # changed since: all of it
    modified = client.get("/dumps/projects.ttl").headers["Last-Modified"]
    assert ask(Range="bytes=0-9", If_Range=modified).status_code == 206
    later = "Fri, 01 Jan 2100 00:00:00 GMT"  # If-Range compares strongly: the very validator
    for not_the_validator in (f"W/{etag}", later):
        assert ask(Range="bytes=0-9", If_Range=not_the_validator).data == whole
    assert ask(Range="bytes=0-9", If_None_Match=etag).status_code == 304  # preconditions first
    for ignored in ("items=0-1", "bytes=0-1,5-6"):  # another unit; several ranges
        response = ask(Range=ignored)
        assert response.status_code == 200 and response.data == whole, ignored
    beyond = ask(Range=f"bytes={len(whole)}-")
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(whole)}"


@pytest.mark.parametrize(
    "accept, zipped",
    [
        ("gzip", True),
        ("x-gzip", True),
        ("gzip, identity;q=0.5", True),
        ("*", True),
        ("gzip;q=0.5, identity;q=1", False),
        ("gzip;q=0.5", False),  # identity, acceptable unless excluded, counts as q=1 here
        ("gzip;q=0.5, *;q=0", True),
        ("gzip;q=0", False),
        ("br", False),
        (None, False),
    ],
)
def test_dumps_gzip_by_accept_encoding(client, accept, zipped):
    headers = {"Accept-Encoding": accept} if accept else {}
    response = client.get("/dumps/projects.ttl", headers=headers)
    assert (response.headers.get("Content-Encoding") == "gzip") is zipped
    assert response.headers["Content-Disposition"] == "inline; filename=projects.ttl"


def test_a_gz_file_asked_for_keeps_its_name(client):
    response = client.get("/dumps/projects.ttl.gz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    assert response.headers["Content-Disposition"] == "inline; filename=projects.ttl.gz"


@pytest.mark.parametrize("media_type", ["application/trig", "application/n-quads"])
def test_a_harvester_gets_each_dataset_with_its_graph_from_the_catalog(
    catalog, client, bundled_release, media_type
):
    """What a portal does: read the catalog, pick the distributions in a dataset format by
    their media type, download each and load it; each dataset comes with its graph name,
    the SPARQL endpoint's, and all of its triples."""
    for dataset in catalog.subjects(RDF.type, DCAT.Dataset):
        picked = [
            d
            for d in catalog.objects(dataset, DCAT.distribution)
            if str(catalog.value(d, DCAT.mediaType)) == IANA + media_type
        ]
        assert len(picked) == 1, dataset
        distribution = picked[0]
        assert str(catalog.value(distribution, DCTERMS.format)) == (
            EU_FILE_TYPE + DUMP_TYPES[media_type]
        )
        url = str(catalog.value(distribution, DCAT.downloadURL))
        response = client.get(url.removeprefix("http://localhost:8000"))
        assert response.status_code == 200 and response.mimetype == media_type
        data = rdflib.Dataset().parse(data=response.data, format=media_type)
        graphs = {g.identifier for g in data.graphs() if len(g)}
        identifier = str(catalog.value(dataset, DCTERMS.identifier))  # its graph's IRI
        assert graphs == {rdflib.URIRef(identifier)}
        name = next(n for n, d in bundled_release.manifest.datasets.items()
                    if d.graph == identifier)  # fmt: skip
        assert len(data.graph(rdflib.URIRef(identifier))) == (
            bundled_release.manifest.datasets[name].triples
        )


def test_the_dataset_formats_are_offered_in_void_and_on_the_dumps_page(client):
    void = rdflib.Graph().parse(data=client.get("/.well-known/void.ttl").data, format="turtle")
    dumps = {str(d).rsplit("/", 1)[1] for d in void.objects(None, VOID.dataDump)}
    assert {"projects.trig", "projects.nq", "ontology.trig", "concepts.nq"} <= dumps
    page = client.get("/dumps/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "/dumps/projects.trig" in page and "/dumps/projects.nq" in page

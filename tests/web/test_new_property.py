"""A new property is RDF only: added to a scratch copy of ``ontology/``, ``shapes/``, the
context and one record, it is served with its name in Finnish, English and Swedish, in its
place among the facts, in every format, and no line of Python changes.

The property and its value are SYNTHETIC, invented for this test in a temporary copy of
the sources published under https://example.org/synthetic/; nothing here is a fact.
"""

from __future__ import annotations

import json
import re
import shutil
from html import unescape

import pytest
import rdflib

from sixaika.build import Progress, build
from sixaika.config import Settings

from ..support import ROOT, open_app

BASE = "https://example.org/synthetic/"
TERM = BASE + "def/6aika#jobsCreated"
PROJECT = BASE + "id/project/a70202"
NAMES = {"fi": "luodut työpaikat", "en": "jobs created", "sv": "skapade arbetstillfällen"}
# Its place: in the group "Place in the strategy", between fund (order 3) and priority
# axis (order 4). The names of those two on the page, by language.
BEFORE = {"fi": "rahasto", "en": "fund", "sv": "fond"}
AFTER = {"fi": "toimintalinja", "en": "priority axis", "sv": "prioriterat område"}

ONTOLOGY = f"""
sixaika:jobsCreated a owl:DatatypeProperty ;
    rdfs:label "{NAMES["fi"]}"@fi , "{NAMES["en"]}"@en , "{NAMES["sv"]}"@sv ;
    rdfs:comment "Synteettinen ominaisuus testiä varten."@fi ,
        "A synthetic property, for a test."@en , "En syntetisk egenskap, för ett test."@sv ;
    rdfs:domain sixaika:Project ;
    rdfs:range xsd:integer ;
    rdfs:isDefinedBy <def/6aika> .
"""
PLACE = """
shape:Page sh:property [ sh:path sixaika:jobsCreated ; sh:group shape:Classification ;
    sh:order 3.5 ] .
"""
RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("scratch")
    for folder in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    with (root / "ontology" / "6aika.ttl").open("a", encoding="utf-8") as f:
        f.write(ONTOLOGY)
    with (root / "shapes" / "display" / "pages.ttl").open("a", encoding="utf-8") as f:
        f.write(PLACE)
    context_path = root / "ontology" / "context.jsonld"
    context = json.loads(context_path.read_text(encoding="utf-8"))
    context["@context"]["jobsCreated"] = {"@id": "sixaika:jobsCreated", "@type": "xsd:integer"}
    context_path.write_text(json.dumps(context, indent=2), encoding="utf-8")
    with (root / "data" / "projects" / "a70202.yaml").open("a", encoding="utf-8") as f:
        f.write("jobsCreated: 12\n")
    settings = Settings.from_env(
        {"SIXAIKA_BASE": BASE}, root=str(root), releases=str(root / "releases")
    )
    release, report = build(settings, Progress(quiet=True))
    assert report.conforms
    return open_app(settings, release).test_client()


def graph_of(client, path: str, ext: str) -> rdflib.Graph:
    response = client.get(f"{path}.{ext}")
    assert response.status_code == 200, path
    data = response.get_data(as_text=True)
    if ext == "jsonld":  # the published context by value: no request leaves the test
        document = json.loads(data)
        document["@context"] = client.get("/context.jsonld").get_json()["@context"]
        data = json.dumps(document)
    return rdflib.Graph().parse(data=data, format=RDF_FORMATS[ext], publicID=BASE)


@pytest.mark.parametrize("ext", RDF_FORMATS)
def test_the_record_says_it_in_every_format(client, ext):
    graph = graph_of(client, "/doc/project/a70202", ext)
    value = graph.value(rdflib.URIRef(PROJECT), rdflib.URIRef(TERM))
    assert value is not None and value.toPython() == 12


def test_the_json_ld_names_it_by_its_term(client):
    document = client.get("/doc/project/a70202.jsonld").get_json()
    (node,) = [n for n in document["@graph"] if n["id"] == PROJECT]
    assert node["jobsCreated"] == "12"  # typed by the context (xsd:integer): its lexical form


@pytest.mark.parametrize("ext", RDF_FORMATS)
def test_the_ontology_names_it_in_three_languages_in_every_format(client, ext):
    graph = graph_of(client, "/def/6aika", ext)
    labels = {
        lit.language: str(lit) for lit in graph.objects(rdflib.URIRef(TERM), rdflib.RDFS.label)
    }
    assert labels == NAMES


@pytest.mark.parametrize("lang", NAMES)
def test_the_page_shows_its_name_in_its_place(client, lang):
    page = client.get(
        "/doc/project/a70202", query_string={"lang": lang}, headers={"Accept": "text/html"}
    ).get_data(as_text=True)
    facts = [unescape(re.sub(r"<[^>]+>", "", dt)) for dt in re.findall(r"<dt>(.*?)</dt>", page)]
    assert NAMES[lang] in facts, facts
    where = facts.index(NAMES[lang])
    assert facts[where - 1] == BEFORE[lang] and facts[where + 1] == AFTER[lang], facts
    assert "<dd><span>12</span></dd>" in page.replace("\n", "")


@pytest.mark.parametrize("lang", NAMES)
def test_the_ontology_page_lists_it(client, lang):
    page = client.get(
        "/def/6aika", query_string={"lang": lang}, headers={"Accept": "text/html"}
    ).get_data(as_text=True)
    assert f'<a href="#jobsCreated">{NAMES[lang]}</a>' in page

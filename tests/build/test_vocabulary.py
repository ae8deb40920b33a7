"""The page vocabulary the build computes: names of terms, places of facts, headings of
links read backwards, from the ontology, ontology/labels/ and shapes/display/."""

from __future__ import annotations

import pytest
import rdflib

from sixaika.build.vocabulary import labels_dir, page_vocabulary
from sixaika.context import Context
from sixaika.errors import InputError

from ..support import copy_mini, settings_for

DCT = "http://purl.org/dc/terms/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def vocabulary(bundled_settings):
    return page_vocabulary(bundled_settings)


def test_terms_are_named_in_three_languages(vocabulary, bundled_settings):
    assert vocabulary.labels[DCT + "title"] == {"fi": "nimi", "en": "title", "sv": "titel"}
    lead = bundled_settings.urls.term("lead")
    assert vocabulary.labels[lead]["sv"] == "huvudgenomförare"  # from the ontology
    for iri, names in vocabulary.labels.items():
        assert {"fi", "en", "sv"} <= names.keys(), iri


def test_every_property_the_data_can_use_has_a_place(vocabulary, bundled_settings):
    """A property of the context is shown in its place: give a new one a place in
    shapes/display/pages.ttl (sh:group, sh:order), or it comes after the sources."""
    context = Context.load(bundled_settings)
    for term in context.terms:
        definition = context.definition(term)
        if definition is None or context.is_class_term(term) or definition["@id"][0] == "@":
            continue
        iri = context.expand(term)
        assert vocabulary.place(iri), f"{term} ({iri}) has no place on the pages"
    assert vocabulary.place(DCT + "identifier") < vocabulary.place(DCT + "source")


def test_links_read_backwards_have_headings(vocabulary, bundled_settings):
    partner = bundled_settings.urls.term("partner")
    assert vocabulary.inverse_names[partner]["en"] == "Projects it is a partner in"
    lead = bundled_settings.urls.term("lead")
    assert vocabulary.inverse_place(lead) < vocabulary.inverse_place(partner)


def test_the_published_ontology_names_only_its_own_terms(bundled_release, bundled_settings):
    """The names of reused terms are read by the build; they are not the ontology's."""
    store = bundled_release.open_store()
    graph = bundled_settings.urls.graph("ontology")
    query = f"SELECT ?t {{ GRAPH <{graph}> {{ ?t <{RDFS_LABEL}> ?l }} }}"
    named = {row["t"].value for row in store.query(query)}
    assert named and all(t.startswith(bundled_settings.base) for t in named), sorted(named)


def test_the_display_shapes_are_published_with_the_others(bundled_release, bundled_settings):
    shapes = rdflib.Graph().parse(bundled_release.shapes_path, format="turtle")
    for name in ("Page", "ProjectTitle"):  # shapes/display/pages.ttl, shapes/project.ttl
        assert (rdflib.URIRef(bundled_settings.base + "shapes#" + name), None, None) in shapes


def test_reused_labels_may_not_name_our_terms(project_copy):
    (labels_dir(project_copy) / "ours.ttl").write_text(
        "<http://localhost:8000/def/6aika#lead> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "x"@en .'
    )
    with pytest.raises(InputError, match="is ours: name it in the ontology"):
        page_vocabulary(project_copy)


def test_a_property_in_two_places_is_an_error(project_copy):
    with (project_copy.shapes_dir / "display" / "pages.ttl").open("a") as f:
        f.write("shape:Page sh:property [ sh:path dct:source ; sh:order 2 ] .\n")
    with pytest.raises(InputError, match="terms/source has two places"):
        page_vocabulary(project_copy)


def test_no_labels_folder_is_no_names(tmp_path):
    """The mini project has no ontology/labels/ and no shapes/display/: nothing to show."""
    vocabulary = page_vocabulary(settings_for(copy_mini(tmp_path)))
    assert vocabulary.places == {} and DCT + "title" not in vocabulary.labels

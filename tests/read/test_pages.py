"""Pages from the release, not from scans: the build puts each resource's description, the
lists and the facts pages show into the release, and serving reads them there.

The build's descriptions are the very ones ``describe`` reads from the store, for every
resource of the bundled data; and the home page, the lists, VoID, the catalog and any
``/doc`` page are answered without one query to the store.
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
import pytest

from sixaika import synthetic
from sixaika.config import Settings
from sixaika.documents import STORED, DocumentWriter
from sixaika.read.describe import describe, labels, members
from sixaika.read.facts import FACTS, all_facts
from sixaika.read.pages import prefixes_of
from sixaika.read.store import OxigraphRepo
from sixaika.web import create_app

from ..support import ROOT


@pytest.fixture(scope="module")
def store(bundled_release) -> OxigraphRepo:
    return OxigraphRepo.open(bundled_release)


def _resources(store: OxigraphRepo, ours: str) -> list[str]:
    rows = store.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ours}")) }}'
    )
    return sorted(row["s"].value for row in rows)


def test_every_description_is_the_one_the_store_gives(bundled_settings, bundled_release, store):
    pages = bundled_release.open_pages()
    assert pages is not None
    vocab, ours = bundled_settings.urls.vocab, bundled_settings.urls.id()
    resources = _resources(store, ours)
    assert len(resources) > 100
    for iri in resources:
        assert pages.description(iri) == describe(store, iri, vocab), iri
    assert pages.description(ours + "project/no-such-project") is None
    assert bundled_release.manifest.parts["pages"]["resources"] == len(resources)


def test_every_stored_document_is_what_the_site_writes(bundled_settings, bundled_release, store):
    """Turtle and JSON-LD written by the build are the bytes the web writes of the
    description (the front sends them as they are: ``linkeddata.Direct``)."""
    pages = bundled_release.open_pages()
    assert pages is not None and pages.documents == {f.key for f in STORED}
    writer = DocumentWriter(bundled_release.context["@context"], bundled_settings.urls.context())
    for iri in _resources(store, bundled_settings.urls.id()):
        triples = pages.description(iri).triples
        for fmt in STORED:
            assert pages.document(iri, fmt.key) == writer.body(triples, fmt), (iri, fmt.key)
    assert pages.document(bundled_settings.urls.id("project/no-such-project"), "ttl") is None


def test_lists_and_labels_are_the_ones_the_store_gives(bundled_settings, bundled_release, store):
    pages = bundled_release.open_pages()
    assert pages is not None
    ours = bundled_settings.urls.id()
    typed = store.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{ours}")) }}'
    )
    prefixes = {p for row in typed for p in prefixes_of(row["s"].value, ours)}
    assert {ours + "project/", ours + "concept/", ours + "concept/fund/"} <= prefixes
    for prefix in prefixes:
        found = members(store, prefix)
        assert pages.members(prefix) == found and pages.total(prefix) == len(found), prefix
        assert pages.members(prefix, 1, 3) == found[1:3]
        assert set(pages.labels(found)) == set(labels(store, found))


def test_the_facts_in_the_release_are_those_of_its_store(bundled_settings, bundled_release, store):
    graphs = {name: d.graph for name, d in bundled_release.manifest.datasets.items()}
    assert bundled_release.manifest.parts["facts"] == all_facts(store, bundled_settings, graphs)


class CountingRepo(OxigraphRepo):
    """The release's store, counting the queries made of it."""

    queries: list[str]

    def _query(self, query: str):
        self.queries.append(query)
        return super()._query(query)


PAGES = ["/", "/doc/project/", "/doc/organisation/?page=1", "/doc/concept/fund/",
         "/doc/project/a70202", "/doc/concept/city/oulu", "/id/project/a70202",
         "/.well-known/void", "/catalog"]  # fmt: skip


@pytest.mark.parametrize("accept", ["text/html", "application/json", "text/turtle"])
def test_pages_and_lists_read_the_release_not_the_store(bundled_settings, bundled_release, accept):
    repo = CountingRepo(bundled_release.open_store(), bundled_release.id)
    repo.queries = []
    client = create_app(bundled_settings, repo=repo, release=bundled_release).test_client()
    for path in PAGES:
        assert client.get(path, headers={"Accept": accept}).status_code in (200, 303, 406), path
    assert repo.queries == []


def test_a_synthetic_release_for_serving_serves_its_pages(tmp_path):
    """As bench_pages.py writes one: the pages name terms by the context's prefixes."""
    settings = Settings.from_env({}, base=synthetic.BASE, root=str(ROOT), releases=str(tmp_path))
    quads = ox.parse("".join(synthetic.nquads(20)).encode(), format=ox.RdfFormat.N_QUADS)
    client = create_app(settings, release=synthetic.write_release(quads, settings, served=True))
    for path in ("/", "/doc/project/", "/doc/project/p7", "/catalog", "/.well-known/void"):
        assert client.test_client().get(path, headers={"Accept": "text/html"}).status_code == 200


def test_the_facts_are_the_same_counted_on_one_thread_or_several(
    bundled_settings, bundled_release, store
):
    graphs = {name: d.graph for name, d in bundled_release.manifest.datasets.items()}
    one = all_facts(store, dataclasses.replace(bundled_settings, build_workers=1), graphs)
    assert all_facts(store, dataclasses.replace(bundled_settings, build_workers=4), graphs) == one
    assert list(one) == list(FACTS) and one["charts"]["fund"]  # every fact, in its order

"""How complete the data is: ``validate``'s counts of the bundled data are those that
queries written here, apart from ``read.completeness``, count in the built store; a
release built before the counts were facts has them counted when served."""

from __future__ import annotations

import copy
import json

from sixaika.cli import main
from sixaika.read import completeness
from sixaika.read.store import OxigraphRepo
from sixaika.web import create_app

DCT, DCAT = "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#"
# What a project has, as a pattern on ?p; {v} is the vocabulary, {id} the data's IRIs.
HAVING = {
    "title_fi": '?p <http://purl.org/dc/terms/title> ?t FILTER(LANG(?t) = "fi")',
    "title_en": '?p <http://purl.org/dc/terms/title> ?t FILTER(LANG(?t) = "en")',
    "title_sv": '?p <http://purl.org/dc/terms/title> ?t FILTER(LANG(?t) = "sv")',
    "eura_code": "?p <http://www.w3.org/ns/adms#identifier> ?i . "
    "?i <http://purl.org/dc/terms/type> <{id}concept/identifier-type/eura-code>",
    "fund": "?p <{v}fund> ?x",
    "focus_area": "?p <{v}focusArea> ?x",
    "priority_axis": "?p <{v}priorityAxis> ?x",
    "specific_objective": "?p <{v}specificObjective> ?x",
    "lead": "?p <{v}lead> ?x",
    "partners": "?p <{v}partner> ?x",
    "city": "{{ ?p <{v}lead> ?o }} UNION {{ ?p <{v}partner> ?o }} "
    "?o <http://purl.org/dc/terms/spatial> ?c . ?c a <{v}City>",
    "start": f"?p <{DCT}temporal> ?t . ?t <{DCAT}startDate> ?d",
    "end": f"?p <{DCT}temporal> ?t . ?t <{DCAT}endDate> ?d",
    "total_budget": "?p <{v}budget> ?b . ?b <{v}budgetKind> <{id}concept/budget-kind/total-budget>",
    "eu_contribution": "?p <{v}budget> ?b . "
    "?b <{v}budgetKind> <{id}concept/budget-kind/eu-contribution>",
    "homepage": "?p <http://xmlns.com/foaf/0.1/homepage> ?x",
    "kohesio": "?p <http://www.w3.org/2002/07/owl#sameAs> ?x "
    'FILTER(STRSTARTS(STR(?x), "https://linkedopendata.eu/entity/Q"))',
}
# What an organisation (?p, any resource under {id}organisation/) has.
ORGANISATION_HAVING = {
    "business_id": "?p <http://www.w3.org/ns/adms#identifier> ?i . "
    "?i <http://purl.org/dc/terms/type> <{id}concept/identifier-type/business-id>",
    "organisation_city": "?p <http://purl.org/dc/terms/spatial> ?c . ?c a <{v}City>",
    "wikidata": "?p <http://www.w3.org/2002/07/owl#sameAs> ?x "
    'FILTER(STRSTARTS(STR(?x), "http://www.wikidata.org/entity/Q"))',
}


def counted_in_store(repo: OxigraphRepo, vocab: str, ours: str) -> dict:
    def count(having: str) -> int:
        pattern = having.format(v=vocab, id=ours)
        rows = repo.select(
            f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{vocab}Project> "
            f"FILTER EXISTS {{ {pattern} }} }}"
        )
        return int(rows[0]["n"].value)

    fields = {key: count(having) for key, having in HAVING.items()}
    return {"projects": count("?p a ?type"), "fields": fields}


def organisations_counted_in_store(repo: OxigraphRepo, vocab: str, ours: str) -> dict:
    def count(having: str) -> int:
        pattern = having.format(v=vocab, id=ours)
        rows = repo.select(
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ?kind "
            f'FILTER(STRSTARTS(STR(?p), "{ours}organisation/")) FILTER EXISTS {{ {pattern} }} }}'
        )
        return int(rows[0]["n"].value)

    fields = {key: count(having) for key, having in ORGANISATION_HAVING.items()}
    return {"organisations": count("?p a ?kind"), "fields": fields}


def test_validate_counts_what_the_built_store_holds(bundled_settings, bundled_release, capsys):
    where = ["--root", str(bundled_settings.root), "--releases", str(bundled_settings.releases_dir)]
    assert main([*where, "validate", "--quiet", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    found = report["completeness"]
    assert list(HAVING) == [field.key for field in completeness.FIELDS]
    repo, vocab, ours = (
        OxigraphRepo.open(bundled_release),
        bundled_settings.urls.vocab,
        bundled_settings.urls.id(),
    )
    expected = counted_in_store(repo, vocab, ours)
    assert found == expected
    assert expected["projects"] > 20 and 0 < expected["fields"]["focus_area"] < expected["projects"]
    assert bundled_release.manifest.parts["facts"]["completeness"] == found
    organisations = report["organisation_completeness"]
    assert list(ORGANISATION_HAVING) == [f.key for f in completeness.ORGANISATIONS.fields]
    assert organisations == organisations_counted_in_store(repo, vocab, ours)
    assert 0 < organisations["fields"]["business_id"] < organisations["organisations"]
    facts = bundled_release.manifest.parts["facts"]
    assert facts["organisation_completeness"] == organisations
    main([*where, "validate", "--quiet"])
    text = capsys.readouterr().out
    for field in completeness.FIELDS:
        having, total = found["fields"][field.key], found["projects"]
        share = completeness.share(having, total)
        assert f"  {field.key} " in text and f" {having} / {total}  {share:>5}\n" in text


def test_a_release_built_before_the_counts_has_them_counted(bundled_settings, bundled_release):
    older, facts = copy.deepcopy(bundled_release), bundled_release.manifest.parts["facts"]
    for table in completeness.TABLES:
        del older.manifest.parts["facts"][table.fact]
    client = create_app(bundled_settings, release=older).test_client()
    home = client.get("/", headers={"Accept": "application/json"}).json
    for table in completeness.TABLES:
        assert home[table.fact] == facts[table.fact]
    html = client.get("/?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="coverage"' in html

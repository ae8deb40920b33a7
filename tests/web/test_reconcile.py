"""/reconcile answers as the Reconciliation Service API 0.2 says (what OpenRefine 3.x speaks).

The answers' shapes are checked against the rules of the specification's JSON schemas for
0.2 (manifest, reconciliation result batch, suggest responses), written out below.
"""

from __future__ import annotations

import json
import re

import pytest

ORG = "http://www.w3.org/ns/org#Organization"


def is_type_list(value) -> bool:
    """A list of types: each an object with a string id (and a name), or a string id."""
    return isinstance(value, list) and all(
        isinstance(t, str) or (isinstance(t, dict) and isinstance(t.get("id"), str)) for t in value
    )


def check_manifest(m: dict) -> None:
    assert "0.2" in m["versions"] and all(isinstance(v, str) for v in m["versions"])
    for key in ("name", "identifierSpace", "schemaSpace"):
        assert isinstance(m[key], str) and m[key]
    assert "{{id}}" in m["view"]["url"] and "{{id}}" in m["preview"]["url"]
    assert isinstance(m["preview"]["width"], int) and isinstance(m["preview"]["height"], int)
    assert is_type_list(m["defaultTypes"])
    for service in m["suggest"].values():
        assert isinstance(service["service_url"], str)
        assert isinstance(service["service_path"], str)


def check_result_batch(batch: dict, keys) -> None:
    assert set(batch) == set(keys)
    for answer in batch.values():
        assert isinstance(answer["result"], list)
        scores = []
        for candidate in answer["result"]:
            assert isinstance(candidate["id"], str) and isinstance(candidate["name"], str)
            assert isinstance(candidate["score"], int | float)
            assert isinstance(candidate.get("match", False), bool)
            assert is_type_list(candidate.get("type", []))
            assert isinstance(candidate.get("description", ""), str)
            scores.append(candidate["score"])
        assert scores == sorted(scores, reverse=True)  # "SHOULD be sorted by decreasing score"


def check_suggest(response: dict, notable: bool = False) -> None:
    assert isinstance(response["result"], list)
    for item in response["result"]:
        assert isinstance(item["id"], str) and isinstance(item["name"], str)
        if notable:
            assert is_type_list(item["notable"])


@pytest.fixture
def reconcile(client):
    def send(queries: dict, method: str = "POST"):
        body = {"queries": json.dumps(queries)}
        if method == "POST":
            answer = client.post("/reconcile", data=body)
        else:
            answer = client.get("/reconcile", query_string=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        batch = answer.get_json()
        check_result_batch(batch, queries)
        return batch

    return send


def test_the_manifest(client, bundled_settings):
    answer = client.get("/reconcile")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    manifest = answer.get_json()
    check_manifest(manifest)
    assert manifest["identifierSpace"] == bundled_settings.urls.id()
    project = bundled_settings.urls.term("Project")
    assert {t["id"] for t in manifest["defaultTypes"]} == {project, ORG}


def test_a_batch_of_minimal_queries_by_post_and_by_get(reconcile, bundled_settings):
    queries = {"q0": {"query": "Oulun kaupunki"}, "q1": {"query": "Kuutoskaupunkien avoin data"}}
    for method in ("POST", "GET"):
        batch = reconcile(queries, method)
        first = batch["q0"]["result"][0]
        assert first["id"] == bundled_settings.urls.id() + "organisation/oulun-kaupunki"
        assert first["match"] is True and first["type"][0]["id"] == ORG
        assert batch["q1"]["result"][0]["id"] == bundled_settings.urls.id() + "project/a70011"


def test_a_full_query_with_type_limit_and_properties(reconcile, bundled_settings):
    batch = reconcile(
        {
            "q0": {
                "query": "Oulun kaupungin",  # inflected, as a spreadsheet may have it
                "type": ORG,
                "limit": 2,
                "properties": [{"pid": "business_id", "v": "0187690-1"}],
                "type_strict": "should",
            },
            "q1": {"properties": [{"pid": "eura", "v": ["A70202"]}]},
            "q2": {"query": "Tampere", "type": [ORG], "limit": 3},
        }
    )
    q0 = batch["q0"]["result"]
    assert len(q0) <= 2 and q0[0]["id"].endswith("/organisation/oulun-kaupunki")
    assert q0[0]["score"] == 100 and q0[0]["match"] is True
    (q1,) = batch["q1"]["result"]
    assert q1["id"] == bundled_settings.urls.id() + "project/a70202" and q1["match"] is True
    assert 0 < len(batch["q2"]["result"]) <= 3
    assert all(c["type"][0]["id"] == ORG for c in batch["q2"]["result"])


def test_names_in_english_and_codes_as_the_query(reconcile, bundled_settings):
    batch = reconcile({"en": {"query": "City of Oulu"}, "code": {"query": "A70202"}})
    assert batch["en"]["result"][0]["id"].endswith("/organisation/oulun-kaupunki")
    code = batch["code"]["result"][0]
    assert (code["id"], code["score"], code["match"]) == (
        bundled_settings.urls.id() + "project/a70202",
        100,
        True,
    )


def test_a_vague_name_is_no_certain_match(reconcile):
    batch = reconcile({"q": {"query": "kaupunki"}})
    assert batch["q"]["result"] and not any(c["match"] for c in batch["q"]["result"])


@pytest.mark.parametrize(
    "queries",
    ["not json", "[1, 2]", '{"q0": "Oulu"}', '{"q0": {}}', '{"q0": {"query": "x", "type": "y"}}'],
)
def test_bad_batches_are_400(client, queries):
    assert client.post("/reconcile", data={"queries": queries}).status_code == 400


def test_a_batch_over_the_manifests_size_is_413(client):
    batch = {f"q{n}": {"query": "Oulu"} for n in range(51)}
    assert client.post("/reconcile", data={"queries": json.dumps(batch)}).status_code == 413


def test_suggest_entities_types_and_properties(client):
    entities = client.get("/reconcile/suggest/entity?prefix=oulun").get_json()
    check_suggest(entities, notable=True)
    assert "Oulun kaupunki" in {e["name"] for e in entities["result"]}
    more = client.get("/reconcile/suggest/entity?prefix=oulun&cursor=1").get_json()
    assert more["result"] == entities["result"][1:]
    types = client.get("/reconcile/suggest/type?prefix=org").get_json()
    check_suggest(types)
    assert [t["id"] for t in types["result"]] == [ORG]
    properties = client.get("/reconcile/suggest/property?prefix=bus").get_json()
    check_suggest(properties)
    assert [p["id"] for p in properties["result"]] == ["business_id"]


def test_preview_is_a_small_html_page(client, bundled_settings):
    manifest = client.get("/reconcile").get_json()
    iri = bundled_settings.urls.id() + "organisation/oulun-kaupunki"
    url = manifest["preview"]["url"].replace("{{id}}", iri)
    answer = client.get(re.sub(r"^https?://[^/]+", "", url))
    assert answer.status_code == 200 and answer.content_type.startswith("text/html")
    body = answer.get_data(as_text=True)
    assert "Oulun kaupunki" in body and "0187690-1" in body and "<script" not in body
    assert client.get("/reconcile/preview?id=http://example.org/nothing").status_code == 404

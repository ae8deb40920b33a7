"""The policy reads a query's tokens: keywords in strings, comments and IRIs never count."""

from __future__ import annotations

import pytest

from sixaika.sparql import QueryError
from sixaika.sparql.policy import LOOKUP_RESOURCES, check, read

ALLOWED = frozenset({"http://allowed.example/sparql"})


@pytest.mark.parametrize(
    "query, form",
    [
        ("SELECT * {}", "SELECT"),
        ("  # a comment: INSERT\n ask {}", "ASK"),
        (
            "BASE <http://e/> PREFIX e: <http://e/> PREFIX : <http://f/> CONSTRUCT WHERE {}",
            "CONSTRUCT",
        ),
        ("PREFIX insert: <http://e/> DESCRIBE insert:x", "DESCRIBE"),
        ("INSERT DATA { <a> <b> 'SELECT' }", "INSERT"),
        ("prefix e: <http://e/> with <http://g> delete { ?s ?p ?o } where { ?s ?p ?o }", "WITH"),
        ("LOAD <http://e/x.ttl>", "LOAD"),
        ("", ""),
    ],
)
def test_form_is_the_first_keyword_after_the_prologue(query, form):
    assert read(query).form == form


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/> {}" }',
        "SELECT * { ?s ?p '''\nSERVICE <http://x/> {}\n''' }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/> {}",
        "SELECT * { ?s <http://e/SERVICE> ?service . ?service ?p e:SERVICE . }",
        'SELECT * { ?s ?p "x"@service }',
        "SELECT * { _:service ?p ?o }",
        'SELECT * { ?s ?p "a \\" SERVICE <http://x/> {}" }',
    ],
)
def test_service_hidden_in_other_tokens_is_not_service(query):
    assert read(query).services == ()


@pytest.mark.parametrize(
    "query, endpoint",
    [
        ("SELECT * { SERVICE <http://x/sparql> {} }", "http://x/sparql"),
        ("SELECT * { SERVICE\tsilent\n<http://x/sparql>{} }", "http://x/sparql"),
        ("PREFIX x: <http://x/> SELECT * { SERVICE x:sparql {} }", "http://x/sparql"),
        ("BASE <http://x/a/> SELECT * { SERVICE <../sparql> {} }", "http://x/sparql"),
        ("SELECT * { SERVICE <http://\\u0078/sparql> {} }", "http://x/sparql"),
        ("SELECT * { SERVICE ?endpoint {} }", "?endpoint"),
        ("SELECT * { FILTER(?a<?b) SERVICE<http://x/sparql>{} }", "http://x/sparql"),
    ],
)
def test_service_endpoints_are_found(query, endpoint):
    assert read(query).services == (endpoint,)


def test_dataset_clause_is_noticed():
    assert read("SELECT * FROM <http://g> { ?s ?p ?o }").has_dataset
    assert read("SELECT * from named <http://g> { ?s ?p ?o }").has_dataset
    assert not read("SELECT ?from { ?s <http://e/from> ?from }").has_dataset


def test_check_refuses_updates_service_and_long_queries():
    with pytest.raises(QueryError) as update:
        check("DROP ALL", 1000, ALLOWED)
    assert update.value.status == 403
    with pytest.raises(QueryError) as service:
        check("SELECT * { SERVICE <http://x/sparql> {} }", 1000, ALLOWED)
    assert (
        service.value.status == 400 and "<http://allowed.example/sparql>" in service.value.message
    )
    with pytest.raises(QueryError) as long:
        check("ASK {}" + " " * 1000, 1000, ALLOWED)
    assert long.value.status == 413
    info = check("SELECT * { SERVICE <http://allowed.example/sparql> {} }", 1000, ALLOWED)
    assert info.services == ("http://allowed.example/sparql",)


@pytest.mark.parametrize(
    "query",
    [
        "DESCRIBE <http://e/a>",
        " describe e:a e:b\n",
        "BASE <http://e/> PREFIX e: <http://e/> PREFIX : <http://f/> DESCRIBE <a> e:b :c",
        "DESCRIBE<http://e/a><http://e/b>",
        r"DESCRIBE e:a\/b <http://e/ä> ü:x",
        "DESCRIBE " + "<http://e/a> " * LOOKUP_RESOURCES,
    ],
)
def test_a_describe_of_named_resources_is_a_lookup(query):
    assert read(query).lookup


@pytest.mark.parametrize(
    "query",
    [
        "DESCRIBE ?x",
        "DESCRIBE *",
        "DESCRIBE <http://e/a> {}",
        "DESCRIBE <http://e/a> WHERE { <http://e/a> <http://e/p>* ?o }",
        "DESCRIBE <http://e/a> FROM <http://e/g>",
        "DESCRIBE <http://e/a> LIMIT 1",
        r"DESCRIBE <http://e/\u00e4>",  # decoded before parsing, per the spec: not plain
        r"DESCRIBE e:x\u0020\u007B?s?p?o\u007D",
        "DESCRIBE <http://e/a> # a comment",
        "# a comment\nDESCRIBE <http://e/a>",
        "SELECT * {}",
        "",
        "DESCRIBE " + "a:" * 2000 + "!",  # would take hours if the match backtracked freely
        "DESCRIBE " + "<http://e/a> " * (LOOKUP_RESOURCES + 1),  # too many for the web process
    ],
)
def test_anything_more_is_not_a_lookup(query):
    assert not read(query).lookup

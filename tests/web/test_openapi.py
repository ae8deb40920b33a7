"""/openapi.json and /api: every public route described, every path described answers."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from sixaika.web.openapi import ASSETS, flask_path

HTML = {"Accept": "text/html"}


def test_every_route_of_the_app_is_described_and_nothing_else(app, client):
    described = set(client.get("/openapi.json").get_json()["paths"])
    routes = {flask_path(r.rule) for r in app.url_map.iter_rules()} - set(ASSETS)
    assert described == routes


def test_every_path_described_answers_its_example(client):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"] == "3.1.0" and document["info"]["version"]
    for template, item in document["paths"].items():
        for method, op in item.items():
            params = op["parameters"]
            named = set(re.findall(r"{([^}]+)}", template))
            in_path = {p["name"]: p for p in params if p["in"] == "path"}
            assert set(in_path) == named, template  # each {x} declared, as OpenAPI asks
            path = template
            for name, p in in_path.items():
                path = path.replace("{" + name + "}", str(p["example"]))
            wanted = {
                p["name"]: p["example"] for p in params if p["in"] == "query" and p["required"]
            }
            if template == "/lookup":
                wanted = {"eura": "A70202"}
            url = f"{path}?{urlencode(wanted)}" if wanted else path
            if method == "post":
                form = op["requestBody"]["content"]["application/x-www-form-urlencoded"]
                answer = client.post(url, data=form["example"])
            else:
                answer = client.get(url)
            assert answer.status_code in (200, 301, 303), (method, url, answer.status_code)
            assert str(answer.status_code) in op["responses"], (method, url)


def test_the_table_is_described_from_its_own_parameters(client):
    op = client.get("/openapi.json").get_json()["paths"]["/projects"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"city", "organisation", "role", "fund", "focus_area", "priority_axis"} <= names
    assert {"from", "to", "budget_min", "budget_max", "q", "sort", "order", "cursor"} <= names
    sort = next(p for p in op["parameters"] if p["name"] == "sort")
    assert "total_budget" in sort["schema"]["enum"]


def test_the_api_page_is_rendered_on_the_server_without_script(client):
    page = client.get("/api", headers=HTML).get_data(as_text=True)
    for path in ("/projects.{fmt}", "/search/suggest", "/lookup", "/reconcile", "/sparql"):
        assert f"{path}</code></h3>" in page
    assert "<script>" not in page and "cdn" not in page.lower() and "style=" not in page
    assert 'href="/openapi.json"' in page

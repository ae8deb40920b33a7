"""Example queries that answer real questions about the data.

Written against the default base and moved to the configured one, like the context and the
shapes. The query UI offers each as a tab, the home page links each (``Example.url`` runs
it: a browser gets the results as a page), and ``sixaika query --example SLUG`` runs it.

>>> [e.slug for e in examples(Settings())]
['projects-per-focus-area', 'partners', 'oulu-projects-by-year', 'budgets-by-fund']
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ..config import Settings
from ..urls import Urls

_PREFIXES = """\
PREFIX sixaika: <http://localhost:8000/def/6aika#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True)
class Example:
    slug: str
    title: dict[str, str]  # by language: en, fi
    query: str

    def url(self, urls: Urls) -> str:
        """Where the example runs: ``/sparql?query=...``."""
        return urls.sparql("?query=" + quote(self.query, safe=""))


_EXAMPLES = (
    Example(
        "projects-per-focus-area",
        {"en": "Projects per focus area", "fi": "Hankkeet painopisteittäin"},
        """# How many projects work in each focus area of the strategy?
SELECT ?focusArea ?label (COUNT(DISTINCT ?project) AS ?projects)
WHERE {
  ?project a sixaika:Project ; sixaika:focusArea ?focusArea .
  OPTIONAL { ?focusArea skos:prefLabel ?label FILTER(LANG(?label) = "en") }
}
GROUP BY ?focusArea ?label
ORDER BY DESC(?projects) ?label
""",
    ),
    Example(
        "partners",
        {"en": "Who partners with whom", "fi": "Kuka tekee yhteistyötä kenen kanssa"},
        """# Pairs of organisations that took part in the same projects (as lead or partner).
SELECT ?organisation ?name ?other ?otherName (COUNT(DISTINCT ?project) AS ?projects)
WHERE {
  ?project a sixaika:Project ;
           sixaika:lead|sixaika:partner ?organisation, ?other .
  FILTER(STR(?organisation) < STR(?other))
  OPTIONAL { ?organisation skos:prefLabel ?name FILTER(LANG(?name) = "fi") }
  OPTIONAL { ?other skos:prefLabel ?otherName FILTER(LANG(?otherName) = "fi") }
}
GROUP BY ?organisation ?name ?other ?otherName
ORDER BY DESC(?projects) ?name ?otherName
LIMIT 200
""",
    ),
    Example(
        "oulu-projects-by-year",
        {"en": "Projects in Oulu by year", "fi": "Oulun hankkeet vuosittain"},
        """# Projects with the City of Oulu (or one of its units) as lead or partner, by start year.
SELECT (MIN(YEAR(?start)) AS ?year) ?project (SAMPLE(?title) AS ?name)
WHERE {
  ?project a sixaika:Project ; sixaika:lead|sixaika:partner ?organisation .
  ?organisation org:unitOf*/dct:spatial <http://localhost:8000/id/concept/city/oulu> .
  OPTIONAL { ?project dct:temporal/dcat:startDate ?start }
  OPTIONAL { ?project dct:title ?title FILTER(LANG(?title) = "fi") }
}
GROUP BY ?project
ORDER BY ?year ?name
""",
    ),
    Example(
        "budgets-by-fund",
        {"en": "Budgets by fund", "fi": "Budjetit rahastoittain"},
        """# Budget figures summed per fund and kind of figure (total budget, EU contribution, ...).
# Where sources disagree on a figure, a project counts once, with its highest value.
SELECT ?fund ?fundName ?kind (SUM(?value) AS ?euros) (COUNT(?project) AS ?projects)
WHERE {
  {
    SELECT ?project ?fund ?kind (MAX(?amount) AS ?value)
    WHERE {
      ?project a sixaika:Project ; sixaika:fund ?fund ; sixaika:budget ?budget .
      ?budget schema:value ?amount ; sixaika:budgetKind ?kind .
    }
    GROUP BY ?project ?fund ?kind
  }
  OPTIONAL { ?fund skos:prefLabel ?fundName FILTER(LANG(?fundName) = "en") }
}
GROUP BY ?fund ?fundName ?kind
ORDER BY ?fund ?kind
""",
    ),
)


def examples(settings: Settings) -> list[Example]:
    """The examples, their IRIs under ``settings.base``."""
    return [Example(e.slug, e.title, settings.rebase(_with_prefixes(e.query))) for e in _EXAMPLES]


def example(settings: Settings, slug: str) -> Example | None:
    return next((e for e in examples(settings) if e.slug == slug), None)


def _with_prefixes(query: str) -> str:
    """The prefixes after the opening comment, which says what the query asks."""
    lines = query.splitlines(keepends=True)
    opening = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return "".join(lines[:opening]) + _PREFIXES + "".join(lines[opening:])

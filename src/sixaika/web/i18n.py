"""The pages' own words in Finnish, English and Swedish, and the reader's language.

The data's labels come from the data, and the names of terms (the ontology's, reused
ones), their places on a page and the headings of links read backwards from the release's
vocabulary (``sixaika.vocabulary``); this module holds only the interface's own words. A
language chosen with ``?lang=`` goes along the links of the page (``page_url``).
"""

from __future__ import annotations

from flask import request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ..config import DEFAULT_LANGUAGE, LANGUAGES
from ..formats import FORMATS
from .conneg import HTML

LANGUAGE_NAMES = {"fi": "suomi", "en": "English", "sv": "svenska"}


def asked_language() -> str | None:
    """``?lang=`` if it names one of ours."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else None


def reader_language() -> str:
    """``?lang=`` if it names one of ours, else the best of ``Accept-Language``."""
    return asked_language() or accepted_language(request.headers.get("Accept-Language"))


def accepted_language(accept_language: str | None) -> str:
    """The best of our languages by an ``Accept-Language`` header (as werkzeug's request
    parses it), else the default.

    >>> accepted_language("sv, fi;q=0.8"), accepted_language("de"), accepted_language(None)
    ('sv', 'en', 'en')
    """
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


# Data and dumps need no language: every format's extension but the page's, and gzip.
FILES = (*(f".{f.extension}" for f in FORMATS if f.extension and f is not HTML), ".gz")


def page_url(href: str, lang: str | None) -> str:
    """``href`` asking for ``lang`` if it leads to a page of this site (a path or a query,
    not a file or another site). The site keeps no cookie: a language chosen with
    ``?lang=`` lasts only as long as the links carry it on.

    >>> page_url("/def/6aika#Project", "fi"), page_url("?page=2", "sv")
    ('/def/6aika?lang=fi#Project', '?page=2&lang=sv')
    >>> page_url("/dumps/projects.nt.gz", "fi"), page_url("https://example.org/", "fi")
    ('/dumps/projects.nt.gz', 'https://example.org/')
    >>> page_url("/doc/project/?lang=en&page=2", "fi")  # one lang, the one asked for
    '/doc/project/?page=2&lang=fi'
    """
    url, hash_, fragment = href.partition("#")
    path, _, query = url.partition("?")
    if not lang or not url.startswith(("/", "?")) or path.endswith(FILES):
        return href
    params = [p for p in query.split("&") if p and not p.startswith("lang=")] + [f"lang={lang}"]
    return f"{path}?{'&'.join(params)}{hash_}{fragment}"


def fallback_order(lang: str) -> tuple[str, ...]:
    """Languages to try for a text, the reader's first; '' is a text without a tag."""
    return (lang, *(x for x in ("en", "fi", "sv") if x != lang), "")


def pick(texts: dict[str, str], lang: str) -> tuple[str, str] | None:
    """(text, its language) in the reader's language or the nearest one we have."""
    for candidate in fallback_order(lang):
        if candidate in texts:
            return texts[candidate], candidate
    if texts:
        tag = sorted(texts)[0]
        return texts[tag], tag
    return None


# Interface texts: key -> (en, fi, sv).
_UI: dict[str, tuple[str, str, str]] = {
    "site": ("6Aika linked open data", "6Aika avoin linkitetty data", "6Aika länkade öppna data"),
    "home": ("Home", "Etusivu", "Startsida"),
    "projects": ("Projects", "Hankkeet", "Projekt"),
    "organisations": ("Organisations", "Organisaatiot", "Organisationer"),
    "concepts": ("Concepts", "Käsitteet", "Begrepp"),
    "schemes": ("Concept schemes", "Käsitejärjestelmät", "Begreppssystem"),
    "strategy": ("Strategy", "Strategia", "Strategi"),
    "catalog": ("Data catalogue", "Datakatalogi", "Datakatalog"),
    "sparql": ("SPARQL endpoint", "SPARQL-rajapinta", "SPARQL-gränssnitt"),
    "ontology": ("Ontology", "Ontologia", "Ontologi"),
    "shapes": ("Shapes", "Muodot", "Former"),
    "dumps": ("Downloads", "Lataukset", "Nedladdningar"),
    "void": (
        "Dataset statistics (VoID)",
        "Aineiston tilastot (VoID)",
        "Datamängdens statistik (VoID)",
    ),
    "language": ("Language", "Kieli", "Språk"),
    "formats": ("This page as data", "Tämä sivu datana", "Denna sida som data"),
    "identifier": ("Identifier", "Tunniste", "Identifierare"),
    "facts": ("Facts", "Tiedot", "Uppgifter"),
    "linked_from": ("Linked from", "Viittaukset tähän", "Länkar hit"),
    "linked_as": ("Linked as “{0}” from", "Viitattu ominaisuudella ”{0}”", "Länkad som ”{0}” från"),
    "participation": (
        "Projects of the organisations above",
        "Yllä lueteltujen organisaatioiden hankkeet",
        "Projekt för organisationerna ovan",
    ),
    "via": ("via {0}", "kautta: {0}", "via {0}"),
    "cut": (
        "Showing {0} of {1} links; the SPARQL endpoint has them all.",
        "Näytetään {0}/{1} viittausta; SPARQL-rajapinnasta löytyvät kaikki.",
        "Visar {0} av {1} länkar; SPARQL-gränssnittet har alla.",
    ),
    "status": ("Status on {0}", "Tilanne {0}", "Läge {0}"),
    "ended": ("ended", "päättynyt", "avslutat"),
    "running": ("running", "käynnissä", "pågår"),
    "not started": ("not started", "ei alkanut", "inte påbörjat"),
    "yes": ("yes", "kyllä", "ja"),
    "no": ("no", "ei", "nej"),
    "approximately": ("approximately", "noin", "cirka"),
    "page": ("Page {0} of {1}", "Sivu {0}/{1}", "Sida {0} av {1}"),
    "previous": ("Previous", "Edellinen", "Föregående"),
    "next": ("Next", "Seuraava", "Nästa"),
    "count": ("{0} in all", "Yhteensä {0}", "Totalt {0}"),
    "not_found": ("Not found", "Ei löytynyt", "Hittades inte"),
    "not_found_text": (
        "The requested URL was not found on the server. If you entered the URL manually "
        "please check your spelling and try again.",
        "Pyydettyä osoitetta ei löytynyt palvelimelta. Jos kirjoitit osoitteen itse, "
        "tarkista sen kirjoitusasu ja yritä uudelleen.",
        "Den begärda adressen finns inte på servern. Om du skrev in adressen själv, "
        "kontrollera stavningen och försök igen.",
    ),
    "release": ("Release", "Julkaisu", "Utgåva"),
    "context": ("JSON-LD context", "JSON-LD-konteksti", "JSON-LD-kontext"),
    "about": (
        "Descriptions of the projects of 6Aika, the Six City Strategy of Helsinki, Espoo, "
        "Vantaa, Tampere, Turku and Oulu (EU structural funds 2014–2020), as linked open "
        "data. Every fact names its source. Every resource has a permanent address that "
        "answers in HTML, Turtle, JSON-LD, RDF/XML and N-Triples.",
        "Kuuden suurimman kaupungin (Helsinki, Espoo, Vantaa, Tampere, Turku ja Oulu) "
        "6Aika-strategian hankkeiden kuvaukset avoimena linkitettynä datana "
        "(EU:n rakennerahastokausi 2014–2020). Jokaisella tiedolla on lähde. Jokaisella "
        "resurssilla on pysyvä osoite, joka vastaa HTML-, Turtle-, JSON-LD-, RDF/XML- ja "
        "N-Triples-muodoissa.",
        "Beskrivningar av projekten i 6Aika, sexstadsstrategin för Helsingfors, Esbo, "
        "Vanda, Tammerfors, Åbo och Uleåborg (EU:s strukturfonder 2014–2020), som länkade "
        "öppna data. Varje uppgift anger sin källa. Varje resurs har en permanent adress "
        "som svarar i HTML, Turtle, JSON-LD, RDF/XML och N-Triples.",
    ),
    "datasets": ("Datasets", "Aineistot", "Datamängder"),
    "triples": ("triples", "kolmikkoa", "tripplar"),
    "examples": ("Try these", "Kokeile näitä", "Prova dessa"),
    "timeline": ("Projects over time", "Hankkeet aikajanalla", "Projekten över tid"),
    "by_focus_area": (
        "Projects by focus area",
        "Hankkeet painopistealueittain",
        "Projekt per fokusområde",
    ),
    "by_fund": ("Projects by fund", "Hankkeet rahastoittain", "Projekt per fond"),
    "by_city": ("Projects by city", "Hankkeet kaupungeittain", "Projekt per stad"),
    "by_start_year": (
        "Projects by start year",
        "Hankkeet aloitusvuoden mukaan",
        "Projekt per startår",
    ),
    # what each chart leaves out, and the coverage table (read.completeness)
    "having_focus_area": (
        "{0} of {1} projects have a focus area",
        "{0}/{1} hankkeella on painopistealue",
        "{0} av {1} projekt har ett fokusområde",
    ),
    "having_fund": (
        "{0} of {1} projects name their fund",
        "{0}/{1} hankkeella on rahasto",
        "{0} av {1} projekt anger sin fond",
    ),
    "having_city": (
        "{0} of {1} projects have a lead or partner in a city",
        "{0}/{1} hankkeella on päätoteuttaja tai osatoteuttaja kaupungissa",
        "{0} av {1} projekt har en huvud- eller delgenomförare i en stad",
    ),
    "having_start": (
        "{0} of {1} projects have a start date",
        "{0}/{1} hankkeella on alkamisaika",
        "{0} av {1} projekt har ett startdatum",
    ),
    "coverage": ("How complete the data is", "Tietojen kattavuus", "Uppgifternas fullständighet"),
    "coverage_intro_projects": (
        "There are {0} projects. The table says how many of them have each fact; a fact "
        "that no source gives stays out.",
        "Hankkeita on {0}. Taulukko kertoo, kuinka monella niistä kukin tieto on; tieto, "
        "jota mikään lähde ei anna, jää pois.",
        "Det finns {0} projekt. Tabellen visar hur många av dem som har varje uppgift; en "
        "uppgift som ingen källa ger utelämnas.",
    ),
    "coverage_intro_organisations": (
        "There are {0} organisations. This table says the same of them.",
        "Organisaatioita on {0}. Tämä taulukko kertoo saman niistä.",
        "Det finns {0} organisationer. Den här tabellen visar detsamma för dem.",
    ),
    "field": ("Field", "Tieto", "Uppgift"),
    "coverage_having_projects": (
        "Projects that have it",
        "Hankkeita, joilla se on",
        "Projekt som har den",
    ),
    "coverage_having_organisations": (
        "Organisations that have it",
        "Organisaatioita, joilla se on",
        "Organisationer som har den",
    ),
    "share": ("Share", "Osuus", "Andel"),
    "percent": ("{0}%", "{0}\u00a0%", "{0}\u00a0%"),  # a space that does not break
    "since": ("from {0}", "{0} alkaen", "från {0}"),
    "as_list": ("As a list", "Luettelona", "Som lista"),
    "n_projects": ("{0} projects", "{0} hanketta", "{0} projekt"),
    "n_projects_one": ("{0} project", "{0} hanke", "{0} projekt"),
    # search (web/search.py)
    "search": ("Search", "Haku", "Sök"),
    "search_label": (
        "Search projects, organisations and concepts",
        "Hae hankkeita, organisaatioita ja käsitteitä",
        "Sök projekt, organisationer och begrepp",
    ),
    "search_results": ("Results for “{0}”", "Tulokset haulle ”{0}”", "Resultat för ”{0}”"),
    "n_results": ("{0} results", "{0} tulosta", "{0} resultat"),
    "n_results_one": ("{0} result", "{0} tulos", "{0} resultat"),
    "no_results": (
        "Nothing was found. Try fewer or other words, or a code (A70202, 0187690-1).",
        "Mitään ei löytynyt. Kokeile vähemmän tai muita sanoja tai tunnusta (A70202, 0187690-1).",
        "Inget hittades. Pröva färre eller andra ord, eller en kod (A70202, 0187690-1).",
    ),
    "search_hint": (
        "Words in any form, in Finnish, English or Swedish; or a EURA code or business ID.",
        "Sanoja missä muodossa tahansa suomeksi, englanniksi tai ruotsiksi; tai EURA-koodi "
        "tai Y-tunnus.",
        "Ord i vilken form som helst, på finska, engelska eller svenska; eller en EURA-kod "
        "eller ett FO-nummer.",
    ),
    "analyser_voikko": (
        "Finnish words are matched by their base forms (Voikko).",
        "Suomen sanat haetaan perusmuodoissaan (Voikko).",
        "Finska ord matchas i sina grundformer (Voikko).",
    ),
    "analyser_snowball": (
        "Finnish words are matched by their stems (Snowball; Voikko is not installed).",
        "Suomen sanat haetaan vartaloina (Snowball; Voikkoa ei ole asennettu).",
        "Finska ord matchas med sina stammar (Snowball; Voikko är inte installerat).",
    ),
    "kind_project": ("Project", "Hanke", "Projekt"),
    "kind_organisation": ("Organisation", "Organisaatio", "Organisation"),
    "kind_concept": ("Concept", "Käsite", "Begrepp"),
    "matched_code": ("code", "tunnus", "kod"),
    "sparql_intro": (
        "Ask your own questions in SPARQL 1.1:",
        "Kysy omia kysymyksiäsi SPARQL 1.1 -kielellä:",
        "Ställ egna frågor i SPARQL 1.1:",
    ),
    "download": ("Download", "Lataa", "Ladda ner"),
    "size": ("Size", "Koko", "Storlek"),
    "format": ("Format", "Muoto", "Format"),
    "file": ("File", "Tiedosto", "Fil"),
    "classes": ("Classes", "Luokat", "Klasser"),
    "properties": ("Properties", "Ominaisuudet", "Egenskaper"),
    "domain": ("Domain", "Määrittelyjoukko", "Domän"),
    "range": ("Range", "Arvojoukko", "Värdemängd"),
    "alignments": ("Alignments", "Vastaavuudet", "Motsvarigheter"),
    "term": ("Term", "Termi", "Term"),
    "relation": ("Relation", "Suhde", "Relation"),
    "target": ("Corresponds to", "Vastine", "Motsvarighet"),
    "why": ("why", "perustelu", "motivering"),
    "used": ("Used", "Käytetty", "Används"),
    "times": ("{0} times", "{0} kertaa", "{0} gånger"),
    "times_one": ("once", "kerran", "en gång"),
    "targets": ("Applies to", "Koskee", "Gäller"),
    "severity": ("Severity", "Vakavuus", "Allvarlighetsgrad"),
    "rule": ("Rule", "Sääntö", "Regel"),
    "node_shapes": (
        "Rules for resources (node shapes)",
        "Resurssien säännöt (sh:NodeShape)",
        "Regler för resurser (sh:NodeShape)",
    ),
    "property_shapes": (
        "Rules for properties (property shapes)",
        "Ominaisuuksien säännöt (sh:PropertyShape)",
        "Regler för egenskaper (sh:PropertyShape)",
    ),
    "version": ("Version", "Versio", "Version"),
    # the SPARQL page; {0}, {1}, ... may be markup the template makes (code, a link)
    "sparql_about": (
        "SPARQL 1.1 over the published data: {0} (GET or POST, the W3C SPARQL 1.1 "
        "Protocol). The default graph is the union of the named graphs, one per dataset "
        "(see {1}).",
        "SPARQL 1.1 -kyselyt julkaistuun dataan: {0} (GET tai POST, W3C:n SPARQL 1.1 "
        "-protokolla). Oletusgraafi on nimettyjen graafien yhdiste; jokaisella aineistolla "
        "on oma graafinsa (ks. {1}).",
        "SPARQL 1.1-frågor mot publicerade data: {0} (GET eller POST, W3C:s SPARQL "
        "1.1-protokoll). Standardgrafen är unionen av de namngivna graferna, en per "
        "datamängd (se {1}).",
    ),
    "sparql_limits": (
        "Read-only. A query may run {0} s (ask for less with {1}), be {2} characters long "
        "and return {3} MB. Results as SPARQL JSON, XML, CSV or TSV; graphs as Turtle, "
        "JSON-LD, RDF/XML or N-Triples, chosen by {4}. {5} gives the service description.",
        "Vain lukukyselyt. Kysely saa kestää enintään {0} s (lyhyemmän ajan voi pyytää "
        "parametrilla {1}), olla enintään {2} merkkiä pitkä ja palauttaa enintään {3} Mt. "
        "Tulokset SPARQL JSON -, XML-, CSV- tai TSV-muodossa ja graafit Turtle-, JSON-LD-, "
        "RDF/XML- tai N-Triples-muodossa {4}-otsakkeen mukaan. {5} antaa palvelun kuvauksen.",
        "Skrivskyddad. En fråga får ta högst {0} s (be om kortare tid med {1}), vara högst "
        "{2} tecken lång och returnera högst {3} MB. Resultat som SPARQL JSON, XML, CSV "
        "eller TSV, grafer som Turtle, JSON-LD, RDF/XML eller N-Triples, enligt "
        "{4}-huvudet. {5} ger tjänstebeskrivningen.",
    ),
    "sparql_protocol": (
        "SPARQL 1.1 Protocol, read-only.",
        "SPARQL 1.1 -protokolla, vain luku.",
        "SPARQL 1.1-protokollet, endast läsning.",
    ),
    "query": ("Query", "Kysely", "Fråga"),
    "sparql_endpoint": ("Endpoint", "Rajapinnan osoite", "Gränssnittets adress"),
    "query_name": ("The query's name", "Kyselyn nimi", "Frågans namn"),
    "run_query": ("Run query", "Suorita kysely", "Kör frågan"),
    "result_as": ("as", "tulos", "som"),
    "a_page": ("a page", "verkkosivuna", "en sida"),
    "no_yasgui": (
        "The interactive editor (YASGUI) is not installed on this server; this form works "
        "without it.",
        "Vuorovaikutteista editoria (YASGUI) ei ole asennettu tälle palvelimelle; tämä "
        "lomake toimii ilman sitä.",
        "Den interaktiva redigeraren (YASGUI) är inte installerad på den här servern; "
        "formuläret fungerar utan den.",
    ),
    "error": ("Error", "Virhe", "Fel"),
    "answer": ("Answer", "Vastaus", "Svar"),
    "true": ("yes (true)", "kyllä (true)", "ja (true)"),
    "false": ("no (false)", "ei (false)", "nej (false)"),
    "result": ("Result", "Tulos", "Resultat"),
    "results": ("Results", "Tulokset", "Resultat"),
    "n_rows": ("{0} rows", "{0} riviä", "{0} rader"),
    "n_rows_one": ("{0} row", "{0} rivi", "{0} rad"),
    "more_rows": (
        "More than {0} rows: the first {0} are shown; download them all with a format above.",
        "Yli {0} riviä: ensimmäiset {0} näytetään; lataa kaikki jossakin yllä olevista muodoista.",
        "Fler än {0} rader: de första {0} visas; ladda ner alla i ett av formaten ovan.",
    ),
    "sparql_examples": ("Examples", "Esimerkkejä", "Exempel"),
    # the project table (web/table.py)
    "table": ("Project table", "Hanketaulukko", "Projekttabell"),
    "table_intro": (
        "Every project, filtered and sorted as you choose. The address of this page keeps "
        "the choice: share it, or download the rows.",
        "Kaikki hankkeet suodatettuina ja järjestettyinä valintasi mukaan. Sivun osoite "
        "säilyttää valinnan: jaa se tai lataa rivit.",
        "Alla projekt, filtrerade och sorterade som du väljer. Sidans adress behåller "
        "valet: dela den eller ladda ner raderna.",
    ),
    "col_title": ("Title", "Nimi", "Namn"),
    "col_lead": ("Lead", "Päätoteuttaja", "Huvudgenomförare"),
    "col_cities": ("Cities", "Kaupungit", "Städer"),
    "col_city": ("City", "Kaupunki", "Stad"),
    "col_fund": ("Fund", "Rahasto", "Fond"),
    "col_focus_area": ("Focus area", "Painopistealue", "Fokusområde"),
    "col_priority_axis": ("Priority axis", "Toimintalinja", "Insatsområde"),
    "col_organisation": ("Organisation", "Organisaatio", "Organisation"),
    "col_start": ("Start", "Alku", "Början"),
    "col_end": ("End", "Loppu", "Slut"),
    "col_total_budget": ("Total budget", "Kokonaisbudjetti", "Total budget"),
    "col_eu_contribution": ("EU contribution", "EU-rahoitus", "EU-bidrag"),
    "filters": ("Filters", "Rajaukset", "Filter"),
    "apply_filters": ("Show projects", "Näytä hankkeet", "Visa projekt"),
    "clear_filters": ("Clear all filters", "Poista rajaukset", "Ta bort alla filter"),
    "words": ("Words", "Sanat", "Ord"),
    "role": ("Role", "Rooli", "Roll"),
    "any_role": ("any role", "mikä tahansa rooli", "vilken roll som helst"),
    "as_lead": ("as lead", "päätoteuttajana", "som huvudgenomförare"),
    "as_partner": ("as partner", "osatoteuttajana", "som delgenomförare"),
    "years": ("Years running", "Käynnissä vuosina", "Pågår åren"),
    "year_from": ("from", "alkaen", "från"),
    "year_to": ("to", "asti", "till"),
    "any_year": ("any", "mikä tahansa", "vilket som helst"),
    "budget_range": ("Total budget, euros", "Kokonaisbudjetti, euroa", "Total budget, euro"),
    "at_least": ("at least", "vähintään", "minst"),
    "at_most": ("at most", "enintään", "högst"),
    "sort_by": ("Sort by {0}", "Järjestä: {0}", "Sortera efter {0}"),
    "first_page": ("First page", "Ensimmäinen sivu", "Första sidan"),
    "next_page": ("Next {0}", "Seuraavat {0}", "Nästa {0}"),
    "rows_as": ("These rows as", "Nämä rivit muodossa", "Dessa rader som"),
    # the API's description (web/openapi.py)
    "api": ("API", "Rajapinnat", "Gränssnitt"),
    "api_intro": (
        "Every address this server answers, for programs. The same as a machine-readable "
        "description:",
        "Kaikki tämän palvelimen osoitteet ohjelmille. Sama koneluettavana kuvauksena:",
        "Alla adresser som servern svarar på, för program. Samma som en maskinläsbar beskrivning:",
    ),
    # the map (web/maps.py)
    "map": ("Map", "Kartta", "Karta"),
    "map_intro": (
        "The six cities of 6Aika, each circle as large as the number of projects with a lead "
        "or partner in the city. A city leads to its projects in the project table.",
        "6Aika-kaupungit kartalla: ympyrän koko kertoo, monessako hankkeessa on päätoteuttaja "
        "tai osatoteuttaja kaupungista. Kaupungista pääsee sen hankkeisiin hanketaulukossa.",
        "De sex 6Aika-städerna: varje cirkel är lika stor som antalet projekt med en "
        "huvudgenomförare eller delgenomförare i staden. En stad leder till dess projekt i "
        "projekttabellen.",
    ),
    "map_caption": (
        "Projects by city on a map of Finland",
        "Hankkeet kaupungeittain Suomen kartalla",
        "Projekt per stad på en karta över Finland",
    ),
    "map_source": (
        "Finland's outline: Natural Earth (public domain). The cities' places: the data.",
        "Suomen ääriviivat: Natural Earth (vapaasti käytettävissä). Kaupunkien sijainnit: "
        "aineisto.",
        "Finlands kontur: Natural Earth (allmän egendom). Städernas lägen: data.",
    ),
    "map_of_project": ("The project's cities", "Hankkeen kaupungit", "Projektets städer"),
    "map_of_organisation": (
        "Its projects by city",
        "Sen hankkeet kaupungeittain",
        "Dess projekt per stad",
    ),
    # a project's page for people (web/project.py)
    "permanent_address": ("Permanent address", "Pysyvä osoite", "Permanent adress"),
    "at_a_glance": ("At a glance", "Lyhyesti", "I korthet"),
    "period": ("Period", "Kesto", "Period"),
    "sources": ("Sources", "Lähteet", "Källor"),
    "role_lead": ("lead", "päätoteuttaja", "huvudgenomförare"),
    "role_partner": ("partner", "osatoteuttaja", "delgenomförare"),
    "source": ("source", "lähde", "källa"),
    "source_n": ("source {0}", "lähde {0}", "källa {0}"),
    "n_sources": ("{0} sources", "{0} lähdettä", "{0} källor"),
    "n_sources_one": ("{0} source", "{0} lähde", "{0} källa"),
    "cite_this": ("Cite this", "Viittaa tähän", "Citera detta"),
    "plain_text": ("Plain text", "Tekstinä", "Som text"),
    "cite_text": (
        "{0}. {1}, release {2}, {3}. {4}",
        "{0}. {1}, julkaisu {2}, {3}. {4}",
        "{0}. {1}, utgåva {2}, {3}. {4}",
    ),
    "cite_note": ("Release {0}", "Julkaisu {0}", "Utgåva {0}"),
    "table_link": (
        "Filter, sort and download them in the project table",
        "Rajaa, järjestä ja lataa ne hanketaulukossa",
        "Filtrera, sortera och ladda ner dem i projekttabellen",
    ),
}


def words(key: str, lang: str) -> str:
    """The interface text ``key`` in ``lang``, its ``{0}``, ``{1}``, ... still to fill."""
    en, fi, sv = _UI[key]
    return {"fi": fi, "sv": sv}.get(lang, en)


def text(key: str, lang: str, *args: object) -> str:
    return words(key, lang).format(*args)


def counted(key: str, lang: str, n: int, *args: object) -> str:
    """The text ``key`` for ``n`` things (its ``{0}``): the ``_one`` form for one thing.

    >>> counted("n_projects", "fi", 1), counted("n_projects", "fi", 2)
    ('1 hanke', '2 hanketta')
    >>> counted("n_projects", "en", 1), counted("times", "sv", 1)
    ('1 project', 'en gång')
    """
    # Finnish, English and Swedish all have one form for 1 and another for the rest.
    return text(f"{key}_one" if n == 1 else key, lang, n, *args)

"""The build pipeline on a small synthetic project: load, link, validate, release, bad input."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from sixaika.build import dumps, partitions
from sixaika.build import release as release_module
from sixaika.build.sources import load_sources
from sixaika.cli import _in_a_child, main, parser
from sixaika.config import Settings
from sixaika.read import completeness
from sixaika.release import Release
from sixaika.web import create_app


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def tree_digest(folder: Path) -> dict[str, str]:
    """The releases' files (not the build cache beside them, which is no release)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(folder).parts
    }


# validate ---------------------------------------------------------------------------


def test_validate_conforms_with_warnings(mini, capsys):
    code, out, _ = run(capsys, "validate", "--quiet")
    assert code == 0
    assert "conforms: 0 violations, 1 warning" in out
    assert "data/projects/p1.yaml:2: Warning: project/p1 dct:description" in out


def test_validate_reports_violation_with_file_line_and_finnish(mini, capsys):
    path = mini / "data/projects/p1.yaml"
    title = "title:\n  fi: Esimerkkihanke\n  en: Example project\n"
    path.write_text(path.read_text().replace(title, ""))
    code, out, _ = run(capsys, "validate", "--quiet", "--lang", "fi")
    assert code == 1
    assert "data/projects/p1.yaml:2: Virhe: project/p1 dct:title: Hankkeella on oltava nimi." in out
    assert "\nei kelpaa: 1 virhe, 1 varoitus\n\nHankkeet, joilla tieto on (1 hankkeesta):" in out


def test_validate_machine_reports(mini, capsys):
    code, out, _ = run(capsys, "validate", "--quiet", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["conforms"] is True and report["warnings"] == 1
    code, out, _ = run(capsys, "validate", "--quiet", "--format", "turtle")
    graph = rdflib.Graph().parse(data=out, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, rdflib.RDF.type, sh.ValidationReport) in graph


@pytest.fixture
def three_projects(mini) -> Path:
    """The mini project with three projects, of which the third names no participants:
    no lead and no partners."""
    template = (mini / "data/projects/p1.yaml").read_text()
    (mini / "data/projects/p2.yaml").write_text(template.replace("project/p1", "project/p2"))
    without = template.replace("project/p1", "project/p3").split("participants:")[0]
    (mini / "data/projects/p3.yaml").write_text(without + "source: https://example.org/p3\n")
    return mini


def coverage(out: str) -> dict[str, tuple[int, int]]:
    """The coverage lines validate ends with: key -> (projects having it, of how many)."""
    rows = re.findall(r"^  (\w+)  .*?(\d+) / (\d+) +(?:\d+ %|–)$", out, flags=re.M)
    return {key: (int(having), int(total)) for key, having, total in rows}


def test_validate_ends_with_how_many_projects_have_each_field(three_projects, capsys):
    code, out, _ = run(capsys, "validate", "--quiet")
    assert code == 0
    found = coverage(out)
    assert list(found) == list(completeness.BY_KEY)  # the projects' fields, then the others'
    assert found["lead"] == found["partners"] == (2, 3)
    assert found["business_id"] == found["organisation_city"] == found["wikidata"] == (0, 2)
    assert found["title_fi"] == found["title_en"] == found["start"] == found["end"] == (3, 3)
    assert found["fund"] == found["title_sv"] == (0, 3)
    assert "  lead                Lead                             2 / 3   67 %" in out
    assert (
        out.index("conforms: 0 violations, 3 warnings")
        < out.index("Projects that have each field (of 3):")
        < out.index("Organisations that have each field (of 2):")
    )
    _, fi, _ = run(capsys, "validate", "--quiet", "--lang", "fi")
    assert "Hankkeet, joilla tieto on (3 hankkeesta):" in fi and coverage(fi) == found
    assert "Organisaatiot, joilla tieto on (2 organisaatiosta):" in fi
    assert "Päätoteuttaja" in fi
    report = json.loads(run(capsys, "validate", "--quiet", "--format", "json")[1])
    assert report["completeness"]["projects"] == 3
    assert report["completeness"]["fields"]["lead"] == 2
    assert report["organisation_completeness"] == {
        "organisations": 2,
        "fields": {"business_id": 0, "organisation_city": 0, "wikidata": 0},
    }


def test_validate_lists_the_projects_that_lack_a_field(three_projects, capsys):
    code, out, _ = run(capsys, "validate", "--quiet", "--missing", "lead")
    assert code == 0
    p3 = "\n  data/projects/p3.yaml: project/p3\n"
    assert out.endswith("Lead is missing from 1 of 3 projects:" + p3)
    _, fi, _ = run(capsys, "validate", "--quiet", "--missing", "partners", "--lang", "fi")
    assert fi.endswith("Osatoteuttajat puuttuu 1 / 3 hankkeelta:" + p3)
    _, every, _ = run(capsys, "validate", "--quiet", "--missing", "fund")
    assert every.count("  data/projects/p") == 3
    _, organisations, _ = run(capsys, "validate", "--quiet", "--missing", "business_id")
    assert organisations.endswith(
        "Business ID is missing from 2 of 2 organisations:\n"
        "  data/organisations.yaml: organisation/example-lead\n"
        "  data/organisations.yaml: organisation/example-partner\n"
    )
    with pytest.raises(SystemExit):
        main(["validate", "--missing", "colour"])
    assert "invalid choice: 'colour'" in capsys.readouterr().err


def test_build_ends_with_the_counts_the_home_page_shows(three_projects, capsys):
    code, out, err = run(capsys, "build", "--quiet")
    settings = Settings.from_env({})
    release = Release.current(settings)
    assert code == 0 and release is not None and out.strip().endswith(release.id)
    assert coverage(err)["lead"] == (2, 3)
    home = create_app(settings, release=release).test_client().get("/?lang=en")
    html = home.get_data(as_text=True)
    assert '<tr><th scope="row">Lead</th><td>2</td><td>67%</td></tr>' in html
    assert "<p>There are 3 projects." in html
    assert "<p>There are 2 organisations." in html
    assert '<tr><th scope="row">Business ID</th><td>0</td><td>0%</td></tr>' in html


def test_counts_of_cached_files_are_those_of_validated_ones(three_projects, capsys, monkeypatch):
    """The counts come with each file's result into the build cache: a second run, from
    the cache, and a run in partitions on two processes count the same."""
    first = coverage(run(capsys, "validate", "--quiet")[1])
    assert coverage(run(capsys, "validate", "--quiet")[1]) == first
    shutil.rmtree(three_projects / "var/releases/.cache")
    monkeypatch.setattr(partitions, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "2")
    code, out, err = run(capsys, "validate")
    assert "partitions on 2 processes" in err and coverage(out) == first


# bad input: one line naming the place, exit 2, no traceback --------------------------

BAD_INPUTS = {
    "malformed YAML": (
        "data/projects/p1.yaml",
        "title: [unclosed\n",
        "data/projects/p1.yaml:2: malformed YAML",
    ),
    "malformed Turtle": ("data/extra.ttl", "<a> <b> .\n", "data/extra.ttl:1: malformed Turtle"),
    "unknown Turtle prefix": (
        "data/extra.ttl",
        "@prefix x: <http://x/> .\n\nfoo:a x:b x:c .\n",
        "data/extra.ttl:3: malformed Turtle",
    ),
    "unknown YAML prefix": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nsource: foo:bar\n",
        "data/projects/p2.yaml:3: unknown prefix 'foo'",
    ),
    "unknown property": (
        "data/projects/p2.yaml",
        "id: project/p2\ntitel: {fi: x}\n",
        "data/projects/p2.yaml:2: unknown property 'titel'",
    ),
    "unknown type": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Projekt\n",
        "data/projects/p2.yaml:2: unknown type 'Projekt'",
    ),
    "link to nothing": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nspatial: organisation/nobody\n",
        "data/projects/p2.yaml:3: links to organisation/nobody, which no record",
    ),
    # Lead and partners come from participants, with their source: written beside them
    # they were dropped without a word, written alone they had none.
    "a lead written by hand": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nlead: organisation/example-lead\n",
        "data/projects/p2.yaml:3: lead is made from participants: write the lead and the "
        "partners there",
    ),
    "lead and sourced roles that disagree (Turtle)": (
        "data/extra.ttl",
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
        "@prefix id: <http://localhost:8000/id/> .\n"
        "@prefix sixaika: <http://localhost:8000/def/6aika#> .\n"
        "id:project\\/extra sixaika:lead id:organisation\\/example-lead ;\n"
        "  prov:qualifiedAttribution [ prov:agent id:organisation\\/example-partner ;\n"
        "    dcat:hadRole id:concept\\/role\\/lead ] .\n",
        "the lead links and the sourced roles (prov:qualifiedAttribution) name different "
        "organisations: organisation/example-lead, organisation/example-partner",
    ),
    "term defined nowhere": (
        "data/extra.ttl",
        "<http://localhost:8000/id/project/extra> <http://localhost:8000/def/6aika#bogus> 1 .\n",
        "6aika:bogus, which the ontology does not define",
    ),
    "term of no reused vocabulary": (
        "data/extra.ttl",
        "<http://localhost:8000/id/project/extra> <http://example.org/madeup#p> 1 .\n",
        "in no vocabulary this project reuses",
    ),
    "two records claim one IRI": (
        "data/projects/p2.yaml",
        "id: project/p1\ntype: Project\n",
        "data/projects/p2.yaml:1: http://localhost:8000/id/project/p1 "
        "is already defined at data/projects/p1.yaml:2",
    ),
    "not UTF-8": ("data/projects/p2.yaml", b"id: project/\xff\n", "not UTF-8"),
    "record without id": (
        "data/projects/p2.yaml",
        "type: Project\n",
        "a record must be a mapping with an 'id'",
    ),
    "bad language tag": (
        "data/projects/p2.yaml",
        "id: project/p2\ntitle: {Finnish: x}\n",
        "'Finnish' is not a language tag",
    ),
    "record without type": (
        "data/projects/p2.yaml",
        "id: project/p2\ntitle: {fi: x}\n",
        "data/projects/p2.yaml:1: a record needs a 'type'",
    ),
    "key written twice": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nid: p3\n",
        "p2.yaml:3: 'id' is written twice in one mapping (lines 1 and 3)",
    ),
    "a date that cannot be": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nissued: 2019-13-01\n",
        "p2.yaml:3: 2019-13-01 is not a date (month must be in 1..12)",
    ),
    "a tab": (
        "data/projects/p2.yaml",
        "id: project/p2\ntitle:\n\tfi: x\n",
        "p2.yaml:3: malformed YAML: found character that cannot start any token "
        "(indent with spaces, not tabs",
    ),
    "a key without its colon": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype\ntitle: x\n",
        "p2.yaml:2: malformed YAML: could not find expected ':'",
    ),
    "a slip of the keyboard": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nfudn: x\n",
        "p2.yaml:3: unknown property 'fudn': not a term of "
        "ontology/context.jsonld; did you mean 'fund'?",
    ),
    "a link a letter off": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nspatial: organisation/example-leed\n",
        "links to organisation/example-leed, which no record defines; "
        "did you mean 'organisation/example-lead'?",
    ),
    "a name for a link": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nspatial: Esimerkkiorganisaatio\n",
        "p2.yaml:3: links to Esimerkkiorganisaatio, which no record defines; "
        "did you mean 'organisation/example-lead'?",
    ),
    "a name with a space for a link": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nspatial: Oulun kaupunki\n",
        "p2.yaml:3: spatial: 'Oulun kaupunki' is not a link: write the id of a record",
    ),
    "an address without https": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nsource: www.example.fi/x\n",
        "p2.yaml:3: source: write a web address in full: https://www.example.fi/x",
    ),
    "a slip in a nested key": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\ntemporal:\n"
        "  - type: PeriodOfTime\n    startdate: 2019-01-01\n",
        "p2.yaml:5: unknown property 'startdate'",
    ),
    "a name among the partners": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nparticipants:\n"
        "  - source: https://example.org/s\n"
        "    partners: [Oulun kaupunki]\n",
        "p2.yaml:3: partner: 'Oulun kaupunki' is not a link",
    ),
    "an empty value": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nissued:\n",
        "p2.yaml:3: issued is empty: write its value, or leave the line out",
    ),
    "a language in capitals": (
        "data/projects/p2.yaml",
        "id: project/p2\ntitle: {FI: x}\n",
        "'FI' is not a language tag (write it in lower case: fi)",
    ),
    "an empty file": (
        "data/projects/p2.yaml",
        "# nothing yet\n",
        "p2.yaml: no record in this file (to remove a record, delete its file)",
    ),
    # ids: {type}/{local}, nothing that leaves {base}id/ or names another site
    "an id that climbs out": (
        "data/projects/p2.yaml",
        "# a comment\nid: ../../etc\ntype: Project\n",
        "p2.yaml:2: '../../etc' is not an id: write the type of the record, a '/', and its name",
    ),
    "an id of a page": (
        "data/organisations.yaml",
        "- id: organisation/example-lead\n  type: FormalOrganization\n"
        "- id: organisation/example-partner\n  type: FormalOrganization\n"
        "- id: ../sparql\n  type: FormalOrganization\n",
        "organisations.yaml:5: '../sparql' is not an id",
    ),
    "an id of another site": (
        "data/projects/p2.yaml",
        "id: https://evil.example/project/x\ntype: Project\n",
        "p2.yaml:1: 'https://evil.example/project/x' is not an id: an id is written without a "
        "web address or prefix",
    ),
    "an id in capitals": (
        "data/projects/p2.yaml",
        "id: project/A70202\ntype: Project\n",
        "p2.yaml:1: 'project/A70202' is not an id: write it in lower case, project/a70202",
    ),
    "an id of no type": (
        "data/projects/p2.yaml",
        "id: projekt/p2\ntype: Project\n",
        "p2.yaml:1: 'projekt/p2' is not an id: 'projekt' is no type of record (project, "
        "organisation, person, strategy, grant, scheme, concept/{scheme}); did you mean 'project'?",
    ),
    "an id too long": (
        "data/projects/p2.yaml",
        f"id: project/{'a' * 101}\ntype: Project\n",
        "p2.yaml:1: 'project/aaa",
    ),
    "a nested id": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\ntemporal:\n  - id: ../period\n    type: PeriodOfTime\n",
        "p2.yaml:4: '../period' is not an id",
    ),
    "a link that climbs out": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\nspatial: ../sparql\n",
        "p2.yaml:3: spatial: '../sparql' is not a link: write the id of a record",
    ),
    # limits: what a source may hold
    "a YAML alias": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\ntitle: &t {fi: x}\nalternative: *t\n",
        "p2.yaml:4: YAML anchors and aliases (&name, *name) are not read: write the value out",
    ),
    "values nested 600 deep": (
        "data/projects/p2.yaml",
        "id: project/p2\ntype: Project\ntitle: " + "[" * 600 + "]" * 600 + "\n",
        "p2.yaml:3: values nested more than 32 levels deep",
    ),
    "a value too long": (
        "data/projects/p2.yaml",
        f"id: project/p2\ntype: Project\ntitle:\n  fi: {'x' * 100_001}\n",
        "p2.yaml:4: a value of 100001 characters, more than the 100000 one may have",
    ),
    "a character XML cannot carry": (
        "data/projects/p2.yaml",
        'id: project/p2\ntype: Project\ntitle:\n  fi: "bell\\a"\n',
        "p2.yaml:4: the value holds the character U+0007, which XML cannot carry",
    ),
    "a character XML cannot carry, in Turtle": (
        "data/extra.ttl",
        '<project/extra> <http://www.w3.org/2000/01/rdf-schema#label> "x",\n  "\\u0001" .\n',
        "data/extra.ttl:2: the value holds the character U+0001",
    ),
    "a hole's marks of the pages' stamp": (
        "data/projects/p2.yaml",
        'id: project/p2\ntype: Project\ntitle:\n  fi: "KAOS \\ue000id\\ue000"\n',
        "p2.yaml:4: the value holds the character U+E000, from Unicode's private use area",
    ),
    "a private-use character, in Turtle": (
        "data/extra.ttl",
        '<project/extra> <http://www.w3.org/2000/01/rdf-schema#label> "x",\n  "\\uF8FF" .\n',
        "data/extra.ttl:2: the value holds the character U+F8FF, from Unicode's private use",
    ),
    "a value too long, in Turtle": (
        "data/extra.ttl",
        f"<project/extra>\n  <http://www.w3.org/2000/01/rdf-schema#label> '{'x' * 100_001}' .\n",
        "data/extra.ttl:2: a value of 100001 characters, more than the 100000 one may have",
    ),
    "a Turtle record outside id/": (
        "data/extra.ttl",
        "<../../etc> <http://www.w3.org/2000/01/rdf-schema#label> 'x' .\n",
        "data/extra.ttl: <http://localhost:8000/etc>: 'http://localhost:8000/etc' is not an id",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_one_clear_line(mini, capsys, case):
    relative, content, expected = BAD_INPUTS[case]
    target = mini / relative
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    for command in ("validate", "build"):
        code, _, err = run(capsys, command, "--quiet")
        assert code == 2, err
        assert expected in err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_every_broken_link_is_told_in_one_run(mini, capsys):
    for name in ("p2", "p3"):
        (mini / f"data/projects/{name}.yaml").write_text(
            f"id: project/{name}\ntype: Project\nspatial: organisation/gone\n"
        )
    code, _, err = run(capsys, "validate", "--quiet")
    assert code == 2 and err.count("links to organisation/gone") == 2, err


def test_a_file_named_in_capitals_is_read(mini, capsys):
    (mini / "data/projects/P2.YAML").write_text("id: project/p2\ntype: Project\nfudn: x\n")
    code, _, err = run(capsys, "validate", "--quiet")
    assert code == 2 and "P2.YAML:3: unknown property 'fudn'" in err


def test_every_unusable_file_is_told_in_one_run(mini, capsys):
    (mini / "data/projects/p2.yaml").write_text("id: project/p2\ntype: Project\nfudn: x\n")
    (mini / "data/projects/p3.yaml").write_text("id: project/p3\ntype: Project\nid: p4\n")
    code, _, err = run(capsys, "validate", "--quiet")
    assert code == 2
    assert [line.split(": ")[1] for line in err.splitlines()] == [
        "data/projects/p2.yaml:3",
        "data/projects/p3.yaml:3",
    ]


IN_FINNISH = {  # case of BAD_INPUTS: what --lang fi says
    "a slip of the keyboard": "virhe: data/projects/p2.yaml:3: tuntematon kenttä 'fudn' "
    "(ontology/context.jsonld ei tunne sitä); tarkoititko 'fund'?",
    "link to nothing": "viittaa tietueeseen organisation/nobody, jota ei ole",
    "key written twice": "'id' on kirjoitettu kahdesti samaan kohtaan (rivit 1 ja 3)",
    "a date that cannot be": "2019-13-01 ei ole päivämäärä",
    "a tab": "(sisennä välilyönneillä, ei sarkaimilla",
    "an empty file": "tiedostossa ei ole yhtään tietuetta",
    "not UTF-8": "ei UTF-8-tekstiä",
    "record without type": "tietueella on oltava tyyppi",
    "bad language tag": "'Finnish' ei ole kielikoodi",
    "a YAML alias": "YAML-ankkureita ja -viittauksia (&nimi, *nimi) ei lueta",
    "an id in capitals": "'project/A70202' ei ole tunniste: kirjoita se pienin kirjaimin, "
    "project/a70202",
}


@pytest.mark.parametrize("case", list(IN_FINNISH))
def test_bad_input_in_finnish(mini, capsys, case):
    relative, content, _english = BAD_INPUTS[case]
    target = mini / relative
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    for command in ("validate", "build"):
        code, _, err = run(capsys, command, "--quiet", "--lang", "fi")
        assert code == 2 and err.startswith("virhe: ") and IN_FINNISH[case] in err, err


def test_missing_folder_and_context(mini, capsys):
    shutil.rmtree(mini / "data")
    code, _, err = run(capsys, "validate", "--quiet")
    assert code == 2 and "data: folder not found" in err
    (mini / "data").mkdir()
    (mini / "ontology/context.jsonld").unlink()
    code, _, err = run(capsys, "validate", "--quiet")
    assert code == 2 and "ontology/context.jsonld: file not found" in err


def test_bad_setting_is_unusable_input(mini, capsys, monkeypatch):
    monkeypatch.setenv("SIXAIKA_BASE", "not-an-iri")
    code, _, err = run(capsys, "validate", "--quiet")
    assert code == 2 and "SIXAIKA_BASE" in err


@pytest.mark.parametrize(
    "argv, port",
    [
        (["--port", "8001", "serve"], "8001"),
        (["serve", "--port", "8002"], "8002"),
        (["--port", "8001", "serve", "--port", "8003"], "8003"),  # the last word
        (["serve"], None),  # from the environment, or the default
    ],
)
def test_settings_before_or_after_the_command(argv, port):
    assert parser().parse_args(argv).port == port


def test_a_build_in_a_child_that_dies_is_told(capsys):
    def killed(_args, _settings) -> int:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return 0

    assert _in_a_child(killed, argparse.Namespace(), Settings.from_env({})) == 2
    assert "the build failed (its process ended with -9)" in capsys.readouterr().err


def test_build_store_is_the_commands_own_option():
    args = parser().parse_args(["--store", "http://a.example/sparql", "build", "--store", "x"])
    assert (args.store, args.build_store) == ("http://a.example/sparql", "x")


# build and releases -------------------------------------------------------------------


def test_build_writes_a_complete_release(mini, capsys):
    code, out, _ = run(capsys, "build", "--quiet")
    assert code == 0
    release = Release.current(Settings.from_env({}))
    assert release is not None and Path(out.strip()).resolve() == release.path
    manifest = release.manifest
    assert manifest.base == "http://localhost:8000/"
    assert set(manifest.datasets) == {"projects", "concepts", "ontology"}
    for dataset in manifest.datasets.values():
        for file in dataset.files.values():
            path = release.dump_path(file.name)
            assert file.bytes == path.stat().st_size
            assert file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest.triples == sum(d.triples for d in manifest.datasets.values())
    store = release.open_store()
    assert len(store) == manifest.triples


def test_dumps_are_the_same_graph_in_every_format(mini, capsys):
    run(capsys, "build", "--quiet")
    release = Release.current(Settings.from_env({}))
    graphs = {}
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        graphs[ext] = rdflib.Graph().parse(release.dump_path(f"projects.{ext}"), format=fmt)
    assert len(graphs["ttl"]) > 10
    assert isomorphic(graphs["ttl"], graphs["nt"])
    assert isomorphic(graphs["ttl"], graphs["jsonld"])
    document = json.loads(release.dump_path("projects.jsonld").read_text())
    assert "title" in json.dumps(document["@graph"])  # compacted: terms, not full IRIs


def test_participants_become_links_and_attributions(mini, capsys):
    run(capsys, "build", "--quiet")
    store = Release.current(Settings.from_env({})).open_store()
    rows = list(
        store.query(
            """
        PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?lead ?role ?src {
          ?p <http://localhost:8000/def/6aika#lead> ?lead ;
             prov:qualifiedAttribution [ prov:agent ?lead ; dcat:hadRole ?role ; dct:source ?src ]
        }""",
            use_default_graph_as_union=True,
        )
    )
    assert [(r["lead"].value, r["role"].value, r["src"].value) for r in rows] == [
        (
            "http://localhost:8000/id/organisation/example-lead",
            "http://localhost:8000/id/concept/role/lead",
            "https://example.org/source/p1",
        )
    ]


def test_a_number_with_decimals_is_published_as_a_decimal(mini, capsys):
    path = mini / "data/projects/p1.yaml"
    point = "geo:\n  type: GeoCoordinates\n  latitude: 60.17083\n  longitude: 24.9375\n"
    path.write_text(path.read_text() + point + "  source: https://example.org/source/p1\n")
    assert run(capsys, "build", "--quiet")[0] == 0
    written = Release.current(Settings.from_env({})).dump_path("projects.nt").read_text()
    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    assert f'<https://schema.org/latitude> "60.17083"^^{decimal}' in written
    assert f'<https://schema.org/longitude> "24.9375"^^{decimal}' in written


def test_failed_validation_leaves_release_byte_for_byte(mini, capsys):
    assert run(capsys, "build", "--quiet")[0] == 0
    releases = mini / "var/releases"
    before = tree_digest(releases)
    current = os.readlink(releases / "current")
    path = mini / "data/projects/p1.yaml"
    path.write_text(path.read_text().replace("title:", "description:"))
    code, _, err = run(capsys, "build", "--quiet")
    assert code == 1
    assert "build refused" in err and "dct:title" in err
    assert tree_digest(releases) == before
    assert os.readlink(releases / "current") == current


def test_an_interrupted_build_leaves_the_release_and_removes_its_work(mini, capsys, monkeypatch):
    assert run(capsys, "build", "--quiet")[0] == 0
    releases = mini / "var/releases"
    before = tree_digest(releases)

    def crash(*_args, **_kwargs):
        raise KeyboardInterrupt("power cut")

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(dumps.DumpWriter, "close", crash)  # mid-dumps
        main(["build", "--quiet"])
    assert tree_digest(releases) == before  # no half-written release beside it either
    current = Release.current(Settings.from_env({}))
    assert current is not None and len(current.open_store()) > 0


def test_an_interrupted_build_stops_its_forked_writers_first(mini, capsys, monkeypatch):
    assert run(capsys, "build", "--quiet")[0] == 0
    releases = mini / "var/releases"
    before = tree_digest(releases)

    def endless_index(_facts, _parts, folder, _analyser):
        while True:  # writes in the unfinished release until it is stopped
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "part").write_text("more")
            time.sleep(0.002)

    def crash(*_args, **_kwargs):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "2")
    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(release_module, "write_parts", endless_index)  # the child's
        patched.setattr(dumps.DumpWriter, "close", crash)
        main(["build", "--quiet"])
    time.sleep(0.1)  # a child still running would have written again by now
    assert tree_digest(releases) == before


def test_a_triple_stated_twice_is_published_once(mini, capsys):
    see_also = "<http://www.w3.org/2000/01/rdf-schema#seeAlso>"
    twice = f"\n<def/6aika#Project> {see_also} <https://example.org/x> .\n"
    ontology = next((mini / "ontology").glob("*.ttl"))
    ontology.write_text(ontology.read_text() + twice + twice)
    assert run(capsys, "build", "--quiet")[0] == 0
    release = Release.current(Settings.from_env({}))
    for name, dataset in release.manifest.datasets.items():
        lines = release.dump_path(f"{name}.nt").read_text().splitlines()
        assert len(lines) == len(set(lines)) == dataset.triples
    assert release.dump_path("ontology.ttl").read_text().count("example.org/x") == 1


def manifest_files(release: Release) -> dict:
    """What a release's manifest says of its files: names, sizes, checksums."""
    return {name: dataset.files for name, dataset in release.manifest.datasets.items()}


def test_partitions_on_workers_write_the_same_bytes_as_one_process(mini, capsys, monkeypatch):
    for number in (2, 3):
        text = (mini / "data/projects/p1.yaml").read_text()
        (mini / f"data/projects/p{number}.yaml").write_text(
            text.replace("project/p1", f"project/p{number}")
        )
    assert run(capsys, "build", "--quiet")[0] == 0
    here = Release.current(Settings.from_env({}))
    shutil.rmtree(mini / "var/releases/.cache")  # nothing reused: all done again, on workers
    monkeypatch.setattr(partitions, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "2")
    code, _, err = run(capsys, "build")
    assert code == 0 and "partitions on 2 processes" in err
    there = Release.current(Settings.from_env({}))
    assert there.id != here.id and manifest_files(there) == manifest_files(here)
    assert there.dump_path("projects.jsonld").read_bytes() == (
        here.dump_path("projects.jsonld").read_bytes()
    )


def test_a_failure_in_a_worker_refuses_the_release(mini, capsys, monkeypatch):
    assert run(capsys, "build", "--quiet")[0] == 0
    releases = mini / "var/releases"
    before = tree_digest(releases)
    (mini / "data/projects/p2.yaml").write_text(
        (mini / "data/projects/p1.yaml").read_text().replace("project/p1", "project/p2")
    )
    monkeypatch.setattr(partitions, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "2")
    monkeypatch.setattr(dumps, "Compactor", None)  # the workers inherit the fault
    code, _, err = run(capsys, "build", "--quiet")
    assert code == 3 and "TypeError" in err and len(err.splitlines()) == 1
    assert tree_digest(releases) == before


def test_a_failure_of_the_forked_search_index_refuses_the_release(mini, capsys, monkeypatch):
    assert run(capsys, "build", "--quiet")[0] == 0
    releases = mini / "var/releases"
    before = tree_digest(releases)
    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "2")
    monkeypatch.setattr(release_module, "write_parts", None)  # the child inherits the fault
    code, _, err = run(capsys, "build", "--quiet")
    assert code == 3
    assert "the forked _index_of failed: TypeError" in err and len(err.splitlines()) == 1
    assert tree_digest(releases) == before


def test_the_store_is_loaded_in_bulk_once_the_search_index_is_written(mini, capfd, monkeypatch):
    """The two held the most memory of a build: one after the other, even when the
    index (in its forked process) is slow."""
    real = release_module.write_parts

    def slow_index(*args):
        time.sleep(1)
        return real(*args)

    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "2")
    monkeypatch.setattr(release_module, "write_parts", slow_index)  # the child's
    assert main(["build"]) == 0
    steps = [re.sub(r"^\[ *[0-9.]+ s\] ", "", line) for line in capfd.readouterr().err.splitlines()]
    assert steps.index("loading the store") > steps.index("the search index written")


def test_old_releases_are_pruned(mini, capsys, monkeypatch):
    monkeypatch.setenv("SIXAIKA_KEEP_RELEASES", "2")
    for _ in range(3):
        assert run(capsys, "build", "--quiet")[0] == 0
    kept = [
        p
        for p in (mini / "var/releases").iterdir()
        if not p.name.startswith(".") and not p.is_symlink()
    ]
    assert len(kept) == 2
    assert Release.current(Settings.from_env({})).path in [p.resolve() for p in kept]


def test_other_base_rebases_everything(mini, capsys, monkeypatch):
    monkeypatch.setenv("SIXAIKA_BASE", "https://data.example.org/6aika/")
    assert run(capsys, "build", "--quiet")[0] == 0
    release = Release.current(Settings.from_env({}))
    text = release.dump_path("projects.nt").read_text()
    assert "<https://data.example.org/6aika/id/project/p1>" in text
    assert "localhost" not in text


# sharded (parallel) loading and validation -------------------------------------------


@pytest.fixture
def sharded(mini, monkeypatch) -> Path:
    """The mini project with more project files, validated in parallel shards."""
    template = (mini / "data/projects/p1.yaml").read_text()
    for i in range(2, 6):
        text = template.replace("project/p1", f"project/p{i}")
        if i == 3:  # a violation in one shard, reported from that shard
            text = text.replace("title:", "alternative:")
        (mini / f"data/projects/p{i}.yaml").write_text(text)
    monkeypatch.setattr(partitions, "PARALLEL_FROM_BYTES", 0)
    return mini


def test_shards_report_what_one_process_reports(sharded, capsys, monkeypatch):
    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "1")
    code_one, one, _ = run(capsys, "validate", "--quiet", "--format", "json")
    shutil.rmtree(sharded / "var/releases/.cache")  # validated again, in partitions
    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "2")
    code_two, two, err = run(capsys, "validate", "--format", "json")
    assert "partitions on 2 processes" in err
    assert code_one == code_two == 1
    assert json.loads(one) == json.loads(two)
    assert json.loads(two)["violations"] == 1 and json.loads(two)["warnings"] == 5
    _, turtle, _ = run(capsys, "validate", "--quiet", "--format", "turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(list(graph.subjects(rdflib.RDF.type, sh.ValidationReport))) == 1
    assert len(list(graph.objects(None, sh.result))) == 6


def test_shards_release_the_same_graph(sharded, capsys, monkeypatch):
    (sharded / "data/projects/p3.yaml").unlink()
    dumps = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", workers)
        assert run(capsys, "build", "--quiet")[0] == 0
        release = Release.current(Settings.from_env({}))
        dumps[workers] = rdflib.Graph().parse(release.dump_path("projects.nt"), format="nt")
    assert len(dumps["2"]) > 50 and isomorphic(dumps["1"], dumps["2"])


def test_shards_pass_on_input_errors(sharded, capsys, monkeypatch):
    monkeypatch.setenv("SIXAIKA_BUILD_WORKERS", "2")
    (sharded / "data/projects/p4.yaml").write_text("id: project/p2\ntype: Project\n")
    code, _, err = run(capsys, "build", "--quiet")
    assert code == 2 and "is already defined at" in err and "Traceback" not in err
    (sharded / "data/projects/p4.yaml").write_text("title: [\n")
    code, _, err = run(capsys, "build", "--quiet")
    assert code == 2 and "data/projects/p4.yaml:2: malformed YAML" in err


@pytest.mark.parametrize(
    "written, said",
    [
        ('    startDate: "1.3.2019"', "startDate: '1.3.2019' is not a date: write it as "
         "YYYY-MM-DD, here 2019-03-01"),
        ("    startDate: 2019-13-01", "2019-13-01 is not a date (month must be in 1..12)"),
        ("    startDate: '2019-13-01'", "startDate: '2019-13-01' is not a date"),  # pyshacl raised
        ("    startDate: 2017-01-01T10:00:00", "startDate: '2017-01-01 10:00:00' is not a date"),
        ("    startDate: 2017-13", "startDate: '2017-13' is not a date: write it as YYYY-MM-DD, "
         "or YYYY-MM or YYYY when the source gives only the month or the year"),
        ("    startDate: 9/2017", "startDate: '9/2017' is not a date: write it as YYYY-MM, "
         "here 2017-09"),
        ("    startDate: 17", "startDate: 17 is not a date"),
        ("    value: 1 234,50", "value: '1 234,50' is not a number"),
        ("    value: 5.5e5", "value: '5.5e5' is not a number"),
        ("    value: 0552200", "0552200 has a leading zero"),  # YAML read 185472
    ],
)  # fmt: skip
def test_a_value_that_is_no_number_or_date_is_told_at_its_line(
    project_copy, capsys, caplog, written, said
):
    path = project_copy.data_dir / "projects/a70011.yaml"
    lines = path.read_text().splitlines()
    key = written.split(":")[0]
    number = next(i for i, line in enumerate(lines) if line.startswith(key + ":"))
    lines[number] = written
    path.write_text("\n".join(lines) + "\n")
    code, _, err = run(capsys, "--root", str(project_copy.root), "validate", "--quiet")
    assert code == 2 and f"a70011.yaml:{number + 1}: " in err and said in err, err
    assert "Traceback" not in err and not [r for r in caplog.records if r.name == "rdflib.term"]


def test_a_period_date_is_as_precise_as_its_source(project_copy, capsys):
    """A month or a year, written plain or quoted, is an xsd:gYearMonth or xsd:gYear;
    the periods stay in order across precisions."""
    path = project_copy.data_dir / "projects/a70011.yaml"
    text = path.read_text()
    for day, written in (("2014-07-01", "2014-07"), ("2017-12-31", "'2017'")):
        assert f"    startDate: {day}\n" in text or f"    endDate: {day}\n" in text
        text = text.replace(f"Date: {day}\n", f"Date: {written}\n", 1)
    path.write_text(text)
    code, out, _ = run(capsys, "--root", str(project_copy.root), "validate", "--quiet")
    assert code == 0, out
    periods = {
        (q.object.value, q.object.datatype.value.rsplit("#")[-1])
        for q in load_sources(project_copy).quads
        if q.predicate.value.endswith(("#startDate", "#endDate"))
    }
    assert {("2014-07", "gYearMonth"), ("2017", "gYear")} <= periods


def test_a_rule_broken_inside_a_nested_node_is_told_at_its_own_line(project_copy, capsys):
    path = project_copy.data_dir / "projects/a70011.yaml"
    lines = path.read_text().splitlines()
    second = [i for i, line in enumerate(lines) if line == "  - type: PeriodOfTime"][1]
    assert lines[second + 2] == "    endDate: 2017-06-30"
    lines[second + 2] = "    endDate: 2013-06-30"  # before its start
    path.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "--root", str(project_copy.root), "validate", "--quiet")
    assert code == 1
    assert (
        f"a70011.yaml:{second + 2}: Violation: project/a70011 (nested node) "
        "dcat:startDate: A period of time cannot start after it ends" in out
    )

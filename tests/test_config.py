"""Settings: parsed once into typed values; a bad one is one clear line at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from sixaika.cli import main
from sixaika.config import SETTINGS, SettingError, Settings


def test_settings_are_typed_values():
    settings = Settings.from_env(
        {"SIXAIKA_QUERY_SERVICES": "https://a.example/sparql https://b.example/sparql"},
        port="8080",
        root="/srv/6aika",
        build_workers="3",
    )
    assert settings.port == 8080 and settings.build_workers == 3
    assert settings.root == Path("/srv/6aika")
    assert settings.releases_dir == Path("/srv/6aika/var/releases")
    assert settings.query_services == ("https://a.example/sparql", "https://b.example/sparql")


def test_defaults_are_the_parsed_defaults_the_readme_shows():
    made = Settings.from_env({})
    for setting in SETTINGS:
        assert getattr(made, setting.name) == setting.parse(setting.default), setting.name


@pytest.mark.parametrize(
    "env, value, said",
    [
        ("SIXAIKA_BASE", "https://data.example.org", "an absolute IRI ending in '/'"),
        ("SIXAIKA_PORT", "eighty", "a positive integer"),
        ("SIXAIKA_QUERY_WORKERS", "0", "a positive integer"),
        ("SIXAIKA_MAX_AGE", "-1", "an integer of 0 or more"),
        ("SIXAIKA_BUILD_WORKERS", "many", "a positive integer"),
        ("SIXAIKA_STORE", "localhost:7878/query", "http(s) URLs"),
        ("SIXAIKA_STORE", "http://a/query http://b/query", "one http(s) URL"),
        ("SIXAIKA_QUERY_SERVICES", "https://a.example/sparql ftp://b", "http(s) URLs"),
        ("SIXAIKA_PAGE_LANGUAGES", "en de", "languages of the pages (fi, en, sv), or nothing"),
    ],
)
def test_a_bad_setting_names_itself_its_value_and_what_it_takes(env, value, said):
    with pytest.raises(SettingError) as error:
        Settings.from_env({env: value})
    flag = "--" + env.removeprefix("SIXAIKA_").lower().replace("_", "-")
    assert str(error.value) == f"{env} ({flag}) must be {said}, not {value!r}"


def test_the_command_tells_a_bad_setting_in_one_line(capsys, tmp_path):
    assert main(["--root", str(tmp_path), "serve", "--port", "80a"]) == 2
    err = capsys.readouterr().err
    assert err == "error: SIXAIKA_PORT (--port) must be a positive integer, not '80a'\n"

"""The README stays in step with the code."""

from __future__ import annotations

import re

from sixaika.config import SETTINGS
from sixaika.read.completeness import BY_KEY

from .support import ROOT


def test_settings_table_matches_config():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings-table")[1].split("<!-- end settings-table -->")[0]
    rows = re.findall(r"^\| `(\w+)` \| `([^`]*)` \| (.+?) \|$", table, flags=re.M)
    assert rows == [(s.env, s.default, s.help) for s in SETTINGS]


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[:1500]
    assert ".venv/bin/sixaika serve" in first_screen
    assert "bash .ci/run" in first_screen
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pytest" in ci


def test_ci_installs_debian_packages_without_their_recommendations():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    installs = re.findall(r"apt-get install[^\n]*", ci)
    assert installs and all("--no-install-recommends" in line for line in installs)


def test_readme_tells_coordinators_what_each_count_is():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### For coordinators")[1].split("\n### ")[0]
    keys = re.findall(r"`(\w+)`", "".join(re.findall(r"^\| (.+?) \|", section, flags=re.M)))
    assert keys == list(BY_KEY)

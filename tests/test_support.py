"""The test helpers do what the suite relies on."""

from __future__ import annotations

import pytest

from .support import shared


def test_a_check_on_shared_files_fails_under_ci_when_they_are_missing(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-folder"):
        shared("no-such-folder")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        shared("no-such-folder")

"""The type hints hold (mypy, configured in pyproject.toml): .ci/run checks them too, and
this test makes a landing check them before CI does."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from .support import ROOT


def test_mypy_finds_no_error():
    if importlib.util.find_spec("mypy") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mypy is not installed: the test extras install it")
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "src"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr

"""The examples in the docstrings hold; one test per module that has examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sixaika

FINDER = doctest.DocTestFinder()


def _with_examples(name: str) -> bool:
    return any(test.examples for test in FINDER.find(importlib.import_module(name)))


ALL_MODULES = sorted(m.name for m in pkgutil.walk_packages(sixaika.__path__, "sixaika."))
MODULES = [name for name in ALL_MODULES if _with_examples(name)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    failures, tried = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_core_modules_have_examples():
    for name in (
        "sixaika.config",
        "sixaika.context",
        "sixaika.jsonld",
        "sixaika.read.store",
        "sixaika.build.values",
        "sixaika.build.origins",
        "sixaika.build.participants",
        "sixaika.errors",
    ):
        assert name in MODULES, name

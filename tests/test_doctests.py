"""The examples in the docstrings of every module hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sixaika

MODULES = sorted(m.name for m in pkgutil.walk_packages(sixaika.__path__, "sixaika."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, _tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


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
        assert doctest.testmod(importlib.import_module(name)).attempted > 0, name

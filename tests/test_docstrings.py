"""Every example in the public docstrings runs and prints what it says."""

import doctest
import importlib
import pkgutil

import pytest

import shrinkage


def _modules():
    names = ["shrinkage"]
    for info in pkgutil.iter_modules(shrinkage.__path__):
        if not info.name.startswith("__") and info.name != "plot":
            names.append(f"shrinkage.{info.name}")
    return names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"

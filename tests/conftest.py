"""Shared set-up of the test suite.

pytest runs with ``--import-mode=importlib`` (pyproject.toml), which keeps the
tests' folder off ``sys.path``: test modules cannot import each other, nor a
helper module beside them. This conftest, which pytest loads before any test
module of this folder (in the repository and in the wheel test run of
``.ci/run``, where ``tests/`` is copied next to ``.ci/wheel_conftest.py``),
puts the folder on ``sys.path`` so that the test modules can share the
problem generators and reference computations of :mod:`_helpers`::

    from _helpers import rel_err
"""

import os
import sys

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))

# Before the first import of _helpers: its asserts get pytest's messages too.
pytest.register_assert_rewrite("_helpers")
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

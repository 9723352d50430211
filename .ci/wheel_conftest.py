"""Root conftest.py for the wheel test run of .ci/run (copied there, not used in the repo).

.ci/run copies tests/ and pyproject.toml (for pytest's settings) from the sdist
into an empty temporary folder, puts this file beside them as conftest.py, and
runs pytest there with the repaired wheel installed in a fresh venv. This file
makes the session fail before any test runs if `shrinkage` (or any of its
compiled modules) is imported from anywhere but that venv's site-packages, and
names where it came from in pytest's header.
"""

import os
import sys
import sysconfig

import pytest

import shrinkage

_SITE = {
    os.path.realpath(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")
}


def _in_site_packages(path):
    path = os.path.realpath(path)
    return any(path.startswith(site + os.sep) for site in _SITE)


def _shrinkage_files():
    return {
        name: mod.__file__
        for name, mod in sorted(sys.modules.items())
        if (name == "shrinkage" or name.startswith("shrinkage."))
        and getattr(mod, "__file__", None)
    }


def _stray():
    stray = {n: f for n, f in _shrinkage_files().items() if not _in_site_packages(f)}
    if stray:
        return "shrinkage is not imported from the installed wheel: " + ", ".join(
            f"{n} -> {f}" for n, f in stray.items()
        )
    return None


if _stray():
    raise pytest.UsageError(_stray())


def pytest_report_header(config):
    return (
        f"shrinkage {shrinkage.__version__} from the installed wheel: "
        f"{os.path.dirname(shrinkage.__file__)}"
    )


def pytest_sessionfinish(session, exitstatus):
    # Modules the tests imported later (compiled solvers, ...) must come from
    # site-packages too.
    problem = _stray()
    if problem:
        print("\nERROR: " + problem, file=sys.stderr)
        session.exitstatus = pytest.ExitCode.USAGE_ERROR

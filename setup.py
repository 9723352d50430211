"""Declares shrinkage's compiled extension modules; metadata is in pyproject.toml.

Every ``src/shrinkage/**/*.pyx`` becomes an extension named after its path
(``src/shrinkage/_pkg/_mod.pyx`` -> ``shrinkage._pkg._mod``), built with the
plain-C kernels in ``csrc/``; ``src`` is on the include path, so modules
cimport each other's ``.pxd`` by package name. The modules use no NumPy C API
(typed memoryviews only, and SciPy's ``cython_blas``/``cython_lapack``), so
neither NumPy's headers nor NumPy itself are needed to build them. Flags
stay portable (the compiler's release defaults: no ``-march=native``, no
``-ffast-math``) so the wheels run on any CPU of their platform. Extra flags,
e.g. for a sanitizer build, come through the usual ``CFLAGS``/``LDFLAGS``.
The optimisation level is also stated per extension: with setuptools >= 76 a
user's ``CFLAGS`` replaces Python's own flags (pypa/setuptools#4836), which
would otherwise build the kernels unoptimised. ``-g0`` is stated the same
way, after Python's own ``-g`` (GCC and Clang keep the last one), so the
shipped modules carry no debug information, which made the Linux wheel about
five times larger; a build whose ``CFLAGS`` ask for debug information
(``-g``, ``-ggdb``, ..., as ``.ci/sanitize`` does) keeps it.

Two things keep the wheel small. Cython's utility code (the typed
memoryview implementation above all) is generated once, in the shared module
``shrinkage._cyutility``, instead of in every module (Cython >= 3.1,
``shared_utility_qualified_name``). On Linux the linker also drops the
symbol table (``-Wl,--strip-all``: only the dynamic symbols a module exports
are kept), unless ``CFLAGS`` ask for debug information.

The modules keep no mutable global state (their module-level C values are
constants set at import; every work buffer belongs to one call), so they are
declared ``freethreading_compatible``: a
free-threaded CPython (3.14t, 3.15t) imports them without turning the GIL
back on.
"""

import os
import shlex
import sys
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

HERE = Path(__file__).parent
PACKAGE = HERE / "src" / "shrinkage"


def _cflags_ask_for_debug_info(cflags):
    """Whether the user's ``CFLAGS`` request debug information (``-g``, ``-g3``, ``-ggdb``...)."""
    return any(f.startswith("-g") and f != "-g0" for f in shlex.split(cflags))


# MSVC (Windows) optimises with its defaults (/O2) and keeps debug information
# out of the .pyd anyway; GCC and Clang get -O3, and -g0 to drop the debug
# information Python's own -g would put in every module.
# On Linux (GNU ld, gold, lld: all take --strip-all) the symbol table goes too.
DEBUG_BUILD = _cflags_ask_for_debug_info(os.environ.get("CFLAGS", ""))
LINK_FLAGS = []
if sys.platform == "win32":
    OPT_FLAGS = []
elif DEBUG_BUILD:
    OPT_FLAGS = ["-O3"]
else:
    OPT_FLAGS = ["-O3", "-g0"]
    if sys.platform.startswith("linux"):
        LINK_FLAGS = ["-Wl,--strip-all"]

# Cython's utility code, once for all modules (see the module docstring).
SHARED_UTILITY = "shrinkage._cyutility"

extensions = [
    Extension(
        ".".join(pyx.relative_to(PACKAGE.parent).with_suffix("").parts),
        sources=[str(pyx.relative_to(HERE))],
        include_dirs=["csrc", "src"],
        extra_compile_args=OPT_FLAGS,
        extra_link_args=LINK_FLAGS,
    )
    for pyx in sorted(PACKAGE.rglob("*.pyx"))
]
extensions.append(
    Extension(
        SHARED_UTILITY,
        sources=[str((PACKAGE / "_cyutility.c").relative_to(HERE))],
        extra_compile_args=OPT_FLAGS,
        extra_link_args=LINK_FLAGS,
    )
)

setup(
    ext_modules=cythonize(
        extensions,
        shared_utility_qualified_name=SHARED_UTILITY,
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
            "nonecheck": False,
            "embedsignature": True,
            "freethreading_compatible": True,
        },
    ),
)

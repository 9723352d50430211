"""Declares shrinkage's compiled extension modules; metadata is in pyproject.toml.

Every ``src/shrinkage/**/*.pyx`` becomes the extension named by its path
(``src/shrinkage/_enet/_naive.pyx`` -> ``shrinkage._enet._naive``), built
against NumPy's headers and the plain-C kernels in ``csrc/``; ``src`` is on
Cython's include path for the ``cimport``s across the subpackage. Flags stay
portable (the compiler's release defaults: no ``-march=native``, no
``-ffast-math``) so the wheels run on any CPU of their platform. Extra flags,
e.g. for a sanitizer build, come through the usual ``CFLAGS``/``LDFLAGS``.
The optimisation level is also stated per extension: with setuptools >= 76 a
user's ``CFLAGS`` replaces Python's own flags (pypa/setuptools#4836), which
would otherwise build the kernels unoptimised.
"""

import sys
from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

HERE = Path(__file__).parent
PACKAGE = HERE / "src" / "shrinkage"
# MSVC (Windows) optimises with its defaults (/O2); GCC and Clang get -O3.
OPT_FLAGS = [] if sys.platform == "win32" else ["-O3"]

extensions = [
    Extension(
        ".".join(pyx.relative_to(PACKAGE.parent).with_suffix("").parts),
        sources=[str(pyx.relative_to(HERE))],
        include_dirs=[np.get_include(), "csrc", "src"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
        extra_compile_args=OPT_FLAGS,
    )
    for pyx in sorted(PACKAGE.rglob("*.pyx"))
]

setup(
    ext_modules=cythonize(
        extensions,
        include_path=["src"],
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
            "nonecheck": False,
            "embedsignature": True,
        },
    ),
)

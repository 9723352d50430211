"""Declares shrinkage's compiled extension modules; metadata is in pyproject.toml.

Every ``src/shrinkage/*.pyx`` becomes the extension ``shrinkage.<name>``, built
against NumPy's headers and the plain-C kernels in ``csrc/``. Flags stay
portable (the compiler's release defaults: no ``-march=native``, no
``-ffast-math``) so the wheels run on any CPU of their platform. Extra flags,
e.g. for a sanitizer build, come through the usual ``CFLAGS``/``LDFLAGS``.
"""

from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

HERE = Path(__file__).parent
PACKAGE = HERE / "src" / "shrinkage"

extensions = [
    Extension(
        f"shrinkage.{pyx.stem}",
        sources=[str(pyx.relative_to(HERE))],
        include_dirs=[np.get_include(), "csrc"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
    )
    for pyx in sorted(PACKAGE.glob("*.pyx"))
]

setup(
    ext_modules=cythonize(
        extensions,
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

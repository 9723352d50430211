"""Build and runtime information for bug reports and benchmarks."""

import platform
import sys

import numpy as np
import scipy

from ._version import __version__

__all__ = ["build_info", "show_info"]


def _blas_description():
    """SciPy's BLAS/LAPACK: the library shrinkage's kernels call through."""
    try:
        config = scipy.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older SciPy or an unusual build: informative only
        return "unknown"


def build_info():
    """Versions and platform details as a dict of strings."""
    import shrinkage

    return {
        "shrinkage": __version__,
        "location": shrinkage.__path__[0],
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "blas (via scipy)": _blas_description(),
    }


def show_info(file=None):
    """Print :func:`build_info` as aligned ``key: value`` lines."""
    info = build_info()
    width = max(map(len, info))
    for key, value in info.items():
        print(f"{key:>{width}}: {value}", file=file)

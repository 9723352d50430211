"""``python -m shrinkage``: version, build information and a first example."""

import argparse
import sys

import numpy as np

from . import soft_threshold
from ._info import show_info


def _intro():
    show_info()
    x = np.array([-3.0, -1.5, -0.4, 0.0, 0.3, 1.2, 2.5])
    t = 1.0
    print()
    print(f"soft_threshold(x, t={t}) -- the Lasso's coordinate update:")
    for xi, si in zip(x, soft_threshold(x, t)):
        print(f"  {xi:+6.2f} -> {si:+6.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m shrinkage",
        description="Fast Lasso, Elastic Net and Ridge regression.",
    )
    parser.add_argument("command", nargs="?", default="info", choices=["info"],
                        help="what to run (default: info)")
    parser.parse_args(argv)
    _intro()
    return 0


if __name__ == "__main__":
    sys.exit(main())

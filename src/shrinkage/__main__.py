"""``python -m shrinkage``: build information, or the textbook demo.

    python -m shrinkage                 version, build information, a first example
    python -m shrinkage demo [--out DIR] [--no-plots] [--no-timings]
"""

import argparse
import os
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
    print()
    print("The textbook tour (tables and figures): python -m shrinkage demo")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m shrinkage",
        description="Fast Lasso, Elastic Net and Ridge regression.",
    )
    commands = parser.add_subparsers(dest="command", metavar="{info,demo}",
                                     help="what to run (default: info)")
    commands.add_parser("info", help="version, build information and a first example")
    demo = commands.add_parser(
        "demo", help="the textbook tour: Lasso vs Ridge, tables and figures",
        description="The textbook scenario end to end (200 x 10, 3 true features): "
                    "coefficient tables, paths, cross-validation, the relaxed Lasso, "
                    "the l1/l2 constraint geometry, Ridge and the Lasso as posterior modes, "
                    "timings against scikit-learn.")
    demo.add_argument("--out", default=None, metavar="DIR",
                      help="folder for the figures (default: ./shrinkage-demo)")
    demo.add_argument("--no-plots", action="store_true",
                      help="skip the figures (no matplotlib needed)")
    demo.add_argument("--no-timings", action="store_true",
                      help="skip the timings against scikit-learn")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from ._demo import DEFAULT_OUT, run_demo  # the demo's imports only when asked

            run_demo(DEFAULT_OUT if args.out is None else args.out,
                     plots=not args.no_plots, timings=not args.no_timings)
        else:
            _intro()
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly (the Python docs'
        # recipe: point stdout at devnull so the final flush cannot fail).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

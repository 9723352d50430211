"""Shared machinery of the fuzz tests (made importable by conftest.py).

``random_data_case`` and ``build_data`` draw a small problem whose shape,
scales (1e-300 to 1e300), weights (zeros included), penalty factors (zeros
included), layout (C, F, CSC) and intercept vary with a seed;
``run_with_watchdog`` runs a test module's ``run_case`` on each case in one
child process and fails, naming the case, when a case overruns its time
limit or kills the child.
"""

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

import shrinkage

HERE = Path(__file__).resolve().parent
# The children import the shrinkage this process imported (the source tree
# with in-place builds, or an installed wheel), never a bare source tree.
SRC = str(Path(shrinkage.__file__).resolve().parents[1])

# More cases (a longer hunt): SHRINKAGE_FUZZ_CASES=5000 SHRINKAGE_FUZZ_SEED=7
N_RANDOM = int(os.environ.get("SHRINKAGE_FUZZ_CASES", 150))
FIRST_SEED = int(os.environ.get("SHRINKAGE_FUZZ_SEED", 0)) * 10**6


def random_data_case(rng, seed):
    """The data part of a case (JSON-serialisable), drawn from ``rng``."""
    n = int(rng.integers(1, 40))
    p = int(rng.integers(1, 60))
    return {
        "seed": int(seed), "n": n, "p": p,
        "x_exp": float(rng.choice([0.0, rng.uniform(-300, 300)], p=[0.4, 0.6])),
        "y_exp": float(rng.choice([0.0, rng.uniform(-300, 300)], p=[0.5, 0.5])),
        "pf_zeros": bool(rng.random() < 0.25),
        "weights": str(rng.choice(["none", "random", "zeros"])),
        "layout": str(rng.choice(["C", "F", "csc"])),
        "fit_intercept": bool(rng.random() < 0.8),
        "constant_column": bool(rng.random() < 0.15),
    }


def build_data(case):
    """``X, y, sample_weight, penalty_factor`` of a case's data part."""
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(case["seed"] + 10**6)
    n, p = case["n"], case["p"]
    X = rng.standard_normal((n, p)) + rng.standard_normal((n, 1))
    if case["constant_column"]:
        X[:, 0] = 3.0
    w = np.zeros(p)
    w[: max(1, p // 5)] = rng.standard_normal(max(1, p // 5))
    y = X @ w + 0.5 * rng.standard_normal(n)
    X, y = X * 10.0 ** case["x_exp"], y * 10.0 ** case["y_exp"]
    sw = None
    if case["weights"] == "random":
        sw = rng.uniform(0.1, 2.0, n)
    elif case["weights"] == "zeros":
        sw = rng.uniform(0.1, 2.0, n)
        sw[rng.random(n) < 0.3] = 0.0
        sw[0] = 1.0
    pf = None
    if case["pf_zeros"]:
        pf = rng.choice([0.0, 1.0, 2.0], p)
        pf[-1] = 1.0
    if case["layout"] == "F":
        X = np.asfortranarray(X)
    elif case["layout"] == "csc":
        X = sp.csc_matrix(np.where(rng.random((n, p)) < 0.5, X, 0.0))
    return X, y, sw, pf


def moderate(case):
    """Whether the case's scales leave its objective representable, so that
    it can be compared with a reference."""
    return abs(case["x_exp"]) < 100 and abs(case["y_exp"]) < 100


_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
module = __import__(sys.argv[2])
for line in sys.stdin:
    case = json.loads(line)
    print(json.dumps(module.run_case(case)), flush=True)
"""


def run_with_watchdog(module, cases, check, seconds, corpus_name):
    """Run ``module.run_case`` (``module``: a test module's name in this
    folder) on every case in one child process; ``check(case, result)``
    each result here. A case that does not return within ``seconds``, or
    that kills the child, fails the test with the case (to be added to
    ``corpus_name``)."""
    env = dict(os.environ, PYTHONPATH=SRC, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(HERE), module],
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    try:
        for case in cases:
            proc.stdin.write(json.dumps(case) + "\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], seconds)
            if not ready:
                pytest.fail(f"case did not return within {seconds} s "
                            f"(add it to {corpus_name}): {json.dumps(case)}")
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"the child died on {json.dumps(case)}:\n"
                            f"{proc.stderr.read()}")
            check(case, json.loads(line))
    finally:
        proc.kill()
        proc.communicate()

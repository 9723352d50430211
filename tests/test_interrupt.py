"""Ctrl-C stops long fits promptly and leaves the estimator untouched.

The kernels poll for pending signals between passes (about every
millisecond of work, see ``_cd_dense._interrupted``); each test runs the fit
in a child process, sends SIGINT there and measures, inside the child, the
time from the signal to the KeyboardInterrupt. ``time.monotonic`` is one
system-wide clock on Linux and macOS, so parent and child readings compare.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import shrinkage

# The children import the shrinkage this process imported (the source tree
# with in-place builds, or an installed wheel), never a bare source tree.
SRC = str(Path(shrinkage.__file__).resolve().parents[1])

pytestmark = pytest.mark.skipif(sys.platform == "win32",
                                reason="SIGINT to a child process is POSIX")

# A fit of about 30 s (naive updates, tol=0 so that the gap never
# certifies; ~0.2 ms per pass on this project's machines) unless stopped.
CHILD = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    import scipy.sparse as sp
    from shrinkage import ElasticNet, Lasso, LassoCV, MultiTaskLasso, lasso_path

    kind = sys.argv[1]
    rng = np.random.default_rng(0)
    n, p = 1000, 400
    X = rng.standard_normal((n, p)) + 3 * rng.standard_normal((n, 1))
    y = X[:, :20].sum(axis=1) + rng.standard_normal(n)
    if kind == "lasso":
        est = Lasso(alpha=1e-5, tol=0.0, max_iter=200_000)
        run = lambda: est.fit(X, y)
    elif kind == "gram":
        est = ElasticNet(alpha=1e-5, l1_ratio=0.9, tol=0.0, precompute=True,
                         max_iter=10_000_000)
        run = lambda: est.fit(X, y)
    elif kind == "sparse":
        est = Lasso(alpha=1e-5, tol=0.0, max_iter=200_000)
        Xs = sp.csc_matrix(np.where(np.abs(X) > 1.0, X, 0.0))
        run = lambda: est.fit(Xs, y)
    elif kind == "box":  # the box-constrained kernel
        est = Lasso(alpha=1e-5, tol=0.0, max_iter=200_000, lower_bounds=-0.5,
                    upper_bounds=0.5)
        run = lambda: est.fit(X, y)
    elif kind == "path":
        est = None
        run = lambda: lasso_path(X, y, alphas=50, eps=1e-6, tol=0.0,
                                 max_iter=200_000)
    elif kind == "multitask":  # wide rows: naive updates
        est = MultiTaskLasso(alpha=1e-5, tol=0.0, max_iter=10_000_000)
        run = lambda: est.fit(X[:300], np.column_stack([y, -y, 2 * y])[:300])
    elif kind == "multitask-gram":  # tall: covariance updates
        est = MultiTaskLasso(alpha=1e-5, tol=0.0, max_iter=10_000_000)
        run = lambda: est.fit(X, np.column_stack([y, -y, 2 * y]))
    else:
        est = LassoCV(alphas=20, eps=1e-6, tol=0.0, max_iter=200_000, cv=3)
        run = lambda: est.fit(X, y)
    before = None if est is None else dict(vars(est))
    print("ready", flush=True)
    start = time.monotonic()
    try:
        run()
        print(json.dumps({"finished": time.monotonic() - start}), flush=True)
    except KeyboardInterrupt:
        caught = time.monotonic()
        unchanged = est is None or vars(est) == before
        # the process is usable afterwards: a small fit still works
        small = Lasso(alpha=0.1).fit(X[:50, :5], y[:50]).coef_
        print(json.dumps({"caught": caught, "unchanged": unchanged,
                          "after_ok": bool(np.all(np.isfinite(small)))}),
              flush=True)
""")


def _interrupt(kind, delay=1.0):
    env = dict(os.environ, PYTHONPATH=SRC, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, kind], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert "caught" in result, f"the fit finished before the signal: {result}"
    return result["caught"] - sent, result


@pytest.mark.parametrize("kind", ["lasso", "gram", "sparse", "path", "cv", "multitask",
                                  "multitask-gram", "box"])
def test_ctrl_c_stops_a_long_fit_within_0_2_s(kind):
    latency, result = _interrupt(kind)
    print(f"\nCtrl-C latency ({kind}): {latency * 1e3:.1f} ms")
    assert latency < 0.2
    assert result["unchanged"]
    assert result["after_ok"]


def test_two_threads_speed_up_is_measured():
    """Not a benchmark: prints the speed-up of two independent fits in two
    threads over the same two run one after the other (the kernels release
    the GIL and poll for signals only in the main thread)."""
    from concurrent.futures import ThreadPoolExecutor

    from shrinkage import Lasso

    rng = np.random.default_rng(1)
    problems = []
    for _ in range(2):
        X = rng.standard_normal((2000, 300)) + rng.standard_normal((2000, 1))
        y = X[:, :10].sum(axis=1) + rng.standard_normal(2000)
        problems.append((X, y))

    def fit(problem):
        X, y = problem
        return Lasso(alpha=1e-4, tol=0.0, max_iter=1500).fit(X, y).coef_

    start = time.perf_counter()
    serial = [fit(pr) for pr in problems]
    t_serial = time.perf_counter() - start
    with ThreadPoolExecutor(2) as pool:
        start = time.perf_counter()
        threaded = list(pool.map(fit, problems))
        t_threads = time.perf_counter() - start
    print(f"\ntwo fits: serial {t_serial:.3f} s, two threads {t_threads:.3f} s, "
          f"speed-up {t_serial / t_threads:.2f}x")
    for a, b in zip(serial, threaded):
        np.testing.assert_array_equal(a, b)

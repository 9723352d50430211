"""Many independent small problems in one call: :func:`fit_many`.

Per-group models (one per gene, sensor, store, bootstrap sample) have rows
of their own, so no per-design work can be shared; what one call saves is
the caller's loop and what threads can overlap. Each problem is fitted by
a copy of the estimator, exactly as ``estimator.fit(X_i, y_i)`` would fit
it, so results do not depend on the other problems nor on ``n_jobs``.
"""

import numbers
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

__all__ = ["ManyFits", "check_n_jobs", "fit_many"]


def check_n_jobs(n_jobs):
    """Check a thread count (None, an integer >= 1, or -k for all CPUs but
    k - 1); return the count, at least 1."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(
            f"n_jobs must be None or an integer (1 for no threads, -1 for one "
            f"per CPU), got {n_jobs!r} of type {type(n_jobs).__name__}.")
    n_jobs = int(n_jobs)
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, a positive count or -1.")
    if n_jobs < 0:
        return max((os.cpu_count() or 1) + 1 + n_jobs, 1)
    return n_jobs


@dataclass
class ManyFits:
    """Results of :func:`fit_many`, one entry per problem, in order.

    Attributes
    ----------
    coef : ndarray of shape (n_problems, n_features) or (n_problems, n_targets, n_features)
        Each problem's ``coef_``.
    intercept : ndarray of shape (n_problems,) or (n_problems, n_targets)
        Each problem's ``intercept_``.
    dual_gap : ndarray of shape (n_problems,) or (n_problems, n_targets), or None
        Each problem's final duality gap (``dual_gap_``); None for
        estimators without one (Ridge, LinearRegression).
    n_iter : ndarray of shape (n_problems,) or (n_problems, n_targets), or None
        Coordinate passes per problem (``n_iter_``); None where undefined.
    """

    coef: np.ndarray
    intercept: np.ndarray
    dual_gap: object = None
    n_iter: object = None


def _stack(values, name):
    shapes = {np.shape(v) for v in values}
    if len(shapes) > 1:
        raise ValueError(
            f"fit_many: the problems' {name} have different shapes {sorted(shapes)}: "
            "every problem needs the same number of features and of targets.")
    return np.array(values, dtype=np.float64)


def fit_many(estimator, problems, *, sample_weights=None, n_jobs=1):
    """Fit one estimator configuration to many independent problems.

    For per-group models where every group has its own rows: problem ``i``
    is fitted as ``clone(estimator).fit(X_i, y_i, sample_weight=s_i)``
    would fit it (bit for bit), in threads over contiguous chunks of the
    problems (the compiled solvers release the GIL). The estimator passed
    is not modified.

    Parameters
    ----------
    estimator : estimator
        An unfitted or fitted shrinkage linear model (``Lasso``,
        ``ElasticNet``, ``Ridge``, ``LinearRegression``, ...) whose
        parameters are used for every problem; warm starts do not carry
        over between problems.
    problems : iterable of (X, y) pairs
        The problems; every ``X_i`` must have the same number of features
        and every ``y_i`` the same number of targets (the rows may differ).
    sample_weights : sequence of (array-like or None), default=None
        One ``sample_weight`` per problem (None entries: unit weights).
    n_jobs : int or None, default=1
        Threads: ``None`` or 1 for none, -1 for one per CPU.

    Returns
    -------
    ManyFits
        Stacked ``coef``, ``intercept``, ``dual_gap`` and ``n_iter`` (the
        last two None for estimators that do not report them).

    Raises
    ------
    ValueError, TypeError
        For an invalid problem (with a note naming its index), estimator
        parameters, ``sample_weights`` of the wrong length, or ``n_jobs``.

    Notes
    -----
    Threads overlap only the compiled solves (which release the GIL); the
    Python set-up of each fit holds it, so for problems that solve in
    microseconds ``n_jobs`` gains little, and for larger ones it scales
    with the cores.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import Lasso, fit_many
    >>> rng = np.random.default_rng(0)
    >>> problems = [(X, X @ [1.0, 0.0, -2.0] + 0.1 * rng.standard_normal(50))
    ...             for X in rng.standard_normal((4, 50, 3))]
    >>> fits = fit_many(Lasso(alpha=0.1), problems)
    >>> fits.coef.shape, fits.intercept.shape, fits.dual_gap.shape
    ((4, 3), (4,), (4,))
    """
    if not (hasattr(estimator, "fit") and hasattr(estimator, "get_params")):
        raise TypeError(
            f"fit_many: estimator must be a shrinkage estimator, got {estimator!r}.")
    problems = list(problems)
    for i, pair in enumerate(problems):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(
                f"fit_many: problems[{i}] must be an (X, y) tuple, got "
                f"{type(pair).__name__}.")
    if not problems:
        raise ValueError("fit_many: problems is empty; pass at least one (X, y) pair.")
    if sample_weights is None:
        sample_weights = [None] * len(problems)
    else:
        sample_weights = list(sample_weights)
        if len(sample_weights) != len(problems):
            raise ValueError(
                f"fit_many: {len(sample_weights)} sample_weights for "
                f"{len(problems)} problems; pass one per problem (None for unit weights).")
    n_threads = min(check_n_jobs(n_jobs), len(problems))
    fitted = [None] * len(problems)
    cls, params = type(estimator), estimator.get_params(deep=False)

    def fit_range(start, stop):
        for i in range(start, stop):
            model = cls(**params)  # unfitted: no warm start from another problem
            X, y = problems[i]
            sw = sample_weights[i]
            try:
                model.fit(X, y) if sw is None else model.fit(X, y, sample_weight=sw)
            except (ValueError, TypeError) as exc:
                exc.add_note(f"fit_many: raised while fitting problems[{i}].")
                raise
            fitted[i] = (model.coef_, model.intercept_,
                         getattr(model, "dual_gap_", None), getattr(model, "n_iter_", None))

    bounds = np.linspace(0, len(problems), n_threads + 1).round().astype(int)
    if n_threads == 1:
        fit_range(0, len(problems))
    else:
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            futures = [pool.submit(fit_range, int(a), int(b))
                       for a, b in zip(bounds[:-1], bounds[1:])]
            for future in futures:
                future.result()
    coef, intercept, gaps, iters = zip(*fitted)
    return ManyFits(
        coef=_stack(coef, "coefficients"),
        intercept=_stack(intercept, "intercepts"),
        dual_gap=None if gaps[0] is None else _stack(gaps, "duality gaps"),
        n_iter=None if iters[0] is None else np.array(iters))

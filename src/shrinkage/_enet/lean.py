"""The lean route of a single small elastic-net fit (issue 19).

A fit of a small dense problem -- a float64 ndarray ``X`` with ``n >= p``
and few features, one float64 target, default options -- costs a few
dozen microseconds of arithmetic, while the general route (validation of
any input kind, a :class:`~shrinkage._enet.design.Design`, the per-target
solver with its threads and rescaling) costs several times that in Python
steps. This route makes the same kernel calls on the same arrays in the
same order as the general route's covariance-update fit, so its results
are bit for bit the same (tests/test_lean_fit.py compares them); only the
Python around the kernels is cut, the kernel calls being one
(:func:`~shrinkage._enet._lean.lean_gram_fit`):

- input checks are type and shape tests (no conversion happens); finite
  values are proven by the column statistics the fit computes anyway (a
  sum over a column holding an inf or a NaN is not finite), so ``X`` is not
  read an extra time;
- parameters of plain types are checked by comparisons;
- the scale checks of :func:`~shrinkage._enet.solve.solve_enet` (data near
  the ends of float64's range) are decided from the same statistics.

Anything else -- other input kinds or options, data whose scales would need
the general route's exact rescaling, non-finite values -- returns False
before any fitted state is set, and the caller takes the general route,
which then raises or warns as it always does.
"""

import math

import numpy as np

from . import _lean
from .solve import _GRAM_SOLVES_PER_FEATURE, _not_converged_message
from .._exceptions import convergence_warning

__all__ = ["lean_fit"]

_NO_WEIGHTS = np.empty(0)
_FLOAT64 = np.dtype(np.float64)


def _plain_params(est):
    """``(alpha, l1_ratio)`` when every parameter is of a plain type and in
    range with nothing to warn about, else None (the general route checks
    and reports)."""
    alpha, l1_ratio = est.alpha, est._effective_l1_ratio()
    tol, max_iter = est.tol, est.max_iter
    if not (type(alpha) in (float, int) and 0 < alpha < math.inf
            and type(l1_ratio) in (float, int) and 0 < l1_ratio <= 1
            and type(tol) in (float, int) and 0 <= tol < math.inf
            and type(max_iter) is int and max_iter >= 1):
        return None
    if not (type(est.fit_intercept) is bool and type(est.positive) is bool
            and est.warm_start is False and type(est.copy_X) is bool):
        return None
    if not (getattr(est, "lower_bounds", None) is None
            and getattr(est, "upper_bounds", None) is None):
        return None  # box constraints: their own solver (box.py)
    if not (est.selection == "cyclic" and est.penalty_factor is None
            and (est.n_jobs is None or (type(est.n_jobs) is int and est.n_jobs == 1))
            and (est.precompute is True or (type(est.precompute) is str
                                            and est.precompute == "auto"))):
        return None
    return float(alpha), float(l1_ratio)


def lean_fit(est, X, y):
    """Fit ``est`` (an ElasticNet or Lasso) on ``X``, ``y`` by the lean
    route and return True, or return False (nothing set) when the fit needs
    the general route."""
    if not (type(X) is np.ndarray and type(y) is np.ndarray and X.ndim == 2
            and y.ndim == 1 and X.dtype == _FLOAT64 and y.dtype == _FLOAT64
            and y.flags.c_contiguous):
        return False
    n, p = X.shape
    # the general route's choice for one solve ('auto'): covariance updates
    # when n >= p and the Gram repays its cost; precompute=True forces them
    if not (2 <= n == y.shape[0] and 1 <= p <= n
            and p * _GRAM_SOLVES_PER_FEATURE <= 1.0):
        return False
    if not (X.flags.c_contiguous or X.flags.f_contiguous):
        return False
    c_order = not X.flags.f_contiguous  # as DenseDesign (both: Fortran)
    params = _plain_params(est)
    if params is None:
        return False
    alpha, l1_ratio = params
    fit_intercept = est.fit_intercept

    l1, l2 = alpha * l1_ratio * n, alpha * (1.0 - l1_ratio) * n
    if not math.isfinite(l1):
        return False
    # Design.center_targets' mean: NumPy's sum of the column (a contiguous
    # reduction over n values rounds as the general route's (n, 1) sum)
    y_mean = float(np.add.reduce(y)) / n if fit_intercept else 0.0
    if not math.isfinite(y_mean):
        return False  # y holds an inf or a NaN (or sums beyond float64)
    X_flat = X.ravel(order="C" if c_order else "F")
    fitted = _lean.lean_gram_fit(X_flat, n, p, c_order, y, y_mean, fit_intercept,
                                 l1, l2, est.positive, float(est.tol), est.max_iter,
                                 _NO_WEIGHTS)
    if fitted is None:
        return False  # data whose scales or values need the general route
    w, x_mean, gap, n_iter, tol_abs, yy = fitted
    # (1, p) @ (p,): the general route's rounding of the intercept
    intercept = y_mean - float((w[None, :] @ x_mean)[0]) if fit_intercept else 0.0
    if not math.isfinite(intercept):
        return False  # the general route says why (and cannot do better)

    est.n_features_in_ = p
    if hasattr(est, "feature_names_in_"):
        del est.feature_names_in_
    est.coef_ = w
    est.intercept_ = np.float64(intercept)
    est.dual_gap_ = np.float64(gap / n)
    est.n_iter_ = int(n_iter)
    if not gap <= tol_abs:  # NaN never certifies
        import warnings
        warnings.warn(_not_converged_message(type(est).__name__, est.max_iter, gap,
                                             tol_abs, yy, alpha, n, 0, 1),
                      convergence_warning(), stacklevel=3)
    return True

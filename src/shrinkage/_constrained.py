"""Norm-constrained least squares, solved through the penalised solvers.

The constrained forms of the Lasso and of Ridge regression (Tibshirani 1996;
Hastie, Tibshirani & Friedman, "The Elements of Statistical Learning", 2nd
ed., eq. 3.42 and 3.51)::

    min_{w, b} ||y - X w - b||^2   subject to   ||w||_1 <= t     (Lasso)
    min_{w, b} ||y - X w - b||^2   subject to   ||w||_2 <= t     (Ridge)

are, by Lagrange duality, the penalised problems at one particular alpha.
When the budget binds (``t`` below the norm of the least-squares solution),
that alpha is the root of ``||w(alpha)|| = t``: the norm of the penalised
solution is continuous and non-increasing in alpha (compare the optimality
of ``w(alpha1)`` and ``w(alpha2)`` at both alphas), from the least-squares
norm at ``alpha = 0`` to zero at ``lambda_max`` (Lasso) or as alpha grows
(Ridge). Brent's method finds it, each evaluation a solve by shrinkage's own
estimators, so the optimum drawn by :func:`shrinkage.plot.plot_constraint_geometry`
is the solvers' answer, not a picture.
"""

from typing import NamedTuple

import numpy as np

from ._coordinate_descent import Lasso
from ._path import lasso_path
from ._ridge_estimators import LinearRegression, Ridge
from ._validation import check_scalar, check_X_y

__all__ = ["ConstrainedSolution", "constrained_least_squares"]

# Coordinate descent on the few features of a geometry example converges to
# rounding in a handful of passes: ask for a duality gap at rounding level
# (relative to ||y - ybar||^2 / n, scikit-learn's meaning of tol).
_CD_TOL = 1e-14
_CD_MAX_ITER = 100_000


class ConstrainedSolution(NamedTuple):
    """Optimum of a norm-constrained least-squares problem.

    ``alpha`` is the penalty of the equivalent penalised problem, in the
    scaling of the estimator that solved it (:class:`shrinkage.Lasso` or
    :class:`shrinkage.Ridge`).
    """

    coef: np.ndarray
    intercept: float
    alpha: float
    budget: float
    norm: str  # "l1" or "l2"


def _alpha_for_budget(fit, norm_of, budget, alpha_high):
    """The alpha at which ``norm_of(fit(alpha).coef_) == budget`` (Brent's method).

    ``norm_of(fit(0))`` exceeds the budget and ``norm_of(fit(alpha_high))``
    is at most it; returns (alpha, fitted estimator at alpha).
    """
    fits = {}

    def excess(alpha):
        fits[alpha] = fit(alpha)
        return norm_of(fits[alpha].coef_) - budget

    if excess(alpha_high) == 0.0:
        return alpha_high, fits[alpha_high]
    import scipy.optimize  # only here: keep it off `import shrinkage`

    alpha = scipy.optimize.brentq(excess, 0.0, alpha_high, xtol=1e-300,
                                  rtol=4 * np.finfo(float).eps, maxiter=500)
    return alpha, fits.get(alpha) or fit(alpha)


def _l1(w):
    return float(np.abs(w).sum())


def _l2(w):
    return float(np.linalg.norm(w))


def constrained_least_squares(X, y, budget, *, norm="l1", fit_intercept=True):
    """Least squares with ``||w|| <= budget``, solved by the penalised estimators.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    budget : float
        The budget ``t``, in (0, norm of the least-squares solution) so that
        the constraint binds.
    norm : {"l1", "l2"}, default="l1"
        "l1": the Lasso's constraint, solved by :class:`shrinkage.Lasso`;
        "l2": Ridge's, solved by :class:`shrinkage.Ridge`.
    fit_intercept : bool, default=True
        Leave an intercept unconstrained (the data are centred implicitly).

    Returns
    -------
    ConstrainedSolution
        ``coef`` with norm ``budget`` to rounding, and the estimator's
        ``alpha`` that gives it.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage._constrained import constrained_least_squares
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 2))
    >>> y = X @ [3.0, 1.0] + 0.1 * rng.standard_normal(100)
    >>> constrained_least_squares(X, y, 1.5).coef.round(12)   # a corner: w1 = 0
    array([1.5, 0. ])
    >>> w = constrained_least_squares(X, y, 1.5, norm="l2").coef
    >>> round(float(np.linalg.norm(w)), 12)
    1.5
    """
    if norm not in ("l1", "l2"):
        raise ValueError(f"norm must be 'l1' or 'l2', got {norm!r}.")
    X, y = check_X_y(X, y, estimator="constrained_least_squares", multi_output=False)
    ols = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    norm_of = _l1 if norm == "l1" else _l2
    check_scalar(budget, "budget", low=0.0, include_low=False)
    if not budget < norm_of(ols.coef_):
        raise ValueError(
            f"budget must be below the {norm} norm of the least-squares solution "
            f"({norm_of(ols.coef_):.6g}) for the constraint to bind, got {budget!r}."
        )

    if norm == "l1":
        def fit(alpha):
            return ols if alpha == 0.0 else Lasso(
                alpha=alpha, fit_intercept=fit_intercept, tol=_CD_TOL,
                max_iter=_CD_MAX_ITER).fit(X, y)

        # lambda_max, the first alpha of the automatic grid: there w = 0
        alpha_high = float(lasso_path(X, y, alphas=1, fit_intercept=fit_intercept)[0][0])
    else:
        def fit(alpha):
            return ols if alpha == 0.0 else Ridge(
                alpha=alpha, fit_intercept=fit_intercept).fit(X, y)

        # ||w(alpha)||_2 falls like 1/alpha for large alpha: grow until it binds
        alpha_high = 1.0
        while norm_of(fit(alpha_high).coef_) > budget:
            alpha_high *= 10.0
    alpha, model = _alpha_for_budget(fit, norm_of, float(budget), alpha_high)
    return ConstrainedSolution(model.coef_.copy(), float(model.intercept_), float(alpha),
                               float(budget), norm)

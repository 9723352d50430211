"""Regularization paths of the elastic net: ``enet_path`` and ``lasso_path``.

The path is solved from the largest alpha down, each solve warm-started at
the previous solution (Friedman, Hastie & Tibshirani 2010, "Regularization
paths for generalized linear models via coordinate descent", JSS 33(1),
section 2.5). Before each solve the *sequential strong rule* of Tibshirani,
Bien, Friedman, Hastie, Simon, Taylor & Tibshirani (2012), "Strong rules for
discarding predictors in lasso-type problems", JRSS-B 74(2), eq. (7),

    discard j  if  |x_j^T S r(lambda_{k-1})| < f_j (2 lambda_k - lambda_{k-1}),

restricts the kernel to a small candidate set (plus every feature already
nonzero and every unpenalised one). The rule is not safe, so after the solve
the KKT condition ``|x_j^T S r| <= lambda_k f_j`` of each discarded feature
is checked on the final residual (section 7 of the paper); violators join
the candidates and the solve resumes from where it stopped. Once no feature
violates, the duality gap of the restricted problem is the gap of the full
problem (the dual rescaling only depends on features violating the bound),
so every point of the path carries the same certificate as a single fit.
Inside each solve the naive kernel adds gap-safe screening (Fercoq,
Gramfort & Salmon 2015; Ndiaye et al. 2017) and the Gram kernel reuses the
Gram columns of one cache along the whole path.
"""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp

from . import _cd_dense
from ._exceptions import convergence_warning
from ._solvers import (
    DenseDesign,
    SparseDesign,
    _seed_from,
    active_gram_for,
    choose_method,
    make_design,
    naive_solve,
)
from ._validation import (
    check_penalty_factor,
    check_precompute,
    check_sample_weight,
    check_scalar,
    check_X_y,
)

__all__ = ["enet_path", "lasso_path"]

_RESOLUTION = np.finfo(np.float64).resolution


# --------------------------------------------------------------------------
# building blocks shared with the cross-validation estimators
# --------------------------------------------------------------------------

def _full_correlations(design, residual):
    """``Xc^T S r`` for every feature (n-scaled) and a centred residual
    ``r`` (n,), or for each column of ``r`` (n, m), naive designs (dense or
    CSC) only: one read of X for all columns."""
    sw = design.sw
    if residual.ndim == 1:
        v = residual * sw if sw.size else residual
        return design.X.T @ v - design.x_mean * v.sum()
    V = np.asfortranarray(residual * sw[:, None] if sw.size else residual)
    if sp.issparse(design.X) or not design.X.flags.f_contiguous:
        XtV = design.X.T @ V
    else:
        XtV = np.empty((p := design.n_features, V.shape[1]), order="F")
        _cd_dense.column_products(design.X, V, XtV)
    return XtV - np.outer(design.x_mean, V.sum(axis=0))


def _lambda_max_correlations(design, yc, pf, positive=False):
    """Correlations ``Xc^T S r0`` that define lambda_max.

    ``r0`` is ``yc`` after an unpenalised weighted least-squares fit on the
    features with ``f_j = 0`` (they are nonzero at every alpha), so that
    ``lambda_max`` is the smallest alpha where every *penalised* coefficient
    is zero (design.md section 1). With ``positive`` the fit is non-negative
    least squares.
    """
    free = np.flatnonzero(pf == 0) if pf is not None else np.empty(0, dtype=np.intp)
    r0 = yc
    if free.size:
        Xf = design.X[:, free]
        Xf = (Xf.toarray() if sp.issparse(Xf) else np.asarray(Xf)) - design.x_mean[free]
        sw = design.sw if design.sw.size else None
        root = np.sqrt(sw) if sw is not None else 1.0
        Xw = Xf * (root[:, None] if sw is not None else 1.0)
        if positive:
            import scipy.optimize  # rare branch: keep it off `import shrinkage`

            beta = scipy.optimize.nnls(Xw, yc * root)[0]
        else:
            beta = np.linalg.lstsq(Xw, yc * root, rcond=None)[0]
        r0 = yc - Xf @ beta
    return _full_correlations(design, r0)


def _alpha_max(c0, n, l1_ratio, pf, positive):
    """Largest useful alpha from the correlations at zero, ``c0`` (p, T)."""
    c0 = np.asarray(c0).reshape(c0.shape[0], -1)
    a = np.maximum(c0, 0.0) if positive else np.abs(c0)
    if pf is not None:
        pen = pf > 0
        if not pen.any():
            return 0.0
        a = a[pen] / pf[pen, None]
    if a.size == 0:
        return 0.0
    return float(a.max()) / (n * l1_ratio)


def _alpha_grid_from(alpha_max, eps, n_alphas):
    """scikit-learn's grid: ``geomspace(alpha_max, eps * alpha_max, n_alphas)``."""
    if alpha_max <= _RESOLUTION:
        return np.full(n_alphas, _RESOLUTION)
    return np.geomspace(alpha_max, alpha_max * eps, num=n_alphas)


# Naive designs check the KKT conditions of several consecutive alphas with
# one product X^T [r_1 ... r_m] (one read of X instead of m): the alphas of a
# batch are solved on candidates from the strong rule of the correlations
# before the batch, as long as its threshold 2 lambda_k - lambda_ref stays
# above BATCH_THRESHOLD * lambda_ref (strong rules for a larger step keep more
# candidates); at most MAX_BATCH alphas. A violation restarts the path at the
# first alpha that has one.
MAX_BATCH = 8
BATCH_THRESHOLD = 0.5


def _strong_candidates(c, l1, l1_ref, pf, positive, w, keep, forced):
    """Tibshirani et al. (2012), eq. (7), with penalty factors: features
    kept at ``l1`` from the correlations ``c`` taken at ``l1_ref``; plus
    the nonzero, unpenalised (``keep``) and ``forced`` ones."""
    bound = pf * (2.0 * l1 - max(l1_ref, l1))
    score = c if positive else np.abs(c)
    mask = (score >= bound) | (w != 0.0) | keep
    if forced is not None:
        mask[forced] = True
    return np.flatnonzero(mask).astype(np.intc)


def _solve_path(design, yc, alphas, *, l1_ratio, pf, positive, tol, max_iter,
                random, seed, w_init=None, strong_rules=True, screen=True,
                q=None, yy=None, stats=None):
    """Elastic-net path for one centred target on a prepared design.

    ``design`` is a :class:`~shrinkage._solvers.DenseDesign` (or any object
    with its attributes ``method``, ``n_samples``, ``n_features``, ``sw``,
    ``x_mean``, ``sq_norms`` and ``X`` (naive) or ``cache`` (Gram)). For the
    Gram method ``q = Xc^T S yc`` and ``yy = yc^T S yc`` may be given.

    Returns ``coefs`` (p, n_alphas), ``gaps`` (n_alphas,) in the
    1/(2n)-scaled objective, ``n_iters`` (n_alphas,) and the number of
    alphas whose gap did not reach the tolerance. ``stats``, a dict, gets
    the counts of batches (``"batches"``, products with X for naive
    designs) and of restarts after a KKT violation (``"kkt_restarts"``).
    """
    n, p = design.n_samples, design.n_features
    n_alphas = len(alphas)
    gram = design.method == "gram"
    stats = {} if stats is None else stats
    stats.update(batches=0, kkt_restarts=0)
    pf = np.ones(p) if pf is None else np.ascontiguousarray(pf, dtype=np.float64)
    unpenalised = pf == 0
    kernel_c = np.empty(p)
    l1s = np.asarray(alphas, dtype=np.float64) * l1_ratio * n
    l2s = np.asarray(alphas, dtype=np.float64) * (1.0 - l1_ratio) * n
    if gram:
        if q is None:
            q = np.empty(p)
            yy = _cd_dense.gram_correlations(design.cache, yc, q)
    else:
        yy = design.weighted_sq_norm(yc)
        active_gram = active_gram_for(design)
        residuals = np.empty((n, min(MAX_BATCH, n_alphas)), order="F")
    tol_abs = tol * yy

    w = np.zeros(p) if w_init is None else np.array(w_init, dtype=np.float64)
    # each alpha's coefficients contiguous: a column written per solve
    coefs = np.empty((p, n_alphas), order="F")
    gaps = np.empty(n_alphas)
    n_iters = np.zeros(n_alphas, dtype=np.intp)

    # Correlations at the starting point and the lambda they were taken at,
    # for the strong rule; with a nonzero start the first solve uses every
    # feature.
    c, l1_ref = None, None
    if not w.any():
        c = q.copy() if gram else _full_correlations(design, yc)
        c_pen = np.maximum(c, 0.0) if positive else np.abs(c)
        pen = ~unpenalised
        l1_ref = float((c_pen[pen] / pf[pen]).max()) if pen.any() else 0.0
        if unpenalised.any():
            c = None  # the free features move first: no screening at alpha_0
    all_idx = np.arange(p, dtype=np.intc)
    # KKT violators found at an alpha, candidates whenever it is solved
    # again: its candidate set only grows, so the restarts end
    forced = {}
    kernel_c_current = False  # whether kernel_c is q - G w (Gram designs)

    k = 0
    while k < n_alphas:
        screened = strong_rules and c is not None
        # the batch: alphas k .. end - 1 share the candidates' reference c
        end = k + 1
        if screened and not gram:
            while (end < n_alphas and end - k < residuals.shape[1]
                   and l1s[end] > 0.0
                   and 2.0 * l1s[end] - l1_ref >= BATCH_THRESHOLD * l1_ref):
                end += 1
        cands = []
        for i in range(k, end):
            if screened and l1s[i] > 0.0:
                cand = _strong_candidates(c, l1s[i], l1_ref, pf, positive, w,
                                          unpenalised, forced.get(i))
            else:
                cand = all_idx
            if cand.size:
                if gram:
                    gap, it = _cd_dense.enet_gram(
                        design.cache, q, yy, design.sq_norms, pf, w, kernel_c,
                        cand, l1s[i], l2s[i], positive, tol_abs, max_iter, random,
                        seed, correlations_current=kernel_c_current)
                    kernel_c_current = True
                else:
                    gap, it = naive_solve(
                        design, yc, pf, w, residuals[:, i - k], kernel_c, cand,
                        l1s[i], l2s[i], positive, tol_abs, max_iter, random, seed,
                        screen, active_gram=active_gram)
            else:
                # Nothing may move and w = 0 (nonzero features are always
                # candidates): the residual is yc, the gap 0 if KKT holds.
                gap, it = 0.0, 0
                if gram:
                    kernel_c[:] = q
                    kernel_c_current = True
                else:
                    residuals[:, i - k] = yc
            coefs[:, i] = w
            gaps[i] = gap / n
            n_iters[i] += it
            cands.append(cand)
        # Full correlations at the batch's solutions, by one product: the
        # KKT check of the features each left out, the strong rule after.
        if gram:
            C = kernel_c.reshape(p, 1).copy()
        else:
            R = residuals[:, : end - k]
            if isinstance(design, SparseDesign):
                R = R + design.x_mean @ coefs[:, k:end]
            C = _full_correlations(design, R)
        stats["batches"] += 1
        for i in range(k, end):
            if cands[i - k].size == p:
                continue
            out = np.ones(p, dtype=bool)
            out[cands[i - k]] = False
            score = C[:, i - k] if positive else np.abs(C[:, i - k])
            violators = np.flatnonzero(out & (score > l1s[i] * pf))
            if violators.size:
                forced[i] = (violators if i not in forced
                             else np.union1d(forced[i], violators))
                stats["kkt_restarts"] += 1
                break
        else:
            i = end
        # alphas before i are done; the path resumes at i (if a violation)
        if i > k:
            c = C[:, i - 1 - k].copy()
            l1_ref = l1s[i - 1]
        if i < end:
            w = coefs[:, i].copy()
            # a Gram batch is the one alpha whose q - G w kernel_c holds
            kernel_c_current = gram and end == i + 1
        k = i
    n_failed = int(np.sum(gaps * n > tol_abs))
    return coefs, gaps, n_iters, n_failed


def _resolve_alphas(alphas, n_alphas, func_name):
    """scikit-learn 1.9's ``alphas`` (int or array) / deprecated ``n_alphas``."""
    if n_alphas is not None and not (isinstance(n_alphas, str) and n_alphas == "deprecated"):
        warnings.warn(
            f"{func_name}: 'n_alphas' is deprecated (as in scikit-learn 1.9); "
            "pass an integer to 'alphas' instead.",
            FutureWarning,
            stacklevel=3,
        )
        if alphas is None or (isinstance(alphas, str) and alphas == "warn"):
            alphas = n_alphas
    if alphas is None or (isinstance(alphas, str) and alphas == "warn"):
        alphas = 100
    if isinstance(alphas, numbers.Integral) and not isinstance(alphas, bool):
        if alphas < 1:
            raise ValueError(f"alphas must be >= 1 when an integer, got {alphas}.")
        return int(alphas), None
    grid = np.asarray(alphas, dtype=np.float64).ravel()
    if grid.size == 0:
        raise ValueError("alphas must be a positive integer or a non-empty array.")
    if not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise ValueError("alphas must be finite and >= 0.")
    return None, np.sort(grid)[::-1]


# --------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------

def enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas="deprecated",
              alphas=None, precompute="auto", Xy=None, copy_X=True,
              coef_init=None, verbose=False, return_n_iter=False,
              positive=False, check_input=True, fit_intercept=False,
              sample_weight=None, penalty_factor=None, tol=1e-4,
              max_iter=1000, selection="cyclic", random_state=None,
              strong_rules=True):
    """Compute the elastic-net path with coordinate descent.

    Solves, for each alpha of a decreasing grid, the objective of
    :class:`shrinkage.ElasticNet`::

        1 / (2 * n_samples) * sum_i s_i (y_i - x_i.w - b)^2
        + alpha * l1_ratio * sum_j f_j |w_j|
        + 0.5 * alpha * (1 - l1_ratio) * sum_j f_j w_j^2

    warm-starting each solve at the previous solution, with sequential
    strong rules checked by KKT conditions (Tibshirani et al. 2012) and
    gap-safe screening. Signature and return values are those of
    :func:`sklearn.linear_model.enet_path`.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data. Sparse ``X`` (CSC; CSR and COO are converted once) is
        used through its nonzeros with naive updates and implicit centring:
        it is never densified.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Targets. Several targets are fitted **independently** (as
        :class:`shrinkage.ElasticNet` does); scikit-learn's ``enet_path``
        fits a multi-task model for 2-D ``y`` instead.
    l1_ratio : float, default=0.5
        Mix in (0, 1]: 1 is the Lasso.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the automatic grid.
    n_alphas : int, default="deprecated"
        Deprecated in scikit-learn 1.9: pass an integer to ``alphas``.
    alphas : int or array-like, default=None
        Number of alphas of the automatic grid (``None`` means 100, the
        default of scikit-learn 1.9 to 1.11), or the alphas themselves
        (sorted decreasingly).
    precompute : 'auto', bool or array-like of shape (n_features, n_features), default='auto'
        Covariance (Gram) updates. 'auto' uses them when ``n_samples >=
        n_features`` and the Gram is repaid by the path
        (``n_features <= 40 * n_alphas * n_targets``). An array is the Gram
        ``X^T diag(s) X`` of the (centred, when ``fit_intercept``) data.
        The Gram columns are computed once and reused along the path.
        Sparse ``X`` takes naive updates ('auto' or False).
    Xy : array-like of shape (n_features,) or (n_features, n_targets), default=None
        ``X^T diag(s) y`` (centred when ``fit_intercept``), used for the
        alpha grid.
    copy_X : bool, default=True
        Accepted for compatibility: ``X`` is never modified.
    coef_init : array-like of shape (n_features,) or (n_targets, n_features), default=None
        Starting point of the first solve.
    verbose : bool or int, default=False
        Accepted for compatibility; ignored.
    return_n_iter : bool, default=False
        Also return the number of coordinate passes per alpha.
    positive : bool, default=False
        Constrain coefficients to be >= 0.
    check_input : bool, default=True
        Validate ``X`` and ``y``. With False they must be float64 arrays.
    fit_intercept : bool, default=False
        Fit an unpenalised intercept by implicit centring. The default
        mirrors scikit-learn's path functions, which solve the problem
        without intercept (the data are assumed centred).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, rescaled to sum to ``n_samples``.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty multipliers ``f_j >= 0`` (0: unpenalised).
    tol : float, default=1e-4
        Each alpha stops when its duality gap is below
        ``tol * ||y - ybar||^2_s / n_samples``.
    max_iter : int, default=1000
        Maximal number of coordinate passes per alpha.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    random_state : int, RandomState, Generator or None, default=None
        Seed for ``selection='random'``.
    strong_rules : bool, default=True
        Use sequential strong rules with a KKT check. False solves every
        alpha over all features (same result, for testing).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path, decreasing.
    coefs : ndarray of shape (n_features, n_alphas) or (n_targets, n_features, n_alphas)
        Coefficients along the path (for one target in Fortran order: each
        alpha's coefficients contiguous, as the solver writes them).
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gap at the end of each solve (the largest over targets).
    n_iters : list of int
        Coordinate passes per alpha (summed over targets); returned when
        ``return_n_iter`` is True.

    Notes
    -----
    The intercepts of a path with ``fit_intercept=True`` are
    ``y_mean - x_mean @ coefs`` (weighted means).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import enet_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 4))
    >>> y = X @ [1.0, 0.0, -2.0, 0.0]
    >>> alphas, coefs, gaps = enet_path(X, y, l1_ratio=0.8, alphas=5)
    >>> coefs.shape
    (4, 5)
    """
    return _path(X, y, l1_ratio=l1_ratio, eps=eps, n_alphas=n_alphas,
                 alphas=alphas, precompute=precompute, Xy=Xy,
                 coef_init=coef_init, return_n_iter=return_n_iter,
                 positive=positive, check_input=check_input,
                 fit_intercept=fit_intercept, sample_weight=sample_weight,
                 penalty_factor=penalty_factor, tol=tol, max_iter=max_iter,
                 selection=selection, random_state=random_state,
                 strong_rules=strong_rules, func_name="enet_path")


def lasso_path(X, y, *, eps=1e-3, n_alphas="deprecated", alphas=None,
               precompute="auto", Xy=None, copy_X=True, coef_init=None,
               verbose=False, return_n_iter=False, positive=False,
               check_input=True, fit_intercept=False, sample_weight=None,
               penalty_factor=None, tol=1e-4, max_iter=1000,
               selection="cyclic", random_state=None, strong_rules=True):
    """Compute the Lasso path with coordinate descent.

    :func:`enet_path` with ``l1_ratio=1``: the objective
    ``1 / (2 * n_samples) * sum_i s_i (y_i - x_i.w - b)^2 + alpha * sum_j
    f_j |w_j|`` on a decreasing grid of alphas, with warm starts,
    sequential strong rules and KKT checks. Signature and return values are
    those of :func:`sklearn.linear_model.lasso_path`; see :func:`enet_path`
    for the parameters.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas) or (n_targets, n_features, n_alphas)
    dual_gaps : ndarray of shape (n_alphas,)
    n_iters : list of int
        Returned when ``return_n_iter`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import lasso_path
    >>> X = np.array([[1.0, 2.0, 3.1], [2.3, 5.4, 4.3]]).T
    >>> y = np.array([1.0, 2.0, 3.1])
    >>> alphas, coefs, _ = lasso_path(X, y, alphas=[5.0, 1.0, 0.5])
    >>> coefs.round(3)
    array([[0.   , 0.   , 0.469],
           [0.216, 0.443, 0.237]])
    """
    return _path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas,
                 alphas=alphas, precompute=precompute, Xy=Xy,
                 coef_init=coef_init, return_n_iter=return_n_iter,
                 positive=positive, check_input=check_input,
                 fit_intercept=fit_intercept, sample_weight=sample_weight,
                 penalty_factor=penalty_factor, tol=tol, max_iter=max_iter,
                 selection=selection, random_state=random_state,
                 strong_rules=strong_rules, func_name="lasso_path")


def _path(X, y, *, l1_ratio, eps, n_alphas, alphas, precompute, Xy,
          coef_init, return_n_iter, positive, check_input, fit_intercept,
          sample_weight, penalty_factor, tol, max_iter, selection,
          random_state, strong_rules, func_name):
    if check_input:
        X, y = check_X_y(X, y, estimator=func_name, accept_sparse=("csc",))
    else:
        X = X.tocsc() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    if not (0.0 <= l1_ratio <= 1.0):
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio!r}.")
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps!r}.")
    if selection not in ("cyclic", "random"):
        raise ValueError(f"selection should be either 'random' or 'cyclic', got {selection!r}.")
    check_scalar(tol, "tol", low=0.0)
    check_scalar(max_iter, "max_iter", kind=numbers.Integral, low=1)
    multi_output = y.ndim > 1
    Y = y.reshape(n, -1)
    n_targets = Y.shape[1]
    if multi_output and positive:
        raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
    sw = check_sample_weight(sample_weight, n)
    pf = check_penalty_factor(penalty_factor, p)
    n_grid, grid = _resolve_alphas(alphas, n_alphas, func_name)
    n_solves = (n_grid if grid is None else grid.size) * n_targets

    if sp.issparse(X):
        check_precompute(precompute, p)
        design = make_design(X, sw, fit_intercept, precompute, n_solves)
    else:
        gram = None
        if not isinstance(precompute, (str, bool, np.bool_)):
            gram = np.asarray(check_precompute(precompute, p), dtype=np.float64)
        method = choose_method(n, p, precompute if gram is None else True, n_solves=n_solves)
        design = DenseDesign(X, sw, fit_intercept, method, gram=gram)
    y_mean, Yc = design.center_targets(Y)

    if grid is None:
        if l1_ratio == 0:
            raise ValueError(
                "Automatic alpha grid generation is not supported for l1_ratio=0. "
                "Please supply a grid by providing the 'alphas' argument.")
        free = pf is not None and np.any(pf == 0)
        if Xy is not None and not free:
            c0 = np.asarray(Xy, dtype=np.float64)
            if c0.shape not in ((p,), (p, n_targets)):
                raise ValueError(
                    f"Xy must have shape ({p},) or ({p}, {n_targets}) (X.T @ y), "
                    f"got shape {c0.shape}.")
            c0 = c0.reshape(p, -1)
        else:
            c0 = np.column_stack([_lambda_max_correlations(design, Yc[:, k], pf, positive)
                                  for k in range(n_targets)])
        grid = _alpha_grid_from(_alpha_max(c0, n, l1_ratio, pf, positive), eps, n_grid)

    random = selection == "random"
    seed = _seed_from(random_state) if random else 1
    if coef_init is not None:
        W0 = np.asarray(coef_init, dtype=np.float64)
        if W0.size != n_targets * p or W0.ndim > 2:
            raise ValueError(
                f"coef_init must have shape ({p},) or ({n_targets}, {p}), got "
                f"shape {W0.shape}.")
        W0 = W0.reshape(n_targets, p)
    else:
        W0 = [None] * n_targets

    per_target = []
    gaps = np.zeros(grid.size)
    iters = np.zeros(grid.size, dtype=np.intp)
    n_failed = 0
    for k in range(n_targets):
        ck, gk, ik, fk = _solve_path(
            design, np.ascontiguousarray(Yc[:, k]), grid, l1_ratio=float(l1_ratio),
            pf=pf, positive=bool(positive), tol=float(tol),
            max_iter=int(max_iter), random=random, seed=seed, w_init=W0[k],
            strong_rules=strong_rules)
        per_target.append(ck)
        gaps = np.maximum(gaps, gk)
        iters += ik
        n_failed += fk
    if n_failed:
        warnings.warn(
            f"{func_name}: {n_failed} of {grid.size * n_targets} solves did not "
            f"converge within max_iter={max_iter} passes. Increase max_iter, "
            "loosen tol, or standardize the features.",
            convergence_warning(), stacklevel=3)
    # one target's (n_features, n_alphas) array as the solver wrote it
    # (Fortran order), without a copy
    coefs = np.stack(per_target) if multi_output else per_target[0]
    if return_n_iter:
        return grid, coefs, gaps, [int(i) for i in iters]
    return grid, coefs, gaps

"""The regularization-path driver of the elastic net.

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

import numpy as np
import scipy.sparse as sp

from . import _strong
from .design import make_design
from .solve import active_gram_for, fold_precompute, kernel_penalties

__all__ = ["alpha_grids", "solve_path", "solve_paths", "path_on_rows"]

_RESOLUTION = np.finfo(np.float64).resolution


def _full_correlations(design, residual):
    """``Xc^T S r`` for every feature (n-scaled) and a centred residual
    ``r`` (n,), or for each column of ``r`` (n, m), naive designs (dense or
    CSC) only: one read of X for all columns."""
    sw = design.sw
    if residual.ndim == 1:
        v = residual * sw if sw.size else residual
        if design.single:  # a float32 X: no float64 copy of it (design.products)
            return design.products(v[:, None])[:, 0] - design.x_mean * v.sum()
        XT = design.XT if sp.issparse(design.X) else design.X.T
        return XT @ v - design.x_mean * v.sum()
    V = np.asfortranarray(residual * sw[:, None] if sw.size else residual)
    return design.products(V) - np.outer(design.x_mean, V.sum(axis=0))


def _lambda_max_correlations(design, yc, pf, positive=False):
    """Correlations ``Xc^T S r0`` that define lambda_max.

    ``r0`` is ``yc`` after an unpenalised weighted least-squares fit on the
    features with ``f_j = 0`` (they are nonzero at every alpha), so that
    ``lambda_max`` is the smallest alpha where every *penalised* coefficient
    is zero (docs/design.md section 1). With ``positive`` the fit is non-negative
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


def alpha_grids(design, Yc, l1_ratios, *, eps, n_alphas, pf, positive,
                correlations=None):
    """scikit-learn's automatic alpha grid for each of ``l1_ratios`` (> 0).

    ``alpha_max`` is the smallest alpha at which every penalised
    coefficient of every target (columns of the centred ``Yc``) is zero.
    ``correlations`` (p,) or (p, n_targets): ``Xc^T S yc`` when the caller
    knows them; used only when no feature is unpenalised (otherwise the
    correlations are those after the free features' least-squares fit).
    """
    free = pf is not None and np.any(pf == 0)
    if correlations is not None and not free:
        c0 = np.asarray(correlations).reshape(design.n_features, -1)
    else:
        c0 = np.column_stack([_lambda_max_correlations(design, Yc[:, k], pf, positive)
                              for k in range(Yc.shape[1])])
    return [_alpha_grid_from(_alpha_max(c0, design.n_samples, r, pf, positive),
                             eps, n_alphas)
            for r in l1_ratios]


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
    the nonzero, unpenalised (``keep``) and ``forced`` ones (int32,
    ascending; compiled: _strong.pyx)."""
    return _strong.strong_candidates(c, l1, l1_ref, pf, positive, w,
                                     keep.view(np.uint8), forced)


def _starting_correlations(design, yc, q, pf, positive, unpenalised):
    """Correlations at ``w = 0`` and the lambda they were taken at, for the
    strong rule at the first alpha; None when free features move first."""
    c = q.copy() if design.method == "gram" else _full_correlations(design, yc)
    c_pen = np.maximum(c, 0.0) if positive else np.abs(c)
    pen = ~unpenalised
    l1_ref = float((c_pen[pen] / pf[pen]).max()) if pen.any() else 0.0
    if unpenalised.any():
        c = None  # the free features move first: no screening at alpha_0
    return c, l1_ref


def _batch_end(k, l1s, l1_ref, width):
    """End of the batch from alpha ``k``: the alphas that share the strong
    rule's reference correlations (naive designs)."""
    end = k + 1
    while (end < len(l1s) and end - k < width and l1s[end] > 0.0
           and 2.0 * l1s[end] - l1_ref >= BATCH_THRESHOLD * l1_ref):
        end += 1
    return end


def _first_violation(C, cands, k, end, l1s, pf, positive, forced):
    """First alpha of the batch ``k .. end - 1`` with a discarded feature
    violating KKT at its solution (its violators join ``forced``), or
    ``end``."""
    p = C.shape[0]
    for i in range(k, end):
        if cands[i - k].size == p:
            continue
        violators = _strong.kkt_violators(C[:, i - k], cands[i - k], float(l1s[i]),
                                          pf, positive)
        if violators.size:
            forced[i] = (violators if i not in forced
                         else np.union1d(forced[i], violators))
            return i
    return end


def solve_path(design, yc, alphas, *, l1_ratio, pf, positive, tol, max_iter,
               random, seed, w_init=None, strong_rules=True, screen=True,
               q=None, yy=None, stats=None, progress=None, coef_dtype=np.float64):
    """Elastic-net path for one centred target on a prepared design.

    ``design`` is a :class:`~shrinkage._enet.design.Design`. For the Gram
    method ``q = Xc^T S yc`` and ``yy = yc^T S yc`` may be given.

    Returns ``coefs`` (p, n_alphas), ``gaps`` (n_alphas,) in the
    1/(2n)-scaled objective, ``n_iters`` (n_alphas,) and the number of
    alphas whose gap did not reach the tolerance. ``stats``, a dict, gets
    the counts of batches (``"batches"``, products with X for naive
    designs) and of restarts after a KKT violation (``"kkt_restarts"``).
    ``progress(i, coef, gap, n_iter)`` is called once per alpha, in order,
    when its solution is final (a KKT restart re-solves later alphas only).
    ``coef_dtype``: the dtype of the returned ``coefs`` (float32 for a
    float32 path's output: the solves keep float64 coefficients for the
    alphas of the batch being solved only, each rounded once when final, so
    the path's float64 copy of (p, n_alphas) is never made).
    """
    n, p = design.n_samples, design.n_features
    n_alphas = len(alphas)
    gram = design.method == "gram"
    stats = {} if stats is None else stats
    stats.update(batches=0, kkt_restarts=0)
    l1s, l2s, pf = kernel_penalties(alphas, l1_ratio, pf, n, p)
    unpenalised = pf == 0
    kernel_c = np.empty(p)
    if gram:
        if q is None:
            q = np.empty(p)
            yy = design.gram_correlations(yc, q)
    else:
        yy = design.weighted_sq_norm(yc)
        active_gram = active_gram_for(design)
        residuals = np.empty((n, min(MAX_BATCH, n_alphas)), order="F")
    tol_abs = tol * yy

    w = np.zeros(p) if w_init is None else np.array(w_init, dtype=np.float64)
    # each alpha's coefficients contiguous: a column written per solve
    coefs = np.empty((p, n_alphas), dtype=coef_dtype, order="F")
    gaps = np.empty(n_alphas)
    n_iters = np.zeros(n_alphas, dtype=np.intp)

    # With a nonzero start the first solve uses every feature.
    c, l1_ref = None, None
    if not w.any():
        c, l1_ref = _starting_correlations(design, yc, q, pf, positive, unpenalised)
    all_idx = np.arange(p, dtype=np.intc)
    # KKT violators found at an alpha, candidates whenever it is solved
    # again: its candidate set only grows, so the restarts end
    forced = {}
    kernel_c_current = False  # whether kernel_c is q - G w (Gram designs)

    if gram and progress is None and design.batch_paths:
        # the loop below in one kernel call, bit for bit (_gram_batch.pyx)
        # (its coefficients in float64: a float32 path rounds them once, after)
        out = coefs if coef_dtype == np.float64 else np.empty((p, n_alphas), order="F")
        stats["batches"], stats["kkt_restarts"] = design.gram_path(
            q, yy, pf, unpenalised, w, kernel_c, np.ascontiguousarray(l1s, dtype=np.float64),
            np.ascontiguousarray(l2s, dtype=np.float64), positive, tol_abs, max_iter,
            random, seed, strong_rules, c, l1_ref, out, gaps, n_iters)
        if out is not coefs:
            coefs[:] = out
        n_failed = int(np.sum(~(gaps * n <= tol_abs)))  # NaN never certifies
        return coefs, gaps, n_iters, n_failed

    # the float64 coefficients of the batch in progress (alpha i in column
    # i - k): a KKT restart warm-starts from them, the residuals of naive
    # designs are taken at them; coefs gets each batch's final columns
    batch = np.empty((p, 1 if gram else residuals.shape[1]), order="F")

    k = 0
    while k < n_alphas:
        screened = strong_rules and c is not None
        # the batch: alphas k .. end - 1 share the candidates' reference c
        end = (_batch_end(k, l1s, l1_ref, residuals.shape[1])
               if screened and not gram else k + 1)
        cands = []
        for i in range(k, end):
            if screened and l1s[i] > 0.0:
                cand = _strong_candidates(c, l1s[i], l1_ref, pf, positive, w,
                                          unpenalised, forced.get(i))
            else:
                cand = all_idx
            if cand.size:
                if gram:
                    gap, it = design.gram_solve(
                        q, yy, pf, w, kernel_c, cand, l1s[i], l2s[i], positive,
                        tol_abs, max_iter, random, seed,
                        correlations_current=kernel_c_current)
                    kernel_c_current = True
                else:
                    gap, it = design.naive_solve(
                        yc, pf, w, residuals[:, i - k], kernel_c, cand,
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
            batch[:, i - k] = w
            gaps[i] = gap / n
            n_iters[i] += it
            cands.append(cand)
        # Full correlations at the batch's solutions, by one product: the
        # KKT check of the features each left out, the strong rule after.
        if gram:
            C = kernel_c.reshape(p, 1).copy()
        else:
            R = design.centred_residuals(residuals[:, : end - k], batch[:, : end - k])
            C = _full_correlations(design, R)
        stats["batches"] += 1
        i = _first_violation(C, cands, k, end, l1s, pf, positive, forced)
        if i < end:
            stats["kkt_restarts"] += 1
        # alphas before i are done; the path resumes at i (if a violation)
        if i > k:
            c = C[:, i - 1 - k].copy()
            l1_ref = l1s[i - 1]
        coefs[:, k:i] = batch[:, : i - k]
        if i < end:
            w = batch[:, i - k].copy()
            # a Gram batch is the one alpha whose q - G w kernel_c holds
            kernel_c_current = gram and end == i + 1
        if progress is not None:
            for j in range(k, i):
                progress(j, batch[:, j - k], gaps[j], n_iters[j])
        k = i
    n_failed = int(np.sum(~(gaps * n <= tol_abs)))  # NaN never certifies
    return coefs, gaps, n_iters, n_failed


def solve_paths(design, Yc, alphas, W0, **options):
    """:func:`solve_path` for each column of the centred targets ``Yc``
    from the starting points ``W0`` (rows, or None for zero).

    Returns the per-target coefficient arrays, the largest gap and the
    summed passes per alpha, and the number of solves that did not converge.
    ``progress`` (optional): ``progress(k)`` is the ``progress`` callable of
    :func:`solve_path` for target ``k``.
    """
    per_target = []
    gaps = np.zeros(len(alphas))
    iters = np.zeros(len(alphas), dtype=np.intp)
    n_failed = 0
    progress = options.pop("progress", None)
    for k in range(Yc.shape[1]):
        ck, gk, ik, fk = solve_path(
            design, np.ascontiguousarray(Yc[:, k]), alphas,
            w_init=None if W0 is None else W0[k],
            progress=None if progress is None else progress(k), **options)
        per_target.append(ck)
        gaps = np.maximum(gaps, gk)
        iters += ik
        n_failed += fk
    return per_target, gaps, iters, n_failed


def path_on_rows(X, y, sw, alphas, *, fit_intercept, precompute, **options):
    """The path of one target on the rows ``X``, ``y`` (weights ``sw``)
    with their own design: ``(coefs (p, n_alphas), intercepts (n_alphas,),
    n_failed)``, ``n_failed`` the solves that did not reach ``tol``.

    ``precompute`` is checked; a Gram matrix (the full data's) means
    covariance updates with the rows' own Gram. ``options`` are those of
    :func:`solve_path`.
    """
    if sp.issparse(X):
        X = X.tocsc()  # rows are selected in CSR, solved on CSC
    design = make_design(X, sw, fit_intercept, fold_precompute(precompute),
                         n_solves=len(alphas))
    y_mean, Yc = design.center_targets(y.reshape(-1, 1))
    coefs, _, _, n_failed = solve_path(design, np.ascontiguousarray(Yc[:, 0]),
                                       alphas, **options)
    intercepts = (y_mean[0] - design.x_mean @ coefs if fit_intercept
                  else np.zeros(len(alphas)))
    return coefs, intercepts, n_failed

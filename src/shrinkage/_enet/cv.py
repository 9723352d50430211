"""Cross-validation statistics of the elastic net: fold paths and errors.

scikit-learn's procedure: for each fold, a warm-started path
(:func:`shrinkage._enet.path.solve_path`) on the training rows, scored by
the (weighted) mean squared error on the held-out rows. With covariance
updates (n >> p) and folds that are complements of their held-out rows,
each fold's problem and held-out errors come from one pass over its
held-out rows (:class:`FullGram`, :class:`FoldGram`): no fold reads its
training rows.
"""

import numpy as np
import scipy.sparse as sp

from .._folds import folds_are_complements
from .design import FoldGramDesign, make_design
from .path import path_on_rows, solve_path
from .solve import choose_method, fold_precompute

__all__ = ["FullGram", "FoldGram", "cv_design", "fold_mse_path", "held_out_mse"]

# Largest memory (bytes) spent on keeping every fold's held-out sums so that
# the full Gram is their sum (one pass of dsyrk over the data instead of two).
_HELD_OUT_MEMORY = 1 << 29

# A held-out sum of squared errors obtained from Gram quantities is trusted
# down to this fraction of the magnitude of its terms; below it (a nearly
# perfect fit) cancellation could cost more than 1e-8 relative accuracy and
# the errors are recomputed from the held-out rows.
_SCORE_CANCELLATION = 1e-8


class FullGram:
    """The full data's Gram problem and every fold's held-out sums, for
    cross-validation with covariance updates (n >> p).

    For each fold, one blocked dsyrk over its held-out rows ``T`` gives,
    centred at the full data's weighted means ``m`` and ``ybar``, with
    ``z_r = x_r - m`` and ``u_r = y_r - ybar``::

        H = sum_T s z z^T,  b = sum_T s z u,  zs = sum_T s z,
        uu = sum_T s u^2,   us = sum_T s u,   S_T = sum_T s

    (the Gram of the rows augmented with ``u`` and a column of ones). When
    the folds' held-out sets partition the rows (K-fold), the full Gram and
    correlations are the sums of these, so the data are read by dsyrk once
    for everything (the full design adopts their sum); otherwise the full
    design fills its Gram itself. Rows are read where they lie in ``X``:
    nothing is copied. ``design`` is a Gram :class:`DenseDesign` built with
    ``fill_gram=False``.
    """

    def __init__(self, design, y, folds, map_):
        n, p = design.n_samples, design.n_features
        self.design = design
        self.folds = folds
        self.y = y
        y_mean, Yc = design.center_targets(y.reshape(-1, 1))
        self.y_mean = float(y_mean[0])
        extra = np.empty((n, 2), order="F")
        extra[:, 0] = y
        extra[:, 1] = 1.0
        extra_mean = np.array([self.y_mean, 0.0])

        def held_out(fold):
            return design.centred_gram_rows(fold[1], extra, extra_mean)

        tests = np.concatenate([test for _, test in folds])
        partition = tests.size == n and np.array_equal(np.sort(tests), np.arange(n))
        if partition and len(folds) * (p + 2) ** 2 * 8 <= _HELD_OUT_MEMORY:
            self.held_out = list(map_(held_out, folds))
            total = sum(self.held_out)
            design.adopt_gram(np.ascontiguousarray(total[:p, :p]))
            self.q = np.ascontiguousarray(total[:p, p])
            self.uu = float(total[p, p])
        else:
            design.fill_gram()
            self.q = np.empty(p)
            self.uu = design.gram_correlations(np.ascontiguousarray(Yc[:, 0]), self.q)
            self.held_out = [None] * len(folds)
            self._held_out_sums = held_out

    def fold(self, k):
        """The training problem of fold ``k`` (a :class:`FoldGram`)."""
        H = self.held_out[k]
        if H is None:
            H = self._held_out_sums(self.folds[k])
        return FoldGram(self, H, self.folds[k])


class FoldGram(FoldGramDesign):
    """A training fold's Gram problem, derived from the full data's.

    With ``d = m_train - m`` and ``e = ybar_train - ybar`` (both zero
    without an intercept; ``sum_all s z = 0`` gives ``d = -zs / S_train``,
    ``e = -us / S_train``), the training rows' centred quantities are

        G_train = G - H - S_train d d^T,
        q_train = q - b - S_train e d,
        yy_train = yy - uu - S_train e^2,

    each multiplied by ``n_train / S_train`` (weights rescaled to the fold's
    size, as a fit on the training rows alone would do). A design (for
    :func:`solve_path`, with ``q``, ``yy``) that also scores its models on
    the held-out rows (:meth:`held_out_mse`).
    """

    def __init__(self, full, H, fold):
        design = full.design
        n, p = design.n_samples, design.n_features
        train, test = fold
        self.test = test
        self.H = H[:p, :p]
        self.b = H[:p, p]
        self.zs = H[:p, p + 1]
        self.uu_test = float(H[p, p])
        self.us_test = float(H[p, p + 1])
        self.s_test = float(H[p + 1, p + 1])
        s_train = float(n) - self.s_test if design.sw.size else float(len(train))
        if design.fit_intercept:
            self.d = -self.zs / s_train
            self.e = -self.us_test / s_train
        else:
            self.d = np.zeros(p)
            self.e = 0.0
        kappa = len(train) / s_train
        self.y_mean = full.y_mean + self.e
        G = design.cache.to_array()
        G -= self.H
        G -= s_train * np.outer(self.d, self.d)
        G *= kappa
        super().__init__(design, G, design.x_mean + self.d, len(train))
        self.q = kappa * (full.q - self.b - s_train * self.e * self.d)
        self.yy = kappa * (full.uu - self.uu_test - s_train * self.e ** 2)

    def held_out_mse(self, coefs, X, y, sw):
        """(Weighted) mean squared held-out errors of the models ``coefs``
        (p, n_alphas) with intercepts ``y_mean - x_mean . w``.

        From the held-out sums, O(p^2) per model instead of O(n_test p);
        a model whose error is too small against the sums' terms (a nearly
        exact fit, where cancellation would cost digits) is scored from the
        held-out rows of ``X``, ``y``, ``sw`` instead.
        """
        # e_r = u_r - z_r.w + a with a = d.w - e (the intercept's shift)
        a = self.d @ coefs - self.e
        quad = np.einsum("ja,ja->a", coefs, self.H @ coefs)
        bw = self.b @ coefs
        zw = self.zs @ coefs
        sse = (self.uu_test - 2.0 * bw + quad
               + 2.0 * a * (self.us_test - zw) + a * a * self.s_test)
        size = (self.uu_test + np.abs(2.0 * bw) + np.abs(quad)
                + np.abs(2.0 * a * (self.us_test - zw)) + a * a * self.s_test)
        mse = sse / self.s_test
        untrusted = np.flatnonzero(~(sse > _SCORE_CANCELLATION * size))
        if untrusted.size:
            W = coefs[:, untrusted]
            mse[untrusted] = held_out_mse(X, y, sw, self.test, W,
                                          self.y_mean - self.x_mean @ W)
        return mse


def _rows_times(X, rows, coefs):
    """``X[rows] @ coefs`` in float64. A float32 ``X`` goes a block of rows
    at a time (NumPy and SciPy convert a float32 operand to float64 whole
    first: for every held-out row at once, a float64 copy of them)."""
    if X.dtype != np.float32:
        return X[rows] @ coefs
    out = np.empty((len(rows), coefs.shape[1]))
    step = max(1, (1 << 17) // max(X.shape[1], 1))  # about 1 MB of float64 rows
    for start in range(0, len(rows), step):
        block = X[rows[start:start + step]].astype(np.float64)
        out[start:start + step] = block @ coefs
    return out


def held_out_mse(X, y, sw, test, coefs, intercepts):
    """Mean (weighted) squared errors on the held-out rows, from the rows."""
    residues = _rows_times(X, test, coefs) + intercepts - y[test][:, None]
    if sw is None:
        return (residues ** 2).mean(axis=0)
    return np.average(residues ** 2, weights=sw[test], axis=0)


def cv_design(X, y, sw, fit_intercept, precompute, folds, n_alphas, map_):
    """The full data's design of a cross-validated fit (alpha grid, refit).

    When every fold takes covariance updates and is the complement of its
    held-out rows, the design's Gram comes with the :class:`FullGram` the
    folds' Grams derive from (``map_`` maps the held-out sums over folds).
    Returns ``(design, full or None, X_rows)``; ``X_rows`` is ``X`` in the
    layout to select fold rows from (CSR for sparse ``X``).
    """
    n, p = X.shape
    precompute = fold_precompute(precompute)
    if sp.issparse(X):
        return make_design(X.tocsc(), sw, fit_intercept, precompute), None, X.tocsr()
    fold_grams = folds_are_complements(folds, n) and all(
        choose_method(len(train), p, precompute, n_solves=n_alphas) == "gram"
        for train, _ in folds)
    if not fold_grams:
        return make_design(X, sw, fit_intercept, precompute), None, X
    design = make_design(X, sw, fit_intercept, True, fill_gram=False)
    return design, FullGram(design, y, folds, map_), X


def fold_mse_path(X, y, sw, train, test, alphas, *, fit_intercept, precompute,
                  fold_gram=None, **options):
    """Held-out mean squared error along the path on one fold (n_alphas,)
    and the number of its solves that did not converge.

    ``fold_gram``: the fold's Gram problem derived from the full data's
    (:meth:`FullGram.fold`); the held-out errors then come from its sums
    too, except for models whose error is too small for them. Otherwise
    the fold's rows get their own design (sparse ``X`` as CSR, for cheap
    row selection). ``options`` are those of :func:`solve_path`.
    """
    if fold_gram is not None:
        coefs, _, _, n_failed = solve_path(fold_gram, None, alphas, q=fold_gram.q,
                                           yy=fold_gram.yy, **options)
        return fold_gram.held_out_mse(coefs, X, y, sw), n_failed
    coefs, intercepts, n_failed = path_on_rows(
        X[train], y[train], None if sw is None else sw[train], alphas,
        fit_intercept=fit_intercept, precompute=precompute, **options)
    return held_out_mse(X, y, sw, test, coefs, intercepts), n_failed

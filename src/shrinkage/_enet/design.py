"""Prepared designs: the data as the coordinate-descent kernels read them.

Every solver (single fits, paths, cross-validation folds) sees a design
through the interface of :class:`Design`; the three kinds differ only in
how the data are laid out and which kernel reads them:

- :class:`DenseDesign`: a dense ``X`` (naive updates on its columns, or
  covariance updates from a Gram cache built from it);
- :class:`SparseDesign`: a CSC ``X`` with implicit centring (naive
  updates), and :class:`SparseGramDesign`, the same with covariance
  updates from the centred Gram of the sparse ``X``;
- :class:`FoldGramDesign`: a training fold's centred Gram derived from the
  full data's (covariance updates only; no rows of its own).

:func:`make_design` builds the first three for every caller.

Precision: a float32 ``X`` is kept as it is (``single``): the kernels read
it in float32 and compute everything else -- residuals, Gram, correlations,
the duality gap -- in float64, so a float32 design costs half the memory
and half the bytes per pass of a float64 one without losing the
certificate's digits (docs/design.md, "Precision"). Nothing here converts
a float32 ``X`` to float64: the products with float64 vectors go through
kernels that read float32 (NumPy and SciPy would convert X first).
"""

import copy
import math

import numpy as np
import scipy.sparse as sp

from .._validation import check_finite_X
from . import _columns, _covariance, _gram, _gram_batch, _naive
from .solve import choose_method

__all__ = ["Design", "DenseDesign", "SparseDesign", "SparseGramDesign", "FoldGramDesign",
           "make_design"]

# A sparse Gram is X^T S X - n m m^T (centring stays implicit): a column whose
# mean is large against its spread loses digits to cancellation. Beyond this
# ratio n m_j^2 / ||x_j - m_j||^2_S (about half of float64's 16 digits), the
# covariance updates would solve a visibly different problem: naive updates
# are used instead.
_SPARSE_GRAM_CANCELLATION = 1e8


class Design:
    """What the solvers read from a prepared design.

    Attributes
    ----------
    n_samples, n_features : int
    fit_intercept : bool
    method : {'naive', 'gram'}
        Residual (naive) or covariance (Gram) updates.
    sw : ndarray of shape (n_samples,) or (0,)
        Sample weights rescaled to sum to ``n_samples`` (empty: unit weights).
    x_mean, sq_norms : ndarray of shape (n_features,)
        Weighted column means and centred squared norms (n-scaled), valid
        once ``stats_ready``.
    cache : GramCache or None
        The centred Gram, for ``method == 'gram'``.

    Naive designs implement :meth:`naive_solve`, :meth:`products` and
    :meth:`centred_residuals`; Gram designs use :meth:`gram_correlations`
    and :meth:`gram_solve`.
    """

    method = "naive"
    cache = None
    # whether gram_correlations is the cache's (its kernel can then run the
    # targets of a fit in one call, gram_targets), and whether gram_solve is
    # the cache's (then a path runs in one call, gram_path): a design that
    # overrides either sets the flag False
    batch_targets = True
    batch_paths = True
    has_rows = True  # False: a CV fold's Gram, derived from its parent's rows
    # False: X was not scanned for NaN/inf by the caller; the column
    # statistics, computed anyway, prove it finite (verify_finite)
    finite_verified = True
    single = False   # True: the rows are float32 (see the module docstring)

    def __init__(self, n_samples, n_features, fit_intercept, sample_weight):
        self.n_samples, self.n_features = n_samples, n_features
        self.fit_intercept = bool(fit_intercept)
        if sample_weight is None:
            self.sw = np.empty(0)
        else:
            # Weights rescaled to sum to n: the objective of docs/design.md §1.
            self.sw = np.ascontiguousarray(
                sample_weight * (n_samples / sample_weight.sum()))
        self.x_mean = np.empty(n_features)
        self.sq_norms = np.empty(n_features)
        self.stats_ready = True

    def ensure_stats(self, again=False):
        """Compute column means and centred norms if not done yet (or
        ``again``)."""

    def verify_finite(self):
        """For an ``X`` not scanned by the caller (``finite_verified``
        False), with the statistics ready: raise scikit-learn's ValueError
        if ``X`` holds NaN or inf. Finite statistics prove it finite (a sum
        over a column holding NaN or inf is not finite), so a fit pays no
        pass of its own; only non-finite ones (or norms beyond float64, which
        the caller rescales) read ``X`` again."""
        if self.finite_verified:
            return
        if not (math.isfinite(float(self.x_mean.sum()))
                and math.isfinite(float(self.sq_norms.sum()))):
            check_finite_X(self.X)
        self.finite_verified = True

    def center_targets(self, Y):
        """Weighted target means and centred targets, one column per target.

        Each column's mean is rounded as that column's alone would be (a
        column-major sum is a contiguous sum per column; weighted means are
        taken column by column, as one matrix-vector product rounds columns
        differently): a target's fit does not depend on the others."""
        if not self.fit_intercept:
            return np.zeros(Y.shape[1]), np.array(Y, order="F")
        # a float64 Fortran copy made here is ours to centre in place
        own = not Y.flags.f_contiguous and Y.dtype == np.float64
        Y = np.asfortranarray(Y)
        if not self.sw.size:
            y_mean = Y.sum(axis=0) / self.n_samples
        elif Y.shape[1] == 1:
            y_mean = self.sw @ Y / self.n_samples
        else:
            sw = self.sw
            y_mean = np.array([(sw @ Y[:, k:k + 1])[0] for k in range(Y.shape[1])])
            y_mean /= self.n_samples
        if own:
            return y_mean, np.subtract(Y, y_mean, out=Y)
        return y_mean, np.asfortranarray(Y - y_mean)

    def weighted_sq_norm(self, v):
        """``v^T S v``."""
        return float(v @ v) if not self.sw.size else float(self.sw @ (v * v))

    def centred_residuals(self, R, coefs):
        """``yc - Xc w`` from naive solves' residual outputs ``R`` (n, m) at
        the coefficients ``coefs`` (p, m)."""
        return R

    def products(self, V):
        """``X^T V`` for ``V`` (n, m) in Fortran order (naive designs)."""
        raise NotImplementedError(f"{type(self).__name__} has no rows")

    def naive_solve(self, yc, pf, w, residual, correlations, candidates, l1,
                    l2, positive, tol_abs, max_iter, random, seed, screen=True,
                    stats=0, active_gram=None):
        """One naive-update solve (arguments as ``_naive.enet_naive``)."""
        raise NotImplementedError(f"{type(self).__name__} has no naive updates")

    def abs_max(self, columns=None):
        """``max |x_ij|`` over the stored values (of ``columns``, a mask)."""
        raise NotImplementedError(f"{type(self).__name__} has no rows")

    def scaled(self, scale):
        """The same design for ``X / scale`` (``scale`` a power of two: exact)."""
        raise NotImplementedError(f"{type(self).__name__} has no rows to rescale")

    def gram_correlations(self, yc, q):
        """Write ``Xc^T S yc`` into ``q``; return ``yc^T S yc``."""
        return _gram.gram_correlations(self.cache, yc, q)

    def gram_solve(self, q, yy, pf, w, correlations, candidates, l1, l2,
                   positive, tol_abs, max_iter, random, seed,
                   correlations_current=False, cache=None):
        """One covariance-update solve (arguments as ``_covariance.enet_gram``;
        ``cache``: one of :meth:`solver_cache`, default the design's)."""
        return _covariance.enet_gram(
            self.cache if cache is None else cache, q, yy, self.sq_norms, pf, w,
            correlations, candidates, l1, l2, positive, tol_abs, max_iter,
            random, seed, correlations_current=correlations_current)

    def gram_targets(self, Yc, start, stop, forget_first, pf, coef, l1, l2, positive, tol,
                     max_iter, random, seed, unweighted, gaps, n_iters, raw_gaps, yys):
        """Covariance solves of targets ``start .. stop - 1`` in one kernel
        call (arguments as ``_gram_batch.gram_targets``, which says which
        target it hands back); designs with ``batch_targets`` only."""
        return _gram_batch.gram_targets(
            self.cache, Yc, start, stop, forget_first, self.sq_norms, pf, coef, l1, l2,
            positive, tol, max_iter, random, seed, unweighted, gaps, n_iters, raw_gaps, yys)

    def gram_path(self, q, yy, pf, unpenalised, w, correlations, l1s, l2s, positive,
                  tol_abs, max_iter, random, seed, strong_rules, c_start, l1_ref,
                  coefs, gaps, n_iters):
        """A whole path of covariance-update solves in one kernel call
        (arguments as ``_gram_batch.gram_path``; ``c_start`` None: no strong
        rule at the first alpha); returns ``(batches, kkt_restarts)``."""
        have_c = c_start is not None
        return _gram_batch.gram_path(
            self.cache, q, yy, self.sq_norms, pf, unpenalised.view(np.uint8), w,
            correlations, l1s, l2s, positive, tol_abs, max_iter, random, seed,
            strong_rules, have_c, c_start if have_c else correlations,
            l1_ref if have_c else 0.0, coefs, gaps, n_iters, float(self.n_samples))

    def _new_cache(self, *args):
        """The design's Gram cache, remembering how it was made."""
        self._cache_args = args
        return _gram.GramCache(*args)

    def for_thread(self):
        """A shallow copy for solves in another thread: the same data and
        statistics, with arrays of its own for the statistics (lazy solves
        rewrite them) and a Gram cache of its own (the full Gram copied, or
        the same columns computed on demand; Newton state of its own)."""
        twin = copy.copy(self)
        twin.x_mean = self.x_mean.copy()
        twin.sq_norms = self.sq_norms.copy()
        if self.cache is not None:
            args = list(self._cache_args)
            args[5] = twin.x_mean  # the cache reads the means
            twin.cache = _gram.GramCache(*args)
            try:
                twin.cache.adopt(self.cache.to_array())
            except ValueError:  # not complete: columns are computed on demand
                pass
        return twin


class DenseDesign(Design):
    """A validated dense design prepared once for many solves.

    Holds the weighted column means and centred norms, the target centring
    and, for covariance updates, the Gram cache. Reused across targets and
    along regularization paths; the caller's ``X`` is referenced, not copied
    (except a one-time Fortran copy of a C-ordered ``X`` for naive updates).
    With ``lazy_stats`` (naive updates only), the first cold solve computes
    the column statistics in its first pass: one read of X fewer. With
    ``fill_gram=False`` the Gram is left to :meth:`adopt_gram` or
    :meth:`fill_gram`.
    """

    def __init__(self, X, sample_weight, fit_intercept, method, gram=None,
                 lazy_stats=False, fill_gram=True, finite_verified=True):
        n, p = X.shape
        super().__init__(n, p, fit_intercept, sample_weight)
        self.method = method
        self.finite_verified = finite_verified
        if method == "naive" and not X.flags.f_contiguous:
            X = np.asfortranarray(X)
        self.X = X
        self.single = X.dtype == np.float32
        self.c_order = not X.flags.f_contiguous
        self.X_flat = X.ravel(order="C" if self.c_order else "F")
        self.stats_ready = False
        if not (lazy_stats and method == "naive"):
            self.ensure_stats()
        if method == "gram":
            self.cache = self._new_cache(self.X_flat, n, p, self.c_order,
                                         self.sw, self.x_mean, self.sq_norms)
            if gram is not None:
                self.adopt_gram(np.ascontiguousarray(gram, dtype=np.float64))
            elif n >= p and fill_gram:
                self.cache.fill_all()

    def ensure_stats(self, again=False):
        if again or not self.stats_ready:
            _columns.column_stats(self.X_flat, self.n_samples, self.n_features,
                                   self.c_order, self.sw, self.fit_intercept,
                                   self.x_mean, self.sq_norms)
            self.stats_ready = True

    def abs_max(self, columns=None):
        X = self.X if columns is None else self.X[:, columns]
        return float(np.max(np.abs(X))) if X.size else 0.0

    def scaled(self, scale):
        return DenseDesign(self.X / scale, self.sw if self.sw.size else None,
                           self.fit_intercept, self.method)

    def adopt_gram(self, gram):
        """Take ``gram`` (C-contiguous float64) as the centred Gram; the
        squared norms become its diagonal."""
        self.cache.adopt(gram)
        self.sq_norms = np.ascontiguousarray(np.diag(gram), dtype=np.float64)

    def fill_gram(self):
        """Compute every Gram column from ``X``; the squared norms become
        the Gram's diagonal."""
        self.cache.fill_all()
        self.sq_norms = np.ascontiguousarray(np.diag(self.cache.to_array()))

    def centred_gram_rows(self, rows, extra, extra_mean):
        """Gram of the centred rows ``rows`` of ``[X, extra]`` (columns
        centred at ``x_mean`` and ``extra_mean``), (p + m, p + m)."""
        p = self.n_features
        out = np.empty((p + extra.shape[1], p + extra.shape[1]))
        _gram.centred_gram(self.X_flat, self.n_samples, p, self.c_order,
                               self.sw, self.x_mean, out, rows=rows, extra=extra,
                               extra_mean=extra_mean)
        return out

    def products(self, V):
        if self.single:
            out = np.empty((self.n_features, V.shape[1]), order="F")
            _columns.float32_products(self.X_flat, self.n_samples, self.n_features,
                                      self.c_order, np.asfortranarray(V), out)
            return out
        if not self.X.flags.f_contiguous:
            return self.X.T @ V
        out = np.empty((self.n_features, V.shape[1]), order="F")
        _columns.column_products(self.X, V, out)
        return out

    def naive_solve(self, yc, pf, w, residual, correlations, candidates, l1,
                    l2, positive, tol_abs, max_iter, random, seed, screen=True,
                    stats=0, active_gram=None):
        return _naive.enet_naive(
            self.X, yc, self.sw, self.x_mean, self.sq_norms, pf, w, residual,
            correlations, candidates, l1, l2, positive, tol_abs, max_iter,
            random, seed, screen, stats, active_gram)


class SparseDesign(Design):
    """A validated CSC design prepared once for many solves.

    Centring stays implicit: the kernels keep ``yc - X w`` and the scalar
    ``x_mean . w`` apart, so ``X`` is never densified or shifted. CSR/COO
    input is converted to CSC once by the caller; here duplicate entries
    are summed (on a copy) and indices widened to the platform's index type.
    """

    def __init__(self, X, sample_weight, fit_intercept):
        n, p = X.shape
        super().__init__(n, p, fit_intercept, sample_weight)
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
        self.X = X
        # X^T as CSR, made once: SciPy's X.T builds (and checks) a new
        # matrix each time, about 90 us, more than a product with a small X
        self.XT = X.T
        self.single = X.dtype == np.float32
        self.data = np.ascontiguousarray(
            X.data, dtype=np.float32 if self.single else np.float64)
        self.indices = np.ascontiguousarray(X.indices, dtype=np.intp)
        self.indptr = np.ascontiguousarray(X.indptr, dtype=np.intp)
        _columns.csc_column_stats(self.data, self.indices, self.indptr, n,
                                   self.sw, self.fit_intercept, self.x_mean,
                                   self.sq_norms)

    def products(self, V):
        if self.single:
            out = np.empty((self.n_features, V.shape[1]), order="F")
            _columns.csc_products(self.data, self.indices, self.indptr,
                                  np.asfortranarray(V), out)
            return out
        return self.XT @ V

    def abs_max(self, columns=None):
        data = self.data if columns is None else self.X[:, columns].data
        return float(np.max(np.abs(data))) if data.size else 0.0

    def scaled(self, scale):
        X = self.X.copy()
        X.data = X.data / scale
        return SparseDesign(X, self.sw if self.sw.size else None, self.fit_intercept)

    def centred_residuals(self, R, coefs):
        # the CSC kernel's residual is yc - X w: add the shift x_mean . w
        return R + self.x_mean @ coefs

    def naive_solve(self, yc, pf, w, residual, correlations, candidates, l1,
                    l2, positive, tol_abs, max_iter, random, seed, screen=True,
                    stats=0, active_gram=None):
        return _naive.enet_naive_csc(
            self.data, self.indices, self.indptr, self.n_samples, yc, self.sw,
            self.x_mean, self.sq_norms, pf, w, residual, correlations,
            candidates, l1, l2, positive, tol_abs, max_iter, random, seed,
            screen, active_gram)


class SparseGramDesign(SparseDesign):
    """A CSC design with covariance updates: the centred Gram
    ``Xc^T S Xc = X^T S X - n m m^T`` of the sparse ``X`` (one sparse
    product, then dense (p, p)), without densifying or shifting ``X``.

    Build it with :meth:`maybe`, which declines (returns None) when the
    subtraction of ``n m m^T`` would cost too many digits.
    """

    method = "gram"

    @classmethod
    def maybe(cls, X, sample_weight, fit_intercept):
        design = cls(X, sample_weight, fit_intercept)
        return design if design.cache is not None else None

    def __init__(self, X, sample_weight, fit_intercept):
        super().__init__(X, sample_weight, fit_intercept)
        n, p = self.n_samples, self.n_features
        with np.errstate(all="ignore"):
            offsets = n * self.x_mean * self.x_mean
            size = max(float(np.sqrt(np.max(self.sq_norms, initial=0.0) / n)),
                       float(np.max(np.abs(self.x_mean), initial=0.0)))
            cancels = np.any((offsets > 0) & ~(offsets <= _SPARSE_GRAM_CANCELLATION
                                               * self.sq_norms))
        # Data far from float64's comfortable range are rescaled by the
        # solvers (solve.common_scale, _design_scale) on naive designs.
        if cancels or not (size == 0.0 or 1e-50 < size < 1e50):
            self.cache = None
            return
        gram = _sparse_gram(self.X, self.sw)
        if self.fit_intercept:
            gram -= n * np.outer(self.x_mean, self.x_mean)
        gram = np.ascontiguousarray(gram, dtype=np.float64)
        self.sq_norms = np.ascontiguousarray(np.diag(gram))
        # GramCache reads rows only for columns it has not got; an adopted
        # full Gram has them all, so one placeholder row of zeros stands in.
        self._no_rows = np.zeros(max(p, 1))
        self.cache = self._new_cache(self._no_rows, 1, p, True, np.empty(0), self.x_mean)
        self.cache.adopt(gram)

    batch_targets = False  # its correlations come from the sparse rows

    def gram_correlations(self, yc, q):
        v = yc * self.sw if self.sw.size else yc
        q[:] = self.products(v[:, None])[:, 0] - self.x_mean * v.sum()
        return float(v @ yc)

    def scaled(self, scale):
        X = self.X.copy()
        X.data = X.data / scale
        return (SparseGramDesign.maybe(X, self.sw if self.sw.size else None,
                                       self.fit_intercept)
                or SparseDesign(X, self.sw if self.sw.size else None, self.fit_intercept))


def _sparse_gram(X, sw):
    """``X^T S X`` (dense, float64) of a CSC ``X`` (``sw`` empty: unit
    weights). A float32 ``X`` is converted to float64 a block of rows at a
    time (SciPy would sum its products in float32), never whole."""
    if X.dtype != np.float32:
        Xw = X if not sw.size else sp.diags(sw) @ X
        return np.asarray((X.T @ Xw).todense())
    n, p = X.shape
    rows = X.tocsr()
    gram = np.zeros((p, p))
    # blocks of at most a sixteenth of the stored values (and a million):
    # the float64 block and SciPy's product of it stay small beside X
    step = max(1, int(n * min(1.0 / 16, 1e6 / max(X.nnz, 1))))
    for start in range(0, n, step):
        block = rows[start:start + step].astype(np.float64)
        weighted = block if not sw.size else sp.diags(sw[start:start + step]) @ block
        gram += (block.T @ weighted).toarray()
    return gram


class FoldGramDesign(Design):
    """A training fold's covariance-update design from its centred Gram.

    ``gram`` (p, p, C-contiguous) and ``x_mean`` are the fold's, derived
    by the caller from the full data's ``parent`` (a Gram
    :class:`DenseDesign`) without reading the training rows; the design
    has no rows of its own and unit weights (``gram`` carries them).
    """

    method = "gram"
    has_rows = False

    def __init__(self, parent, gram, x_mean, n_samples):
        p = parent.n_features
        super().__init__(n_samples, p, parent.fit_intercept, None)
        self.x_mean = x_mean
        self.sq_norms = np.ascontiguousarray(np.diag(gram))
        self.cache = self._new_cache(parent.X_flat, parent.n_samples, p,
                                     parent.c_order, parent.sw, x_mean)
        self.cache.adopt(gram)


def make_design(X, sample_weight, fit_intercept, precompute, n_solves=1,
                lazy_stats=False, fill_gram=True, finite_verified=True):
    """The prepared design for dense or CSC ``X``.

    ``precompute`` is a value returned by
    :func:`shrinkage._validation.check_precompute` (for sparse ``X``:
    'auto' or a bool); a Gram matrix is adopted, 'auto' decided by
    :func:`choose_method` for ``n_solves`` solves sharing the design, the
    same rule for sparse ``X`` as for dense (the sparse Gram costs no more
    than the dense one). Sparse ``X`` whose Gram would lose digits to
    implicit centring takes naive updates (:class:`SparseGramDesign`).
    ``finite_verified=False``: a dense ``X`` the caller did not scan for
    NaN/inf; the solves check it from the column statistics
    (:meth:`Design.verify_finite`). A Gram given in ``precompute`` proves
    nothing about ``X``: the caller scans ``X`` then.
    """
    n, p = X.shape
    method = choose_method(n, p, precompute, n_solves)
    if sp.issparse(X):
        if method == "gram":
            design = SparseGramDesign.maybe(X, sample_weight, fit_intercept)
            if design is not None:
                return design
        return SparseDesign(X, sample_weight, fit_intercept)
    gram = None if isinstance(precompute, (str, bool)) else precompute
    return DenseDesign(X, sample_weight, fit_intercept, method, gram=gram,
                       lazy_stats=lazy_stats, fill_gram=fill_gram,
                       finite_verified=finite_verified)

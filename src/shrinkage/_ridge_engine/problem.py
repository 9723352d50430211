"""A validated ridge problem and its normal equations (primal or dual).

The rest of the engine turns a :class:`RidgeProblem` into the small
symmetric systems the compiled kernels (``_gram``, ``_products``) build, for
dense and sparse ``X``:

* primal (n >= p): ``G = X~^T X~`` (p x p) and ``X~^T y~``;
* dual (p > n): ``K~ = X~ X~^T`` (n x n), ``w = X~^T c``;

with ``X~ = S^(1/2) (X - 1 m^T)``, ``y~ = S^(1/2) (y - ybar)``, ``m``/``ybar``
the weighted means when an intercept is fitted (zero otherwise). The
intercept is then ``ybar - m.w``. Dense ``X`` is centred block by block
inside the kernels (no copy of ``X``, no loss of digits with large offsets);
sparse ``X`` is centred implicitly through rank-one corrections of the
sparse products, so it is never densified.

Precision: float32 ``X`` is kept float32 (never copied to float64); the
problem then works in float32 throughout, as scikit-learn does (targets and
weights are cast to it, the kernels run their single-precision BLAS/LAPACK
specialisation). Every other input is float64 (see :func:`working_dtype`).
"""

import math

import numpy as np
import scipy.sparse as sp

from .._validation import check_finite_X
from . import _gram, _products

__all__ = ["RidgeProblem", "dense", "working_dtype"]


def working_dtype(X):
    """The precision a ridge problem on ``X`` is solved in: scikit-learn's rule.

    float32 when ``X`` (dense or sparse) is float32, float64 otherwise (the
    dtype of ``y`` and of the sample weights does not matter: they are cast
    to it). Fitted coefficients, intercepts, predictions and per-sample CV
    values take this dtype; selection scores and alphas stay float64.
    """
    return np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)


def _layout(X):
    """Dense X as a C- or F-contiguous array (its dtype kept) and its order flag."""
    if X.flags.c_contiguous:
        return X, True
    if X.flags.f_contiguous:
        return X, False
    return np.asfortranarray(X), False


class RidgeProblem:
    """A validated ridge problem with its weighted means, built once.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n, p), float32 or float64
        Its dtype is the problem's (``dtype``); other arrays are cast to it.
    Y : ndarray of shape (n, n_targets)
    sample_weight : ndarray of shape (n,) or None
        Non-negative weights, used as given (scikit-learn's Ridge scaling:
        no rescaling).
    fit_intercept : bool
    side : {'primal', 'dual'} or None
        Which normal equations to form; None picks the smaller system
        (primal when n >= p).
    finite_checked : bool, default=True
        Whether X is known to be finite. If not, the first pass detects
        NaN/inf from the Gram or kernel diagonal (every non-finite entry
        reaches it) instead of a separate scan of X, and raises the usual
        validation error.
    """

    def __init__(self, X, Y, sample_weight, fit_intercept, side=None,
                 finite_checked=True):
        self.sparse = sp.issparse(X)
        if self.sparse:
            self.X = X
            self.c_order = None
        else:
            self.X, self.c_order = _layout(X)
        self.n, self.p = X.shape
        self.dtype = dtype = working_dtype(X)
        self.Y = np.asfortranarray(Y, dtype=dtype)
        self.T = self.Y.shape[1]
        self.fit_intercept = bool(fit_intercept)
        self.sw = None if sample_weight is None else np.asarray(sample_weight, dtype=dtype)
        self.sqrt_sw = (np.empty(0, dtype) if sample_weight is None
                        else np.sqrt(self.sw))
        if side is None:
            side = "primal" if self.n >= self.p else "dual"
        self.side = side
        self.finite_checked = bool(finite_checked)
        self.kernel_in_place = False  # offsets small: X used without centring
        self._x_mean = None
        self.y_mean = None
        self.s_sum = None
        # primal
        self.G = None
        self.Q = None
        # dual
        self.K = None          # weighted centred kernel K~
        self.Yt = None         # y~ = S^(1/2) (Y - ybar)
        self.K_zero_rows = None  # unweighted kernel rows of zero-weight samples

    @property
    def x_mean(self):
        """Weighted column means of X (zeros without intercept).

        The in-place kernel route does not need them to build the kernel;
        they are then taken from the next pass over X (``coef_from_dual``)
        or, if asked for before, computed here by one pass.
        """
        if self._x_mean is None and self.kernel_in_place:
            # accumulated in float64 whatever the precision of X
            self._x_mean = np.asarray(self.X.mean(axis=0, dtype=np.float64),
                                      dtype=self.dtype)
        return self._x_mean

    @x_mean.setter
    def x_mean(self, value):
        self._x_mean = value

    # ------------------------------------------------------------------
    # building the normal equations
    # ------------------------------------------------------------------
    def build(self):
        """Form the primal or dual system (once); returns self."""
        if self.side == "primal":
            if self.G is None:
                self._build_primal()
        elif self.K is None:
            self._build_dual()
        self._verify_finite()
        return self

    def _verify_finite(self):
        if self.finite_checked:
            return
        M = self.G if self.side == "primal" else self.K   # K unweighted here
        # the diagonal holds sums of squares (>= 0): its sum is finite iff
        # every entry is; a NaN mean makes the other sum NaN
        means = 0.0 if self._x_mean is None else float(self._x_mean.sum())
        if not math.isfinite(float(np.trace(M)) + means):
            check_finite_X(self.X)   # raises the NaN / infinity message
            raise ValueError(
                f"X has entries so large that X^T X overflows {self.dtype}: rescale "
                "the features (e.g. StandardScaler) before fitting."
            )
        self.finite_checked = True

    def _weights_or_ones(self):
        return np.ones(self.n, self.dtype) if self.sw is None else self.sw

    def _build_primal(self):
        p, T = self.p, self.T
        dtype = self.dtype
        if not self.sparse:
            G = np.empty((p, p), dtype, order="F")
            Q = np.empty((p, T), dtype, order="F")
            cx = np.zeros(p, dtype)
            cy = np.zeros(T, dtype)
            s_sum, _, _, _ = _gram.gram_primal(
                self.X, self.c_order, self.Y, self.sqrt_sw, self.fit_intercept,
                True, cx, cy, G, Q, True)
            self.G, self.Q, self.s_sum = G, Q, s_sum
            self.x_mean, self.y_mean = cx, cy
            return
        X = self.X
        s = self._weights_or_ones()
        s_sum = float(s.sum(dtype=np.float64))
        Xs = X if self.sw is None else sp.csr_matrix(X.multiply(s[:, None]))
        G = np.asfortranarray(dense(X.T @ Xs))
        Q = np.asfortranarray(np.asarray(X.T @ (s[:, None] * self.Y)))
        if self.fit_intercept:
            colsum = np.asarray(Xs.sum(axis=0)).ravel()
            m = colsum / s_sum
            ybar = s @ self.Y / s_sum
            # Implicit centring of sparse X (rank-one corrections, X stays
            # sparse); digits are lost only for columns with offsets much
            # larger than their spread, which sparse data do not have.
            G -= s_sum * np.outer(m, m)
            Q -= s_sum * np.outer(m, ybar)
        else:
            m, ybar = np.zeros(p, dtype), np.zeros(T, dtype)
        self.G, self.Q, self.s_sum = G, Q, s_sum
        self.x_mean, self.y_mean = m, ybar

    def build_dual(self, keep_raw=False):
        """Build the dual system; with ``keep_raw`` return a copy of the
        unweighted kernel centred at the weighted means (for K-fold)."""
        self.side = "dual"
        raw = self._build_dual(keep_raw)
        self._verify_finite()
        return raw

    def _build_dual(self, keep_raw=False):
        n, p = self.n, self.p
        s = self._weights_or_ones()
        s_sum = float(s.sum(dtype=np.float64))
        dtype = self.dtype
        if not self.sparse:
            K = np.empty((n, n), dtype, order="F")
            m = np.empty(p, dtype)
            _, self.kernel_in_place = _gram.kernel_dual(
                self.X, self.c_order, np.empty(0, dtype) if self.sw is None else self.sw,
                self.fit_intercept, m, K)
        else:
            X = self.X
            K = np.asfortranarray(dense(X @ X.T))
            if self.fit_intercept:
                m = np.asarray(X.T @ s).ravel() / s_sum
                Xm = np.asarray(X @ m).ravel()
                K -= Xm[:, None]
                K -= Xm[None, :]
                K += m @ m
            else:
                m = np.zeros(p, dtype)
        self.K, self.x_mean = K, (None if self.kernel_in_place else m)
        self._verify_finite()        # before any arithmetic on K
        raw = np.array(K, order="F") if keep_raw else None
        if self.fit_intercept:
            ybar = s @ self.Y / s_sum
        else:
            ybar = np.zeros(self.T, dtype)
        if self.sw is not None:
            zero = np.flatnonzero(self.sw == 0)
            if zero.size:
                self.K_zero_rows = (zero, np.array(K[zero, :]))
            sq = self.sqrt_sw
            K *= sq[:, None]
            K *= sq[None, :]
            Yt = sq[:, None] * (self.Y - ybar)
        else:
            Yt = self.Y - ybar
        self.K, self.Yt = K, np.asfortranarray(Yt)
        self.y_mean, self.s_sum = ybar, s_sum
        return raw

    # ------------------------------------------------------------------
    # products with the centred design
    # ------------------------------------------------------------------
    def coef_from_dual(self, C):
        """``W = X~^T C`` for dual coefficients C (n, k); returns (p, k)."""
        U = np.asfortranarray(C if self.sw is None else self.sqrt_sw[:, None] * C)
        if self.sparse:
            W = np.asarray(self.X.T @ U)
            if self.fit_intercept:
                W -= np.outer(self.x_mean, U.sum(axis=0))
            return W
        dtype = self.dtype
        out = np.empty((self.p, U.shape[1]), dtype, order="F")
        if self.kernel_in_place:
            # offsets were found small against the spread (the kernel's own
            # check): X^T U - m (1^T U) loses no more than the kernel did.
            # One pass gives X^T [U, 1], hence also the means if still unknown.
            k = U.shape[1]
            U1 = np.empty((self.n, k + 1), dtype, order="F")
            U1[:, :k] = U
            U1[:, k] = 1.0
            out1 = np.empty((self.p, k + 1), dtype, order="F")
            _products.xt_dot_centred(self.X, self.c_order, np.zeros(self.p, dtype), False,
                                     U1, out1)
            if self._x_mean is None:
                self._x_mean = out1[:, k] / self.n
            out = np.asfortranarray(out1[:, :k])
            out -= np.outer(self._x_mean, U.sum(axis=0))
            return out
        _products.xt_dot_centred(self.X, self.c_order, self.x_mean, self.fit_intercept, U, out)
        return out

    def centred_dot(self, W, weighted=False):
        """``(X - 1 m^T) W`` (times ``S^(1/2)`` if ``weighted``), (n, k)."""
        W = np.asfortranarray(W)
        if self.sparse:
            out = np.asarray(self.X @ W) - self.x_mean @ W
            if weighted and self.sw is not None:
                out *= self.sqrt_sw[:, None]
            return out
        out = np.empty((self.n, W.shape[1]), self.dtype, order="F")
        _products.x_dot_centred(self.X, self.c_order, self.x_mean,
                                self.sqrt_sw if weighted else np.empty(0, self.dtype),
                                W, out)
        return out

    def centred_copy(self):
        """Dense ``X~`` and ``y~`` (copies) for the SVD / least-squares paths.

        Also sets the means when the system was not built. The copies are
        in the problem's precision (float32 for float32 ``X``, as the SVD
        and least-squares routes of scikit-learn).
        """
        if not self.finite_checked:
            check_finite_X(self.X)
            self.finite_checked = True
        X = self.X.toarray() if self.sparse else np.array(self.X, dtype=self.dtype)
        Y = np.array(self.Y, dtype=self.dtype)
        s = self._weights_or_ones()
        s_sum = float(s.sum(dtype=np.float64))
        means = []
        for A in (X, Y):
            mean = np.zeros(A.shape[1], self.dtype)
            if self.fit_intercept:
                # two-pass weighted centring: the second pass removes the
                # rounding error of the first (it matters with large offsets)
                for _ in range(2):
                    d = s @ A / s_sum
                    A -= d
                    mean += d
            means.append(mean)
        if self._x_mean is None:
            self.x_mean, self.y_mean = means
            self.s_sum = s_sum
        if self.sw is not None:
            X *= self.sqrt_sw[:, None]
            Y *= self.sqrt_sw[:, None]
        return X, Y

    def intercept_direction(self):
        """Unit vector ``S^(1/2) 1 / ||S^(1/2) 1||`` (None without intercept)."""
        if not self.fit_intercept:
            return None
        sq = self.sqrt_sw if self.sw is not None else np.ones(self.n, self.dtype)
        return sq / np.linalg.norm(sq)

    def intercept(self, W):
        """``ybar - m.W`` per target; W is (p, n_targets)."""
        if not self.fit_intercept:
            return np.zeros(W.shape[1], self.dtype)
        return self.y_mean - self.x_mean @ W


def dense(M):
    """A sparse or matrix result of a product as a dense ndarray."""
    return M.toarray() if sp.issparse(M) else np.asarray(M)


"""Sufficient statistics of Gaussian linear models, mergeable chunk by chunk.

For the squared loss every model here (OLS, Ridge, Lasso, elastic net,
their paths, K-fold CV and duality gaps) depends on the rows only through,
per fold, the weight sum ``S``, the weighted means ``m`` of ``[X, Y]`` and
their centred co-moment ``M = sum_i s_i (a_i - m)(a_i - m)^T``
(docs/design.md §7). This module accumulates them in float64:

- within a chunk, by two passes (exact mean, then the co-moment about it,
  corrected by the rounding residue of the first pass);
- across chunks, by the pairwise update of Chan, Golub & LeVeque (1979,
  "Updating formulae and a pairwise algorithm for computing sample
  variances", eq. 2.1 in matrix form)::

      S = Sa + Sb,  d = mb - ma,  m = ma + d Sb / S,
      M = Ma + Mb + (Sa Sb / S) d d^T

  so a constant offset of ``X`` or ``y`` never enters a product of two
  large numbers: offsets of 1e4 cost no digits (``X^T X - S m m^T`` would
  lose ``2 log10(offset / spread)`` of them).

The solvers read data, not statistics; :func:`equivalent_rows` turns a
fold's statistics into ``2 r`` weighted rows (``r <= p + m``) with exactly
the same ``S``, ``m`` and ``M`` (up to rounding), so the engine's Gram
routes (covariance updates for the elastic net, Cholesky / eigen for Ridge,
held-out sums for CV) run unchanged on them.
"""

import os

import numpy as np

__all__ = ["Moments", "SufficientStats", "check_stats_memory", "equivalent_rows"]

# Largest memory (bytes) the p x p statistics may take before fitting from
# them is refused (a p x p float64 matrix per fold, plus the total and a
# scratch copy); also at most half the machine's physical memory.
_MAX_STATS_BYTES = 8 << 30


def _physical_memory():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX
        return None


def check_stats_memory(n_columns, n_folds=1):
    """Raise ``MemoryError`` when the statistics of ``n_columns`` columns
    (features plus targets) for ``n_folds`` folds would not fit."""
    needed = (n_folds + 2) * n_columns * n_columns * 8
    limit = _MAX_STATS_BYTES
    physical = _physical_memory()
    if physical:
        limit = min(limit, physical // 2)
    if needed > limit:
        raise MemoryError(
            f"fitting from sufficient statistics needs {n_folds + 2} float64 "
            f"matrices of {n_columns} x {n_columns} ({needed / 2**30:.1f} GiB), "
            f"more than the {limit / 2**30:.1f} GiB allowed: reduce the number "
            "of features, or fit in memory with naive (residual) updates."
        )


class Moments:
    """Weight sum, row count, means and centred co-moment of some rows.

    Attributes
    ----------
    weight : float
        ``S = sum_i s_i``.
    count : int
        Number of rows.
    mean : ndarray of shape (q,)
        Weighted means of the columns of ``[X, Y]``.
    comoment : ndarray of shape (q, q)
        ``sum_i s_i (a_i - mean)(a_i - mean)^T``.
    """

    __slots__ = ("weight", "count", "mean", "comoment")

    def __init__(self, weight, count, mean, comoment):
        self.weight, self.count = float(weight), int(count)
        self.mean, self.comoment = mean, comoment

    @classmethod
    def of_rows(cls, A, s):
        """The moments of the rows of ``A`` (float64) with weights ``s``
        (None: unit weights)."""
        n, q = A.shape
        S = float(n) if s is None else float(s.sum())
        if S <= 0.0:
            return cls(0.0, n, np.zeros(q), np.zeros((q, q)))
        mean = (A.sum(axis=0) if s is None else s @ A) / S
        centred = A - mean
        weighted = centred if s is None else centred * s[:, None]
        # The first pass's rounding leaves sum_i s_i (a_i - mean) = S r with r
        # tiny; the co-moment about the exact mean is this one minus S r r^T.
        r = weighted.sum(axis=0) / S
        M = centred.T @ weighted
        M -= S * np.outer(r, r)
        return cls(S, n, mean + r, (M + M.T) * 0.5)

    def merged(self, other):
        """The moments of the union of both sets of rows (Chan et al. 1979)."""
        if other.weight == 0.0:
            return Moments(self.weight, self.count + other.count, self.mean,
                           self.comoment)
        if self.weight == 0.0:
            return Moments(other.weight, self.count + other.count, other.mean,
                           other.comoment)
        S = self.weight + other.weight
        d = other.mean - self.mean
        M = self.comoment + other.comoment
        M += (self.weight * other.weight / S) * np.outer(d, d)
        return Moments(S, self.count + other.count,
                       self.mean + d * (other.weight / S), M)


class SufficientStats:
    """Per-fold moments of ``[X, Y]``: a chunk's, or merged chunks'.

    Parameters
    ----------
    n_features, n_targets : int
    folds : dict of {label: Moments}
        The moments of the rows of each fold label (one label, 0, when the
        rows are not split into folds).
    """

    def __init__(self, n_features, n_targets, folds):
        self.n_features, self.n_targets = int(n_features), int(n_targets)
        self.folds = folds
        self.n_chunks = 1

    @classmethod
    def of_chunk(cls, X, Y, sample_weight=None, labels=None):
        """Statistics of one chunk: ``X`` (n, p), ``Y`` (n, m), weights
        (n,) or None, fold ``labels`` (n,) or None (one fold)."""
        X = np.asarray(X, dtype=np.float64)
        Y = np.asarray(Y, dtype=np.float64).reshape(X.shape[0], -1)
        check_stats_memory(X.shape[1] + Y.shape[1])
        A = np.hstack([X, Y])
        s = None if sample_weight is None else np.asarray(sample_weight, np.float64)
        if labels is None:
            return cls(X.shape[1], Y.shape[1], {0: Moments.of_rows(A, s)})
        labels = np.asarray(labels)
        folds = {}
        for label in np.unique(labels):
            rows = labels == label
            folds[label.item()] = Moments.of_rows(
                A[rows], None if s is None else s[rows])
        return cls(X.shape[1], Y.shape[1], folds)

    def merged(self, other):
        """The statistics of both chunks' rows (folds merged by label)."""
        if (other.n_features, other.n_targets) != (self.n_features, self.n_targets):
            raise ValueError(
                f"cannot merge statistics of {other.n_features} features and "
                f"{other.n_targets} targets into statistics of "
                f"{self.n_features} features and {self.n_targets} targets."
            )
        folds = dict(self.folds)
        for label, moments in other.folds.items():
            folds[label] = folds[label].merged(moments) if label in folds else moments
        out = SufficientStats(self.n_features, self.n_targets, folds)
        out.n_chunks = self.n_chunks + other.n_chunks
        return out

    def total(self):
        """The moments of all rows (folds merged in label order)."""
        labels = sorted(self.folds)
        out = self.folds[labels[0]]
        for label in labels[1:]:
            out = out.merged(self.folds[label])
        return out

    @property
    def count(self):
        return sum(m.count for m in self.folds.values())


def equivalent_rows(moments):
    """Weighted rows with the moments ``moments``: ``(A, s)``.

    With ``M = V diag(e) V^T`` (``e > 0`` kept: ``r`` of them), the ``2 r``
    rows ``m +- sqrt(r / S) sqrt(e_k) v_k``, each of weight ``S / (2 r)``,
    have weight sum ``S``, mean ``m`` (the pairs are symmetric) and centred
    co-moment ``M``; every Gaussian model fitted to them equals the one
    fitted to the original rows. No positive eigenvalue (constant rows):
    one row ``m`` of weight ``S``.
    """
    S, m = moments.weight, moments.mean
    e, V = np.linalg.eigh(moments.comoment)
    keep = e > 0.0
    r = int(keep.sum())
    if r == 0:
        return m[None, :].copy(), np.array([S])
    Z = V[:, keep] * np.sqrt(e[keep] * (r / S))  # (q, r)
    A = np.vstack([m + Z.T, m - Z.T])
    return A, np.full(2 * r, S / (2 * r))

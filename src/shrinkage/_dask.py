"""Sufficient statistics of dask arrays: one task per block, a tree reduction.

Imported only when a dask collection is passed to ``fit`` (``import
shrinkage`` never imports dask). The graph runs on whatever scheduler is
active (threads by default, ``dask.distributed`` when a client exists);
only the per-block statistics, O(p^2) each, travel between workers.
"""

import numpy as np

import dask
import dask.array as da

from ._stats import SufficientStats, check_stats_memory

__all__ = ["dask_stats", "fold_labels"]

# Statistics merged per reduction task (the tree's fan-in).
_FAN_IN = 8


def _as_dask_array(obj, what, name):
    if hasattr(obj, "to_dask_array"):  # a dask DataFrame or Series
        obj = obj.to_dask_array(lengths=True)
    if not isinstance(obj, da.Array):
        obj = da.from_array(np.asarray(obj))
    if any(np.isnan(c) for c in obj.chunks[0]):
        raise ValueError(
            f"{name}: the row chunk sizes of {what} are unknown: pass "
            "dataframe.to_dask_array(lengths=True) or call compute_chunk_sizes().")
    return obj


class RowFolds:
    """Contiguous K-fold labels as scikit-learn's ``KFold(k)`` (no shuffle):
    the first ``n % k`` folds have ``n // k + 1`` rows."""

    def __init__(self, k):
        self.k = int(k)

    def labels(self, start, stop, n):
        sizes = np.full(self.k, n // self.k)
        sizes[: n % self.k] += 1
        bounds = np.cumsum(sizes)
        return np.searchsorted(bounds, np.arange(start, stop), side="right")


def fold_labels(cv, X, name):
    """Fold labels of the rows for ``cv``: a :class:`RowFolds`, or a dask
    array of labels (from ``PredefinedSplit``'s ``test_fold`` or an array)."""
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"{name}: cv must be at least 2, got {cv}.")
        return RowFolds(cv)
    kind = type(cv).__name__
    if kind == "KFold" and not getattr(cv, "shuffle", False):
        return RowFolds(cv.get_n_splits())
    if kind == "PredefinedSplit" or is_array_like(cv):
        labels = np.asarray(cv.test_fold) if kind == "PredefinedSplit" else cv
        labels = _as_dask_array(labels, "the fold labels", name)
        if labels.ndim != 1:
            raise ValueError(f"{name}: fold labels must be 1-D.")
        return labels
    raise TypeError(
        f"{name} on dask arrays takes cv as an int, KFold(shuffle=False), "
        f"PredefinedSplit or an array of fold labels (one per row), got {cv!r}: "
        "other splitters need the rows in memory.")


def is_array_like(obj):
    return isinstance(obj, (np.ndarray, da.Array)) or hasattr(obj, "to_dask_array")


def _block_stats(X, y, w, labels, start, n_rows, p_block):
    X = np.asarray(X, dtype=np.float64)
    if not np.isfinite(X).all():
        raise ValueError("Input X contains NaN or infinity (in a dask block "
                         f"starting at row {start}).")
    y = np.asarray(y, dtype=np.float64)
    if not np.isfinite(y).all():
        raise ValueError(f"Input y contains NaN or infinity (block at row {start}).")
    if w is not None:
        w = np.asarray(w, dtype=np.float64)
        if not (np.isfinite(w).all() and (w >= 0).all()):
            raise ValueError("sample_weight must be finite and non-negative "
                             f"(block at row {start}).")
    if isinstance(labels, RowFolds):
        labels = labels.labels(start, start + X.shape[0], n_rows)
    elif labels is not None:
        labels = np.asarray(labels)
    return SufficientStats.of_chunk(X, y.reshape(X.shape[0], -1), w, labels)


def _merge(*parts):
    out = parts[0]
    for part in parts[1:]:
        out = out.merged(part)
    return out


def dask_stats(X, y, sample_weight, labels, name):
    """The :class:`SufficientStats` of dask ``X`` (and ``y``, weights,
    fold labels: dask or NumPy, aligned to ``X``'s rows), computed on the
    active scheduler. Returns ``(stats, y_was_1d)``."""
    X = _as_dask_array(X, "X", name)
    if X.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D X, got {X.ndim} dimension(s).")
    n, p = X.shape
    y = _as_dask_array(y, "y", name)
    if y.ndim not in (1, 2) or y.shape[0] != n:
        raise ValueError(f"{name}: y has shape {y.shape}, X has {n} rows.")
    m = 1 if y.ndim == 1 else y.shape[1]
    check_stats_memory(p + m, labels.k if isinstance(labels, RowFolds) else 1)
    if X.numblocks[1] > 1:
        X = X.rechunk({1: -1})  # whole rows per block
    rows = X.chunks[0]
    y = y.rechunk({0: rows, 1: -1} if y.ndim == 2 else {0: rows})
    w = None
    if sample_weight is not None:
        if np.ndim(sample_weight) == 0 and not is_array_like(sample_weight):
            sample_weight = np.full(n, float(sample_weight))
        w = _as_dask_array(sample_weight, "sample_weight", name)
        if w.shape != (n,):
            raise ValueError(f"{name}: sample_weight has shape {w.shape}, "
                             f"expected ({n},).")
        w = w.rechunk({0: rows})
    if labels is not None and not isinstance(labels, RowFolds):
        if labels.shape != (n,):
            raise ValueError(f"{name}: fold labels have shape {labels.shape}, "
                             f"expected ({n},).")
        labels = labels.rechunk({0: rows})
    blocks = X.to_delayed().ravel()
    ys = y.to_delayed().ravel()
    ws = w.to_delayed().ravel() if w is not None else [None] * len(blocks)
    ls = (labels.to_delayed().ravel()
          if labels is not None and not isinstance(labels, RowFolds)
          else [labels] * len(blocks))
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]])
    block_stats = dask.delayed(_block_stats, pure=True)
    level = [block_stats(b, yb, wb, lb, int(s), n, p)
             for b, yb, wb, lb, s in zip(blocks, ys, ws, ls, starts)]
    merge = dask.delayed(_merge, pure=True)
    while len(level) > 1:
        level = [merge(*level[i:i + _FAN_IN]) for i in range(0, len(level), _FAN_IN)]
    (stats,) = dask.compute(level[0])
    if stats.total().weight <= 0:
        raise ValueError(f"{name}: the sample weights sum to zero.")
    return stats, y.ndim == 1

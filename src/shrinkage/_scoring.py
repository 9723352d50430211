"""Scores of precomputed predictions, as scikit-learn's scorers give them.

Cross-validation that computes its held-out (or leave-one-out) predictions
itself scores them here: the built-in names are computed directly (weighted
when weights are given); any other scikit-learn scorer or callable is called
as ``scorer(estimator, predictions, y[, sample_weight])`` with an identity
estimator, as scikit-learn's search does.
"""

import inspect

import numpy as np

from ._base import BaseEstimator, RegressorMixin

__all__ = ["accepts_sample_weight", "resolve_scoring", "score_predictions"]


class _IdentityRegressor(RegressorMixin, BaseEstimator):
    """Regressor whose predictions are its input: lets a scikit-learn style
    scorer ``scorer(estimator, X, y)`` score precomputed predictions."""

    def predict(self, X):
        return X

    def __sklearn_is_fitted__(self):
        return True


_BUILTIN_SCORES = ("neg_mean_squared_error", "neg_root_mean_squared_error",
                   "neg_mean_absolute_error", "r2")


def _builtin_score(name, pred, y, sw):
    """One target's score (1-D pred and y) for the built-in scorer names."""
    err = y - pred
    if name == "r2":
        w = np.ones_like(y) if sw is None else sw
        ss_res = w @ (err * err)
        ybar = (w @ y) / w.sum()
        ss_tot = w @ ((y - ybar) ** 2)
        if ss_tot == 0:
            return 1.0 if ss_res == 0 else 0.0
        return 1.0 - ss_res / ss_tot
    if name == "neg_mean_absolute_error":
        return -np.average(np.abs(err), weights=sw)
    mse = np.average(err * err, weights=sw)
    if name == "neg_root_mean_squared_error":
        return -np.sqrt(mse)
    return -mse


def resolve_scoring(scoring):
    """Scoring as a built-in name (str) or a scorer callable."""
    if scoring is None or callable(scoring):
        return scoring
    if isinstance(scoring, str):
        if scoring in _BUILTIN_SCORES:
            return scoring
        try:
            from sklearn.metrics import get_scorer
        except ImportError as exc:  # pragma: no cover - sklearn absent
            raise ValueError(
                f"scoring={scoring!r} needs scikit-learn; without it use None or "
                f"one of {_BUILTIN_SCORES}."
            ) from exc
        return get_scorer(scoring)
    raise ValueError(
        f"scoring must be None, a string or a callable scorer, got {scoring!r}."
    )


def accepts_sample_weight(scoring):
    """Whether a scorer takes ``sample_weight`` (scikit-learn's test)."""
    if isinstance(scoring, str):
        return True
    if hasattr(scoring, "_accept_sample_weight"):
        return bool(scoring._accept_sample_weight())
    try:
        return "sample_weight" in inspect.signature(scoring).parameters
    except (TypeError, ValueError):
        return False


def score_predictions(scoring, pred, y, sw, per_target):
    """Score predictions (n, T) against y (n,) or (n, T).

    scikit-learn's conventions: several targets are averaged uniformly
    (``per_target`` gives one score each); 1-D y is scored 1-D.
    """
    Y = y.reshape(len(y), -1)
    P = pred.reshape(Y.shape)
    T = Y.shape[1]
    if isinstance(scoring, str):
        scores = np.array([_builtin_score(scoring, P[:, t], Y[:, t], sw) for t in range(T)])
        return scores if per_target else float(np.mean(scores))
    kwargs = {} if sw is None else {"sample_weight": sw}
    identity = _IdentityRegressor()
    if per_target:
        return np.array([scoring(identity, P[:, t], Y[:, t], **kwargs) for t in range(T)],
                        dtype=np.float64)
    if y.ndim == 1:
        return scoring(identity, P[:, 0], y, **kwargs)
    return scoring(identity, P, Y, **kwargs)

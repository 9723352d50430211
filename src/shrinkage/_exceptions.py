"""Exceptions and warnings raised by shrinkage."""

__all__ = ["NotFittedError", "ConvergenceWarning"]


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit``.

    Subclasses both ValueError and AttributeError, like scikit-learn's
    exception of the same name, so code written for either catches it.
    """


class ConvergenceWarning(UserWarning):
    """A solver stopped at ``max_iter`` before reaching ``tol``."""


def not_fitted_error(message):
    """A NotFittedError that scikit-learn's tooling recognises too.

    When scikit-learn is already imported (the user works with it), the
    error also derives from ``sklearn.exceptions.NotFittedError``; shrinkage
    itself never imports scikit-learn.
    """
    import sys

    sk = sys.modules.get("sklearn.exceptions")
    if sk is None:
        return NotFittedError(message)
    return _with_sklearn_base(sk.NotFittedError)(message)


_COMBINED = {}


def _with_sklearn_base(sk_cls):
    cls = _COMBINED.get(sk_cls)
    if cls is None:
        cls = type("NotFittedError", (NotFittedError, sk_cls), {"__module__": __name__})
        _COMBINED[sk_cls] = cls
    return cls

"""Exceptions and warnings raised by shrinkage."""

__all__ = ["NotFittedError", "ConvergenceWarning"]


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit``.

    Subclasses both ValueError and AttributeError, like scikit-learn's
    exception of the same name, so code written for either catches it.
    """


class ConvergenceWarning(UserWarning):
    """A solver stopped at ``max_iter`` before reaching ``tol``."""

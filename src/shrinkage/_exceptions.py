"""Exceptions and warnings raised by shrinkage."""

import sys
import warnings

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
    return _linked(NotFittedError, "NotFittedError")(message)


def convergence_warning():
    """The category to warn with when a solver does not converge.

    When scikit-learn is already imported, a subclass of both
    :class:`ConvergenceWarning` and ``sklearn.exceptions.ConvergenceWarning``,
    so a filter on either silences it (a filter on scikit-learn's class needs
    scikit-learn imported, hence the link is made then, at warning time).
    """
    return _linked(ConvergenceWarning, "ConvergenceWarning")


def warn_not_converged(name, n_failed, n_solves, max_iter, *, stacklevel):
    """The ConvergenceWarning for ``n_failed`` of ``n_solves`` solves that
    stopped at ``max_iter`` (nothing when none did); ``stacklevel`` counts
    from the caller of this function, as for ``warnings.warn``."""
    if n_failed:
        warnings.warn(
            f"{name}: {n_failed} of {n_solves} solves did not converge within "
            f"max_iter={max_iter} passes. Increase max_iter, loosen tol, or "
            "standardize the features.", convergence_warning(), stacklevel=stacklevel + 1)


_COMBINED = {}


def _linked(own_cls, name):
    sk = sys.modules.get("sklearn.exceptions")
    sk_cls = getattr(sk, name, None)
    if sk_cls is None:
        return own_cls
    cls = _COMBINED.get(sk_cls)
    if cls is None:
        cls = type(name, (own_cls, sk_cls), {"__module__": __name__,
                                             "__doc__": own_cls.__doc__})
        _COMBINED[sk_cls] = cls
    return cls

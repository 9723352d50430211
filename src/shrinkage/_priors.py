"""The Bayesian reading of the penalties: Ridge and the Lasso as MAP estimates.

With Gaussian noise ``y_i ~ N(b + x_i.w, sigma^2)``, a prior on the weights
turns the posterior mode (the maximum a posteriori, MAP, estimate) into a
penalised least-squares fit (Hastie, Tibshirani & Friedman, "The Elements of
Statistical Learning", 2nd ed., section 3.4.3; Tibshirani 1996, section 5):
a Gaussian prior ``w_j ~ N(0, tau^2)`` gives Ridge, a Laplace prior of scale
``b`` (density ``exp(-|w_j| / b) / (2 b)``) gives the Lasso. These two
functions convert between the prior's scale and the estimators' ``alpha``,
in the estimators' own scalings.
"""

import math
import numbers

from ._validation import check_scalar

__all__ = ["alpha_from_prior", "prior_scale_from_alpha"]

_PRIORS = ("gaussian", "laplace")


def _check_prior(prior):
    if not isinstance(prior, str) or prior not in _PRIORS:
        raise ValueError(f"prior must be 'gaussian' (Ridge) or 'laplace' (Lasso), got "
                         f"{prior!r}.")
    return prior


def _check_positive(value, name):
    """A positive, finite real number, as a float."""
    check_scalar(value, name, low=0.0, high=math.inf, include_low=False,
                 include_high=False)
    return float(value)


def _check_n_samples(prior, n_samples):
    if n_samples is None:
        if prior == "laplace":
            raise ValueError("n_samples is needed with prior='laplace': the Lasso's "
                             "loss is scaled by 1 / (2 n_samples).")
        return None
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be an integer, got {n_samples!r} of type "
                        f"{type(n_samples).__name__}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples!r}.")
    return int(n_samples)


def alpha_from_prior(prior, scale, *, noise_sd, n_samples=None):
    """The penalty whose fit is the MAP estimate under a prior on the weights.

    Derivation (the negative log posterior, constants dropped, with noise
    ``N(0, sigma^2)`` and ``r = y - X w - b``)::

        gaussian: ||r||^2 / (2 sigma^2) + ||w||_2^2 / (2 tau^2)
                  times 2 sigma^2:   ||r||^2 + (sigma^2 / tau^2) ||w||_2^2
                  = Ridge's objective, alpha = sigma^2 / tau^2
        laplace:  ||r||^2 / (2 sigma^2) + ||w||_1 / b
                  times sigma^2 / n: ||r||^2 / (2n) + sigma^2 / (n b) ||w||_1
                  = the Lasso's objective, alpha = sigma^2 / (n b)

    A positive factor moves no minimiser, so the posterior mode is the fit.
    The intercept ``b`` is not a weight: with a flat (improper uniform)
    prior on it, the MAP estimate is the fit with ``fit_intercept=True``;
    with ``fit_intercept=False`` it is the MAP estimate of the model without
    an intercept. Unit sample weights are assumed (the Lasso's ``n`` is the
    number of samples).

    Parameters
    ----------
    prior : {"gaussian", "laplace"}
        ``"gaussian"``: ``w_j ~ N(0, scale^2)`` independently, the MAP is
        :class:`shrinkage.Ridge`. ``"laplace"``: ``w_j`` with density
        ``exp(-|w_j| / scale) / (2 scale)``, the MAP is
        :class:`shrinkage.Lasso`.
    scale : float
        The prior's scale, positive and finite: its standard deviation
        ``tau`` (Gaussian) or ``b`` (Laplace, standard deviation
        ``sqrt(2) b``).
    noise_sd : float
        Standard deviation ``sigma`` of the noise, positive and finite.
    n_samples : int, optional
        Number of samples ``n`` (>= 1); needed for ``"laplace"``, and
        ignored by ``"gaussian"`` (Ridge's loss is not divided by ``n``).

    Returns
    -------
    alpha : float
        ``sigma^2 / tau^2`` (Ridge) or ``sigma^2 / (n b)`` (Lasso).

    Raises
    ------
    ValueError
        For an unknown prior, a scale or noise level that is not positive
        and finite, ``n_samples < 1``, or no ``n_samples`` with a Laplace
        prior.
    TypeError
        If a scale is not a real number or ``n_samples`` not an integer.

    See Also
    --------
    prior_scale_from_alpha : the reverse mapping.

    Examples
    --------
    >>> from shrinkage import alpha_from_prior
    >>> alpha_from_prior("gaussian", 2.0, noise_sd=1.0)      # sigma^2 / tau^2
    0.25
    >>> alpha_from_prior("laplace", 0.5, noise_sd=1.0, n_samples=100)
    0.02
    """
    prior = _check_prior(prior)
    scale = _check_positive(scale, "scale")
    variance = _check_positive(noise_sd, "noise_sd") ** 2
    n = _check_n_samples(prior, n_samples)
    if prior == "gaussian":
        return variance / scale ** 2
    return variance / (n * scale)


def prior_scale_from_alpha(prior, alpha, *, noise_sd, n_samples=None):
    """The prior scale under which the fit at ``alpha`` is the MAP estimate.

    The reverse of :func:`alpha_from_prior`: solve ``alpha = sigma^2 / tau^2``
    for ``tau = sigma / sqrt(alpha)`` (Ridge) and ``alpha = sigma^2 / (n b)``
    for ``b = sigma^2 / (n alpha)`` (Lasso). A larger alpha is a narrower
    prior; ``alpha = 0`` (least squares) is the flat-prior limit, with no
    finite scale, so alpha must be positive.

    Parameters
    ----------
    prior : {"gaussian", "laplace"}
        ``"gaussian"`` for a :class:`shrinkage.Ridge` alpha, ``"laplace"``
        for a :class:`shrinkage.Lasso` alpha.
    alpha : float
        The penalty, positive and finite, in that estimator's scaling.
    noise_sd : float
        Standard deviation ``sigma`` of the noise, positive and finite.
    n_samples : int, optional
        Number of samples ``n`` (>= 1); needed for ``"laplace"``, ignored by
        ``"gaussian"``.

    Returns
    -------
    scale : float
        ``tau``, the Gaussian prior's standard deviation, or ``b``, the
        Laplace prior's scale.

    Raises
    ------
    ValueError
        As :func:`alpha_from_prior`, for ``alpha`` in place of ``scale``.
    TypeError
        As :func:`alpha_from_prior`.

    See Also
    --------
    alpha_from_prior : the mapping from the prior to alpha, derived.

    Examples
    --------
    >>> from shrinkage import prior_scale_from_alpha
    >>> prior_scale_from_alpha("gaussian", 0.25, noise_sd=1.0)
    2.0
    >>> prior_scale_from_alpha("laplace", 0.02, noise_sd=1.0, n_samples=100)
    0.5
    """
    prior = _check_prior(prior)
    alpha = _check_positive(alpha, "alpha")
    noise_sd = _check_positive(noise_sd, "noise_sd")
    n = _check_n_samples(prior, n_samples)
    if prior == "gaussian":
        return noise_sd / math.sqrt(alpha)
    return noise_sd ** 2 / (n * alpha)

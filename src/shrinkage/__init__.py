"""shrinkage: fast Lasso, Elastic Net and Ridge regression.

A compiled (Cython + C) core behind a scikit-learn compatible API: swap
``sklearn.linear_model`` for ``shrinkage`` and get the same models, faster.
"""

from ._coordinate_descent import ElasticNet, Lasso
from ._cv import ElasticNetCV, LassoCV
from ._multitask import (MultiTaskElasticNet, MultiTaskElasticNetCV, MultiTaskLasso,
                         MultiTaskLassoCV)
from ._exceptions import ConvergenceWarning, NotFittedError
from ._many import ManyFits, fit_many
from ._operators import soft_threshold
from ._ridge_estimators import LinearRegression, Ridge, RidgeCV, ridge_path
from ._path import enet_path, lasso_path
from ._priors import alpha_from_prior, prior_scale_from_alpha
from ._relaxed import RelaxedLasso, RelaxedLassoCV
from ._version import __version__

__all__ = [
    "__version__",
    "ConvergenceWarning",
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LinearRegression",
    "ManyFits",
    "MultiTaskElasticNet",
    "MultiTaskElasticNetCV",
    "MultiTaskLasso",
    "MultiTaskLassoCV",
    "NotFittedError",
    "RelaxedLasso",
    "RelaxedLassoCV",
    "Ridge",
    "RidgeCV",
    "alpha_from_prior",
    "enet_path",
    "fit_many",
    "lasso_path",
    "prior_scale_from_alpha",
    "ridge_path",
    "soft_threshold",
]

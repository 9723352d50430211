"""shrinkage: fast Lasso, Elastic Net and Ridge regression.

A compiled (Cython + C) core behind a scikit-learn compatible API: swap
``sklearn.linear_model`` for ``shrinkage`` and get the same models, faster.
"""

from ._coordinate_descent import ElasticNet, Lasso
from ._exceptions import ConvergenceWarning, NotFittedError
from ._operators import soft_threshold
from ._path import enet_path, lasso_path
from ._version import __version__

__all__ = [
    "__version__",
    "ConvergenceWarning",
    "ElasticNet",
    "Lasso",
    "NotFittedError",
    "enet_path",
    "lasso_path",
    "soft_threshold",
]

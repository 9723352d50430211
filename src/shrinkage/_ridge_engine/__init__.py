"""The Ridge engine: normal equations, direct solves, eigen paths, CV folds.

The estimators of ``shrinkage._ridge_estimators`` validate input and shape
results; everything numerical happens here, on a validated
:class:`RidgeProblem`:

* ``problem``: the problem, its weighted means and its primal (Gram) or dual
  (kernel) normal equations, for dense and sparse ``X``;
* ``direct``: Cholesky solves with SVD/eigen fallbacks, non-negative ridge
  (NNLS), ordinary least squares;
* ``positive``: non-negative ridge with many features, by the elastic-net
  engine's coordinate descent polished by an exact solve on the support;
* ``eigen``: one eigendecomposition for many alphas, leave-one-out errors;
* ``kfold``: K-fold held-out predictions from the full Gram or kernel;
* ``_gram``, ``_products`` (compiled): the dense kernels.
"""

from .direct import NOT_REPRESENTABLE, nnls_solve, ols_dense, ols_eigen, solve_ridge
from .eigen import leave_one_out, ridge_path_coefs
from .kfold import held_out_predictor
from .positive import positive_cd, positive_gram, use_coordinate_descent
from .problem import RidgeProblem

__all__ = [
    "NOT_REPRESENTABLE",
    "RidgeProblem",
    "held_out_predictor",
    "leave_one_out",
    "nnls_solve",
    "ols_dense",
    "ols_eigen",
    "positive_cd",
    "positive_gram",
    "ridge_path_coefs",
    "solve_ridge",
    "use_coordinate_descent",
]

"""The elastic-net engine: the only way into its compiled kernels.

The estimators (``_coordinate_descent``, ``_path``, ``_cv``, ``_relaxed``)
validate their input (``shrinkage._validation``) and call the entry points
exported here; nothing else in the package imports the kernels.

- :mod:`.design`: the prepared designs (dense, CSC, a CV fold's derived
  Gram) behind one interface, :class:`~.design.Design`, and
  :func:`make_design`, the one way to build one from data.
- :mod:`.solve`: the policy of a solve: :func:`~.solve.choose_method`
  (naive or covariance updates), :func:`~.solve.kernel_penalties` (alpha,
  l1_ratio and penalty factors to the kernels' penalties, the one place
  this is done), :func:`seed_from`, :func:`solve_enet` (single fits) and
  :func:`common_scale` (the exact rescaling of extreme data for paths and CV).
- :mod:`.path`: the path driver (warm starts, strong rules, KKT checks):
  :func:`solve_paths`, :func:`path_on_rows` and :func:`alpha_grids`
  (scikit-learn's automatic grid from lambda_max).
- :mod:`.lean`: :func:`lean_fit`, the same covariance-update fit for a
  small float64 ndarray with default options, without the general route's
  Python steps (bit for bit the same results).
- :mod:`.cv`: cross-validation statistics: :func:`cv_design` (with the
  full data's Gram the folds derive theirs from), :func:`fold_mse_path`.
- :mod:`.box`: box constraints ``lower <= w <= upper`` (glmnet's
  ``lower.limits`` / ``upper.limits``): :func:`check_bounds`,
  :func:`box_design`, :func:`solve_box`, :func:`solve_box_path`,
  :func:`box_fold_mse_path`, :func:`box_mode`, on the dedicated kernels
  kernel ``_box`` (residual or covariance updates, one driver).

The compiled kernels, one concern each (``docs/design.md`` section 2.2):
``_naive`` (residual updates, dense and CSC, and their driver) with
``_naive_ops.pxd`` / ``_naive_sets`` (per-column operations, active sets,
gap-safe screening); ``_covariance`` (Gram updates and their driver);
``_gram`` (the Gram cache and centred Gram); ``_newton`` (the support's
Cholesky factor and Newton steps); ``_gap`` (the duality gap);
``_extrapolate`` (Anderson); ``_box`` (box-constrained coordinate
descent, residual or covariance updates; ``_box_ops.pxd`` its
one-coordinate terms); ``_columns`` (column statistics and products);
``_policy.pxd`` (every tuning constant and cost model).
"""

from .box import (box_design, box_fold_mse_path, box_mode, check_bounds, solve_box,
                  solve_box_path)
from .cv import cv_design, fold_mse_path
from .design import make_design
from .lean import lean_fit
from .path import alpha_grids, path_on_rows, solve_paths
from .solve import common_scale, seed_from, solve_enet

__all__ = ["alpha_grids", "box_design", "box_fold_mse_path", "box_mode", "check_bounds",
           "common_scale", "cv_design", "fold_mse_path", "lean_fit", "make_design", "path_on_rows",
           "seed_from", "solve_box", "solve_box_path", "solve_enet", "solve_paths"]

"""scikit-learn's floating-point dtype rules for the linear models, in one place.

Measured on scikit-learn 1.9.1 (``Lasso``, ``ElasticNet``, ``lasso_path``,
``enet_path``, ``LassoCV``, ``ElasticNetCV``):

- a float32 ``X`` (dense or sparse) gives float32 ``coef_``, ``intercept_``
  (a ``numpy.float32`` scalar for one target), ``dual_gap_``,
  ``sparse_coef_`` and path coefficients, whatever the dtype of ``y`` and
  ``sample_weight`` (they follow ``X``);
- every other ``X`` (float64, float16, integers, bool, lists, object)
  gives float64: a float32 ``y`` with a float64 ``X`` gives float64;
- path functions return float64 ``alphas`` and ``dual_gaps`` in both cases;
- CV: ``alpha_``, ``l1_ratio_`` and ``alphas_`` are float64; ``coef_``,
  ``intercept_`` and ``dual_gap_`` follow ``X``; ``mse_path_`` is the
  result type of ``X``'s dtype and ``y``'s checked dtype (float32 only when
  both are float32: the squared errors of float32 predictions against the
  targets as given);
- ``predict`` returns the result type of the (checked) input and
  ``coef_``: float32 only for a float32 model on float32 input.

The rules decide the dtypes of what the estimators return; how each family
computes is in docs/design.md, "Precision" (the elastic net reads a float32
``X`` in float32 and sums in float64; the multi-task solvers convert it to
float64). The multi-task estimators follow the same rules.
"""

import numpy as np

__all__ = ["fit_dtype", "target_dtype", "mse_dtype", "as_fit_dtype", "scalar_of"]


def _raw_dtype(value):
    """The dtype ``value`` holds, without converting it (None for lists and
    other array-likes without one; a DataFrame's common column dtype)."""
    dtype = getattr(value, "dtype", None)
    if dtype is not None:
        return np.dtype(dtype) if isinstance(dtype, np.dtype) else None
    dtypes = getattr(value, "dtypes", None)  # pandas DataFrame
    if dtypes is not None:
        try:
            kinds = set(np.dtype(d) for d in dtypes)
        except TypeError:  # extension dtypes: converted to float64
            return None
        return kinds.pop() if len(kinds) == 1 else None
    return None


def fit_dtype(X):
    """float32 for float32 ``X`` (dense or sparse), float64 otherwise."""
    return np.float32 if _raw_dtype(X) == np.float32 else np.float64


def target_dtype(y):
    """The dtype scikit-learn's CV checks give ``y``: float32 kept, others
    float64."""
    return np.float32 if _raw_dtype(y) == np.float32 else np.float64


def mse_dtype(X, y):
    """The dtype of a CV ``mse_path_`` for raw inputs ``X`` and ``y``."""
    return np.result_type(fit_dtype(X), target_dtype(y)).type


def as_fit_dtype(value, dtype):
    """``value`` (an array) in ``dtype``: the same object for float64."""
    if dtype is np.float64:
        return value
    return np.asarray(value, dtype=dtype)


def scalar_of(value, dtype):
    """A NumPy scalar of ``dtype``: ``numpy.float64`` or ``numpy.float32``,
    as scikit-learn's single-target ``intercept_`` and ``dual_gap_``."""
    return np.float64(value) if dtype is np.float64 else np.float32(value)

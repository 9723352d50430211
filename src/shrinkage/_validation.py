"""Input validation at the API boundary.

Everything a user passes is checked here, once, with messages that name the
argument and the fix; the solvers behind assume clean float64 data. Nothing
here modifies the caller's arrays: conversions copy only when the dtype or
layout must change.
"""

import math
import numbers
import warnings

import numpy as np
import scipy.sparse as sp

__all__ = [
    "check_X",
    "check_finite_X",
    "check_X_y",
    "check_sample_weight",
    "check_bool",
    "check_scalar",
    "check_penalty_factor",
    "check_precompute",
    "check_gram",
    "check_max_iter",
    "check_selection",
    "check_alpha_grid",
    "feature_names_of",
]


def _is_sparse(X):
    return sp.issparse(X)


def feature_names_of(X):
    """Column names of a DataFrame-like ``X`` when all are strings, else None.

    As in scikit-learn: names of other types (integers) are not feature
    names, and a mix of strings and other types is a TypeError.
    """
    columns = getattr(X, "columns", None)
    if columns is None or hasattr(X, "__array__") is False:
        return None
    names = np.asarray(list(columns), dtype=object)
    types = sorted({type(c).__qualname__ for c in names})
    if len(types) > 1 and "str" in types:
        raise TypeError(
            "Feature names are only supported if all input features have string "
            f"names, but your input has {types} as feature name / column name "
            "types. If you want feature names to be stored and validated, you "
            "must convert them all to strings, by using X.columns = "
            "X.columns.astype(str) for example. Otherwise you can remove feature "
            "/ column names from your input data, or convert them all to a "
            "non-string data type."
        )
    return names if types == ["str"] else None


def _to_float_array(value, name, ensure_2d, numeric_strings=False, keep_float32=False):
    """Convert array-likes of real numbers to float64 without copying floats
    (float32 kept as it is with ``keep_float32``).

    ``numeric_strings``: also convert str/bytes arrays holding numbers
    ("1.5"), as scikit-learn's ``fit`` of most linear models does.
    """
    if value is None:
        raise ValueError(
            f"{name} is None: expected array-like (array or non-string "
            "sequence), got None."
        )
    if isinstance(value, str):
        raise TypeError(f"{name} must be an array of numbers, got the string {value!r}.")
    # pandas extension dtypes and DataFrames go through __array__.
    arr = np.asarray(value)
    if arr.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} has dtype {arr.dtype}; pass "
            f"real numbers (e.g. the real part, {name}.real)."
        )
    if arr.dtype.kind in "US" and numeric_strings:
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must contain only numbers, but converting it to "
                f"float64 failed ({exc}): encode strings or categories "
                "numerically first."
            ) from exc
    if arr.dtype.kind in "USV":
        raise TypeError(
            f"{name} must contain numbers, got dtype {arr.dtype}: encode "
            "strings or categories numerically first."
        )
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            # pandas nullable dtypes (Float64, Int64, boolean) hold pd.NA,
            # which only pandas converts: to NaN, reported below as missing.
            to_numpy = getattr(value, "to_numpy", None)
            arr = None
            if to_numpy is not None:
                try:
                    arr = np.asarray(to_numpy(dtype=np.float64, na_value=np.nan))
                except (TypeError, ValueError):
                    arr = None
            if arr is None:
                raise TypeError(
                    f"{name} must contain only numbers, but converting it to "
                    f"float64 failed ({exc}): encode strings or categories "
                    "numerically first."
                ) from exc
    elif arr.dtype != np.float64 and not (keep_float32 and arr.dtype == np.float32):
        arr = arr.astype(np.float64)
    return arr


def _check_finite(arr, name):
    data = arr.data if _is_sparse(arr) else arr
    # A finite sum proves every entry finite without a boolean temporary;
    # only a non-finite sum (NaN/inf, or overflow) needs the full check.
    if math.isfinite(data.sum()):
        return
    if not np.isfinite(data).all():
        if np.isnan(data).any():
            raise ValueError(
                f"Input {name} contains NaN: impute or drop missing values first."
            )
        raise ValueError(
            f"Input {name} contains infinity or a value too large for float64: "
            "drop or clip those entries first."
        )


def check_finite_X(X):
    """Raise the NaN/inf ValueError for X if it has non-finite entries."""
    _check_finite(X, "X")


def check_X(X, *, estimator="estimator", accept_sparse=False, reset=True,
            order=None, min_samples=1, ensure_finite=True, numeric_strings=False,
            keep_float32=False):
    """Validate a design matrix; return float64 ndarray or CSC/CSR matrix.

    ``keep_float32`` leaves float32 input float32 (scikit-learn's rule,
    :mod:`shrinkage._dtypes`; used by ``predict``); any other dtype becomes
    float64.

    Dense input keeps its memory layout unless ``order`` ('C' or 'F') asks
    for one. Sparse input is accepted only when ``accept_sparse`` names the
    allowed formats (e.g. ``("csc", "csr")``); others are converted once.
    ``ensure_finite=False`` skips the NaN/inf scan (one pass over X) for
    callers that detect non-finite input themselves, e.g. from a Gram
    diagonal, and then raise through :func:`check_finite_X`.
    ``numeric_strings=True`` converts str/bytes arrays of numbers (as
    scikit-learn's ``fit`` does; its ``predict`` does not).
    """
    if _is_sparse(X):
        if not accept_sparse:
            raise TypeError(
                f"{estimator} does not support sparse input yet: pass a dense "
                "array, e.g. X.toarray()."
            )
        fmt = X.format if X.format in accept_sparse else accept_sparse[0]
        X = X.asformat(fmt)
        if X.dtype != np.float64 and not (keep_float32 and X.dtype == np.float32):
            if X.dtype.kind == "c":
                raise ValueError("Complex data not supported: X is complex.")
            X = X.astype(np.float64)
        if X.ndim != 2:
            raise ValueError(f"Expected 2D input X, got {X.ndim}D.")
        if ensure_finite:
            _check_finite(X, "X")
        _check_min_samples(X.shape, min_samples)
        _check_min_features(X.shape)
        return X

    arr = _to_float_array(X, "X", ensure_2d=True, numeric_strings=numeric_strings,
                          keep_float32=keep_float32)
    if arr.ndim == 0 or arr.ndim == 1:
        raise ValueError(
            f"Expected 2D array, got {arr.ndim}D array instead: X={arr!r}. "
            "Reshape your data with X.reshape(-1, 1) for a single feature or "
            "X.reshape(1, -1) for a single sample."
        )
    if arr.ndim > 2:
        raise ValueError(
            f"Expected 2D array X of shape (n_samples, n_features), got "
            f"{arr.ndim}D array of shape {arr.shape}."
        )
    _check_min_samples(arr.shape, min_samples)
    _check_min_features(arr.shape)
    if ensure_finite:
        _check_finite(arr, "X")
    if order == "F":
        arr = np.asfortranarray(arr)
    elif order == "C":
        arr = np.ascontiguousarray(arr)
    elif not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        arr = np.asfortranarray(arr)
    return arr


def _check_min_features(shape):
    if shape[1] < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={tuple(shape)}) while a "
            "minimum of 1 is required: X needs at least one column."
        )


def _check_min_samples(shape, min_samples):
    if shape[0] < min_samples:
        raise ValueError(
            f"Found array with {shape[0]} sample(s) (shape={tuple(shape)}) "
            f"while a minimum of {min_samples} is required: X needs at least "
            f"{min_samples} row(s)."
        )


def check_y(y, n_samples, *, estimator="estimator", multi_output=True,
            numeric_strings=False):
    """Validate targets: float64 1-D (or 2-D when ``multi_output``)."""
    if y is None:
        raise ValueError(
            f"{estimator} requires y to be passed, but the target y is None."
        )
    if _is_sparse(y):
        raise TypeError("y must be dense; convert it with y.toarray().")
    arr = _to_float_array(y, "y", ensure_2d=False, numeric_strings=numeric_strings)
    if arr.ndim == 0 or arr.ndim > 2 or (arr.ndim == 2 and not multi_output):
        expected = "1D or 2D" if multi_output else "1D"
        raise ValueError(f"y should be a {expected} array, got shape {arr.shape}.")
    if arr.shape[0] != n_samples:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"X has {n_samples}, y has {arr.shape[0]}."
        )
    _check_finite(arr, "y")
    return arr


def check_X_y(X, y, *, estimator="estimator", accept_sparse=False, order=None,
              multi_output=True, ensure_finite=True, numeric_strings=(),
              keep_float32=False):
    """Validate ``X`` and ``y`` together (consistent lengths).

    ``ensure_finite`` applies to ``X`` only (see :func:`check_X`); ``y`` is
    always checked. ``numeric_strings`` names the arguments ("X", "y")
    whose str/bytes arrays of numbers are converted, as scikit-learn's
    ``fit`` of the same estimator does. ``keep_float32`` leaves a float32
    ``X`` float32 (see :func:`check_X`); ``y`` becomes float64.
    """
    if y is None:
        raise ValueError(
            f"{estimator} requires y to be passed, but the target y is None."
        )
    X = check_X(X, estimator=estimator, accept_sparse=accept_sparse, order=order,
                ensure_finite=ensure_finite, numeric_strings="X" in numeric_strings,
                keep_float32=keep_float32)
    y = check_y(y, X.shape[0], estimator=estimator, multi_output=multi_output,
                numeric_strings="y" in numeric_strings)
    return X, y


def check_sample_weight(sample_weight, n_samples):
    """Validate weights; return None (unit weights) or a float64 copy.

    Weights must be finite, non-negative and not all zero. A scalar means
    equal weights. The returned array is a fresh copy the caller may rescale.
    """
    if sample_weight is None:
        return None
    if not isinstance(sample_weight, numbers.Number):
        sample_weight = _to_float_array(sample_weight, "sample_weight", ensure_2d=False)
    if isinstance(sample_weight, numbers.Number) or sample_weight.ndim == 0:
        value = float(sample_weight)
        if not np.isfinite(value) or value <= 0:
            raise ValueError(
                f"A scalar sample_weight must be finite and > 0, got {value!r}."
            )
        return None
    sw = _to_float_array(sample_weight, "sample_weight", ensure_2d=False)
    if sw.ndim != 1:
        raise ValueError(
            f"sample_weight must be 1D of shape (n_samples,), got shape {sw.shape}."
        )
    if sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sw.shape}, expected ({n_samples},): one "
            "weight per sample."
        )
    _check_finite(sw, "sample_weight")
    if np.any(sw < 0):
        raise ValueError(
            "Negative values in data passed to sample_weight: weights must be >= 0."
        )
    if not np.any(sw > 0):
        raise ValueError(
            "sample_weight is all zeros: at least one sample needs a positive weight."
        )
    return np.array(sw, dtype=np.float64, copy=True)


def check_penalty_factor(penalty_factor, n_features):
    """Validate per-feature penalty factors; None means all ones."""
    if penalty_factor is None:
        return None
    pf = _to_float_array(penalty_factor, "penalty_factor", ensure_2d=False)
    if pf.ndim == 0:
        pf = np.full(n_features, float(pf))
    if pf.shape != (n_features,):
        raise ValueError(
            f"penalty_factor must have one entry per feature ({n_features}), "
            f"got shape {pf.shape}."
        )
    _check_finite(pf, "penalty_factor")
    if np.any(pf < 0):
        raise ValueError("penalty_factor must be >= 0 (0 leaves a feature unpenalised).")
    return np.array(pf, dtype=np.float64, copy=True)


_SPARSE_GRAM = (
    "precompute: a Gram matrix cannot be given with sparse X; use "
    "precompute=True (shrinkage computes the centred Gram of the sparse X), "
    "'auto' or False."
)


def check_precompute(precompute, n_features, *, sparse=False):
    """Check ``precompute``: 'auto', a bool, or a (p, p) Gram; return it.

    Called once per fit; the engine trusts the value returned (a bool for
    NumPy bools). With ``sparse`` (sparse ``X``) a matrix is refused (the
    centred Gram of sparse ``X`` is computed by the design itself). Estimators that cross-validate build each fold's Gram
    themselves, so a given matrix only has to have the right shape there.
    """
    if isinstance(precompute, str):
        if precompute != "auto":
            raise ValueError(
                "precompute must be 'auto', True, False or a Gram matrix, got "
                f"{precompute!r}.")
        return precompute
    if isinstance(precompute, (bool, np.bool_)):
        return bool(precompute)
    shape = np.shape(precompute)
    if shape != (n_features, n_features):
        raise ValueError(
            f"precompute: the Gram matrix must have shape ({n_features}, "
            f"{n_features}), got {shape}.")
    if sparse:
        raise ValueError(_SPARSE_GRAM)
    return precompute


_GRAM_RECOMPUTED = ("Gram matrix was provided but X was centered to fit intercept: "
                    "recomputing Gram matrix.")


def check_gram(X, sample_weight, gram, fit_intercept):
    """A user's Gram (of the right shape) for dense ``X``: the Gram to use,
    or 'auto' after scikit-learn's warning when it cannot be used.

    The Gram must be ``X^T diag(s) X`` with the weights ``s`` rescaled to
    sum to ``n_samples``. With ``fit_intercept`` and ``X`` not centred (its
    weighted column means not zero), the Gram of uncentred ``X`` is not the
    one the solver needs: warn and return 'auto', as scikit-learn does.
    Otherwise two columns are compared with ``X`` (scikit-learn checks one
    element of them), and a mismatch raises scikit-learn's ValueError.
    """
    gram = np.asarray(gram, dtype=np.float64)
    if not np.all(np.isfinite(gram)):
        raise ValueError("precompute: the Gram matrix contains NaN or infinity.")
    n, p = X.shape
    s = np.ones(n) if sample_weight is None else sample_weight * (n / sample_weight.sum())
    if fit_intercept:
        mean = s @ X / n
        if not np.allclose(mean, 0.0, atol=1e-12 * max(1.0, np.abs(X).max())):
            warnings.warn(_GRAM_RECOMPUTED, UserWarning, stacklevel=3)
            return "auto"
    # scikit-learn's element (p // 2, p // 2 + 1) lies in column p // 2; the
    # largest diagonal entry's column is checked too.
    for j in dict.fromkeys((p // 2, int(np.argmax(np.diag(gram))))):
        expected = X.T @ (s * X[:, j])
        bad = ~np.isclose(gram[:, j], expected, rtol=1e-7,
                          atol=1e-10 * max(1.0, np.abs(expected).max()))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                "Gram matrix passed in via 'precompute' parameter did not pass "
                "validation when a single element was checked - please check "
                f"that it was computed properly. For element ({i},{j}) we "
                f"computed {expected[i]} but the user-supplied value was "
                f"{gram[i, j]}. (shrinkage expects X.T @ diag(sample_weight) @ X "
                "of the data passed, with the weights rescaled to sum to "
                "n_samples.)"
            )
    return gram


def check_max_iter(max_iter):
    """Check the number of coordinate passes (an integer >= 1); return an int."""
    return int(check_scalar(max_iter, "max_iter", kind=numbers.Integral, low=1))


def check_selection(selection):
    """Check the coordinate order, 'cyclic' or 'random'; return it."""
    if selection not in ("cyclic", "random"):
        raise ValueError(
            f"selection should be either 'random' or 'cyclic', got {selection!r}.")
    return selection


def check_alpha_grid(alphas, name="alphas", *, allow_count=False, ravel=False,
                     strictly_positive=False, positive_hint=""):
    """Check a grid of penalties; return an int count or a float64 array.

    Parameters
    ----------
    alphas : int, float or array-like
        The penalties (a scalar is a grid of one), or, with ``allow_count``,
        an integer >= 1: the size of an automatic grid, returned as an int.
    name : str, default="alphas"
        Name used in the messages.
    allow_count : bool, default=False
        Accept an integer as a number of alphas.
    ravel : bool, default=False
        Flatten an array of any shape instead of requiring 1-D.
    strictly_positive : bool, default=False
        Reject 0 too (with ``positive_hint`` appended to the message).
    positive_hint : str, default=""
        Why the values must be > 0, e.g. " (leave-one-out needs alpha > 0)".

    Returns
    -------
    int or ndarray of shape (n_alphas,)
        The count, or the values in the order given (a fresh array when
        the input was not float64).
    """
    if isinstance(alphas, numbers.Integral) and not isinstance(alphas, bool) and allow_count:
        if alphas < 1:
            raise ValueError(f"{name} must be >= 1 when an integer, got {alphas}.")
        return int(alphas)
    labels = None
    if isinstance(alphas, numbers.Real) and not isinstance(alphas, bool):
        arr = np.array([float(alphas)])
    else:
        if alphas is None or isinstance(alphas, (str, bool)):
            raise TypeError(f"{name} must be an array-like of floats, got {alphas!r}.")
        try:
            arr = np.asarray(alphas, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be an array-like of floats, got {alphas!r}.") from exc
        if arr.ndim == 0:
            arr = arr.reshape(1)
        else:
            if ravel:
                arr = arr.ravel()
            elif arr.ndim != 1:
                raise ValueError(f"{name} must be 1-D, got shape {arr.shape}.")
            labels = f"{name}[{{}}]"
    if arr.size == 0:
        raise ValueError(
            f"{name} must contain at least one value"
            + (" (or be a positive integer: the size of an automatic grid)."
               if allow_count else "."))
    bad = np.flatnonzero(~np.isfinite(arr) | (arr <= 0 if strictly_positive else arr < 0))
    if bad.size:
        i = int(bad[0])
        label = name if labels is None else labels.format(i)
        value = float(arr[i])
        if not np.isfinite(value):
            raise ValueError(
                f"{label} must be finite, got {value!r} ({name} must be finite and >= 0).")
        if strictly_positive:
            raise ValueError(f"{label} == {value!r}, must be > 0.0{positive_hint}.")
        raise ValueError(
            f"{label} == {value!r}, must be >= 0.0 ({name} must be finite and >= 0).")
    return arr


def check_bool(value, name):
    """Check a boolean hyper-parameter (bool or NumPy bool); return a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool (True or False), got {value!r}.")
    return bool(value)


def check_scalar(value, name, *, kind=numbers.Real, low=None, high=None,
                 include_low=True, include_high=True):
    """Check a hyper-parameter's type and range; return it.

    Raises TypeError for the wrong type and ValueError naming the valid range.
    """
    if type(value) is int or (type(value) is float and kind is numbers.Real):
        pass  # the common case, without abstract-base-class checks
    elif isinstance(value, bool) or not isinstance(value, kind):
        kind_name = "an integer" if kind is numbers.Integral else "a real number"
        raise TypeError(f"{name} must be {kind_name}, got {value!r} of type "
                        f"{type(value).__name__}.")
    if value != value:  # NaN (of any real type)
        raise ValueError(f"{name} must not be NaN.")
    too_low = low is not None and (value < low if include_low else value <= low)
    too_high = high is not None and (value > high if include_high else value >= high)
    if too_low or too_high:
        lo = "-inf" if low is None else repr(low)
        hi = "inf" if high is None else repr(high)
        bracket_l = "[" if include_low and low is not None else "("
        bracket_r = "]" if include_high and high is not None else ")"
        raise ValueError(
            f"{name} must be in {bracket_l}{lo}, {hi}{bracket_r}, got {value!r}."
        )
    return value

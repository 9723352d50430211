"""Public proximal operators built on the compiled element-wise kernels."""

from __future__ import annotations

import numpy as np

from ._typing import ArrayLike, FloatArray
from ._elementwise import soft_threshold_array, soft_threshold_scalar

__all__ = ["soft_threshold"]


def soft_threshold(x: ArrayLike, t: ArrayLike,
                   out: FloatArray | None = None) -> FloatArray | float:
    """Soft-thresholding operator ``sign(x) * max(|x| - t, 0)``.

    The proximal operator of ``t * |.|`` and the coordinate update at the
    heart of the Lasso: entries within ``t`` of zero become zero, the rest
    move ``t`` towards zero.

    Parameters
    ----------
    x : float or array_like
        Input values, any shape, any real dtype, any memory layout.
    t : float or array_like
        Non-negative threshold, broadcastable against ``x``.
    out : ndarray of float64, optional
        Where to write the result; must have the broadcast shape of ``x``
        and ``t``. May be ``x`` itself (in-place) when ``x`` is float64.

    Returns
    -------
    float or ndarray
        A Python float when both ``x`` and ``t`` are scalars and ``out`` is
        not given, otherwise a float64 array (``out`` when given).

    Raises
    ------
    ValueError
        If a threshold is negative or NaN, or ``out`` has the wrong shape.
    TypeError
        If ``out`` is not a float64 ndarray, or the inputs are not real.

    Examples
    --------
    >>> from shrinkage import soft_threshold
    >>> soft_threshold([-3.0, -0.5, 0.2, 2.0], 1.0)
    array([-2., -0.,  0.,  1.])
    """
    scalar_call = out is None and np.ndim(x) == 0 and np.ndim(t) == 0
    x = _as_real_array(x, "x")
    t = _as_real_array(t, "t")
    if t.size and not np.all(t >= 0):  # also rejects NaN
        raise ValueError(
            "soft_threshold: the threshold t must be >= 0 (and not NaN); "
            f"got min(t) = {np.min(t)!r}."
        )
    shape = np.broadcast_shapes(x.shape, t.shape)

    if out is not None:
        if not isinstance(out, np.ndarray) or out.dtype != np.float64:
            raise TypeError("soft_threshold: out must be a float64 numpy array.")
        if out.shape != shape:
            raise ValueError(
                f"soft_threshold: out has shape {out.shape}, but the result "
                f"has shape {shape}."
            )
    # The kernels need contiguous buffers of the full (broadcast) shape.
    x_flat = np.ascontiguousarray(np.broadcast_to(x, shape)).reshape(-1)
    if out is not None and out.flags.c_contiguous and out.flags.writeable:
        result = out
    else:
        result = np.empty(shape, dtype=np.float64)
    result_flat = result.reshape(-1)

    if t.size == 1:
        soft_threshold_scalar(x_flat, float(t.reshape(-1)[0]), result_flat)
    else:
        t_flat = np.ascontiguousarray(np.broadcast_to(t, shape)).reshape(-1)
        soft_threshold_array(x_flat, t_flat, result_flat)

    if out is not None:
        if result is not out:
            out[...] = result
        return out
    if scalar_call:
        return float(result)
    return result


def _as_real_array(value, name):
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"soft_threshold: {name} must be real numbers; got dtype {arr.dtype}."
        )
    return arr.astype(np.float64, copy=False)

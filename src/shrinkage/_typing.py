"""Type aliases of the public API's annotations (light: arrays in, arrays out)."""

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

#: What ``fit``/``predict`` accept as ``X``: array-likes or scipy.sparse input.
MatrixLike = ArrayLike | sp.spmatrix | sp.sparray
#: Floating-point results (float64, or float32 where scikit-learn keeps float32).
FloatArray = NDArray[np.floating]

__all__ = ["ArrayLike", "FloatArray", "MatrixLike"]

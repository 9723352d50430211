"""Stub of the compiled soft-thresholding kernels (``_elementwise.pyx``).

Each writes into ``out`` (C-contiguous float64, the size of ``x``);
``shrinkage.soft_threshold`` is the public, validating front end.
"""

import numpy as np
from numpy.typing import NDArray

def soft_threshold_array(
    x: NDArray[np.float64], t: NDArray[np.float64], out: NDArray[np.float64]
) -> None: ...
def soft_threshold_scalar(
    x: NDArray[np.float64], t: float, out: NDArray[np.float64]
) -> None: ...

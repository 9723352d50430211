"""Seeded problem generators for the benchmark suite (docs/design.md section 5).

Every problem is deterministic: each has its own fixed seed for
``numpy.random.default_rng``, so generating one never depends on which
others were generated. ``size`` picks the dimensions:

- ``"full"``:  the docs/design.md suite;
- ``"quick"``: the same structure, smaller, so ``run.py --quick`` finishes in
  a few minutes on 2 cores (the nonzeros per column of the sparse problem
  are kept);
- ``"tiny"``:  a few dozen rows and columns, for the harness's own tests.

Lasso problems have sparse true coefficients; several have uncentred and
unscaled features (real data is neither centred nor standardised), so an
intercept matters. Dense ``X`` is returned in Fortran (column-major) order,
the layout coordinate descent wants, so no solver pays for a copy the
others don't; sparse ``X`` is CSC.
"""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

__all__ = [
    "Problem",
    "LASSO_PROBLEMS",
    "RIDGE_PROBLEMS",
    "MULTITASK_PROBLEMS",
    "FLOAT32_PROBLEMS",
    "ALL_PROBLEMS",
    "base_of",
    "is_float32",
    "family_of",
    "SIZES",
    "SEEDS",
    "make_problem",
    "shape_of",
]

LASSO_PROBLEMS = ("seed", "tall", "wide", "corr", "sparse")
RIDGE_PROBLEMS = ("ridge_small", "ridge_tall", "ridge_mid", "ridge_wide")
MULTITASK_PROBLEMS = ("mt_tall", "mt_wide")
#: float32 versions (issue 17): the base problem's generator, seed and sizes,
#: then X and y rounded to float32 (y too, because scikit-learn casts y to X's
#: dtype: with a float64 y it would solve on a rounded y while shrinkage keeps
#: the exact one -- two different problems). Name -> base problem.
FLOAT32_PROBLEMS = {"tall32": "tall", "wide32": "wide", "sparse32": "sparse",
                    "ridge_tall32": "ridge_tall"}
ALL_PROBLEMS = LASSO_PROBLEMS + RIDGE_PROBLEMS + MULTITASK_PROBLEMS + tuple(FLOAT32_PROBLEMS)
# tasks (y of shape (n, T)) of the multi-task problems, per size
N_TASKS = {"full": {"mt_tall": 20, "mt_wide": 40}, "quick": {"mt_tall": 20, "mt_wide": 40},
           "tiny": {"mt_tall": 3, "mt_wide": 4}}

# (n_samples, n_features[, density]) per size.
SIZES = {
    "full": {
        "seed": (200, 10),
        "tall": (100_000, 200),
        "wide": (500, 20_000),
        "corr": (2000, 2000),
        "sparse": (10_000, 50_000, 1e-3),
        "ridge_small": (200, 10),
        "ridge_tall": (100_000, 200),
        "ridge_mid": (20_000, 2000),
        "ridge_wide": (2000, 50_000),
        "mt_tall": (20_000, 200),
        "mt_wide": (300, 5000),
    },
    "quick": {
        "seed": (200, 10),
        "tall": (20_000, 100),
        "wide": (200, 4000),
        "corr": (500, 500),
        "sparse": (2000, 10_000, 5e-3),
        "ridge_small": (200, 10),
        "ridge_tall": (20_000, 100),
        "ridge_mid": (4000, 400),
        "ridge_wide": (400, 10_000),
        "mt_tall": (5000, 100),
        "mt_wide": (150, 2000),
    },
    "tiny": {
        "seed": (60, 10),
        "tall": (120, 8),
        "wide": (30, 80),
        "corr": (40, 40),
        "sparse": (60, 150, 0.05),
        "ridge_small": (40, 6),
        "ridge_tall": (120, 8),
        "ridge_mid": (60, 20),
        "ridge_wide": (20, 60),
        "mt_tall": (100, 8),
        "mt_wide": (25, 60),
    },
}

SEEDS = {
    "seed": 20100001,
    "tall": 20100002,
    "wide": 20100003,
    "corr": 20100004,
    "sparse": 20100005,
    "ridge_small": 20100011,
    "ridge_tall": 20100012,
    "ridge_mid": 20100013,
    "ridge_wide": 20100014,
    "mt_tall": 20100021,
    "mt_wide": 20100022,
}


@dataclass
class Problem:
    """A regression data set: ``X``, ``y`` and what generated them."""

    name: str
    X: object  # ndarray (Fortran order) or scipy.sparse CSC matrix
    y: np.ndarray
    family: str  # "lasso", "ridge" or "multitask": which tasks apply
    description: str
    coef_true: np.ndarray = field(repr=False, default=None)

    @property
    def shape(self):
        return self.X.shape

    @property
    def is_sparse(self):
        return sp.issparse(self.X)

    @property
    def label(self):
        n, p = self.shape
        return f"{self.name} {n}x{p}"


def base_of(name):
    """The float64 problem a float32 problem is rounded from (``name`` itself otherwise)."""
    return FLOAT32_PROBLEMS.get(name, name)


def is_float32(name):
    """Whether problem ``name`` is a float32 one (``tall32``, ...)."""
    return name in FLOAT32_PROBLEMS


def shape_of(name, size="full"):
    """``(n_samples, n_features)`` of a problem at a size, without generating it."""
    return SIZES[size][base_of(name)][:2]


def family_of(name):
    """"lasso", "ridge" or "multitask": the family of problem ``name``."""
    name = base_of(name)
    if name in MULTITASK_PROBLEMS:
        return "multitask"
    return "lasso" if name in LASSO_PROBLEMS else "ridge"


def make_problem(name, size="full"):
    """Generate problem ``name`` ("seed", "tall", ..., "ridge_wide") at ``size``."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    if name in FLOAT32_PROBLEMS:
        return _to_float32(make_problem(FLOAT32_PROBLEMS[name], size), name)
    if name not in SIZES[size]:
        raise ValueError(f"unknown problem {name!r}; known: {', '.join(ALL_PROBLEMS)}")
    rng = np.random.default_rng(SEEDS[name])
    dims = SIZES[size][name]
    if name in MULTITASK_PROBLEMS:
        return _gen_multitask(rng, *dims, N_TASKS[size][name], name=name)
    return _GENERATORS[name](rng, *dims, name=name)


# --------------------------------------------------------------------------
# generators


def _noise_for(signal, rng, snr):
    """Gaussian noise with standard deviation std(signal) / snr."""
    scale = float(np.std(signal)) / snr if np.std(signal) > 0 else 1.0
    return scale * rng.standard_normal(signal.shape[0])


def _sparse_coef(rng, p, k, low=1.0, high=3.0):
    """``k`` nonzero coefficients of random sign and size in [low, high], spread over ``p``."""
    k = max(1, min(k, p))
    coef = np.zeros(p)
    support = np.sort(rng.choice(p, size=k, replace=False))
    coef[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(low, high, size=k)
    return coef


def _gen_seed(rng, n, p, name):
    # The textbook example: standardised features, 3 true effects, noise 0.5.
    X = rng.standard_normal((n, p))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    coef = np.zeros(p)
    coef[:3] = [3.5, -2.1, 1.8]
    y = X @ coef + 0.5 * rng.standard_normal(n)
    return Problem(
        name, np.asfortranarray(X), y, "lasso",
        "standardised features, 3 true coefficients (3.5, -2.1, 1.8), noise sd 0.5",
        coef,
    )


def _gen_tall(rng, n, p, name):
    # n >> p, uncentred and unscaled features, intercept 3.
    scale = rng.uniform(0.5, 3.0, size=p)
    offset = rng.uniform(-10.0, 10.0, size=p)
    X = np.asfortranarray(rng.standard_normal((n, p)))
    X *= scale
    X += offset
    coef = _sparse_coef(rng, p, max(3, p // 20))
    signal = X @ coef
    y = signal + 3.0 + _noise_for(signal - signal.mean(), rng, snr=3.0)
    return Problem(
        name, X, y, "lasso",
        f"n >> p, uncentred unscaled features, {np.count_nonzero(coef)} true coefficients, SNR 3",
        coef,
    )


def _gen_wide(rng, n, p, name):
    # p >> n, features with a small common offset (uncentred), 20 true coefficients.
    X = np.asfortranarray(rng.standard_normal((n, p)))
    X += 0.5
    coef = _sparse_coef(rng, p, 20 if p >= 200 else max(3, p // 10))
    signal = X @ coef
    y = signal + _noise_for(signal - signal.mean(), rng, snr=3.0)
    return Problem(
        name, X, y, "lasso",
        f"p >> n, features offset by 0.5, {np.count_nonzero(coef)} true coefficients, SNR 3",
        coef,
    )


def _gen_corr(rng, n, p, name, rho=0.9):
    # Toeplitz covariance rho^|i-j| via an AR(1) recursion along the features:
    # x_0 = z_0, x_j = rho x_{j-1} + sqrt(1 - rho^2) z_j has exactly that covariance.
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p), order="F")
    X[:, 0] = Z[:, 0]
    c = np.sqrt(1.0 - rho * rho)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + c * Z[:, j]
    coef = _sparse_coef(rng, p, max(3, p // 100))
    signal = X @ coef
    y = signal + _noise_for(signal, rng, snr=3.0)
    return Problem(
        name, X, y, "lasso",
        f"Toeplitz correlation rho={rho}, {np.count_nonzero(coef)} true coefficients, SNR 3",
        coef,
    )


def _gen_sparse(rng, n, p, density, name):
    # CSC with positive (count-like, hence uncentred) values; duplicates summed.
    nnz = int(round(n * p * density))
    rows = rng.integers(0, n, size=nnz)
    cols = rng.integers(0, p, size=nnz)
    vals = rng.exponential(1.0, size=nnz)
    X = sp.csc_matrix((vals, (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    X.sort_indices()
    coef = _sparse_coef(rng, p, 50 if p >= 1000 else max(3, p // 20))
    signal = X @ coef
    y = signal + _noise_for(signal - signal.mean(), rng, snr=3.0)
    return Problem(
        name, X, y, "lasso",
        f"CSC density {density:g}, positive values, {np.count_nonzero(coef)} true coefficients",
        coef,
    )


def _gen_ridge(rng, n, p, name, offset):
    X = np.asfortranarray(rng.standard_normal((n, p)))
    if offset:
        X *= rng.uniform(0.5, 2.0, size=p)
        X += rng.uniform(-offset, offset, size=p)
    else:
        X = np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0))
    coef = rng.standard_normal(p)
    signal = X @ coef
    y = signal + 1.0 + _noise_for(signal - signal.mean(), rng, snr=2.0)
    what = f"uncentred features (offsets up to {offset:g})" if offset else "standardised features"
    return Problem(name, X, y, "ridge", f"{what}, dense true coefficients, SNR 2", coef)


def _gen_multitask(rng, n, p, n_tasks, name):
    """Uncentred, unscaled Gaussian features; ``k`` rows of W nonzero (shared
    by all tasks: the multi-task Lasso's model), SNR 5 per task, an
    intercept per task."""
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, size=p) + rng.uniform(-1, 1, size=p)
    X = np.asfortranarray(X)
    k = min(10, max(1, p // 4))
    W = np.zeros((p, n_tasks))
    W[rng.choice(p, k, replace=False)] = rng.standard_normal((k, n_tasks)) * 2
    signal = X @ W
    noise = rng.standard_normal((n, n_tasks)) * (signal - signal.mean(0)).std(0) / 5.0
    Y = signal + rng.standard_normal(n_tasks) + noise
    return Problem(name, X, Y, "multitask",
                   f"{n_tasks} tasks, {k} shared true features, uncentred features, SNR 5", W)


def _to_float32(base, name):
    """``base`` with ``X`` and ``y`` rounded to float32 (dense stays Fortran, sparse CSC)."""
    if sp.issparse(base.X):
        X = base.X.astype(np.float32)
    else:
        X = np.asfortranarray(base.X, dtype=np.float32)
    return Problem(name, X, base.y.astype(np.float32), base.family,
                   f"{base.name} rounded to float32 (X and y): {base.description}",
                   base.coef_true)


_GENERATORS = {
    "seed": _gen_seed,
    "tall": _gen_tall,
    "wide": _gen_wide,
    "corr": _gen_corr,
    "sparse": _gen_sparse,
    "ridge_small": lambda rng, n, p, name: _gen_ridge(rng, n, p, name, offset=0.0),
    "ridge_tall": lambda rng, n, p, name: _gen_ridge(rng, n, p, name, offset=10.0),
    "ridge_mid": lambda rng, n, p, name: _gen_ridge(rng, n, p, name, offset=5.0),
    "ridge_wide": lambda rng, n, p, name: _gen_ridge(rng, n, p, name, offset=1.0),
}

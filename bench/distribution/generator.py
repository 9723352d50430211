"""Seeded specs of the problem distribution and the data they describe.

A :class:`Spec` is everything that defines one benchmark problem: the
design (shape, correlation structure, feature scaling and offsets, dense or
sparse), the truth (fraction of nonzero coefficients, signal-to-noise
ratio) and the task (single Lasso / ElasticNet fit at a fraction of
``lambda_max``, a path with ``eps`` 1e-2 or 1e-3, or LassoCV). Its
:attr:`Spec.name` spells all of it out and :attr:`Spec.seed` seeds the data;
``make_problem(spec)`` returns the same arrays for the same spec on every
run.

:func:`draw` draws a size's specs from one master seed. Structures and task
kinds are assigned round-robin (5 structures x 4 kinds, coprime, so the
first 20 specs hold every combination and any 5 consecutive ones every
structure); shape, correlation strength, scaling, truth and noise are drawn
at random. Shapes: ``log n`` uniform on the size's range, ``log(n/p)``
uniform on [log 1/100, log 1000], then both shrunk by one factor (which
keeps n/p) until ``n * p`` fits the size's cell cap for the task kind;
``n`` never goes below the size's minimum, so at small sizes the widest
ratios are clipped (the spec records the shape it got).
"""

import math
from dataclasses import asdict, dataclass, replace

import numpy as np
import scipy.sparse as sp

from ..problems import Problem

__all__ = [
    "STRUCTURES",
    "SCALINGS",
    "TASK_KINDS",
    "SIZES",
    "MASTER_SEED",
    "Spec",
    "draw",
    "real_specs",
    "make_problem",
    "work_units",
]

#: Synthetic design structures (``real`` specs come from :func:`real_specs`).
STRUCTURES = ("independent", "ar1", "block", "lowrank", "sparse")
#: Feature scalings of dense designs; sparse designs are scaled or not (no offsets: they would densify).
SCALINGS = ("standardised", "unscaled", "uncentred", "raw")
SPARSE_SCALINGS = ("as-is", "unscaled")
TASK_KINDS = ("lasso", "enet", "path", "cv")

AR1_RHOS = (0.5, 0.9, 0.99)
BLOCK_RHOS = (0.5, 0.8, 0.95)
BLOCK_SIZES = (5, 20)
RANKS = (2, 5, 20)
LOWRANK_NOISE = 0.1  # sd of the noise added to the unit-scale low-rank design
DENSITIES = (1e-3, 1e-2, 5e-2)
SUPPORTS = (0.01, 0.05, 0.2, 1.0)  # fraction of features with a true nonzero (1.0: dense truth)
SNRS = (0.5, 2.0, 10.0, 100.0)
ALPHA_FRACTIONS = (0.5, 0.1, 0.02, 0.005)  # alpha / lambda_max for single fits
L1_RATIOS = (0.2, 0.5, 0.9)
EPSILONS = (1e-2, 1e-3)
N_ALPHAS = 100
MASTER_SEED = 20_260_020
RATIO_RANGE = (1e-2, 1e3)  # n / p

# Per size: how many synthetic specs, the range of n, and the largest n * p
# (dense cells; sparse: n * p * density * 20) per task kind. The caps keep
# the full size's protocol runs (a 1e-12 reference, a tolerance walk and
# the timed rounds, for two solvers) to a few hours: see bench/README.md.
# The largest dense X of the full size is 1e7 cells (80 MB; scikit-learn's
# centring copy doubles it); sparse X goes to about twice the dense n at density 1e-3.
SIZES = {
    "smoke": dict(count=8, n_range=(50, 200), cells={"single": 2e4, "path": 1e4, "cv": 4e3},
                  real=True),
    "default": dict(count=60, n_range=(50, 20_000),
                    cells={"single": 1e6, "path": 2.5e5, "cv": 5e4}, real=True),
    "full": dict(count=200, n_range=(50, 100_000),
                 cells={"single": 1e7, "path": 1e6, "cv": 2e5}, real=True),
}
MIN_FEATURES = 5


@dataclass(frozen=True)
class Spec:
    """One problem of the distribution (see the module docstring)."""

    structure: str
    n: int
    p: int
    task: str
    seed: int
    scaling: str = "standardised"
    rho: float = 0.0  # ar1 / block correlation
    block: int = 0  # block size (block)
    rank: int = 0  # lowrank
    density: float = 1.0  # sparse
    support: float = 0.05
    snr: float = 2.0
    alpha_frac: float = None  # lasso / enet: alpha = alpha_frac * lambda_max(l1_ratio)
    l1_ratio: float = 1.0
    eps: float = None  # path / cv
    n_alphas: int = N_ALPHAS
    dataset: str = None  # real

    @property
    def kind(self):
        """``single``, ``path`` or ``cv``."""
        return "single" if self.task in ("lasso", "enet") else self.task

    @property
    def design(self):
        if self.structure == "real":
            return f"real-{self.dataset}"
        if self.structure == "ar1":
            return f"ar1-{self.rho:g}"
        if self.structure == "block":
            return f"block{self.block}-{self.rho:g}"
        if self.structure == "lowrank":
            return f"lowrank{self.rank}"
        if self.structure == "sparse":
            return f"sparse-{self.density:g}"
        return self.structure

    @property
    def task_label(self):
        if self.task == "lasso":
            return f"lasso-a{self.alpha_frac:g}"
        if self.task == "enet":
            return f"enet{self.l1_ratio:g}-a{self.alpha_frac:g}"
        return f"{self.task}-eps{self.eps:g}"

    @property
    def name(self):
        """A stable, readable identifier: design, shape, scaling, truth, noise, task."""
        truth = "" if self.structure == "real" else f"_k{self.support:g}_snr{self.snr:g}"
        return (f"{self.design}_{self.n}x{self.p}_{self.scaling}{truth}_{self.task_label}")

    @property
    def id(self):
        return f"{self.name}@{self.seed}"

    def describe(self):
        """One line in words."""
        if self.structure == "real":
            return f"{self.dataset} ({self.n}x{self.p}, real, raw units); {self._what()}"
        words = {"independent": "iid Gaussian", "ar1": f"AR(1) rho={self.rho:g}",
                 "block": f"blocks of {self.block} at rho={self.rho:g}",
                 "lowrank": f"rank {self.rank} + noise {LOWRANK_NOISE:g}",
                 "sparse": f"sparse CSC density {self.density:g}"}[self.structure]
        return (f"{self.n}x{self.p} {words}, {self.scaling}, {self.support:.0%} true nonzeros, "
                f"SNR {self.snr:g}; {self._what()}")

    def _what(self):
        if self.task == "lasso":
            return f"Lasso at {self.alpha_frac:g} lambda_max"
        if self.task == "enet":
            return f"ElasticNet l1_ratio={self.l1_ratio:g} at {self.alpha_frac:g} lambda_max"
        if self.task == "path":
            return f"{self.n_alphas}-alpha path, eps={self.eps:g}"
        return f"LassoCV, {self.n_alphas} alphas, eps={self.eps:g}, 5 folds"

    def as_dict(self):
        d = asdict(self)
        d.update(name=self.name, id=self.id, kind=self.kind, description=self.describe())
        return d


def _seed_of(index, master):
    # Independent of everything drawn before: spec i's data seed depends on (master, i) only.
    return int(np.random.SeedSequence([master, index]).generate_state(1)[0])


def _shape(rng, n_range, cap, ratio_range=RATIO_RANGE):
    lo, hi = (math.log(v) for v in n_range)
    n = math.exp(rng.uniform(lo, hi))
    ratio = math.exp(rng.uniform(*(math.log(v) for v in ratio_range)))
    p = n / ratio
    if n * p > cap:
        shrink = math.sqrt(cap / (n * p))
        n, p = n * shrink, p * shrink
    n = max(n_range[0], n)
    p = max(MIN_FEATURES, min(p, cap / n))
    return int(round(n)), int(round(p))


def _task_fields(rng, task):
    if task == "lasso":
        return dict(alpha_frac=float(rng.choice(ALPHA_FRACTIONS)))
    if task == "enet":
        return dict(alpha_frac=float(rng.choice(ALPHA_FRACTIONS)),
                    l1_ratio=float(rng.choice(L1_RATIOS)))
    return dict(eps=float(rng.choice(EPSILONS)))


def draw(size="default", count=None, master_seed=MASTER_SEED, real=None):
    """The specs of one size: ``count`` synthetic ones (default: the size's) plus the real ones."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    conf = SIZES[size]
    count = conf["count"] if count is None else int(count)
    specs = []
    for i in range(count):
        rng = np.random.default_rng([master_seed, i, 1])
        structure = STRUCTURES[i % len(STRUCTURES)]
        task = TASK_KINDS[i % len(TASK_KINDS)]
        kind = "single" if task in ("lasso", "enet") else task
        fields = dict(structure=structure, task=task, seed=_seed_of(i, master_seed),
                      support=float(rng.choice(SUPPORTS)), snr=float(rng.choice(SNRS)),
                      **_task_fields(rng, task))
        cap = conf["cells"][kind]
        if structure == "sparse":
            fields["density"] = float(rng.choice(DENSITIES))
            # A sparse pass costs nnz, not n * p: allow a larger shape (a 20x denser budget).
            cap = cap / (fields["density"] * 20) if fields["density"] < 0.05 else cap
            fields["scaling"] = str(rng.choice(SPARSE_SCALINGS))
        else:
            fields["scaling"] = str(rng.choice(SCALINGS))
        n, p = _shape(rng, conf["n_range"], cap)
        if structure == "ar1":
            fields["rho"] = float(rng.choice(AR1_RHOS))
        elif structure == "block":
            fields["rho"] = float(rng.choice(BLOCK_RHOS))
            fields["block"] = int(min(rng.choice(BLOCK_SIZES), p))
        elif structure == "lowrank":
            fields["rank"] = int(min(rng.choice(RANKS), max(1, p // 2)))
        specs.append(Spec(n=n, p=p, **fields))
    if conf["real"] if real is None else real:
        specs.extend(real_specs(master_seed))
    return specs


# --------------------------------------------------------------------------
# real data: only what ships inside scikit-learn (nothing is downloaded)


def _load_real(dataset):
    """``(X, y)`` of a dataset bundled with scikit-learn, or None when it is not on disk."""
    if dataset == "diabetes":
        from sklearn.datasets import load_diabetes

        data = load_diabetes(scaled=False)  # raw units: uncentred, unscaled
        return np.asarray(data.data, dtype=np.float64), np.asarray(data.target, dtype=np.float64)
    if dataset == "california":
        from sklearn.datasets import fetch_california_housing

        try:
            data = fetch_california_housing(download_if_missing=False)
        except OSError:
            return None  # not cached: never download at benchmark time
        return np.asarray(data.data, dtype=np.float64), np.asarray(data.target, dtype=np.float64)
    raise ValueError(f"unknown dataset {dataset!r}")


REAL_DATASETS = ("diabetes", "california")


def real_specs(master_seed=MASTER_SEED, datasets=REAL_DATASETS):
    """One spec per task kind for every bundled dataset found on disk."""
    specs = []
    for d_index, dataset in enumerate(datasets):
        loaded = _load_real(dataset)
        if loaded is None:
            continue
        n, p = loaded[0].shape
        for t_index, task in enumerate(TASK_KINDS):
            fields = {"lasso": dict(alpha_frac=0.02), "enet": dict(alpha_frac=0.02, l1_ratio=0.5),
                      "path": dict(eps=1e-3), "cv": dict(eps=1e-3)}[task]
            specs.append(Spec(structure="real", dataset=dataset, n=n, p=p, task=task,
                              scaling="raw", support=math.nan, snr=math.nan,
                              seed=_seed_of(1000 + 10 * d_index + t_index, master_seed), **fields))
    return specs


# --------------------------------------------------------------------------
# the arrays


def _ar1(rng, n, p, rho):
    # x_0 = z_0, x_j = rho x_{j-1} + sqrt(1 - rho^2) z_j: covariance rho^|i-j| exactly.
    X = np.asfortranarray(rng.standard_normal((n, p)))
    c = math.sqrt(1.0 - rho * rho)
    for j in range(1, p):
        X[:, j] *= c
        X[:, j] += rho * X[:, j - 1]
    return X


def _block(rng, n, p, size, rho):
    # Within a block: x_j = sqrt(rho) f_b + sqrt(1 - rho) z_j, so corr = rho inside, 0 across.
    X = np.asfortranarray(rng.standard_normal((n, p)))
    X *= math.sqrt(1.0 - rho)
    for start in range(0, p, size):
        X[:, start:start + size] += math.sqrt(rho) * rng.standard_normal((n, 1))
    return X


def _lowrank(rng, n, p, rank):
    U = rng.standard_normal((n, rank))
    V = rng.standard_normal((rank, p)) / math.sqrt(rank)
    X = np.asfortranarray(U @ V)
    X += LOWRANK_NOISE * rng.standard_normal((n, p))
    return X


def _sparse(rng, n, p, density):
    # Positive, count-like values (hence uncentred); at least one entry per column.
    nnz = max(p, int(round(n * p * density)))
    rows = rng.integers(0, n, size=nnz)
    cols = np.concatenate([np.arange(p), rng.integers(0, p, size=nnz - p)])
    X = sp.csc_matrix((rng.exponential(1.0, size=nnz), (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    X.sort_indices()
    return X


def _design(spec, rng):
    n, p = spec.n, spec.p
    if spec.structure == "independent":
        return np.asfortranarray(rng.standard_normal((n, p)))
    if spec.structure == "ar1":
        return _ar1(rng, n, p, spec.rho)
    if spec.structure == "block":
        return _block(rng, n, p, spec.block, spec.rho)
    if spec.structure == "lowrank":
        return _lowrank(rng, n, p, spec.rank)
    if spec.structure == "sparse":
        return _sparse(rng, n, p, spec.density)
    raise ValueError(f"unknown structure {spec.structure!r}")


def _scale(X, spec, rng):
    """Apply the spec's scaling; returns ``(X, column scales)``."""
    p = X.shape[1]
    scales = np.ones(p)
    if spec.scaling in ("unscaled", "raw"):
        scales = 10.0 ** rng.uniform(-2.0, 2.0, size=p)  # four decades of feature scales
    if sp.issparse(X):
        return (X @ sp.diags(scales)).tocsc() if spec.scaling == "unscaled" else X, scales
    if spec.scaling == "standardised":
        sd = X.std(axis=0)
        X -= X.mean(axis=0)
        X /= np.where(sd > 0, sd, 1.0)
        return X, scales
    X *= scales
    if spec.scaling in ("uncentred", "raw"):
        X += rng.uniform(-10.0, 10.0, size=p) * scales
    return X, scales


def make_problem(spec):
    """The :class:`bench.problems.Problem` a spec describes (the same arrays for the same spec)."""
    if spec.structure == "real":
        loaded = _load_real(spec.dataset)
        if loaded is None:
            raise FileNotFoundError(f"dataset {spec.dataset!r} is not on disk")
        X, y = loaded
        return Problem(spec.id, np.asfortranarray(X), y, "lasso", spec.describe())
    rng = np.random.default_rng(spec.seed)
    X, scales = _scale(_design(spec, rng), spec, rng)
    n, p = X.shape
    k = max(1, min(p, int(round(spec.support * p))))
    coef = np.zeros(p)
    support = rng.choice(p, size=k, replace=False)
    # In units of each feature, so every true feature matters whatever its scale.
    coef[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(1.0, 3.0, size=k) / scales[support]
    signal = np.asarray(X @ coef).reshape(-1)
    sd = float(np.std(signal))
    noise = (sd / spec.snr if sd > 0 else 1.0) * rng.standard_normal(n)
    intercept = 3.0 if spec.scaling in ("uncentred", "raw") else 0.0
    y = signal + intercept + noise
    return Problem(spec.id, X, y, "lasso", spec.describe(), coef)


def work_units(spec):
    """A size measure of one spec's benchmark cost: entries of X touched per pass x fits.

    ``nnz`` (sparse) or ``n * p`` (dense) times the number of fits a task
    makes (1, ``n_alphas``, or ``(folds + 1) * n_alphas`` for CV). Used only
    to extrapolate a run's time from a measured sample.
    """
    cells = spec.n * spec.p * (spec.density if spec.structure == "sparse" else 1.0)
    fits = {"single": 1, "path": spec.n_alphas, "cv": 6 * spec.n_alphas}[spec.kind]
    return cells * fits


def with_shape(spec, n, p):
    """The same spec at another shape (tests use it to make tiny versions)."""
    return replace(spec, n=int(n), p=int(p), block=min(spec.block, p) if spec.block else 0,
                   rank=min(spec.rank, max(1, p // 2)) if spec.rank else 0)


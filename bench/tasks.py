"""What is solved on a problem, and how a result is scored.

Tasks (docs/design.md section 5 and issues 3-6):

- ``lasso``  : Lasso at ``alpha = lambda_max / 20`` with an intercept.
- ``enet``   : ElasticNet, ``l1_ratio = 0.5``, ``alpha = lambda_max(0.5) / 20``, intercept.
- ``path``   : 100-alpha Lasso path from ``lambda_max`` down to ``eps * lambda_max``
               (``eps = 1e-3`` when n >= p, ``1e-2`` when p > n, as in issue 5), no
               intercept, as scikit-learn's ``lasso_path`` (which has none): dense
               ``X`` and ``y`` are centred once beforehand (untimed), which makes it
               the same problem as the intercept one; sparse ``X`` is used as is.
               Scored at the worst alpha of the path.
- ``cv``     : LassoCV over the same 100 alphas (with intercept), 5 contiguous
               folds given explicitly so every solver sees the same splits. Scored
               by the final model's objective at the chosen ``alpha_``; choosing a
               different ``alpha_`` than the reference counts as not precise.
- ``ridge``  : Ridge at scikit-learn's default ``alpha = 1``, intercept.
- ``ridgecv``: RidgeCV (efficient leave-one-out) over 20 alphas ``n * logspace(-4, 1)``;
               scored like ``cv``.
- ``mtlasso``: MultiTaskLasso at ``alpha = alpha_max / 20`` (the group problem's
               ``max_j ||x_j^T (Y - Ybar)||_2 / n``), intercept (issue 18).
- ``mtcv``   : MultiTaskLassoCV over 100 alphas from that ``alpha_max`` (eps as for
               ``cv``), 5 contiguous folds; scored like ``cv``.
- ``boxpath``: the ``path`` task's problem and alphas under box constraints
               (glmnet's lower/upper limits, issue 21): ``0 <= w_j <= 1`` for even
               ``j``, ``-1 <= w_j <= 1`` for odd ``j`` (the true coefficients are
               1 to 3 in size, so the bounds bind). Scored like ``path``, with an
               infinite objective outside the box; compare with the ``path`` row of
               the same problem (the unbounded path at equal precision). Solvers
               whose path function has no bounds are skipped.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .protocol import (TARGET, TOL_GRID, Evaluation, alpha_grid, enet_objective, lambda_max,
                       ridge_objective)

__all__ = ["TASKS", "TASK_FAMILY", "CV_PROBLEMS", "BOX_PROBLEMS", "FLOAT32_TASKS", "TARGET_FLOAT32",
           "TOL_GRID_FLOAT32", "MAX_ITER_FLOAT32", "NotApplicable", "TaskSetup", "runs_on", "setup_task"]

TASKS = ("lasso", "enet", "path", "cv", "ridge", "ridgecv", "mtlasso", "mtcv", "boxpath")
TASK_FAMILY = {
    "lasso": "lasso",
    "enet": "lasso",
    "path": "lasso",
    "cv": "lasso",
    "ridge": "ridge",
    "ridgecv": "ridge",
    "mtlasso": "multitask",
    "mtcv": "multitask",
    "boxpath": "lasso",
}
#: LassoCV is run on these problems only (5 folds x 100 alphas is a lot of
#: fits; issue 5's target is on ``tall``).
CV_PROBLEMS = frozenset({"seed", "tall"})
#: The bounded path runs on these (one tall, one wide, one sparse problem).
BOX_PROBLEMS = frozenset({"tall", "wide", "sparse"})
N_ALPHAS = 100
N_FOLDS = 5
#: Tasks run on the float32 problems (issue 17's rows: single Lasso fit, path, Ridge).
FLOAT32_TASKS = frozenset({"lasso", "path", "ridge"})
#: Relative suboptimality a timed run must reach on the float32 rows, for
#: every solver there (the float64 ones too). scikit-learn's float32 solver
#: sums in float32, so its duality gap stalls near 1e-7 relative and 1e-6 in
#: objective is out of its reach on some rows; 1e-5 is still far below any
#: statistical error, and what is reached is printed beside each time.
TARGET_FLOAT32 = 1e-5
#: The tolerance walk on float32 rows stops at 1e-8: scikit-learn's float32
#: gap cannot certify less, and a tighter tol would run it to max_iter.
TOL_GRID_FLOAT32 = tuple(t for t in TOL_GRID if t >= 1e-8)
#: ``max_iter`` of the timed runs on float32 rows (all solvers): asked for a
#: tol below its reach, scikit-learn's float32 solver runs to ``max_iter``
#: (quick ``wide32`` path at tol 1e-7: 18 s with 10000, ten times that with
#: the usual 100000). The float64 reference runs keep 100000.
MAX_ITER_FLOAT32 = 10_000


class NotApplicable(Exception):
    """This task is not run on this problem."""


@dataclass
class TaskSetup:
    task: str
    problem: object
    X: object
    y: np.ndarray
    fit_intercept: bool = True
    alpha: float = None
    l1_ratio: float = 1.0
    alphas: np.ndarray = None
    eps: float = None
    cv: list = None
    n_jobs: int = 1
    max_iter: int = 100_000
    reference_max_iter: int = None  # float32 rows: max_iter of the float64 reference runs
    description: str = ""
    target: float = TARGET
    tol_grid: tuple = TOL_GRID
    lower: np.ndarray = None  # box constraints (boxpath), (n_features,)
    upper: np.ndarray = None
    X_eval: object = None  # float64 copy of a float32 X (the objectives are computed on it)
    y_eval: np.ndarray = None

    @property
    def is_float32(self):
        """Whether the solvers get a float32 ``X`` (a float32 problem)."""
        return self.X.dtype == np.float32

    def as_float64(self, **changes):
        """This setup on the same values in float64 (for reference runs and ``shrinkage-f64``)."""
        if self.X_eval is None:
            return dataclasses.replace(self, **changes) if changes else self
        return dataclasses.replace(self, X=self.X_eval, y=self.y_eval, **changes)

    def evaluate(self, fit):
        """Objective(s) of a :class:`solvers.Fit` for this task (an :class:`Evaluation`).

        Always in float64: on a float32 problem the objective is evaluated on
        ``X_eval``, ``y_eval`` (the same values in float64).
        """
        X = self.X if self.X_eval is None else self.X_eval
        y = self.y if self.y_eval is None else self.y_eval
        if self.task in ("mtlasso", "mtcv"):
            alpha, k = self.alpha, None
            if self.task == "mtcv":
                k = _alpha_index(self.alphas, fit.alpha)
                alpha = self.alphas[k] if k is not None else fit.alpha
            return Evaluation(np.array([multitask_objective(X, y, fit.coef, fit.intercept,
                                                            alpha)]), key=k)
        if self.task in ("lasso", "enet"):
            return Evaluation(np.array([enet_objective(
                X, y, fit.coef, fit.intercept, alpha=self.alpha, l1_ratio=self.l1_ratio)]))
        if self.task == "path":
            return Evaluation(path_objectives(X, y, fit.coefs, self.alphas))
        if self.task == "boxpath":
            return Evaluation(path_objectives(X, y, fit.coefs, self.alphas,
                                              lower=self.lower, upper=self.upper))
        if self.task == "ridge":
            return Evaluation(np.array([ridge_objective(X, y, fit.coef, fit.intercept,
                                                        alpha=self.alpha)]))
        if self.task in ("cv", "ridgecv"):
            k = _alpha_index(self.alphas, fit.alpha)
            alpha = self.alphas[k] if k is not None else fit.alpha
            if self.task == "cv":
                P = enet_objective(X, y, fit.coef, fit.intercept, alpha=alpha, l1_ratio=self.l1_ratio)
            else:
                P = ridge_objective(X, y, fit.coef, fit.intercept, alpha=alpha)
            return Evaluation(np.array([P]), key=k)
        raise ValueError(self.task)


def multitask_alpha_max(X, Y):
    """Smallest alpha at which the multi-task Lasso (with intercept) is zero."""
    Yc = Y - Y.mean(axis=0)
    return float(np.max(np.linalg.norm(np.asarray(X.T @ Yc), axis=1)) / X.shape[0])


def multitask_objective(X, Y, coef, intercept, alpha):
    """``1/(2n) ||Y - X W^T - b||_F^2 + alpha * sum_j ||W_:j||_2`` (``coef`` (T, p))."""
    coef = np.asarray(coef, dtype=np.float64)
    if coef.shape != (Y.shape[1], X.shape[1]):
        return np.inf
    R = Y - np.asarray(X @ coef.T) - np.asarray(intercept)
    return float(np.sum(R * R) / (2.0 * X.shape[0])
                 + alpha * np.sum(np.linalg.norm(coef, axis=0)))


def path_objectives(X, y, coefs, alphas, lower=None, upper=None):
    """Lasso objective (no intercept) at every alpha of a path; ``inf`` where a column is
    missing, or (given bounds) where it leaves the box ``lower <= w <= upper``."""
    coefs = np.asarray(coefs, dtype=np.float64)
    n = X.shape[0]
    out = np.full(len(alphas), np.inf)
    if coefs.ndim != 2 or coefs.shape[0] != X.shape[1]:
        return out
    k = min(coefs.shape[1], len(alphas))
    if k == 0:
        return out
    C = coefs[:, :k]
    R = y[:, None] - np.asarray(X @ C)
    out[:k] = np.einsum("ij,ij->j", R, R) / (2.0 * n) + np.asarray(alphas[:k]) * np.abs(C).sum(axis=0)
    if lower is not None:
        outside = np.any((C < np.asarray(lower)[:, None]) | (C > np.asarray(upper)[:, None]), axis=0)
        out[:k][outside] = np.inf
    return out


def _alpha_index(alphas, alpha):
    if alpha is None:
        return None
    hits = np.flatnonzero(np.isclose(alphas, alpha, rtol=1e-9, atol=0.0))
    return int(hits[0]) if hits.size else None


def _contiguous_folds(n, k=N_FOLDS):
    """scikit-learn's ``KFold(k)`` without shuffling, as explicit index arrays."""
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    idx = np.arange(n)
    folds, start = [], 0
    for size in sizes:
        test = idx[start : start + size]
        train = np.concatenate([idx[:start], idx[start + size :]])
        folds.append((train, test))
        start += size
    return folds


def runs_on(task, problem_name):
    """Whether ``task`` is run on the problem named ``problem_name``."""
    from .problems import family_of, is_float32

    if TASK_FAMILY[task] != family_of(problem_name):
        return False
    if is_float32(problem_name) and task not in FLOAT32_TASKS:
        return False
    if task == "boxpath":
        return problem_name in BOX_PROBLEMS
    return task != "cv" or problem_name in CV_PROBLEMS


def setup_task(task, problem, *, n_jobs=1, max_iter=100_000):
    """Data and parameters of ``task`` on ``problem``; raises :class:`NotApplicable`."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; known: {', '.join(TASKS)}")
    if TASK_FAMILY[task] != problem.family:
        raise NotApplicable(f"{task} is not run on {problem.family} problems")
    if problem.X.dtype == np.float32:
        if task not in FLOAT32_TASKS:
            raise NotApplicable(f"float32 problems run {', '.join(sorted(FLOAT32_TASKS))} only")
        setup = _setup_task(task, problem, n_jobs=n_jobs, max_iter=max_iter)
        # The solvers get float32 data (centred in float32 for a dense path:
        # that is the data); the harness judges on the same values in float64.
        X64 = setup.X.astype(np.float64) if sp.issparse(setup.X) else \
            np.asfortranarray(setup.X, dtype=np.float64)
        setup = dataclasses.replace(
            setup, X_eval=X64, y_eval=setup.y.astype(np.float64), target=TARGET_FLOAT32,
            tol_grid=TOL_GRID_FLOAT32, max_iter=min(max_iter, MAX_ITER_FLOAT32),
            reference_max_iter=max_iter,
            description=setup.description + f" [float32; target {TARGET_FLOAT32:g}]")
        return setup
    return _setup_task(task, problem, n_jobs=n_jobs, max_iter=max_iter)


def _setup_task(task, problem, *, n_jobs, max_iter):
    X, y = problem.X, problem.y
    n, p = X.shape
    common = dict(task=task, problem=problem, n_jobs=n_jobs, max_iter=max_iter)
    if task == "lasso":
        alpha = lambda_max(X, y) / 20
        return TaskSetup(X=X, y=y, alpha=alpha, **common,
                         description=f"Lasso, alpha = lambda_max/20 = {alpha:.4g}")
    if task == "enet":
        alpha = lambda_max(X, y, l1_ratio=0.5) / 20
        return TaskSetup(X=X, y=y, alpha=alpha, l1_ratio=0.5, **common,
                         description=f"ElasticNet l1_ratio=0.5, alpha = lambda_max/20 = {alpha:.4g}")
    if task == "path":
        eps = 1e-3 if n >= p else 1e-2
        if sp.issparse(X):
            Xp, yp = X, y
        else:
            Xp = np.asfortranarray(X - X.mean(axis=0))
            yp = y - y.mean()
        alphas = alpha_grid(lambda_max(Xp, yp, fit_intercept=False), N_ALPHAS, eps)
        return TaskSetup(X=Xp, y=yp, fit_intercept=False, alphas=alphas, eps=eps, **common,
                         description=f"Lasso path, {N_ALPHAS} alphas, eps={eps:g}, "
                                     + ("no intercept (sparse X as is)" if sp.issparse(X)
                                        else "centred data, no intercept"))
    if task == "boxpath":
        if problem.name not in BOX_PROBLEMS:
            raise NotApplicable(f"boxpath runs on {', '.join(sorted(BOX_PROBLEMS))} only")
        path = _setup_task("path", problem, n_jobs=n_jobs, max_iter=max_iter)
        lower = np.where(np.arange(p) % 2 == 0, 0.0, -1.0)
        return dataclasses.replace(
            path, task="boxpath", lower=lower, upper=np.ones(p),
            description=path.description + "; bounds 0 <= w_even <= 1, -1 <= w_odd <= 1")
    if task == "cv":
        if problem.name not in CV_PROBLEMS:
            raise NotApplicable(f"cv runs on {', '.join(sorted(CV_PROBLEMS))} only")
        eps = 1e-3 if n >= p else 1e-2
        alphas = alpha_grid(lambda_max(X, y), N_ALPHAS, eps)
        return TaskSetup(X=X, y=y, alphas=alphas, eps=eps, cv=_contiguous_folds(n), **common,
                         description=f"LassoCV, {N_ALPHAS} alphas, eps={eps:g}, {N_FOLDS} folds")
    if task == "ridge":
        return TaskSetup(X=X, y=y, alpha=1.0, **common, description="Ridge, alpha = 1")
    if task == "mtlasso":
        alpha = multitask_alpha_max(X, y) / 20
        return TaskSetup(X=X, y=y, alpha=alpha, **common,
                         description=f"MultiTaskLasso, {y.shape[1]} tasks, "
                                     f"alpha = alpha_max/20 = {alpha:.4g}")
    if task == "mtcv":
        eps = 1e-3 if n >= p else 1e-2
        alphas = alpha_grid(multitask_alpha_max(X, y), N_ALPHAS, eps)
        return TaskSetup(X=X, y=y, alphas=alphas, eps=eps, cv=_contiguous_folds(n), **common,
                         description=f"MultiTaskLassoCV, {y.shape[1]} tasks, {N_ALPHAS} "
                                     f"alphas, eps={eps:g}, {N_FOLDS} folds")
    if task == "ridgecv":
        alphas = n * np.logspace(-4, 1, 20)
        return TaskSetup(X=X, y=y, alphas=alphas, **common,
                         description="RidgeCV (leave-one-out), 20 alphas n*logspace(-4, 1)")
    raise AssertionError(task)

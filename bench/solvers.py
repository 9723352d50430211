"""The registry of solvers: one small adapter per (solver, task).

An adapter is a factory ``adapter(setup) -> fit`` where ``setup`` is a
:class:`tasks.TaskSetup` and ``fit(tol)`` runs the solver on the setup's data
at tolerance ``tol`` (``None``: the library's default, i.e. ``tol`` is not
passed) and returns a :class:`Fit`. All preparation (imports, choosing the
class) happens in the factory, so a timing covers the estimator's
construction and ``fit`` only -- what a user pays per call.

A solver whose module does not import is skipped with a note
(:func:`available_solvers`); an adapter raises :class:`Unavailable` when
the library lacks what the task needs (e.g. ``shrinkage.lasso_path`` before
it lands). So the harness runs with scikit-learn alone and picks up
shrinkage's estimators and the optional peers as they appear.

The meaning of ``tol`` differs between libraries (scikit-learn and
shrinkage: duality gap relative to ``||y - ybar||^2 / n``; celer: duality
gap; skglm: optimality violation; glmnet: coefficient change; glum:
gradient norm). The protocol never compares tolerances, only the
objectives they lead to.
"""

import importlib
import inspect
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Fit",
    "Unavailable",
    "SolverInfo",
    "REGISTRY",
    "available_solvers",
    "module_version",
]


@dataclass
class Fit:
    """A solver's answer, in the harness's terms."""

    coef: np.ndarray = None  # (n_features,) for a single alpha
    intercept: float = 0.0
    coefs: np.ndarray = None  # (n_features, n_alphas) for a path
    alpha: float = None  # the alpha chosen (CV tasks)


class Unavailable(Exception):
    """The solver's library lacks what this task needs."""


@dataclass
class SolverInfo:
    name: str
    module: str  # imported to decide availability
    adapters: dict  # task -> factory(setup) -> fit(tol) -> Fit
    default_tol: float = 1e-4  # None: the library's default is used by omitting tol
    tight_tol: float = 1e-12
    direct: frozenset = field(default_factory=frozenset)  # tasks solved without a tolerance
    install: str = ""
    reference: bool = True  # False: no tight reference run (too slow at very tight tol)
    float32_only: bool = False  # only on float32 problems (the shrinkage-f64 comparison)


def _kw(tol, name="tol"):
    return {} if tol is None else {name: tol}


def _accepts(func, name):
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def _float(x):
    return float(np.asarray(x).reshape(-1)[0]) if np.ndim(x) else float(x)


# --------------------------------------------------------------------------
# scikit-learn and shrinkage share an API (that is shrinkage's promise), so
# one set of adapters serves both, parametrised by the module.


def _single_estimator(mod, setup):
    if setup.l1_ratio == 1.0:
        if not hasattr(mod, "Lasso"):
            raise Unavailable(f"{mod.__name__}.Lasso not available yet")
        cls, extra = mod.Lasso, {}
    else:
        if not hasattr(mod, "ElasticNet"):
            raise Unavailable(f"{mod.__name__}.ElasticNet not available yet")
        cls, extra = mod.ElasticNet, {"l1_ratio": setup.l1_ratio}
    return cls, extra


def _sklike_single(modname):
    def factory(setup):
        mod = importlib.import_module(modname)
        cls, extra = _single_estimator(mod, setup)
        X, y = setup.X, setup.y
        params = dict(alpha=setup.alpha, fit_intercept=setup.fit_intercept, max_iter=setup.max_iter)
        params.update(extra)

        def fit(tol):
            m = cls(**params, **_kw(tol)).fit(X, y)
            return Fit(coef=m.coef_, intercept=_float(m.intercept_))

        return fit

    return factory


def _sklike_path(modname):
    def factory(setup):
        mod = importlib.import_module(modname)
        func = getattr(mod, "lasso_path", None)
        if func is None:
            raise Unavailable(f"{modname}.lasso_path not available yet")
        X, y, alphas = setup.X, setup.y, setup.alphas
        params = dict(alphas=alphas, max_iter=setup.max_iter)
        if _accepts(func, "fit_intercept"):
            params["fit_intercept"] = setup.fit_intercept

        def fit(tol):
            out = func(X, y, **params, **_kw(tol))
            return Fit(coefs=np.asarray(out[1]).reshape(X.shape[1], -1))

        return fit

    return factory


def _sklike_boxpath(modname):
    """``lasso_path`` with ``lower_bounds`` / ``upper_bounds`` (shrinkage; not in
    scikit-learn, whose path is then skipped)."""
    def factory(setup):
        mod = importlib.import_module(modname)
        func = getattr(mod, "lasso_path", None)
        if func is None or not _accepts(func, "lower_bounds"):
            raise Unavailable(f"{modname}.lasso_path has no lower_bounds / upper_bounds")
        X, y, alphas = setup.X, setup.y, setup.alphas
        params = dict(alphas=alphas, max_iter=setup.max_iter, fit_intercept=setup.fit_intercept,
                      lower_bounds=setup.lower, upper_bounds=setup.upper)

        def fit(tol):
            out = func(X, y, **params, **_kw(tol))
            return Fit(coefs=np.asarray(out[1]).reshape(X.shape[1], -1))

        return fit

    return factory


def _sklike_cv(modname):
    def factory(setup):
        mod = importlib.import_module(modname)
        cls = getattr(mod, "LassoCV", None)
        if cls is None:
            raise Unavailable(f"{modname}.LassoCV not available yet")
        X, y = setup.X, setup.y
        params = dict(
            alphas=setup.alphas, cv=setup.cv, fit_intercept=setup.fit_intercept, max_iter=setup.max_iter
        )
        if _accepts(cls, "n_jobs"):
            params["n_jobs"] = setup.n_jobs

        def fit(tol):
            m = cls(**params, **_kw(tol)).fit(X, y)
            return Fit(coef=m.coef_, intercept=_float(m.intercept_), alpha=float(m.alpha_))

        return fit

    return factory


def _sklike_ridge(modname):
    def factory(setup):
        mod = importlib.import_module(modname)
        cls = getattr(mod, "Ridge", None)
        if cls is None:
            raise Unavailable(f"{modname}.Ridge not available yet")
        X, y = setup.X, setup.y
        params = dict(alpha=setup.alpha, fit_intercept=setup.fit_intercept)

        def fit(tol):
            m = cls(**params).fit(X, y)
            return Fit(coef=m.coef_, intercept=_float(m.intercept_))

        return fit

    return factory


def _sklike_ridgecv(modname):
    def factory(setup):
        mod = importlib.import_module(modname)
        cls = getattr(mod, "RidgeCV", None)
        if cls is None:
            raise Unavailable(f"{modname}.RidgeCV not available yet")
        X, y = setup.X, setup.y
        params = dict(alphas=setup.alphas, fit_intercept=setup.fit_intercept)

        def fit(tol):
            m = cls(**params).fit(X, y)
            return Fit(coef=m.coef_, intercept=_float(m.intercept_), alpha=_float(m.alpha_))

        return fit

    return factory


def _sklike_multitask(modname, cv):
    def factory(setup):
        mod = importlib.import_module(modname)
        name = "MultiTaskLassoCV" if cv else "MultiTaskLasso"
        cls = getattr(mod, name, None)
        if cls is None:
            raise Unavailable(f"{modname}.{name} not available yet")
        X, y = setup.X, setup.y
        params = dict(fit_intercept=setup.fit_intercept, max_iter=setup.max_iter)
        if cv:
            params.update(alphas=setup.alphas, cv=setup.cv, n_jobs=setup.n_jobs)
        else:
            params.update(alpha=setup.alpha)

        def fit(tol):
            m = cls(**params, **_kw(tol)).fit(X, y)
            return Fit(coef=m.coef_, intercept=np.asarray(m.intercept_),
                       alpha=float(m.alpha_) if cv else None)

        return fit

    return factory


def _sklike(modname):
    return {
        "mtlasso": _sklike_multitask(modname, cv=False),
        "mtcv": _sklike_multitask(modname, cv=True),
        "lasso": _sklike_single(modname),
        "enet": _sklike_single(modname),
        "path": _sklike_path(modname),
        "boxpath": _sklike_boxpath(modname),
        "cv": _sklike_cv(modname),
        "ridge": _sklike_ridge(modname),
        "ridgecv": _sklike_ridgecv(modname),
    }


def _as_float64(adapters):
    """The adapters run on the float64 copy of a float32 problem's data.

    ``shrinkage-f64``: shrinkage on the same values as the float32 row, in
    float64 -- what the float32 support saves is read off side by side. The
    cast happens in the factory, outside every timing.
    """
    def wrap(factory):
        def wrapped(setup):
            if setup.X_eval is None:  # X_eval: the float64 copy a float32 problem has
                raise Unavailable("only on float32 problems")
            return factory(setup.as_float64())

        return wrapped

    return {task: wrap(f) for task, f in adapters.items()}


# --------------------------------------------------------------------------
# The Ridge floor: what any Cholesky Ridge must at least do (Gram by syrk,
# Cholesky factor and solve), in plain SciPy. Issue 4 asks shrinkage.Ridge
# to stay within 1.2x of it.


def _floor_ridge(setup):
    import scipy.sparse as sp
    from scipy.linalg import blas, cho_factor, cho_solve

    X, y, alpha = setup.X, setup.y, setup.alpha
    if sp.issparse(X):
        raise Unavailable("the floor is dense-only")
    X = np.asfortranarray(X)
    n, p = X.shape
    # in X's precision: on a float32 problem the floor is ssyrk + spotrf
    syrk = blas.ssyrk if X.dtype == np.float32 else blas.dsyrk

    def fit(tol):
        if setup.fit_intercept:
            xbar = X.mean(axis=0)
            ybar = y.mean()
        else:
            xbar = np.zeros(p)
            ybar = 0.0
        yc = y - ybar
        if n >= p:
            # (X - 1 xbar^T)^T (X - 1 xbar^T) = X^T X - n xbar xbar^T
            G = syrk(1.0, X, trans=1, lower=1)
            G -= n * np.outer(xbar, xbar)
            G.flat[:: p + 1] += alpha
            rhs = X.T @ yc  # sum(yc) = 0, so no xbar correction
            w = cho_solve(cho_factor(G, lower=True, overwrite_a=True, check_finite=False), rhs,
                          check_finite=False)
        else:
            # kernel form: Kc = H X X^T H, c = (Kc + alpha I)^-1 yc, w = Xc^T c
            K = syrk(1.0, X, trans=0, lower=1)
            K = np.tril(K) + np.tril(K, -1).T
            m = K.mean(axis=0)
            K -= m[:, None]
            K -= m[None, :]
            K += m.mean()
            K.flat[:: n + 1] += alpha
            c = cho_solve(cho_factor(K, lower=True, overwrite_a=True, check_finite=False), yc,
                          check_finite=False)
            w = X.T @ c - xbar * c.sum()
        return Fit(coef=w, intercept=float(ybar - xbar @ w))

    return fit


# --------------------------------------------------------------------------
# peers


def _celer_single(setup):
    import celer

    X, y = setup.X, setup.y
    if setup.l1_ratio == 1.0:
        cls, extra = celer.Lasso, {}
    else:
        cls, extra = celer.ElasticNet, {"l1_ratio": setup.l1_ratio}
    params = dict(alpha=setup.alpha, fit_intercept=setup.fit_intercept,
                  max_epochs=max(50_000, setup.max_iter), **extra)

    def fit(tol):
        m = cls(**params, **_kw(tol)).fit(X, y)
        return Fit(coef=m.coef_, intercept=_float(m.intercept_))

    return fit


def _celer_path(setup):
    import celer

    X, y, alphas = setup.X, setup.y, setup.alphas
    if setup.fit_intercept:
        raise Unavailable("celer_path fits no intercept")

    def fit(tol):
        out = celer.celer_path(X, y, "lasso", alphas=alphas, max_epochs=max(50_000, setup.max_iter),
                               **_kw(tol))
        return Fit(coefs=np.asarray(out[1]))

    return fit


def _celer_cv(setup):
    import celer

    X, y = setup.X, setup.y
    params = dict(alphas=setup.alphas, cv=setup.cv, fit_intercept=setup.fit_intercept,
                  max_epochs=max(50_000, setup.max_iter), n_jobs=setup.n_jobs)

    def fit(tol):
        m = celer.LassoCV(**params, **_kw(tol)).fit(X, y)
        return Fit(coef=m.coef_, intercept=_float(m.intercept_), alpha=float(m.alpha_))

    return fit


def _skglm_single(setup):
    import skglm

    X, y = setup.X, setup.y
    if setup.l1_ratio == 1.0:
        cls, extra = skglm.Lasso, {}
    else:
        cls, extra = skglm.ElasticNet, {"l1_ratio": setup.l1_ratio}
    params = dict(alpha=setup.alpha, fit_intercept=setup.fit_intercept,
                  max_epochs=max(50_000, setup.max_iter), **extra)

    def fit(tol):
        m = cls(**params, **_kw(tol)).fit(X, y)
        return Fit(coef=m.coef_, intercept=_float(m.intercept_))

    return fit


def _skglm_path(setup):
    import skglm

    X, y, alphas = setup.X, setup.y, setup.alphas

    def fit(tol):
        est = skglm.Lasso(fit_intercept=setup.fit_intercept, max_epochs=max(50_000, setup.max_iter),
                          **_kw(tol))
        out = est.path(X, y, alphas)
        return Fit(coefs=np.asarray(out[1]))

    return fit


def _glmnet_single(setup):
    import glmnet

    X, y = setup.X, setup.y
    # glmnet scales y to unit variance inside, which leaves the l1 term as
    # stated but divides the l2 term by sd(y): a1 = lam*mix, a2 = lam*(1-mix)/sd(y)
    # (checked against the KKT conditions). Map scikit-learn's (alpha, l1_ratio).
    a, r = setup.alpha, setup.l1_ratio
    lam = a * r + a * (1.0 - r) * float(np.std(y))
    params = dict(alpha=a * r / lam, lambda_path=np.array([lam]), standardize=False,
                  fit_intercept=setup.fit_intercept, max_iter=setup.max_iter, n_splits=0)

    def fit(tol):
        m = glmnet.ElasticNet(**params, **_kw(tol)).fit(X, y)
        return Fit(coef=m.coef_path_[:, 0], intercept=float(m.intercept_path_[0]))

    return fit


def _glmnet_path(setup):
    import glmnet

    X, y = setup.X, setup.y
    params = dict(alpha=1.0, lambda_path=np.asarray(setup.alphas), standardize=False,
                  fit_intercept=setup.fit_intercept, max_iter=setup.max_iter, n_splits=0)

    def fit(tol):
        m = glmnet.ElasticNet(**params, **_kw(tol)).fit(X, y)
        return Fit(coefs=np.asarray(m.coef_path_))  # fewer columns if glmnet stopped early

    return fit


def _glum_guard(setup):
    # glum is a general GLM library; its coordinate descent takes seconds to
    # minutes per fit on sparse and p > n problems (a single path fit on the
    # quick sparse problem: 6 min), which no budget can interrupt in-process.
    import scipy.sparse as sp

    n, p = setup.X.shape
    if sp.issparse(setup.X) or p > n:
        raise Unavailable("glum runs on dense n >= p problems only (minutes per fit otherwise)")


def _glum_single(setup):
    import glum

    _glum_guard(setup)
    X, y = setup.X, setup.y
    params = dict(family="normal", alpha=setup.alpha, l1_ratio=setup.l1_ratio,
                  fit_intercept=setup.fit_intercept, max_iter=1000)

    def fit(tol):
        m = glum.GeneralizedLinearRegressor(**params, **_kw(tol, "gradient_tol")).fit(X, y)
        return Fit(coef=m.coef_, intercept=_float(m.intercept_))

    return fit


def _glum_path(setup):
    import glum

    _glum_guard(setup)
    X, y = setup.X, setup.y
    params = dict(family="normal", alpha_search=True, alphas=np.asarray(setup.alphas), l1_ratio=1.0,
                  fit_intercept=setup.fit_intercept, max_iter=1000)

    def fit(tol):
        m = glum.GeneralizedLinearRegressor(**params, **_kw(tol, "gradient_tol")).fit(X, y)
        return Fit(coefs=np.asarray(m.coef_path_).T)

    return fit


#: Every solver the harness knows, scikit-learn (the baseline) first.
REGISTRY = [
    SolverInfo("sklearn", "sklearn.linear_model", _sklike("sklearn.linear_model"),
               direct=frozenset({"ridge", "ridgecv"}), install="pip install scikit-learn"),
    SolverInfo("shrinkage", "shrinkage", _sklike("shrinkage"),
               direct=frozenset({"ridge", "ridgecv"}), install="pip install ."),
    SolverInfo("shrinkage-f64", "shrinkage", _as_float64(_sklike("shrinkage")),
               direct=frozenset({"ridge", "ridgecv"}), float32_only=True,
               install="pip install . (shrinkage on float64 copies, float32 problems only)"),
    SolverInfo("floor", "scipy.linalg", {"ridge": _floor_ridge}, direct=frozenset({"ridge"}),
               install="(SciPy: syrk + Cholesky, the lower bound for a Cholesky Ridge)"),
    SolverInfo("celer", "celer", {"lasso": _celer_single, "enet": _celer_single,
                                  "path": _celer_path, "cv": _celer_cv},
               install="pip install celer"),
    SolverInfo("skglm", "skglm", {"lasso": _skglm_single, "enet": _skglm_single,
                                  "path": _skglm_path},
               install="pip install skglm"),
    SolverInfo("glmnet", "glmnet", {"lasso": _glmnet_single, "enet": _glmnet_single,
                                    "path": _glmnet_path},
               default_tol=None, tight_tol=1e-14, install="pip install python-glmnet"),
    SolverInfo("glum", "glum", {"lasso": _glum_single, "enet": _glum_single, "path": _glum_path},
               default_tol=None, install="pip install glum",
               # gradient_tol=1e-12 can take minutes (7 min on the quick wide path):
               # glum is judged against the others' reference instead.
               reference=False),
]


def module_version(modname):
    """``__version__`` of an importable top-level module, or None."""
    try:
        mod = importlib.import_module(modname.split(".")[0])
    except Exception:
        return None
    return getattr(mod, "__version__", "?")


def available_solvers(names=None, registry=None):
    """``(solvers, notes)``: the registry entries whose module imports, and why others don't."""
    registry = REGISTRY if registry is None else registry
    found, notes = [], []
    for info in registry:
        if names is not None and info.name not in names:
            continue
        try:
            importlib.import_module(info.module)
        except Exception as exc:
            notes.append(f"skipping {info.name}: import {info.module} failed "
                         f"({type(exc).__name__}: {exc}); install: {info.install}")
            continue
        found.append(info)
    return found, notes

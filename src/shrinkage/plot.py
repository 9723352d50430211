"""Pictures of l1 and l2 regularisation, drawn from real solutions.

Coefficient paths, cross-validation curves, coefficient bars and the
constraint geometry (the l1 diamond and the l2 disc), all computed by
shrinkage's solvers; the penalty surfaces (the l1 cone, the l2 bowl) in 3-D
and the Gaussian and Laplace prior densities whose posterior modes are Ridge
and the Lasso. Needs matplotlib, an optional dependency::

    pip install "shrinkage[plot]"

Every function draws on ``ax`` when one is given (nothing else on its figure
is touched) and otherwise on a new ``pyplot`` figure, and returns
``(fig, ax)``. Inputs are never modified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


try:
    import matplotlib  # noqa: F401  (fails early, with the install hint)
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        'shrinkage.plot needs matplotlib, an optional dependency: '
        'pip install "shrinkage[plot]"'
    ) from exc

import numbers

import numpy as np
from matplotlib import colors as mpl_colors
from matplotlib.axes import Axes
from matplotlib.patches import Circle, Polygon

from ._constrained import constrained_least_squares
from ._cv import ElasticNetCV
from ._exceptions import not_fitted_error
from ._path import enet_path
from ._ridge_estimators import LinearRegression, ridge_path
from ._validation import check_X_y

__all__ = ["plot_path", "plot_cv", "plot_coefficients", "plot_constraint_geometry",
           "plot_penalty_surface", "plot_prior_densities"]

# One colour per model family, the same in every figure.
LASSO_COLOR = "tab:blue"
RIDGE_COLOR = "tab:orange"
ZERO_COLOR = "0.75"
# Ridge path grid: this many decades either side of the mean eigenvalue of
# the centred Gram, from practically least squares to practically zero.
_RIDGE_DECADES = 3.0


# ----------------------------------------------------------------------
# shared helpers
# ----------------------------------------------------------------------

def _new_axes(ax, n_panels=1, figsize=None):
    """(fig, axes) to draw on: the caller's, checked, or a new pyplot figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, n_panels, figsize=figsize, layout="constrained",
                                 squeeze=False)
        axes = tuple(axes[0])
        return fig, axes[0] if n_panels == 1 else axes
    if n_panels == 1:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}.")
        return ax.figure, ax
    axes = tuple(ax) if not isinstance(ax, Axes) and np.ndim(ax) == 1 else ()
    if len(axes) != n_panels or not all(isinstance(a, Axes) for a in axes):
        raise TypeError(f"ax must be a sequence of {n_panels} matplotlib Axes here "
                        f"(one per panel), got {ax!r}.")
    return axes[0].figure, axes


def _feature_names(feature_names, n_features, default=None):
    if feature_names is None:
        feature_names = default
    if feature_names is None:
        return [f"x{j}" for j in range(n_features)]
    names = [str(name) for name in feature_names]
    if len(names) != n_features:
        raise ValueError(f"feature_names has {len(names)} names for {n_features} "
                         "features.")
    return names


def _feature_colors(n_features):
    import matplotlib as mpl

    cmap = mpl.colormaps["tab10" if n_features <= 10 else "tab20"]
    return [cmap(j % cmap.N) for j in range(n_features)]


def _path_arrays(path, name):
    """(alphas, coefs) of a ``lasso_path``/``enet_path``/``ridge_path`` result."""
    if not isinstance(path, (tuple, list)) or len(path) < 2:
        raise TypeError(f"{name} must be the (alphas, coefs, ...) tuple returned by "
                        f"lasso_path, enet_path or ridge_path, got {type(path).__name__}.")
    alphas = np.asarray(path[0], dtype=np.float64)
    coefs = np.asarray(path[1], dtype=np.float64)
    if alphas.ndim != 1 or alphas.size == 0:
        raise ValueError(f"{name}: alphas must be a non-empty 1-D array, got shape "
                         f"{alphas.shape}.")
    if coefs.ndim != 2 or coefs.shape[1] != alphas.size:
        raise ValueError(f"{name}: coefs must have shape (n_features, n_alphas) = "
                         f"(n_features, {alphas.size}) (one target), got {coefs.shape}.")
    if not np.all(np.isfinite(alphas)) or np.any(alphas <= 0):
        raise ValueError(f"{name}: alphas must be finite and > 0 to be drawn on a log "
                         "scale.")
    return alphas, coefs


def _draw_paths(ax, alphas, coefs, names, title):
    order = np.argsort(alphas)
    for j, (name, color) in enumerate(zip(names, _feature_colors(len(names)))):
        ax.plot(alphas[order], coefs[j, order], color=color, lw=1.6, label=name)
    ax.axhline(0.0, color="0.5", lw=0.8, zorder=0)
    ax.set_xscale("log")
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("coefficient")
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)


def _cv_curve(estimator, func):
    """(alphas, fold MSEs (n_alphas, n_folds), label) of a fitted CV estimator."""
    fitted = all(hasattr(estimator, a) for a in ("alphas_", "mse_path_", "alpha_"))
    if not fitted:
        if hasattr(estimator, "coef_"):
            # fitted, but with no per-fold errors along a path (e.g. RidgeCV)
            raise TypeError(
                f"{func} draws the fold errors along an alpha path (mse_path_ "
                f"over alphas_) of LassoCV or ElasticNetCV; a fitted "
                f"{type(estimator).__name__} records none.")
        if isinstance(estimator, ElasticNetCV) or (
                hasattr(estimator, "fit") and type(estimator).__name__.endswith("CV")):
            raise not_fitted_error(
                f"{func} needs a fitted {type(estimator).__name__}: call fit(X, y) "
                "first.")
        raise TypeError(f"{func} needs a fitted LassoCV or ElasticNetCV, got "
                        f"{type(estimator).__name__}.")
    alphas = np.asarray(estimator.alphas_, dtype=np.float64)
    mse = np.asarray(estimator.mse_path_, dtype=np.float64)
    l1_ratio = getattr(estimator, "l1_ratio_", 1.0)
    if mse.ndim == 3:
        # several l1_ratios: the curve of the selected one
        if not hasattr(estimator, "l1_ratio_"):
            raise TypeError(f"{func}: {type(estimator).__name__}.mse_path_ is 3-D but "
                            "has no l1_ratio_ to pick a curve; pass a fitted LassoCV "
                            "or ElasticNetCV.")
        i = int(np.argmin(np.abs(np.atleast_1d(estimator.l1_ratio) - l1_ratio)))
        mse = mse[i]
        alphas = alphas[i] if alphas.ndim == 2 else alphas
    if mse.ndim != 2 or alphas.ndim != 1 or mse.shape[0] != alphas.size:
        raise ValueError(f"{func}: expected mse_path_ of shape (n_alphas, n_folds) "
                         f"matching alphas_, got {mse.shape} and {alphas.shape}.")
    name = "Lasso" if l1_ratio == 1.0 else f"Elastic net (l1_ratio={l1_ratio:g})"
    return alphas, mse, name


# ----------------------------------------------------------------------
# public functions
# ----------------------------------------------------------------------

def plot_path(path, X=None, y=None, *, ridge=False, feature_names=None, title=None,
              ax=None) -> tuple[Figure, Any]:
    """Coefficient paths against alpha on a log scale.

    Each feature's coefficient as a function of the penalty: the Lasso's
    paths leave zero one by one as alpha decreases (and are piecewise
    linear), Ridge's shrink all coefficients smoothly and none is ever zero.

    Parameters
    ----------
    path : tuple or fitted LassoCV / ElasticNetCV
        Either the ``(alphas, coefs, ...)`` tuple returned by
        :func:`shrinkage.lasso_path`, :func:`shrinkage.enet_path` or
        :func:`shrinkage.ridge_path` for one target, or a fitted
        :class:`shrinkage.LassoCV` / :class:`shrinkage.ElasticNetCV`. The
        estimator's path on its ``alphas_`` (selected ``l1_ratio_``) is
        recomputed from ``X, y`` with its settings, and ``alpha_`` and
        ``alpha_1se_`` are marked.
    X : array-like of shape (n_samples, n_features), optional
        Training data; needed with an estimator and with ``ridge=True``.
    y : array-like of shape (n_samples,), optional
        Training targets, as ``X``.
    ridge : bool or tuple, default=False
        Draw a Ridge path in a second panel, side by side: a
        :func:`shrinkage.ridge_path` result, or True to compute one from
        ``X, y`` on 100 alphas spanning three decades either side of the
        mean eigenvalue of the centred Gram (from practically least squares
        to practically zero).
    feature_names : sequence of str, optional
        Legend labels; default the estimator's ``feature_names_in_`` or
        ``x0, x1, ...``.
    title : str, optional
        Title of the (first) panel; default "Lasso" or "Elastic net" for an
        estimator, "Coefficient path" for a tuple.
    ax : matplotlib Axes, or a pair of Axes when ``ridge``, optional
        Where to draw; a new figure by default.

    Returns
    -------
    fig : matplotlib Figure
    ax : Axes, or a tuple ``(ax_path, ax_ridge)`` when ``ridge``

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import lasso_path, ridge_path
    >>> from shrinkage.plot import plot_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X @ [2.0, -1.0, 0.0, 0.0, 0.5] + 0.3 * rng.standard_normal(100)
    >>> fig, ax = plot_path(lasso_path(X, y, fit_intercept=True), title="Lasso")
    >>> len(ax.get_lines()) - 1                # one line per feature, and y = 0
    5
    >>> fig, (ax1, ax2) = plot_path(lasso_path(X, y), X, y, ridge=True)
    >>> ax2.get_title()
    'Ridge'
    """
    estimator = None if isinstance(path, (tuple, list)) else path
    if estimator is not None and not hasattr(estimator, "fit"):
        raise TypeError("path must be the (alphas, coefs, ...) tuple returned by "
                        "lasso_path, enet_path or ridge_path, or a fitted LassoCV or "
                        f"ElasticNetCV; got {type(path).__name__}.")
    default_names = None
    marks = []
    if estimator is not None:
        cv_alphas, _, name = _cv_curve(estimator, "plot_path")
        if X is None or y is None:
            raise ValueError("plot_path: pass the training X and y with a fitted "
                             f"{type(estimator).__name__} (its path is recomputed).")
        X, y = check_X_y(X, y, estimator="plot_path", multi_output=False)
        if X.shape[1] != estimator.n_features_in_:
            raise ValueError(f"plot_path: X has {X.shape[1]} features, but "
                             f"{type(estimator).__name__} was fitted with "
                             f"{estimator.n_features_in_}.")
        alphas, coefs, _ = enet_path(
            X, y, l1_ratio=getattr(estimator, "l1_ratio_", 1.0), alphas=cv_alphas,
            fit_intercept=estimator.fit_intercept,
            positive=getattr(estimator, "positive", False),
            penalty_factor=getattr(estimator, "penalty_factor", None),
            # A drawn path should be the path itself: at the default tol
            # (1e-4 of ||y||^2 / n) coefficients can be off by a few percent,
            # which shows as steps in the curves.
            tol=min(estimator.tol, 1e-8), max_iter=max(estimator.max_iter, 10_000))
        default_names = getattr(estimator, "feature_names_in_", None)
        marks.append((estimator.alpha_, "--", f"alpha_ = {estimator.alpha_:.3g} (min)"))
        if hasattr(estimator, "alpha_1se_"):
            marks.append((estimator.alpha_1se_, ":",
                          f"alpha_1se_ = {estimator.alpha_1se_:.3g} (1-SE)"))
        title = name if title is None else title
    else:
        alphas, coefs = _path_arrays(path, "path")
        title = "Coefficient path" if title is None else title
    names = _feature_names(feature_names, coefs.shape[0], default_names)

    ridge_arrays = None
    if ridge is True:
        if X is None or y is None:
            raise ValueError("plot_path: ridge=True needs X and y.")
        X, y = check_X_y(X, y, estimator="plot_path", multi_output=False)
        centred_sq = np.sum(np.var(X, axis=0)) * X.shape[0]   # trace of the centred Gram
        scale = max(centred_sq / X.shape[1], np.finfo(float).tiny)
        grid = scale * np.logspace(-_RIDGE_DECADES, _RIDGE_DECADES, 100)
        ridge_arrays = _path_arrays(ridge_path(X, y, grid), "ridge")
    elif ridge is not False:
        ridge_arrays = _path_arrays(ridge, "ridge")
    if ridge_arrays is not None and ridge_arrays[1].shape[0] != coefs.shape[0]:
        raise ValueError(f"plot_path: the Ridge path has {ridge_arrays[1].shape[0]} "
                         f"features, the path {coefs.shape[0]}.")

    n_panels = 1 if ridge_arrays is None else 2
    fig, axes = _new_axes(ax, n_panels, figsize=(5.0 * n_panels + 1.5, 4.2))
    first = axes if n_panels == 1 else axes[0]
    _draw_paths(first, alphas, coefs, names, title)
    for alpha, style, label in marks:
        first.axvline(alpha, color="k", ls=style, lw=1.2, label=label)
    if ridge_arrays is not None:
        _draw_paths(axes[1], *ridge_arrays, names, "Ridge")
    # Outside the (last) panel: paths fill their axes from edge to edge.
    last = axes if n_panels == 1 else axes[1]
    handles, labels = first.get_legend_handles_labels()
    last.legend(handles, labels, fontsize="small", loc="upper left",
                bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return fig, axes


def plot_cv(estimator, *, ax=None) -> tuple[Figure, Any]:
    """Cross-validation error against alpha, with the selected alphas marked.

    The mean held-out MSE over folds with one-standard-error bars
    (``std(ddof=1) / sqrt(n_folds)``), ``alpha_`` (the minimum, dashed) and
    ``alpha_1se_`` (glmnet's one-standard-error rule: the largest alpha
    whose mean error is within one standard error of the minimum, dotted),
    and the threshold that rule uses.

    Parameters
    ----------
    estimator : fitted LassoCV or ElasticNetCV
        With several ``l1_ratio`` values, the curve of the selected
        ``l1_ratio_`` is drawn. scikit-learn's estimators of the same names
        work too (without ``alpha_1se_``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    fig : matplotlib Figure
    ax : matplotlib Axes

    Raises
    ------
    NotFittedError
        If the estimator is not fitted.
    TypeError
        If it is not a cross-validated elastic net.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import LassoCV
    >>> from shrinkage.plot import plot_cv
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 5))
    >>> y = X @ [2.0, -1.0, 0.0, 0.0, 0.5] + 0.3 * rng.standard_normal(100)
    >>> model = LassoCV(cv=5).fit(X, y)
    >>> fig, ax = plot_cv(model)
    >>> ax.get_xscale()
    'log'
    """
    alphas, mse, name = _cv_curve(estimator, "plot_cv")
    n_folds = mse.shape[1]
    mean = mse.mean(axis=1)
    se = mse.std(axis=1, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else np.zeros_like(mean)
    fig, ax = _new_axes(ax, figsize=(6.0, 4.2))
    ax.errorbar(alphas, mean, yerr=se, color=LASSO_COLOR, ecolor="0.6", elinewidth=0.8,
                capsize=2, marker="o", ms=3, lw=1.2,
                label=f"mean of {n_folds} folds \u00b1 1 SE")
    best = int(np.argmin(mean))
    ax.axvline(estimator.alpha_, color="k", ls="--", lw=1.2,
               label=f"alpha_ = {estimator.alpha_:.3g} (min)")
    if hasattr(estimator, "alpha_1se_"):
        ax.axvline(estimator.alpha_1se_, color="k", ls=":", lw=1.5,
                   label=f"alpha_1se_ = {estimator.alpha_1se_:.3g} (1-SE rule)")
        ax.axhline(mean[best] + se[best], color="0.5", ls=":", lw=1.0,
                   label="min + 1 SE")
    # Log scales: the error grows by orders of magnitude towards lambda_max,
    # and the minimum it is about would be a flat line otherwise.
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("held-out mean squared error (log scale)")
    ax.set_title(f"{name}: {n_folds}-fold cross-validation")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return fig, ax


def plot_coefficients(models, *, true_coef=None, feature_names=None, ax=None) -> tuple[Figure, Any]:
    """Grouped coefficient bars of several fitted models, exact zeros greyed.

    Parameters
    ----------
    models : mapping or sequence
        ``{label: model}``, or a sequence of models (labelled by class name);
        a model is a fitted estimator with a 1-D ``coef_`` or a 1-D array of
        coefficients. All have the same number of features.
    true_coef : array-like of shape (n_features,), optional
        True weights, drawn as black ticks across each feature's group.
    feature_names : sequence of str, optional
        Tick labels; default the first model's ``feature_names_in_`` or
        ``x0, x1, ...``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    fig : matplotlib Figure
    ax : matplotlib Axes
        One bar per (model, feature), in model order; coefficients that are
        exactly zero are grey bars of height 0 marked by a grey dot.

    Examples
    --------
    Fitted models and plain coefficient arrays mix:

    >>> from shrinkage import Lasso
    >>> from shrinkage.plot import plot_coefficients
    >>> X = [[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [2.0, 0.0, 1.0]]
    >>> y = [2.0, -1.0, 1.0, 4.0]
    >>> models = {"Lasso": Lasso(alpha=0.5).fit(X, y), "guess": [2.0, -1.0, 0.1]}
    >>> fig, ax = plot_coefficients(models, true_coef=[2.0, -1.0, 0.0])
    >>> len(ax.patches)                       # one bar per model and feature
    6
    """
    if isinstance(models, dict):
        items = list(models.items())
    elif isinstance(models, (list, tuple)):
        items = [(type(m).__name__, m) for m in models]
    else:
        raise TypeError("models must be a dict {label: model} or a sequence of models, "
                        f"got {type(models).__name__}.")
    if not items:
        raise ValueError("models is empty: pass at least one model.")
    labels, coefs = [], []
    for label, model in items:
        if hasattr(model, "fit") and not hasattr(model, "coef_"):
            raise not_fitted_error(f"plot_coefficients: {label!r} is not fitted: call "
                                   "fit(X, y) first.")
        coef = np.asarray(getattr(model, "coef_", model), dtype=np.float64)
        if coef.ndim != 1:
            raise ValueError(f"plot_coefficients: {label!r} has coefficients of shape "
                             f"{coef.shape}; one target (1-D) is expected.")
        labels.append(str(label))
        coefs.append(coef)
    p = coefs[0].size
    if any(c.size != p for c in coefs):
        raise ValueError("plot_coefficients: the models have different numbers of "
                         f"features: {[c.size for c in coefs]}.")
    if true_coef is not None:
        true_coef = np.asarray(true_coef, dtype=np.float64)
        if true_coef.shape != (p,):
            raise ValueError(f"true_coef must have shape ({p},), got {true_coef.shape}.")
    first = items[0][1]
    names = _feature_names(feature_names, p, getattr(first, "feature_names_in_", None))

    fig, ax = _new_axes(ax, figsize=(min(max(6.0, 0.25 * p * len(coefs) + 2), 14.0), 4.2))
    import matplotlib as mpl

    palette = mpl.colormaps["tab10"]
    x = np.arange(p)
    width = 0.8 / len(coefs)
    zeros_x = []
    for m, (label, coef) in enumerate(zip(labels, coefs)):
        centres = x - 0.4 + width * (m + 0.5)
        is_zero = coef == 0.0
        colors = [ZERO_COLOR if z else palette(m % palette.N) for z in is_zero]
        ax.bar(centres, coef, width, color=colors, label=label, edgecolor="none")
        zeros_x.extend(centres[is_zero])
    if zeros_x:
        ax.scatter(zeros_x, np.zeros(len(zeros_x)), s=12, color="0.55", zorder=3,
                   label="exactly 0")
    if true_coef is not None:
        ax.hlines(true_coef, x - 0.45, x + 0.45, colors="k", lw=1.8, label="true")
    ax.axhline(0.0, color="0.5", lw=0.8, zorder=0)
    ax.set_xticks(x, names)
    ax.set_xlim(-0.6, p - 0.4)
    ax.set_ylabel("coefficient")
    ax.set_title("Coefficients" + (" (grey dots: exactly zero)" if zeros_x else ""))
    ax.grid(True, axis="y", alpha=0.3)
    # The legend shows each model's colour even when its first bar is a zero.
    handles = [mpl.patches.Patch(color=palette(m % palette.N), label=label)
               for m, label in enumerate(labels)]
    extra = [h for h, lab in zip(*ax.get_legend_handles_labels())
             if lab in ("exactly 0", "true")]
    ax.legend(handles=handles + extra, fontsize="small", ncol=2)
    return fig, ax


def plot_constraint_geometry(X, y, budget=None, *, fit_intercept=True,
                             feature_names=None, ax=None) -> tuple[Figure, Any]:
    """The l1 diamond and the l2 disc of one budget, with the solvers' optima.

    For a two-feature least-squares problem: the contours of the residual
    sum of squares (ellipses around the least-squares solution), the sets
    ``||w||_1 <= t`` (diamond) and ``||w||_2 <= t`` (disc), and the exact
    constrained optima, each computed by shrinkage's solvers (the penalised
    :class:`shrinkage.Lasso` and :class:`shrinkage.Ridge` at the alpha whose
    solution has norm ``t``, found by a root search). The first contour to
    touch the diamond often does so at a corner, where one coefficient is
    exactly zero; the disc has no corners.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
    budget : float, optional
        The budget ``t`` of both constraints, in (0, ||w_ols||_2) so that both
        bind; default half the l2 norm of the least-squares solution.
    fit_intercept : bool, default=True
        Leave an intercept unconstrained (contours of the centred problem).
    feature_names : sequence of 2 str, optional
        Axis labels; default ``x0, x1``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    fig : matplotlib Figure
    ax : matplotlib Axes
        The optima are its lines labelled "least squares ...", "Lasso ..."
        and "Ridge ...".

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.plot import plot_constraint_geometry
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 2))
    >>> y = X @ [3.0, 1.0] + 0.1 * rng.standard_normal(100)
    >>> fig, ax = plot_constraint_geometry(X, y, budget=1.5)
    >>> lasso = next(line for line in ax.get_lines() if line.get_label().startswith("Lasso"))
    >>> lasso.get_xydata().round(12)
    array([[1.5, 0. ]])
    """
    X, y = check_X_y(X, y, estimator="plot_constraint_geometry", multi_output=False)
    if X.shape[1] != 2:
        raise ValueError("plot_constraint_geometry draws two-feature problems: X must "
                         f"have 2 columns, got {X.shape[1]}.")
    names = _feature_names(feature_names, 2)
    ols = LinearRegression(fit_intercept=fit_intercept).fit(X, y).coef_
    if budget is None:
        budget = 0.5 * float(np.linalg.norm(ols))
        if not budget > 0.0:
            raise ValueError(
                "plot_constraint_geometry: the least-squares solution is zero "
                "(y is constant or orthogonal to X), so no budget binds and "
                "there is nothing to draw.")
    if not isinstance(budget, numbers.Real) or isinstance(budget, bool):
        raise TypeError(f"budget must be a real number, got {budget!r}.")
    lasso, ridge = (constrained_least_squares(X, y, budget, norm=norm,
                                              fit_intercept=fit_intercept).coef
                    for norm in ("l1", "l2"))
    t = float(budget)

    # RSS(w) - RSS(w_ols) = (w - w_ols)^T G (w - w_ols), G the centred Gram.
    Xc = X - X.mean(axis=0) if fit_intercept else X
    gram = Xc.T @ Xc
    lo = np.minimum(-t, ols) - 0.25 * t
    hi = np.maximum(t, ols) + 0.25 * t
    # The contour grid covers a square around the view: an equal aspect may
    # widen the limits (adjustable="datalim") to fill the axes box.
    centre, half = (lo + hi) / 2, (hi - lo).max()
    g0, g1 = np.meshgrid(np.linspace(centre[0] - half, centre[0] + half, 500),
                         np.linspace(centre[1] - half, centre[1] + half, 500))
    d0, d1 = g0 - ols[0], g1 - ols[1]
    excess = gram[0, 0] * d0 ** 2 + 2 * gram[0, 1] * d0 * d1 + gram[1, 1] * d1 ** 2

    def excess_at(w):
        d = w - ols
        return float(d @ gram @ d)

    touching = sorted({excess_at(lasso), excess_at(ridge)})
    levels = sorted(set(np.concatenate([touching[0] * np.array([0.15, 0.45]),
                                        touching, [touching[-1] * 1.8]])))
    fig, ax = _new_axes(ax, figsize=(8.0, 4.6))
    ax.contour(g0, g1, excess, levels=levels, colors="0.6", linewidths=0.8)
    # The contour each optimum lies on, in its model's colour: tangent there.
    for w, color in ((lasso, LASSO_COLOR), (ridge, RIDGE_COLOR)):
        ax.contour(g0, g1, excess, levels=[excess_at(w)], colors=color,
                   linewidths=1.2, linestyles="--")
    # Frame the constraint sets and the least-squares point, not the grid.
    ax.ignore_existing_data_limits = True
    ax.update_datalim([lo, hi])
    ax.add_patch(Polygon([(t, 0), (0, t), (-t, 0), (0, -t)], closed=True,
                         facecolor=(*mpl_colors.to_rgb(LASSO_COLOR), 0.22),
                         edgecolor=LASSO_COLOR, lw=2.0,
                         label=f"|w0| + |w1| \u2264 t = {t:.3g}"))
    ax.add_patch(Circle((0, 0), t, facecolor="none", edgecolor=RIDGE_COLOR, lw=2.0,
                        label="w0\u00b2 + w1\u00b2 \u2264 t\u00b2"))
    fmt = "({:.3g}, {:.3g})".format
    ax.plot(*ols, "o", color="k", ms=7, label=f"least squares {fmt(*ols)}")
    ax.plot(*lasso, "D", color=LASSO_COLOR, mec="k", ms=8, label=f"Lasso {fmt(*lasso)}")
    ax.plot(*ridge, "o", color=RIDGE_COLOR, mec="k", ms=8, label=f"Ridge {fmt(*ridge)}")
    ax.axhline(0.0, color="0.5", lw=0.8, zorder=0)
    ax.axvline(0.0, color="0.5", lw=0.8, zorder=0)
    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.set_xlabel(f"w0 (coefficient of {names[0]})")
    ax.set_ylabel(f"w1 (coefficient of {names[1]})")
    ax.set_title("One budget t: l1 diamond vs l2 disc, RSS contours")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0),
              borderaxespad=0.0)
    return fig, ax


def _new_axes_3d(ax, figsize):
    """(fig, (ax_l1, ax_l2)): the caller's pair of 3-D Axes, checked, or a new figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=figsize, layout="constrained")
        return fig, tuple(fig.add_subplot(1, 2, k, projection="3d") for k in (1, 2))
    axes = tuple(ax) if not isinstance(ax, Axes) and np.ndim(ax) == 1 else ()
    if len(axes) != 2 or not all(isinstance(a, Axes) and a.name == "3d" for a in axes):
        raise TypeError("ax must be a sequence of 2 matplotlib 3-D Axes (made with "
                        f"projection='3d'), one per penalty, got {ax!r}.")
    return axes[0].figure, axes


def plot_penalty_surface(X=None, y=None, *, extent=None, fit_intercept=True,
                         feature_names=None, ax=None) -> tuple[Figure, Any]:
    """The l1 and l2 penalty surfaces over ``(w0, w1)``, side by side in 3-D.

    ``|w0| + |w1|`` is a cone with four edges (a square pyramid standing on
    its tip): it is not differentiable where a coefficient is zero, and
    those creases, drawn in black, are where the Lasso's exact zeros come
    from. ``w0^2 + w1^2`` is a smooth bowl, flat at its bottom, with no
    creases at all. The contours of each surface are projected on the floor:
    the l1 diamonds and the l2 circles of :func:`plot_constraint_geometry`.

    With a two-feature problem ``X, y``, each panel also shows its loss
    surface, ``(RSS(w) - RSS(w_ols)) / n`` (grey mesh, drawn up to the top of
    the box), its contours on the floor and the least-squares point: the
    penalised fit minimises loss plus alpha times penalty, a compromise
    between the mesh's bottom and the penalty's tip.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2), optional
        A two-feature problem whose loss surface is drawn too.
    y : array-like of shape (n_samples,), optional
        Its targets; given with ``X`` or not at all.
    extent : float, optional
        The grid is ``[-extent, extent]^2``; default 1, or with ``X, y``
        1.25 times the largest least-squares coefficient in absolute value.
    fit_intercept : bool, default=True
        With ``X, y``: leave an intercept free (the loss of the centred
        problem).
    feature_names : sequence of 2 str, optional
        Axis labels; default ``x0, x1``.
    ax : pair of matplotlib 3-D Axes, optional
        Where to draw (made with ``projection="3d"``); a new figure by
        default.

    Returns
    -------
    fig : matplotlib Figure
    ax : tuple ``(ax_l1, ax_l2)`` of 3-D Axes
        Each holds the penalty surface (the first ``Poly3DCollection``),
        and, with ``X, y``, the loss surface and a point labelled
        "least squares ...".

    Examples
    --------
    >>> from shrinkage.plot import plot_penalty_surface
    >>> fig, (ax1, ax2) = plot_penalty_surface(extent=2.0)
    >>> ax1.get_zlabel(), ax2.get_zlabel()
    ('penalty |w0| + |w1|', 'penalty w0² + w1²')
    >>> [line.get_label() for line in ax1.get_lines()]     # the cone's edges
    ['edge: w0 = 0', 'edge: w1 = 0']
    """
    if (X is None) != (y is None):
        raise ValueError("plot_penalty_surface: pass both X and y (a two-feature "
                         "problem) or neither.")
    names = _feature_names(feature_names, 2)
    ols = gram = None
    if X is not None:
        X, y = check_X_y(X, y, estimator="plot_penalty_surface", multi_output=False)
        if X.shape[1] != 2:
            raise ValueError("plot_penalty_surface draws two-feature problems: X must "
                             f"have 2 columns, got {X.shape[1]}.")
        ols = LinearRegression(fit_intercept=fit_intercept).fit(X, y).coef_
        Xc = X - X.mean(axis=0) if fit_intercept else X
        gram = Xc.T @ Xc / X.shape[0]
    if extent is None:
        largest = 0.0 if ols is None else float(np.max(np.abs(ols)))
        extent = 1.25 * largest if largest > 0 else 1.0
    if not isinstance(extent, numbers.Real) or isinstance(extent, bool):
        raise TypeError(f"extent must be a real number, got {extent!r}.")
    if not (0 < extent < np.inf):
        raise ValueError(f"extent must be positive and finite, got {extent!r}.")
    e = float(extent)

    # An odd number of grid lines puts one on each axis: the l1 creases are
    # mesh lines, drawn sharp rather than smoothed over by a facet.
    g = np.linspace(-e, e, 41)
    g[g.size // 2] = 0.0
    w0, w1 = np.meshgrid(g, g)
    panels = (("l1", np.abs(w0) + np.abs(w1), LASSO_COLOR, "|w0| + |w1|",
               "l1 penalty: a cone with edges"),
              ("l2", w0 ** 2 + w1 ** 2, RIDGE_COLOR, "w0\u00b2 + w1\u00b2",
               "l2 penalty: a smooth bowl"))
    fig, axes = _new_axes_3d(ax, figsize=(11.0, 5.0))
    for axis, (norm, z, color, formula, title) in zip(axes, panels):
        top = float(z.max())
        axis.plot_surface(w0, w1, z, color=color, alpha=0.55, linewidth=0.2,
                          edgecolor=color, rstride=2, cstride=2, label=formula)
        axis.contour(w0, w1, z, levels=np.linspace(0, top, 9)[1:-1], zdir="z", offset=0.0,
                     colors=color, linewidths=0.9)
        if norm == "l1":
            # the creases: profiles through the tip along each axis
            axis.plot(np.zeros_like(g), g, np.abs(g), color="k", lw=2.0,
                      label="edge: w0 = 0")
            axis.plot(g, np.zeros_like(g), np.abs(g), color="k", lw=2.0,
                      label="edge: w1 = 0")
        if ols is not None:
            d0, d1 = w0 - ols[0], w1 - ols[1]
            excess = gram[0, 0] * d0 ** 2 + 2 * gram[0, 1] * d0 * d1 + gram[1, 1] * d1 ** 2
            # Only the part of the loss bowl inside the box: it grows far
            # beyond the penalty towards the corners.
            shown = np.where(excess <= top, excess, np.nan)
            axis.plot_wireframe(w0, w1, shown, color="0.35", linewidth=0.5, rstride=2,
                                cstride=2, label="(RSS(w) - RSS(w_ols)) / n")
            axis.contour(w0, w1, excess, levels=np.linspace(0, top, 9)[1:-1],
                         zdir="z", offset=0.0, colors="0.45", linewidths=0.6)
            axis.plot([ols[0]], [ols[1]], [0.0], "o", color="k", ms=6,
                      label=f"least squares ({ols[0]:.3g}, {ols[1]:.3g})")
            axis.set_zlim(0.0, top)
        axis.set_xlabel(f"w0 ({names[0]})")
        axis.set_ylabel(f"w1 ({names[1]})")
        axis.set_zlabel(f"penalty {formula}")
        axis.set_title(title)
        axis.view_init(elev=24, azim=-58)
        if ols is not None:
            axis.legend(fontsize="small", loc="upper left")
    return fig, axes


def plot_prior_densities(tau, b, *, coef=None, coef_label="weights", ax=None) -> tuple[Figure, Any]:
    """The Gaussian and Laplace prior densities whose MAP estimates are Ridge and the Lasso.

    ``N(0, tau^2)``: density ``exp(-w^2 / (2 tau^2)) / (tau sqrt(2 pi))``;
    ``Laplace(0, b)``: density ``exp(-|w| / b) / (2 b)``. On a log scale
    (left) the log densities are minus the penalties, up to constants: a
    parabola (Ridge) and a V (the Lasso). On a linear scale close to zero
    (right), the Laplace density has a kink at 0, the Gaussian a smooth top.
    :func:`shrinkage.prior_scale_from_alpha` gives the ``tau`` and ``b`` of
    a fitted alpha.

    Parameters
    ----------
    tau : float
        Standard deviation of the Gaussian prior, positive and finite.
    b : float
        Scale of the Laplace prior (standard deviation ``sqrt(2) b``),
        positive and finite.
    coef : array-like of shape (n_features,), optional
        Weights to mark against the priors, e.g. the true or fitted
        coefficients: black ticks along the bottom of the left panel.
    coef_label : str, default="weights"
        The legend label of those ticks.
    ax : pair of matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    fig : matplotlib Figure
    ax : tuple ``(ax_log, ax_zoom)``
        The left panel spans four of the wider prior's standard deviations
        either side of 0 (more if a ``coef`` lies further out), the right one
        four of the narrower's; in each, the
        lines labelled "Gaussian ..." and "Laplace ..." are the densities.

    Examples
    --------
    >>> from shrinkage.plot import plot_prior_densities
    >>> fig, (ax_log, ax_zoom) = plot_prior_densities(1.0, 0.5)
    >>> ax_log.get_yscale(), ax_zoom.get_yscale()
    ('log', 'linear')
    >>> [text.get_text() for text in ax_log.get_legend().get_texts()]
    ['Gaussian N(0, 1²)', 'Laplace(0, 0.5)']
    """
    scales = []
    for name, value in (("tau", tau), ("b", b)):
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(f"{name} must be a real number, got {value!r}.")
        if not (0 < value < np.inf):
            raise ValueError(f"{name} must be positive and finite, got {value!r}.")
        scales.append(float(value))
    tau, b = scales
    sds = (tau, np.sqrt(2.0) * b)
    if coef is not None:
        coef = np.asarray(coef, dtype=np.float64)
        if coef.ndim != 1 or not np.all(np.isfinite(coef)):
            raise ValueError("coef must be a 1-D array of finite weights, got shape "
                             f"{coef.shape}.")

    def gaussian(w):
        return np.exp(-0.5 * (w / tau) ** 2) / (tau * np.sqrt(2.0 * np.pi))

    def laplace(w):
        return np.exp(-np.abs(w) / b) / (2.0 * b)

    fig, axes = _new_axes(ax, 2, figsize=(11.0, 4.2))
    wide = 4.0 * max(sds)
    if coef is not None:
        wide = max(wide, 1.05 * float(np.abs(coef).max(initial=0.0)))
    panels = ((axes[0], wide, "log",
               "log scale: log density = \u2212penalty + const"),
              (axes[1], 4.0 * min(sds), "linear", "near 0: the Laplace kink"))
    for axis, half, scale, title in panels:
        w = np.linspace(-half, half, 2001)
        w[w.size // 2] = 0.0     # exactly: the Laplace density's peak is drawn
        axis.plot(w, gaussian(w), color=RIDGE_COLOR, lw=1.8,
                  label=f"Gaussian N(0, {tau:.3g}\u00b2)")
        axis.plot(w, laplace(w), color=LASSO_COLOR, lw=1.8, label=f"Laplace(0, {b:.3g})")
        axis.axvline(0.0, color="0.5", lw=0.8, zorder=0)
        axis.set_yscale(scale)
        axis.set_xlim(-half, half)
        axis.set_xlabel("weight w_j")
        axis.set_ylabel("prior density" + (" (log scale)" if scale == "log" else ""))
        axis.set_title(title)
        axis.grid(True, alpha=0.3)
    # The log panel's floor: a tenth of the wider prior's density at the
    # edge, so its curve shows whole (a narrower prior's V drops through it),
    # and no more than 12 decades below the peak.
    wider = gaussian if sds[0] >= sds[1] else laplace
    peak = max(gaussian(0.0), laplace(0.0))
    axes[0].set_ylim(max(0.1 * wider(wide), 1e-12 * peak), 2.0 * peak)
    axes[1].set_ylim(0.0, 1.08 * peak)
    if coef is not None:
        axes[0].plot(coef, np.zeros(coef.size), "|", color="k", ms=14, mew=1.5,
                     transform=axes[0].get_xaxis_transform(), clip_on=False,
                     label=str(coef_label))
    axes[0].legend(fontsize="small", loc="upper right")
    return fig, axes

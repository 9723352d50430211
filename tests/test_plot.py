"""shrinkage.plot under the Agg backend: what each figure holds (lines, bars,
markers at the right places, the solvers' numbers), input validation, no
mutation of inputs, the docstring examples, and the optional import."""

import doctest
import os
import subprocess
import sys

import numpy as np
import pytest

if os.environ.get("CI"):
    import matplotlib  # CI installs the test extra: never skip the plots there
else:
    matplotlib = pytest.importorskip("matplotlib", reason='pip install "shrinkage[plot]"')
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import shrinkage.plot  # noqa: E402
from shrinkage import (  # noqa: E402
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LinearRegression,
    NotFittedError,
    RelaxedLassoCV,
    Ridge,
    enet_path,
    lasso_path,
    ridge_path,
)
from shrinkage._constrained import constrained_least_squares  # noqa: E402
from shrinkage.plot import (  # noqa: E402
    plot_coefficients,
    plot_constraint_geometry,
    plot_cv,
    plot_path,
    plot_penalty_surface,
    plot_prior_densities,
)

N_FEATURES = 6
TRUE = np.array([3.0, -2.0, 1.5, 0.0, 0.0, 0.0])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, N_FEATURES))
    y = X @ TRUE + 0.5 * rng.standard_normal(120)
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y


@pytest.fixture(scope="module")
def lasso_cv(data):
    return LassoCV(cv=4).fit(*data)


def _feature_lines(ax):
    return [line for line in ax.get_lines() if line.get_label().startswith("x")]


def _vertical_at(ax, x):
    return [line for line in ax.get_lines()
            if np.shape(line.get_xdata()) == (2,) and np.all(np.asarray(line.get_xdata()) == x)
            and line.get_label()[0] != "_"]


def _png(fig, path):
    fig.savefig(path)
    content = path.read_bytes()
    assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 10_000
    return content


# ----------------------------------------------------------------------
# plot_path
# ----------------------------------------------------------------------

def test_path_tuple_draws_each_coefficient(data, tmp_path):
    X, y = data
    alphas, coefs, _ = lasso_path(X, y, fit_intercept=True, alphas=30)
    fig, ax = plot_path((alphas, coefs, None), title="Lasso")
    lines = _feature_lines(ax)
    assert [line.get_label() for line in lines] == [f"x{j}" for j in range(N_FEATURES)]
    order = np.argsort(alphas)
    for j, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_xdata(), alphas[order])
        np.testing.assert_array_equal(line.get_ydata(), coefs[j, order])
    assert ax.get_xscale() == "log" and ax.get_title() == "Lasso"
    assert "alpha" in ax.get_xlabel()
    _png(fig, tmp_path / "path.png")


def test_path_from_cv_estimator_marks_selected_alphas(data, lasso_cv):
    X, y = data
    fig, ax = plot_path(lasso_cv, X, y)
    # The drawn path is the exact path (to 1e-6), not the estimator's
    # default-tolerance approximation of it (off by ~1e-2 here).
    expected = lasso_path(X, y, alphas=lasso_cv.alphas_, fit_intercept=True,
                          tol=1e-14, max_iter=100_000)[1]
    order = np.argsort(lasso_cv.alphas_)
    lines = _feature_lines(ax)
    assert len(lines) == N_FEATURES
    for j, line in enumerate(lines):
        np.testing.assert_allclose(line.get_ydata(), expected[j, order], atol=1e-6)
    assert len(_vertical_at(ax, lasso_cv.alpha_)) == 1
    assert len(_vertical_at(ax, lasso_cv.alpha_1se_)) == 1
    assert ax.get_title() == "Lasso"
    labels = ax.get_legend_handles_labels()[1]
    assert any(lab.startswith("alpha_ =") for lab in labels)
    assert any(lab.startswith("alpha_1se_ =") for lab in labels)


def test_path_from_elastic_net_cv_uses_its_l1_ratio(data):
    X, y = data
    model = ElasticNetCV(l1_ratio=[0.3, 0.9], cv=3, alphas=20).fit(X, y)
    fig, ax = plot_path(model, X, y)
    i = [0.3, 0.9].index(model.l1_ratio_)
    expected = enet_path(X, y, l1_ratio=model.l1_ratio_, alphas=model.alphas_[i],
                         fit_intercept=True, tol=1e-14, max_iter=100_000)[1]
    order = np.argsort(model.alphas_[i])
    for j, line in enumerate(_feature_lines(ax)):
        np.testing.assert_allclose(line.get_ydata(), expected[j, order], atol=1e-6)
    assert "Elastic net" in ax.get_title()


def test_path_side_by_side_with_ridge(data, tmp_path):
    X, y = data
    fig, (ax_l, ax_r) = plot_path(lasso_path(X, y, fit_intercept=True), X, y, ridge=True)
    assert ax_r.get_title() == "Ridge" and ax_r.get_xscale() == "log"
    ridge_lines = _feature_lines(ax_r)
    assert len(ridge_lines) == N_FEATURES == len(_feature_lines(ax_l))
    alphas = ridge_lines[0].get_xdata()
    assert alphas.size == 100
    coefs = ridge_path(X, y, alphas)[1]
    for j, line in enumerate(ridge_lines):
        np.testing.assert_allclose(line.get_ydata(), coefs[j], rtol=1e-10, atol=1e-14)
    # From practically least squares to practically zero, and never exactly 0.
    ols = LinearRegression().fit(X, y).coef_
    np.testing.assert_allclose(coefs[:, 0], ols, atol=1e-2)
    assert np.abs(coefs[:, -1]).max() < 1e-2 * np.abs(ols).max()
    assert np.all(coefs != 0)
    _png(fig, tmp_path / "paths.png")


def test_path_ridge_tuple_and_given_axes(data):
    X, y = data
    fig = Figure()
    axes = fig.subplots(1, 2)
    ridge = ridge_path(X, y, [0.1, 1.0, 10.0])
    out_fig, out_axes = plot_path(lasso_path(X, y), ridge=ridge, ax=axes)
    assert out_fig is fig and tuple(out_axes) == tuple(axes)
    np.testing.assert_array_equal(_feature_lines(axes[1])[0].get_xdata(), [0.1, 1.0, 10.0])
    single = Figure().subplots()
    out_fig, out_ax = plot_path(lasso_path(X, y), ax=single)
    assert out_ax is single and len(_feature_lines(single)) == N_FEATURES


def test_path_feature_names(data, lasso_cv):
    X, y = data
    names = list("abcdef")
    fig, ax = plot_path(lasso_path(X, y), feature_names=names)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:N_FEATURES] == names


def test_path_errors(data, lasso_cv):
    X, y = data
    alphas, coefs, _ = lasso_path(X, y, alphas=10)
    with pytest.raises(ValueError, match="pass the training X and y"):
        plot_path(lasso_cv)
    with pytest.raises(ValueError, match="X has 5 features"):
        plot_path(lasso_cv, X[:, :5], y)
    with pytest.raises(NotFittedError, match="fit"):
        plot_path(LassoCV(), X, y)
    with pytest.raises(TypeError, match="LassoCV or ElasticNetCV"):
        plot_path(Lasso(alpha=0.1).fit(X, y), X, y)
    with pytest.raises(ValueError, match="one target"):
        plot_path(lasso_path(X, np.column_stack([y, y])))
    with pytest.raises(ValueError, match="> 0"):
        plot_path((np.r_[alphas[:-1], 0.0], coefs))
    with pytest.raises(TypeError, match="tuple returned by"):
        plot_path("lasso")
    with pytest.raises(ValueError, match="feature_names has 2 names"):
        plot_path((alphas, coefs), feature_names=["a", "b"])
    with pytest.raises(ValueError, match="needs X and y"):
        plot_path((alphas, coefs), ridge=True)
    with pytest.raises(ValueError, match="Ridge path has 2 features"):
        plot_path((alphas, coefs), ridge=ridge_path(X[:, :2], y, [1.0]))
    with pytest.raises(TypeError, match="sequence of 2 matplotlib Axes"):
        plot_path((alphas, coefs), X, y, ridge=True, ax=Figure().subplots())
    with pytest.raises(TypeError, match="matplotlib Axes"):
        plot_path((alphas, coefs), ax="axes")


# ----------------------------------------------------------------------
# plot_cv
# ----------------------------------------------------------------------

def test_cv_curve_error_bars_and_markers(lasso_cv, tmp_path):
    fig, ax = plot_cv(lasso_cv)
    mse = lasso_cv.mse_path_
    mean = mse.mean(axis=1)
    se = mse.std(axis=1, ddof=1) / np.sqrt(mse.shape[1])
    (container,) = ax.containers
    curve = container.lines[0]
    np.testing.assert_array_equal(curve.get_xdata(), lasso_cv.alphas_)
    np.testing.assert_allclose(curve.get_ydata(), mean, rtol=1e-14)
    # the error bars span mean +- se
    segments = container.lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][1] for s in segments], mean - se, rtol=1e-12)
    np.testing.assert_allclose([s[1][1] for s in segments], mean + se, rtol=1e-12)
    assert len(_vertical_at(ax, lasso_cv.alpha_)) == 1
    assert len(_vertical_at(ax, lasso_cv.alpha_1se_)) == 1
    best = np.argmin(mean)
    threshold = [line for line in ax.get_lines() if line.get_label() == "min + 1 SE"]
    np.testing.assert_allclose(threshold[0].get_ydata(), [mean[best] + se[best]] * 2)
    # the 1-SE alpha is the largest whose mean is under that threshold
    assert lasso_cv.alpha_1se_ == lasso_cv.alphas_[mean <= mean[best] + se[best]].max()
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "4-fold" in ax.get_title()
    _png(fig, tmp_path / "cv.png")


def test_cv_picks_the_selected_l1_ratio(data):
    model = ElasticNetCV(l1_ratio=[0.2, 1.0], cv=3, alphas=15).fit(*data)
    fig, ax = plot_cv(model)
    i = [0.2, 1.0].index(model.l1_ratio_)
    curve = ax.containers[0].lines[0]
    np.testing.assert_array_equal(curve.get_xdata(), model.alphas_[i])
    np.testing.assert_allclose(curve.get_ydata(), model.mse_path_[i].mean(axis=1))


def test_cv_scikit_learn_estimator(data):
    sklm = pytest.importorskip("sklearn.linear_model")
    model = sklm.LassoCV(cv=3).fit(*data)
    fig, ax = plot_cv(model)
    assert len(_vertical_at(ax, model.alpha_)) == 1
    assert not any(line.get_label().startswith("alpha_1se_") for line in ax.get_lines())


def test_cv_errors(data):
    X, y = data
    with pytest.raises(NotFittedError, match="call fit"):
        plot_cv(LassoCV())
    with pytest.raises(TypeError, match="LassoCV or ElasticNetCV"):
        plot_cv(Lasso(alpha=0.1).fit(X, y))
    with pytest.raises(TypeError, match="no l1_ratio_"):
        plot_cv(RelaxedLassoCV(cv=3, alphas=5).fit(X, y))
    with pytest.raises(TypeError, match="matplotlib Axes"):
        plot_cv(LassoCV(cv=3).fit(X, y), ax=[1, 2])


# ----------------------------------------------------------------------
# plot_coefficients
# ----------------------------------------------------------------------

def test_coefficients_bars_zeros_and_truth(data, tmp_path):
    X, y = data
    models = {"OLS": LinearRegression().fit(X, y), "Ridge": Ridge(alpha=5.0).fit(X, y),
              "Lasso": Lasso(alpha=0.2).fit(X, y),
              "ElasticNet": ElasticNet(alpha=0.2).fit(X, y)}
    lasso_zeros = int(np.sum(models["Lasso"].coef_ == 0))
    assert lasso_zeros >= 1      # the picture is about them
    fig, ax = plot_coefficients(models, true_coef=TRUE)
    bars = ax.patches
    assert len(bars) == len(models) * N_FEATURES
    heights = np.array([bar.get_height() for bar in bars]).reshape(len(models), -1)
    np.testing.assert_array_equal(heights, [m.coef_ for m in models.values()])
    grey = to_rgba(shrinkage.plot.ZERO_COLOR)
    is_grey = np.array([bar.get_facecolor() == grey for bar in bars])
    np.testing.assert_array_equal(is_grey, heights.ravel() == 0)
    # one grey dot per exact zero, at its bar
    dots = [c for c in ax.collections if c.get_label() == "exactly 0"][0]
    zero_x = np.sort([bar.get_x() + bar.get_width() / 2 for bar, z in
                      zip(bars, is_grey) if z])
    np.testing.assert_allclose(np.sort(dots.get_offsets()[:, 0]), zero_x)
    truth = [c for c in ax.collections if c.get_label() == "true"][0]
    np.testing.assert_array_equal([seg[0][1] for seg in truth.get_segments()], TRUE)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:4] == list(models) and "exactly 0" in labels and "true" in labels
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"x{j}" for j in range(6)]
    _png(fig, tmp_path / "coefficients.png")


def test_coefficients_arrays_and_sequences(data):
    X, y = data
    fig, ax = plot_coefficients([Lasso(alpha=0.1).fit(X, y), Ridge().fit(X, y)],
                                feature_names=list("abcdef"))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["Lasso", "Ridge"]
    fig, ax = plot_coefficients({"mine": [1.0, 0.0, -1e-12]})
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x0", "x1", "x2"]
    # only the exact zero is grey: a tiny coefficient is still a coefficient
    grey = to_rgba(shrinkage.plot.ZERO_COLOR)
    assert [bar.get_facecolor() == grey for bar in ax.patches] == [False, True, False]


def test_coefficients_errors(data):
    X, y = data
    with pytest.raises(NotFittedError, match="'L' is not fitted"):
        plot_coefficients({"L": Lasso()})
    with pytest.raises(ValueError, match="different numbers of features"):
        plot_coefficients({"a": [1.0, 2.0], "b": [1.0]})
    with pytest.raises(ValueError, match="one target"):
        plot_coefficients({"a": np.ones((2, 3))})
    with pytest.raises(ValueError, match="empty"):
        plot_coefficients({})
    with pytest.raises(ValueError, match=r"true_coef must have shape \(2,\)"):
        plot_coefficients({"a": [1.0, 2.0]}, true_coef=[1.0])
    with pytest.raises(TypeError, match="dict"):
        plot_coefficients(Lasso(alpha=0.1).fit(X, y))


# ----------------------------------------------------------------------
# plot_constraint_geometry
# ----------------------------------------------------------------------

def _two_features(seed=1):
    rng = np.random.default_rng(seed)
    corr = np.array([[1.0, 0.6], [0.6, 1.0]])
    X = rng.standard_normal((100, 2)) @ np.linalg.cholesky(corr).T
    y = X @ [3.0, 0.7] + 0.5 * rng.standard_normal(100)
    return X, y


def _marker(ax, prefix):
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith(prefix)]
    return line.get_xydata()[0]


def test_geometry_draws_the_solvers_optima(tmp_path):
    X, y = _two_features()
    budget = 1.5
    fig, ax = plot_constraint_geometry(X, y, budget)
    lasso, ridge = _marker(ax, "Lasso"), _marker(ax, "Ridge")
    for drawn, norm in ((lasso, "l1"), (ridge, "l2")):
        np.testing.assert_array_equal(
            drawn, constrained_least_squares(X, y, budget, norm=norm).coef)
    np.testing.assert_allclose(_marker(ax, "least squares"),
                               LinearRegression().fit(X, y).coef_, rtol=1e-12)
    # on the boundaries, the Lasso on a corner
    assert np.abs(lasso).sum() == pytest.approx(budget, rel=1e-12)
    assert np.linalg.norm(ridge) == pytest.approx(budget, rel=1e-12)
    assert lasso[1] == 0.0 and np.all(ridge != 0)
    # the diamond and the disc, of the same budget
    diamond = [p for p in ax.patches if p.get_label().startswith("|w0|")][0]
    np.testing.assert_allclose(np.abs(diamond.get_xy()).sum(axis=1), budget)
    disc = [p for p in ax.patches if p.get_label().startswith("w0")][0]
    assert disc.get_radius() == budget
    assert ax.get_aspect() == 1.0
    # the view holds the sets and the least-squares point
    x0, x1 = ax.get_xlim()
    assert x0 < -budget and x1 > _marker(ax, "least squares")[0]
    _png(fig, tmp_path / "geometry.png")


def test_geometry_optimum_beats_a_boundary_scan():
    X, y = _two_features(seed=3)
    budget = 1.2
    fig, ax = plot_constraint_geometry(X, y, budget)
    Xc, yc = X - X.mean(axis=0), y - y.mean()

    def rss(W):
        R = yc[:, None] - Xc @ W.T
        return np.einsum("ij,ij->j", R, R)

    theta = np.linspace(0, 2 * np.pi, 200_000, endpoint=False)
    circle = budget * np.column_stack([np.cos(theta), np.sin(theta)])
    diamond = circle / np.abs(circle).sum(axis=1, keepdims=True) * budget
    for prefix, boundary in (("Lasso", diamond), ("Ridge", circle)):
        optimum = rss(_marker(ax, prefix)[None])[0]
        scan = rss(boundary)
        assert scan.min() >= optimum * (1 - 1e-10)
        assert scan.min() <= optimum * (1 + 1e-6)


def test_geometry_default_budget_and_names():
    X, y = _two_features()
    ols = LinearRegression().fit(X, y).coef_
    fig, ax = plot_constraint_geometry(X, y, feature_names=["age", "dose"])
    assert np.linalg.norm(_marker(ax, "Ridge")) == pytest.approx(0.5 * np.linalg.norm(ols))
    assert "age" in ax.get_xlabel() and "dose" in ax.get_ylabel()


def test_geometry_errors():
    X, y = _two_features()
    ols = LinearRegression().fit(X, y).coef_
    with pytest.raises(ValueError, match="2 columns, got 3"):
        plot_constraint_geometry(np.column_stack([X, X[:, 0]]), y)
    with pytest.raises(ValueError, match="l2 norm of the least-squares solution"):
        plot_constraint_geometry(X, y, 1.01 * np.linalg.norm(ols))
    with pytest.raises(ValueError, match="budget must be in"):
        plot_constraint_geometry(X, y, -1.0)
    with pytest.raises(TypeError, match="budget must be a real number"):
        plot_constraint_geometry(X, y, True)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        plot_constraint_geometry(X, y[:-1])


# ----------------------------------------------------------------------
# plot_penalty_surface
# ----------------------------------------------------------------------

def _surface_points(collection):
    """(x, y, z) rows of every vertex of a plot_surface Poly3DCollection.

    Matplotlib keeps them privately: ``_faces`` (3.9+) or ``_vec`` (before).
    """
    if hasattr(collection, "_faces"):
        return np.asarray(collection._faces).reshape(-1, 3)
    return np.asarray(collection._vec[:3]).T


def _wire_points(collection):
    return np.concatenate([np.asarray(seg) for seg in collection._segments3d])


def _collection(ax, label):
    (found,) = [c for c in ax.collections if c.get_label() == label]
    return found


def test_penalty_surfaces_are_the_penalties(tmp_path):
    fig, (ax1, ax2) = plot_penalty_surface(extent=1.7)
    assert ax1.name == ax2.name == "3d"
    cone = _surface_points(_collection(ax1, "|w0| + |w1|"))
    bowl = _surface_points(_collection(ax2, "w0\u00b2 + w1\u00b2"))
    for points, penalty in ((cone, np.abs(cone[:, :2]).sum(axis=1)),
                            (bowl, (bowl[:, :2] ** 2).sum(axis=1))):
        np.testing.assert_allclose(points[:, 2], penalty, rtol=1e-12, atol=1e-14)
        assert points[:, 0].min() == -1.7 and points[:, 0].max() == 1.7
        assert points[:, 1].min() == -1.7 and points[:, 1].max() == 1.7
    # the cone's edges: its profiles along the axes, through the tip
    edges = {line.get_label(): np.column_stack(line.get_data_3d())
             for line in ax1.get_lines()}
    assert set(edges) == {"edge: w0 = 0", "edge: w1 = 0"}
    on_axis = {"edge: w0 = 0": 0, "edge: w1 = 0": 1}
    for label, xyz in edges.items():
        assert np.all(xyz[:, on_axis[label]] == 0)
        np.testing.assert_array_equal(xyz[:, 2], np.abs(xyz[:, :2]).sum(axis=1))
        assert [0.0, 0.0, 0.0] in xyz.tolist()
    assert not ax2.get_lines()          # no edges on the bowl
    assert "w0" in ax1.get_xlabel() and "w1" in ax1.get_ylabel()
    assert ax1.get_zlabel() == "penalty |w0| + |w1|"
    assert "cone" in ax1.get_title() and "bowl" in ax2.get_title()
    _png(fig, tmp_path / "penalty_surface.png")


def test_penalty_surface_with_the_loss():
    X, y = _two_features()
    X.flags.writeable = False
    ols = LinearRegression().fit(X, y)
    fig, (ax1, ax2) = plot_penalty_surface(X, y, feature_names=["age", "dose"])
    extent = 1.25 * np.abs(ols.coef_).max()
    for ax, top in ((ax1, 2 * extent), (ax2, 2 * extent ** 2)):
        points = _surface_points(ax.collections[0])
        assert points[:, 0].max() == pytest.approx(extent, rel=1e-14)
        mesh = _wire_points(_collection(ax, "(RSS(w) - RSS(w_ols)) / n"))
        mesh = mesh[np.isfinite(mesh[:, 2])]
        # the excess RSS over n, from residuals (not from the Gram); with the
        # intercept free, the best intercept at each w: mean(y - X w)
        residuals = y[:, None] - X @ mesh[:, :2].T
        rss = ((residuals - residuals.mean(axis=0)) ** 2).sum(axis=0)
        least = y - ols.intercept_ - X @ ols.coef_
        np.testing.assert_allclose(mesh[:, 2], (rss - least @ least) / len(y),
                                   rtol=1e-9, atol=1e-9)
        assert mesh.shape[0] > 100 and mesh[:, 2].max() <= top
        assert ax.get_zlim() == pytest.approx((0.0, top))
        (point,) = [line for line in ax.get_lines()
                    if line.get_label().startswith("least squares")]
        np.testing.assert_allclose(np.ravel(point.get_data_3d())[:2], ols.coef_,
                                   rtol=1e-12)
        assert "age" in ax.get_xlabel() and "dose" in ax.get_ylabel()


def test_penalty_surface_given_axes_and_errors():
    fig = Figure()
    axes = [fig.add_subplot(1, 2, k, projection="3d") for k in (1, 2)]
    out_fig, out_axes = plot_penalty_surface(ax=axes)
    assert out_fig is fig and tuple(out_axes) == tuple(axes)
    X, y = _two_features()
    with pytest.raises(TypeError, match="2 matplotlib 3-D Axes"):
        plot_penalty_surface(ax=Figure().subplots(1, 2))
    with pytest.raises(TypeError, match="2 matplotlib 3-D Axes"):
        plot_penalty_surface(ax=axes[0])
    with pytest.raises(ValueError, match="both X and y"):
        plot_penalty_surface(X)
    with pytest.raises(ValueError, match="2 columns, got 3"):
        plot_penalty_surface(np.column_stack([X, X[:, 0]]), y)
    for bad in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="extent must be positive and finite"):
            plot_penalty_surface(extent=bad)
    with pytest.raises(TypeError, match="extent must be a real number"):
        plot_penalty_surface(extent=True)
    with pytest.raises(ValueError, match="feature_names has 1 names"):
        plot_penalty_surface(feature_names=["a"])


# ----------------------------------------------------------------------
# plot_prior_densities
# ----------------------------------------------------------------------

def _density_lines(ax):
    return {line.get_label().split()[0].split("(")[0]: line for line in ax.get_lines()
            if line.get_label().startswith(("Gaussian", "Laplace"))}


@pytest.mark.parametrize("tau, b", [(1.0, 0.7), (3.97, 0.0169), (0.05, 2.0)])
def test_prior_densities_are_the_densities(tau, b, tmp_path):
    stats = pytest.importorskip("scipy.stats")
    fig, (ax_log, ax_zoom) = plot_prior_densities(tau, b)
    assert ax_log.get_yscale() == "log" and ax_zoom.get_yscale() == "linear"
    sds = (tau, np.sqrt(2) * b)
    for ax, half in ((ax_log, 4 * max(sds)), (ax_zoom, 4 * min(sds))):
        lines = _density_lines(ax)
        assert set(lines) == {"Gaussian", "Laplace"}
        w = lines["Gaussian"].get_xdata()
        assert w[0] == pytest.approx(-half) and w[-1] == pytest.approx(half)
        assert ax.get_xlim() == pytest.approx((-half, half))
        np.testing.assert_allclose(lines["Gaussian"].get_ydata(),
                                   stats.norm.pdf(w, scale=tau), rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(lines["Laplace"].get_ydata(),
                                   stats.laplace.pdf(w, scale=b), rtol=1e-12, atol=1e-300)
        # the kink's top is drawn: 0 is a grid point
        assert lines["Laplace"].get_ydata().max() == pytest.approx(1 / (2 * b), rel=1e-15)
    # four sds either side hold nearly all of the wider prior's mass
    lines = _density_lines(ax_log)
    wider = "Gaussian" if sds[0] >= sds[1] else "Laplace"
    w, p = lines[wider].get_xdata(), lines[wider].get_ydata()
    assert 0.99 < np.sum((p[1:] + p[:-1]) / 2 * np.diff(w)) <= 1.0
    # the wider prior shows whole above the log panel's floor
    assert ax_log.get_ylim()[0] < p.min()
    assert f"{tau:.3g}" in lines["Gaussian"].get_label()
    _png(fig, tmp_path / "priors.png")


def test_prior_densities_mark_weights_and_take_axes():
    coef = np.array([3.5, -2.1, 0.0])
    coef.flags.writeable = False
    fig = Figure()
    axes = fig.subplots(1, 2)
    out_fig, out_axes = plot_prior_densities(1.0, 0.5, coef=coef, coef_label="true",
                                             ax=axes)
    assert out_fig is fig and tuple(out_axes) == tuple(axes)
    (ticks,) = [line for line in axes[0].get_lines() if line.get_label() == "true"]
    np.testing.assert_array_equal(ticks.get_xdata(), coef)
    # a weight beyond four sds widens the log panel to hold it
    fig, (ax_log, _) = plot_prior_densities(0.1, 0.05, coef=coef)
    assert ax_log.get_xlim()[1] == pytest.approx(1.05 * 3.5)
    assert "weights" in [t.get_text() for t in ax_log.get_legend().get_texts()]


def test_prior_densities_errors():
    for bad in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="tau must be positive and finite"):
            plot_prior_densities(bad, 1.0)
        with pytest.raises(ValueError, match="b must be positive and finite"):
            plot_prior_densities(1.0, bad)
    with pytest.raises(TypeError, match="tau must be a real number"):
        plot_prior_densities(True, 1.0)
    with pytest.raises(TypeError, match="b must be a real number"):
        plot_prior_densities(1.0, "0.5")
    with pytest.raises(ValueError, match="coef must be a 1-D array of finite"):
        plot_prior_densities(1.0, 1.0, coef=np.ones((2, 2)))
    with pytest.raises(ValueError, match="coef must be a 1-D array of finite"):
        plot_prior_densities(1.0, 1.0, coef=[1.0, np.nan])
    with pytest.raises(TypeError, match="sequence of 2 matplotlib Axes"):
        plot_prior_densities(1.0, 1.0, ax=Figure().subplots())


# ----------------------------------------------------------------------
# shared behaviour
# ----------------------------------------------------------------------

def test_inputs_unchanged(data, lasso_cv):
    X, y = data          # read-only: any write would raise
    path = lasso_path(X, y)
    snapshot = [a.copy() for a in path[:2]]
    cv_state = {k: np.copy(v) for k, v in vars(lasso_cv).items() if k.endswith("_")}
    plot_path(path, X, y, ridge=True)
    plot_path(lasso_cv, X, y)
    plot_cv(lasso_cv)
    coef = np.array([1.0, 0.0, 2.0, 0.0, 0.0, 1.0])
    plot_coefficients({"a": coef}, true_coef=TRUE)
    for before, after in zip(snapshot, path[:2]):
        np.testing.assert_array_equal(before, after)
    for key, value in cv_state.items():
        np.testing.assert_array_equal(getattr(lasso_cv, key), value)
    np.testing.assert_array_equal(coef, [1.0, 0.0, 2.0, 0.0, 0.0, 1.0])


def test_docstring_examples():
    # tests/test_docstrings.py leaves shrinkage.plot out (matplotlib is optional)
    result = doctest.testmod(shrinkage.plot, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15 and result.failed == 0


def _run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def test_importing_shrinkage_does_not_import_matplotlib():
    result = _run("import sys, shrinkage, shrinkage.__main__, shrinkage._demo; "
                  "print('matplotlib' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_import_without_matplotlib_names_the_extra():
    result = _run("import sys; sys.modules['matplotlib'] = None\n"
                  "import shrinkage\n"
                  "try:\n"
                  "    import shrinkage.plot\n"
                  "except ImportError as exc:\n"
                  "    print(exc)\n")
    assert result.returncode == 0, result.stderr
    assert 'pip install "shrinkage[plot]"' in result.stdout

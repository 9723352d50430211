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

"""``python -m shrinkage demo``: the figures it writes and the numbers it prints,
checked against the truth of the scenario, the closed forms and fits made here
independently. Timings are run and printed, never asserted."""

import io
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from shrinkage import LassoCV, LinearRegression, RidgeCV
from shrinkage import _demo
from shrinkage.__main__ import main

if os.environ.get("CI"):
    import matplotlib  # noqa: F401  (CI installs the test extra: never skip there)
else:
    pytest.importorskip("matplotlib", reason='pip install "shrinkage[plot]"')
pytest.importorskip("sklearn", reason="the demo's timings compare with scikit-learn")

FIGURES = ("paths.png", "cv.png", "coefficients.png", "constraint_geometry.png",
           "penalty_surface.png", "priors.png")
NOISE = ["x3", "x4", "x5", "x6", "x7", "x8", "x9"]
MODELS = ["OLS", "Ridge", "Lasso", "ElasticNet", "Relaxed"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "figures"
    text = io.StringIO()
    report = _demo.run_demo(out, file=text)
    return report, text.getvalue(), out


@pytest.fixture(scope="module")
def scenario():
    return _demo.make_scenario()


def _section(text, number):
    match = re.search(rf"^{number}\. .*?(?=^\d\. |\Z)", text, re.S | re.M)
    assert match, f"section {number} missing"
    return match.group(0)


def _table(section):
    """Rows (lists of cells) of the first aligned table in a section."""
    lines = section.splitlines()
    rule = next(i for i, line in enumerate(lines) if re.fullmatch(r"-+( +-+)+", line))
    rows = []
    for line in lines[rule - 1:]:
        if not line.strip():
            break
        if line is not lines[rule]:
            rows.append(re.split(r"\s{2,}", line.strip()))
    return rows[0], rows[1:]


def _cell(value):
    return 0.0 if value == "0" else float(value)


# ----------------------------------------------------------------------
# the scenario
# ----------------------------------------------------------------------

def test_scenario_is_the_textbook_one(scenario):
    sc = scenario
    assert sc.X_train.shape == (160, 10) and sc.X_test.shape == (40, 10)
    np.testing.assert_array_equal(sc.coef, [3.5, -2.1, 1.8] + [0.0] * 7)
    np.testing.assert_allclose(sc.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(sc.X_train.std(axis=0), 1.0, rtol=1e-12)
    # seeded: the same data every time
    again = _demo.make_scenario()
    np.testing.assert_array_equal(sc.X_train, again.X_train)
    np.testing.assert_array_equal(sc.y_test, again.y_test)
    # the noise has sd 0.5: the true model's residuals say so
    residual = sc.y_train - LinearRegression().fit(sc.X_train, sc.y_train).predict(sc.X_train)
    assert 0.4 < residual.std() < 0.6


# ----------------------------------------------------------------------
# 1. coefficients
# ----------------------------------------------------------------------

def test_lasso_zeroes_exactly_the_noise_features(demo, scenario):
    report, text, _ = demo
    lasso = report.coefs["Lasso"]
    assert report.exact_zeros["Lasso"] == 7
    np.testing.assert_array_equal(lasso == 0.0, scenario.coef == 0.0)
    assert report.exact_zeros["OLS"] == report.exact_zeros["Ridge"] == 0
    assert report.exact_zeros["Relaxed"] == 7
    assert 0 < report.exact_zeros["ElasticNet"] <= 7
    # kept coefficients are close to the truth, and shrunk towards 0
    np.testing.assert_allclose(lasso[:3], [3.5, -2.1, 1.8], atol=0.3)
    assert np.all(np.abs(lasso[:3]) < np.abs(report.coefs["OLS"][:3]))


def test_coefficient_table_matches_the_report(demo):
    report, text, _ = demo
    header, rows = _table(_section(text, 1))
    assert header == ["feature", "true", *MODELS]
    by_name = {row[0]: row[1:] for row in rows}
    for j in range(10):
        cells = by_name[f"x{j}"]
        for name, cell in zip(MODELS, cells[1:]):
            value = report.coefs[name][j]
            if cell == "0":
                assert value == 0.0
            else:
                assert value != 0.0 and float(cell) == pytest.approx(value, abs=5e-4)
    assert by_name["exact zeros"] == ["7"] + [str(report.exact_zeros[m]) for m in MODELS]
    assert by_name["exact zeros"][MODELS.index("Lasso") + 1] == "7"
    mse = [float(v) for v in by_name["test MSE"][1:]]
    np.testing.assert_allclose(mse, [report.test_mse[m] for m in MODELS], atol=5e-4)


def test_test_mse_near_the_noise_variance(demo, scenario):
    report, _, _ = demo
    # 40 test rows: the MSE of a good model is 0.25 give or take ~0.06
    for name in MODELS:
        assert 0.15 < report.test_mse[name] < 0.40, name
    sc = scenario
    ols = LinearRegression().fit(sc.X_train, sc.y_train)
    assert report.test_mse["OLS"] == pytest.approx(np.mean((ols.predict(sc.X_test)
                                                             - sc.y_test) ** 2))


def test_alphas_come_from_cross_validation(demo, scenario):
    report, _, _ = demo
    sc = scenario
    cv = LassoCV(cv=5).fit(sc.X_train, sc.y_train)
    assert report.alphas["Lasso"] == cv.alpha_1se_ == report.cv["1se"]["alpha"]
    assert report.cv["min"]["alpha"] == cv.alpha_
    ridge = RidgeCV(alphas=np.logspace(-3, 3, 61)).fit(sc.X_train, sc.y_train)
    assert report.alphas["Ridge"] == ridge.alpha_


# ----------------------------------------------------------------------
# 2. orthonormal design
# ----------------------------------------------------------------------

def test_orthonormal_table_is_the_closed_form(demo):
    report, text, _ = demo
    z = np.array(_demo.ORTHO_OLS)
    soft = np.sign(z) * np.maximum(np.abs(z) - _demo.ORTHO_LASSO_ALPHA, 0.0)
    shrunk = z / (1 + _demo.ORTHO_RIDGE_ALPHA / _demo.ORTHO_N)
    o = report.orthonormal
    np.testing.assert_allclose(o["ols"], z, atol=1e-12)
    np.testing.assert_allclose(o["lasso"], soft, atol=1e-10)
    np.testing.assert_array_equal(o["lasso"] == 0, soft == 0)
    np.testing.assert_allclose(o["ridge"], shrunk, atol=1e-12)
    header, rows = _table(_section(text, 2))
    assert len(rows) == z.size
    table = np.array([[_cell(c) for c in row] for row in rows])
    np.testing.assert_allclose(table, np.column_stack([z, soft, soft, shrunk, shrunk]),
                               atol=5e-4)
    assert "0" in [row[1] for row in rows]       # exact zeros printed as such


# ----------------------------------------------------------------------
# 3.-5. paths, cross-validation, relaxed Lasso
# ----------------------------------------------------------------------

def test_paths_section(demo):
    report, text, _ = demo
    entry = report.lasso_entry_alphas
    assert set(list(entry)[:3]) == {"x0", "x1", "x2"}
    # the true features enter long before any noise feature
    assert min(entry[f] for f in ("x0", "x1", "x2")) > 10 * max(
        entry[f] for f in NOISE if f in entry)
    header, rows = _table(_section(text, 3))
    assert [row[0] for row in rows] == list(entry)
    assert 0 < report.ridge_path_min_abs < 1e-3
    assert "No coefficient" in _section(text, 3)


def test_cv_section(demo):
    report, text, _ = demo
    cv_min, cv_1se = report.cv["min"], report.cv["1se"]
    assert cv_1se["alpha"] > cv_min["alpha"]
    assert cv_1se["nonzero"] == 3 and cv_1se["noise_kept"] == 0
    assert cv_min["nonzero"] >= cv_1se["nonzero"]
    # the 1-SE model's CV error is within one SE of the minimum
    assert cv_1se["cv_mse"] <= cv_min["cv_mse"] + cv_min["cv_se"]
    header, rows = _table(_section(text, 4))
    assert [row[0] for row in rows] == ["alpha_", "alpha_1se_"]
    assert float(rows[1][1]) == pytest.approx(cv_1se["alpha"], rel=1e-3)
    assert rows[1][3:5] == ["3", "0"]


def test_relaxed_refit_is_least_squares_on_the_support(demo, scenario):
    report, text, _ = demo
    sc = scenario
    assert report.relaxed["support"] == ["x0", "x1", "x2"]
    ols_on_support = LinearRegression().fit(sc.X_train[:, :3], sc.y_train).coef_
    header, rows = _table(_section(text, 5))
    printed = np.array([[_cell(c) for c in row[1:]] for row in rows])
    np.testing.assert_allclose(printed[:, 2], ols_on_support, atol=5e-4)
    # the refit undoes the Lasso's shrinkage, about alpha each
    alpha = report.alphas["Lasso"]
    np.testing.assert_allclose(printed[:, 3], alpha, rtol=0.25)
    assert report.relaxed["relaxed_test_mse"] == report.test_mse["Relaxed"]


# ----------------------------------------------------------------------
# 6. geometry
# ----------------------------------------------------------------------

def test_geometry_lasso_on_a_corner(demo):
    report, text, _ = demo
    g = report.geometry
    lasso, ridge = g["lasso"], g["ridge"]
    assert lasso.coef[1] == 0.0
    assert np.abs(lasso.coef).sum() == pytest.approx(g["budget"], rel=1e-12)
    assert np.linalg.norm(ridge.coef) == pytest.approx(g["budget"], rel=1e-12)
    assert np.all(np.abs(ridge.coef) > 0.5)
    # the budget binds: the least-squares point is outside both sets
    assert np.linalg.norm(g["ols"]) > g["budget"]
    assert "on a corner of the diamond" in _section(text, 6)
    header, rows = _table(_section(text, 6))
    assert rows[0][3] == "0" and float(rows[0][4]) == pytest.approx(1.5, abs=1e-12)


# ----------------------------------------------------------------------
# 7. the Bayesian view
# ----------------------------------------------------------------------

def test_bayes_priors_are_the_fitted_alphas(demo, scenario):
    report, _, _ = demo
    bayes, n = report.bayes, scenario.X_train.shape[0]
    assert bayes["ridge_alpha"] == report.alphas["Ridge"]
    assert bayes["lasso_alpha"] == report.alphas["Lasso"]
    sigma = _demo.NOISE_SD
    assert bayes["tau"] == pytest.approx(sigma / np.sqrt(bayes["ridge_alpha"]), rel=1e-14)
    assert bayes["b"] == pytest.approx(sigma ** 2 / (n * bayes["lasso_alpha"]), rel=1e-14)
    assert bayes["round_trip"] < 1e-14


def test_bayes_posterior_modes_are_the_fits(demo, scenario):
    report, text, _ = demo
    bayes = report.bayes
    X, y = scenario.X_train, scenario.y_train
    # Ridge, checked here by its normal equations on the centred data
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ridge = np.linalg.solve(Xc.T @ Xc + bayes["ridge_alpha"] * np.eye(X.shape[1]),
                            Xc.T @ yc)
    np.testing.assert_allclose(bayes["ridge"], ridge, atol=1e-10)
    np.testing.assert_allclose(bayes["gaussian_map"], ridge, atol=1e-6)
    assert bayes["gaussian_map_intercept"] == pytest.approx(bayes["ridge_intercept"],
                                                            abs=1e-6)
    # the split Laplace mode: the Lasso, exact zeros included
    zeros = bayes["lasso"] == 0
    assert zeros.sum() == 7
    np.testing.assert_allclose(bayes["laplace_map_split"], bayes["lasso"], atol=1e-6)
    np.testing.assert_array_equal(bayes["laplace_map_split"] == 0, zeros)
    assert bayes["laplace_map_split_intercept"] == pytest.approx(bayes["lasso_intercept"],
                                                                 abs=1e-6)
    assert abs(bayes["excess_nlp"]["split"]) < 1e-9
    # on |w| directly: near the zeros, never on them, and a worse objective
    direct = bayes["laplace_map_direct"]
    assert np.all(direct[zeros] != 0) and np.all(np.abs(direct[zeros]) < 1e-4)
    assert bayes["excess_nlp"]["direct"] > 1e-6
    section = _section(text, 7)
    assert "(7: the same)" in section and "never on" in section


def test_bayes_table_matches_the_report(demo, scenario):
    report, text, _ = demo
    bayes = report.bayes
    header, rows = _table(_section(text, 7))
    assert header == ["feature", "true", "Ridge", "Gaussian MAP", "Lasso",
                      "Laplace MAP |w|", "Laplace MAP u - v"]
    assert [row[0] for row in rows] == scenario.feature_names + ["intercept"]
    columns = ("ridge", "gaussian_map", "lasso", "laplace_map_direct", "laplace_map_split")
    for j, row in enumerate(rows[:-1]):
        for key, cell in zip(columns, row[2:]):
            value = bayes[key][j]
            assert (cell == "0") == (value == 0.0)
            assert _cell(cell) == pytest.approx(value, rel=0.06, abs=5e-7), (key, j)


# ----------------------------------------------------------------------
# 8.-9. timings and figures
# ----------------------------------------------------------------------

def test_timings_are_reported_not_judged(demo):
    report, text, _ = demo
    section = _section(text, 8)
    assert "indicative" in section.lower() and "scikit-learn" in section
    header, rows = _table(section)
    assert header == ["task", "shrinkage ms", "scikit-learn ms", "speed-up"]
    assert len(rows) == len(report.timings) == 6
    for ours, theirs in report.timings.values():
        assert ours > 0 and theirs > 0


def test_figures_written(demo):
    report, text, out = demo
    assert [p.name for p in report.figures] == list(FIGURES)
    for name in FIGURES:
        content = (out / name).read_bytes()
        assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 20_000
        assert name in _section(text, 9)
    assert str(out.resolve()) in text


def test_deterministic(demo, tmp_path):
    _, first, _ = demo
    text = io.StringIO()
    _demo.run_demo(tmp_path, plots=False, timings=False, file=text)
    # everything before the timings is the same, number for number
    assert text.getvalue().split("\nDone in")[0] == first.split("\n8. ")[0]
    assert not any(tmp_path.iterdir())          # no figures asked, none written


# ----------------------------------------------------------------------
# the command line
# ----------------------------------------------------------------------

def test_info_is_still_the_default(capsys):
    assert main([]) == 0
    printed = capsys.readouterr().out
    assert "shrinkage:" in printed and "python -m shrinkage demo" in printed


def _python(code, cwd):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_command_line_default_out(tmp_path):
    result = subprocess.run([sys.executable, "-m", "shrinkage", "demo", "--no-timings"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    for name in FIGURES:
        assert (tmp_path / "shrinkage-demo" / name).stat().st_size > 20_000
    assert "8. Timings" not in result.stdout and "9. Figures" in result.stdout


def test_without_matplotlib_the_tables_still_print(tmp_path):
    result = _python("import sys; sys.modules['matplotlib'] = None\n"
                     "from shrinkage.__main__ import main\n"
                     "sys.exit(main(['demo', '--out', 'figs', '--no-timings']))", tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'matplotlib is not installed: figures skipped (pip install "shrinkage[plot]")' \
        in result.stdout
    assert "exact zeros" in result.stdout
    assert not (tmp_path / "figs").exists()


def test_without_scikit_learn_timings_are_skipped(tmp_path):
    result = _python("import sys; sys.modules['sklearn'] = None\n"
                     "from shrinkage.__main__ import main\n"
                     "sys.exit(main(['demo', '--no-plots']))", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "scikit-learn is not installed: timings skipped" in result.stdout
    assert "speed-up" not in result.stdout

"""``python -m shrinkage demo``: the textbook tour of l1 versus l2 regularisation.

One seeded scenario, end to end (200 samples, 10 standardised features of
which 3 matter: 3.5, -2.1, 1.8; noise sd 0.5; 80/20 split): least squares,
Ridge, Lasso and the elastic net side by side; the orthonormal-design closed
forms (soft-thresholding vs proportional shrinkage); the Lasso and Ridge
paths; cross-validated alpha (minimum and one-standard-error rule); the
relaxed-Lasso refit; the l1 diamond and l2 disc of a two-feature problem;
Ridge and the Lasso as posterior modes under Gaussian and Laplace priors;
timings against scikit-learn when it is installed. Tables go to ``file``,
figures (with matplotlib) to ``out``. Every number comes from the package's
estimators, except the posterior modes of the Bayesian section, which SciPy's
general-purpose optimiser finds as an independent check of them: this module
only arranges data, calls and tables.
"""

import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LinearRegression,
    RelaxedLasso,
    RelaxedLassoCV,
    Ridge,
    RidgeCV,
    lasso_path,
    alpha_from_prior,
    prior_scale_from_alpha,
    ridge_path,
    soft_threshold,
)
from ._constrained import constrained_least_squares
from ._version import __version__

__all__ = ["run_demo", "DemoReport", "make_scenario", "DEFAULT_OUT"]

DEFAULT_OUT = "shrinkage-demo"
# With this seed the one-standard-error Lasso keeps exactly the 3 true
# features (as it does for about two seeds in three; the minimum-CV Lasso
# keeps some noise features for nearly all).
SEED = 16
N_SAMPLES, N_FEATURES = 200, 10
TRUE_COEF = (3.5, -2.1, 1.8)
NOISE_SD = 0.5
TEST_FRACTION = 0.2
CV_FOLDS = 5
RIDGE_ALPHAS = np.logspace(-3, 3, 61)           # RidgeCV's candidates
RIDGE_PATH_ALPHAS = np.logspace(-2, 6, 100)     # least squares to practically zero
ENET_L1_RATIO = 0.5
# Orthonormal design: least-squares coefficients chosen, y built to match.
ORTHO_N = 50
ORTHO_OLS = (-3.0, -1.5, -0.4, 0.2, 0.9, 2.5)
ORTHO_LASSO_ALPHA = 1.0
ORTHO_RIDGE_ALPHA = float(ORTHO_N)     # Ridge's scaling: shrink factor 1 / (1 + alpha / n)
# Two-feature geometry: correlated features, one strong and one weak effect.
# With (about) unit variances, the Lasso's optimum is the corner (t, 0) when
# the budget t <= w0 - w1 of the least-squares solution: there the RSS
# gradient G (w - w_ols) lies in the corner's normal cone, whatever the
# correlation. 1.5 < 3.0 - 0.7 leaves a wide margin for the noise.
GEOMETRY_N, GEOMETRY_RHO, GEOMETRY_COEF, GEOMETRY_BUDGET = 100, 0.6, (3.0, 0.7), 1.5
TIMING_REPEATS = 7


@dataclass
class Scenario:
    """The textbook data set: standardised train/test split and the truth."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    coef: np.ndarray
    feature_names: list


@dataclass
class DemoReport:
    """Everything the demo printed, as numbers (for tests and notebooks)."""

    coefs: dict = field(default_factory=dict)          # model -> coefficients
    alphas: dict = field(default_factory=dict)         # model -> alpha used
    exact_zeros: dict = field(default_factory=dict)    # model -> count
    test_mse: dict = field(default_factory=dict)       # model -> test MSE
    orthonormal: dict = field(default_factory=dict)    # column -> values
    lasso_entry_alphas: dict = field(default_factory=dict)  # feature -> alpha
    ridge_path_min_abs: float = np.nan                 # smallest |coef| on the Ridge path
    cv: dict = field(default_factory=dict)             # rule -> {alpha, nonzero, ...}
    relaxed: dict = field(default_factory=dict)
    geometry: dict = field(default_factory=dict)
    bayes: dict = field(default_factory=dict)          # priors, fits and posterior modes
    timings: dict = field(default_factory=dict)        # task -> (ours, sklearn) seconds
    figures: list = field(default_factory=list)


def make_scenario(seed=SEED):
    """The textbook scenario: 200 x 10, 3 true effects, noise 0.5, 80/20 split.

    Features are drawn standard normal and standardised with the training
    rows' mean and standard deviation (the test rows use the same, as a
    fitted scaler would).
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    coef = np.zeros(N_FEATURES)
    coef[:len(TRUE_COEF)] = TRUE_COEF
    y = X @ coef + NOISE_SD * rng.standard_normal(N_SAMPLES)
    order = rng.permutation(N_SAMPLES)
    n_test = int(round(TEST_FRACTION * N_SAMPLES))
    test, train = order[:n_test], order[n_test:]
    mean, sd = X[train].mean(axis=0), X[train].std(axis=0)
    X = (X - mean) / sd
    names = [f"x{j}" for j in range(N_FEATURES)]
    return Scenario(X[train], X[test], y[train], y[test], coef, names)


def _geometry_data(seed=SEED):
    rng = np.random.default_rng(seed)
    corr = np.array([[1.0, GEOMETRY_RHO], [GEOMETRY_RHO, 1.0]])
    X = rng.standard_normal((GEOMETRY_N, 2)) @ np.linalg.cholesky(corr).T
    y = X @ np.array(GEOMETRY_COEF) + NOISE_SD * rng.standard_normal(GEOMETRY_N)
    return X, y


def _orthonormal_data(seed=SEED):
    """X with X^T X = n I and y whose least-squares coefficients are ORTHO_OLS."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((ORTHO_N, len(ORTHO_OLS))))
    X = np.sqrt(ORTHO_N) * q
    noise = rng.standard_normal(ORTHO_N)
    noise -= q @ (q.T @ noise)          # orthogonal to the columns: OLS is exact
    return X, X @ np.array(ORTHO_OLS) + noise


# ----------------------------------------------------------------------
# text output
# ----------------------------------------------------------------------

def _num(value, digits=3):
    """A coefficient for a table: exact zeros as "0", so they stand out."""
    return "0" if value == 0.0 else f"{value:.{digits}f}"


def _table(headers, rows):
    """Aligned text: first column left, the others right."""
    cells = [list(map(str, headers))] + [list(map(str, row)) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(w) for cell, w in zip(row[1:], widths[1:]))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *map(line, cells[1:])])


class _Writer:
    def __init__(self, file):
        self.file = sys.stdout if file is None else file

    def __call__(self, *lines):
        for text in lines:
            print(text, file=self.file)

    def section(self, title):
        self("", title, "=" * len(title))


def _mse(model, X, y):
    return float(np.mean((model.predict(X) - y) ** 2))


# ----------------------------------------------------------------------
# the tour, one section each
# ----------------------------------------------------------------------

def _fit_models(sc):
    """The five models of the comparison, alphas chosen by cross-validation."""
    X, y = sc.X_train, sc.y_train
    lasso_cv = LassoCV(cv=CV_FOLDS).fit(X, y)
    enet_cv = ElasticNetCV(l1_ratio=ENET_L1_RATIO, cv=CV_FOLDS).fit(X, y)
    ridge_cv = RidgeCV(alphas=RIDGE_ALPHAS).fit(X, y)
    models = {
        "OLS": (LinearRegression().fit(X, y), None, "least squares"),
        "Ridge": (Ridge(alpha=ridge_cv.alpha_).fit(X, y), ridge_cv.alpha_,
                  "RidgeCV, exact leave-one-out"),
        "Lasso": (Lasso(alpha=lasso_cv.alpha_1se_).fit(X, y), lasso_cv.alpha_1se_,
                  f"LassoCV, {CV_FOLDS}-fold, 1-SE rule"),
        "ElasticNet": (ElasticNet(alpha=enet_cv.alpha_1se_, l1_ratio=ENET_L1_RATIO)
                       .fit(X, y), enet_cv.alpha_1se_,
                       f"ElasticNetCV l1_ratio={ENET_L1_RATIO}, 1-SE rule"),
        "Relaxed": (RelaxedLasso(alpha=lasso_cv.alpha_1se_, gamma=0.0).fit(X, y),
                    lasso_cv.alpha_1se_, "Lasso's support, refitted by least squares"),
    }
    return models, lasso_cv


def _section_coefficients(say, sc, models, report):
    say.section("1. Coefficients: least squares, Ridge, Lasso, elastic net")
    say(f"Fitted on the {len(sc.y_train)} training rows; alpha of each model:")
    for name, (_, alpha, how) in models.items():
        say(f"  {name:<10} {'-' if alpha is None else f'{alpha:.4g}':>8}  ({how})")
    say("")
    names = list(models)
    rows = []
    for j, feature in enumerate(sc.feature_names):
        rows.append([feature, _num(sc.coef[j], 1)]
                    + [_num(models[m][0].coef_[j]) for m in names])
    for name, (model, alpha, _) in models.items():
        report.coefs[name] = model.coef_.copy()
        report.alphas[name] = alpha
        report.exact_zeros[name] = int(np.sum(model.coef_ == 0.0))
        report.test_mse[name] = _mse(model, sc.X_test, sc.y_test)
    rows.append(["exact zeros", str(int(np.sum(sc.coef == 0)))]
                + [str(report.exact_zeros[m]) for m in names])
    rows.append(["test MSE", f"{NOISE_SD ** 2:.3f}"]
                + [f"{report.test_mse[m]:.3f}" for m in names])
    say(_table(["feature", "true", *names], rows))
    say("", f"(\"0\" is exactly zero. The true column's test MSE is the noise variance "
            f"{NOISE_SD}^2;",
        f" {len(sc.y_test)} test rows put about "
        f"+-{NOISE_SD ** 2 * np.sqrt(2 / len(sc.y_test)):.2f} of sampling noise on each "
        "MSE.)")


def _section_orthonormal(say, report):
    say.section("2. Orthonormal design: soft-thresholding vs proportional shrinkage")
    X, y = _orthonormal_data()
    n = X.shape[0]
    lasso = Lasso(alpha=ORTHO_LASSO_ALPHA, fit_intercept=False, tol=1e-12).fit(X, y)
    ridge = Ridge(alpha=ORTHO_RIDGE_ALPHA, fit_intercept=False).fit(X, y)
    ols = LinearRegression(fit_intercept=False).fit(X, y).coef_
    soft = soft_threshold(ols, ORTHO_LASSO_ALPHA)
    shrunk = ols / (1.0 + ORTHO_RIDGE_ALPHA / n)
    report.orthonormal = {"ols": ols, "lasso": lasso.coef_.copy(), "soft_threshold": soft,
                          "ridge": ridge.coef_.copy(), "ridge_closed_form": shrunk}
    say(f"X^T X = n I (n = {n}), fit_intercept=False. With orthonormal columns both "
        "penalties act", "coordinate by coordinate on the least-squares coefficients z:",
        f"  Lasso(alpha={ORTHO_LASSO_ALPHA:g})  = soft_threshold(z, alpha): z moves alpha "
        "towards 0, 0 when |z| <= alpha",
        f"  Ridge(alpha={ORTHO_RIDGE_ALPHA:g}) = z / (1 + alpha / n): every z scaled by "
        "one factor, never to 0", "")
    rows = [[_num(z), _num(a), _num(b), _num(c), _num(d)]
            for z, a, b, c, d in zip(ols, lasso.coef_, soft, ridge.coef_, shrunk)]
    say(_table(["OLS z", "Lasso fit", "soft_threshold(z)", "Ridge fit",
                "z / (1 + alpha/n)"], rows))
    worst = max(np.max(np.abs(lasso.coef_ - soft)), np.max(np.abs(ridge.coef_ - shrunk)))
    say("", f"Largest difference between the solvers and the closed forms: {worst:.1e}")


def _section_paths(say, sc, report):
    say.section("3. Paths: the Lasso selects, Ridge shrinks")
    X, y = sc.X_train, sc.y_train
    # tight tol: entry points and the drawn curves are the path's own, not
    # the default tolerance's few-percent approximation of it
    alphas, coefs, _ = lasso_path(X, y, fit_intercept=True, tol=1e-10, max_iter=10_000)
    nonzero = coefs != 0.0
    entered = nonzero.any(axis=1)
    # alphas decrease along the path: a feature enters at its first nonzero
    first = np.where(entered, nonzero.argmax(axis=1), -1)
    order = sorted(np.flatnonzero(entered), key=lambda j: first[j])
    report.lasso_entry_alphas = {sc.feature_names[j]: float(alphas[first[j]]) for j in order}
    say(f"lasso_path: {alphas.size} alphas from lambda_max = {alphas[0]:.3g} down to "
        f"{alphas[-1]:.3g}. Features enter one at a time:")
    rows = [[sc.feature_names[j], f"{alphas[first[j]]:.4g}", _num(sc.coef[j], 1),
             _num(coefs[j, -1])] for j in order]
    say(_table(["feature", "enters at alpha", "true", "coef at smallest alpha"], rows))
    never = [sc.feature_names[j] for j in np.flatnonzero(~entered)]
    if never:
        say(f"Never nonzero on the grid: {', '.join(never)}.")
    r_alphas, r_coefs, _ = ridge_path(X, y, RIDGE_PATH_ALPHAS)
    report.ridge_path_min_abs = float(np.min(np.abs(r_coefs)))
    say("", f"ridge_path: {r_alphas.size} alphas from {r_alphas[0]:.3g} to "
        f"{r_alphas[-1]:.3g} (one eigendecomposition). No coefficient",
        f"is ever exactly 0: the smallest |coefficient| anywhere on the path is "
        f"{report.ridge_path_min_abs:.2e}.")


def _section_cv(say, sc, lasso_cv, report):
    say.section("4. Cross-validated alpha: minimum and one-standard-error rule")
    mse = lasso_cv.mse_path_
    mean, se = mse.mean(axis=1), mse.std(axis=1, ddof=1) / np.sqrt(mse.shape[1])
    rows = []
    for rule, alpha in (("min", lasso_cv.alpha_), ("1se", lasso_cv.alpha_1se_)):
        k = int(np.argmin(np.abs(lasso_cv.alphas_ - alpha)))
        model = Lasso(alpha=alpha).fit(sc.X_train, sc.y_train)
        kept = np.flatnonzero(model.coef_)
        noise_kept = int(np.sum(sc.coef[kept] == 0))
        report.cv[rule] = {"alpha": alpha, "cv_mse": float(mean[k]), "cv_se": float(se[k]),
                           "nonzero": kept.size, "noise_kept": noise_kept,
                           "test_mse": _mse(model, sc.X_test, sc.y_test)}
        rows.append([f"alpha_{'' if rule == 'min' else '1se_'}", f"{alpha:.4g}",
                     f"{mean[k]:.3f} +- {se[k]:.3f}", str(kept.size), str(noise_kept),
                     f"{report.cv[rule]['test_mse']:.3f}"])
    say(f"LassoCV(cv={CV_FOLDS}): {lasso_cv.alphas_.size} alphas, contiguous folds.")
    say(_table(["rule", "alpha", "CV MSE +- SE", "nonzero", "noise kept", "test MSE"],
               rows))
    say("", "The minimum keeps small noise coefficients; the 1-SE rule takes the largest "
        "alpha whose", "error is within one standard error of it: a sparser model, "
        "statistically as good.")


def _section_relaxed(say, sc, models, report):
    say.section("5. Relaxed Lasso: select with the Lasso, refit without shrinkage")
    lasso, alpha, _ = models["Lasso"]
    relaxed = models["Relaxed"][0]
    support = relaxed.support_
    rows = [[sc.feature_names[j], _num(sc.coef[j], 1), _num(lasso.coef_[j]),
             _num(relaxed.relaxed_coef_[j]),
             _num(abs(relaxed.relaxed_coef_[j]) - abs(lasso.coef_[j]))] for j in support]
    say(f"RelaxedLasso(alpha=alpha_1se_={alpha:.4g}, gamma=0) on the Lasso's support "
        f"{{{', '.join(sc.feature_names[j] for j in support)}}}:")
    say(_table(["feature", "true", "Lasso", "relaxed refit", "|refit| - |Lasso|"], rows))
    relaxed_cv = RelaxedLassoCV(cv=CV_FOLDS).fit(sc.X_train, sc.y_train)
    report.relaxed = {
        "support": [sc.feature_names[j] for j in support],
        "lasso_test_mse": report.test_mse["Lasso"],
        "relaxed_test_mse": report.test_mse["Relaxed"],
        "cv_alpha": relaxed_cv.alpha_, "cv_gamma": relaxed_cv.gamma_,
        "cv_test_mse": _mse(relaxed_cv, sc.X_test, sc.y_test),
    }
    r = report.relaxed
    say("", "The Lasso pulls each kept coefficient about alpha towards 0; the refit "
        "undoes it.",
        f"Test MSE: Lasso {r['lasso_test_mse']:.3f}, relaxed {r['relaxed_test_mse']:.3f}; "
        f"RelaxedLassoCV(cv={CV_FOLDS}) picks alpha={r['cv_alpha']:.3g},",
        f"gamma={r['cv_gamma']:g} (0: fully relaxed, 1: the Lasso): test MSE "
        f"{r['cv_test_mse']:.3f}.")


def _section_geometry(say, report):
    say.section("6. The diamond and the disc: one budget, two constraints")
    X, y = _geometry_data()
    ols = LinearRegression().fit(X, y).coef_
    lasso = constrained_least_squares(X, y, GEOMETRY_BUDGET, norm="l1")
    ridge = constrained_least_squares(X, y, GEOMETRY_BUDGET, norm="l2")
    report.geometry = {"X": X, "y": y, "ols": ols, "budget": GEOMETRY_BUDGET,
                       "lasso": lasso, "ridge": ridge}
    say(f"Two correlated features (rho = {GEOMETRY_RHO}), n = {GEOMETRY_N}, true w = "
        f"{GEOMETRY_COEF};", f"least squares w = ({ols[0]:.4f}, {ols[1]:.4f}).",
        f"min RSS subject to ||w|| <= t = {GEOMETRY_BUDGET}, each solved as the penalised "
        "problem", "at the alpha where ||w(alpha)|| = t (a root search over the solvers):",
        "")
    rows = [["l1 (Lasso)", f"{lasso.alpha:.6g}", _num(lasso.coef[0], 6),
             _num(lasso.coef[1], 6), f"{np.abs(lasso.coef).sum():.12f}"],
            ["l2 (Ridge)", f"{ridge.alpha:.6g}", _num(ridge.coef[0], 6),
             _num(ridge.coef[1], 6), f"{np.linalg.norm(ridge.coef):.12f}"]]
    say(_table(["constraint", "alpha", "w0", "w1", "||w|| at optimum"], rows))
    corner = "on a corner of the diamond: w1 is exactly 0" if lasso.coef[1] == 0.0 \
        else "on an edge of the diamond"
    say("", f"The Lasso lands {corner};", "the disc has no corners: Ridge keeps both.")


def _neg_log_posterior(X, y, prior, scale):
    """(value, gradient) of -log p(w, c | y) + const, as a function of (w, c).

    Noise N(0, NOISE_SD^2), weights N(0, scale^2) or Laplace(0, scale), the
    intercept c flat; divided by n so that the optimiser sees O(1) numbers.
    For the Laplace prior the "gradient" of |w_j| is sign(w_j): no gradient
    exists at 0, and this is what a smooth optimiser is given.
    """
    n, s2 = X.shape[0], NOISE_SD ** 2

    def f(theta):
        w, c = theta[:-1], theta[-1]
        r = y - X @ w - c
        if prior == "gaussian":
            penalty, d_penalty = w @ w / (2 * scale ** 2), w / scale ** 2
        else:
            penalty, d_penalty = np.abs(w).sum() / scale, np.sign(w) / scale
        value = r @ r / (2 * s2) + penalty
        return value / n, np.r_[-X.T @ r / s2 + d_penalty, -r.sum() / s2] / n

    return f


def _posterior_mode(X, y, prior, scale, *, split=False):
    """The MAP (w, c) by SciPy's L-BFGS-B: a general-purpose check of the solvers.

    ``split``: the Laplace prior with w = u - v, u, v >= 0, so that
    |w_j| = u_j + v_j is smooth and a zero is a bound L-BFGS-B can sit on.
    """
    import scipy.optimize

    p = X.shape[1]
    f = _neg_log_posterior(X, y, prior, scale)
    # ftol=0: stop on the projected gradient, not on a small decrease of f
    options = {"maxiter": 50_000, "ftol": 0.0, "gtol": 1e-12}
    if not split:
        result = scipy.optimize.minimize(f, np.zeros(p + 1), jac=True, method="L-BFGS-B",
                                         options=options)
        return result.x[:p], result.x[p], result

    slope = 1.0 / (scale * X.shape[0])       # of the prior's term, per unit of u or v

    def f_split(theta):
        u, v = theta[:p], theta[p:2 * p]
        value, grad = f(np.r_[u - v, theta[-1]])
        # f counts |u - v|; the split problem counts u + v (equal at its optimum)
        value += ((u + v).sum() - np.abs(u - v).sum()) * slope
        loss_grad = grad[:p] - np.sign(u - v) * slope
        return value, np.r_[loss_grad + slope, -loss_grad + slope, grad[p]]

    bounds = [(0.0, None)] * (2 * p) + [(None, None)]
    result = scipy.optimize.minimize(f_split, np.zeros(2 * p + 1), jac=True,
                                     method="L-BFGS-B", bounds=bounds, options=options)
    u, v = result.x[:p], result.x[p:2 * p]
    return u - v, result.x[-1], result


def _tiny(value):
    """A posterior-mode coefficient: exact zeros as "0", near-zeros visible."""
    return "0" if value == 0.0 else f"{value:.1e}" if abs(value) < 1e-3 else f"{value:.6f}"


def _section_bayes(say, sc, models, report):
    say.section("7. The Bayesian view: Ridge and the Lasso as posterior modes")
    X, y = sc.X_train, sc.y_train
    n = X.shape[0]
    ridge_alpha, lasso_alpha = models["Ridge"][1], models["Lasso"][1]
    tau = prior_scale_from_alpha("gaussian", ridge_alpha, noise_sd=NOISE_SD)
    b = prior_scale_from_alpha("laplace", lasso_alpha, noise_sd=NOISE_SD, n_samples=n)
    # and back: the forward mapping returns the alphas the fits use
    round_trip = max(abs(alpha_from_prior("gaussian", tau, noise_sd=NOISE_SD)
                         / ridge_alpha - 1),
                     abs(alpha_from_prior("laplace", b, noise_sd=NOISE_SD, n_samples=n)
                         / lasso_alpha - 1))
    ridge = Ridge(alpha=ridge_alpha).fit(X, y)
    # tight tol: the comparison is with an optimiser run to its own precision
    lasso = Lasso(alpha=lasso_alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    gauss_w, gauss_c, _ = _posterior_mode(X, y, "gaussian", tau)
    direct_w, direct_c, direct = _posterior_mode(X, y, "laplace", b)
    split_w, split_c, _ = _posterior_mode(X, y, "laplace", b, split=True)
    zeros = lasso.coef_ == 0.0
    report.bayes = {
        "noise_sd": NOISE_SD, "tau": tau, "b": b, "ridge_alpha": ridge_alpha,
        "lasso_alpha": lasso_alpha, "round_trip": round_trip,
        "ridge": ridge.coef_.copy(), "ridge_intercept": ridge.intercept_,
        "gaussian_map": gauss_w, "gaussian_map_intercept": gauss_c,
        "lasso": lasso.coef_.copy(), "lasso_intercept": lasso.intercept_,
        "laplace_map_direct": direct_w, "laplace_map_direct_message": str(direct.message),
        "laplace_map_split": split_w, "laplace_map_split_intercept": split_c,
    }
    say(f"Noise N(0, sigma^2) with sigma = {NOISE_SD} (the scenario's), a flat prior on "
        "the intercept:", "minus the log posterior is the penalised loss, rescaled "
        "(shrinkage.alpha_from_prior):",
        f"  w_j ~ N(0, tau^2)    Ridge alpha = sigma^2 / tau^2   alpha {ridge_alpha:.4g} "
        f"<=> tau = {tau:.4g}",
        f"  w_j ~ Laplace(0, b)  Lasso alpha = sigma^2 / (n b)   alpha {lasso_alpha:.4g} "
        f"<=> b = {b:.4g} (n = {n})",
        "The alphas are section 1's; prior_scale_from_alpha gave tau and b, and "
        "alpha_from_prior maps", f"them back to {round_trip:.0e} relative.",
        "Each posterior mode found by SciPy's general-purpose L-BFGS-B, next to the fit:",
        "")
    rows = [[feature, _num(sc.coef[j], 1), _tiny(ridge.coef_[j]), _tiny(gauss_w[j]),
             _tiny(lasso.coef_[j]), _tiny(direct_w[j]), _tiny(split_w[j])]
            for j, feature in enumerate(sc.feature_names)]
    rows.append(["intercept", "-", _tiny(ridge.intercept_), _tiny(gauss_c),
                 _tiny(lasso.intercept_), _tiny(direct_c), _tiny(split_c)])
    say(_table(["feature", "true", "Ridge", "Gaussian MAP", "Lasso",
                "Laplace MAP |w|", "Laplace MAP u - v"], rows))
    gap_gauss = max(np.max(np.abs(gauss_w - ridge.coef_)), abs(gauss_c - ridge.intercept_))
    gap_split = max(np.max(np.abs(split_w - lasso.coef_)), abs(split_c - lasso.intercept_))
    gap_direct = np.max(np.abs(direct_w - lasso.coef_)[~zeros])
    near = np.abs(direct_w[zeros])
    # minus the log posterior, in nats (up to its constant), at each answer
    nlp = _neg_log_posterior(X, y, "laplace", b)
    excess = {name: n * (nlp(np.r_[w, c])[0] - nlp(np.r_[lasso.coef_, lasso.intercept_])[0])
              for name, w, c in (("direct", direct_w, direct_c), ("split", split_w, split_c))}
    report.bayes["excess_nlp"] = excess
    say("", f"Largest difference from the fit: Gaussian MAP {gap_gauss:.1e}, Laplace MAP "
        f"u - v {gap_split:.1e},",
        f"with exact zeros where the Lasso has them ({int(zeros.sum())}: "
        f"{'the same' if np.array_equal(split_w == 0, zeros) else 'NOT the same'}).",
        "L-BFGS-B on |w_j| itself (given sign(w_j) as its slope) gets near the Lasso's "
        "zeros, never on",
        f"them (|w_j| from {near.min():.1e} to {near.max():.1e}), and stops short "
        f"elsewhere ({gap_direct:.1e} off, minus",
        f"its log posterior {excess['direct']:.1e} nats above the Lasso's; the u - v "
        f"run's {excess['split']:.1e}).",
        "|w_j| has a kink at 0, where its slope jumps from -1/b to 1/b: steps straddle "
        "it and the", "curvature model and line search break down. With w_j = u_j - v_j, "
        "u_j, v_j >= 0, the kink",
        "becomes a bound, which L-BFGS-B lands on exactly.",
        f"The 1-SE Lasso's prior is narrow (sd sqrt(2) b = {np.sqrt(2) * b:.3f}; true "
        f"weights reach {max(map(abs, TRUE_COEF))}): its",
        "zeros come from the kink at the mode, not from prior mass at 0 (a density puts "
        "none there).")


def _section_timings(say, sc, report):
    say.section("8. Timings against scikit-learn (indicative)")
    try:
        import sklearn
        from sklearn import linear_model as sk
    except ImportError:
        say('scikit-learn is not installed: timings skipped (pip install "shrinkage[demo]").')
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    X, y = sc.X_train, sc.y_train
    Xc, yc = X - X.mean(axis=0), y - y.mean()       # the path functions fit no intercept
    alpha = report.alphas["Lasso"]
    grid = lasso_path(Xc, yc)[0]
    tasks = {
        "Lasso (one alpha)": (lambda: Lasso(alpha=alpha).fit(X, y),
                              lambda: sk.Lasso(alpha=alpha).fit(X, y)),
        "ElasticNet (one alpha)": (
            lambda: ElasticNet(alpha=alpha, l1_ratio=ENET_L1_RATIO).fit(X, y),
            lambda: sk.ElasticNet(alpha=alpha, l1_ratio=ENET_L1_RATIO).fit(X, y)),
        f"lasso_path ({grid.size} alphas)": (lambda: lasso_path(Xc, yc, alphas=grid),
                                             lambda: sk.lasso_path(Xc, yc, alphas=grid)),
        f"LassoCV ({CV_FOLDS} folds)": (lambda: LassoCV(cv=CV_FOLDS).fit(X, y),
                                        lambda: sk.LassoCV(cv=CV_FOLDS).fit(X, y)),
        "Ridge": (lambda: Ridge(alpha=1.0).fit(X, y), lambda: sk.Ridge(alpha=1.0).fit(X, y)),
        f"RidgeCV ({RIDGE_ALPHAS.size} alphas, LOO)": (
            lambda: RidgeCV(alphas=RIDGE_ALPHAS).fit(X, y),
            lambda: sk.RidgeCV(alphas=RIDGE_ALPHAS).fit(X, y)),
    }
    if threadpool_limits is not None:
        with threadpool_limits(limits=1):
            times = _median_times(tasks)
        threads = "BLAS pinned to 1 thread for both (threadpoolctl)"
    else:
        times = _median_times(tasks)
        threads = "BLAS threads not pinned (threadpoolctl is not installed)"
    report.timings = times
    say(f"The {sc.X_train.shape[0]} x {sc.X_train.shape[1]} training set, scikit-learn "
        f"{sklearn.__version__}, median of {TIMING_REPEATS} runs, alternated;",
        f"{threads}.")
    rows = [[task, f"{ours * 1e3:.2f}", f"{theirs * 1e3:.2f}", f"{theirs / ours:.1f}x"]
            for task, (ours, theirs) in times.items()]
    say(_table(["task", "shrinkage ms", "scikit-learn ms", "speed-up"], rows))
    say("", "Indicative only: one small problem on a machine that may be busy. The "
        "benchmark suite", "(bench/, README 'Speed') compares at equal precision.")


def _median_times(tasks):
    """Median wall time of each (ours, theirs) pair, runs alternated after a warm-up."""
    samples = {task: ([], []) for task in tasks}
    for pair in tasks.values():
        for run in pair:
            run()
    for _ in range(TIMING_REPEATS):
        for task, pair in tasks.items():
            for run, out in zip(pair, samples[task]):
                start = time.perf_counter()
                run()
                out.append(time.perf_counter() - start)
    return {task: (statistics.median(ours), statistics.median(theirs))
            for task, (ours, theirs) in samples.items()}


def _section_figures(say, sc, models, lasso_cv, report, out):
    say.section("9. Figures")
    try:
        from matplotlib.figure import Figure

        from . import plot
    except ImportError:
        say('matplotlib is not installed: figures skipped (pip install "shrinkage[plot]").')
        return
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    geometry = report.geometry

    def draw_paths(fig):
        plot.plot_path(lasso_cv, sc.X_train, sc.y_train, ridge=True, title="Lasso",
                       ax=fig.subplots(1, 2))

    figures = {
        "paths.png": ("Lasso and Ridge coefficient paths, alpha_ and alpha_1se_ marked",
                      (11.5, 4.2), draw_paths),
        "cv.png": ("LassoCV error curve with standard errors",
                   (6.5, 4.2), lambda fig: plot.plot_cv(lasso_cv, ax=fig.subplots())),
        "coefficients.png": ("coefficients of the five models against the truth",
                             (10.0, 4.2), lambda fig: plot.plot_coefficients(
                                 {name: m for name, (m, _, _) in models.items()},
                                 true_coef=sc.coef, feature_names=sc.feature_names,
                                 ax=fig.subplots())),
        "constraint_geometry.png": (
            "l1 diamond and l2 disc with the constrained optima", (8.0, 4.8),
            lambda fig: plot.plot_constraint_geometry(
                geometry["X"], geometry["y"], geometry["budget"], ax=fig.subplots())),
        "penalty_surface.png": (
            "l1 cone and l2 bowl over (w0, w1), the two-feature loss surface",
            (11.0, 5.0), lambda fig: plot.plot_penalty_surface(
                geometry["X"], geometry["y"],
                ax=[fig.add_subplot(1, 2, k, projection="3d") for k in (1, 2)])),
        "priors.png": (
            "Gaussian and Laplace priors of section 7, true weights marked",
            (11.0, 4.2), lambda fig: plot.plot_prior_densities(
                report.bayes["tau"], report.bayes["b"], coef=sc.coef,
                coef_label="true weights", ax=fig.subplots(1, 2))),
    }
    say(f"Written to {out.resolve()}:")
    width = max(map(len, figures))
    for filename, (what, size, draw) in figures.items():
        fig = Figure(figsize=size, layout="constrained")
        draw(fig)
        fig.savefig(out / filename, dpi=110)
        report.figures.append(out / filename)
        say(f"  {filename:<{width}}  {what}")


def run_demo(out=DEFAULT_OUT, *, plots=True, timings=True, file=None):
    """Run the tour, print its tables to ``file`` and return the numbers.

    Parameters
    ----------
    out : str or path-like, default="shrinkage-demo"
        Folder for the figures (created when needed).
    plots : bool, default=True
        Write the figures (needs matplotlib; skipped with a hint without it).
    timings : bool, default=True
        Time shrinkage against scikit-learn (skipped with a note without it).
    file : file-like, default=None
        Where the tables go; standard output by default.

    Returns
    -------
    DemoReport
    """
    say = _Writer(file)
    start = time.perf_counter()
    sc = make_scenario()
    title = f"shrinkage {__version__}: the textbook tour of l1 vs l2 regularisation"
    truth = " ".join(f"{'-' if c < 0 else '+'} {abs(c)} x{j}" for j, c in enumerate(TRUE_COEF))
    say(title, "#" * len(title),
        f"{N_SAMPLES} samples x {N_FEATURES} standardised features, seed {SEED}: "
        f"y = {truth.lstrip('+ ')} + noise (sd {NOISE_SD}).",
        f"{len(sc.y_train)} training rows, {len(sc.y_test)} test rows; "
        f"x{len(TRUE_COEF)} ... x{N_FEATURES - 1} are pure noise.")
    report = DemoReport()
    models, lasso_cv = _fit_models(sc)
    _section_coefficients(say, sc, models, report)
    _section_orthonormal(say, report)
    _section_paths(say, sc, report)
    _section_cv(say, sc, lasso_cv, report)
    _section_relaxed(say, sc, models, report)
    _section_geometry(say, report)
    _section_bayes(say, sc, models, report)
    if timings:
        _section_timings(say, sc, report)
    if plots:
        _section_figures(say, sc, models, lasso_cv, report, out)
    say("", f"Done in {time.perf_counter() - start:.1f} s.")
    return report

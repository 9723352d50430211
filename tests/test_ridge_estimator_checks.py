"""scikit-learn's estimator checks for Ridge, RidgeCV and LinearRegression."""

import pytest
# scikit-learn is the reference here: without it (musllinux wheel tests) this module skips.
pytest.importorskip("sklearn")
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import LinearRegression, Ridge, RidgeCV

# Checks that genuinely do not apply, with the reason (scikit-learn marks the
# same check as an expected failure for its own Ridge).
N_ITER_NONE = {
    "check_non_transformer_estimators_n_iter": (
        "n_iter_ is None: the solvers are direct (Cholesky, SVD), not "
        "iterative; scikit-learn's Ridge is marked the same way"
    ),
}

ESTIMATORS = [
    Ridge(),
    Ridge(solver="svd"),
    Ridge(alpha=0.5, fit_intercept=False),
    Ridge(positive=True),
    RidgeCV(),
    RidgeCV(alphas=(0.01, 0.1, 1.0, 10.0), alpha_per_target=True),
    RidgeCV(cv=3),
    RidgeCV(scoring="neg_mean_squared_error", gcv_mode="svd"),
    LinearRegression(),
    LinearRegression(fit_intercept=False),
    LinearRegression(positive=True),
]


# The check replaces ``cv`` by explicit folds, which scikit-learn's RidgeCV
# (and ours) rejects together with alpha_per_target=True.
_REASON = (
    "the check sets cv= to explicit folds, and alpha_per_target=True is only "
    "defined for leave-one-out (cv=None), as in scikit-learn"
)
ALPHA_PER_TARGET_NEEDS_LOO = {
    "check_sample_weight_equivalence_on_dense_data": _REASON,
    "check_sample_weight_equivalence_on_sparse_data": _REASON,
}


def _expected_failed_checks(estimator):
    if isinstance(estimator, Ridge):
        return N_ITER_NONE
    if isinstance(estimator, RidgeCV) and estimator.alpha_per_target:
        return ALPHA_PER_TARGET_NEEDS_LOO
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_sklearn_tags(estimator):
    tags = estimator.__sklearn_tags__()
    assert tags.estimator_type == "regressor"
    assert tags.target_tags.multi_output
    assert tags.input_tags.sparse

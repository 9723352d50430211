"""Typed use of shrinkage's public API, checked by mypy in .ci/run.

Not a test module (pytest collects ``test_*.py`` only): mypy reads it to
check that the annotations and stubs let user code type-check, and a wrong
use (see the ``type: ignore`` lines, which mypy's ``warn_unused_ignores``
requires to be errors) is caught.
"""

import numpy as np
from numpy.typing import NDArray

import shrinkage
from shrinkage import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LinearRegression,
    RelaxedLasso,
    Ridge,
    RidgeCV,
    enet_path,
    lasso_path,
    ridge_path,
    soft_threshold,
)

rng = np.random.default_rng(0)
X: NDArray[np.float64] = rng.standard_normal((50, 4))
y: NDArray[np.float64] = X @ np.array([1.0, -2.0, 0.0, 0.5])

lasso: Lasso = Lasso(alpha=0.1).fit(X, y)       # fit returns Self
pred: NDArray[np.floating] = lasso.predict(X)
r2: float = lasso.score(X, y)
enet: ElasticNet = ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, y, sample_weight=np.ones(50))
cv: LassoCV = LassoCV(cv=3).fit(X, y)
enet_cv: ElasticNetCV = ElasticNetCV(cv=3).fit(X.tolist(), y.tolist())   # array-likes
ridge: Ridge = Ridge(alpha=1.0).fit(X, y)
ridge_cv: RidgeCV = RidgeCV(alphas=(0.1, 1.0)).fit(X, y)
ols: LinearRegression = LinearRegression().fit(X, y)
relaxed: RelaxedLasso = RelaxedLasso(alpha=0.1, gamma=0.5).fit(X, y)

alphas, coefs, gaps = lasso_path(X, y, alphas=np.logspace(-2, 0, 5))
enet_alphas = enet_path(X, y, l1_ratio=0.5)[0]
ridge_alphas = ridge_path(X, y, np.logspace(-2, 2, 5))[0]
shrunk = soft_threshold(np.array([-2.0, 0.5, 3.0]), 1.0)
version: str = shrinkage.__version__

bad: str = Lasso().score(X, y)  # type: ignore[assignment]
Lasso().fit(X)  # type: ignore[call-arg]

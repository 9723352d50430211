"""The estimator protocol, without a runtime dependency on scikit-learn.

shrinkage's estimators follow scikit-learn's conventions (constructor stores
parameters verbatim, ``get_params``/``set_params``, fitted attributes end in
``_``, ``__sklearn_tags__``) so that ``sklearn.base.clone``, pipelines,
grid searches and ``check_estimator`` work with them, while a plain install
needs only NumPy and SciPy. The tags object is built lazily from
scikit-learn's own classes, which exist whenever scikit-learn asks for it.
Metadata routing (``set_fit_request``, ``get_metadata_routing``) works the
same way: the request setters are generated from the method signatures
when a class is defined, and scikit-learn's request objects are built only
when one of them is called.
"""

from __future__ import annotations


import inspect
import math
import warnings

import numpy as np
import scipy.sparse as sp

from ._typing import ArrayLike, FloatArray, MatrixLike
from ._exceptions import not_fitted_error
from ._validation import check_X, check_sample_weight, check_y, feature_names_of

__all__ = ["BaseEstimator", "RegressorMixin", "LinearModel"]


# The methods scikit-learn routes metadata to (its SIMPLE_METHODS), the
# parameters of theirs that are data rather than metadata, and its sentinel
# for "keep the current request": copied so that no scikit-learn import is
# needed to define a class.
_ROUTED_METHODS = ("fit", "partial_fit", "predict", "predict_proba",
                   "predict_log_proba", "decision_function", "score", "split",
                   "transform", "inverse_transform")
_NOT_METADATA = frozenset({"X", "y", "Y", "Xt", "yt",
                           "check_input"})  # ElasticNet.fit's flag, as in scikit-learn
_UNCHANGED = "$UNCHANGED$"


def _metadata_params(method):
    """Names of the metadata a method accepts: its named optional arguments."""
    params = list(inspect.signature(method).parameters.values())[1:]  # skip self
    return [p.name for p in params
            if p.name not in _NOT_METADATA
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _request_setter(method, keys):
    """``set_{method}_request``: what scikit-learn generates for its estimators."""

    def set_request(self, **requests):
        import sklearn

        if not sklearn.get_config().get("enable_metadata_routing", False):
            raise RuntimeError(
                "This method is only available when metadata routing is enabled."
                " You can enable it using"
                " sklearn.set_config(enable_metadata_routing=True)."
            )
        unexpected = set(requests) - set(keys)
        if unexpected:
            raise TypeError(
                f"Unexpected args: {unexpected} in {method}. "
                f"Accepted arguments are: {set(keys)}"
            )
        routing = self._get_metadata_request()
        for param, alias in requests.items():
            if not (isinstance(alias, str) and alias == _UNCHANGED):
                getattr(routing, method).add_request(param=param, alias=alias)
        self._metadata_request = routing
        return self

    set_request.__name__ = set_request.__qualname__ = f"set_{method}_request"
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    set_request.__signature__ = inspect.Signature(
        [self_param] + [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY,
                                          default=_UNCHANGED) for k in keys])
    param_doc = "".join(
        f"        {k} : str, True, False, or None, default=sklearn.utils.metadata_routing.UNCHANGED\n"
        f"            Metadata routing for ``{k}`` in ``{method}``.\n" for k in keys)
    set_request.__doc__ = (
        f"Request metadata passed to ``{method}`` (scikit-learn metadata routing).\n\n"
        "        Only relevant inside a meta-estimator with\n"
        "        ``sklearn.set_config(enable_metadata_routing=True)``: ``True``\n"
        "        routes the metadata, ``False`` does not, ``None`` raises if it\n"
        "        is given, a string routes the metadata of that name instead.\n\n"
        + ("        Parameters\n        ----------\n" + param_doc + "\n" if keys else "")
        + "        Returns\n        -------\n        self : object\n"
          "            The updated estimator.\n")
    set_request._shrinkage_generated = True
    return set_request


class BaseEstimator:
    """Parameter handling shared by every estimator."""

    # What fit accepts, for scikit-learn's tags: sparse X, and which y
    # shapes (its TargetTags defaults: one target only).
    _sparse_input = False
    _single_output = True
    _multi_output = False

    def __init_subclass__(cls, **kwargs):
        # One set_{method}_request per method that accepts metadata, as
        # scikit-learn's _MetadataRequester generates them (a subclass whose
        # override drops the metadata gets a setter that accepts none).
        super().__init_subclass__(**kwargs)
        for method in _ROUTED_METHODS:
            name = f"set_{method}_request"
            inherited = getattr(cls, name, None)
            if inherited is not None and not getattr(inherited, "_shrinkage_generated", False):
                continue  # written by hand
            function = getattr(cls, method, None)
            keys = _metadata_params(function) if inspect.isfunction(function) else []
            if keys or inherited is not None:
                setattr(cls, name, _request_setter(method, keys))

    def get_metadata_routing(self):
        """Get the metadata routing of this estimator (scikit-learn's protocol).

        Needs scikit-learn. Every metadata a method accepts (``sample_weight``)
        is requested as ``None`` (error if routed without a request) unless
        set otherwise with ``set_{method}_request``.

        Returns
        -------
        routing : sklearn.utils.metadata_routing.MetadataRequest
            A copy; changing it does not change the estimator.
        """
        return self._get_metadata_request()

    def _get_metadata_request(self):
        """This estimator's own requests (scikit-learn's method of that name):
        what ``get_metadata_routing`` returns unless the estimator also
        routes metadata to an object it holds (a CV splitter)."""
        stored = self.__dict__.get("_metadata_request")
        if stored is not None:
            return stored.__sklearn_clone__()
        from sklearn.utils.metadata_routing import MetadataRequest

        routing = MetadataRequest(owner=self)
        for method in _ROUTED_METHODS:
            function = getattr(type(self), method, None)
            if inspect.isfunction(function):
                for key in _metadata_params(function):
                    getattr(routing, method).add_request(param=key, alias=None)
        return routing

    @classmethod
    def _get_param_names(cls):
        init = cls.__init__
        if init is object.__init__:
            return []
        params = inspect.signature(init).parameters.values()
        for p in params:
            if p.kind == p.VAR_POSITIONAL:
                raise RuntimeError(
                    f"{cls.__name__}.__init__ must not take *args: parameters "
                    "have to be explicit keyword arguments."
                )
        return sorted(p.name for p in params if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        """Get this estimator's parameters.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of contained estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params):
        """Set this estimator's parameters; returns the estimator.

        Nested parameters use ``<component>__<parameter>``.
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {sorted(self._get_param_names())!r}."
                )
            if delim:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self):
        defaults = {
            p.name: p.default
            for p in inspect.signature(type(self).__init__).parameters.values()
            if p.default is not p.empty
        }
        changed = []
        for name in self._get_param_names():
            value = getattr(self, name, None)
            default = defaults.get(name, inspect.Parameter.empty)
            if not _same_value(value, default):
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_is_fitted__(self):
        return hasattr(self, "n_features_in_")

    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags

        return Tags(
            estimator_type=None,
            target_tags=TargetTags(required=False, single_output=self._single_output,
                                   multi_output=self._multi_output),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=None,
            input_tags=InputTags(sparse=self._accepts_sparse()),
        )

    def _accepts_sparse(self):
        return self._sparse_input

    def _check_is_fitted(self):
        if not self.__sklearn_is_fitted__():
            raise not_fitted_error(
                f"This {type(self).__name__} instance is not fitted yet. Call "
                "'fit' with appropriate arguments before using this estimator."
            )


def _same_value(a, b):
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return False
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:
        return False


class RegressorMixin:
    """``score`` (coefficient of determination) and regressor tags."""

    def score(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        """Coefficient of determination R^2 of the prediction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        score : float
            ``1 - SS_res / SS_tot``, averaged uniformly over targets.
        """
        pred = self.predict(X)
        y = check_y(y, np.shape(pred)[0], estimator=type(self).__name__)
        y2 = y.reshape(len(y), -1)
        pred2 = np.asarray(pred).reshape(len(y), -1)
        sw = check_sample_weight(sample_weight, len(y))
        w = np.ones(len(y)) if sw is None else sw
        ss_res = w @ (y2 - pred2) ** 2
        y_mean = (w @ y2) / w.sum()
        ss_tot = w @ (y2 - y_mean) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0),
                          np.where(ss_res > 0, 0.0, 1.0))
        return float(np.mean(r2))

    def __sklearn_tags__(self):
        from sklearn.utils import RegressorTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        tags.target_tags.required = True
        return tags


class LinearModel(RegressorMixin, BaseEstimator):
    """Shared fitted-state handling and ``predict`` of the linear models.

    Subclasses set ``coef_`` (shape ``(n_features,)`` or
    ``(n_targets, n_features)``) and ``intercept_`` in ``fit``, after calling
    ``_record_input`` with the training ``X``.
    """

    def _record_input(self, X_raw, X):
        names = feature_names_of(X_raw)  # may raise: before any fitted state
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _check_predict_input(self, X):
        self._check_is_fitted()
        self._check_feature_names(X)
        # float32 stays float32: a float32 model then predicts in float32,
        # a float64 one in float64 (scikit-learn's result types)
        Xv = check_X(X, estimator=type(self).__name__,
                     accept_sparse=("csr", "csc") if self._accepts_sparse() else False,
                     keep_float32=True)
        if Xv.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {Xv.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )
        return Xv

    def _check_feature_names(self, X):
        """Warn or raise, with scikit-learn's messages, on names unlike fit's."""
        names = feature_names_of(X)
        fitted = getattr(self, "feature_names_in_", None)
        name = type(self).__name__
        if names is None and fitted is None:
            return
        if fitted is None:
            warnings.warn(f"X has feature names, but {name} was fitted without "
                          "feature names", UserWarning, stacklevel=4)
            return
        if names is None:
            warnings.warn(f"X does not have valid feature names, but {name} was "
                          "fitted with feature names", UserWarning, stacklevel=4)
            return
        if len(names) == len(fitted) and np.all(names == fitted):
            return
        unseen = sorted(set(names) - set(fitted))
        missing = sorted(set(fitted) - set(names))
        message = "The feature names should match those that were passed during fit.\n"
        if unseen:
            message += "Feature names unseen at fit time:\n" + _listing(unseen)
        if missing:
            message += "Feature names seen at fit time, yet now missing:\n" + _listing(missing)
        if not unseen and not missing:
            message += "Feature names must be in the same order as they were in fit.\n"
        raise ValueError(message + "Hint: reorder or rename the columns of X to match "
                         "feature_names_in_.")

    def predict(self, X: MatrixLike) -> FloatArray:
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        state = self.__dict__
        if (type(X) is np.ndarray and X.dtype == np.float64 and X.ndim == 2
                and "feature_names_in_" not in state
                and X.shape[1] == state.get("n_features_in_", -1) and X.shape[0] > 0
                and (X.flags.c_contiguous or X.flags.f_contiguous)
                and math.isfinite(X.sum())):
            # a plain, finite float64 array: what the checks below would
            # pass through unchanged (a small problem's predict costs about
            # as much as these checks)
            return X @ self.coef_.T + self.intercept_
        X = self._check_predict_input(X)
        if sp.issparse(X):
            return np.asarray(X @ self.coef_.T) + self.intercept_
        return X @ self.coef_.T + self.intercept_

    @property
    def sparse_coef_(self):
        """``coef_`` as a SciPy CSR matrix."""
        self._check_is_fitted()
        return sp.csr_matrix(np.atleast_2d(self.coef_))


def _listing(names, shown=5):
    """``- name`` lines, at most ``shown`` of them (scikit-learn's format)."""
    lines = [f"- {n}\n" for n in names[:shown]]
    return "".join(lines) + ("- ...\n" if len(names) > shown else "")

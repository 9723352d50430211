import numpy as np
import pytest

from shrinkage import soft_threshold


def reference(x, t):
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)


@pytest.mark.parametrize("t", [0.0, 0.3, 1.0, 7.5])
def test_matches_numpy_formula(t):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(1001) * 3
    np.testing.assert_array_equal(soft_threshold(x, t), reference(x, t))


def test_exact_values_and_signed_zero():
    out = soft_threshold([-3.0, -0.5, 0.2, 2.0, 1.0], 1.0)
    np.testing.assert_array_equal(out, [-2.0, 0.0, 0.0, 1.0, 0.0])
    # Inside the threshold the sign of x is kept on the zero, as in the formula.
    assert np.signbit(out[1]) and not np.signbit(out[2])


def test_scalar_in_scalar_out():
    assert soft_threshold(2.5, 1.0) == 1.5
    assert soft_threshold(-0.5, 1.0) == 0.0
    assert isinstance(soft_threshold(3, 1), float)


def test_any_shape_and_dtype():
    x = np.arange(-12, 12, dtype=np.int32).reshape(2, 3, 4)
    out = soft_threshold(x, 2)
    assert out.shape == (2, 3, 4) and out.dtype == np.float64
    np.testing.assert_array_equal(out, reference(x, 2))


def test_non_contiguous_input_is_not_modified():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((20, 30))
    x = base[::2, ::3]
    before = base.copy()
    np.testing.assert_array_equal(soft_threshold(x, 0.5), reference(x, 0.5))
    np.testing.assert_array_equal(base, before)


def test_array_threshold_broadcasts():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 4))
    t = np.array([0.0, 0.5, 1.0, 2.0])
    np.testing.assert_array_equal(soft_threshold(x, t), reference(x, t))


def test_out_argument_and_in_place():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(50)
    expected = reference(x, 0.7)
    out = np.empty(50)
    assert soft_threshold(x, 0.7, out=out) is out
    np.testing.assert_array_equal(out, expected)
    soft_threshold(x, 0.7, out=x)
    np.testing.assert_array_equal(x, expected)


def test_non_contiguous_out():
    x = np.linspace(-2, 2, 10)
    holder = np.zeros(20)
    out = holder[::2]
    soft_threshold(x, 0.5, out=out)
    np.testing.assert_array_equal(holder[::2], reference(x, 0.5))
    np.testing.assert_array_equal(holder[1::2], 0.0)


def test_nan_propagates():
    out = soft_threshold(np.array([np.nan, 1.0]), 0.5)
    assert np.isnan(out[0]) and out[1] == 0.5


@pytest.mark.parametrize("t", [-1e-300, -1.0, np.nan])
def test_negative_or_nan_threshold_rejected(t):
    with pytest.raises(ValueError, match="threshold t must be >= 0"):
        soft_threshold([1.0, 2.0], t)


def test_bad_out_rejected():
    with pytest.raises(ValueError, match="shape"):
        soft_threshold(np.ones(3), 1.0, out=np.empty(4))
    with pytest.raises(TypeError, match="float64"):
        soft_threshold(np.ones(3), 1.0, out=np.empty(3, dtype=np.float32))


def test_non_numeric_rejected():
    with pytest.raises(TypeError, match="real numbers"):
        soft_threshold(np.array(["a", "b"]), 1.0)

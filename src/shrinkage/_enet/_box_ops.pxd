# The box-constrained kernel's one-coordinate helpers, inline (_box.pyx:
# its residual and covariance updates take the same clipped update and the
# same Fenchel-Young terms of the boxed penalties; docs/design.md, "Box
# constraints").

from libc.math cimport INFINITY, fabs

from shrinkage._kernels cimport shr_enet_coordinate


cdef inline double _pen(double penalty, double f) noexcept nogil:
    """``penalty * f_j``, 0 for an unpenalised feature even when the
    n-scaled penalty overflowed to inf (no inf * 0 = NaN)."""
    return penalty * f if f > 0.0 else 0.0


cdef inline double _clip(double v, double lo, double hi) noexcept nogil:
    if v > hi:
        return hi
    if v < lo:
        return lo
    return v


cdef inline double _fenchel_young(double w, double v, double l1, double l2,
                                  double lo, double hi, double h) noexcept nogil:
    """``g(w) + g*(v) - w v >= 0`` for ``g(w) = l1 |w| + l2 w^2 / 2`` on
    ``[lo, hi]`` (``w`` inside it).

    l2 > 0: the maximiser of ``v u - g(u)`` is ``u* = clip(S(v, l1) / l2,
    lo, hi)`` and the term is ``g(w) - g(u*) - v (w - u*)``, written with
    the factor ``w - u*`` (small near the solution). l2 = 0: ``g*(v) =
    (|v| - l1)_+`` times the bound on the side of ``v`` (+inf for an
    infinite bound; the caller's rescaling keeps ``|v| <= l1`` there,
    up to rounding, which is clamped). For an unpenalised feature (l1 =
    l2 = 0) whose bound on the side of ``v`` is infinite, the conjugate is
    finite only at v = 0, which the projection of the residual gives up to
    its rounding (the solve's tiny ridge): the decrease still available
    along the coordinate, ``v^2 / (2 h)``, is charged for what is left."""
    cdef double u, d, excess, bound, at_w
    if l2 > 0.0:
        u = shr_enet_coordinate(v, l1, l2, False)
        u = _clip(u, lo, hi)
        d = w - u
        if d == 0.0:
            return 0.0  # (also when a penalty overflowed to inf: no inf * 0)
        return d * (0.5 * l2 * (w + u) - v) + l1 * (fabs(w) - fabs(u))
    if v > l1:
        excess = v - l1
        bound = hi
    elif v < -l1:
        excess = -v - l1
        bound = -lo
    else:
        return 0.0 if w == 0.0 else l1 * fabs(w) - v * w
    if bound == INFINITY:
        if l1 > 0.0:
            # |v| = l1 (1 + O(eps)) after the rescaling: v on the boundary
            v = l1 if v > 0.0 else -l1
            return 0.0 if w == 0.0 else l1 * fabs(w) - v * w
        return v * v / (2.0 * h) if h > 0.0 else 0.0
    at_w = 0.0 if w == 0.0 else l1 * fabs(w) - v * w
    return at_w + excess * bound


cdef inline bint _towards_infinite(double v, double lo, double hi) noexcept nogil:
    """A free coordinate's conjugate ``sup_{lo <= w <= hi} v w`` is infinite."""
    return (v > 0.0 and hi == INFINITY) or (v < 0.0 and lo == -INFINITY)


cdef inline int _check_box_start(const double[::1] lower, const double[::1] upper,
                                 const double[::1] w, Py_ssize_t p) except -1:
    """Raise ValueError unless ``lower_j <= 0 <= upper_j`` and the warm
    start ``w`` lies within the bounds, for every j < p."""
    cdef Py_ssize_t j
    for j in range(p):
        if not (lower[j] <= 0.0 <= upper[j]):
            raise ValueError("the bounds must satisfy lower <= 0 <= upper")
        if not (lower[j] <= w[j] <= upper[j]):
            raise ValueError("the starting point must lie within the bounds")
    return 0

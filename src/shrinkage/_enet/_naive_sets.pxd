# The naive solver's active set and gap-safe screening (see _naive_sets.pyx).

from shrinkage._enet._gap cimport GapTerms
from shrinkage._enet._naive_ops cimport NaiveProblem


cdef Py_ssize_t _grow_active_set(NaiveProblem *P, const int *idx,
                                 Py_ssize_t count, const double *c,
                                 int *out, unsigned char *in_active) noexcept nogil


cdef Py_ssize_t _drop_idle(NaiveProblem *P, int *active, Py_ssize_t count,
                           const double *c, unsigned char *in_active) noexcept nogil


cdef Py_ssize_t _drop_resting(NaiveProblem *P, int *active, Py_ssize_t count,
                              unsigned char *in_active) noexcept nogil


cdef Py_ssize_t _filter_active(NaiveProblem *P, int *active, Py_ssize_t count,
                               unsigned char *in_active) noexcept nogil


cdef Py_ssize_t _gap_safe_screen(NaiveProblem *P, int *work, Py_ssize_t n_work,
                                 double *c, GapTerms G, double l1,
                                 double l2, unsigned char *in_active) noexcept nogil

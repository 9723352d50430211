# Interruption (Ctrl-C) of long solves: the drivers count their work and,
# every INTERRUPT_WORK of it (_policy.pxd), take the GIL briefly to run
# Python's pending signal handlers. Python runs handlers in the main thread
# only, so fits in other threads never poll.

from shrinkage._enet._policy cimport INTERRUPT_WORK


cdef extern from "Python.h":
    # Declared without an exception value: the KeyboardInterrupt it sets
    # stays pending while the kernel unwinds, and the entry point hands it on
    # by returning NULL (``raise_pending``).
    int _check_signals "PyErr_CheckSignals" ()
    unsigned long PyThread_get_thread_ident() nogil


cdef struct Interrupt:
    bint enabled          # in the main thread
    bint hit              # a handler raised: the exception is pending
    double work           # since the last poll


cdef inline void _interrupt_init(Interrupt *I, unsigned long main_thread) noexcept nogil:
    I.enabled = PyThread_get_thread_ident() == main_thread
    I.hit = False
    I.work = 0.0


cdef inline bint _interrupted(Interrupt *I, double work) noexcept nogil:
    """Count ``work`` and, every INTERRUPT_WORK of it, run Python's pending
    signal handlers. True once one has raised (its exception, usually
    KeyboardInterrupt, is left set for :func:`_raise_pending`); the drivers
    then stop at once."""
    if I.hit:
        return True
    if not I.enabled:
        return False
    I.work += work
    if I.work < INTERRUPT_WORK:
        return False
    I.work = 0.0
    with gil:
        I.hit = _check_signals() != 0
    return I.hit


cdef inline int _raise_pending() except -1:
    """Propagate the exception a signal handler left set during a solve."""
    return -1

"""Threads for independent solves (folds, l1_ratios, targets, designs).

The compiled kernels release the GIL, so independent solves run in threads
of one process: no pickling of ``X``, no start-up cost. ``n_jobs`` follows
scikit-learn's meaning; results never depend on it.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager


def n_workers(n_jobs, n_tasks):
    """Threads for ``n_tasks`` tasks under scikit-learn's ``n_jobs``."""
    if n_jobs is None:
        return 1
    n_jobs = int(n_jobs)
    cpus = os.cpu_count() or 1
    if n_jobs < 0:
        n_jobs = max(cpus + 1 + n_jobs, 1)
    elif n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, a positive count or -1.")
    return max(1, min(n_jobs, n_tasks))


@contextmanager
def thread_map(n_jobs, n_tasks):
    """A ``map`` that runs ``n_tasks`` calls in ``n_workers(n_jobs, n_tasks)``
    threads (the builtin ``map``, in this thread, for one); results come in
    the order of the inputs."""
    workers = n_workers(n_jobs, n_tasks)
    if workers == 1:
        yield map
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield pool.map

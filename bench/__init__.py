"""shrinkage's benchmark harness (docs/design.md section 5).

Run it as a script: ``python bench/run.py --quick``. The modules:

- :mod:`problems` -- seeded generators for the problem suite;
- :mod:`protocol` -- objectives, ``lambda_max`` and the time-to-precision protocol;
- :mod:`solvers`  -- the registry of solvers, one small adapter per (solver, task);
- :mod:`tasks`    -- what is solved on a problem (single alpha, path, CV, Ridge, RidgeCV);
- :mod:`report`   -- machine information, the markdown table and the chart;
- :mod:`run`      -- the command line.
- :mod:`distribution` -- a wide seeded problem distribution run through the same
  protocol (``python bench/distribution/run.py --size smoke``; issue 20).

Nothing here imports NumPy at package import time, so ``run.py`` can pin
the BLAS/OpenMP thread counts through environment variables first.
"""

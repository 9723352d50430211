"""A wide, seeded problem distribution for the benchmark (issue 20).

The five design problems of ``bench/problems.py`` say how fast shrinkage is
on the problems it was built on; this distribution says how fast it is on
problems it has not seen. The modules:

- :mod:`generator` -- the seeded specs (shape, correlation, scaling, truth,
  noise, task) and the arrays they describe;
- :mod:`summary`   -- quantiles of the speed-ups, the chart, the worst problems;
- :mod:`run`       -- the command line (``python bench/distribution/run.py``).

Timing and scoring are ``bench/protocol.py``'s (docs/design.md section 5).
"""

"""The path driver's compiled candidate sets (shrinkage._enet._strong)
against their NumPy definitions: the same features, in the same order."""

import numpy as np
import pytest

from shrinkage._enet import _strong


def _strong_reference(c, l1, l1_ref, pf, positive, w, keep, forced):
    bound = pf * (2.0 * l1 - max(l1_ref, l1))
    score = c if positive else np.abs(c)
    mask = (score >= bound) | (w != 0.0) | keep
    if forced is not None:
        mask[forced] = True
    return np.flatnonzero(mask).astype(np.intc)


def _violators_reference(c, cand, l1, pf, positive):
    out = np.ones(c.shape[0], dtype=bool)
    out[cand] = False
    score = c if positive else np.abs(c)
    return np.flatnonzero(out & (score > l1 * pf))


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("positive", [False, True])
def test_same_sets_as_numpy(seed, positive):
    rng = np.random.default_rng(seed)
    p = int(rng.integers(1, 60))
    c = rng.standard_normal(p)
    pf = rng.choice([0.0, 0.5, 1.0, 2.0], size=p)
    l1_ref = float(np.max(np.abs(c))) * rng.uniform(0.5, 1.5)
    l1 = l1_ref * rng.uniform(0.3, 1.2)
    c[rng.random(p) < 0.2] = 2.0 * l1 - max(l1_ref, l1)  # ties with the bound where f_j = 1
    w = np.where(rng.random(p) < 0.3, rng.standard_normal(p), 0.0)
    keep = pf == 0
    forced = None if seed % 2 else np.unique(rng.integers(0, p, size=3))
    got = _strong.strong_candidates(c, l1, l1_ref, pf, positive, w, keep.view(np.uint8), forced)
    want = _strong_reference(c, l1, l1_ref, pf, positive, w, keep, forced)
    assert got.dtype == np.intc and np.array_equal(got, want)
    C = np.asfortranarray(rng.standard_normal((p, 3)))
    C[rng.random(p) < 0.2, 1] = l1 * pf[0]  # ties: not a violation
    got = _strong.kkt_violators(C[:, 1], want, l1, pf, positive)
    assert np.array_equal(got, _violators_reference(C[:, 1], want, l1, pf, positive))

"""Seeds of replications: one root, ``SeedSequence(root).spawn(n)``, one int per run.

Replicate ``i`` of an experiment with root ``r`` runs with the integer
``seed_for(r, i)``, drawn from the ``i``-th child of ``SeedSequence(r)``. The child depends
on ``i`` only (not on ``n``), so adding replications later keeps the first ones, and the
stored integer alone reproduces a run: ``simulate(scenario, seed=run_seed)``. Children of one
``SeedSequence`` are designed to give independent streams (O'Neill 2015; NumPy's
``SeedSequence`` docs), which fixes the "every batch reuses one seed" bug class (Mesa #2841).

Every design point uses the same replicate seeds (common random numbers): differences
between points, or between compared scenarios, are then not blurred by different luck, and
paired intervals are tighter.
"""

from __future__ import annotations

import secrets

import numpy as np

from rainforest.experiments.parameters import ExperimentError

_MASK63 = (1 << 63) - 1


def resolve_root(seed: int | np.random.SeedSequence | None) -> int:
    """The integer root seed of an experiment (a fresh random one for ``None``)."""
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, np.random.SeedSequence):
        if seed.spawn_key:
            raise ExperimentError("use a root SeedSequence (no spawn_key) or an int as seed")
        seed = seed.entropy
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ExperimentError(f"seed must be a non-negative integer or None, got {seed!r}")
    if not 0 <= int(seed) <= _MASK63:
        raise ExperimentError(f"seed must be between 0 and 2**63 - 1, got {seed}")
    return int(seed)


def replicate_seeds(root: int, n: int) -> list[int]:
    """The run seeds of replicates ``0..n-1``: one int drawn from each spawned child."""
    if n < 1:
        raise ExperimentError(f"runs must be at least 1, got {n}")
    children = np.random.SeedSequence(root).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0]) & _MASK63 for c in children]


def seed_for(root: int, index: int) -> int:
    """The seed of replicate ``index`` alone (same value as ``replicate_seeds``)."""
    child = np.random.SeedSequence(root, spawn_key=(int(index),))
    return int(child.generate_state(1, np.uint64)[0]) & _MASK63

"""The simulation engine: struct-of-arrays state, initial build, and the monthly loop."""

from rainforest.jit_cache import drop_stale

drop_stale()  # before any kernel runs: see rainforest.jit_cache

from rainforest.engine.core import Engine, make_rng  # noqa: E402

__all__ = ["Engine", "make_rng"]

"""Explain (DESIGN.md question 3): why Hangzhou and not here?

Seeds 003 and 004 explain why DeepSeek, Unitree and the other "six little dragons" came from
Hangzhou and not from Zhangjiang with a handful of causes. This package makes them
computable:

- :mod:`~rainforest.explain.groups`: the causes as named lever groups of scenario fields, and
  transplanting a group from one region onto another;
- :mod:`~rainforest.explain.shapley`: exact and sampled Shapley values;
- :func:`explain`: the gap between two places in an outcome, attributed to lever groups with
  90% intervals, and the best single moves;
- :func:`whatif`: a change to a scenario, its effect on every outcome with intervals.

Every comparison runs the same replicate seeds in every arm (common random numbers) on the
experiments runner, so it uses local processes, Dask and the run store like every other
experiment.
"""

from rainforest.explain.evaluate import Arm, ArmValues, Evaluator, run_arms
from rainforest.explain.explain import (
    DEFAULT_OUTCOME,
    DEFAULT_RUNS,
    DEFAULT_YEARS,
    SCALE_FACTOR,
    Explanation,
    explain,
)
from rainforest.explain.groups import (
    BUILTIN_GROUPS,
    DEFAULT_GROUPS,
    ExplainError,
    LeverGroup,
    Transplanter,
    default_groups,
    groups_from_dict,
    load_groups,
    resolve_groups,
)
from rainforest.explain.outcomes import BUILTIN as OUTCOMES
from rainforest.explain.outcomes import ExplainOutcome, resolve_outcome
from rainforest.explain.shapley import exact_shapley, permutation_shapley, sample_permutations
from rainforest.explain.whatif import WhatIf, whatif

__all__ = [
    "BUILTIN_GROUPS",
    "DEFAULT_GROUPS",
    "DEFAULT_OUTCOME",
    "DEFAULT_RUNS",
    "DEFAULT_YEARS",
    "OUTCOMES",
    "SCALE_FACTOR",
    "Arm",
    "ArmValues",
    "Evaluator",
    "ExplainError",
    "ExplainOutcome",
    "Explanation",
    "LeverGroup",
    "Transplanter",
    "WhatIf",
    "default_groups",
    "exact_shapley",
    "explain",
    "groups_from_dict",
    "load_groups",
    "permutation_shapley",
    "resolve_groups",
    "resolve_outcome",
    "run_arms",
    "sample_permutations",
    "whatif",
]

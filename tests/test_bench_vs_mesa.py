"""The Mesa yardstick of the benchmarks and the engine still compute the same model.

``benchmarks/mesa_model.py`` re-implements the engine's monthly step for one region as an
idiomatic Mesa 3 model (issue 9). A tiny run of both on the same scenario and seeds must give
the same idea and founding rates within a generous statistical tolerance, so that a change to
the engine's mechanisms that the Mesa model does not follow (or a bug in either) is caught.
"""

from __future__ import annotations

import pytest

pytest.importorskip("mesa")

from benchmarks import mesa_model
from benchmarks.bench_vs_mesa import compare, run_engine, run_mesa

from rainforest.scenario import FIRST_EDITION

PEOPLE = 2000
MONTHS = 24
SEEDS = (1, 2, 3)
Z_MAX = 4.0  # generous: the standard errors already take the larger of counting and run noise


@pytest.fixture(scope="module")
def both():
    """Per-seed statistics of both models, both run by the first edition
    (``mesa_model.bench_scenario`` sets it: the Mesa model is the first edition's step)."""
    eng = [run_engine(PEOPLE, MONTHS, s, repeats=1) for s in SEEDS]
    mes = [run_mesa(PEOPLE, MONTHS, s) for s in SEEDS]
    return {label: (a, b, z) for label, a, b, z in compare(eng, mes)}


def test_the_benchmark_scenario_is_the_first_edition():
    """The Mesa model is the first edition's step, so the benchmark scenario sets the first
    edition whichever the schema's default is."""
    sc = mesa_model.bench_scenario(PEOPLE)
    for path, value in FIRST_EDITION.items():
        node = sc
        for part in path.split("."):
            node = getattr(node, part)
        assert node == value, path


@pytest.mark.slow
@pytest.mark.parametrize("statistic", ["ideas per person-month", "foundings per person-month"])
def test_engine_and_mesa_agree(both, statistic):
    a, b, z = both[statistic]
    assert a.n > 0 and b.n > 0, f"no {statistic} at all: rainforest {a}, mesa {b}"
    assert abs(z) < Z_MAX, (
        f"{statistic}: rainforest {a} vs mesa {b} (z = {z:+.2f}); the engine and "
        "benchmarks/mesa_model.py no longer compute the same model"
    )

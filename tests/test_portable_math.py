"""A run gives the same bits on every CPU (rainforest.mechanisms.portable_math).

NumPy's exp, log, log1p and power pick SIMD kernels by the CPU; on an AVX-512 machine their
last bits differ from an AVX2 machine's, and the seeded pins of ``test_regression.py`` failed
there. The engine's Python-level array code now goes through Numba ufuncs that call the C
library. These tests check the ufuncs against ``math`` and check a run with NumPy's dispatched
kernels switched off (``NPY_DISABLE_CPU_FEATURES``, NumPy's own switch) against a run with
them on. On a CPU without AVX-512 the second test still compares AVX2 kernels with NumPy's
baseline ones (tanh and float32 exp differ there); on a CPU with nothing to switch off it
compares two equal runs.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rainforest.mechanisms import portable_math as pm

FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)


def _bits(x) -> bytes:
    return np.asarray(x, np.float64).tobytes()


@given(st.lists(st.floats(min_value=-745.0, max_value=709.0), min_size=1, max_size=40))
def test_exp_is_the_c_librarys_bit_for_bit(xs):
    assert _bits(pm.exp(np.array(xs))) == _bits([math.exp(x) for x in xs])


@given(st.lists(st.floats(min_value=0.0, exclude_min=True, allow_infinity=False), min_size=1))
def test_log_is_the_c_librarys_bit_for_bit(xs):
    assert _bits(pm.log(np.array(xs))) == _bits([math.log(x) for x in xs])


@given(st.lists(st.floats(min_value=-1.0, exclude_min=True, allow_infinity=False), min_size=1))
def test_log1p_is_the_c_librarys_bit_for_bit(xs):
    assert _bits(pm.log1p(np.array(xs))) == _bits([math.log1p(x) for x in xs])


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=1e-3, max_value=1e3), st.floats(min_value=-5.0, max_value=5.0)
        ),
        min_size=1,
    )
)
def test_power_is_the_c_librarys_bit_for_bit(pairs):
    x = np.array([p[0] for p in pairs])
    y = np.array([p[1] for p in pairs])
    assert _bits(pm.power(x, y)) == _bits([math.pow(a, b) for a, b in pairs])


def test_edges_broadcasting_and_scalars():
    """NumPy's conventions at the edges (no exception), broadcasting, scalars and float32 in."""
    with np.errstate(all="ignore"):
        assert np.isneginf(pm.log(0.0)) and np.isnan(pm.log(-1.0))
        assert np.isneginf(pm.log1p(-1.0)) and np.isnan(pm.log1p(-2.0))
        assert np.isnan(pm.exp(np.nan)) and pm.exp(-np.inf) == 0.0 and pm.exp(800.0) == np.inf
    grid = pm.power(np.array([[1.0], [4.0]]), np.array([0.5, 2.0]))
    assert grid.shape == (2, 2) and grid.tolist() == [[1.0, 1.0], [2.0, 16.0]]
    assert float(pm.exp(np.float32(1.0))) == math.exp(1.0)
    assert pm.exp(np.zeros(0)).shape == (0,)


# Runs a few cases that reach every place the engine computes exp, log or power in Python
# (several regions and migration, the living network and growth, a policy package's
# instruments) and prints one digest per case.
_SCRIPT = """
import rainforest as rf
from rainforest import packages
from rainforest.experiments.joint import apply_fitted
from rainforest.scenario import load_scenario
from tests.test_regression import fingerprint
cases = [
    apply_fitted(load_scenario("yangtze-delta")),
    apply_fitted(load_scenario("hangzhou")),
    apply_fitted(packages.apply("zhangjiang", "shanghai-2025-ai-measures")),
]
for sc in cases:
    res = rf.simulate(sc, years=2, seed=3, scale=100.0)
    assert len(res.events) > 0
    print(fingerprint(res, first=False, report=True))
"""


def _digests(env_extra: dict[str, str]) -> list[str]:
    env = {**os.environ, **env_extra}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=root, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.split()
    assert len(lines) == 3
    return lines


@pytest.mark.slow
def test_a_run_does_not_depend_on_numpys_simd_kernels():
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__

    on = _digests({"NPY_DISABLE_CPU_FEATURES": ""})
    off = _digests({"NPY_DISABLE_CPU_FEATURES": " ".join(__cpu_dispatch__)})
    assert on == off


@settings(deadline=None)  # the first example compiles the kernel
@given(st.lists(st.floats(-1e12, 1e12, allow_nan=False), min_size=0, max_size=700))
def test_pairwise_sum_is_numpys_order_of_summation(values):
    """Compiled code that replaces NumPy's sum, mean or std gets their bits."""
    a = np.array(values, np.float64)
    assert _bits(pm.pairwise_sum(a)) == _bits(a.sum())
    if a.size:
        assert _bits(pm.pairwise_sum(a) / a.size) == _bits(a.mean())
        x = a - a.mean()
        assert _bits(math.sqrt(pm.pairwise_sum(x * x) / a.size)) == _bits(a.std())


def test_pairwise_sum_matches_long_arrays_and_slices():
    rng = np.random.default_rng(7)
    for zeros in ([-0.0], [-0.0] * 9, [-0.0] * 200):  # NumPy's sum of negative zeros is 0.0
        assert _bits(pm.pairwise_sum(np.array(zeros))) == _bits(np.array(zeros).sum())
    for n in (127, 128, 129, 1000, 8191, 8193, 100_003):
        a = rng.standard_normal(n) * rng.exponential(1.0, n) * 1e3
        assert _bits(pm.pairwise_sum(a)) == _bits(a.sum())
        assert _bits(pm.pairwise_sum(a, 5, n - 9)) == _bits(a[5:-4].sum())

"""exp, log, log1p and power that give the same bits on every CPU.

Why: NumPy picks its kernels for ``np.exp``, ``np.log``, ``np.log1p``, ``np.power`` (and
``x ** y`` on arrays) by the CPU it runs on. On a machine with AVX-512 it uses vectorised
approximations whose last bits differ from the C library's scalar functions that it uses on
an AVX2 machine. A run computed through them depended on the machine: the seeded regression
pins (``tests/test_regression.py``) failed on an AVX-512 machine and passed on the same code
with ``NPY_DISABLE_CPU_FEATURES`` hiding AVX-512. "Scenario + seed + version determine a run,
whatever the executor" must hold across machines too (a Dask cluster mixes them).

The mechanisms' Python-level array code therefore calls these functions. They are Numba
ufuncs whose loop calls the C library's scalar function, as every Numba kernel of the engine
already does (Numba does not vectorise them: rainforest turns Intel's SVML off in
``rainforest/__init__.py``). They broadcast and take scalars like NumPy's.
``tests/test_portable_math.py`` checks them against ``math`` bit for bit and checks that a run
does not change when NumPy's SIMD kernels are switched off.

:func:`pairwise_sum` is the other way round: NumPy's own order of summation (``ndarray.sum``,
``mean``, ``std``, ``linalg.norm`` over float64), for compiled code that must give the bits
the NumPy code it replaced gave.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, vectorize

__all__ = ["exp", "log", "log1p", "pairwise_sum", "power"]


@vectorize(["float64(float64)"], cache=True)
def exp(x):
    """e ** x, elementwise, through the C library's ``exp``."""
    return math.exp(x)


@vectorize(["float64(float64)"], cache=True)
def log(x):
    """Natural logarithm, elementwise, through the C library's ``log`` (−inf at 0, nan below:
    Numba's ``math.log`` raises nothing)."""
    return math.log(x)


@vectorize(["float64(float64)"], cache=True)
def log1p(x):
    """log(1 + x), elementwise, through the C library's ``log1p`` (−inf at −1, nan below)."""
    return math.log1p(x)


@vectorize(["float64(float64, float64)"], cache=True)
def power(x, y):
    """x ** y, elementwise, through the C library's ``pow``."""
    return x**y


@njit(cache=True, inline="always")
def pairwise_sum(a, lo=0, n=-1):
    """Sum of ``a[lo:lo + n]`` (all of ``a`` by default) in NumPy's order for a contiguous
    float64 array (``add.reduce``'s pairwise summation: blocks of up to 128 summed with eight
    accumulators, larger runs split in two at a multiple of 8 and the halves' sums added), so
    a compiled loop gives the same bits as ``a.sum()``, ``a.mean()`` (sum / n) or ``a.std()``
    did. The halves are walked with a stack, not by recursion (Numba's cache cannot load a
    recursive function)."""
    if n < 0:
        n = a.shape[0] - lo
    if n <= 128:  # NumPy adds the run's sum to the identity 0.0 (so -0.0 sums to 0.0)
        return 0.0 + _block_sum(a, lo, n)
    s_lo = np.empty(64, np.int64)  # runs still to sum (depth < 64 for any length)
    s_n = np.empty(64, np.int64)
    s_stage = np.empty(64, np.int64)  # 0: split next, 1: left half done, 2: both done
    vals = np.empty(64)
    s_lo[0], s_n[0], s_stage[0] = lo, n, 0
    sp, vp = 1, 0
    while sp > 0:
        t = sp - 1
        m = s_n[t]
        if m <= 128:
            vals[vp] = _block_sum(a, s_lo[t], m)
            vp += 1
            sp -= 1
            continue
        n2 = m // 2
        n2 -= n2 % 8
        if s_stage[t] == 0:
            s_stage[t] = 1
            s_lo[sp], s_n[sp], s_stage[sp] = s_lo[t], n2, 0
            sp += 1
        elif s_stage[t] == 1:
            s_stage[t] = 2
            s_lo[sp], s_n[sp], s_stage[sp] = s_lo[t] + n2, m - n2, 0
            sp += 1
        else:
            vp -= 1
            vals[vp - 1] = vals[vp - 1] + vals[vp]
            sp -= 1
    return 0.0 + vals[0]


@njit(cache=True, inline="always")
def _block_sum(a, lo, n):
    """NumPy's pairwise sum of a run of at most 128: eight accumulators, then the rest."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res

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
"""

from __future__ import annotations

import math

from numba import vectorize

__all__ = ["exp", "log", "log1p", "power"]


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

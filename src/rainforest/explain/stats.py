"""Intervals over replicates: a percentile bootstrap of means and ratios of means.

Every arm of an explanation or what-if runs the same replicate seeds, so a replicate's
numbers (its Shapley values, its difference between arms) are paired. Resampling replicates
with replacement and recomputing the mean (Efron & Tibshirani 1993, ch. 13) gives a 90%
interval for the mean over seeds: the uncertainty from the model's randomness, given its
parameters. With few replicates the interval is narrow and rough; ask for more runs.

References
----------
Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
"""

from __future__ import annotations

import numpy as np

#: Bootstrap resamples.
RESAMPLES = 2000
#: Two-sided interval level.
LEVEL = 0.90


def _indices(n: int, rng: np.random.Generator, resamples: int) -> np.ndarray:
    return rng.integers(0, n, size=(resamples, n))


def bootstrap_mean(
    x: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over the first axis (replicates) and its percentile-bootstrap interval.

    Returns ``(mean, lo, hi)``, each of shape ``x.shape[1:]``; with one replicate the
    interval is NaN.
    """
    x = np.asarray(x, dtype=float)
    mean = np.nanmean(x, axis=0) if x.shape[0] else np.full(x.shape[1:], np.nan)
    if x.shape[0] < 2:
        nan = np.full(x.shape[1:], np.nan)
        return mean, nan, nan
    means = x[_indices(x.shape[0], rng, resamples)].mean(axis=1)
    a = (1 - level) / 2
    lo, hi = np.nanquantile(means, [a, 1 - a], axis=0)
    return mean, lo, hi


def bootstrap_ratio(
    num: np.ndarray,
    den: np.ndarray,
    rng: np.random.Generator,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratio of means ``mean(num) / mean(den)`` over replicates and its bootstrap interval.

    ``num`` has shape ``(R, ...)``, ``den`` shape ``(R,)``; resamples whose denominator is 0
    are dropped. Returns ``(ratio, lo, hi)``.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    d = den.mean()
    shape = num.shape[1:]
    ratio = num.mean(axis=0) / d if d != 0 else np.full(shape, np.nan)
    if num.shape[0] < 2:
        nan = np.full(shape, np.nan)
        return ratio, nan, nan
    idx = _indices(num.shape[0], rng, resamples)
    dm = den[idx].mean(axis=1)
    ok = dm != 0
    if not ok.any():
        nan = np.full(shape, np.nan)
        return ratio, nan, nan
    r = num[idx[ok]].mean(axis=1) / dm[ok].reshape(-1, *([1] * len(shape)))
    a = (1 - level) / 2
    lo, hi = np.nanquantile(r, [a, 1 - a], axis=0)
    return ratio, lo, hi

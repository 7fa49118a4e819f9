"""Shapley values of lever groups: exact for a few groups, permutation sampling for many.

A coalition ``S`` of players (lever groups) is a bitmask: bit ``i`` set means player ``i``
is in. A game is an array ``v`` with ``v[mask]`` the value of that coalition; trailing axes
(replicates) are carried along, so one call gives every replicate's Shapley values.

The Shapley value (Shapley 1953) of player ``i`` is its marginal contribution averaged over
every order in which players could join,

    phi_i = sum over S not containing i of |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S)),

and it is *efficient*: ``sum_i phi_i = v(all) - v(empty)`` exactly, for every replicate. It
splits interactions (levers that only work together) equally between the players involved.

With more than :data:`EXACT_MAX` players the ``2**n`` coalitions cost too many simulations;
:func:`permutation_shapley` then averages marginal contributions along ``m`` random orders
(Castro, Gómez & Tejada 2009). Each order's contributions telescope to
``v(all) - v(empty)``, so the estimate is efficient too; its error falls as ``1/sqrt(m)``.

References
----------
Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory of Games
II*, 307-317. Princeton University Press.

Castro, J., Gómez, D., & Tejada, J. (2009). Polynomial calculation of the Shapley value
based on sampling. *Computers & Operations Research*, 36(5), 1726-1730.
https://doi.org/10.1016/j.cor.2008.04.004
"""

from __future__ import annotations

from collections.abc import Callable
from math import factorial

import numpy as np

#: Most players for which every coalition is simulated (2**8 = 256 coalitions).
EXACT_MAX = 8


def full_mask(n: int) -> int:
    """The mask of the grand coalition of ``n`` players."""
    return (1 << n) - 1


def members(mask: int, n: int) -> list[int]:
    """Players in a coalition."""
    return [i for i in range(n) if mask >> i & 1]


def exact_shapley(v: np.ndarray) -> np.ndarray:
    """Shapley values of a game given on every coalition.

    Parameters
    ----------
    v
        Array of shape ``(2**n, ...)``: ``v[mask]`` is the value of the coalition ``mask``;
        further axes (e.g. replicates) are kept.

    Returns
    -------
    ndarray
        Shape ``(n, ...)``; ``phi.sum(axis=0) == v[-1] - v[0]`` up to rounding.

    Examples
    --------
    The glove game: player 0 has a left glove, players 1 and 2 a right one; a pair is worth 1.

    >>> v = np.array([0, 0, 0, 1, 0, 1, 0, 1], float)   # masks 0b000 .. 0b111
    >>> exact_shapley(v).round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    """
    v = np.asarray(v, dtype=float)
    size = v.shape[0]
    n = size.bit_length() - 1
    if size != 1 << n:
        raise ValueError(f"a game needs 2**n values, got {size}")
    masks = np.arange(size)
    card = np.array([bin(m).count("1") for m in masks])
    weight = np.array(
        [factorial(s) * factorial(n - s - 1) / factorial(n) if s < n else 0.0 for s in card]
    )
    phi = np.zeros((n, *v.shape[1:]))
    for i in range(n):
        without = masks[(masks >> i & 1) == 0]
        w = weight[without].reshape(-1, *([1] * (v.ndim - 1)))
        phi[i] = (w * (v[without | (1 << i)] - v[without])).sum(axis=0)
    return phi


def sample_permutations(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """``m`` random orders of ``n`` players, shape ``(m, n)``."""
    if m < 1:
        raise ValueError(f"permutations must be at least 1, got {m}")
    return np.array([rng.permutation(n) for _ in range(m)], dtype=np.int64).reshape(m, n)


def permutation_coalitions(perms: np.ndarray) -> list[int]:
    """Every coalition (mask) the orders pass through, sorted: the ones to evaluate."""
    need = {0}
    for p in perms:
        mask = 0
        for i in p:
            mask |= 1 << int(i)
            need.add(mask)
    return sorted(need)


def permutation_shapley(value: Callable[[int], np.ndarray], perms: np.ndarray) -> np.ndarray:
    """Shapley values estimated from given orders (Castro et al. 2009).

    Parameters
    ----------
    value
        ``value(mask)`` -> value of a coalition (a number or an array over replicates).
    perms
        Orders of the players, shape ``(m, n)``, e.g. from :func:`sample_permutations`.

    Returns
    -------
    ndarray
        Shape ``(n, ...)``, the mean marginal contribution of each player over the orders;
        it sums to ``value(all) - value(0)`` exactly (each order telescopes).
    """
    perms = np.asarray(perms)
    m, n = perms.shape
    first = np.asarray(value(0), dtype=float)
    phi = np.zeros((n, *first.shape))
    for p in perms:
        mask, prev = 0, first
        for i in p:
            mask |= 1 << int(i)
            cur = np.asarray(value(mask), dtype=float)
            phi[int(i)] += cur - prev
            prev = cur
    return phi / m

"""Numerical guards run at the end of every month: stop with one clear line when the state turns
non-finite, instead of writing NaN into the results or looping in a compiled kernel next month.

Why here and not in the kernels: a NaN in a rate or a knowledge field makes the compiled loops
draw forever (a rejection sampler that never accepts) and they hold the interpreter lock, so
nothing can stop them. Checking the month's outputs and next month's inputs in NumPy between
months is cheap and catches the cause one month before it can hang.

Two levels:

- **always** (a few hundred numbers a month): the month's accounts, every per-region array,
  the institutions' strengths that feed next month's knowledge field, and the smoothed
  opportunity and investment signals; the agent tables' fill counts against their capacity.
- **full** (tests, or ``RAINFOREST_CHECKS=full``): every floating column of every agent table.

The guard also keeps the agent tables ahead of their growth: when a month added more rows
than the engine's fixed margin, the table is grown now to twice that month's growth, so a
scenario whose inflows rise over time never fills a table mid-month.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from rainforest.state import tables as S

#: "full" checks every agent table every month; anything else checks the small state only.
LEVEL_ENV = "RAINFOREST_CHECKS"
_TABLES = ("P", "O", "I", "V", "E")
_TABLE_NAMES = {
    "P": "people",
    "O": "organisations",
    "I": "investors",
    "V": "investments",
    "E": "events",
}
_SMALL = (
    "anchor_strength0",
    "facility_stock",
    "facility_spill",
    "university_strength",
    "patent_stock",
    "belief_memory",
    "pop_target",
)


class NumericalError(ValueError):
    """The state of a run became non-finite (or a table overflowed): the scenario pushed the
    model outside the range where its numbers mean anything. The message names the month,
    the region and the quantity."""


def full_checks() -> bool:
    """Whether every agent table is checked each month (tests set RAINFOREST_CHECKS=full)."""
    return os.environ.get(LEVEL_ENV, "").lower() == "full"


def _bad(arr: Any) -> int:
    """Index of the first non-finite value of a floating array, or -1."""
    a = np.asarray(arr)
    if a.dtype.kind != "f" or a.size == 0:
        return -1
    ok = np.isfinite(a)
    if ok.all():
        return -1
    return int(np.flatnonzero(~ok.ravel())[0])


def _fail(eng: Any, what: str, where: str = "") -> None:
    month = int(eng.month) - 1
    at = f" in {where}" if where else ""
    raise NumericalError(
        f"month {month}: {what}{at} is not a finite number; the scenario drives the model "
        "beyond its range (check the values of this region's extreme fields)"
    )


def _region(eng: Any, i: int) -> str:
    names = getattr(eng.w, "region_names", [])
    return f"region {names[i]!r}" if 0 <= i < len(names) else ""


def check_month(eng: Any) -> None:
    """Check the month the engine just finished; grow its tables ahead of their growth.

    Raises
    ------
    NumericalError
        If an account, a region quantity, an institution's strength or (at the full level)
        any agent's number is NaN or infinite, or a table's fill count passed its capacity.
    """
    w = eng.w
    acc = np.asarray(eng.acc)
    small = [acc, *w.R, *(getattr(w, n, None) for n in _SMALL)]
    small += [getattr(eng, n, None) for n in ("opportunity", "invest_pc", "people_sim")]
    if not _all_finite(small):  # rare: then find the first culprit and name it
        _name_culprit(eng, acc)
    _check_tables(eng, w)


def _all_finite(arrays: list) -> bool:
    """Whether every value of these floating arrays is finite. The arrays are joined into one
    (integers join as floats, all finite) and tested at once: one test or sum per array cost
    about 50 µs a month in Python, on arrays of one to a hundred numbers, where a month of
    10,000 people takes about a millisecond. An odd dtype falls back to one sum per floating
    array (:func:`_all_finite_each`)."""
    flat = [a.ravel() for a in arrays if isinstance(a, np.ndarray)]
    if not flat:
        return True
    try:
        joined = np.concatenate(flat)
    except (TypeError, ValueError):
        return _all_finite_each(arrays)
    if joined.dtype.kind not in "fiub":
        return _all_finite_each(arrays)
    return bool(np.isfinite(joined).all())


def _all_finite_each(arrays: list) -> bool:
    """Whether every value of the floating arrays among these is finite, by one sum per array:
    a NaN or an infinity makes the total non-finite (an overflowing total of finite values is
    a false alarm that the named check clears)."""
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for a in arrays:
            if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size:
                total += float(a.sum())
    return math.isfinite(total)


def _name_culprit(eng: Any, acc: np.ndarray) -> None:
    """Raise naming the first non-finite account, region quantity or signal."""
    w = eng.w
    i = _bad(acc)
    if i >= 0:
        from rainforest.state.accounts import accounts

        r, m = divmod(i, acc.shape[1])
        _fail(eng, f"the account {accounts()[m]!r}", _region(eng, r))
    for name, arr in zip(type(w.R)._fields, w.R, strict=True):
        i = _bad(arr)
        if i >= 0:
            _fail(eng, f"the region quantity {name!r}", _region(eng, i % max(len(arr), 1)))
    for name in _SMALL:
        i = _bad(getattr(w, name, None))
        if i >= 0:
            _fail(eng, f"{name.replace('_', ' ')} (item {i})")
    for name in ("opportunity", "invest_pc", "people_sim"):
        i = _bad(getattr(eng, name, None))
        if i >= 0:
            _fail(eng, name.replace("_", " "), _region(eng, i))


def _check_tables(eng: Any, w: Any) -> None:
    """Fill counts against capacity (every agent's numbers at the full level); grow tables
    ahead of their observed monthly growth."""
    full = full_checks()
    grown = getattr(eng, "_guard_rows", None) or {}
    for key in _TABLES:
        tab = getattr(w, key, None)
        if tab is None:
            continue
        n, cap = int(tab.n[0]), int(tab[1].shape[0])
        if n > cap:
            raise NumericalError(
                f"month {int(eng.month) - 1}: the {_TABLE_NAMES[key]} table overflowed"
            )
        if full:
            for col, arr in zip(type(tab)._fields[1:], tab[1:], strict=True):
                j = _bad(arr[:n])
                if j >= 0:
                    row = j // int(np.prod(arr.shape[1:], dtype=np.int64) or 1)
                    _fail(eng, f"{_TABLE_NAMES[key]}.{col} of row {row}")
        growth = n - grown.get(key, n)
        grown[key] = n
        if growth > 0 and cap - n < 2 * growth:  # the next month may add as many again
            setattr(w, key, S.ensure_room(tab, 2 * growth))
    eng._guard_rows = grown

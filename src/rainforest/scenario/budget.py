"""Budgets before running: what a run will hold in memory and how long it will take, estimated
from the scenario alone, and refused with one clear line when it is over a documented limit.

Why: a valid scenario can still ask for more than the machine has (a population of 1e11 at
scale 100 is a billion simulated people; an investor pool of a million agents per region times
200 regions; 10,000 regions of monthly records). Without a check such runs end in a
``MemoryError`` or take the machine down hours later. The estimate is deliberately simple and
errs high: every agent table with its growth over the run (tables double when they grow), the
per-person scratch arrays, the region-by-region matrices and the monthly records.

The CLI, the library's :func:`rainforest.simulate` and the dashboard all call
:func:`check_budget` before the engine is built. Limits (see docs/reliability.md):

- memory: :data:`MEMORY_FRACTION` of the machine's memory, or ``RAINFOREST_MEMORY_GB``;
- regions: :data:`MAX_REGIONS`; reported plus warm-up years: :data:`MAX_YEARS`;
- work: :data:`MAX_PERSON_MONTHS` simulated person-months (about an hour of compute);
- every region keeps at least :data:`MIN_PEOPLE_PER_REGION` simulated person.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

from rainforest.scenario.loader import MAX_REGIONS, ScenarioError
from rainforest.scenario.schema import Scenario, one_to_one

#: Share of the machine's physical memory a run may plan to use.
MEMORY_FRACTION = 0.5
#: Most simulated years (reported plus warm-up).
MAX_YEARS = 130
#: Most simulated person-months in one run (about an hour at 3 million person-months a
#: second; the presets need at most a few hundred million).
MAX_PERSON_MONTHS = 1e10
#: Fewest simulated people a region may have (fewer is a region that does not exist).
MIN_PEOPLE_PER_REGION = 1.0
#: Bytes per row of the agent tables (from rainforest.state.tables' dtypes, rounded up), plus
#: per-person scratch arrays of the engine (cell order, employer order, pools: 12 bytes).
PERSON_BYTES = 33 + 12
ORG_BYTES = 320
INVESTOR_BYTES = 112
INVESTMENT_BYTES = 45
EVENT_BYTES = 37
#: Growth of the tables over a run, per simulated person-month (assumed upper bounds:
#: newcomers replacing leavers, organisations founded, rounds and events; tests/test_hostile.py
#: checks that the estimate bounds what a run really holds).
PERSON_ROWS_PER_PERSON_MONTH = 0.02
ORG_ROWS_PER_PERSON_MONTH = 0.002
EVENT_ROWS_PER_PERSON_MONTH = 0.05
#: Bytes per region per month of records, and per pair of regions of the matrices.
RECORD_BYTES_PER_REGION_MONTH = 8 * 128
MATRIX_BYTES_PER_PAIR = 8 * 8


class BudgetError(ScenarioError):
    """A run would need more memory, time or regions than allowed; the message says which
    field to lower."""


def memory_limit() -> float:
    """Bytes a run may plan to use: ``RAINFOREST_MEMORY_GB`` if set, else a share of RAM."""
    env = os.environ.get("RAINFOREST_MEMORY_GB")
    if env:
        try:
            gb = float(env)
        except ValueError:
            raise BudgetError(f"RAINFOREST_MEMORY_GB: not a number ({env!r})") from None
        if not math.isfinite(gb) or gb <= 0:
            raise BudgetError(f"RAINFOREST_MEMORY_GB: must be a positive number, got {env!r}")
        return gb * 2**30
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not a POSIX system
        total = 8 * 2**30
    return MEMORY_FRACTION * total


@dataclass
class Budget:
    """What a run of a scenario is estimated to need."""

    regions: int
    months: int
    people: float  # simulated people at the start
    person_months: float
    investors: float
    bytes: float
    parts: dict[str, float] = field(default_factory=dict)  # bytes by table
    fields: dict[str, str] = field(default_factory=dict)  # the field that drives each table

    def describe(self) -> str:
        """One line: people, organisations, memory by table."""
        parts = ", ".join(f"{k} {_size(v)}" for k, v in sorted(self.parts.items()))
        return (
            f"{self.people:,.0f} simulated people, {self.regions} regions, {self.months} months, "
            f"{self.person_months:.3g} person-months, about {_size(self.bytes)} ({parts})"
        )


def _size(b: float) -> str:
    for unit, k in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if b >= k:
            return f"{b / k:.1f} {unit}"
    return f"{b:.0f} B"


def estimate(sc: Scenario, years: int | None = None, scale: float | None = None) -> Budget:
    """Estimate the people, tables and memory of a run (no state is built)."""
    k = float(scale if scale is not None else sc.scale)
    yrs = sc.years if years is None else int(years)
    months = 12 * (yrs + sc.warmup_years)
    regions = sc.regions
    nr = len(regions)
    pops = {name: r.population / k for name, r in regions.items()}
    people = sum(pops.values())
    grads = {
        f"regions.{name}.universities.{i}.graduates_per_year": u.graduates_per_year / k
        for name, r in regions.items()
        for i, u in enumerate(r.universities)
    }
    # firms one to one (mechanisms.initial.one_to_one_orgs): every real firm is a row, and a
    # sampled founding brings k - 1 unsampled ones
    k_org = 1.0 if one_to_one(sc, k) else k
    firms = sum(r.initial_firms for r in regions.values()) / k_org
    pools = {
        f"regions.{name}.investors.{i}.count": float(p.count)
        for name, r in regions.items()
        for i, p in enumerate(r.investors)
    }
    investors = sum(pools.values())
    person_months = people * months
    newcomers = sum(grads.values()) * months / 12.0
    # tables double when they grow: plan for twice the rows they reach
    person_rows = 2.0 * (
        1.6 * people + 4096 + newcomers + PERSON_ROWS_PER_PERSON_MONTH * person_months
    )
    org_rows = 2.0 * (
        firms + 0.05 * people + 2048 + ORG_ROWS_PER_PERSON_MONTH * person_months * (k / k_org)
    )
    event_rows = 2.0 * (max(32768.0, people) + EVENT_ROWS_PER_PERSON_MONTH * person_months)
    parts = {
        "people": person_rows * PERSON_BYTES,
        "organisations": org_rows * ORG_BYTES,
        "investors": 2.0 * (investors + 1024) * INVESTOR_BYTES,
        "investments": 2.0 * (people / 5 + 4096) * INVESTMENT_BYTES,
        "events": event_rows * EVENT_BYTES,
        "records": float(nr) * months * RECORD_BYTES_PER_REGION_MONTH,
        "region matrices": float(nr) * nr * MATRIX_BYTES_PER_PAIR,
    }
    biggest = max(pops, key=pops.__getitem__) if pops else ""
    pop_field = f"regions.{biggest}.population or raise scale (--scale)"
    big_pool = max(pools, key=pools.__getitem__) if pools else "regions"
    big_grad = max(grads, key=grads.__getitem__) if grads else pop_field
    fields = {
        "people": big_grad if newcomers > 1.6 * people else pop_field,
        "organisations": pop_field,
        "investors": big_pool,
        "investments": pop_field,
        "events": f"years or {pop_field}",
        "records": "regions or years",
        "region matrices": "regions",
    }
    return Budget(nr, months, people, person_months, investors, sum(parts.values()), parts, fields)


def check_budget(
    sc: Scenario,
    years: int | None = None,
    scale: float | None = None,
    source: str | None = None,
    memory: float | None = None,
) -> Budget:
    """Refuse a run over a limit with one line naming the field and how to lower it.

    Parameters
    ----------
    sc, years, scale
        The run: the scenario and the years and scale it will run with (defaults: the
        scenario's).
    source
        The file or preset to name in the message (default: the scenario's name).
    memory
        Bytes allowed (default :func:`memory_limit`).

    Raises
    ------
    BudgetError
        If the run has too many regions or years, a region without simulated people, or needs
        more memory or person-months than allowed.
    """
    where = source or f"scenario {sc.name}"
    k = float(scale if scale is not None else sc.scale)
    if not math.isfinite(k) or k < 1.0:
        raise BudgetError(
            f"{where}: scale must be positive and finite, at least 1 real person per simulated "
            f"person; got {k!r}"
        )
    yrs = sc.years if years is None else years
    if isinstance(yrs, float) and not yrs.is_integer():
        raise BudgetError(f"{where}: years must be a whole number, got {yrs!r}")
    yrs = int(yrs)
    if yrs < 1 or yrs + sc.warmup_years > MAX_YEARS:
        raise BudgetError(
            f"{where}: years: {yrs} reported + {sc.warmup_years} warm-up years; a run needs "
            f"at least 1 and at most {MAX_YEARS} in all (lower years or warmup_years)"
        )
    nr = len(sc.regions)
    if nr > MAX_REGIONS:
        raise BudgetError(
            f"{where}: regions: {nr:,} regions, more than the {MAX_REGIONS} a run may have "
            "(merge small regions or split the scenario)"
        )
    for name, r in sc.regions.items():
        if r.population / k < MIN_PEOPLE_PER_REGION:
            raise BudgetError(
                f"{where}: scale: {k:g} real people per simulated person leaves region "
                f"{name!r} ({r.population:,.0f} people) with {r.population / k:.2g} simulated "
                f"people; lower scale to at most {r.population / MIN_PEOPLE_PER_REGION:g}"
            )
    b = estimate(sc, yrs, k)
    if b.person_months > MAX_PERSON_MONTHS:
        raise BudgetError(
            f"{where}: {b.people:,.0f} simulated people × {b.months} months is "
            f"{b.person_months:.3g} person-months, more than the {MAX_PERSON_MONTHS:.0e} a run "
            f"may take; lower {b.fields['organisations']} or years"
        )
    limit = memory_limit() if memory is None else memory
    if b.bytes > limit:
        worst = max(b.parts, key=b.parts.__getitem__)
        raise BudgetError(
            f"{where}: the run needs about {_size(b.bytes)} of memory ({worst} "
            f"{_size(b.parts[worst])}), more than the {_size(limit)} allowed; lower "
            f"{b.fields[worst]} (limit: RAINFOREST_MEMORY_GB)"
        )
    return b

"""The monthly per-region accounts that kernels add to, laid out from the metric registry.

Kernels add raw simulated counts into a ``(regions, n_accounts)`` float64 array; at the end of a
month the engine converts them to real units (counts times the population scale, except the
metrics the registry marks unscaled). The column of each account is its position among the
registry's ``account`` and ``internal`` metrics; the ``M_*`` indices below are compiled into
cached kernels, which is why the registry only ever appends (see :mod:`rainforest.registry`).
"""

from __future__ import annotations

import numpy as np

from rainforest import registry


def accounts() -> tuple[str, ...]:
    """Names of the accounts kernels add to, in column order (plug-in metrics included)."""
    return registry.names("account", "internal")


def reported() -> tuple[str, ...]:
    """The metric columns of ``Result.metrics`` (besides month, year, region), in order."""
    return registry.names("account") + registry.names("derived")


def unscaled() -> frozenset[str]:
    """Accounts that are not multiplied by the population scale when reported."""
    return frozenset(m.name for m in registry.metrics() if not m.scaled)


def of_kind(kind: str) -> tuple[str, ...]:
    """Reported metrics of one kind (``flow``, ``stock`` or ``ratio``), in order."""
    return tuple(n for n in reported() if registry.kind(n) == kind)


def kind_of_metric(name: str) -> str:
    """'flow', 'stock' or 'ratio' for a reported metric."""
    return registry.kind(name)


_COLUMNS: dict[str, int] = {}


def column(name: str) -> int:
    """Column of account ``name`` in the month's accounts array, for NumPy-side hooks. Cached:
    the registry only appends, so a column never moves once it exists (a plug-in metric
    registered later is found on its first use)."""
    i = _COLUMNS.get(name)
    if i is None:
        _COLUMNS.update({n: k for k, n in enumerate(accounts())})
        i = _COLUMNS[name]
    return i


_COLUMN_SETS: dict[tuple[str, ...], np.ndarray] = {}


def columns(*names: str) -> np.ndarray:
    """Columns of accounts ``names`` (in that order) as one int64 array, for compiled hooks
    that book several accounts at once; cached per tuple of names (columns never move)."""
    got = _COLUMN_SETS.get(names)
    if got is None:
        got = _COLUMN_SETS[names] = np.array([column(n) for n in names], np.int64)
    return got


def _i(name: str) -> int:
    return accounts().index(name)


# first-edition accounts (fixed positions: the registry lists the built-ins first)
M_PEOPLE = _i("people")
M_EMPLOYED = _i("employed")
M_UNEMPLOYED = _i("unemployed")
M_FOUNDERS = _i("founders")
M_UNDER35 = _i("under35")
M_ARRIVALS = _i("arrivals")
M_DEPARTURES = _i("departures")
M_MIGRANTS_IN = _i("migrants_in")
M_MIGRANTS_OUT = _i("migrants_out")
M_STARTUPS = _i("startups_alive")
M_SMES = _i("smes")
M_SPEC_SMES = _i("specialised_smes")
M_LISTED = _i("listed_firms")
M_FIRMS = _i("firms")
M_CONTACTS = _i("contacts")
M_IDEAS = _i("ideas")
M_FOUNDINGS = _i("foundings")
M_SPINOUTS = _i("spinouts")
M_UNI_SPINOUTS = _i("university_spinouts")
M_REFOUNDINGS = _i("refoundings")
M_FAILURES = _i("failures")
M_IPOS = _i("ipos")
M_ACQ = _i("acquisitions")
M_UNICORNS = _i("unicorns")
M_PATENTS = _i("patents")
M_PATENT_STOCK = _i("patent_stock")
M_TECH_TRANSFERS = _i("tech_transfers")
M_BREAKTHROUGHS = _i("breakthroughs")
M_OUTPUT = _i("output")
M_INV_ANGEL = _i("investment_angel")
M_INV_VC = _i("investment_vc")
M_INV_CVC = _i("investment_cvc")
M_INV_STATE = _i("investment_state")
M_INV_BANK = _i("investment_bank")
M_RESCUES = _i("rescues")
M_SUBSIDIES = _i("subsidies_paid")
M_SUBSIDY_DELAY = _i("subsidy_delay_weighted")
M_EXPERIMENTS = _i("experiments")
M_EXP_SPEND = _i("experiment_spend")
M_CONTACT_SAMPLE = _i("contact_sample")
M_CROSS_SAMPLE = _i("cross_skill_sample")
M_BELIEF = _i("belief")
M_RENT = _i("office_rent")
M_JOB_CHANGES = _i("job_changes")  # appended after the first edition's layout
M_BACKING = _i("parent_backing")  # issue 15 item 6, appended after the living network's
M_INVEST0 = M_INV_ANGEL  # + investor kind code

# the first edition's layout, checked: cached kernels were compiled against these positions
assert (M_PEOPLE, M_RENT, M_INVEST0) == (0, 42, 29), "the registry's built-in order changed"

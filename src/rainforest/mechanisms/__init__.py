"""The model's mechanisms, one module each, declared under one contract.

Each module quotes the seed claim it models, holds its Numba kernels, and ends with a
:class:`~rainforest.mechanisms.contract.Mechanism` that declares its parameters, metrics,
events and hooks (:mod:`rainforest.mechanisms.contract`). Kernels take the struct-of-arrays
tables of :mod:`rainforest.state`; randomness comes from Numba's per-thread generator, seeded
each month by the books' first hook. The month's order of hooks is
:mod:`rainforest.engine.month`.
"""

from rainforest.mechanisms import (  # noqa: F401  (importing declares each mechanism)
    bookkeeping,
    m01_contacts,
    m02_ideas,
    m03_founding,
    m04_experiments,
    m05_capital,
    m06_labour,
    m06_lifecycle,
    m07_anchors,
    m08_knowledge,
    m09_belief,
    m10_policy,
    m11_migration,
    m12_connections,
    m13_network,
    m17_instruments,
    m18_tie_belief,
    m19_growth,
    m20_campus,
    m21_arrivals,
    shocks,
)
from rainforest.mechanisms.contract import (
    ContractError,
    Hook,
    Mechanism,
    get,
    mechanisms,
    register,
    registered,
    unregister,
)

__all__ = [
    "ContractError",
    "Hook",
    "Mechanism",
    "get",
    "mechanisms",
    "register",
    "registered",
    "unregister",
]

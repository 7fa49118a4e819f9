"""The three bundles every compiled hook takes: ``hook(T, X, M)``.

Why bundles: the month used to be one 44-argument positional call, floats side by side, where a
swap raised nothing. A hook now names what it reads (``T.P.status``, ``M.remote_share``), Numba
compiles a namedtuple of arrays into a plain struct, and the engine builds the bundles once a
month (tables grow between months, so the bundles are rebuilt then).

``T`` (:class:`Tables`) the agent tables and the inputs fixed for the run;
``X`` (:class:`Scratch`) indices, candidate lists, samples and the month's accounts;
``M`` (:class:`MonthInputs`) what the NumPy-side hooks computed for this month.
"""

from __future__ import annotations

from collections import namedtuple

Tables = namedtuple(
    "Tables",
    # agent tables (state.tables), region/domain/geometry/university parameters, globals
    "P O I V E R D G U glob "
    # fixed per-run inputs
    "skill_cdf base_mix incumbent_of state_of turnover pop_target",
)
Scratch = namedtuple(
    "Scratch",
    "acc C refound cell_order cell_start emp_order emp_start pool pool_start inv_order "
    "inv_start skills_sample dist_hist successes alive",
)
MonthInputs = namedtuple(
    "MonthInputs",
    "month seed n_cells scale remote_share remote_cdf hybrid demand exp_cost local_share "
    "invest_cdf idecay migrate move_cdf move_rate mobile_factor move_lag contact_sample bin_km",
)

"""Scheduled shocks: an anchor's collapse (Detroit), a funding winter, a policy change.

Seed 001: "底特律…因产业结构单一而陷入衰败"; seed 004 on government programmes being revised.
A shock is scenario data (``shocks``: month, kind, region and its values); this module applies
each at its month: an anchor's head-count target is cut by ``layoff_share`` (lay-offs follow in
the labour market, and demand, platforms and spin-outs shrink with it, M7); a funding winter
freezes ``capital_cut`` of the region's investors' dry powder for ``freeze_months``; a policy change
sets one field of the region's policy from that month on.
"""

from __future__ import annotations

import numpy as np

from rainforest.mechanisms.common import add_event
from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.scenario import with_values
from rainforest.state.tables import EV_SHOCK


def apply(eng) -> None:
    """Apply the shocks scheduled for this month and thaw money whose freeze ends now."""
    w, month = eng.w, eng.month
    for s in eng.shocks:
        if s.month != month:
            continue
        r = w.region_names.index(s.region)
        if s.kind == "anchor_collapse":
            names = [a.name for a in eng.sc.regions[s.region].anchors]
            ids = [int(o) for o in w.anchor_ids if int(w.O.region[o]) == r]
            o = ids[names.index(s.anchor)]
            w.O.target[o] = max(1.0, w.O.target[o] * (1.0 - s.layoff_share))
            add_event(w.E, month, EV_SHOCK, r, o, -1, -1, s.layoff_share, int(w.O.domain[o]))
        elif s.kind == "policy_change":
            changed = with_values(eng.sc, {f"regions.{s.region}.policy.{s.field}": s.value})
            before = eng.policy_arrays(eng.sc)
            for key, arr in eng.policy_arrays(changed).items():
                if arr[r] != before[key][r]:  # only this field's arrays: shocks add up
                    getattr(w.R, key)[r] = arr[r]
            add_event(w.E, month, EV_SHOCK, r, -1, -1, -1, s.value, -1)
        elif s.kind == "funding_winter":
            sel = np.flatnonzero(w.I.region[: w.I.n[0]] == r)
            w.I.frozen[sel] += w.I.dry[sel] * s.capital_cut
            w.I.dry[sel] *= 1.0 - s.capital_cut
            w.frozen_until.append((month + s.freeze_months, sel))
            add_event(w.E, month, EV_SHOCK, r, -1, -1, -1, s.capital_cut, -1)
    for _, sel in [f for f in w.frozen_until if f[0] == month]:
        w.I.dry[sel] += w.I.frozen[sel]
        w.I.frozen[sel] = 0.0


MECHANISM = declare(
    Mechanism(
        code="shocks",
        name="shocks",
        title="Scheduled shocks: anchor collapse, funding winter, policy change",
        module=__name__,
        params=("shocks",),
        events=("shock",),
        hooks=(Hook("shocks.apply", apply, compiled=False, doc="this month's shocks"),),
        off={"shocks": []},
        direction_tests=(
            "tests/test_regions.py::test_single_anchor_region_loses_more_after_anchor_shock",
            "tests/test_regions.py::test_policy_change_shock_applies_mid_run",
        ),
        references=("seed 001: Detroit",),
    )
)

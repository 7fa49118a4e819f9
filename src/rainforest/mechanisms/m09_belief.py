"""M9 — belief resonates and spreads: "信念的共鳴與擴散" (seed 000); "一个李佳琦的成功就能让年轻人
前赴后继" (seed 003).

Local success stories (unicorns, IPOs and, less so, acquisitions) raise the belief that founding
pays off, for the whole region in proportion to successes per 10,000 people, and more for the
people who worked at the winning firm (their ``inspired`` boost, applied in M6's people pass).
Both decay with a half-life. Belief enters the founding decision of M3.

Parameters: ``mechanisms.belief`` and each region's ``culture.belief`` baseline.

With belief through ties on (M18, :mod:`rainforest.mechanisms.m18_tie_belief`), successes travel
through people's ties instead of this regional broadcast: M18 runs right after
:func:`update`, sets the region's number back to its culture baseline and reports the regional
mean of people's local belief; the colleague boost and the half-life here still apply.
"""

from __future__ import annotations

import numpy as np

from rainforest.mechanisms.contract import Hook, Mechanism, declare
from rainforest.state.accounts import M_BELIEF, M_PEOPLE


def update_belief(memory, successes, people_sim, belief0, belief_p) -> np.ndarray:
    """Decay the success memory, add this month's successes per 10,000 people, return belief.

    ``memory`` is updated in place; ``successes`` and ``people_sim`` are simulated counts, so
    the per-capita rate (and hence belief) does not depend on the population scale.
    """
    decay = 0.5 ** (1.0 / belief_p.halflife_months)
    memory *= decay
    memory += 1e4 * successes / np.maximum(people_sim, 1.0)
    return np.minimum(belief0 + belief_p.success_impact * memory, belief_p.max_belief)


def inspired_decay(belief_p) -> float:
    """Monthly decay factor of a person's own inspiration."""
    return float(0.5 ** (1.0 / belief_p.halflife_months))


# --- the mechanism's place in the month (see rainforest.mechanisms.contract) ---------------
def prepare(eng) -> None:
    """The monthly decay of a person's own inspiration (applied in the people pass)."""
    eng.inputs["idecay"] = inspired_decay(eng.sc.mechanisms.belief)


def update(eng) -> None:
    """Regional belief from this month's successes (after the firms' month)."""
    w, acc = eng.w, eng.acc
    w.R.belief[:] = update_belief(
        w.belief_memory, eng.successes, acc[:, M_PEOPLE], w.R.belief0, eng.sc.mechanisms.belief
    )
    acc[:, M_BELIEF] = w.R.belief


MECHANISM = declare(
    Mechanism(
        code="M9",
        name="belief",
        title="Success stories raise the belief that founding pays off",
        module=__name__,
        params=("mechanisms.belief", "regions.*.culture.belief"),
        metrics=("belief",),
        hooks=(
            Hook("belief.prepare", prepare, compiled=False, doc="inspiration decay"),
            Hook("belief.update", update, compiled=False, doc="regional belief"),
        ),
        off={"mechanisms.belief.success_impact": 0.0, "mechanisms.belief.colleague_boost": 0.0},
        direction_tests=("tests/test_mechanisms.py::test_m9_success_stories_raise_foundings",),
        references=("seed 000: 信念的共鳴與擴散",),
    )
)

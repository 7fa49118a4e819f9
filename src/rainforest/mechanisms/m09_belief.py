"""M9 — belief resonates and spreads: "信念的共鳴與擴散" (seed 000); "一个李佳琦的成功就能让年轻人
前赴后继" (seed 003).

Local success stories (unicorns, IPOs and, less so, acquisitions) raise the belief that founding
pays off, for the whole region in proportion to successes per 10,000 people, and more for the
people who worked at the winning firm (their ``inspired`` boost, applied in M6's people pass).
Both decay with a half-life. Belief enters the founding decision of M3.

Parameters: ``mechanisms.belief`` and each region's ``culture.belief`` baseline.
"""

from __future__ import annotations

import numpy as np


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

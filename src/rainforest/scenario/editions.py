"""The two editions of the mechanisms, as switch overlays for :func:`with_values`.

Why: issue 14 built the second edition (lasting ties, knowledge vectors, recombinant ideas,
spin-offs from people, belief through ties, growth from inside, conversion by hazard) and
issue 15 re-fitted the global parameters with it and with capital by need and traction, so it
is the default. The first edition's mechanisms stay in the engine: tests of its own mechanisms
(the density exponent of M1, the idea lottery of M2, per-anchor spin-out rates) and anyone
comparing the two editions switch them back with :data:`FIRST_EDITION`.

``with_values(load_scenario("hangzhou"), FIRST_EDITION)`` runs the first edition's mechanisms
with today's global parameters (the fitted values stay; the first edition's own fit is
``docs/calibration.md`` sections 1-2 and the git history).
"""

from __future__ import annotations

#: The switches of the second edition's mechanisms (all on by default).
SECOND_EDITION: dict[str, bool] = {
    "mechanisms.ties.enabled": True,
    "mechanisms.knowledge_vectors.enabled": True,
    "mechanisms.recombination.enabled": True,
    "mechanisms.people_spinoffs.enabled": True,
    "mechanisms.tie_belief.enabled": True,
    "mechanisms.growth.enabled": True,
    "mechanisms.outside_pool.enabled": True,
    "mechanisms.campus_spinoffs.enabled": True,
    "mechanisms.capital.by_traction": True,
}

#: The same switches off: the first edition's mechanisms.
FIRST_EDITION: dict[str, bool] = {k: False for k in SECOND_EDITION}

__all__ = ["FIRST_EDITION", "SECOND_EDITION"]

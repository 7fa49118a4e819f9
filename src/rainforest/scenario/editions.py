"""The two editions of the mechanisms, as switch overlays for :func:`with_values`.

Why: issue 14 built the second edition (lasting ties, knowledge vectors, recombinant ideas,
spin-offs from people, belief through ties, growth from inside with demand growth, conversion
by hazard) and issue 15 added capital by need and traction and fitted six global parameters
with all of it switched on (docs/calibration.md section 7). The default is still the first
edition: switching the second on by default moves every pinned figure and most direction tests
of the first edition's mechanisms, and that change waits until the whole suite is ported.

* :data:`SECOND_EDITION`: the second edition's switches, with today's defaults;
* the calibrated second edition: ``rainforest.experiments.joint.apply_fitted(scenario)``
  (the switches and the fitted values of ``rainforest/data/fitted/mechanisms.toml``; what
  ``rainforest validate --places`` and ``rainforest claims`` run by default);
* :data:`FIRST_EDITION`: the same switches off (today's default).
"""

from __future__ import annotations

#: The switches of the second edition's mechanisms.
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

#: The same switches off: the first edition's mechanisms (the default).
FIRST_EDITION: dict[str, bool] = {k: False for k in SECOND_EDITION}

__all__ = ["FIRST_EDITION", "SECOND_EDITION"]

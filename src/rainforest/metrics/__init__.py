"""Metrics: what a run (or an observed district) measures, read from a Result's tables.

This package only measures: it never simulates (nothing here imports the runner, the API or
the engine's month loop; ``tests/test_layers.py`` checks). Diagnosing a scenario by running it
is :func:`rainforest.experiments.diagnosis.diagnose`; building the preset reference by running the
presets is :mod:`rainforest.experiments.reference`.

One idea per module:

* :mod:`~rainforest.metrics.indicators` — opportunity density (seed 000's Caohejing figures),
  community (complementarity, experiment cost, belief; temperature, density, connection),
  outcomes, survival by age, venture multiples;
* :mod:`~rainforest.metrics.networks` — co-founding, collaboration, spin-out, investment and
  organisation graphs (python-igraph), bridging ties, spin-off family trees;
* :mod:`~rainforest.metrics.triple_helix` — Leydesdorff's triple-helix synergy and its
  geographic decomposition;
* :mod:`~rainforest.metrics.typology` — mixture weights over seed 001's five models and
  Brookings' three district types, with explanations;
* :mod:`~rainforest.metrics.reference` — the preset reference table and percentiles in it;
* :mod:`~rainforest.metrics.scorecard` — :func:`measure`, :func:`diagnosis` (finished runs to a
  :class:`Diagnosis`) and its rich rendering.
"""

from rainforest.metrics.indicators import (
    CAOHEJING,
    INDICATORS,
    community,
    indicator_table,
    investment_multiples,
    opportunity_density,
    outcomes,
    survival,
)
from rainforest.metrics.networks import (
    build_graphs,
    family_trees,
    network_summary,
    organisation_graph,
)
from rainforest.metrics.scorecard import Diagnosis, diagnosis, district_label, measure, render
from rainforest.metrics.triple_helix import decompose, mutual_information, synergy
from rainforest.metrics.typology import (
    MODELS,
    Typology,
    classify,
    classify_brookings,
    read_observed,
    structural_indicators,
)

__all__ = [
    "CAOHEJING",
    "INDICATORS",
    "MODELS",
    "Diagnosis",
    "Typology",
    "build_graphs",
    "classify",
    "classify_brookings",
    "community",
    "decompose",
    "diagnosis",
    "district_label",
    "family_trees",
    "indicator_table",
    "investment_multiples",
    "measure",
    "mutual_information",
    "network_summary",
    "opportunity_density",
    "organisation_graph",
    "outcomes",
    "read_observed",
    "render",
    "structural_indicators",
    "survival",
    "synergy",
]

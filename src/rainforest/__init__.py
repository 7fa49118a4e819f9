"""rainforest: a fast, validated agent-based simulator and observatory of innovation ecosystems.

The library's face (heavier parts are imported on first use)::

    import rainforest as rf
    sc = rf.load_scenario("hangzhou")
    res = rf.simulate(sc, years=20, seed=1)
    ens = rf.ensemble(sc, runs=64, seed=1)
    cmp = rf.compare(["hangzhou", "zhangjiang"], runs=32)
    why = rf.explain("hangzhou", vs="zhangjiang", runs=32)
    rf.report(cmp, "report.html")
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

# Numba would vectorise math functions through Intel's SVML where icc_rt is installed, and
# SVML's last bits differ from the C library's: runs would then depend on the machine (see
# rainforest.mechanisms.portable_math). Numba reads this when it is first imported.
os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")

from rainforest.scenario import Scenario, ScenarioError, load_scenario, preset_names

__version__ = "0.1.0"

# public name -> module that defines it (imported lazily so `import rainforest` stays fast)
_LAZY = {
    "simulate": "rainforest.api",
    "Result": "rainforest.result",
    "ensemble": "rainforest.experiments",
    "sweep": "rainforest.experiments",
    "compare": "rainforest.experiments",
    "sensitivity": "rainforest.experiments",
    "calibrate": "rainforest.experiments",
    "diagnose": "rainforest.experiments.diagnosis",
    "validate": "rainforest.validation",
    "explain": "rainforest.explain",
    "whatif": "rainforest.explain",
    "report": "rainforest.report",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rainforest' has no attribute {name!r}")


__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario", "preset_names", *_LAZY]

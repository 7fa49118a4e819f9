"""Fingerprint of simulated outputs: a hash per (preset, seed) of a short run's tables.

Why: refactors that must change no number (moving a constant into the schema, regrouping
kernel arguments) are checked by comparing these hashes before and after. The hash covers every
column of ``Result.metrics``, ``events``, ``orgs``, ``investments`` and ``investors`` as raw
bytes, so any difference in a single bit of a single value changes it.

Usage::

    python scripts/fingerprint.py > before.json      # on the old code
    python scripts/fingerprint.py --check before.json # on the new code: exit 1 on a mismatch
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

import numpy as np
import pandas as pd

import rainforest as rf

#: Presets covered: single districts, facilities (science-facility, detroit), a multi-region
#: scenario with migration (yangtze-delta), and detroit with every kind of shock added
#: ("detroit+shocks": no preset schedules one).
PRESETS = (
    "hangzhou",
    "caohejing",
    "silicon-valley",
    "detroit",
    "detroit+shocks",
    "science-facility",
    "yangtze-delta",
)
SHOCKS = [
    {"month": 3, "kind": "funding_winter", "region": "detroit", "capital_cut": 0.6},
    {"month": 6, "kind": "policy_change", "region": "detroit", "field": "sandbox", "value": 0.5},
    {
        "month": 9,
        "kind": "anchor_collapse",
        "region": "detroit",
        "anchor": "Detroit Three automakers",
        "layoff_share": 0.7,
    },
]
SEEDS = (1, 2)
YEARS = 3
#: Real people per simulated person, relative to the preset's own scale (small, fast runs).
SCALE_FACTOR = 4.0


def table_hash(df: pd.DataFrame) -> str:
    """SHA-256 over the column names, dtypes and raw bytes of every column."""
    h = hashlib.sha256()
    for col in df.columns:
        values = df[col].to_numpy()
        h.update(f"{col}:{values.dtype}:{len(values)}".encode())
        if values.dtype == object:
            h.update("\x1f".join(map(str, values)).encode())
        else:
            h.update(np.ascontiguousarray(values).tobytes())
    return h.hexdigest()


def fingerprint(preset: str, seed: int) -> dict[str, str]:
    """Hashes of one short run's tables."""
    if preset.endswith("+shocks"):
        base = rf.load_scenario(preset.removesuffix("+shocks")).model_dump()
        sc = rf.Scenario.model_validate({**base, "shocks": SHOCKS})
    else:
        sc = rf.load_scenario(preset)
    res = rf.simulate(sc, years=YEARS, seed=seed, scale=sc.scale * SCALE_FACTOR)
    return {
        name: table_hash(getattr(res, name))
        for name in ("metrics", "events", "orgs", "investments", "investors")
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", help="JSON file of earlier hashes to compare against")
    args = ap.parse_args()
    out = {f"{p}/{s}": fingerprint(p, s) for p in PRESETS for s in SEEDS}
    if not args.check:
        json.dump(out, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    with open(args.check, encoding="utf-8") as fh:
        before = json.load(fh)
    bad = [f"{k}.{t}" for k, v in out.items() for t, h in v.items() if before[k].get(t) != h]
    for key in bad:
        print("MISMATCH", key)
    print(f"{len(out) * 5 - len(bad)} of {len(out) * 5} table hashes identical")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

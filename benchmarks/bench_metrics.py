"""Cost of the metrics against the run they read: every metric of a 1M-person, 20-year run.

The scenario (default: ``examples/two-districts.toml``) is run at the population scale that
gives about ``--people`` simulated people; then every metric of :mod:`rainforest.metrics` is
timed on the Result: indicator sets (last year and every year), survival, venture multiples,
the five networks with their summaries, spin-off family trees, triple-helix synergy, the
typology, and the whole scorecard (:func:`rainforest.metrics.measure`). Numba compile time is
excluded (a small warm-up run first).

    python benchmarks/bench_metrics.py                      # ~1M people, 20 years
    python benchmarks/bench_metrics.py --people 100000 --years 5
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print (and return) its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "examples" / "two-districts.toml"))
    ap.add_argument("--people", type=int, default=1_000_000, help="Simulated people (about).")
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    args = ap.parse_args(argv)

    from rainforest.api import simulate
    from rainforest.metrics import indicators, networks, triple_helix, typology
    from rainforest.metrics.scorecard import measure
    from rainforest.scenario import load_scenario

    sc = load_scenario(args.scenario)
    population = sum(r.population for r in sc.regions.values())
    scale = population / args.people
    simulate(sc, years=1, seed=0, scale=max(scale, population / 5000))  # compile / warm up
    run_s, res = _time(lambda: simulate(sc, years=args.years, seed=args.seed, scale=scale))

    timings: dict[str, float] = {}
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("indicators, last year", lambda: indicators.indicator_table(res)),
        ("indicators, every year", lambda: indicators.indicator_table(res, "all")),
        ("survival by age", lambda: indicators.survival(res)),
        ("venture multiples", lambda: indicators.investment_multiples(res)),
        ("build five graphs", lambda: networks.build_graphs(res)),
        ("network summary (all + regions)", lambda: networks.network_summary(res)),
        ("spin-off family trees", lambda: networks.family_trees(res)),
        ("triple-helix synergy", lambda: triple_helix.synergy(res)),
        (
            "typology + Brookings",
            lambda: (typology.classify(res), typology.classify_brookings(res)),
        ),
        ("whole scorecard (measure)", lambda: measure(res)),
    ]
    graphs = None
    for name, fn in steps:
        if hasattr(res, "_rf_org_ties"):
            del res._rf_org_ties  # time every step cold
        timings[name], out = _time(fn)
        if name == "build five graphs":
            graphs = out
    figures = {
        "scenario": sc.name,
        "years": args.years,
        "scale": scale,
        "simulated_people": res.meta["simulated_people"],
        "run_s": run_s,
        "metrics_s": timings,
        "events": len(res.events),
        "orgs": len(res.orgs),
        "investments": len(res.investments),
        "graph_sizes": {k: (g.vcount(), g.ecount()) for k, g in (graphs or {}).items()},
    }
    start = res.metrics.loc[res.metrics["month"] == 0, "people"].sum() / scale
    figures["simulated_people_at_start"] = int(round(start))
    print(
        f"{sc.name}: {start:,.0f} simulated people at the start, "
        f"{res.meta['simulated_people']:,} ever (scale {scale:.3g}), "
        f"{args.years} years; {len(res.events):,} events, {len(res.orgs):,} organisations, "
        f"{len(res.investments):,} rounds"
    )
    print(f"{'run (simulate)':<34}{run_s:>9.2f} s")
    for name, t in timings.items():
        print(f"{name:<34}{t:>9.2f} s  {100 * t / run_s:6.1f}% of the run")
    for k, (n, e) in figures["graph_sizes"].items():
        print(f"  graph {k:<14}{n:>10,} vertices {e:>10,} ties")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()

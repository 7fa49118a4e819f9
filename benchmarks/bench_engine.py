"""Engine throughput and memory: person-steps per second and peak memory at 100k, 1M, 5M people.

Each size runs in its own process so that peak resident memory is that size's alone. Numba
compile time is excluded (a small warm-up run first, and kernels are cached on disk). On a
shared machine throughput drifts by tens of percent from minute to minute, so every size runs
``--repeats`` times, sizes taking turns, and the fastest repeat is reported (with the slowest
in brackets); ratios between sizes use the fastest repeats.

    python benchmarks/bench_engine.py            # 100k, 1M, 5M people, 24 months, 3 repeats
    python benchmarks/bench_engine.py --sizes 100000 --months 12 --repeats 1
    python benchmarks/bench_engine.py --sizes 1000000 --network both   # living network off/on
    python benchmarks/bench_engine.py --sizes 1000000 --network on --hooks  # ms/month per hook

``--hooks`` runs the month hook by hook (``Engine(..., profile=True)``: no fused segments, so
a little slower in all) and prints the costliest hooks, months after the first three only
(the first months hold one-off set-up: the network's tables and newcomers' knowledge).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def one(people: int, months: int, regions: int, network: bool = False, hooks: bool = False) -> dict:
    """Run one size in this process and return its figures (``network``: the living network,
    M13-M16, switched on; ``hooks``: time each hook, in ms per month after month 3)."""
    sys.path.insert(0, str(HERE))
    from configurations import district as plain
    from rainforest.engine import Engine
    from rainforest.mechanisms.m13_network import ON
    from rainforest.scenario import with_values
    from rainforest.state import tables as S

    def district(n: int, r: int):
        return with_values(plain(n, r), ON) if network else plain(n, r)

    warm = Engine(district(5000, regions), seed=0, profile=hooks)
    for _ in range(2):
        warm.step()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    eng = Engine(district(people, regions), seed=1, profile=hooks)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    sys0 = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    steps = []
    early: dict[str, float] = {}
    for m in range(months):
        s = time.perf_counter()
        eng.step()
        steps.append(time.perf_counter() - s)
        if hooks and m == 2:
            early = dict(eng.hook_seconds)
    run = time.perf_counter() - t0
    # the kernel's share: first touches of fresh memory (newcomers' rows, grown tables) are
    # kernel time, and on some virtual machines it dominates a month (README, Performance)
    sys_s = resource.getrusage(resource.RUSAGE_SELF).ru_stime - sys0
    w = eng.w
    alive = int((S.rows(w.P)["status"] != S.GONE).sum())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "network": network,
        "people": people,
        "regions": regions,
        "months": months,
        "build_s": round(build, 2),
        "run_s": round(run, 2),
        "kernel_s": round(sys_s, 2),
        "person_steps_per_s": alive * months / run,
        "ns_per_person_step": run / (alive * months) * 1e9,
        "peak_rss_gb": rss / 1e6,
        "rss_delta_gb": (rss - rss0) / 1e6,
        "state_gb": S.nbytes(w.P, w.O, w.I, w.V, w.E) / 1e9,
        "startups": int(((S.rows(w.O)["kind"] == S.STARTUP) & (S.rows(w.O)["alive"] == 1)).sum()),
        "first_month_s": round(steps[0], 3),
        "later_month_ms": round(1e3 * sum(steps[1:]) / max(months - 1, 1), 1),
        "hook_ms": {
            k: round(1e3 * (v - early.get(k, 0.0)) / (months - 3), 2)
            for k, v in sorted((eng.hook_seconds or {}).items(), key=lambda x: -x[1])
        }
        if hooks and months > 3
        else {},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000])
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--regions", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3, help="runs per size; the fastest counts")
    ap.add_argument(
        "--network", choices=("off", "on", "both"), default="off", help="living network M13-M16"
    )
    ap.add_argument("--hooks", action="store_true", help="ms per month of the costliest hooks")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(one(a.sizes[0], a.months, a.regions, a.network == "on", a.hooks)))
        return
    modes = ("off", "on") if a.network == "both" else (a.network,)
    runs = {m: {n: [] for n in a.sizes} for m in modes}
    for _ in range(max(a.repeats, 1)):  # interleaved: the machine's load drifts
        for mode in modes:
            measure(a, mode, runs[mode])
    for mode in modes:
        if len(modes) > 1:
            print(f"living network {mode}:", flush=True)
        report(a, runs[mode])


def measure(a: argparse.Namespace, mode: str, runs: dict[int, list[dict]]) -> None:
    """Run every size once, in its own process, adding the figures to ``runs``."""
    for n in a.sizes:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--sizes",
                str(n),
                "--months",
                str(a.months),
                "--regions",
                str(a.regions),
                "--network",
                mode,
                *(["--hooks"] if a.hooks else []),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        runs[n].append(json.loads(out.stdout.strip().splitlines()[-1]))


def report(a: argparse.Namespace, runs: dict[int, list[dict]]) -> None:
    """Print the fastest repeat of each size, and ratios between sizes."""
    rows = []
    for n in a.sizes:
        r = min(runs[n], key=lambda x: x["ns_per_person_step"])
        slowest = max(x["ns_per_person_step"] for x in runs[n])
        rows.append(r)
        print(
            f"{r['people']:>10,} people x {r['months']} months ({r['regions']} region(s)): "
            f"{r['person_steps_per_s'] / 1e6:6.1f} M person-steps/s, "
            f"{r['ns_per_person_step']:6.1f} ns/person-step (slowest of {len(runs[n])}: "
            f"{slowest:.1f}), build {r['build_s']:.1f} s, "
            f"peak RSS {r['peak_rss_gb']:.2f} GB (+{r['rss_delta_gb']:.2f} GB for this run), "
            f"state {r['state_gb']:.2f} GB, {r['startups']:,} startups alive; "
            f"first month {r['first_month_s']:.2f} s, later months {r['later_month_ms']:.0f} ms; "
            f"kernel (system) time {r['kernel_s']:.2f} s of the run's {r['run_s']:.2f} s",
            flush=True,
        )
        if r["hook_ms"]:
            top = list(r["hook_ms"].items())[:8]
            print("    ms/month by hook: " + ", ".join(f"{k} {v:.1f}" for k, v in top))
    if len(rows) > 1:
        base = rows[0]["ns_per_person_step"]
        for r in rows[1:]:
            print(
                f"cost per person-step at {r['people']:,} / at {rows[0]['people']:,}: "
                f"{r['ns_per_person_step'] / base:.2f}x"
            )
        for r in rows:
            print(
                f"memory per million people at {r['people']:,}: "
                f"{r['rss_delta_gb'] / (r['people'] / 1e6):.2f} GB"
            )


if __name__ == "__main__":
    main()

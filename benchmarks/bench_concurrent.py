"""Runs at the same time: what one run costs when other processes share the cores.

A user's run is not always alone on the machine: two terminals, the dashboard's jobs beside a
command, a calibration in the background. A compiled kernel that starts a parallel region
(Numba's ``parallel=True``) then waits for threads the system has put aside: the living
network's newcomers' kernel, started every month, made two simultaneous second-edition runs
three times slower than they are now (docs/networks.md section 8, "The glue compiled, and a
parallel region that waited for busy cores"). This probe starts ``--processes`` processes at
once, each making ``--runs`` runs of a preset with Numba's default thread count, and prints
each process's seconds a run.

    python benchmarks/bench_concurrent.py                        # hangzhou, second edition
    python benchmarks/bench_concurrent.py --edition first --processes 2 --runs 3
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time


def one_process(preset: str, edition: str, runs: int, years: int, scale: float) -> float:
    """Seconds a run over ``runs`` runs of ``preset`` (after a short run that loads compiled
    code), as the multi-run commands' workers make them (no end-of-run network measures)."""
    from rainforest import simulate
    from rainforest.experiments.joint import apply_fitted
    from rainforest.scenario import load_scenario

    sc = load_scenario(preset)
    if edition == "second":
        sc = apply_fitted(sc)
    simulate(sc, years=1, seed=0, scale=scale, network_measures=False)
    t0 = time.perf_counter()
    for seed in range(runs):
        simulate(sc, years=years, seed=seed, scale=scale, network_measures=False)
    return (time.perf_counter() - t0) / runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="hangzhou")
    ap.add_argument("--edition", choices=("first", "second"), default="second")
    ap.add_argument("--processes", type=int, default=2, help="processes started at once")
    ap.add_argument("--runs", type=int, default=3, help="runs per process")
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--scale", type=float, default=40.0)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(f"{one_process(a.preset, a.edition, a.runs, a.years, a.scale):.3f}")
        return
    args = [sys.executable, __file__, "--child", "--preset", a.preset, "--edition", a.edition,
            "--runs", str(a.runs), "--years", str(a.years), "--scale", str(a.scale)]  # fmt: skip
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(a.processes)]
    secs = [p.communicate()[0].strip() for p in procs]
    print(
        f"{a.preset}, {a.edition} edition, {a.processes} processes at once, {a.runs} runs of "
        f"{a.years} years at scale {a.scale:g} each: seconds a run {' / '.join(secs)}"
    )


if __name__ == "__main__":
    main()

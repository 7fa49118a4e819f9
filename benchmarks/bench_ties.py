"""Living-network throughput and memory: person-steps per second and bytes per person.

Ties, knowledge and recombination alone (mechanisms/living_network.py), without the rest of the
engine, as MODEL.md §8's probe: one tie attempt per 10 person-months, K tie slots, D = 8
knowledge classes, closure 30%, one tie use and one recombination try per acting person.
A square region of 64 × 64 cells of 0.5 km with log-normal cell populations (people numbered in
cell order, as the engine keeps them), employers of 50 people, alumni groups of 200.

Each size runs in its own process, so peak resident memory is that size's alone. ``warm``
months fill the tie table first (compile time excluded: kernels are cached); then ``months``
months are timed, ``repeats`` times, the fastest reported (the slowest in brackets).
The machine may be shared: process CPU time is reported beside wall time (the CPU figure is
what one core gives when it is not waiting for others), with a load index (nanoseconds per
random draw). The timed month includes re-indexing people by cell, employer and group (the
engine does the first two anyway; reported separately as ``index_ms``).

    python benchmarks/bench_ties.py                       # 100k and 1M people, K = 16
    python benchmarks/bench_ties.py --sizes 100000 --slots 32 --months 6
    python benchmarks/bench_ties.py --regions 4 --remote-share 0.2   # remote ties: 4 regions

``--regions R`` lays out R such regions (the people shared among them) and sends a share
``--remote-share`` of encounters to another region (remote ties, docs/networks.md §1).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def rng_ns() -> float:
    """CPU nanoseconds per ``np.random.random()`` draw in a compiled loop: an index of how
    loaded the machine is (about 3-5 ns on an idle core of a recent x86 CPU)."""
    from numba import njit

    @njit
    def draws(n):
        s = 0.0
        for _ in range(n):
            s += np.random.random()
        return s

    import numpy as np

    draws(10)
    c0 = time.process_time()
    draws(10**7)
    return (time.process_time() - c0) / 1e7 * 1e9


def one(
    people: int,
    slots: int,
    warm: int,
    months: int,
    repeats: int,
    serial: bool,
    regions: int = 1,
    remote_share: float = 0.0,
) -> dict:
    """Build, warm and time one size in this process."""
    import numpy as np

    from rainforest.mechanisms import living_network as ln
    from rainforest.mechanisms import ties as tk

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rng = np.random.default_rng(0)
    w = rng.lognormal(0.0, 1.0, 64 * 64 * regions)
    counts = np.floor(w / w.sum() * people).astype(np.int64)
    counts[: people - counts.sum()] += 1
    tk.seed(0)
    net = ln.toy(
        counts,
        ties=tk.TiesParams(enabled=True, slots=slots),
        seed=0,
        regions=regions,
        remote_share=remote_share,
    )
    net.month(0)  # compile or load the cache
    for m in range(1, warm + 1):
        net.month(m)
    runs, cpu, index_ms = [], [], []
    m = warm
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(months):
            m += 1
            s = time.process_time()
            net.index()
            index_ms.append((time.process_time() - s) * 1e3)
            net.month(m, serial)
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    best, worst = min(runs), max(runs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    deg = net.T.deg
    return {
        "people": people,
        "slots": slots,
        "kernel": "serial" if serial else "pipelined",
        "regions": regions,
        "remote_share": remote_share,
        "remote_ties": int(net.out[ln.COUNTERS.index("remote_ties")]),
        "months_timed": months,
        "person_steps_per_s": people * months / best,
        "slowest_person_steps_per_s": people * months / worst,
        "ms_per_month": best / months * 1e3,
        "cpu_person_steps_per_s": people * months / min(cpu),
        "cpu_ms_per_month": min(cpu) / months * 1e3,
        "index_ms": float(np.median(index_ms)),
        "state_bytes_per_person": net.nbytes_per_person(),
        "rss_bytes_per_person": (rss - rss0) * 1e3 / people,
        "mean_ties": float(deg.mean()),
        "full_rows_share": float((deg == slots).mean()),
        "ideas": int(net.buf.n[0]),
        "rng_ns": rng_ns(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--slots", type=int, default=16)
    ap.add_argument("--warm", type=int, default=24)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--serial", action="store_true", help="time the unpipelined kernel")
    ap.add_argument("--regions", type=int, default=1, help="regions of 64 x 64 cells")
    ap.add_argument("--remote-share", type=float, default=0.0, help="share of remote encounters")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        r = one(a.one, a.slots, a.warm, a.months, a.repeats, a.serial, a.regions, a.remote_share)
        print(json.dumps(r))
        return
    for n in a.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--slots", str(a.slots)]
        cmd += ["--warm", str(a.warm), "--months", str(a.months), "--repeats", str(a.repeats)]
        cmd += ["--serial"] if a.serial else []
        cmd += ["--regions", str(a.regions), "--remote-share", str(a.remote_share)]
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        print(
            f"{r['people']:>9,} people  K={r['slots']} {r['kernel']}, "
            f"{r['regions']} region(s), remote share {r['remote_share']:g}: "
            f"{r['person_steps_per_s']:.3g} person-steps/s "
            f"(slowest {r['slowest_person_steps_per_s']:.3g}), "
            f"{r['ms_per_month']:.1f} ms/month; CPU time: "
            f"{r['cpu_person_steps_per_s']:.3g} person-steps/s, "
            f"{r['cpu_ms_per_month']:.1f} ms/month (index {r['index_ms']:.1f} ms), "
            f"state {r['state_bytes_per_person']:.0f} B/person, "
            f"RSS {r['rss_bytes_per_person']:.0f} B/person, "
            f"{r['mean_ties']:.1f} ties/person, {r['full_rows_share']:.1%} rows full; "
            f"load index {r['rng_ns']:.1f} ns per random draw"
        )
        print(json.dumps(r))


if __name__ == "__main__":
    main()

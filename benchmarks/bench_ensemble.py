"""Throughput and memory of ensembles (GitHub issue 5): runs/minute on 1 and 2 local worker
processes and on a 2-worker Dask ``LocalCluster``, parallel efficiency at 2 workers, and the
parent process's memory for 100 vs 1,000 runs.

Each executor is warmed up first (worker start-up and loading Numba's cached kernels take a
few seconds per process and are reported separately), then timed on ``--runs`` runs of
``examples/two-districts.toml``. Memory is measured in a fresh child process per size: the
peak resident set size of the parent (``ru_maxrss``) minus its size before the ensemble, with
metrics kept in memory, and again with a store (events go to DuckDB, not to the parent's
memory). RSS is sampled every 10 ms by a thread (psutil).

Run: ``.venv/bin/python benchmarks/bench_ensemble.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = str(ROOT / "examples" / "two-districts.toml")


def _rate(executor, runs: int, years: int, scale: float) -> tuple[float, float]:
    """(runs per minute, wall seconds) of one timed ensemble on a warmed-up executor."""
    from rainforest.experiments import ensemble

    t0 = time.perf_counter()
    ensemble(SCENARIO, runs=runs, seed=1, years=years, scale=scale, executor=executor)
    wall = time.perf_counter() - t0
    return 60.0 * runs / wall, wall


def _warm(executor, workers: int, years: int, scale: float) -> float:
    """Seconds to start the workers and run one run on each (Numba cache loading)."""
    from rainforest.experiments import ensemble

    t0 = time.perf_counter()
    ensemble(SCENARIO, runs=2 * workers, seed=99, years=years, scale=scale, executor=executor)
    return time.perf_counter() - t0


def throughput(runs: int, years: int, scale: float) -> dict[str, dict[str, float]]:
    """Runs/minute on sequential, 1 and 2 local processes and a 2-worker LocalCluster."""
    from rainforest.experiments import ProcessExecutor, SequentialExecutor

    out: dict[str, dict[str, float]] = {}
    seq = SequentialExecutor()
    start = _warm(seq, 1, years, scale)
    rpm, wall = _rate(seq, runs, years, scale)
    out["sequential (in process)"] = {"start_s": start, "rpm": rpm, "wall_s": wall}
    for n in (1, 2):
        with ProcessExecutor(n) as pool:
            start = _warm(pool, n, years, scale)
            rpm, wall = _rate(pool, runs, years, scale)
        out[f"local processes x{n}"] = {"start_s": start, "rpm": rpm, "wall_s": wall}
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("dask.distributed not installed: skipping the LocalCluster measurement")
        return out
    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        start = time.perf_counter() - t0 + _warm(client, 2, years, scale)
        rpm, wall = _rate(client, runs, years, scale)
    out["dask LocalCluster x2"] = {"start_s": start, "rpm": rpm, "wall_s": wall}
    return out


class _PeakRSS:
    """Samples this process's resident set size every 10 ms; ``peak`` is the maximum."""

    def __init__(self) -> None:
        import threading

        import psutil

        self._proc = psutil.Process()
        self.peak = self._proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._stop.wait(0.01)

    def __enter__(self) -> _PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def _memory_child(runs: int, years: int, scale: float, store: bool) -> None:
    """In a fresh process: peak RSS of the parent during one ensemble vs before it."""
    import psutil

    from rainforest.api import simulate
    from rainforest.experiments import ProcessExecutor, ensemble

    simulate(SCENARIO, years=1, seed=0, scale=scale)  # import and load kernels first
    with ProcessExecutor(2) as pool, tempfile.TemporaryDirectory() as tmp:
        ensemble(SCENARIO, runs=4, seed=5, years=years, scale=scale, executor=pool)
        db = Path(tmp) / "runs.duckdb" if store else None
        before = psutil.Process().memory_info().rss
        with _PeakRSS() as rss:
            ens = ensemble(
                SCENARIO, runs=runs, seed=1, years=years, scale=scale, executor=pool, store=db
            )
        rows = len(ens.metrics)
    print(json.dumps({"before": before, "peak": rss.peak, "metric_rows": rows}))


def memory(sizes: list[int], years: int, scale: float) -> list[dict[str, float]]:
    """Parent memory growth for each ensemble size, without and with a store."""
    out = []
    for store in (False, True):
        for n in sizes:
            cmd = [sys.executable, __file__, "--memory-child", str(n), "--years", str(years)]
            cmd += ["--scale", str(scale)] + (["--store"] if store else [])
            res = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
            got = json.loads(res.stdout.strip().splitlines()[-1])
            out.append(
                {
                    "runs": n,
                    "store": store,
                    "growth_mib": (got["peak"] - got["before"]) / 2**20,
                    "peak_mib": got["peak"] / 2**20,
                    "metric_rows": got["metric_rows"],
                }
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="Fewer runs (a smoke test, ~1 min).")
    ap.add_argument("--runs", type=int, default=None, help="Runs per throughput measurement.")
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--store", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child is not None:
        _memory_child(args.memory_child, args.years, args.scale, args.store)
        return
    runs = args.runs or (16 if args.quick else 64)
    cores = os.cpu_count()
    print(f"rainforest ensemble benchmark: {SCENARIO}, years={args.years}, scale={args.scale:g}")
    load = "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    print(f"machine: {cores} cores, python {sys.version.split()[0]}, {load} at start\n")
    res = throughput(runs, args.years, args.scale)
    print(f"throughput ({runs} runs each, after warm-up)")
    print(f"  {'executor':<26}{'runs/min':>10}{'wall s':>9}{'start-up s':>12}")
    for name, r in res.items():
        print(f"  {name:<26}{r['rpm']:>10.0f}{r['wall_s']:>9.2f}{r['start_s']:>12.2f}")
    one, two = res["local processes x1"]["rpm"], res["local processes x2"]["rpm"]
    print(
        f"\nparallel efficiency at 2 local workers: {two / one / 2:.0%} (speed-up {two / one:.2f}x)"
    )
    if "dask LocalCluster x2" in res:
        d = res["dask LocalCluster x2"]["rpm"]
        print(f"dask LocalCluster x2 vs local processes x2: {d / two:.0%} of the throughput")
    sizes = [20, 200] if args.quick else [100, 1000]
    mem_years, mem_scale = 2, 50.0
    print(f"\nparent memory (2 local workers, years={mem_years}, scale={mem_scale:g})")
    print(f"  {'runs':>6}{'store':>7}{'metric rows':>13}{'growth MiB':>12}{'peak MiB':>10}")
    for m in memory(sizes, mem_years, mem_scale):
        store = "yes" if m["store"] else "no"
        print(
            f"  {m['runs']:>6}{store:>7}{m['metric_rows']:>13,}"
            f"{m['growth_mib']:>12.1f}{m['peak_mib']:>10.1f}"
        )
    end = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    print(f"\nload average {end} at the end (other processes distort timings)")


if __name__ == "__main__":
    main()

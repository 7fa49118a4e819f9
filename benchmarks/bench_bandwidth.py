"""How close does the engine come to the machine's memory bandwidth? (GitHub issue 9.)

The engine's per-person work each month is a handful of O(N) passes over the People arrays
(``rainforest.state.tables.People``) plus three int32 index arrays; everything else is
O(organisations) or O(events). If those passes were limited only by memory bandwidth, a month
could not take less than ``rows × bytes_per_row / bandwidth``. This script

1. measures the bandwidth with a NumPy copy of a large array (STREAM "copy" convention:
   bytes read + bytes written, per second; write-allocate traffic not counted),
2. counts the bytes per People row that the monthly O(N) passes of ``Engine.step`` read and
   write (from the dtypes in ``state/tables.py``, so the count follows the code), and
3. runs the engine at a few sizes and prints its throughput as a fraction of that bound.

Run: ``.venv/bin/python benchmarks/bench_bandwidth.py [--people 100000 1000000] [--years 2]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

import numpy as np

from rainforest.api import simulate
from rainforest.state import tables as S

try:
    from benchmarks.mesa_model import bench_scenario
except ImportError:  # run as a script: benchmarks/ is on sys.path
    from mesa_model import bench_scenario


class MonthClock:
    """A ``progress`` callback for :func:`rainforest.simulate` that stamps every month with
    wall-clock and process CPU time, so the monthly loop can be timed without the build.

    The first stamp comes after month 1, so :meth:`loop` covers months 2..N; CPU time is the
    fairer measure on a shared machine, where other processes take turns on the cores.
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __call__(self, done: int, total: int) -> None:
        self.wall.append(time.perf_counter())
        self.cpu.append(time.process_time())

    def loop(self) -> tuple[float, float, int]:
        """(wall seconds, CPU seconds, months) of months 2..N."""
        return self.wall[-1] - self.wall[0], self.cpu[-1] - self.cpu[0], len(self.wall) - 1


def timed_simulate(sc, years: int, seed: int):
    """``simulate(sc, years, seed, scale=1)`` with a :class:`MonthClock`: (result, clock)."""
    clock = MonthClock()
    res = simulate(sc, years=years, seed=seed, scale=1, progress=clock)
    return res, clock


def copy_bandwidth(nbytes: int = 1 << 29, repeats: int = 10) -> float:
    """Best-of-``repeats`` bandwidth of ``np.copyto`` between two ``nbytes`` arrays, in GB/s
    (read + write bytes, 1 GB = 1e9 bytes)."""
    n = nbytes // 8
    src = np.ones(n)
    dst = np.zeros(n)  # np.zeros is lazily zeroed; fault its pages in before timing
    np.copyto(dst, src)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n * 8 / best / 1e9


@dataclass(frozen=True)
class Pass:
    """One O(N) pass of the monthly step over the People table."""

    kernel: str
    reads: tuple[str, ...]  # People columns read (each once per pass over a row)
    writes: tuple[str, ...]  # People columns written
    index_bytes: float  # bytes per row of int32 index arrays allocated / written
    note: str


# The O(N) passes of Engine.step (engine/month.py), in order. The counting sorts read their
# columns twice (count, then place) and, being branch-free, write one int32 index entry for
# every row (rows they do not index go to a dump slot). Index arrays are allocated once.
PASSES = (
    Pass(
        "m01.index_by_cell",
        ("status", "cell", "status", "cell"),
        (),
        4.0,
        "counting sort of living people by cell: two reads of status+cell, cell_order written",
    ),
    Pass(
        "m06.index_by_employer",
        ("status", "employer", "status", "employer"),
        (),
        4.0,
        "counting sort of employees by employer; emp_order written",
    ),
    Pass(
        "m06.people_month",
        ("status", "birth", "employer", "inspired", "region"),
        ("inspired",),
        0.0,
        "retirement, release from closed firms, inspiration decay, alive count",
    ),
    Pass(
        "m06.index_unemployed",
        ("status", "status"),
        (),
        0.0,
        "counting sort of the unemployed (pool written only for the few unemployed)",
    ),
    Pass(
        "m06.count_people",
        ("status", "region", "birth"),
        (),
        0.0,
        "end-of-month head counts by status and age",
    ),
)


def _itemsize(column: str) -> int:
    dt = S._DTYPES["People"][column]
    return np.dtype(dt[0] if isinstance(dt, tuple) else dt).itemsize


def bytes_per_row() -> tuple[float, float, list[tuple[str, float, str]]]:
    """(streamed, distinct, per-pass table): bytes per People row per month.

    *streamed* counts every pass's reads and writes as written in the code; *distinct* counts
    each column once for reading and once more if written, and each index array once — the
    traffic of an ideal fused pass, and the tighter lower bound on time.
    """
    table = []
    streamed = 0.0
    read_cols: set[str] = set()
    written_cols: set[str] = set()
    index = 0.0
    for p in PASSES:
        b = sum(_itemsize(c) for c in p.reads) + sum(_itemsize(c) for c in p.writes)
        b += p.index_bytes
        streamed += b
        read_cols.update(p.reads)
        written_cols.update(p.writes)
        table.append((p.kernel, b, p.note))
    # index arrays: cell_order, emp_order, pool — each written once per month (4 bytes)
    index = 3 * 4.0
    distinct = sum(_itemsize(c) for c in read_cols) + sum(_itemsize(c) for c in written_cols)
    distinct += index
    return streamed, distinct, table


def org_bytes_per_row() -> int:
    """Bytes of one full Orgs row (every column): an upper bound on what one O(orgs) pass
    touches per organisation."""
    total = 0
    for dt in S._DTYPES["Orgs"].values():
        if isinstance(dt, tuple):
            total += np.dtype(dt[0]).itemsize * dt[1]
        else:
            total += np.dtype(dt).itemsize
    return total


@dataclass
class EngineSpeed:
    """Throughput of one engine run (months 2..N of the monthly loop, CPU time)."""

    people: int
    months: int
    cpu_s: float
    wall_s: float
    person_months: float
    rows_mean: float  # People rows scanned per month (living + departed rows), mean
    orgs_per_person: float

    @property
    def person_steps_per_s(self) -> float:
        """Living person-months simulated per CPU second of the monthly loop."""
        return self.person_months / self.cpu_s

    @property
    def row_steps_per_s(self) -> float:
        """People rows scanned per CPU second (rows of people who left are scanned too)."""
        return self.rows_mean * self.months / self.cpu_s


def engine_speed(people: int, years: int, seed: int = 1) -> EngineSpeed:
    """Run the engine on the benchmark scenario with ``people`` people and time its months."""
    res, clock = timed_simulate(bench_scenario(people), years, seed)
    wall, cpu, months = clock.loop()
    # rows of the People table at the end (people who left keep their rows)
    rows_end = res.meta.get("person_records", res.meta["simulated_people"])
    return EngineSpeed(
        people=people,
        months=months,
        cpu_s=cpu,
        wall_s=wall,
        person_months=float(res.metrics.people.iloc[1:].sum()),
        rows_mean=(people + rows_end) / 2.0,
        orgs_per_person=len(res.orgs) / people,
    )


def report(people_sizes: list[int], years: int, bandwidth_gib: float = 0.5) -> None:
    """Measure bandwidth, count bytes, run the engine and print the comparison."""
    bw = copy_bandwidth(int(bandwidth_gib * (1 << 30)))
    streamed, distinct, table = bytes_per_row()
    org_row = org_bytes_per_row()
    print("\n== memory bandwidth bound ==")
    print(
        f"NumPy copy of {bandwidth_gib:g} GiB (np.copyto, best of 10): {bw:.1f} GB/s "
        "(read + write bytes; write-allocate traffic not counted)"
    )
    print("\nO(N) passes of Engine.step per People row per month (dtypes from state/tables.py):")
    for kernel, b, note in table:
        print(f"  {kernel:24s} {b:5.0f} B  {note}")
    print(f"  {'total as coded':24s} {streamed:5.0f} B  (each pass streams its columns)")
    print(
        f"  {'distinct':24s} {distinct:5.0f} B  (each column read once, written once if "
        "written; 3 int32 index arrays)"
    )
    print(
        "  Not counted: O(organisations) passes (fire_surplus, spin-outs, firm_month, "
        f"raise_rounds, lifecycle, hiring, org_metrics; at most {org_row} B per Orgs row "
        "per pass), O(ideas) sampling, and the engine's per-month Python overhead."
    )
    warm = simulate(bench_scenario(2000), years=1, seed=0, scale=1)  # Numba compile / load
    del warm
    print(
        "\nEngine on benchmarks/bench_region.toml, months 2..N timed in process CPU seconds "
        "(wall seconds in brackets):"
    )
    print(
        f"{'people':>9} {'months':>6} {'CPU s (wall)':>14} {'person-steps/s':>15} "
        f"{'rows/s':>10} {'GB/s (coded)':>12} {'of bound':>9} {'GB/s (distinct)':>15} "
        f"{'of bound':>9} {'orgs/person':>11}"
    )
    for n in people_sizes:
        sp = engine_speed(n, years)
        gbs_coded = sp.row_steps_per_s * streamed / 1e9
        gbs_distinct = sp.row_steps_per_s * distinct / 1e9
        print(
            f"{n:>9d} {sp.months:>6d} {f'{sp.cpu_s:.2f} ({sp.wall_s:.2f})':>14} "
            f"{sp.person_steps_per_s:>15.3g} "
            f"{sp.row_steps_per_s:>10.3g} {gbs_coded:>12.2f} {gbs_coded / bw:>9.1%} "
            f"{gbs_distinct:>15.2f} {gbs_distinct / bw:>9.1%} {sp.orgs_per_person:>11.3f}"
        )
    print(
        "\nReading: 'of bound' = the engine's achieved People-array traffic divided by the copy "
        "bandwidth, i.e. its throughput as a fraction of the bandwidth bound "
        f"(bound = {bw:.1f} GB/s / bytes per row). Below ~1M people the arrays fit in the "
        "caches (L2/L3), so the DRAM bound is not what limits small runs; there the per-month "
        "fixed cost (Python glue, O(orgs) passes) dominates."
    )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, nargs="+", default=[100_000, 1_000_000, 4_000_000])
    ap.add_argument("--years", type=int, default=2)
    ap.add_argument("--gib", type=float, default=0.5, help="array size for the copy, GiB")
    args = ap.parse_args(argv)
    report(args.people, args.years, args.gib)
    return 0


if __name__ == "__main__":
    sys.exit(main())

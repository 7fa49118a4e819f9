"""Where the living network's month goes: ms a month per hook and per part of ``ties.month``.

Runs the benchmark district (``configurations.district``) with M13-M16 switched on, hook by
hook (``Engine(..., profile=True)``), and times the parts of ``m13_network.month_hook`` by
wrapping them; prints step times, the parts over months 4.. (the first months hold one-off
set-up) and the costliest hooks.

    python benchmarks/bench_network_parts.py 1000000 12            # people, months
    python benchmarks/bench_network_parts.py 1000000 12 on mechanisms.ties.coworkers_kept=0
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from configurations import district
from rainforest.engine import Engine
from rainforest.mechanisms import m13_network as m13
from rainforest.scenario import with_values
from rainforest.state.tables import GONE

PARTS = (
    (m13, "_sync"),
    (m13, "_cofounder_ties"),
    (m13, "_investor_ties"),
    (m13, "_knowhow"),
    (m13, "_seed_knowledge"),
    (m13, "_meeting"),
    (m13, "_growth"),
    (m13, "_queue_spinoffs"),
    (m13, "_novel"),
    (m13, "_grow"),
    (m13.tk, "index_groups"),
    (m13, "_reindex"),
    (m13.tk, "fill_sat"),
    (m13.ln, "network_month"),
    (m13.sp, "draw_spinoffs"),
)


def main() -> None:
    """Run and print (arguments: people, months, on/off, then dotted=value overrides)."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    months = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    on = (sys.argv[3] if len(sys.argv) > 3 else "on") == "on"
    extra = dict(a.split("=", 1) for a in sys.argv[4:])
    spent: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(mod, name):
        f = getattr(mod, name)

        def g(*a, **k):
            t, c = time.perf_counter(), time.thread_time()
            r = f(*a, **k)
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
            cpu[name] = cpu.get(name, 0.0) + time.thread_time() - c
            return r

        setattr(mod, name, g)

    for mod, name in PARTS:
        if hasattr(mod, name):
            timed(mod, name)
    timed(m13, "month_hook")
    warm = Engine(with_values(district(5000), m13.ON), seed=0, profile=True)
    for _ in range(2):
        warm.step()
    spent.clear()
    cpu.clear()
    sc = with_values(district(n), {**m13.ON, **extra}) if on else district(n)
    eng = Engine(sc, seed=1, profile=True)
    steps, snaps = [], []
    t0 = time.perf_counter()
    for _ in range(months):
        s = time.perf_counter()
        eng.step()
        steps.append(time.perf_counter() - s)
        snaps.append((dict(spent), dict(cpu)))
    run = time.perf_counter() - t0
    alive = int((eng.w.P.status[: int(eng.w.P.n[0])] != GONE).sum())
    print(f"{n:,} people, network {'on' if on else 'off'}, {months} months: {run:.2f} s, "
          f"{alive * months / run / 1e6:.2f} M person-steps/s")  # fmt: skip
    print("step ms:", " ".join(f"{x * 1e3:.0f}" for x in steps))
    if months > 3:
        for label, which in (("wall", 0), ("CPU", 1)):
            last, third = snaps[-1][which], snaps[2][which]
            later = {k: (last.get(k, 0.0) - third.get(k, 0.0)) / (months - 3) * 1e3 for k in last}
            top = sorted(later.items(), key=lambda x: -x[1])
            print(
                f"parts, {label} ms/month (months 4..):", ", ".join(f"{k} {v:.1f}" for k, v in top)
            )
        first = snaps[0][1]
        top = sorted(first.items(), key=lambda x: -x[1])[:8]
        print("first month, CPU ms:", ", ".join(f"{k} {v * 1e3:.0f}" for k, v in top))
    hooks = sorted(eng.hook_seconds.items(), key=lambda x: -x[1])[:12]
    print(
        "hooks, ms/month (all months):", ", ".join(f"{k} {v / months * 1e3:.1f}" for k, v in hooks)
    )


if __name__ == "__main__":
    main()

"""What the second edition costs a user command: one run's seconds in each edition, and where
the difference goes, hook by hook.

Issue 14 bounds ``explain hangzhou --vs zhangjiang`` (516 ten-year runs at scale 40, about
11,000 simulated people each) at 1.5x its first-edition time; the calibrated second edition
(``--fitted``) is opt-in until it gets there. This probe times the runs those commands are made
of, in a warm process, the two editions in turns (the machine may be shared: compare turns, not
absolute figures), then runs each edition once more hook by hook (``Engine(profile=True)``:
compiled hooks unfused, so the profiled run is slower than the timed ones) and prints the
hooks by how much more the second edition spends in them. Before that it splits one run of
each edition into the time inside compiled kernels and the time in the Python and NumPy around
them (:func:`compiled_split`; docs/networks.md section 8: with none of the second edition's
extra Python left, the ratio would still be about 1.6x).

    python benchmarks/bench_editions.py                          # hangzhou, zhangjiang
    python benchmarks/bench_editions.py --presets hangzhou --seeds 6 --years 10 --scale 40
    python benchmarks/bench_editions.py --no-hooks                # the timed turns only
"""

from __future__ import annotations

import argparse
import time


def _scenarios(name: str):
    from rainforest.experiments.joint import apply_fitted
    from rainforest.scenario import load_scenario

    first = load_scenario(name)
    return {"first": first, "second": apply_fitted(load_scenario(name))}


def timed_turns(name: str, seeds: int, years: int, scale: float) -> dict[str, list[float]]:
    """Seconds of one run per seed, the editions alternating seed by seed, each run as the
    multi-run commands' workers make it (``network_measures=False``)."""
    from rainforest import simulate

    scs = _scenarios(name)
    for sc in scs.values():  # load compiled code and build caches outside the timings
        simulate(sc, years=1, seed=0, scale=scale)
    out: dict[str, list[float]] = {k: [] for k in scs}
    for seed in range(1, seeds + 1):
        for edition, sc in scs.items():
            t0 = time.perf_counter()
            # as the commands' workers run it: without the network's end-of-run measures
            simulate(sc, years=years, seed=seed, scale=scale, network_measures=False)
            out[edition].append(time.perf_counter() - t0)
    return out


def hook_seconds(name: str, years: int, scale: float, seed: int = 1) -> dict[str, dict]:
    """Seconds per hook of one run in each edition (profiled, after a short run that loads
    or compiles the unfused kernels)."""
    from rainforest.engine import Engine

    out = {}
    for edition, sc in _scenarios(name).items():
        Engine(sc, seed=0, scale=scale, profile=True).run(12)
        eng = Engine(sc, seed=seed, scale=scale, profile=True)
        eng.run(12 * years)
        out[edition] = dict(eng.hook_seconds or {})
    return out


def compiled_split(name: str, years: int, scale: float, seed: int = 1) -> dict[str, tuple]:
    """Seconds of one run in each edition spent inside compiled kernels and outside them
    (Python and NumPy), from ``cProfile``'s own time per function: a function counts as
    compiled when it is a Numba dispatcher of a ``rainforest`` module or a fused month
    segment. Profiling slows the Python part more than the compiled one, so read the
    editions side by side, not as wall times."""
    import cProfile
    import importlib
    import pstats

    from numba.core.registry import CPUDispatcher

    from rainforest import simulate

    def compiled(path: str, func: str) -> bool:
        if "/month/month_" in path:  # a fused segment of the generated month module
            return True
        if "/rainforest/" not in path or not path.endswith(".py"):
            return False
        mod = "rainforest." + path.split("/rainforest/", 1)[1][:-3].replace("/", ".")
        try:
            return isinstance(getattr(importlib.import_module(mod), func, None), CPUDispatcher)
        except ImportError:
            return False

    out = {}
    for edition, sc in _scenarios(name).items():
        simulate(sc, years=1, seed=0, scale=scale)
        prof = cProfile.Profile()
        prof.enable()
        simulate(sc, years=years, seed=seed, scale=scale)
        prof.disable()
        own = {k: v[2] for k, v in pstats.Stats(prof).stats.items()}  # (file, line, name)
        inside = sum(t for (path, _, func), t in own.items() if compiled(path, func))
        out[edition] = (inside, sum(own.values()) - inside)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", nargs="+", default=["hangzhou", "zhangjiang"])
    ap.add_argument("--seeds", type=int, default=4, help="timed runs per edition")
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--scale", type=float, default=40.0)
    ap.add_argument("--top", type=int, default=15, help="hooks listed")
    ap.add_argument("--no-hooks", action="store_true", help="skip the profiled runs")
    a = ap.parse_args()
    for name in a.presets:
        t = timed_turns(name, a.seeds, a.years, a.scale)
        f, s = sorted(t["first"]), sorted(t["second"])
        ratios = sorted(y / x for x, y in zip(t["first"], t["second"], strict=True))
        print(
            f"{name}: {a.years} years at scale {a.scale:g}, {a.seeds} turns; one run: first "
            f"edition {f[0]:.3f} s (median {f[len(f) // 2]:.3f}), second {s[0]:.3f} s (median "
            f"{s[len(s) // 2]:.3f}); second / first, turn by turn: median "
            f"{ratios[len(ratios) // 2]:.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})"
        )
        if a.no_hooks:
            continue
        split = compiled_split(name, a.years, a.scale)
        parts = [f"{e} edition compiled {c:.3f} s, Python and NumPy {p:.3f} s"
                 for e, (c, p) in split.items()]  # fmt: skip
        print("  cProfile, own time: " + "; ".join(parts))
        h = hook_seconds(name, a.years, a.scale)
        tot = {k: sum(v.values()) for k, v in h.items()}
        names = set(h["first"]) | set(h["second"])
        extra = sorted(
            ((h["second"].get(k, 0.0) - h["first"].get(k, 0.0), k) for k in names), reverse=True
        )
        print(
            f"  profiled (hooks unfused): first {tot['first']:.3f} s, second "
            f"{tot['second']:.3f} s, difference {tot['second'] - tot['first']:.3f} s"
        )
        print(f"  {'hook':32s} {'first ms':>9s} {'second ms':>10s} {'extra ms':>9s} {'share':>6s}")
        gap = max(tot["second"] - tot["first"], 1e-9)
        for d, k in extra[: a.top]:
            print(
                f"  {k:32s} {h['first'].get(k, 0.0) * 1e3:9.1f} "
                f"{h['second'].get(k, 0.0) * 1e3:10.1f} {d * 1e3:9.1f} {d / gap:6.0%}"
            )


if __name__ == "__main__":
    main()

"""The month: one ordered list of hooks, and how it is run fast.

:data:`PLAN` below is the whole month, in order; each name is a hook that a mechanism declares
(:mod:`rainforest.mechanisms.contract`). Plug-ins registered at run time are placed after (or
before) the hook they name. Order matters twice: for the model (ideas before founding, the
firms' month before the labour market) and for reproducibility (the random streams are drawn in
this order).

Why the code generation: calling a Numba function from Python unboxes every array of its
arguments (~0.2 µs each, ~200 arrays in the bundles), so calling the ~20 compiled hooks one by
one would cost more than the month's work for a district of 10,000 people. Consecutive compiled
hooks therefore form a *segment* that runs as one compiled call: :func:`compile_plan` writes a
small module calling the segment's hooks in order (``segment_0(T, X, M)``), keyed by the plan
and a hash of the kernels' sources, into the user's cache folder, and Numba caches it like any
other kernel. ``Engine(..., profile=True)`` runs every hook on its own instead and times it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rainforest.jit_cache import kernel_sources
from rainforest.mechanisms import contract
from rainforest.mechanisms.contract import ContractError, Hook

#: the month, in order: hook names declared by the mechanisms
PLAN: tuple[str, ...] = (
    # per-region preparation in NumPy: this month's inputs
    "shocks.apply",
    "instruments.levers",
    "knowledge.field",
    "contacts.rates",
    "anchors.platform",
    "connections.prepare",
    "migration.prepare",
    "outside_pool.exchange",
    "firm_arrivals.arrive",
    "policy.costs",
    "instruments.costs",
    "belief.prepare",
    # compiled: indices, lay-offs and the month's ideas
    "books.seed",
    "contacts.index_cells",
    "labour.index_employers",
    "labour.fire",
    "ideas.generate",
    "anchors.spinouts",
    "knowledge.universities",
    # NumPy: facilities' breakthroughs (few, drawn from the run's generator)
    "knowledge.facilities",
    "campus_spinoffs.month",
    # NumPy + kernels: the living network's month (ties, learning, recombinant ideas and
    # people's spin-offs join the founding candidates; off by default)
    "ties.month",
    "tie_belief.snapshot",
    # compiled: founding, firms, capital, the people's month, migration, the labour market
    "contacts.sample",
    "founding.refound",
    "founding.found",
    "experiments.month",
    "capital.raise",
    "lifecycle.month",
    "labour.turnover",
    "labour.people",
    "migration.move",
    "labour.entrants",
    "labour.index_unemployed",
    "labour.hire",
    "labour.count",
    "books.firms",
    # NumPy: patents, belief, contacts and rents from the month's accounts
    "knowledge.patents",
    "belief.update",
    "tie_belief.update",
    "growth.productivity",
    "contacts.close",
    "migration.rents",
    "instruments.account",
)


def plan_names() -> tuple[str, ...]:
    """The month's hook names with the registered plug-ins placed."""
    names = list(PLAN)
    known = contract.hooks()
    for name in names:
        if name not in known:
            raise ContractError(f"the month's plan names {name!r}, which no mechanism declares")
    for mech in contract.plugins():
        anchor = mech.after or mech.before
        if anchor not in names:
            raise ContractError(f"mechanism {mech.name!r}: no hook {anchor!r} in the month")
        at = names.index(anchor) + (1 if mech.after else 0)
        names[at:at] = [h.name for h in mech.hooks]
    declared = {h for m in contract.mechanisms() for h in (x.name for x in m.hooks)}
    missing = declared - set(names)
    if missing:
        raise ContractError(f"hooks declared but not in the month: {sorted(missing)}")
    return tuple(names)


@dataclass
class Segment:
    """A run of hooks: compiled ones fused into ``fn(T, X, M)``, or NumPy ones."""

    hooks: tuple[Hook, ...]
    compiled: bool
    fn: object = None


@dataclass
class Plan:
    """The month as segments, ready to run (see :meth:`rainforest.engine.Engine.step`)."""

    segments: list[Segment]
    profile: bool = False

    def to_df(self, timings: dict[str, float] | None = None) -> pd.DataFrame:
        """One row per hook: order, name, mechanism, compiled, segment and, when timed, the
        seconds spent in it over the run (``Engine(..., profile=True)``)."""
        rows = []
        for s_i, seg in enumerate(self.segments):
            for h in seg.hooks:
                rows.append(
                    {
                        "order": len(rows),
                        "hook": h.name,
                        "mechanism": h.name.split(".")[0],
                        "compiled": h.compiled,
                        "segment": s_i,
                        "doc": h.doc,
                        "seconds": (timings or {}).get(h.name, float("nan")),
                    }
                )
        return pd.DataFrame(rows)


def _groups(profile: bool = False) -> list[Segment]:
    """The plan's hooks grouped into segments, nothing compiled yet: compiled built-ins side
    by side are fused (not when ``profile`` times each hook; plug-ins stand alone)."""
    known = contract.hooks()
    segments: list[Segment] = []
    for name in plan_names():
        h = known[name]
        prev = segments[-1] if segments else None
        join = prev is not None and prev.compiled == h.compiled
        if h.compiled:
            join = join and not profile and not _is_plugin(name)
            join = join and not any(_is_plugin(x.name) for x in prev.hooks)
        if join:
            prev.hooks += (h,)
        else:
            segments.append(Segment((h,), h.compiled))
    return segments


def _fused_functions(segments: list[Segment]) -> list[tuple]:
    """The Python functions of each fused segment, in order."""
    return [
        tuple(getattr(x.fn, "py_func", x.fn) for x in s.hooks)
        for s in segments
        if s.compiled and len(s.hooks) > 1
    ]


def build_plan(profile: bool = False) -> Plan:
    """Group the month's hooks into segments and compile the compiled ones (fused unless
    ``profile``)."""
    segments = _groups(profile)
    fused = _fused_functions(segments)
    if fused:
        module = _generated_module(fused)
        for i, s in enumerate(s for s in segments if s.compiled and len(s.hooks) > 1):
            s.fn = getattr(module, f"segment_{i}")
    for s in segments:
        if s.compiled and s.fn is None:
            s.fn = s.hooks[0].fn
    return Plan(segments, profile)


def run_segment(seg: Segment, eng, timings: dict[str, float] | None) -> None:
    """Run one segment for ``eng`` (compiled: with this month's bundles)."""
    if seg.compiled:
        T, X, M = eng.bundles()
        if timings is None:
            seg.fn(T, X, M)
        else:
            t0 = time.perf_counter()
            seg.fn(T, X, M)
            name = seg.hooks[0].name if len(seg.hooks) == 1 else f"segment:{seg.hooks[0].name}"
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
        return
    for h in seg.hooks:
        if timings is None:
            h.fn(eng)
        else:
            t0 = time.perf_counter()
            h.fn(eng)
            timings[h.name] = timings.get(h.name, 0.0) + time.perf_counter() - t0


def _is_plugin(hook_name: str) -> bool:
    return any(hook_name.startswith(m.name + ".") for m in contract.plugins())


# --- code generation of fused segments ---------------------------------------------------
_loaded: dict[str, object] = {}


def cache_dir() -> Path:
    """Where generated month modules live: ``$RAINFOREST_CACHE`` or ``~/.cache/rainforest``
    (the system's temporary folder when the home folder is not writable)."""
    root = os.environ.get("RAINFOREST_CACHE")
    path = Path(root) if root else Path.home() / ".cache" / "rainforest"
    try:
        (path / "month").mkdir(parents=True, exist_ok=True)
        return path / "month"
    except OSError:
        fallback = Path(tempfile.gettempdir()) / "rainforest-cache" / "month"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


def _source_hash() -> str:
    """Hash of what compiled code depends on: the state tables and accounts (codes and column
    indices are compiled in as constants), the metric registry (it sets those indices) and
    the mechanism modules that define kernels (NumPy-only modules cannot change them)."""
    h = hashlib.sha256()
    for p in kernel_sources():
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _module_text(segments: list[tuple]) -> tuple[str, str]:
    """The generated module's source for ``segments`` and its key (source + kernels' hash)."""
    lines = [
        '"""Generated by rainforest.engine.month from the month\'s plan; do not edit.',
        "",
        'Imported as a registered module (sys.modules), so its Numba cache reloads."""',
        "from numba import njit",
    ]
    modules: dict[str, str] = {}
    for seg in segments:
        for f in seg:
            modules.setdefault(f.__module__, f"_m{len(modules)}")
    lines += [f"import {m} as {alias}" for m, alias in modules.items()]
    for i, seg in enumerate(segments):
        lines += ["", "", "@njit(cache=True)", f"def segment_{i}(T, X, M):"]
        lines += [f"    {modules[f.__module__]}.{f.__name__}(T, X, M)" for f in seg]
    text = "\n".join(lines) + "\n"
    return text, hashlib.sha256((text + _source_hash()).encode()).hexdigest()[:20]


def month_cached() -> bool:
    """Whether this plan's generated month module has a Numba cache index already (its name
    carries the kernels' source hash, so an index found is an index for these sources)."""
    fused = _fused_functions(_groups())
    if not fused:
        return True
    _, key = _module_text(fused)
    return any((cache_dir() / "__pycache__").glob(f"month_{key}.*.nbi"))


def _generated_module(segments: list[tuple]):
    text, key = _module_text(segments)
    if key in _loaded:
        return _loaded[key]
    folder = cache_dir()
    path = folder / f"month_{key}.py"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        try:
            os.link(tmp, path)  # never replaces a file another process wrote (its cache stays)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    spec = importlib.util.spec_from_file_location(f"rainforest_month_{key}", path)
    module = importlib.util.module_from_spec(spec)
    # registered before it runs: Numba pickles a cached kernel with its module's name, and a
    # module missing from sys.modules is saved as '<dynamic>', which the next process cannot
    # import when it loads the cache ("No module named '<dynamic>'")
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    _loaded[key] = module
    return module

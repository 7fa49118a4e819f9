"""Build the preset reference distribution by simulating the presets (an experiment), and
resolve a ``reference`` argument to a table: the shipped file, a cached table, or one built now.

The table itself (its columns, reading, writing, staleness and percentiles) is
:mod:`rainforest.metrics.reference`, which measures only. ``scripts/build_reference.py`` writes
the shipped ``metrics/data/reference.csv`` with :func:`build_reference`; when no shipped file
exists, :func:`resolve` builds the distribution on demand and caches it under
``$RAINFOREST_CACHE`` (default ``~/.cache/rainforest``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from rainforest import __version__
from rainforest.api import simulate
from rainforest.metrics.reference import (
    COLUMNS,
    DEFAULT_SEED,
    REFERENCE_FILE,
    Reference,
    load_reference,
    reference_rows,
    write_reference,
)
from rainforest.metrics.scorecard import measure
from rainforest.scenario import load_scenario, preset_names, scenario_hash


def build_reference(
    presets: Sequence[str] | None = None,
    years: int | None = None,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str, int, int], None] | None = None,
) -> pd.DataFrame:
    """Measure every preset once and return the long reference table.

    Parameters
    ----------
    presets
        Preset names (default: all of :func:`rainforest.scenario.preset_names`).
    years
        Simulated years (default: each preset's own ``years``).
    seed
        Seed of every run.
    progress
        Called as ``progress(preset, done, total)`` before each run and once at the end.

    Returns
    -------
    DataFrame
        Columns :data:`~rainforest.metrics.reference.COLUMNS`; one row per preset region and
        scalar (pooled ``"all"`` rows are left out: each region is one sample).
    """
    names = list(presets) if presets is not None else preset_names()
    frames = []
    for k, name in enumerate(names):
        if progress:
            progress(name, k, len(names))
        sc = load_scenario(name)
        res = simulate(sc, years=years, seed=seed)
        frames.append(
            reference_rows(
                measure(res)["scalars"],
                preset=name,
                scenario_hash=scenario_hash(sc),
                years=int(res.metrics["year"].max()) + 1,
                seed=seed,
                version=__version__,
            )
        )
    if progress:
        progress("", len(names), len(names))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)


def cache_dir() -> Path:
    """Where on-demand references are cached (``$RAINFOREST_CACHE`` or ~/.cache/rainforest)."""
    return Path(os.environ.get("RAINFOREST_CACHE", Path.home() / ".cache" / "rainforest"))


def _cache_path(years: int | None, seed: int) -> Path:
    key = "|".join(
        [__version__, str(years), str(seed)]
        + [f"{n}:{scenario_hash(load_scenario(n))}" for n in preset_names()]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir() / f"reference-{digest}.csv"


def resolve(
    reference: Any = "auto",
    years: int | None = None,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str, int, int], None] | None = None,
) -> Reference | None:
    """Turn a ``reference`` argument into a :class:`~rainforest.metrics.reference.Reference`
    (or ``None``).

    ``None``/``False`` -> no reference; a :class:`Reference` or DataFrame -> used as given; a
    path -> loaded; ``"auto"`` -> the shipped file if present, else a cached on-demand table
    for these ``years`` and ``seed``, else one built now (``progress`` reports) and cached;
    ``"build"`` -> always built now.
    """
    if reference is None or reference is False:
        return None
    if isinstance(reference, Reference):
        return reference
    if isinstance(reference, pd.DataFrame):
        return Reference(reference, "given")
    if isinstance(reference, str) and reference in ("auto", "build"):
        if reference == "auto":
            shipped = load_reference(REFERENCE_FILE)
            if shipped is not None:
                return shipped
            cached = _cache_path(years, seed)
            if cached.is_file():
                ref = load_reference(cached)
                if ref is not None:
                    ref.source = "cache"
                    return ref
        table = build_reference(years=years, seed=seed, progress=progress)
        if table.empty:
            return None
        with contextlib.suppress(OSError):  # a read-only home: no cache
            write_reference(table, _cache_path(years, seed))
        return Reference(table, "built")
    ref = load_reference(reference)
    if ref is None:
        raise FileNotFoundError(f"no reference table at {reference}")
    return ref

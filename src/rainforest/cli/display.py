"""How the CLI shows numbers and progress: one compact number format, one way to show a
model's band, and one progress bar, shared by every command (experiments, places, channels,
demo, runs, explain)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from rainforest.cli.app import console


def fmt(v: Any) -> str:
    """A compact number: thousands separators for big values, 3 significant digits else."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, str | bool):
        return str(v)
    if isinstance(v, int | np.integer) and not isinstance(v, bool):
        return f"{int(v):,}"
    v = float(v)
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.1f}"
    return f"{v:.3g}"


def band(lo: Any, hi: Any, f: Callable[[Any], str] = fmt, sep: str = ", ") -> str:
    """`` [lo, hi]`` formatted by ``f``, or nothing where there is no band (one run, NaN)."""
    if lo is None or hi is None or not (math.isfinite(float(lo)) and math.isfinite(float(hi))):
        return ""
    return f" [{f(lo)}{sep}{f(hi)}]"


#: what the model tables' "[90%]" means (metrics.bands.run_band)
BAND_NOTE = (
    "[90%]: where one run lands: the runs' 5-95% quantiles from 20 runs, below that "
    "mean ± t·s·√(1+1/n) (runs taken as normal; none from one run)"
)
#: and for a share pooled over all runs' firms (metrics.bands.share_band)
POOLED_NOTE = "a share pooled over all runs' firms (place 'all'): its Wilson interval"


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar with ETA on a terminal; in logs, a plain line every 5% of the runs
    (or every 10 seconds, whichever comes first) and at the end. Says first when the
    kernels still need compiling."""
    from rainforest.cli.app import compile_notice

    compile_notice()
    if not console.is_terminal:
        last = [0, time.monotonic()]  # runs and time at the last line printed

        def plain(done: int, total: int) -> None:
            now = time.monotonic()
            if done == last[0]:
                return
            if done >= total or done - last[0] >= max(1, total // 20) or now - last[1] >= 10:
                last[0], last[1] = done, now
                print(f"{label}: {done}/{total} runs", flush=True)

        yield plain
        return
    with Progress(
        TextColumn(f"[bold]{label}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update

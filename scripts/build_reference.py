"""Build the preset reference distribution shipped with rainforest (metrics/data/reference.csv).

Every shipped preset is simulated once (its own years, seed 1 unless told otherwise) and every
scorecard scalar of every region is stored, with the preset's scenario hash, so that
`rainforest diagnose` can rank a district against the presets and tell when the table is stale.

Usage::

    .venv/bin/python scripts/build_reference.py [--years N] [--seed S] [--out PATH] [PRESET ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from rainforest.experiments.reference import build_reference
from rainforest.metrics.reference import DEFAULT_SEED, REFERENCE_FILE, write_reference


def main(argv: list[str] | None = None) -> Path:
    """Build and write the reference table; returns its path."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("presets", nargs="*", help="Presets to include (default: all).")
    ap.add_argument("--years", type=int, default=None, help="Years (default: each preset's).")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed of every run.")
    ap.add_argument("--out", type=Path, default=REFERENCE_FILE, help="Output CSV.")
    args = ap.parse_args(argv)
    console = Console()
    t0 = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("presets", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=name or "done")

        table = build_reference(
            args.presets or None, years=args.years, seed=args.seed, progress=progress
        )
    path = write_reference(table, args.out)
    console.print(
        f"{table['preset'].nunique()} presets, {len(table):,} rows -> [bold]{path}[/] "
        f"({time.perf_counter() - t0:.0f} s)"
    )
    return path


if __name__ == "__main__":
    main()

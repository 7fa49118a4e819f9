"""Shared `--report PATH` handling for CLI commands."""

from __future__ import annotations

from pathlib import Path

from rainforest.cli.app import console, fail


def maybe_report(obj, path: Path | None) -> None:
    """Write an HTML report of ``obj`` to ``path`` if a path was given."""
    if path is None:
        return
    try:
        from rainforest.report import report
    except ImportError:
        fail("reports are not available in this installation")
    report(obj, path)
    console.print(f"report written to [bold]{path}[/]")

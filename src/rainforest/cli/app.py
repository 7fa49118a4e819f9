"""The shared typer application and console helpers."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(
    name="rainforest",
    help="Simulate, diagnose and explain innovation ecosystems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped into a log or a file, rich would wrap tables at 80 columns and cut run ids and seeds;
# there, 160 columns unless COLUMNS says otherwise. A terminal keeps its own width.
_LOG_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160
console = Console(width=_LOG_WIDTH)
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    """Print an error to stderr and exit with ``code`` (no traceback for user errors)."""
    # user text (region names, values) is never markup, and a long line is not wrapped
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)

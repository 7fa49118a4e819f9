"""The shared typer application and console helpers."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="rainforest",
    help="Simulate, diagnose and explain innovation ecosystems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    """Print an error to stderr and exit with ``code`` (no traceback for user errors)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)

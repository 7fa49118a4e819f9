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


@app.callback()
def main(
    ctx: typer.Context,
    lang: str = typer.Option(
        None,
        "--lang",
        envvar="RAINFOREST_LANG",
        help="Interface language of tables and messages: en or zh (简体中文).",
    ),
) -> None:
    """Simulate, diagnose and explain innovation ecosystems."""
    from rainforest.i18n import LANGS, normalise, set_lang

    if lang is not None and normalise(lang) != lang.strip().lower().split("-")[0]:
        fail(f"--lang must be one of {', '.join(LANGS)}, got {lang!r}")
    set_lang(lang)
    ctx.call_on_close(lambda: set_lang(None))  # a command in a test runner or a notebook


def kernels_cached() -> bool:
    """Whether the kernels are compiled and cached (no minutes-long compile ahead).

    True when the compiled packages (:data:`rainforest.jit_cache.COMPILED`) have cache files
    none older than the kernels' sources (the rule :func:`rainforest.jit_cache.drop_stale`
    keeps) and the month's generated module for these sources has a cache index
    (:func:`rainforest.engine.month.month_cached`). Its age does not matter: the module's
    name carries a hash of the sources, so a cache kept from an earlier checkout is valid.
    """
    from rainforest.engine.month import month_cached
    from rainforest.jit_cache import cache_files, fresh

    try:
        caches = cache_files()
        return bool(caches) and fresh(caches) and month_cached()
    except (OSError, ValueError):
        return False


def compile_notice() -> None:
    """Say so before the first run compiles the kernels (minutes, silent otherwise)."""
    if not kernels_cached():
        from rainforest.i18n import t

        err_console.print(f"[yellow]{t('compiling')}[/]", highlight=False)


def fail(message: str, code: int = 2) -> None:
    """Print an error to stderr and exit with ``code`` (no traceback for user errors)."""
    # user text (region names, values) is never markup, and a long line is not wrapped
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)

"""The command line as a whole: every command has help, and no two options share a flag."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from rainforest.cli import app

runner = CliRunner()


def _commands() -> list[tuple[list[str], Any]]:
    out = []

    def walk(c: Any, path: list[str]) -> None:
        if hasattr(c, "commands"):  # a group (typer ships its own click: no isinstance)
            for name, sub in c.commands.items():
                walk(sub, [*path, name])
        else:
            out.append((path, c))

    walk(typer.main.get_command(app), [])
    return out


COMMANDS = _commands()


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_every_command_has_help(path):
    res = runner.invoke(app, [*path, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_no_two_options_share_a_flag(path, command):
    # shared options come from rainforest.cli.options; a short flag reused by a command's own
    # option (e.g. -o for --outcome and --out) would silently bind to one of them
    seen: dict[str, str] = {}
    for param in command.params:
        for flag in [*param.opts, *param.secondary_opts]:
            if flag.startswith("-"):
                where = " ".join(path)
                assert flag not in seen, f"{where}: {flag} is {seen[flag]} and {param.name}"
                seen[flag] = param.name

"""The `rainforest` command line: one typer app, one module per command group.

Each module in this package defines its commands on the shared ``app`` (or a sub-app added to
it); importing them here registers them.
"""

from rainforest.cli import (  # noqa: F401  (importing registers the commands)
    channels,
    data,
    demo,
    diagnose,
    experiments,
    explain,
    levers,
    mechanisms,
    packages,
    places,
    presets,
    run,
    runs,
    serve,
    validate,
)
from rainforest.cli.app import app

__all__ = ["app"]

"""Options that several commands share, declared once so that their flags, defaults and help
read the same everywhere. Each function returns a fresh typer option to use as a parameter's
default, e.g. ``store: Path = store_option()``; ``--report`` lives in
:mod:`rainforest.cli.report_option` with the code that writes the report."""

from __future__ import annotations

import tomllib
from typing import Any

import typer

from rainforest.cli.app import fail

WORKERS_HELP = "Local worker processes (default: one per core; 1 runs in this process)."
CLUSTER_HELP = "Dask scheduler address, e.g. tcp://10.0.0.5:8786 (instead of local processes)."
STORE_HELP = (
    "Run store file (default: $RAINFOREST_STORE, else runs.duckdb in your user data folder; "
    "`rainforest runs where` prints it)."
)


def years_option(default: int | None = None, help: str | None = None) -> Any:
    """``--years/-y``: reported years (default: the scenario's)."""
    return typer.Option(
        default, "--years", "-y", help=help or "Years to report (default: the scenario's)."
    )


def seed_option(help: str = "Root seed of the replications.") -> Any:
    """``--seed/-s`` (default 0)."""
    return typer.Option(0, "--seed", "-s", help=help)


def scale_option() -> Any:
    """``--scale/-k``: real people per simulated person (default: the scenario's)."""
    return typer.Option(None, "--scale", "-k", help="Real people per simulated person.")


def workers_option() -> Any:
    """``--workers/-w``: local worker processes."""
    return typer.Option(None, "--workers", "-w", help=WORKERS_HELP)


def cluster_option() -> Any:
    """``--cluster``: a Dask scheduler to run on instead of local processes."""
    return typer.Option(None, "--cluster", help=CLUSTER_HELP)


def executor_spec(workers: int | None, cluster: str | None) -> Any:
    """What ``make_executor`` should build from ``--workers`` and ``--cluster``."""
    if cluster and workers:
        fail("give either --workers or --cluster, not both")
    if cluster:
        return cluster if "://" in cluster else f"tcp://{cluster}"
    if workers is not None and workers < 1:
        fail(f"--workers must be at least 1, got {workers}")
    return workers


def store_option(help: str = STORE_HELP) -> Any:
    """``--store``: the DuckDB run store."""
    return typer.Option(None, "--store", help=help)


def no_store_option() -> Any:
    """``--no-store``: keep nothing on disk."""
    return typer.Option(False, "--no-store", help="Keep nothing on disk.")


def events_option(default: bool) -> Any:
    """``--events/--no-events``: store every run's events too."""
    return typer.Option(default, "--events/--no-events", help="Store every run's events.")


def out_option(short: bool = True) -> Any:
    """``--out`` (and ``-o`` unless ``short`` is false, for commands where ``-o`` is
    ``--outcome``): a folder for Parquet tables."""
    flags = ("--out", "-o") if short else ("--out",)
    return typer.Option(None, *flags, help="Also write Parquet tables here.")


def set_option() -> Any:
    """``--set PATH=VALUE`` (repeatable): a change to any scenario field."""
    return typer.Option(
        None,
        "--set",
        help="A change PATH=VALUE, e.g. regions.zhangjiang.policy.sandbox=0.8 (repeatable); "
        "`rainforest levers SCENARIO` lists the paths with units and current values.",
    )


def fitted_option() -> Any:
    """``--fitted``: run the calibrated second edition instead of the default."""
    return typer.Option(
        False,
        "--fitted",
        help="The calibrated second edition: the living network, M18-M20 and capital by "
        "traction with the shipped joint fit's values (docs/calibration.md section 7).",
    )


def with_fit(scenario: Any, fitted: bool) -> Any:
    """``scenario`` (a preset name or TOML path) as given, or, with ``fitted``, loaded with
    the shipped joint fit applied (``rainforest.experiments.joint.apply_fitted``)."""
    if not fitted or scenario is None:
        return scenario
    from rainforest.experiments.joint import apply_fitted
    from rainforest.scenario import ScenarioError, load_scenario

    try:
        return apply_fitted(load_scenario(scenario))
    except (ScenarioError, ValueError) as err:
        fail(str(err))


def parse_assignment(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` with VALUE read as a TOML value (``0.8``, ``true``, ``[1, 2]``,
    ``"text"``), else kept as text."""
    if "=" not in text:
        fail(f"--set expects PATH=VALUE, got {text!r}")
    path, raw = (s.strip() for s in text.split("=", 1))
    if not path:
        fail(f"--set expects PATH=VALUE, got {text!r}")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return path, value

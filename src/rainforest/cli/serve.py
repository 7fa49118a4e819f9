"""`rainforest serve`: the web dashboard (FastAPI + one page) on this machine.

It binds to 127.0.0.1 by default; any other address needs ``--allow-remote`` and prints a
warning, because the dashboard has no authentication and runs simulations on request.
"""

from __future__ import annotations

from pathlib import Path

import typer

from rainforest.cli.app import app, console, err_console, fail

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_host(host: str, allow_remote: bool) -> None:
    """Refuse a non-local ``host`` unless ``allow_remote``; warn when it is allowed."""
    if host in LOCAL_HOSTS:
        return
    if not allow_remote:
        fail(
            f"--host {host} would expose the dashboard beyond this machine; it has no "
            "authentication. Add --allow-remote if you mean it."
        )
    err_console.print(
        f"[bold yellow]warning:[/] serving on {host}: anyone who can reach this address can run "
        "simulations and read stored runs (no authentication). Use a firewall or an "
        "authenticating proxy.",
        highlight=False,
    )


@app.command()
def serve(
    port: int = typer.Option(8765, "--port", "-p", min=1, max=65535, help="TCP port."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: local only)."),
    allow_remote: bool = typer.Option(
        False, "--allow-remote", help="Allow binding to an address other than localhost."
    ),
    store: Path = typer.Option(
        None,
        "--store",
        help="Run store (DuckDB file or folder) where jobs are recorded and reopened from "
        "(default: the same store as every command, see `rainforest runs list`).",
    ),
    no_store: bool = typer.Option(
        False, "--no-store", help="Keep dashboard runs in memory only (lost at exit)."
    ),
    scenario: list[Path] = typer.Option(
        None,
        "--scenario",
        help="Extra scenario TOML file to offer besides the presets (repeatable).",
        exists=True,
        dir_okay=False,
        readable=True,
    ),
    max_person_months: float = typer.Option(
        None,
        "--max-person-months",
        help="Largest job, in simulated people x months (default 3e8).",
    ),
    max_jobs: int = typer.Option(2, "--max-jobs", min=1, help="Jobs running at once."),
) -> None:
    """Serve the web dashboard: run, compare and explain scenarios in a browser."""
    try:
        import uvicorn

        from rainforest.web import create_app
        from rainforest.web.app import DEFAULT_MAX_PERSON_MONTHS
    except ImportError as err:
        fail(f"the dashboard needs the web extras: pip install 'rainforest[web]' ({err})")
    check_host(host, allow_remote)
    from rainforest.scenario import ScenarioError, load_scenario

    extra = {}
    for path in scenario or []:
        try:
            sc = load_scenario(path)
        except ScenarioError as err:
            fail(str(err))
        extra[path.stem] = sc
    from rainforest.store import resolve_store_path

    store_path = None if no_store else resolve_store_path(store)
    try:
        application = create_app(
            store_path=store_path,
            max_person_months=max_person_months or DEFAULT_MAX_PERSON_MONTHS,
            max_jobs=max_jobs,
            scenarios=extra,
        )
    except Exception as err:
        fail(f"cannot start the dashboard: {err}")
    shown = f"[{host}]" if ":" in host else host
    console.print(f"rainforest dashboard on [bold]http://{shown}:{port}/[/] (Ctrl+C to stop)")
    if store_path is not None:
        console.print(f"runs are stored in {store_path}", style="dim", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")

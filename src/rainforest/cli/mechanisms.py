"""`rainforest mechanisms` and `rainforest metrics`: what the model does, month by month, and
every number it reports (both read the registries, so plug-ins appear too)."""

from __future__ import annotations

import typer
from rich.table import Table

from rainforest.cli.app import app, console, fail


@app.command("mechanisms")
def mechanisms_cmd(
    plan: bool = typer.Option(False, "--plan", help="List the month's hooks in order instead."),
) -> None:
    """List the mechanisms (parameters, metrics, hooks), or with --plan the month's hooks."""
    from rainforest.engine.month import plan_names
    from rainforest.mechanisms import contract

    if plan:
        hooks = contract.hooks()
        table = Table("#", "hook", "compiled", "what it does", title="The month, in order")
        for i, name in enumerate(plan_names()):
            h = hooks[name]
            table.add_row(str(i), name, "yes" if h.compiled else "no", h.doc)
        console.print(table)
        return
    table = Table("code", "name", "what it models", "parameters", "metrics", title="Mechanisms")
    for m in contract.mechanisms():
        table.add_row(m.code, m.name, m.title, ", ".join(m.params), ", ".join(m.metrics))
    console.print(table)


@app.command("metrics")
def metrics_cmd(
    name: str = typer.Argument(None, help="One metric to describe (all when omitted)."),
) -> None:
    """List every metric a run reports: kind, unit, label and the mechanism that owns it."""
    from rainforest import registry

    if name:
        try:
            m = registry.get(name)
        except KeyError as e:
            fail(str(e.args[0]))
        console.print(
            f"[bold]{m.name}[/] ({m.kind}, {m.unit}) — {m.label} / {m.label_zh or '-'}\n"
            f"{m.description}\nowner: {m.owner}; source: {m.source}; "
            f"{'scaled' if m.scaled else 'not scaled'} by the population scale"
        )
        return
    table = Table("metric", "kind", "unit", "label", "owner", title="Metrics")
    for m in registry.metrics():
        if m.source != "internal":
            table.add_row(m.name, m.kind, m.unit, m.label, m.owner)
    console.print(table)

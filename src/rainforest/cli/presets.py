"""`rainforest presets list|show|export` (filled in by the presets work)."""

from rainforest.cli.app import app

presets_app = __import__("typer").Typer(help="List, show and export shipped presets.")
app.add_typer(presets_app, name="presets")

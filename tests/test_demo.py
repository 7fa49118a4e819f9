"""`rainforest demo`, the job `make demo` runs: the summary, the two reports, the store, and
the same on the calibrated second edition (``--fitted``)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rainforest.cli import app
from rainforest.store.paths import ENV_VAR

runner = CliRunner()


@pytest.mark.parametrize("fitted", [False, True])
def test_demo_prints_the_summary_and_writes_both_reports(tmp_path, monkeypatch, fitted):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "runs.duckdb"))
    monkeypatch.setenv("COLUMNS", "200")
    out = tmp_path / "demo-output"
    args = ["demo", "--out", str(out), "--runs", "1", "--years", "1", "--workers", "1"]
    res = runner.invoke(app, args + (["--fitted"] if fitted else []))
    assert res.exit_code == 0, res.output
    for name in ("hangzhou", "zhangjiang", "caohejing", "foundings", "startups alive"):
        assert name in res.output
    assert ("calibrated second edition" in res.output) == fitted
    for report in ("comparison.html", "hangzhou-run.html"):
        assert (out / report).stat().st_size > 10_000
    assert (tmp_path / "runs.duckdb").exists()
    assert "rainforest runs list" in res.output

"""The command line as a new user meets it: 80 columns, did-you-mean, levers, the run store
by default, the compile notice and the Chinese interface."""

from __future__ import annotations

import importlib
import json
import re
import tomllib

import pytest
from typer.testing import CliRunner

from rainforest.cli import app
from rainforest.cli.app import console, err_console
from rainforest.cli.runs import changed_levers

runner = CliRunner()
EXAMPLE = "examples/two-districts.toml"


@pytest.fixture
def narrow(monkeypatch):
    """An 80-column terminal."""
    monkeypatch.setattr(console, "width", 80)
    monkeypatch.setattr(err_console, "width", 80)


def _fits(text: str, width: int = 80) -> bool:
    return max(len(line) for line in text.splitlines()) <= width


def test_levers_lists_paths_labels_units_and_values(narrow):
    res = runner.invoke(app, ["levers", "hangzhou"])
    assert res.exit_code == 0, res.output
    assert _fits(res.output)
    line = next(x for x in res.output.splitlines() if "policy.service_latency_days" in x)
    assert "Days to pay a subsidy" in line and "15" in line and "days" in line
    assert re.search(r"--set\s+regions\.hangzhou\.", res.output)
    full = runner.invoke(app, ["levers", "hangzhou", "--all"])
    assert "population" in full.output and len(full.output) > len(res.output)
    # the instruments and the learning government are levers too (issue 16)
    assert "instruments.one_yuan_offices" in full.output and "learning.enabled" in full.output
    assert "instruments." not in res.output
    bad = runner.invoke(app, ["levers", "yangtze-delta", "--region", "hangzou"])
    assert bad.exit_code == 2 and "did you mean 'hangzhou'?" in bad.output


def test_did_you_mean_for_run_and_set_paths(monkeypatch):
    res = runner.invoke(app, ["run", "hangzou", "--no-store"])
    assert res.exit_code == 2
    assert "did you mean 'hangzhou'?" in res.output
    assert "anchor-platform" not in res.output  # a suggestion, not the list of 26 names
    res = runner.invoke(
        app,
        ["whatif", "hangzhou", "--set", "regions.hangzhou.policy.sandbx=0.5", "--no-store"],
    )
    assert res.exit_code == 2
    assert "did you mean 'sandbox'?" in res.output
    res = runner.invoke(app, ["whatif", "--help"])
    assert "rainforest levers" in res.output


def test_compile_notice_before_a_cold_start(monkeypatch):
    cli_app = importlib.import_module("rainforest.cli.app")  # the module, not the Typer app

    monkeypatch.setattr(cli_app, "kernels_cached", lambda: False)
    tiny = ["run", str(EXAMPLE), "--years", "1", "--scale", "200", "--no-store"]
    res = runner.invoke(app, tiny)
    assert res.exit_code == 0, res.output
    assert "compiling kernels, about 2 minutes the first time" in res.output
    # a scenario that cannot run is named alone: no notice about compiling before the error
    res = runner.invoke(app, ["run", "hangzou", "--no-store"])
    assert res.exit_code == 2 and "compiling" not in res.output
    monkeypatch.setattr(cli_app, "kernels_cached", lambda: True)
    res = runner.invoke(app, tiny)
    assert res.exit_code == 0 and "compiling" not in res.output


def test_kernels_cached_reads_the_numba_cache():
    from rainforest.api import simulate
    from rainforest.cli.app import kernels_cached

    simulate(EXAMPLE, years=1, seed=0, scale=200)  # compiled now, if it was not
    assert kernels_cached()


def test_changed_levers_of_a_job():
    same = [json.dumps({"regions.a.policy.sandbox": 0.8})] * 3
    assert changed_levers(same) == "a.policy.sandbox=0.8"
    design = [json.dumps({"regions.a.culture.belief": v}) for v in (0.1, 0.5)]
    assert changed_levers(design) == "varies: a.culture.belief"
    assert changed_levers(["{}", None, ""]) == "–"


def test_runs_where_names_the_store_the_commands_use(tmp_path, monkeypatch):
    """`rainforest runs where` (which --store's help points to) prints the file: --store,
    else $RAINFOREST_STORE, else the per-user default; the bare path on stdout."""
    from rainforest.store.paths import user_store_path

    monkeypatch.delenv("RAINFOREST_STORE", raising=False)
    res = runner.invoke(app, ["runs", "where"])
    assert res.exit_code == 0 and res.stdout.strip() == str(user_store_path())
    monkeypatch.setenv("RAINFOREST_STORE", str(tmp_path / "mine.duckdb"))
    res = runner.invoke(app, ["runs", "where"])
    assert res.stdout.strip() == str(tmp_path / "mine.duckdb")
    assert "not created yet" in res.stderr
    res = runner.invoke(app, ["runs", "where", "--store", str(tmp_path)])
    assert res.stdout.strip() == str(tmp_path / "runs.duckdb")


def test_run_is_stored_by_default_and_listed(tmp_path, monkeypatch, narrow):
    store = tmp_path / "mine.duckdb"
    monkeypatch.setenv("RAINFOREST_STORE", str(store))
    empty = runner.invoke(app, ["runs", "list"])
    assert empty.exit_code == 0 and "no runs stored yet" in empty.output
    res = runner.invoke(app, ["run", EXAMPLE, "--years", "1", "--scale", "200"])
    assert res.exit_code == 0, res.output
    assert _fits(res.output)
    assert store.is_file() and "stored in" in res.output
    jobs = runner.invoke(app, ["runs", "list"])
    assert jobs.exit_code == 0, jobs.output
    assert _fits(jobs.output)
    row = next(x for x in jobs.output.splitlines() if "two-districts" in x)
    assert row.split()[0].startswith("run-") and row.rstrip().endswith("1")
    each = runner.invoke(app, ["runs", "list", "--each"])
    assert each.exit_code == 0 and _fits(each.output)
    run_id = next(w for w in each.output.split() if w.startswith("run-"))
    shown = runner.invoke(app, ["runs", "show", run_id])
    assert shown.exit_code == 0 and "reproduce" in shown.output


def test_chinese_interface(monkeypatch, narrow):
    res = runner.invoke(app, ["--lang", "zh", "levers", "hangzhou"])
    assert res.exit_code == 0, res.output
    assert "监管沙盒" in res.output and "杭州" in res.output and "天" in res.output
    monkeypatch.setenv("RAINFOREST_LANG", "zh")
    listed = runner.invoke(app, ["presets", "list"])
    assert "预设场景" in listed.output and "地区" in listed.output and "张江" in listed.output
    bad = runner.invoke(app, ["--lang", "fr", "presets", "list"])
    assert bad.exit_code == 2 and "--lang" in bad.output


def test_run_takes_set_changes(tmp_path):
    out = tmp_path / "run"
    args = ["run", EXAMPLE, "--years", "1", "--scale", "200", "--no-store", "--out", str(out)]
    res = runner.invoke(app, [*args, "--set", "mechanisms.capital.by_traction=true"])
    assert res.exit_code == 0, res.output
    kept = tomllib.loads((out / "scenario.toml").read_text())
    assert kept["mechanisms"]["capital"]["by_traction"] is True
    bad = runner.invoke(app, [*args, "--set", "mechanisms.capital.max_dilution=-3"])
    assert bad.exit_code == 2 and "mechanisms.capital.max_dilution" in bad.output
    assert "Traceback" not in bad.output
    shape = runner.invoke(app, [*args, "--set", "by_traction"])
    assert shape.exit_code == 2 and "PATH=VALUE" in shape.output

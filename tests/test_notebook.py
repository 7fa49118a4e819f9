"""Jupyter: the result objects display as a table and a chart, and the example notebook runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rainforest.notebook import svg_bars, svg_lines

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"


def test_result_displays_labelled_totals_and_a_chart(example_result):
    page = example_result._repr_html_()
    assert "<table>" in page and "<svg" in page
    assert "Foundings" in page and "Startups alive" in page  # labels, not column ids
    assert "million yuan" in page


def test_svg_charts_scale_to_their_data():
    bars = svg_bars(["a", "b"], [1.0, -2.0], [0.5, -3.0], [1.5, -1.0], title="t")
    assert bars.count("<rect") == 2 and bars.count('stroke-width="1.2"') == 2
    assert "-3.0" in bars and "1.5" in bars  # the axis spans the intervals
    lines = svg_lines({"x": [0, 1, 2], "y": [2, 1, 0]}, "t", "months")
    assert lines.count("<polyline") == 2
    assert svg_bars([], []) == "" and svg_lines({"x": []}, "t", "") == ""


@pytest.mark.slow
def test_example_notebook_runs_and_shows_every_object(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env_store = os.environ.get("RAINFOREST_STORE", "")
    assert env_store and not env_store.startswith(str(Path.home()))  # conftest isolates it
    client = nbclient.NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    html = [
        out["data"]["text/html"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "execute_result" and "text/html" in out.get("data", {})
    ]
    errors = [
        out
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, errors
    svgs = [h for h in html if "<svg" in h]
    assert len(svgs) == 4, [h[:200] for h in html]  # Result, Comparison, Explanation, Diagnosis
    assert "Why " in svgs[2] and "attribution" in svgs[2] and "university-led" in svgs[2]

"""A run's metrics as a download: CSV (UTF-8 with a byte-order mark, so Excel reads Chinese
region names) or an Excel workbook (openpyxl) with a second sheet that gives every column's
label and unit.

The table is the one the run store and :class:`~rainforest.result.Result` hold: one row per
month and region (and run, for a job of several seeds), in real units, money in million yuan.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from rainforest.report._common import metric_label, metric_unit

#: Media types of the two formats.
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def columns_sheet(metrics: pd.DataFrame) -> pd.DataFrame:
    """Every column of a metrics table with its label and unit (in the current language)."""
    return pd.DataFrame(
        {
            "column": list(metrics.columns),
            "label": [metric_label(c) for c in metrics.columns],
            "unit": [metric_unit(c) for c in metrics.columns],
        }
    )


def metrics_csv(metrics: pd.DataFrame) -> bytes:
    """The metrics table as CSV bytes."""
    return metrics.to_csv(index=False).encode("utf-8-sig")


def metrics_xlsx(metrics: pd.DataFrame, title: str = "metrics") -> bytes:
    """The metrics table as an Excel workbook: sheet ``metrics`` and sheet ``columns``."""
    buf = io.BytesIO()
    frame = metrics.copy()
    for c in frame.columns:  # Excel has no categorical or object-of-mixed types
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].astype(str)
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        frame.to_excel(xl, sheet_name="metrics", index=False, freeze_panes=(1, 0))
        columns_sheet(metrics).to_excel(xl, sheet_name="columns", index=False)
        xl.book.properties.title = title[:200]
    return buf.getvalue()


def filename(name: str, ext: str) -> str:
    """A safe download name from a scenario name."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "run"
    return f"{stem}-metrics.{ext}"

"""The ``--report PATH`` option shared by commands that produce a Result, an Ensemble, a
Comparison, a Diagnosis or an Explanation.

A command declares the option with :func:`report_option` and, once it has its object, calls
:func:`maybe_report`::

    report: Path = report_option()
    ...
    maybe_report(res, report)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from rainforest.cli.app import console, fail

REPORT_HELP = "Also write a self-contained HTML report (plots need no network) to this file."


def report_option() -> Any:
    """A typer ``--report PATH`` option (default: no report)."""
    return typer.Option(None, "--report", help=REPORT_HELP, dir_okay=False, writable=True)


def maybe_report(obj: Any, path: str | Path | None, title: str | None = None) -> Path | None:
    """Write the HTML report of ``obj`` to ``path`` if a path was given.

    Parameters
    ----------
    obj
        A Result, Ensemble, Comparison, Diagnosis or Explanation (see
        :func:`rainforest.report.report`).
    path
        The ``--report`` value; None means no report.
    title
        Optional page title.

    Returns
    -------
    pathlib.Path or None
        The file written, or None when no path was given. A user error (an object that
        cannot be reported, a folder that cannot be written) exits with a message.
    """
    if path is None:
        return None
    from rainforest.report import report

    try:
        out = report(obj, path, title=title)
    except TypeError as err:
        fail(f"--report: {err}")
    except OSError as err:
        fail(f"--report {path}: {err.strerror or err}")
    console.print(f"report written to [bold]{out}[/] (open it in a browser; works offline)")
    return out

"""Where the run store lives: an argument, else ``$RAINFOREST_STORE``, else ``./rainforest-runs``.

One default location means ``rainforest runs list`` finds what ``rainforest sweep`` wrote
without flags, and an environment variable lets a cluster job or CI point every command at
one file.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "RAINFOREST_STORE"
DEFAULT_PATH = Path("rainforest-runs") / "runs.duckdb"


def default_store_path() -> Path:
    """``$RAINFOREST_STORE`` if set, else ``./rainforest-runs/runs.duckdb``."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else DEFAULT_PATH


def resolve_store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The store file for an explicit path (a folder gets ``runs.duckdb``) or the default."""
    p = Path(path) if path is not None else default_store_path()
    if p.is_dir() or (p.suffix == "" and not p.exists()):
        p = p / "runs.duckdb"
    return p

"""Where the run store lives: an argument, else ``$RAINFOREST_STORE``, else one file per user.

One default location means ``rainforest runs list`` finds what ``rainforest run``, ``demo``,
``sweep``, ``explain`` or the dashboard wrote, from any folder and without flags. The per-user
default is the platform's user data folder (``platformdirs``): ``~/.local/share/rainforest/
runs.duckdb`` on Linux (``$XDG_DATA_HOME`` respected), ``~/Library/Application Support/
rainforest/runs.duckdb`` on macOS, ``%LOCALAPPDATA%\\rainforest\\runs.duckdb`` on Windows. An
environment variable lets a cluster job, a project folder or a test point every command at
another file; ``--store`` on a command overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "RAINFOREST_STORE"
FILE_NAME = "runs.duckdb"


def user_store_path() -> Path:
    """The per-user default store file (the platform's user data folder)."""
    import platformdirs

    return platformdirs.user_data_path("rainforest", appauthor=False) / FILE_NAME


def default_store_path() -> Path:
    """``$RAINFOREST_STORE`` if set, else :func:`user_store_path`."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else user_store_path()


def resolve_store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The store file for an explicit path (a folder gets ``runs.duckdb``) or the default."""
    p = Path(path).expanduser() if path is not None else default_store_path()
    if p.is_dir() or (p.suffix == "" and not p.exists()):
        p = p / FILE_NAME
    return p

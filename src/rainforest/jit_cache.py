"""Keep Numba's on-disk cache honest across kernel edits.

Numba keys a cached function by its own source file's timestamp only. The month's two compiled
halves (:mod:`rainforest.engine.phases`) contain every mechanism kernel, so after an edit to,
say, ``m06_lifecycle.py`` they would keep running the old code from their cache. Before any
kernel is called, :func:`drop_stale` deletes all cache files of the engine and mechanism
packages when any of their sources is newer than the oldest cache file; they are then rebuilt
(about a minute). An installed package never changes, so this costs a few ``stat`` calls.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
COMPILED = ("state", "mechanisms", "engine")


def drop_stale(root: Path = PACKAGE) -> int:
    """Delete the compiled packages' cache files if a source is newer; returns how many."""
    dirs = [root / d for d in COMPILED]
    sources = [p for d in dirs for p in d.glob("*.py")]
    caches = [p for d in dirs for p in (d / "__pycache__").glob("*.nb[ic]")]
    try:
        if not caches or max(p.stat().st_mtime for p in sources) <= min(
            p.stat().st_mtime for p in caches
        ):
            return 0
    except OSError:  # a file vanished meanwhile (another process cleaning up): leave it
        return 0
    dropped = 0
    for p in caches:
        try:
            p.unlink()
            dropped += 1
        except OSError:
            pass
    return dropped

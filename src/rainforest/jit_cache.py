"""Keep Numba's on-disk cache honest across kernel edits.

Numba keys a cached function by its own source file's timestamp only. A compiled kernel that
calls kernels of other files (every hook, every fused segment of the month) would keep running
their old code from its cache after an edit to, say, ``m06_lifecycle.py``. Before any kernel is
called, :func:`drop_stale` deletes all cache files of the state and mechanism packages
(``engine/`` holds no kernels) when any of their sources is newer than the oldest cache file;
they are then rebuilt (a few minutes). The month's generated segments are keyed by a hash of
these sources (:mod:`rainforest.engine.month`), so they never go stale. An installed package
never changes, so this costs a few ``stat`` calls.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
COMPILED = ("state", "mechanisms")  # engine/ holds no kernels; the month is generated


def kernel_sources(root: Path = PACKAGE) -> list[Path]:
    """The sources compiled code depends on: every module of ``state/`` (codes and account
    indices are compiled into kernels as constants), the metric registry, and the modules of
    ``mechanisms/`` that define Numba kernels."""
    found = sorted((root / "state").glob("*.py"))
    if (root / "registry.py").exists():
        found.append(root / "registry.py")
    found += [p for p in sorted((root / "mechanisms").glob("*.py")) if "njit" in p.read_text()]
    return found


def cache_files(root: Path = PACKAGE) -> list[Path]:
    """The compiled packages' Numba cache files (index and data)."""
    return [p for d in COMPILED for p in (root / d / "__pycache__").glob("*.nb[ic]")]


def fresh(caches: list[Path], root: Path = PACKAGE) -> bool:
    """Whether no kernel source is newer than the oldest of ``caches`` (may raise OSError
    when a file vanishes meanwhile)."""
    sources = kernel_sources(root)
    if not caches or not sources:
        return True
    return max(p.stat().st_mtime for p in sources) <= min(p.stat().st_mtime for p in caches)


def drop_stale(root: Path = PACKAGE) -> int:
    """Delete the compiled packages' cache files if a kernel source is newer; returns how many."""
    caches = cache_files(root)
    try:
        if fresh(caches, root):
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

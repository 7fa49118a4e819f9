"""The stale-cache guard: an edited kernel source must not run from an old Numba cache."""

import os

from rainforest.jit_cache import drop_stale


def _package(tmp_path):
    for d in ("state", "mechanisms"):
        (tmp_path / d / "__pycache__").mkdir(parents=True)
        (tmp_path / d / "kernel.py").write_text("from numba import njit\n")
        for ext in ("nbi", "nbc"):
            (tmp_path / d / "__pycache__" / f"kernel.f-1.py311.{ext}").write_bytes(b"c")
    return tmp_path


def _stamp(root, sources, caches):
    """Set the modification times of every source and every cache file."""
    for pattern, t in (("*.py", sources), ("*.nb?", caches)):
        for p in root.rglob(pattern):
            os.utime(p, (t, t))


def test_fresh_caches_are_kept(tmp_path):
    root = _package(tmp_path)
    _stamp(root, sources=1_000, caches=2_000)
    assert drop_stale(root) == 0
    assert len(list(root.rglob("*.nb?"))) == 4


def test_an_edited_source_drops_every_cache(tmp_path):
    root = _package(tmp_path)
    _stamp(root, sources=1_000, caches=2_000)
    edited = root / "mechanisms" / "kernel.py"
    os.utime(edited, (3_000, 3_000))  # edited after compiling
    assert drop_stale(root) == 4
    assert not list(root.rglob("*.nb?"))
    assert (root / "state" / "kernel.py").exists()  # sources untouched


def test_no_caches_is_a_no_op(tmp_path):
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "a.py").write_text("")
    assert drop_stale(tmp_path) == 0


def test_a_numpy_only_module_does_not_drop_caches(tmp_path):
    root = _package(tmp_path)
    (root / "mechanisms" / "contract.py").write_text("x = 2\n")  # no kernels in it
    _stamp(root, sources=1_000, caches=2_000)
    os.utime(root / "mechanisms" / "contract.py", (3_000, 3_000))
    assert drop_stale(root) == 0

"""Triple-helix synergy: hand-computed entropies on small tables (Leydesdorff 2003)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rainforest.metrics.triple_helix import (
    decompose,
    entropy,
    mutual_information,
    size_class,
    synergy,
    triple_helix,
)
from tests.metrics_data import tiny_result


def h(*counts: float) -> float:
    """Shannon entropy in bits, written out independently of the module under test."""
    n = sum(counts)
    return -sum(c / n * math.log2(c / n) for c in counts if c > 0)


def table(cells: dict[tuple[str, str, str], float]) -> pd.DataFrame:
    """One weighted row per cell of an x-y-z contingency table."""
    return pd.DataFrame([{"x": x, "y": y, "z": z, "w": w} for (x, y, z), w in cells.items()])


# a 2x2x2 table with no symmetry: counts n[x, y, z], N = 16
CELLS = {
    ("a", "c", "e"): 4,
    ("a", "c", "f"): 1,
    ("a", "d", "e"): 1,
    ("a", "d", "f"): 2,
    ("b", "c", "e"): 1,
    ("b", "c", "f"): 2,
    ("b", "d", "e"): 2,
    ("b", "d", "f"): 3,
}


def test_entropy_basics():
    assert entropy([1, 1]) == pytest.approx(1.0)
    assert entropy([5, 0, 0]) == 0.0
    assert entropy([]) == 0.0
    assert entropy([1, 1, 1, 1]) == pytest.approx(2.0)


def test_triple_helix_by_hand_on_2x2x2():
    # marginals, summed by hand from CELLS
    hx = h(4 + 1 + 1 + 2, 1 + 2 + 2 + 3)  # a: 8, b: 8
    hy = h(4 + 1 + 1 + 2, 1 + 2 + 2 + 3)  # c: 8, d: 8
    hz = h(4 + 1 + 1 + 2, 1 + 2 + 2 + 3)  # e: 8, f: 8
    hxy = h(4 + 1, 1 + 2, 1 + 2, 2 + 3)  # ac 5, ad 3, bc 3, bd 5
    hxz = h(4 + 1, 1 + 2, 1 + 2, 2 + 3)  # ae 5, af 3, be 3, bf 5
    hyz = h(4 + 1, 1 + 2, 1 + 2, 2 + 3)  # ce 5, cf 3, de 3, df 5
    hxyz = h(4, 1, 1, 2, 1, 2, 2, 3)
    expected = 1000 * (hx + hy + hz - hxy - hxz - hyz + hxyz)
    t = table(CELLS)
    assert triple_helix(t, "x", "y", "z", weight="w") == pytest.approx(expected)
    # the same table as one row per unit (unweighted) gives the same number
    units = t.loc[t.index.repeat(t["w"].astype(int))].reset_index(drop=True)
    assert triple_helix(units, "x", "y", "z") == pytest.approx(expected)
    # and the order of the dimensions does not matter
    assert triple_helix(t, "z", "x", "y", weight="w") == pytest.approx(expected)
    # bilateral mutual information
    assert mutual_information(t, "x", "y", "w") == pytest.approx(1000 * (hx + hy - hxy))


def test_xor_table_is_one_bit_of_synergy():
    # z = x xor y with x, y uniform: every pair independent, the triple determined
    cells = {("0", "0", "0"): 1, ("0", "1", "1"): 1, ("1", "0", "1"): 1, ("1", "1", "0"): 1}
    # H_x = H_y = H_z = 1, H_xy = H_xz = H_yz = 2, H_xyz = 2 -> T = 3 - 6 + 2 = -1 bit
    assert triple_helix(table(cells), "x", "y", "z", "w") == pytest.approx(-1000.0)


def test_identical_dimensions_are_one_bit_of_redundancy():
    cells = {("0", "0", "0"): 1, ("1", "1", "1"): 1}
    # every entropy is 1 bit: T = 3 - 3 + 1 = +1 bit
    assert triple_helix(table(cells), "x", "y", "z", "w") == pytest.approx(1000.0)


def test_independent_dimensions_have_no_synergy():
    cells = {(x, y, z): 1 for x in "ab" for y in "cd" for z in "ef"}
    assert triple_helix(table(cells), "x", "y", "z", "w") == 0.0


def test_decomposition_adds_up_and_groups_are_computed_inside():
    t = table(CELLS)
    t["g"] = ["g1", "g1", "g1", "g1", "g2", "g2", "g2", "g2"]  # g = x here
    # split the x dimension into a finer unit inside each group
    t["x"] = ["a1", "a2", "a1", "a2", "b1", "b1", "b2", "b2"]
    dec = decompose(t, "x", "y", "z", "g", "w").set_index("group")
    total = triple_helix(t, "x", "y", "z", "w")
    assert dec.loc["(total)", "T"] == pytest.approx(total)
    assert dec.loc[["g1", "g2", "(between)"], "contribution"].sum() == pytest.approx(total)
    # group g1 by hand: cells (x, y, z) a1ce 4, a2cf 1, a1de 1, a2df 2 (n = 8)
    # H_x = h(5, 3), H_y = h(5, 3), H_z = h(5, 3); pairs: xy h(4,1,1,2), xz h(5,3),
    # yz h(4,1,1,2); xyz h(4,1,1,2)
    t_g1 = 1000 * (3 * h(5, 3) - h(4, 1, 1, 2) - h(5, 3) - h(4, 1, 1, 2) + h(4, 1, 1, 2))
    assert dec.loc["g1", "T"] == pytest.approx(t_g1)
    assert dec.loc["g1", "share"] == pytest.approx(8 / 16)
    assert dec.loc["g1", "contribution"] == pytest.approx(t_g1 / 2)


def test_size_classes():
    c = size_class([1, 9, 10, 49, 50, 249, 250, 10_000])
    assert list(c) == ["1-9", "1-9", "10-49", "10-49", "50-249", "50-249", "250+", "250+"]


def test_synergy_of_a_result_without_cells_uses_regions():
    syn = synergy(tiny_result())
    assert syn.geography_unit == "region"
    assert syn.T_cell == syn.T_region
    dec = syn.decomposition.set_index("group")
    # with the region as the only geography, each region's own T is zero
    assert dec.loc["A", "T"] == 0.0 and dec.loc["B", "T"] == 0.0
    assert dec.loc["(between)", "contribution"] == pytest.approx(syn.T_region)
    frame = syn.to_frame()
    assert {"measure", "group", "T", "contribution", "geography_unit"} <= set(frame.columns)

"""Caohejing (漕河泾) reproduces seed 000's opportunity-density figures within ±25%.

The preset starts from the district's stock (firms, listed firms, patents, people) five years
before the reported period and simulates forward; the figures below are read from the last
reported year and averaged over 16 seeds. What was fitted, and how, is in docs/calibration.md.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from rainforest.api import simulate

# figure -> (seed value, seed 000 phrase)
TARGETS = {
    "output_bn_per_km2": (90.0, "900億元/平方公里的單位產出"),
    "listed_per_km2": (12.0, "12家上市公司/平方公里"),
    "talent": (300_000.0, "30多萬高知人才"),
    "patents_per_10k": (498.0, "498項/萬人的有效發明專利數"),
    "under35_share": (0.80, "35歲以下青年人口占比高達80%"),
    "new_firms_per_day": (1.0, "平均每天誕生1家企業"),
    "transfers_per_day": (1.0, "平均每天就有一個科技成果轉化"),
    "firms": (15_500.0, "1.55萬家企業"),
    "specialised_smes_per_km2": (78.0, "78家/平方公里的專精特新"),
}


def figures(res) -> dict[str, float]:
    """The seed's figures measured on the last reported year of a Caohejing run."""
    m = res.metrics
    last = m[m.month > m.month.max() - 12]
    end = last[last.month == last.month.max()].iloc[0]
    area = res.scenario.regions["caohejing"].area_km2
    return {
        "output_bn_per_km2": last.output.sum() / area / 1000.0,
        "listed_per_km2": end.listed_firms / area,
        "talent": end.people,
        "patents_per_10k": end.patent_stock / end.people * 1e4,
        "under35_share": end.under35_share,
        "new_firms_per_day": last.foundings.sum() / 365.0,
        "transfers_per_day": last.tech_transfers.sum() / 365.0,
        "firms": end.firms,
        "specialised_smes_per_km2": end.specialised_smes / area,
    }


#: Output per km² was reproduced by a per-place knob (``regions.caohejing.productivity`` fitted
#: to the figure), a defect by MODEL.md §7: output per worker is now a global ratio to the wage
#: (``mechanisms.exits.output_per_wage``). Tested on its own below.
OUTPUT = "output_bn_per_km2"


@functools.cache
def _runs() -> list[dict[str, float]]:
    """16 seeds of Caohejing, simulated once for both tests (loadfile keeps them together)."""
    return [figures(simulate("caohejing", years=3, seed=s)) for s in range(16)]


@pytest.mark.slow
def test_caohejing_matches_seed_figures_within_25_percent():
    runs = _runs()
    misses = []
    for key, (target, phrase) in TARGETS.items():
        if key == OUTPUT:
            continue
        value = float(np.mean([r[key] for r in runs]))
        if abs(value / target - 1.0) > 0.25:
            misses.append(f"{key}: model {value:.3g} vs seed {target:.3g} ({phrase})")
    assert not misses, "\n".join(misses)


@pytest.mark.slow
@pytest.mark.xfail(
    reason="issue 15: with the per-place productivity knob removed, the first edition's global "
    "ratio (6 x the wage) gives Caohejing about half of seed 000's 90 bn yuan/km²; the jointly "
    "fitted second edition (apply_fitted, ratio 4.35) reproduces it (0.97x, docs/calibration.md "
    "section 7). Removed when the second edition becomes the default.",
    strict=True,
)
def test_caohejing_output_per_km2_within_25_percent():
    value = float(np.mean([r[OUTPUT] for r in _runs()]))
    assert abs(value / TARGETS[OUTPUT][0] - 1.0) <= 0.25, value

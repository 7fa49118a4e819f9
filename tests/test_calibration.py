"""Caohejing (漕河泾) against seed 000's opportunity-density figures, on the calibrated model.

The preset starts from the district's stock (firms, listed firms, patents, people) five years
before the reported period and simulates forward; the figures below are read from the last
reported year and averaged over 16 seeds. No per-place knob is fitted to any of them: the
model is the calibrated second edition (``apply_fitted``: global parameters fitted jointly to
several places, docs/calibration.md section 7). The first edition's per-place calibration held
all nine within ±25% with a knob per figure; the joint fit trades that for mechanisms, so the
figures the mechanisms make are checked within a factor of 2, the stocks that are inputs within
±25%.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.experiments.joint import apply_fitted
from rainforest.scenario import load_scenario

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


#: Figures that are inputs and persist through the 3 years (the district's stock of people,
#: firms and patents, its age mix): within ±25%.
INPUTS = ("talent", "patents_per_10k", "under35_share", "firms")
#: Figures no per-place knob is fitted to (issue 15's standard for magnitudes: within a
#: factor of 2), though inputs carry part of each: output per km² is the workforce and wage
#: (inputs) times the global output-per-wage ratio of the joint fit (it was once a per-place
#: productivity fitted to this figure); listed firms are the initial listed stock (an input)
#: plus the IPOs of the run; specialised SMEs are the firms (an input stock) whose fit the
#: mechanisms carry past the global threshold; new firms a day come from the mechanisms alone.
MADE = ("output_bn_per_km2", "listed_per_km2", "new_firms_per_day", "specialised_smes_per_km2")
#: A prediction the fit never saw: technology transfers a day come out of conversion by hazard
#: (M20). The calibrated second edition gives about 0.44 a day against the seed's one: checked
#: within a factor of 3 and reported as a miss in docs/calibration.md.
PREDICTED = ("transfers_per_day",)


@functools.cache
def _runs() -> list[dict[str, float]]:
    """16 seeds of Caohejing, simulated once for all tests (loadfile keeps them together)."""
    sc = apply_fitted(load_scenario("caohejing"))
    return [figures(simulate(sc, years=3, seed=s)) for s in range(16)]


def _misses(keys, factor: float) -> list[str]:
    out = []
    for key in keys:
        target, phrase = TARGETS[key]
        value = float(np.mean([r[key] for r in _runs()]))
        if not 1.0 / factor <= value / target <= factor:
            out.append(f"{key}: model {value:.3g} vs seed {target:.3g} ({phrase})")
    return out


def test_every_figure_is_checked_once():
    assert sorted(INPUTS + MADE + PREDICTED) == sorted(TARGETS)


@pytest.mark.slow
def test_caohejing_keeps_its_observed_stock_within_25_percent():
    misses = _misses(INPUTS, 1.25)
    assert not misses, "\n".join(misses)


@pytest.mark.slow
def test_caohejing_made_figures_within_a_factor_of_two():
    misses = _misses(MADE, 2.0)
    assert not misses, "\n".join(misses)


@pytest.mark.slow
def test_caohejing_transfers_predicted_within_a_factor_of_three():
    misses = _misses(PREDICTED, 3.0)
    assert not misses, "\n".join(misses)

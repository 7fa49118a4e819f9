"""Search and matching in the labour market (M6L, ``mechanisms.labour.matching``).

A matching function (Pissarides 2000; Petrongolo & Pissarides 2001) meets a region's open jobs
with its job seekers each month. Theory says: frictions leave some people unemployed that the
first edition's instant hiring would have placed; a more efficient market leaves fewer; the
employed who search harder change employer more often; and with constant returns the
per-capita flows do not depend on the population scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rainforest.api import simulate
from rainforest.engine import Engine
from rainforest.scenario import scenario_from_dict
from tests.conftest import assert_scale_free, deep_set, scenario
from tests.test_engine import check_invariants
from tests.test_mechanisms import assert_more, compare

#: the second edition's labour rules (job ladder) with search and matching
MATCHING = {"labour": {"matching": True, "job_ladder": True}}


def matched(**top) -> dict:
    """The test district (:func:`tests.conftest.scenario`) with :data:`MATCHING`."""
    data = scenario(**top)
    data["mechanisms"] = {**data["mechanisms"], **{k: dict(v) for k, v in MATCHING.items()}}
    return data


def unemployed(data: dict, seeds=range(32), years: int = 5) -> pd.DataFrame:
    """Per seed, the unemployed averaged over the reported months (the end-of-run stock that
    ``compare`` reads swings with the last months' lay-offs)."""
    sc = scenario_from_dict(data)
    rows = []
    for s in seeds:
        m = simulate(sc, years=years, seed=int(s)).metrics
        rows.append(m[m.month >= 0].groupby("month")["unemployed"].sum().mean())
    return pd.DataFrame({"unemployed": rows})


@pytest.mark.slow
def test_frictions_leave_people_unemployed():
    """With the matching function, some newcomers and laid-off people wait for a job that
    the first edition's firms would have filled from them at once: more people unemployed."""
    off = deep_set(matched(), "mechanisms.labour.matching", False)
    assert_more(unemployed(matched()), unemployed(off), "unemployed")


@pytest.mark.slow
def test_more_efficient_matching_lowers_unemployment():
    """A higher matching efficiency (contacts per seeker at a given tightness) leaves fewer
    people unemployed."""
    path = "mechanisms.labour.matching_efficiency"
    # the rest of the district's employers take the unemployed slowly, so that the firms'
    # matching is what places them
    data = deep_set(matched(), "mechanisms.exits.job_finding", 0.02)
    slow = unemployed(deep_set(data, path, 0.05))
    fast = unemployed(deep_set(data, path, 1.0))
    assert_more(slow, fast, "unemployed")


@pytest.mark.slow
def test_employed_who_search_harder_change_jobs_more():
    """On-the-job search: when the employed search with more intensity relative to the
    unemployed, more of them meet a better firm's opening and move (``job_changes``)."""
    hi, lo = compare("mechanisms.labour.employed_search", 0.3, 0.02, data=matched(), years=5)
    assert_more(hi, lo, "job_changes")


@pytest.mark.slow
def test_joiners_take_startup_jobs_against_the_ladder():
    """Joiners (Roach & Sauermann 2015): with ``joiner_appeal`` an employed person may take a
    startup's job even where its fit is below the employer's, with chance appeal x risk
    appetite, so more people move between employers than under the ladder alone."""
    hi, lo = compare("mechanisms.labour.joiner_appeal", 1.0, 0.0, data=matched(), years=5)
    assert_more(hi, lo, "job_changes")


@pytest.mark.slow
def test_matching_flows_do_not_depend_on_population_scale():
    """Constant returns in the matching function: job-to-job moves and the unemployed, in
    real units, agree at scale 5 and 20 (the first edition's rule tied moves to whichever
    firms were short of staff, and varied twenty-fold from seed to seed)."""
    assert_scale_free(matched(years=4), ["job_changes", "unemployed"])


def test_invariants_hold_every_month_with_matching():
    sc = scenario_from_dict(matched())
    eng = Engine(sc, seed=4, scale=20)
    for _ in range(12 * sc.warmup_years + 24):
        eng.step()
        check_invariants(eng)


def test_people_are_conserved_and_runs_repeat_with_matching():
    sc = scenario_from_dict(matched())
    a = simulate(sc, years=2, seed=6, scale=10)
    b = simulate(sc, years=2, seed=6, scale=10)
    assert a.metrics.equals(b.metrics)
    m = a.metrics.groupby("month")[["people", "arrivals", "departures"]].sum()
    np.testing.assert_allclose(
        m["people"].diff().iloc[1:].to_numpy(), (m["arrivals"] - m["departures"]).iloc[1:]
    )


def test_matching_parameters_are_checked():
    """Bad values name the field."""
    for path, value in (
        ("mechanisms.labour.matching_elasticity", 1.0),
        ("mechanisms.labour.matching_efficiency", 0.0),
        ("mechanisms.labour.employed_search", -0.1),
    ):
        with pytest.raises(Exception, match=path.rsplit(".", 1)[1]):
            scenario_from_dict(deep_set(matched(), path, value))


def test_run_summary_shows_the_unemployed_when_matching_is_on():
    """`rainforest run` prints ``Result.summary``: with matching it has the unemployed at the
    end (people wait for jobs), without it the first edition's rows only."""
    on = simulate(scenario_from_dict(matched()), years=1, seed=1, scale=20).summary()
    off_data = deep_set(matched(), "mechanisms.labour.matching", False)
    off = simulate(scenario_from_dict(off_data), years=1, seed=1, scale=20).summary()
    assert list(on.columns[:2]) == ["people", "unemployed"]
    assert "unemployed" not in off.columns

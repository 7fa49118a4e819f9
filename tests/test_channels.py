"""Channels of foundings (metrics/channels.py, `rainforest channels`)."""

from __future__ import annotations

import numpy as np
import pytest
import tomli_w
from typer.testing import CliRunner

from rainforest.api import simulate
from rainforest.cli import app
from rainforest.metrics.channels import CHANNELS, FUNNEL, channel_counts, channels, funnel
from rainforest.scenario import FIRST_EDITION, scenario_from_dict, with_values
from tests.conftest import base_region, scenario


def world():
    return scenario_from_dict(scenario({"district": base_region(population=20000)}))


@pytest.fixture(scope="module")
def runs():
    return [simulate(world(), years=2, seed=s) for s in (1, 2, 3)]


def test_shares_sum_to_one_and_counts_match_the_foundings(runs):
    table = channels(runs).set_index("channel")
    assert table.loc[list(CHANNELS), "share"].sum() == pytest.approx(1.0)
    assert (table["low"] <= table["share"] + 1e-12).all()
    assert (table["share"] <= table["high"] + 1e-12).all()
    for res in runs:  # every startup founded in the reported months has one channel
        c = channel_counts(res)
        assert c[list(CHANNELS)].sum() == pytest.approx(res.metrics["foundings"].sum())


def test_an_anchor_that_sheds_more_people_takes_a_larger_share():
    """The first edition's M7 (a per-anchor spinout_rate): the second edition's spin-offs come
    from each employee's hazard instead (test_spinoff_people.py: better parents breed more),
    and in this small district it founded no anchor spin-off in two years."""
    first = with_values(world(), FIRST_EDITION)
    more = with_values(first, {"regions.district.anchors.0.spinout_rate": 0.01})
    many = channels([simulate(more, years=2, seed=s) for s in (1, 2, 3)]).set_index("channel")
    base = channels([simulate(first, years=2, seed=s) for s in (1, 2, 3)]).set_index("channel")
    assert many.loc["anchor", "share"] > base.loc["anchor", "share"]


def test_funnel_reads_the_runs_metrics_per_1000_people_a_year(runs):
    f = funnel(runs).set_index("measure")
    assert list(f.index) == [*FUNNEL, "founded_share"]
    per = []
    for res in runs:
        m = res.metrics
        per.append(1e3 * m["foundings"].sum() / (res.meta["months"] / 12) / m["people"].mean())
    assert f.loc["foundings", "mean"] == pytest.approx(sum(per) / len(per))
    assert (f["low"] <= f["mean"] + 1e-12).all() and (f["mean"] <= f["high"] + 1e-12).all()
    with pytest.raises(ValueError):
        funnel([])


def test_failure_tolerance_raises_the_share_of_opportunities_founded():
    """The founding decision (M3) weighs the reward by the region's failure tolerance: a
    tolerant place founds on more of its opportunities, which do not depend on it."""
    low = with_values(world(), {"regions.district.culture.failure_tolerance": 0.1})
    high = with_values(world(), {"regions.district.culture.failure_tolerance": 0.9})

    def shares(sc):  # one value per run: runs are the units
        runs = [simulate(sc, years=2, seed=s) for s in range(1, 7)]
        return np.array([funnel([r]).set_index("measure").loc["founded_share", "mean"]
                         for r in runs])  # fmt: skip

    a, b = shares(high), shares(low)
    t = (a.mean() - b.mean()) / np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert t > 2.0, (a, b)


def test_the_command_prints_the_table(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text(tomli_w.dumps(scenario({"district": base_region(population=20000)})))
    res = CliRunner().invoke(app, ["channels", str(path), "--runs", "2", "--years", "1"])
    assert res.exit_code == 0, res.output
    assert "anchor" in res.output and "90% interval" in res.output
    assert "funnel" in res.output and "founded_share" in res.output
    bad = CliRunner().invoke(app, ["channels", str(path), "--runs", "0"])
    assert bad.exit_code == 2


def test_genealogy_follows_parent_links_to_the_earliest_large_firms():
    import pandas as pd

    from rainforest.metrics.channels import genealogy

    class R:
        orgs = pd.DataFrame(
            {
                "kind": ["anchor", "startup", "startup", "startup", "startup"],
                "parent": [-1, 0, 1, -1, 3],
                "founded": [-240, 1, 5, 2, 9],
                "employees": [100, 5, 3, 4, 2],
                "weight": [1.0, 10, 10, 10, 10],
                "alive": [True, True, True, True, True],
            }
        )

    # firms 1 and 2 descend from the anchor (2 through 1); 3 and 4 do not
    assert genealogy(R(), roots=1) == pytest.approx(0.5)


def test_a_founding_is_carried_by_the_kind_of_organisation_its_founder_left():
    """The one home of the attribution (the typology reads it too): the parent's kind when a
    parent is recorded, else the origin; a startup parent grown into a listed firm still begets
    firms."""
    import pandas as pd

    from rainforest.metrics.channels import founding_channel

    kinds = ["anchor", "sme", "listed", "state", "incumbent", "university", "startup", "startup"]
    orgs = pd.DataFrame(
        {
            "org": range(12),
            "kind": kinds + ["startup"] * 4,
            "parent": [-1] * 8 + [1, 4, 0, -1],
            "origin": ["initial"] * 6
            + ["startup", "grassroots"]
            # an SME's and an incumbent's leavers, an anchor spin-off, an idea from contacts
            + ["grassroots", "grassroots", "anchor", "grassroots"],
        }
    )
    got = list(founding_channel(orgs))
    assert got[:6] == ["initial"] * 6
    assert got[6:] == ["startup", "grassroots", "startup", "established", "anchor", "grassroots"]
    # a parent that is itself a founded startup grown into a listed firm
    grown = orgs.assign(kind=orgs["kind"].where(orgs["org"] != 7, "listed"))
    grown.loc[11, "parent"] = 7
    assert founding_channel(grown).iloc[11] == "startup"


def test_in_the_first_edition_the_channel_is_the_origin():
    """The first edition records a parent only where its origin codes name the parent's kind,
    so carrying by the parent changes none of its channels (nor the typology's shares)."""
    from rainforest.metrics.channels import founding_channel

    first = with_values(world(), FIRST_EDITION)
    for seed in (1, 2):
        o = simulate(first, years=2, seed=seed).orgs
        new = o["origin"] != "initial"
        assert new.sum() > 0
        assert (founding_channel(o)[new] == o.loc[new, "origin"].astype(str)).all()

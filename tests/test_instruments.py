"""Direction tests of M17 (issue 16): each instrument moves what it acts on, over seeds; its
public cost is counted; off, a run is unchanged; a learning government moves its levers."""

from __future__ import annotations

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.engine import Engine
from rainforest.mechanisms.m17_instruments import COSTS, TOTAL
from rainforest.scenario import ScenarioError, scenario_from_dict
from tests.conftest import (
    EDITIONS,
    base_region,
    deep_set,
    first_edition,
    scenario,
    second_edition,
    totals_over_seeds,
)
from tests.test_mechanisms import assert_more

SEEDS = range(8)
SEEDS16 = range(16)
SEEDS32 = range(32)
SEEDS64 = range(64)
INS = "regions.district.instruments"


def _with(**instruments) -> dict:
    return deep_set(scenario(), INS, instruments)


def _pair(years: int = 3, base: dict | None = None, seeds=SEEDS, **instruments):
    """Totals over seeds with and without the instruments (same seeds)."""
    base = base or scenario()
    on = deep_set(base, INS, instruments)
    return (
        totals_over_seeds(on, seeds, years=years),
        totals_over_seeds(base, seeds, years=years),
    )


def test_instruments_off_leave_a_run_unchanged_and_costs_are_reported():
    sc = scenario_from_dict(scenario())
    a = simulate(sc, years=1, seed=3)
    for name, *_ in COSTS:
        assert name in a.metrics.columns
    # the total is cash subsidies plus every instrument, month by month
    parts = a.metrics[["subsidies_paid", *(n for n, *_ in COSTS)]].sum(axis=1)
    assert np.allclose(a.metrics[TOTAL], parts)
    # zero instruments written explicitly: the same run, bit for bit
    zero = {name: 0.0 for name in ("one_yuan_offices", "model_community", "relay_fund")}
    b = simulate(scenario_from_dict(_with(**zero)), years=1, seed=3)
    num = a.metrics.select_dtypes("number").to_numpy(float)
    assert np.array_equal(num, b.metrics.select_dtypes("number").to_numpy(float), equal_nan=True)


@pytest.mark.parametrize("edition", ["first", "second"])
def test_cash_instruments_keep_startups_alive(edition):
    """Cash that reaches young startups (near-free offices, talent flats, Pre-A cheques,
    relay rounds, loans, super-individual grants, a sector programme) keeps more of them
    alive, and each shows up in its public-cost metric.

    First edition: more startups alive (8 seeds). Second edition: fewer failures, over 16
    seeds; not startups alive, because there foundings come from the living network and
    differ between the paired runs (t of startups alive 1.2 over 16 seeds, of failures -3.6,
    foundings unchanged), so the count alive is mostly founding noise. The relay fund pays
    funded startups short of runway (under relay_runway_months of burn) with some fit: under
    the second edition, with this bundle's other cash keeping runways long and private rounds
    following traction, no startup was eligible in 16 seeds, so here its payment is checked
    under the first edition only; the second edition's relay is tested where follow-on money
    is missing (test_relay_rounds_keep_funded_startups_alive_where_follow_on_money_is_missing)."""
    cash = dict(
        one_yuan_offices=1.0,
        talent_apartments=1.0,
        state_prea_rate=0.1,
        state_prea_cheque=5.0,
        relay_fund=2000.0,
        venture_loans=0.5,
        opc_grant=1.0,
        sector_domain="ai_software",
        sector_budget=500.0,
    )
    base = deep_set(scenario(), "mechanisms.instruments.relay_min_rounds", 1)
    base = EDITIONS[edition](base)
    if edition == "first":
        on, off = _pair(base=base, **cash)
        assert_more(on, off, "startups_alive")
        paid = ("public_prea", "public_relay", "public_opc")
    else:
        on, off = _pair(base=base, seeds=SEEDS16, **cash)
        assert_more(off, on, "failures")
        paid = ("public_prea", "public_opc")
    for name in ("public_offices", "public_apartments", "public_sector"):
        assert (on[name] > 0).all(), name
        assert (off[name] == 0).all(), name
    for name in paid:
        assert on[name].sum() > 0 and off[name].sum() == 0, name
    assert_more(on, off, TOTAL)


@pytest.mark.parametrize(
    "edition, instrument, value",
    [
        ("first", "one_yuan_offices", 1.0),
        ("first", "state_prea_rate", 0.2),
        ("first", "sector_budget", 2000.0),
        ("second", "one_yuan_offices", 1.0),
        ("second", "state_prea_rate", 0.2),
        ("second", "sector_budget", 2000.0),
    ],
)
def test_each_cash_instrument_alone_helps_survival(edition, instrument, value):
    """Each cash instrument alone helps startups survive (dear offices).

    First edition (16 seeds): more startups alive. Second edition (48 seeds): there foundings
    come from the living network and differ between paired runs, and the test district founds
    only some 16 firms in four years, so counts alive or failed are mostly founding noise.
    The sector programme is tested on failures; near-free offices and Pre-A cheques on what
    they act on, a hazard that does not move with the number of foundings: failures a
    firm-year before the age of three, of every firm born in the run (offices, which pay
    every young startup's desks: 0.095 against 0.150 a year, t = 3.2) and of those that
    raised a round (Pre-A cheques, which go only to funded startups: 0.052 against 0.086,
    t = 3.8). Over all firms the Pre-A effect is diluted by the unfunded ones (t = 2.2);
    on failure counts both were undetectable in 16-48 seeds."""
    extra = {"state_prea_cheque": 10.0} if instrument == "state_prea_rate" else {}
    if instrument == "sector_budget":
        extra = {"sector_domain": "ai_software"}
    # dear offices (Zhangjiang's 0.0084 million yuan a desk and month) make rent matter
    base = EDITIONS[edition](deep_set(scenario(), "regions.district.office_rent", 0.012))
    # the second edition's failures vary more from seed to seed: 48 seeds (with the three
    # observed rules of docs/calibration.md section 8, t = 1.6 over seeds 0-15, 3.8 over 16-47)
    seeds = SEEDS16 if edition == "first" else range(48)
    on, off = _pair(years=4, base=base, seeds=seeds, **{instrument: value, **extra})
    if edition == "first":
        assert_more(on, off, "startups_alive", t_min=2.0)
    elif instrument == "sector_budget":
        assert_more(off, on, "failures", t_min=2.0)
    else:
        hazard = "hazard_3y" if instrument == "one_yuan_offices" else "hazard_3y_funded"
        assert_more(off, on, hazard, t_min=2.0)


def test_relay_rounds_keep_funded_startups_alive_where_follow_on_money_is_missing():
    """Seed 002: relay rounds (接力投资) for startups past their first rounds, as Pudong
    Venture's 500 million yuan for MetaX when private money held back. Second edition: where
    venture capital follows need and traction, a funded startup short of runway with some fit
    usually finds a private round, so the relay fund rarely pays (docs/policy.md); here no
    private investor funds a second round (angels fund seed rounds only, the venture funds
    hold half a million yuan each), so the relay is the follow-on money: it pays and the
    failure hazard of funded startups before the age of three falls (64 seeds on fit L5: 0.127
    against 0.159 a year, t = 3.8; 32 seeds gave t = 3.6 on an earlier fit and 2.2 on L5,
    whose buyers take more startups before they can fail, so the effect is smaller)."""
    base = deep_set(scenario(), "mechanisms.instruments.relay_min_rounds", 1)
    base = deep_set(base, "regions.district.investors.1.dry_powder", 0.5)
    seed_only = {"seed": 1.0, "early": 0.0, "late": 0.0}
    base = deep_set(base, "regions.district.investors.0.stage_preference", seed_only)
    base = second_edition(base)
    on, off = _pair(years=4, base=base, seeds=SEEDS64, relay_fund=2000.0)
    # the relay pays in many seeds (31 of 64 on fit L5; half of 32 before), never without it
    assert (on["public_relay"] > 0).sum() >= len(SEEDS64) // 3
    assert (off["public_relay"] == 0).all()
    assert_more(off, on, "hazard_3y_funded", t_min=2.5)


def test_cost_instruments_cut_experiment_spending():
    """The model community, self-driving labs and cheap power cut what an experiment costs
    in the domains they serve and no other; dear power raises it; the savings are counted as
    public cost."""
    base = deep_set(scenario(), "regions.district.domain_mix", {"ai_software": 2, "biomedicine": 1})
    base = deep_set(base, "regions.district.policy.sandbox", 1.0)
    # worlds where experiments are a large part of a startup's costs (five times the default)
    dear = [
        {"name": "ai_software", "experiment_cost": 0.05, "compute_intensive": True},
        {"name": "biomedicine", "experiment_cost": 0.4, "regulated": True, "hardware": False},
    ]
    ai_only = deep_set(base, "regions.district.domain_mix", {"ai_software": 1})
    ai_only["domains"] = dear
    bio_only = deep_set(base, "regions.district.domain_mix", {"biomedicine": 1})
    bio_only["domains"] = dear
    bio_only = deep_set(bio_only, "regions.district.anchors.0.domain", "biomedicine")
    for inst, value, metric in (
        ("model_community", 1.0, "public_model_community"),
        ("self_driving_labs", 1.0, "public_self_driving_labs"),
        ("compute_power_price", 0.5, "public_power"),
    ):
        eng0, eng = _engine(base), _engine(deep_set(base, INS, {inst: value}))
        c0, c = eng0.inputs["exp_cost"][0], eng.inputs["exp_cost"][0]
        ai, bio = 0, 2  # default domains: ai_software (compute), biomedicine (regulated)
        if inst == "self_driving_labs":
            assert c[bio] < c0[bio] and c[ai] == c0[ai], inst
        else:
            assert c[ai] < c0[ai] and c[bio] == c0[bio], inst
        world = bio_only if inst == "self_driving_labs" else ai_only
        # over seeds, every run counts the savings as public cost, and none without it. (Their
        # effect on survival is not detectable in 16 seeds: M5 sizes rounds by burn, so
        # cheaper experiments also mean smaller rounds; see the report of issue 16.)
        on, off = _pair(years=2, base=world, **{inst: value})
        assert (on[metric] > 0).all(), inst
        assert (off[metric] == 0).all(), inst
    eng0, eng = _engine(base), _engine(deep_set(base, INS, {"compute_power_price": 3.0}))
    assert eng.inputs["exp_cost"][0][0] > eng0.inputs["exp_cost"][0][0]
    on, off = _pair(years=2, base=base, compute_power_price=3.0)
    assert (on["public_power"] == 0).all()


def _engine(data: dict, months: int = 1, seed: int = 1, scale: float | None = None) -> Engine:
    eng = Engine(scenario_from_dict(data), seed=seed, scale=scale)
    for _ in range(months):
        eng.step()
    return eng


@pytest.mark.parametrize("edition", ["first", "second"])
def test_delay_and_space_instruments(edition):
    """The task force and founders' services shorten delays; data pilots open data; talent
    flats cut the housing cost movers weigh; the rent cycle moves rents; recruits add people
    (in either edition)."""
    base = EDITIONS[edition](scenario())
    eng0 = _engine(base)
    on = deep_set(
        base,
        INS,
        dict(
            ai_task_force=10.0,
            founder_services=1.0,
            data_circulation=0.5,
            talent_apartments=1.0,
            founder_recruitment=5000.0,
        ),
    )
    eng = _engine(on)
    R0, R = eng0.w.R, eng.w.R
    assert R.latency[0] == pytest.approx(R0.latency[0] / 2.0)
    assert R.reg_months[0] == pytest.approx(R0.reg_months[0] / 2.0 * 0.5)
    assert R.open_data[0] > R0.open_data[0]
    assert R.housing[0] < R0.housing[0]
    # a policy shock after the start is honoured: the instrument applies on top of it
    shocked = deep_set(
        on,
        "shocks",
        [
            {
                "month": 0,
                "kind": "policy_change",
                "region": "district",
                "field": "service_latency_days",
                "value": 300,
            }
        ],
    )
    eng_s = _engine(shocked, months=14)
    assert eng_s.w.R.latency[0] == pytest.approx(300 / 30.4 / 2.0)
    # statistically: subsidies come faster, recruits raise the population
    pol = {"rd_subsidy_share": 0.5, "service_latency_days": 120}
    with_pol = deep_set(base, "regions.district.policy", pol)
    days = {}
    for key, data in (
        ("fast", deep_set(with_pol, INS, {"ai_task_force": 30.0})),
        ("slow", with_pol),
    ):
        sc = scenario_from_dict(data)
        days[key] = []
        for s in SEEDS:
            m = simulate(sc, years=2, seed=s).metrics
            paid = m.subsidies_paid.sum()
            delay = (m.time_to_subsidy_days * m.subsidies_paid).sum()
            days[key].append(delay / paid if paid > 0 else np.nan)
    # a seed whose startups were paid no subsidy in two years has no delay (NaN): the second
    # edition founds fewer firms, so one such seed in eight happens; compare the others
    fast, slow = np.array(days["fast"]), np.array(days["slow"])
    paid = np.isfinite(fast) & np.isfinite(slow)
    assert paid.sum() >= 6 and (fast[paid] < slow[paid]).all(), days
    more, fewer = _pair(years=2, base=base, founder_recruitment=20000.0)
    assert_more(more, fewer, "people")
    assert (more["public_recruitment"] > 0).all()


@pytest.mark.parametrize(("edition", "seeds"), [("first", SEEDS), ("second", SEEDS32)])
def test_talent_flats_draw_movers(edition, seeds):
    """Two districts: flats in one lower its housing cost, so more people move in (M11), in
    either edition.

    32 seeds under the second edition (8 under the first), whose growth and outside pool add
    noise to the flows (t = 1.4 over 8 seeds, 1.7 over 16 on the twelve-year fit); each run
    gives both the net inflow and the public cost."""
    two = EDITIONS[edition](scenario({"a": base_region(), "b": base_region()}))
    two["distances_km"] = {"a|b": 30.0}
    two["mechanisms"]["migration"] = {"base_rate": 0.02}
    on = deep_set(two, "regions.a.instruments", {"talent_apartments": 1.0})
    net = {}
    flats = {}
    for key, data in (("on", on), ("off", two)):
        sc = scenario_from_dict(data)
        net[key], flats[key] = [], []
        for s in seeds:
            m = simulate(sc, years=2, seed=s).metrics
            a = m[m.region == "a"]  # region-summed migrants are symmetric: a's net inflow
            net[key].append((a.migrants_in - a.migrants_out).sum())
            flats[key].append(m.public_apartments.sum())
    d = np.array(net["on"]) - np.array(net["off"])
    assert d.mean() > 0 and d.mean() / (d.std(ddof=1) / np.sqrt(len(d))) > 2.0, d
    assert sum(flats["on"]) > 0 and sum(flats["off"]) == 0


def test_rent_cycle_moves_rents():
    on = deep_set(_with(rent_cycle_amplitude=0.5), "mechanisms.instruments.rent_cycle_years", 1.0)
    m = simulate(scenario_from_dict(on), years=1, seed=2).metrics
    m0 = simulate(scenario_from_dict(scenario()), years=1, seed=2).metrics
    ratio = m.office_rent.to_numpy() / m0.office_rent.to_numpy() if "office_rent" in m else None
    if ratio is None:
        pytest.skip("no office-rent metric")
    assert ratio.max() > 1.2 and ratio.min() < 0.8


def test_sector_domain_must_be_known():
    with pytest.raises(ScenarioError, match="sector_domain"):
        scenario_from_dict(_with(sector_domain="spaceships", sector_budget=1.0))


@pytest.mark.parametrize("edition", ["first", "second"])
def test_learning_government_raises_levers_when_firms_struggle(edition):
    """Off by default; on, with cash-short startups, the government raises its R&D subsidy,
    vouchers and rent subsidy after review and lag; over its budget it cuts them.

    First edition: the default district (its startups run short of cash), one seed for the
    levers, at scale 10. Second edition: firms struggle because venture money is scarce (half
    a million yuan of powder per investor): in the default district it had few startups and
    none short of cash at any review (four alive after 30 months, each with over a year of
    salaries), so the government, rightly, saw no demand. There at scale 2 (it founds fewer
    firms: at scale 10 the scarce district had no startup for its first 20 months, and after
    the job ladder's re-fit, docs/calibration.md section 10, scale 5 raised the levers in 3
    of 8 seeds, scale 2 in all 8) and over four seeds for the levers."""
    if edition == "first":
        struggling, scale, lever_seeds = first_edition(scenario()), None, range(1, 2)
    else:
        scarce = deep_set(scenario(), "regions.district.investors.0.dry_powder", 0.5)
        scarce = deep_set(scarce, "regions.district.investors.1.dry_powder", 0.5)
        struggling, scale, lever_seeds = second_edition(scarce), 2, range(1, 5)
    learn = {
        "enabled": True,
        "review_months": 6,
        "lag_months": 3,
        "step": 0.1,
        "demand_weight": 1.0,
        "demand_threshold": 0.0,
    }
    on = deep_set(struggling, "regions.district.learning", learn)
    raised = 0
    for seed in lever_seeds:
        R = _engine(on, months=12 * 1 + 24, seed=seed, scale=scale).w.R  # warm-up, two years
        raised += bool(R.rd_sub[0] > 0.0 and R.vouchers[0] > 0.0 and R.rent_sub[0] > 0.0)
    assert raised >= max(1, len(lever_seeds) - 1), raised
    eng0 = _engine(struggling, months=36, scale=scale)
    assert eng0.w.R.rd_sub[0] == 0.0
    # a budget far below what it spends: levers are cut back to nothing
    tight = deep_set(on, "regions.district.learning.budget", 1e-6)
    tight = deep_set(tight, "regions.district.policy.rd_subsidy_share", 0.5)
    eng_t = _engine(tight, months=36, scale=scale)
    assert eng_t.w.R.rd_sub[0] < 0.5
    # statistically: with learning on, more subsidies are paid
    hi = totals_over_seeds(on, SEEDS, years=3, scale=scale)
    lo = totals_over_seeds(struggling, SEEDS, years=3, scale=scale)
    assert_more(hi, lo, "subsidies_paid")

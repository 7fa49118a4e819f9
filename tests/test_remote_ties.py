"""Remote ties: the second edition's cross-region encounters (ties.py, living_network.py).

The first edition's contacts cross regions with M12's ``remote_share`` (hybrid collaboration,
event months) and the partner region of ``remote_cdf``, which M17's online communities and data
rules rewrite each month. The living network's encounters take the same share and the same
rows, so these instruments act on the second edition's ties too. Direction tests over seeds on
two small regions; with one region (or a share of 0) nothing is drawn and the ties are those of
the kernel without remote ties (the regression pins keep one-region runs bit for bit)."""

from __future__ import annotations

import numpy as np

from rainforest.engine import Engine
from rainforest.mechanisms import living_network as ln
from rainforest.mechanisms import ties as tk
from rainforest.scenario import scenario_from_dict
from tests.conftest import deep_set, second_edition
from tests.test_regions import two_regions

SEEDS = range(6)
REMOTE = ln.COUNTERS.index("remote_ties")


def _t(d: np.ndarray) -> float:
    """t statistic of a paired difference's mean."""
    return float(d.mean() / (d.std(ddof=1) / np.sqrt(len(d))))


def cross_region_ties(data: dict, seeds=SEEDS, months: int = 18) -> np.ndarray:
    """Per seed: ties (each counted once) whose two people live in different regions at the
    end, the ``REMOTE`` ties among them, and the remote ties made over the run (nobody
    migrates, so a person's region is the one of their ties' making)."""
    data = deep_set(second_edition(data), "mechanisms.migration.base_rate", 0.0)
    sc = scenario_from_dict(data)
    out = []
    for s in seeds:
        eng = Engine(sc, seed=s)
        while eng.month < months:
            eng.step()
        st = eng.cache["ties"]
        n = int(st["n"])
        d = tk.unpack(tk.Ties(st["T"].slot[:n], st["T"].deg[:n]), int(eng.month), st["decay"])
        region = eng.w.P.region
        cross = region[d["owner"]] != region[d["partner"]]
        remote = d["kind"] == tk.REMOTE
        assert (cross | ~remote).all()  # a remote tie always crosses
        out.append((cross.sum() / 2, remote.sum() / 2, st["out"][REMOTE]))
    return np.array(out, float)


def _set(data: dict, **regions) -> dict:
    for name, ins in regions.items():
        data = deep_set(data, f"regions.{name}.instruments", ins)
    return data


def test_hybrid_collaboration_raises_cross_region_ties():
    """Seed 001 (the hybrid model, pan-regional networks): with M12's remote share (2% of
    contacts by default) cross-region ties exist in the second edition, and hybrid
    collaboration (+20 points of remote share at full hybrid) multiplies them; with no remote
    share there are none of kind ``remote``."""
    low = cross_region_ties(two_regions(connect={"hybrid": 0.0}))
    high = cross_region_ties(two_regions(connect={"hybrid": 1.0}))
    none = cross_region_ties(two_regions(contacts={"remote_share": 0.0}), range(2))
    assert (low[:, 1] > 0).all() and (low[:, 2] > 0).all(), low
    assert (high[:, 0] > low[:, 0]).all() and high[:, 0].mean() > 3 * low[:, 0].mean(), (
        high,
        low,
    )
    assert (none[:, 1:] == 0).all(), none


def test_online_communities_raise_and_data_rules_cut_remote_ties():
    """Seed 000: online communities link founders across places, so two regions that both have
    one get more ties between them; seed 003 (opinion): strict data rules in one cut them, and
    a data-circulation pilot restores part. M17 rewrites M12's remote share and partner rows;
    the living network's encounters draw from them (remote share 0.1 for power)."""
    base = deep_set(two_regions(), "mechanisms.contacts.remote_share", 0.1)
    none = cross_region_ties(base)
    both = {"online_community": 1.0}
    comm = cross_region_ties(_set(base, north=both, south=both))
    strict = cross_region_ties(_set(base, north={"data_rules": 1.0}))
    pilot = {"data_rules": 1.0, "data_circulation": 0.8}
    relaxed = cross_region_ties(_set(base, north=pilot))
    # remote ties made over the run: about 2x with communities, 1/2 with strict rules
    made = comm[:, 2], none[:, 2], strict[:, 2], relaxed[:, 2]
    assert (made[0] > made[1]).all() and made[0].mean() > 1.5 * made[1].mean(), made
    assert (made[2] < made[1]).all() and made[2].mean() < 0.75 * made[1].mean(), made
    assert (made[3] > made[2]).all(), made
    # and the cross-region ties standing at the end follow
    assert _t(comm[:, 0] - none[:, 0]) > 3 and _t(none[:, 0] - strict[:, 0]) > 3


def test_remote_share_of_encounters_in_the_toy():
    """The kernel alone: two regions, a remote share s of encounter attempts goes to the other
    region (each becomes a tie with the cell's meeting chance, as encounters do); the ties'
    kinds and regions agree, and with one region the counters show no remote tie."""
    counts = np.full(2 * 12 * 12, 30)
    made = {}
    for share in (0.0, 0.2):
        tk.seed(3)
        net = ln.toy(counts, seed=3, regions=2, remote_share=share)
        for m in range(12):
            net.index()
            net.month(m)
        d = tk.unpack(net.T, 11, net.decay)
        remote = d["kind"] == tk.REMOTE
        assert (net.region[d["owner"][remote]] != net.region[d["partner"][remote]]).all()
        made[share] = (
            net.out[REMOTE],
            net.out[REMOTE] + net.out[ln.COUNTERS.index("geographic_ties")],
        )
    assert made[0.0][0] == 0
    share = made[0.2][0] / made[0.2][1]  # remote among encounters that became ties
    assert abs(share - 0.2) < 0.03, share
    one = ln.toy(np.full(12 * 12, 30), seed=3, remote_share=0.5)
    for m in range(6):
        one.index()
        one.month(m)
    assert one.out[REMOTE] == 0 and one.out[ln.COUNTERS.index("geographic_ties")] > 0


def test_the_share_of_ties_across_regions_is_reported():
    """The result and the scorecard (``diagnose``) report the share of the run's new ties made
    with people of another region: more with hybrid collaboration, none without a remote
    share."""
    import math

    from rainforest.api import simulate
    from rainforest.metrics.scorecard import measure

    shares = {}
    for name, data in (
        ("low", two_regions(connect={"hybrid": 0.0})),
        ("high", two_regions(connect={"hybrid": 1.0})),
        ("none", two_regions(contacts={"remote_share": 0.0})),
    ):
        res = simulate(scenario_from_dict(second_edition(data)), years=1, seed=1, scale=10)
        share = res.meta["network"]["remote_share"]
        rows = measure(res)["scalars"]
        row = rows[rows["indicator"] == "ties_across_regions"]
        assert len(row) == 1 and math.isclose(float(row["value"].iloc[0]), share)
        shares[name] = share
    assert shares["none"] == 0.0
    assert 0.0 < shares["low"] < shares["high"] < 1.0, shares

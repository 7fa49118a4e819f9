"""M12 — hybrid collaboration, large events and cross-region capital.

Seed 001 (trends 2-3): the hybrid model of NVIDIA and DeepMind, pan-regional innovation
networks; "GTC-like" large events. A share of contacts and of pitches cross regions. The remote
share rises with hybrid collaboration (``remote_contact_boost`` at full hybrid) and in months
with a large event (``event_boost``); the partner region is drawn by people weighted with an
exponential distance decay (``contact_distance_km``), and investors' money reaches out of
region with its own decay (``investment_distance_km``). Without hybrid collaboration a founder
pitches at home ``local_pitch_share`` of the time; at full hybrid, half the time.

This module prepares the month's cross-region inputs (per region, so NumPy); the contact and
pitch kernels of M1, M2 and M5 use them, and the second edition's living network (M13) draws
its remote ties with the same share and partner regions.

Parameters: ``mechanisms.connect``, ``mechanisms.contacts.remote_share``, ``distances_km``.
"""

from __future__ import annotations

import numpy as np

from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms.contract import Hook, Mechanism, declare


def remote_weights(people, dist, contact_distance_km) -> np.ndarray:
    """Row r: cumulative probability of each other region for a remote contact from r."""
    w = people[None, :] * pm.exp(-dist / contact_distance_km)
    np.fill_diagonal(w, 0.0)
    tot = w.sum(axis=1, keepdims=True)
    w = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 0.0)
    cdf = np.cumsum(w, axis=1)
    cdf[:, -1] = 1.0
    return cdf


def remote_share(glob_remote_share: float, connect, month: int) -> float:
    """Share of contacts that cross regions this month (hybrid work and event months)."""
    share = glob_remote_share + connect.hybrid * connect.remote_contact_boost
    if month % 12 in connect.event_months:
        share *= connect.event_boost
    return min(share, connect.max_remote_share)


def local_pitch_share(connect) -> float:
    """Share of pitches made at home: ``local_pitch_share`` without hybrid,
    ``hybrid_local_pitch_share`` at full hybrid."""
    local = connect.local_pitch_share
    return local - (local - connect.hybrid_local_pitch_share) * connect.hybrid


def prepare(eng) -> None:
    """This month's remote-contact share and partner-region and investor-region draws."""
    w, cn, inputs = eng.w, eng.sc.mechanisms.connect, eng.inputs
    nr = len(w.region_names)
    inputs["remote_share"] = remote_share(w.glob.remote_share, cn, eng.month)
    inputs["hybrid"] = cn.hybrid
    inputs["local_share"] = local_pitch_share(cn)
    if nr > 1:
        I = w.I
        inputs["remote_cdf"] = remote_weights(eng.people_sim, eng.dist, cn.contact_distance_km)
        powder = np.bincount(I.region[: I.n[0]], weights=I.dry[: I.n[0]], minlength=nr)
        inputs["invest_cdf"] = remote_weights(powder, eng.dist, cn.investment_distance_km)
    else:
        inputs["remote_cdf"] = inputs["invest_cdf"] = eng.one_region_cdf


MECHANISM = declare(
    Mechanism(
        code="M12",
        name="connections",
        title="Hybrid collaboration, large events and cross-region contacts and capital",
        module=__name__,
        params=("mechanisms.connect", "mechanisms.contacts", "distances_km"),
        hooks=(
            Hook(
                "connections.prepare",
                prepare,
                compiled=False,
                doc="remote-contact share, partner-region and investor-region draws",
            ),
        ),
        off={
            "mechanisms.contacts.remote_share": 0.0,
            "mechanisms.connect.hybrid": 0.0,
            "mechanisms.connect.local_pitch_share": 1.0,
        },
        direction_tests=(
            "tests/test_regions.py::test_hybrid_collaboration_raises_cross_region_cofounding_and_investment",
            "tests/test_remote_ties.py::test_hybrid_collaboration_raises_cross_region_ties",
        ),
        references=("seed 001, trends 2-3 (hybrid model, pan-regional networks)",),
    )
)

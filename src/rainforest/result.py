"""`Result`: what one run returns — tidy metrics, events and final state, with provenance.

Every table is a pandas DataFrame in real units (population scale already applied). The
scenario, seed, scale and package version travel with the result so that it can be reproduced
and stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rainforest import registry
from rainforest.mechanisms.m13_network import network_state
from rainforest.metrics.ties import edges, neighbourhood, network_measures
from rainforest.scenario import Scenario, scenario_hash, scenario_to_toml
from rainforest.state import accounts
from rainforest.state import tables as S

# every monetary column is in million yuan
MONEY_COLUMNS = (
    "output",
    "investment_angel",
    "investment_vc",
    "investment_cvc",
    "investment_state",
    "investment_bank",
    "subsidies_paid",
    "experiment_spend",
)


@dataclass
class Result:
    """The outcome of one run.

    Attributes
    ----------
    metrics : DataFrame
        One row per month and region: people, employment, firms, flows (foundings, failures,
        exits, unicorns, patents, transfers), output and investment (million yuan per month),
        subsidies, shares and belief.
    events : DataFrame
        One row per event: month, kind, region, org, person, other (parent org, investor or
        partner), amount (million yuan), domain, weight (real events it stands for).
    orgs, investments, investors : DataFrame
        Final state of organisations, every round written, and investor agents.
    contact_distance : DataFrame
        Sampled within-region contacts by distance band (spatial decay, M1).
    meta : dict
        scenario name and hash, seed, scale, package version, timings.
    """

    scenario: Scenario
    metrics: pd.DataFrame
    events: pd.DataFrame
    orgs: pd.DataFrame
    investments: pd.DataFrame
    investors: pd.DataFrame
    contact_distance: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        """Jupyter display: a summary table and a small chart (:mod:`rainforest.notebook`)."""
        from rainforest.notebook import result_html

        return result_html(self)

    def totals(self) -> pd.DataFrame:
        """Per-region totals of the flows and end-of-run stocks (one row per region)."""
        m = self.metrics
        flows = [c for c in accounts.of_kind("flow") if c in m.columns]
        stocks = [
            c
            for c in accounts.reported()
            if (registry.kind(c) == "stock" or c == "belief") and c in m.columns
        ]
        last = m[m.month == m.month.max()].set_index("region")[stocks]
        return m.groupby("region")[flows].sum().join(last)

    def flows(self) -> pd.DataFrame:
        """Yearly flows between regions (M11-M12): people who moved, former founders among
        them, and venture capital from investors' home regions to firms' regions (the
        diagonal is local investment). Columns: year, kind, origin, destination, amount
        (people, or million yuan for capital)."""
        regions = list(self.meta["regions"])
        ev = self.events
        parts = []
        mig = ev[ev.kind == "migration"]
        if len(mig):
            origin = np.asarray(regions, dtype=object)[mig.other.to_numpy()]
            base = pd.DataFrame(
                {
                    "year": mig.month.to_numpy() // 12,
                    "origin": origin,
                    "destination": mig.region.astype(str).to_numpy(),
                    "weight": mig.weight.to_numpy(),
                    "founder": mig.amount.to_numpy() > 0,
                }
            )
            people = base.groupby(["year", "origin", "destination"], as_index=False).weight.sum()
            parts.append(people.assign(kind="people").rename(columns={"weight": "amount"}))
            fb = base[base.founder]
            if len(fb):
                f = fb.groupby(["year", "origin", "destination"], as_index=False).weight.sum()
                parts.append(f.assign(kind="founders").rename(columns={"weight": "amount"}))
        cap = ev[ev.kind.isin(["funding", "rescue"])]
        if len(cap):
            home = self.investors.region.astype(str).to_numpy()[cap.other.to_numpy()]
            c = pd.DataFrame(
                {
                    "year": cap.month.to_numpy() // 12,
                    "origin": home,
                    "destination": cap.region.astype(str).to_numpy(),
                    "amount": cap.amount.to_numpy() * cap.weight.to_numpy(),
                }
            )
            c = c.groupby(["year", "origin", "destination"], as_index=False).amount.sum()
            parts.append(c.assign(kind="capital"))
        cols = ["year", "kind", "origin", "destination", "amount"]
        if not parts:
            return pd.DataFrame(columns=cols)
        return pd.concat(parts, ignore_index=True)[cols]

    def summary(self) -> pd.DataFrame:
        """A short human summary: key totals per region, rounded."""
        t = self.totals()
        cols = [
            "people",
            "foundings",
            "failures",
            "ipos",
            "unicorns",
            "startups_alive",
            "firms",
            "patents",
            "output",
        ]
        # the unemployed at the end, where search and matching makes people wait for jobs
        if self.scenario.mechanisms.labour.matching:
            cols.insert(1, "unemployed")
        # firms moving in and out (M21), where any did
        cols += [c for c in ("firm_arrivals", "firm_departures") if c in t and t[c].any()]
        return t[cols].round(1)

    def to_parquet(self, folder: str | Path) -> Path:
        """Write every table as Parquet plus ``meta.json`` and ``scenario.toml`` in ``folder``."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("metrics", "events", "orgs", "investments", "investors", "contact_distance"):
            getattr(self, name).to_parquet(out / f"{name}.parquet", index=False)
        (out / "meta.json").write_text(json.dumps(self.meta, indent=2, default=str))
        (out / "scenario.toml").write_text(scenario_to_toml(self.scenario))
        return out


def _categorical(codes: np.ndarray, names: tuple[str, ...] | list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(names))


def _random_pairs(engine, bins: int, n: int = 20000) -> np.ndarray:
    """Distances of random pairs of people in the same region, in the bands of
    ``contact_distance``: the baseline against which contacts' localisation is measured."""
    w = engine.w
    live = np.flatnonzero(w.P.status[: w.P.n[0]] != S.GONE)
    hist = np.zeros(bins)
    if len(live) < 2:
        return hist
    rng = np.random.default_rng(12345)  # fixed: a property of the final state, not the run
    a = w.P.cell[rng.choice(live, n)]
    b = w.P.cell[rng.choice(live, n)]
    same = w.G.cell_region[a] == w.G.cell_region[b]
    d = np.hypot(w.G.cell_x[a] - w.G.cell_x[b], w.G.cell_y[a] - w.G.cell_y[b])[same]
    idx = (d / 0.5).astype(int)
    np.add.at(hist, idx[idx < bins], 1.0)
    return hist


def metrics_frame(engine) -> pd.DataFrame:
    """The tidy monthly metrics of the months an engine has reported so far (real units):
    ``Result.metrics`` of a finished run, or the live view of one in progress."""
    arr = engine.metrics_array()
    months, nr, _ = arr.shape
    names = accounts.accounts()
    flat = arr.reshape(months * nr, len(names))
    metrics = pd.DataFrame(flat, columns=list(names))
    metrics.insert(0, "region", np.tile(np.array(engine.w.region_names, dtype=object), months))
    metrics.insert(0, "year", np.repeat(np.arange(months) // 12, nr))
    metrics.insert(0, "month", np.repeat(np.arange(months), nr))
    with np.errstate(invalid="ignore", divide="ignore"):
        metrics["under35_share"] = metrics["under35"] / metrics["people"]
        metrics["cross_skill_share"] = metrics["cross_skill_sample"] / metrics["contact_sample"]
        metrics["time_to_subsidy_days"] = (
            metrics["subsidy_delay_weighted"] / metrics["subsidies_paid"]
        )
        metrics["experiment_cost"] = metrics["experiment_spend"] / metrics["experiments"]
    return metrics.drop(columns=list(registry.names("internal")))


#: Event kinds that happen to a firm (weighted by the real firms it stands for).
FIRM_EVENTS = (
    S.EV_FOUNDING,
    S.EV_FUNDING,
    S.EV_RESCUE,
    S.EV_FAILURE,
    S.EV_IPO,
    S.EV_ACQUISITION,
    S.EV_UNICORN,
    S.EV_SPINOUT,
    S.EV_SUBSIDY,
    S.EV_TECH_TRANSFER,
)


def build_result(engine, seed_info: Any, version: str, network: bool = True) -> Result:
    """Turn a finished :class:`~rainforest.engine.Engine` into a :class:`Result`.

    ``network``: with the living network on, add its end-of-run measures
    (``meta["network"]``: degrees, clustering, sampled path length, ...) and a drawable
    neighbourhood (``meta["network_sample"]``). They cost about 40 ms a run at scale 40 (a
    twentieth of a ten-year second-edition run), so batch runs that keep only the metrics
    (the experiment workers, ``calibrate --places``, ``validate --places``, ``claims``) skip
    them; nothing else in the result depends on them."""
    w = engine.w
    regions = w.region_names
    domains = w.domain_names
    k = engine.scale
    metrics = metrics_frame(engine)

    ev = S.rows(w.E)
    kinds = ev["kind"].astype(np.int64)
    unique = np.isin(kinds, [S.EV_BREAKTHROUGH, S.EV_SHOCK])
    o = S.rows(w.O)
    o_weight = np.asarray(o["weight"], np.float64)
    # an event of a firm counts as many real firms as the firm stands for (k when firms are a
    # 1/k sample, 1 when one to one); events of people count k
    firm_row = np.isin(o["kind"], [S.STARTUP, S.SME, S.LISTED])
    firm_event = np.isin(kinds, FIRM_EVENTS) & (ev["org"] >= 0)
    firm_event[firm_event] = firm_row[ev["org"][firm_event]]
    ev_weight = np.where(unique, 1.0, k)
    ev_weight[firm_event] = o_weight[ev["org"][firm_event]]
    events = pd.DataFrame(
        {
            "month": ev["month"],
            "kind": _categorical(kinds, S.EVENT_KINDS),
            "region": _categorical(ev["region"], regions),
            "org": ev["org"],
            "person": ev["person"],
            "other": ev["other"],
            "amount": ev["amount"],
            "domain": pd.Categorical.from_codes(
                ev["domain"].astype(np.int64).clip(-1), categories=domains
            ),
            "weight": ev_weight,
        }
    )

    n_o = len(o["kind"])
    unique_org = np.isin(o["kind"], [S.UNIVERSITY, S.FACILITY, S.ANCHOR])
    firm = firm_row
    employees = o["emp"]
    if w.glob.o2o > 0.0:  # firms one to one: their real head count, not their sampled staff
        employees = np.where(firm, np.rint(o["head"]).astype(o["emp"].dtype), o["emp"])
    orgs = pd.DataFrame(
        {
            "org": np.arange(n_o),
            "kind": _categorical(o["kind"], S.ORG_KINDS),
            "region": _categorical(o["region"], regions),
            "domain": _categorical(o["domain"], domains),
            "cell": o["cell"],
            "x_km": w.G.cell_x[o["cell"]],
            "y_km": w.G.cell_y[o["cell"]],
            "founded": o["founded"],
            "alive": o["alive"].astype(bool),
            "employees": employees,
            "fit": o["fit"],
            "potential": o["theta"],
            "valuation": o["valuation"],
            "raised": o["raised"],
            "backed": o["backed"],
            "rounds": o["rounds"],
            "parent": o["parent"],
            "origin": _categorical(o["origin"], S.ORIGINS),
            "state_linked": o["state"].astype(bool),
            "credentialed": o["cred"].astype(bool),
            "listed": o["listed"].astype(bool),
            "unicorn": o["unicorn"].astype(bool),
            "exit": _categorical(o["exit"], S.EXITS),
            "exit_month": o["exit_month"],
            "cash": o["cash"],
            "weight": np.where(firm, o_weight, np.where(unique_org, 1.0, k)),
        }
    )
    v = S.rows(w.V)
    investments = pd.DataFrame(
        {
            "investor": v["investor"],
            "org": v["org"],
            "month": v["month"],
            "stage": _categorical(v["stage"], ("seed", "early", "late")),
            "amount": v["amount"],
            "shares": v["shares"],
            "proceeds": np.where(v["proceeds"] < 0, np.nan, v["proceeds"]),
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        investments["multiple"] = investments["proceeds"] / investments["amount"]
    i = S.rows(w.I)
    investors = pd.DataFrame(
        {
            "investor": np.arange(len(i["kind"])),
            "kind": _categorical(i["kind"], ("angel", "vc", "cvc", "state", "bank")),
            "region": _categorical(i["region"], regions),
            # investors hold 1/k of their money when firms are a 1/k sample (mk = k), their
            # real money when firms are one to one (mk = 1)
            "dry_powder": i["dry"] * w.glob.mk,
            "invested": i["invested"] * w.glob.mk,
            "returned": i["returned"] * w.glob.mk,
        }
    )
    contact_distance = pd.DataFrame(
        {
            "distance_km": np.arange(len(engine.dist_hist)) * 0.5,
            "contacts": engine.dist_hist,
            "random_pairs": _random_pairs(engine, len(engine.dist_hist)),
        }
    )
    meta = {
        "scenario": engine.sc.name,
        "scenario_hash": scenario_hash(engine.sc),
        "seed": seed_info,
        "scale": k,
        "version": version,
        "months": len(engine.records),
        "warmup_months": 12 * engine.sc.warmup_years,
        "regions": regions,
        "domains": domains,
        "simulated_people": int((S.rows(w.P)["status"] != S.GONE).sum()),
        "person_records": int(S.rows(w.P)["status"].size),
        "timings": engine.timings,
    }
    net = network_state(engine) if network else None
    if net is not None:  # the living network (M13-M16) was on: its measures at the end
        ties = edges(net["slot"], net["deg"])
        meta["network"] = network_measures(net, w.G.cell_x, w.G.cell_y, ties)
        meta["network_sample"] = _network_sample(*ties, w.P.region[: net["deg"].shape[0]])
    return Result(engine.sc, metrics, events, orgs, investments, investors, contact_distance, meta)


def _network_sample(a: np.ndarray, b: np.ndarray, region: np.ndarray) -> dict[str, Any]:
    """A neighbourhood of the living network's ties ``(a, b)`` small enough to keep with the
    result and draw in reports (:func:`rainforest.metrics.ties.neighbourhood`): people
    (rows), their region index, the ties among them as positions, and the whole network's
    people with ties and ties. Plain lists, so ``meta.json`` holds it."""
    n = region.shape[0]
    people, src, dst = neighbourhood(a, b, n)
    with_ties = int((np.bincount(a, minlength=n) + np.bincount(b, minlength=n) > 0).sum())
    return {
        "people": people.tolist(),
        "region": region[people].astype(np.int64).tolist(),
        "src": src.tolist(),
        "dst": dst.tolist(),
        "total_people": with_ties,
        "total_ties": int(a.size),
    }

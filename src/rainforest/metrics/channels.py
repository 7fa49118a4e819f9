"""Channels of foundings: by which route each new firm came (issue 14, item 8).

The essays name routes — people leaving big firms to found next door (大厂人才外溢),
universities turning research into firms, startups begetting startups, founders trying again.
Which of them carries a place is a result of the mechanisms, not an input, so it is measured
here from a run's organisation table: every startup founded in the reported months, weighted
by the real firms each simulated one stands for, in the channel that carries it
(:func:`founding_channel`, the one home of this attribution; the typology's composition
indicators read it too). A founding carries the kind of the organisation its founder left, the
``parent`` the founding recorded — spin-offs of the first edition's anchors (M7), universities
(M8) and employees' contact ideas (M2), and the second edition's spin-offs of people (M16),
whatever their employer — so a founder who left an SME is carried by the firms that begat them,
not counted with founders who left no employer. Without a parent the founding's ``origin``
says it: ``grassroots`` for ideas from contacts or ties of people leaving no employer (the first
edition's lottery, recombinant ideas of people outside employment, comebacks). Comebacks
(founders whose last startup failed) cut across channels and are given beside them, from the
``refoundings`` metric. Intervals are over runs (seeds), the units of the statistics.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rainforest.metrics.bands import SHARE, run_band
from rainforest.state.tables import founded_here

#: channels of foundings, in display order, with what each route means
CHANNELS: dict[str, str] = {
    "grassroots": "ideas from contacts or ties, founders not leaving an employer",
    "anchor": "spin-offs from anchor firms",
    "startup": "spin-offs from startups, SMEs and listed firms",
    "established": "spin-offs from incumbent and state-owned firms",
    "facility": "spin-offs from research facilities and labs",
    "university": "university spin-outs (technology transfer)",
}

#: the channel of a founding whose founder left an organisation of this kind (its parent);
#: a startup parent that has grown into an SME or listed firm since is still a firm begetting
#: firms
PARENT_CHANNEL: dict[str, str] = {
    "anchor": "anchor",
    "startup": "startup",
    "sme": "startup",
    "listed": "startup",
    "incumbent": "established",
    "state": "established",
    "facility": "facility",
    "university": "university",
}


def founding_channel(orgs: pd.DataFrame) -> pd.Series:
    """The channel that carries each organisation's founding (index as ``orgs``, the whole
    organisation table of a run: parents are looked up in it).

    The kind of its ``parent`` (:data:`PARENT_CHANNEL`) when the founding recorded one, else
    its ``origin`` (``grassroots``, or ``initial`` for the organisations a run starts with).
    The engine's origin codes follow the parent's kind where it has one of theirs, so this
    differs from ``origin`` only for founders who left an organisation of a kind the origin
    codes do not name (an SME, listed firm, incumbent or state-owned firm).
    """
    kind = pd.Series(orgs["kind"].astype(str).to_numpy(), index=orgs["org"].to_numpy())
    parent = orgs["parent"].to_numpy(np.int64)
    of_parent = kind.reindex(parent).map(PARENT_CHANNEL).to_numpy(object)
    channel = np.where(
        (parent >= 0) & pd.notna(of_parent), of_parent, orgs["origin"].astype(str).to_numpy()
    )
    return pd.Series(channel, index=orgs.index, name="channel")


def channel_counts(res) -> pd.Series:
    """Real foundings in the reported months by channel (one run), plus ``comeback``."""
    o = res.orgs
    # founded as startups; some have grown into SMEs or listed firms since
    grown = o["kind"].isin(["startup", "sme", "listed"])
    new = o[grown & (o["founded"] >= 0) & founded_here(o["origin"])]
    counts = new["weight"].groupby(founding_channel(o)[new.index]).sum()
    out = pd.Series({c: float(counts.get(c, 0.0)) for c in CHANNELS})
    out["comeback"] = float(res.metrics["refoundings"].sum())
    return out


def channels(results: Sequence) -> pd.DataFrame:
    """Share of foundings by channel over runs: mean, the 90% band one run lands in
    (:func:`rainforest.metrics.bands.run_band`: the runs' quantiles from 20 runs, Student's t
    below), and the mean count a year. ``comeback`` is a share of all foundings too,
    overlapping the others."""
    if not results:
        raise ValueError("channels() needs at least one run")
    rows = []
    for res in results:
        c = channel_counts(res)
        total = c[list(CHANNELS)].sum()
        years = max(res.meta["months"] / 12.0, 1e-9)
        rows.append((c / total if total > 0 else c * np.nan, c / years))
    shares = pd.DataFrame([r[0] for r in rows])
    per_year = pd.DataFrame([r[1] for r in rows])
    bands = {
        c: run_band(shares[c].to_numpy(float), positive=True, within=SHARE) for c in shares.columns
    }
    table = pd.DataFrame(
        {
            "share": shares.mean(),
            "low": pd.Series({c: b[0] for c, b in bands.items()}),
            "high": pd.Series({c: b[1] for c, b in bands.items()}),
            "per_year": per_year.mean(),
        }
    )
    table.index.name = "channel"
    table["meaning"] = [CHANNELS.get(c, "founders whose last startup failed") for c in table.index]
    return table.reset_index()


#: the funnel's rows: run metric -> what it counts (per 1,000 people a year)
FUNNEL: dict[str, str] = {
    "ideas": "ideas from contacts (the first edition's lottery, M2)",
    "recombinant_ideas": "recombinant ideas of tied people (M15)",
    "people_spinoffs": "employees drawn to leave and found (M16)",
    "foundings": "new firms founded",
}


def funnel(results: Sequence) -> pd.DataFrame:
    """Opportunities to found and foundings per 1,000 people a year over runs (mean and the
    90% band one run lands in, :func:`rainforest.metrics.bands.run_band`), and
    ``founded_share``: foundings per opportunity (ideas, recombinant ideas and spin-off draws
    together).

    Why: it says whether a place founds more because its people meet more opportunities (the
    ties, knowledge and anchors at work) or because more of them take the step (the founding
    decision: belief, failure tolerance, costs; M3). An employee's recombinant idea is not
    founded at once in the second edition but raises their spin-off hazard, so the two kinds
    of opportunity overlap and the share is a ratio, not a probability."""
    if not results:
        raise ValueError("funnel() needs at least one run")
    rows = []
    for res in results:
        m = res.metrics
        years = max(res.meta["months"] / 12.0, 1e-9)
        people = max(float(m["people"].mean()), 1.0)
        row = {k: 1e3 * float(m[k].sum()) / years / people for k in FUNNEL}
        opportunities = row["ideas"] + row["recombinant_ideas"] + row["people_spinoffs"]
        row["founded_share"] = row["foundings"] / opportunities if opportunities > 0 else np.nan
        rows.append(row)
    d = pd.DataFrame(rows)
    bands = {k: run_band(d[k].to_numpy(float), positive=True) for k in d.columns}
    table = pd.DataFrame(
        {
            "mean": d.mean(),
            "low": pd.Series({k: b[0] for k, b in bands.items()}),
            "high": pd.Series({k: b[1] for k, b in bands.items()}),
        }
    )
    table.index.name = "measure"
    table["meaning"] = [
        FUNNEL.get(k, "foundings per opportunity (ideas and spin-off draws)") for k in table.index
    ]
    return table.reset_index()


def genealogy(res, roots: int = 5) -> float:
    """Share of today's living firms (startups, SMEs, listed) that descend, through spin-off
    parent links, from the ``roots`` earliest large organisations (anchors, listed firms,
    incumbents and state firms; ties broken by size) — Klepper's measure of how much of a
    cluster one generation of firms begat (Detroit: most of the industry from four firms)."""
    o = res.orgs
    parent = o["parent"].to_numpy(np.int64)
    big = o["kind"].isin(["anchor", "listed", "incumbent", "state"]).to_numpy()
    size = (o["employees"] * o["weight"]).to_numpy(float)
    cand = np.nonzero(big)[0]
    if cand.size == 0:
        return float("nan")
    order = np.lexsort((-size[cand], o["founded"].to_numpy()[cand]))
    root = np.zeros(len(o), bool)
    root[cand[order[:roots]]] = True
    firms = o["kind"].isin(["startup", "sme", "listed"]).to_numpy() & o["alive"].to_numpy()
    firms &= ~root
    if not firms.any():
        return float("nan")
    hit = np.zeros(len(o), bool)
    up = parent.copy()
    for _ in range(1000):  # one generation a step, all firms at once
        ok = up >= 0
        if not ok.any():
            break
        hit[ok] |= root[up[ok]]
        up[ok] = parent[up[ok]]
    return float(hit[firms].mean())

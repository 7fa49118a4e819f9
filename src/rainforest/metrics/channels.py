"""Channels of foundings: by which route each new firm came (issue 14, item 8).

The essays name routes — people leaving big firms to found next door (大厂人才外溢),
universities turning research into firms, startups begetting startups, founders trying again.
Which of them carries a place is a result of the mechanisms, not an input, so it is measured
here from a run's organisation table: every startup founded in the reported months, by its
``origin`` (the parent's kind, or ``grassroots`` for ideas from contacts — the first edition's
lottery, or recombinant ideas of people who are not employees when the living network is on),
weighted by the real firms each simulated one stands for. Comebacks (founders whose last
startup failed) cut across origins and are given beside them, from the ``refoundings`` metric.
Intervals are over runs (seeds), the units of the statistics.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: origin codes of startups, in display order, with what each route means
CHANNELS: dict[str, str] = {
    "grassroots": "ideas from contacts or ties, founders not leaving an employer",
    "anchor": "spin-offs from anchor firms",
    "startup": "spin-offs from startups, SMEs and listed firms",
    "facility": "spin-offs from research facilities and labs",
    "university": "university spin-outs (technology transfer)",
}


def channel_counts(res) -> pd.Series:
    """Real foundings in the reported months by channel (one run), plus ``comeback``."""
    o = res.orgs
    # founded as startups; some have grown into SMEs or listed firms since
    grown = o["kind"].isin(["startup", "sme", "listed"])
    new = o[grown & (o["founded"] >= 0) & (o["origin"] != "initial")]
    counts = new.groupby("origin", observed=False)["weight"].sum()
    out = pd.Series({c: float(counts.get(c, 0.0)) for c in CHANNELS})
    out["comeback"] = float(res.metrics["refoundings"].sum())
    return out


def channels(results: Sequence) -> pd.DataFrame:
    """Share of foundings by channel over runs: mean, 5% and 95% quantiles, and the mean
    count a year. ``comeback`` is a share of all foundings too, overlapping the others."""
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
    table = pd.DataFrame(
        {
            "share": shares.mean(),
            "low": shares.quantile(0.05),
            "high": shares.quantile(0.95),
            "per_year": per_year.mean(),
        }
    )
    table.index.name = "channel"
    table["meaning"] = [CHANNELS.get(c, "founders whose last startup failed") for c in table.index]
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

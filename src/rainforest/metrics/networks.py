"""The ecosystem as networks: co-founding, collaboration, spin-out, investment and all together.

Seed 001 calls an innovation district "一个超级连接体…动态演化的网络" (a super-connector, a
dynamically evolving network linking firms of every size, research institutions, founders,
investors and government), and seed 000 names "生態化的連結" (ecological connection) as the third
pillar of Silicon Valley's community. Seed 000 also describes the genealogy that drives
Caohejing's game cluster: "大廠人才外溢-創業團隊孵化-產業叢集壯大" (talent spills out of the large
studios, teams incubate, the cluster grows). This module builds those networks from a
:class:`~rainforest.result.Result` with python-igraph and summarises them:

* **co-founding graph** (people): founders of the same organisation are linked
  (``founding`` and ``cofounder`` events);
* **collaboration graph** (people): the two people whose contact produced an idea (``idea``
  events; a 10% sample of all ideas, see ``docs/CONTRACTS.md``);
* **spin-out graph** (organisations, directed): parent organisation -> spin-out
  (``Result.orgs.parent``);
* **investment graph** (investors and organisations, directed): investor -> organisation
  (``Result.investments``);
* **organisation graph** (undirected, everything together): spin-outs, investments, technology
  transfers (``tech_transfer`` events: source institution -> firm) and serial founders (a
  person's successive organisations), with each vertex's kind and helix sector.

Organisation graphs have one vertex per *ecosystem organisation*: every university, facility
and anchor, every firm founded during the simulation (warm-up included), every organisation
that has a tie, and every investor (investment and organisation graphs). Pre-existing SMEs
without ties and the aggregate employer pools of incumbent and state jobs (weight 0) are left
out, so that the giant-component share measures how much of the *new* economy is linked.

Helix sectors (Etzkowitz & Leydesdorff 2000) classify vertices for bridging ties:
``university`` (universities), ``government`` (state-linked organisations, science
facilities, state funds, the state employer pool) and ``industry`` (everything else). A
bridging tie links two different sectors.

Summaries are computed by igraph: components (giant-component share), global transitivity
(clustering), average shortest-path length in the giant component (exact up to
``exact_paths`` vertices, else estimated from a seeded sample of source vertices), and the
degree distribution.

References
----------
Etzkowitz, H., & Leydesdorff, L. (2000). The dynamics of innovation: from National Systems and
"Mode 2" to a Triple Helix of university-industry-government relations. Research Policy
29(2), 109-123.

Newman, M. E. J. (2003). The structure and function of complex networks. SIAM Review 45(2),
167-256 (transitivity, path length, giant component).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd

UNIVERSITY, INDUSTRY, GOVERNMENT = "university", "industry", "government"
SECTORS = (UNIVERSITY, INDUSTRY, GOVERNMENT)
INSTITUTION_KINDS = ("university", "facility", "anchor")
AGGREGATE_KINDS = ("incumbent", "state")
GRAPHS = ("cofounding", "collaboration", "spinout", "investment", "organisation")
TIES = ("spinout", "investment", "tech_transfer", "founder")
_ALWAYS = -(10**6)  # "since" month of vertices present from the start


def org_sector(kind: pd.Series | np.ndarray, state_linked: pd.Series | np.ndarray) -> np.ndarray:
    """Helix sector of organisations: university, government (state-linked, facility, state
    pool) or industry.

    Parameters
    ----------
    kind
        Organisation kind (``Result.orgs.kind``).
    state_linked
        Whether the organisation is state-linked (``Result.orgs.state_linked``).

    Returns
    -------
    ndarray of str
    """
    k = np.asarray(kind, dtype=str)
    s = np.asarray(state_linked, dtype=bool)
    out = np.full(k.shape, INDUSTRY, dtype=object)
    out[s | (k == "facility") | (k == "state")] = GOVERNMENT
    out[k == "university"] = UNIVERSITY
    return out


def investor_sector(kind: pd.Series | np.ndarray) -> np.ndarray:
    """Helix sector of investors: state funds are government, the rest industry."""
    k = np.asarray(kind, dtype=str)
    return np.where(k == "state", GOVERNMENT, INDUSTRY).astype(object)


def founders(res) -> pd.DataFrame:
    """Every (person, organisation) founding tie: founders and co-founders, with month and region.

    Returns
    -------
    DataFrame
        Columns ``person``, ``org``, ``month``, ``region`` (region of the event), sorted by
        month.
    """
    ev = res.events
    f = ev[ev["kind"].isin(["founding", "cofounder"]) & (ev["person"] >= 0) & (ev["org"] >= 0)]
    out = pd.DataFrame(
        {
            "person": f["person"].to_numpy(np.int64),
            "org": f["org"].to_numpy(np.int64),
            "month": f["month"].to_numpy(np.int64),
            "region": f["region"].astype(str).to_numpy(),
        }
    )
    return out.sort_values(["month", "org"], kind="stable").reset_index(drop=True)


def _person_graph(nodes: pd.DataFrame, edges: pd.DataFrame) -> ig.Graph:
    """Undirected graph of people; ``nodes`` has person, region; edges have a, b (person ids)."""
    ids = nodes["person"].to_numpy(np.int64)
    index = pd.Series(np.arange(len(ids)), index=ids)
    g = ig.Graph(n=len(ids), directed=False)
    g.vs["person"] = ids.tolist()
    g.vs["region"] = nodes["region"].tolist()
    if len(edges):
        a = index.loc[edges["a"].to_numpy()].to_numpy()
        b = index.loc[edges["b"].to_numpy()].to_numpy()
        g.add_edges(np.column_stack([a, b]).tolist())
        g.es["weight"] = edges["weight"].astype(float).tolist()
        g.es["month"] = edges["month"].astype(int).tolist()
    return g


def cofounding_graph(res) -> ig.Graph:
    """People who founded the same organisation, linked (one edge per pair and organisation).

    Vertices carry ``person`` and ``region`` (where they first founded); edges carry
    ``weight`` (shared organisations, after merging) and ``month`` (first co-founding).
    """
    f = founders(res)
    nodes = f.drop_duplicates("person")[["person", "region"]]
    pairs = f.merge(f, on="org", suffixes=("_a", "_b"))
    pairs = pairs[pairs["person_a"] < pairs["person_b"]]
    e = (
        pairs.groupby(["person_a", "person_b"], sort=False)
        .agg(weight=("org", "size"), month=("month_a", "min"))
        .reset_index()
        .rename(columns={"person_a": "a", "person_b": "b"})
    )
    return _person_graph(nodes, e)


def collaboration_graph(res) -> ig.Graph:
    """People whose contact produced an idea, linked (``idea`` events, a 10% sample).

    Edge ``weight`` counts sampled ideas of the pair; ``month`` is the first one.
    """
    ev = res.events
    ideas = ev[(ev["kind"] == "idea") & (ev["person"] >= 0) & (ev["other"] >= 0)]
    ideas = ideas[ideas["person"] != ideas["other"]]
    a = np.minimum(ideas["person"].to_numpy(np.int64), ideas["other"].to_numpy(np.int64))
    b = np.maximum(ideas["person"].to_numpy(np.int64), ideas["other"].to_numpy(np.int64))
    pairs = pd.DataFrame({"a": a, "b": b, "month": ideas["month"].to_numpy(np.int64)})
    e = pairs.groupby(["a", "b"], sort=False).agg(weight=("month", "size"), month=("month", "min"))
    e = e.reset_index()
    region = ideas["region"].astype(str).to_numpy()
    people = pd.concat(
        [
            pd.DataFrame({"person": ideas["person"].to_numpy(np.int64), "region": region}),
            pd.DataFrame({"person": ideas["other"].to_numpy(np.int64), "region": region}),
        ]
    ).drop_duplicates("person")
    return _person_graph(people, e)


@dataclass
class _OrgTies:
    nodes: pd.DataFrame  # vertex table
    edges: pd.DataFrame  # a, b (vertex indices), tie, month, weight


def _org_ties(res) -> _OrgTies:
    """Vertex and tie tables shared by the organisation graphs (cached on the Result)."""
    cache = getattr(res, "_rf_org_ties", None)
    if cache is not None:
        return cache
    o = res.orgs
    inv = res.investors
    n_o = len(o)
    kind = o["kind"].astype(str).to_numpy()
    org_ids = o["org"].to_numpy(np.int64)
    pos = pd.Series(np.arange(n_o), index=org_ids)

    ties = []
    # spin-outs: parent -> child, month = child's founding
    par = o[o["parent"] >= 0]
    par = par[par["parent"].isin(org_ids)]
    ties.append(
        pd.DataFrame(
            {
                "a": pos.loc[par["parent"].to_numpy()].to_numpy(),
                "b": pos.loc[par["org"].to_numpy()].to_numpy(),
                "tie": "spinout",
                "month": par["founded"].to_numpy(np.int64),
                "weight": 1.0,
            }
        )
    )
    # investments: investor -> org
    v = res.investments
    v = v[v["org"].isin(org_ids) & v["investor"].isin(inv["investor"])]
    inv_pos = pd.Series(np.arange(len(inv)) + n_o, index=inv["investor"].to_numpy(np.int64))
    ties.append(
        pd.DataFrame(
            {
                "a": inv_pos.loc[v["investor"].to_numpy()].to_numpy(),
                "b": pos.loc[v["org"].to_numpy()].to_numpy(),
                "tie": "investment",
                "month": v["month"].to_numpy(np.int64),
                "weight": v["amount"].to_numpy(float),
            }
        )
    )
    # technology transfers: source institution -> firm
    ev = res.events
    tt = ev[(ev["kind"] == "tech_transfer") & ev["org"].isin(org_ids) & ev["other"].isin(org_ids)]
    ties.append(
        pd.DataFrame(
            {
                "a": pos.loc[tt["other"].to_numpy()].to_numpy(),
                "b": pos.loc[tt["org"].to_numpy()].to_numpy(),
                "tie": "tech_transfer",
                "month": tt["month"].to_numpy(np.int64),
                "weight": 1.0,
            }
        )
    )
    # serial founders: a person's previous organisation -> the next one
    f = founders(res)
    f = f[f["org"].isin(org_ids)].drop_duplicates(["person", "org"])
    f = f.sort_values(["person", "month"], kind="stable")
    prev = f.groupby("person")["org"].shift(1)
    ser = f[prev.notna()]
    ties.append(
        pd.DataFrame(
            {
                "a": pos.loc[prev[prev.notna()].astype(np.int64).to_numpy()].to_numpy(),
                "b": pos.loc[ser["org"].to_numpy()].to_numpy(),
                "tie": "founder",
                "month": ser["month"].to_numpy(np.int64),
                "weight": 1.0,
            }
        )
    )
    edges = pd.concat(ties, ignore_index=True)
    edges = edges[edges["a"] != edges["b"]].reset_index(drop=True)

    is_inst = np.isin(kind, INSTITUTION_KINDS)
    new_firm = (o["origin"].astype(str).to_numpy() != "initial") & ~is_inst
    new_firm &= ~np.isin(kind, AGGREGATE_KINDS) & (o["weight"].to_numpy() > 0)
    touched = np.zeros(n_o + len(inv), dtype=bool)
    touched[edges["a"].to_numpy()] = True
    touched[edges["b"].to_numpy()] = True
    keep_org = is_inst | new_firm | touched[:n_o]
    keep = np.concatenate([keep_org, np.ones(len(inv), dtype=bool)])

    founded = o["founded"].to_numpy(np.int64)
    always = is_inst | (o["origin"].astype(str).to_numpy() == "initial")
    since_org = np.where(always, _ALWAYS, founded)
    nodes = pd.DataFrame(
        {
            "entity": np.r_[np.full(n_o, "org", dtype=object), np.full(len(inv), "investor")],
            "id": np.r_[org_ids, inv["investor"].to_numpy(np.int64)],
            "kind": np.r_[
                kind.astype(object), ("investor_" + inv["kind"].astype(str)).to_numpy(object)
            ],
            "region": np.r_[
                o["region"].astype(str).to_numpy(object), inv["region"].astype(str).to_numpy(object)
            ],
            "sector": np.r_[org_sector(kind, o["state_linked"]), investor_sector(inv["kind"])],
            "failed": np.r_[
                o["exit"].astype(str).to_numpy() == "failure", np.zeros(len(inv), dtype=bool)
            ],
            "founded": np.r_[founded, np.full(len(inv), _ALWAYS)],
            "since": np.r_[since_org, np.full(len(inv), _ALWAYS)],
            "weight": np.r_[o["weight"].to_numpy(float), np.ones(len(inv))],
            "keep": keep,
        }
    )
    out = _OrgTies(nodes, edges)
    with contextlib.suppress(AttributeError, TypeError):  # a frozen container: no cache
        object.__setattr__(res, "_rf_org_ties", out)
    return out


def _org_graph(
    res, ties: tuple[str, ...], directed: bool, until_month: int | None, investors: bool
) -> ig.Graph:
    t = _org_ties(res)
    nodes, edges = t.nodes, t.edges
    edges = edges[edges["tie"].isin(ties)]
    keep = nodes["keep"].to_numpy().copy()
    if not investors:
        keep &= nodes["entity"].to_numpy() == "org"
    if until_month is not None:
        edges = edges[edges["month"] <= until_month]
        keep &= nodes["since"].to_numpy() <= until_month
    idx = np.flatnonzero(keep)
    remap = np.full(len(nodes), -1, dtype=np.int64)
    remap[idx] = np.arange(len(idx))
    a = remap[edges["a"].to_numpy()]
    b = remap[edges["b"].to_numpy()]
    ok = (a >= 0) & (b >= 0)
    g = ig.Graph(n=len(idx), directed=directed)
    sub = nodes.iloc[idx]
    for col in ("entity", "id", "kind", "region", "sector", "failed", "founded", "weight"):
        g.vs[col] = sub[col].tolist()
    if ok.any():
        g.add_edges(np.column_stack([a[ok], b[ok]]).tolist())
        e = edges[ok]
        g.es["tie"] = e["tie"].tolist()
        g.es["month"] = e["month"].astype(int).tolist()
        g.es["weight"] = e["weight"].astype(float).tolist()
    return g


def spinout_graph(res, until_month: int | None = None) -> ig.Graph:
    """Directed parent -> spin-out graph over ecosystem organisations (no investors)."""
    return _org_graph(res, ("spinout",), True, until_month, investors=False)


def investment_graph(res, until_month: int | None = None) -> ig.Graph:
    """Directed investor -> organisation graph; edge ``weight`` is the round's amount."""
    g = _org_graph(res, ("investment",), True, until_month, investors=True)
    return g


def organisation_graph(res, until_month: int | None = None) -> ig.Graph:
    """Undirected graph of every organisation tie: spin-out, investment, technology transfer,
    serial founder; parallel ties are kept (edge attribute ``tie``).

    Parameters
    ----------
    res : Result
        A finished run.
    until_month
        Keep only ties formed, and firms founded, up to this month (default: all).
    """
    return _org_graph(res, TIES, False, until_month, investors=True)


def average_path_length(
    g: ig.Graph, exact_paths: int = 3000, samples: int = 64, seed: int = 0
) -> float:
    """Mean shortest-path length inside the giant component (undirected).

    Exact (igraph ``average_path_length``) when the giant component has at most
    ``exact_paths`` vertices; otherwise the mean over breadth-first searches (igraph
    ``distances``) from ``samples`` source vertices drawn with ``seed`` — an unbiased estimate
    of the same mean.

    Returns
    -------
    float
        NaN when the giant component has fewer than two vertices.
    """
    if g.vcount() < 2:
        return float("nan")
    giant = g.connected_components(mode="weak").giant()
    n = giant.vcount()
    if n < 2:
        return float("nan")
    if n <= exact_paths:
        return float(giant.average_path_length(directed=False))
    rng = np.random.default_rng(seed)
    src = rng.choice(n, size=min(samples, n), replace=False).tolist()
    d = np.asarray(giant.distances(source=src, mode="all"), dtype=float)
    return float(d.sum() / (len(src) * (n - 1)))


def simple(g: ig.Graph) -> ig.Graph:
    """An undirected copy with parallel ties merged and loops removed (distinct ties)."""
    out = g.copy().as_undirected() if g.is_directed() else g.copy()
    out.simplify(multiple=True, loops=True)
    return out


def bridging(g: ig.Graph) -> pd.DataFrame:
    """Distinct ties by pair of helix sectors (university, industry, government).

    Returns
    -------
    DataFrame
        One row per unordered sector pair: ``pair`` (e.g. ``"industry-university"``),
        ``ties``, ``share`` and ``bridging`` (the two sectors differ).
    """
    if g.ecount() == 0 or "sector" not in g.vs.attributes():
        return pd.DataFrame(columns=["pair", "ties", "share", "bridging"])
    g = simple(g)
    el = np.asarray(g.get_edgelist())
    sec = np.asarray(g.vs["sector"], dtype=object)
    s1, s2 = sec[el[:, 0]], sec[el[:, 1]]
    lo = np.where(s1 <= s2, s1, s2)
    hi = np.where(s1 <= s2, s2, s1)
    pair = pd.Series(lo + "-" + hi)
    counts = pair.value_counts()
    out = pd.DataFrame({"pair": counts.index, "ties": counts.to_numpy()})
    out["share"] = out["ties"] / out["ties"].sum()
    out["bridging"] = [a != b for a, b in (p.split("-") for p in out["pair"])]
    return out.sort_values("pair").reset_index(drop=True)


def degree_distribution(g: ig.Graph) -> pd.DataFrame:
    """Number of vertices by degree (distinct neighbours): ``degree``, ``vertices``, ``share``."""
    deg = np.asarray(simple(g).degree(), dtype=np.int64)
    counts = np.bincount(deg) if len(deg) else np.zeros(0, np.int64)
    nz = np.flatnonzero(counts)
    out = pd.DataFrame({"degree": nz, "vertices": counts[nz]})
    out["share"] = out["vertices"] / max(len(deg), 1)
    return out


def summarise(g: ig.Graph, exact_paths: int = 3000, seed: int = 0) -> dict[str, float]:
    """Size, giant component, clustering, path length, degree and bridging of one graph.

    Returns
    -------
    dict
        ``nodes``, ``edges`` (distinct vertex pairs), ``components``, ``giant_share``
        (vertices in the largest weakly connected component / all), ``transitivity`` (global
        clustering coefficient, undirected, parallel edges merged), ``avg_path_length``
        (giant component, see :func:`average_path_length`), ``mean_degree``, ``max_degree``,
        ``bridging_share`` (ties between different helix sectors; NaN for people graphs) and
        ``cross_region_share`` (ties between regions).
    """
    n = g.vcount()
    sg = simple(g)
    out: dict[str, float] = {"nodes": float(n), "edges": float(sg.ecount())}
    if n == 0:
        out.update(
            components=0.0,
            giant_share=float("nan"),
            transitivity=float("nan"),
            avg_path_length=float("nan"),
            mean_degree=float("nan"),
            max_degree=float("nan"),
            bridging_share=float("nan"),
            cross_region_share=float("nan"),
        )
        return out
    comps = sg.connected_components()
    sizes = np.asarray(comps.sizes())
    deg = np.asarray(sg.degree())
    out["components"] = float(len(sizes))
    out["giant_share"] = float(sizes.max() / n)
    out["transitivity"] = float(sg.transitivity_undirected(mode="zero"))
    out["avg_path_length"] = average_path_length(sg, exact_paths=exact_paths, seed=seed)
    out["mean_degree"] = float(deg.mean())
    out["max_degree"] = float(deg.max())
    if sg.ecount() and "sector" in sg.vs.attributes():
        b = bridging(sg)
        out["bridging_share"] = float(b.loc[b["bridging"], "ties"].sum() / b["ties"].sum())
    else:
        out["bridging_share"] = float("nan")
    if sg.ecount() and "region" in sg.vs.attributes():
        el = np.asarray(sg.get_edgelist())
        reg = np.asarray(sg.vs["region"], dtype=object)
        out["cross_region_share"] = float((reg[el[:, 0]] != reg[el[:, 1]]).mean())
    else:
        out["cross_region_share"] = float("nan")
    return out


def build_graphs(res, until_month: int | None = None) -> dict[str, ig.Graph]:
    """All five graphs of a run, keyed by :data:`GRAPHS` names."""
    return {
        "cofounding": cofounding_graph(res),
        "collaboration": collaboration_graph(res),
        "spinout": spinout_graph(res, until_month),
        "investment": investment_graph(res, until_month),
        "organisation": organisation_graph(res, until_month),
    }


def _region_subgraph(g: ig.Graph, region: str) -> ig.Graph:
    return g.induced_subgraph(np.flatnonzero(np.asarray(g.vs["region"]) == region).tolist())


def network_summary(
    res, by_region: bool = True, exact_paths: int = 3000, seed: int = 0
) -> pd.DataFrame:
    """Summary (:func:`summarise`) of every graph, for the whole run and per region.

    Per-region rows use the subgraph induced by the region's vertices (ties to other regions
    drop out; they are counted by ``cross_region_share`` on the ``"all"`` rows).

    Returns
    -------
    DataFrame
        One row per (graph, region) with the columns of :func:`summarise`.
    """
    rows = []
    regions = list(res.meta.get("regions", [])) if by_region else []
    for name, g in build_graphs(res).items():
        rows.append({"graph": name, "region": "all", **summarise(g, exact_paths, seed)})
        for r in regions:
            sub = _region_subgraph(g, r)
            rows.append({"graph": name, "region": r, **summarise(sub, exact_paths, seed)})
    return pd.DataFrame(rows)


def connection(res, until_month: int | None = None) -> pd.Series:
    """Giant-component share of each region's organisation graph (the trio's "connection").

    Parameters
    ----------
    res : Result
        A finished run.
    until_month
        Ties and firms up to this month (default: the end of the run).

    Returns
    -------
    Series
        Indexed by region, plus ``"all"`` for the whole graph (ties across regions included).
    """
    end = int(res.metrics["month"].max()) if until_month is None else int(until_month)
    return connection_over_time(res, [end]).iloc[0].rename("connection")


def connection_over_time(res, months: list[int]) -> pd.DataFrame:
    """:func:`connection` at several months, building only the bare graph each time.

    Returns
    -------
    DataFrame
        Index month, columns ``"all"`` and each region.
    """
    t = _org_ties(res)
    nodes, edges = t.nodes, t.edges
    keep = nodes["keep"].to_numpy()
    since = nodes["since"].to_numpy()
    region = nodes["region"].to_numpy()
    a, b, month = (edges[c].to_numpy() for c in ("a", "b", "month"))
    regions = list(res.meta.get("regions", []))
    rows = {}
    for m in months:
        vmask = keep & (since <= m)
        idx = np.flatnonzero(vmask)
        remap = np.full(len(nodes), -1, dtype=np.int64)
        remap[idx] = np.arange(len(idx))
        ok = (month <= m) & vmask[a] & vmask[b]
        g = ig.Graph(n=len(idx), edges=np.column_stack([remap[a[ok]], remap[b[ok]]]).tolist())
        row = {
            "all": float(max(g.connected_components().sizes()) / len(idx))
            if len(idx)
            else float("nan")
        }
        reg = region[idx]
        for r in regions:
            sub = np.flatnonzero(reg == r)
            if len(sub) == 0:
                row[r] = float("nan")
                continue
            sizes = g.induced_subgraph(sub.tolist()).connected_components().sizes()
            row[r] = float(max(sizes) / len(sub))
        rows[int(m)] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "month"
    return out


def _institution_names(res) -> dict[int, str]:
    """Scenario names of universities, facilities and anchors by org id (build order)."""
    o = res.orgs
    names: dict[int, str] = {}
    for r, reg in res.scenario.regions.items():
        for kind, items in (
            ("university", reg.universities),
            ("facility", reg.facilities),
            ("anchor", reg.anchors),
        ):
            ids = o.loc[(o["region"].astype(str) == r) & (o["kind"].astype(str) == kind), "org"]
            ids = np.sort(ids.to_numpy())
            if len(ids) == len(items):
                names.update({int(i): item.name for i, item in zip(ids, items, strict=True)})
    return names


def family_trees(res) -> pd.DataFrame:
    """Spin-off family tree of every university, facility and anchor ("大廠人才外溢").

    Descendants are all organisations reachable from the root by parent -> spin-out links
    (children, grandchildren ...), whatever region they moved to.

    Returns
    -------
    DataFrame
        One row per root: ``org``, ``name`` (from the scenario), ``kind``, ``region``,
        ``children`` (first generation), ``descendants`` (all generations; simulated
        organisations), ``descendants_real`` (real organisations they stand for), ``depth``
        (generations), ``alive_share`` (real-weighted share of descendants not failed),
        ``exits`` (IPOs and acquisitions among descendants, real-weighted) and ``unicorns``.
    """
    o = res.orgs.set_index("org")
    g = spinout_graph(res)
    ids = np.asarray(g.vs["id"], dtype=np.int64)
    kinds = np.asarray(g.vs["kind"], dtype=object)
    names = _institution_names(res)
    rows = []
    for v in np.flatnonzero(np.isin(kinds, INSTITUTION_KINDS)):
        order, layers, _ = g.bfs(int(v), mode="out")
        desc = np.asarray(order[1:], dtype=np.int64)
        depth = len(layers) - 2  # layers holds start offsets plus the end
        org = int(ids[v])
        row = {
            "org": org,
            "name": names.get(org, f"{kinds[v]} {org}"),
            "kind": kinds[v],
            "region": str(o.at[org, "region"]),
            "children": int(g.outdegree(int(v))),
            "descendants": len(desc),
            "descendants_real": 0.0,
            "depth": max(depth, 0),
            "alive_share": float("nan"),
            "exits": 0.0,
            "unicorns": 0.0,
        }
        if len(desc):
            d = o.loc[ids[desc]]
            w = d["weight"].to_numpy(float)
            exit_ = d["exit"].astype(str).to_numpy()
            row["descendants_real"] = float(w.sum())
            row["alive_share"] = float(w[exit_ != "failure"].sum() / w.sum())
            row["exits"] = float(w[np.isin(exit_, ["ipo", "acquisition"])].sum())
            row["unicorns"] = float(w[d["unicorn"].to_numpy(bool)].sum())
        rows.append(row)
    cols = [
        "org",
        "name",
        "kind",
        "region",
        "children",
        "descendants",
        "descendants_real",
        "depth",
        "alive_share",
        "exits",
        "unicorns",
    ]
    return pd.DataFrame(rows, columns=cols)

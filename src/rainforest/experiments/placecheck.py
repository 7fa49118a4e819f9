"""Model vs public data, place by place: levels (scale-free), fitted or held out, and the
direction of ten-year change against history.

Why: a calibrated model is only worth what it predicts. This table sets every mappable public
figure (:func:`rainforest.experiments.joint.build_targets`) beside the model's value with a 90%
interval over seeds, says how far off it is (model / data) and whether the figure was fitted,
held out (a prediction) or set by a per-place input (it proves nothing), and adds, where the
data show one, whether output, the firm stock and the workforce moved the same way over ten
simulated years as they did in history.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rainforest.data import COUNTRY_OF, load_statistics
from rainforest.experiments.history import direction, history
from rainforest.experiments.joint import (
    DEAL_MOMENTS,
    DEFAULT_HOLDOUT,
    DEFAULT_PLACES,
    DIRECTION_MOMENTS,
    FITTED_PATH,
    INPUT_SET,
    PARTLY_INPUT,
    POOLED,
    _pooled_counts,
    build_targets,
    check_min_people,
    load_fitted,
    place_moments,
    place_scale,
    place_scenario,
    target_key,
    target_table,
)
from rainforest.metrics import rounds as rd
from rainforest.metrics.bands import SHARE, run_band

#: Places checked by default: the fitted and held-out ones, and others with growth history.
VALIDATE_PLACES = (*DEFAULT_PLACES, *DEFAULT_HOLDOUT, "nanjing", "eindhoven", "kendall-square")


@dataclass
class PlaceValidation:
    """Result of :func:`validate_places`."""

    levels: pd.DataFrame
    directions: pd.DataFrame
    meta: dict[str, Any]
    venture: pd.DataFrame = dataclass_field(default_factory=pd.DataFrame)
    """Round sizes beside published deal figures (:func:`venture_table`), each with the role the
    fit gave it (most are predictions)."""

    def summary(self) -> pd.DataFrame:
        """Per role: targets, within 2x, RMS standardised error; then the round sizes (within
        2x) and the directions of change (matching history)."""
        rows = []
        for role, t in self.levels.groupby("role", sort=False):
            f = t["within_2x"].dropna()
            rows.append(
                {
                    "role": role,
                    "n": len(t),
                    "within_2x": f"{int(f.sum())}/{len(f)}",
                    "rms_z": float(np.sqrt(np.mean(np.square(t["z"])))),
                    "median_abs_z": float(np.median(np.abs(t["z"]))),
                }
            )
        for role, g in (  # round sizes, by the role the fit gave them
            self.venture.groupby("role", sort=False) if not self.venture.empty else ()
        ):
            f = g["within_2x"].dropna()
            rows.append(
                {
                    "role": f"venture rounds ({'predictions' if role == 'not in fit' else role})",
                    "n": len(g),
                    "within_2x": f"{int(f.sum())}/{len(f)}",
                    "rms_z": math.nan,
                    "median_abs_z": math.nan,
                }
            )
        d = self.directions[self.directions["history"] != "no data"]
        rows.append(
            {
                "role": "direction vs history",
                "n": len(d),
                "within_2x": f"{int(d['match'].sum())}/{len(d)} match",
                "rms_z": math.nan,
                "median_abs_z": math.nan,
            }
        )
        for role, g in d.groupby("role", sort=False):
            rows.append(
                {
                    "role": f"  of which {role}",
                    "n": len(g),
                    "within_2x": f"{int(g['match'].sum())}/{len(g)} match",
                    "rms_z": math.nan,
                    "median_abs_z": math.nan,
                }
            )
        return pd.DataFrame(rows)


def _key(x: dict) -> str:
    """:func:`target_key` of a target in a fit's JSON report (years as numbers or NaN)."""
    y = x.get("year")
    return target_key(
        x["place"], x["moment"], int(y) if isinstance(y, int | float) and math.isfinite(y) else None
    )


def validate_places(
    places: Sequence[str] = VALIDATE_PLACES,
    fitted: str | Path | None = FITTED_PATH,
    seeds: Sequence[int] = (0, 1),
    scale: float = 40.0,
    years: int = 10,
    progress: Callable[[int, int], None] | None = None,
    min_people: float = 0.0,
) -> PlaceValidation:
    """Run each place ``years`` years per seed and set it beside its public figures.

    Parameters
    ----------
    places
        One-region presets with statistics.
    fitted
        A fit TOML (:func:`rainforest.experiments.joint.apply_fitted`); None for the presets'
        own values. The fit's JSON report beside it says which places and figures were fitted.
    seeds
        Seeds (runs are the units of the intervals).
    scale
        Population scale.
    years
        Reported years (levels are measured on the whole run; directions compare its last
        year with its first).
    progress
        ``progress(done_runs, total_runs)``.
    min_people
        Least simulated people a place runs with: a smaller place runs at a finer scale
        (:func:`rainforest.experiments.joint.place_scale`); 0 runs every place at ``scale``.

    Returns
    -------
    PlaceValidation
        ``levels``: one row per public figure (place, moment, year, data, model mean and 5-95%
        over seeds, factor = model / data, within 2x, z, role: fit / held out / input / not in
        fit). ``directions``: per place and quantity (output, firm stock, workforce: the people
        of the run's first and last month), the model's ten-year change (mean and
        range over seeds), its direction, history's direction and evidence, and whether they
        match.
    """
    from rainforest.api import simulate

    check_min_people(min_people)  # before any run
    values: dict[str, Any] = {}
    fit_places, fit_holdout = tuple(DEFAULT_PLACES), tuple(DEFAULT_HOLDOUT)
    pooled_seen: set[str] | None = None  # the pooled moments the fit's runs measured
    directions_seen: set[tuple[str, str]] | None = None  # (moment, place) the fit targeted
    fit_years: int | None = None  # the fit's run length (long fits fit the funded shares)
    saw: dict[str, str] = {}  # target key -> the role the fit's own report gives it
    provenance = "the presets' own values (no fit applied)"
    if fitted is not None:
        values, sources = load_fitted(fitted)
        provenance = next(iter(sources.values()), provenance)
        report = Path(fitted).with_suffix(".json")
        if report.exists():
            info = json.loads(report.read_text(encoding="utf-8"))
            fit_places, fit_holdout = tuple(info["places"]), tuple(info["holdout"])
            fit_years = int(info.get("budget", {}).get("years", 0)) or None
            if "targets" in info:
                saw = {_key(x): x["role"] for x in info["targets"]}
                pooled_seen = {x["moment"] for x in info["targets"] if x["place"] == "all"}
                directions_seen = {
                    (x["moment"], x["place"])
                    for x in info["targets"]
                    if x["moment"] in DIRECTION_MOMENTS.values()
                }
    stats = load_statistics()
    # roles as the fit saw them; places outside the fit, and pooled moments its runs were too
    # short to measure (survival to 5 and 10 years in a five-year fit), are "not in fit"
    roles = {
        t.key: t.role
        for t in build_targets(fit_places, fit_holdout, stats=stats, years=fit_years)
        if (pooled_seen is None or t.place != "all" or t.moment in pooled_seen)
        and (
            directions_seen is None
            or t.moment not in DIRECTION_MOMENTS.values()
            or (t.moment, t.place) in directions_seen
        )
    }
    if saw:  # a figure the fit's report lacks was not fitted by it: a prediction at most
        roles = {k: ("held out" if r == "fit" and k not in saw else r) for k, r in roles.items()}
    roles.update(saw)  # what the fit did, even where the target rules changed since
    targets = build_targets(places, (), stats=stats)
    targets = [
        t.__class__(**{**t.__dict__, "role": roles.get(t.key, _outside(t))}) for t in targets
    ]
    # deal statistics are shown in the venture table (run by run), with the fit's role
    deal_role = {
        (*DEAL_MOMENTS[t.moment], t.year, round(t.value, 9)): t.role
        for t in targets
        if t.moment in DEAL_MOMENTS
    }
    targets = [t for t in targets if t.moment not in DEAL_MOMENTS]
    # directions are shown in their own table, with the role the fit gave them
    quantity_of = {v: k for k, v in DIRECTION_MOMENTS.items()}
    direction_role = {
        (t.place, quantity_of[t.moment]): t.role for t in targets if t.moment in quantity_of
    }
    targets = [t for t in targets if t.moment not in quantity_of]
    rows, dirs = [], []
    by_run: dict[str, dict[int, pd.DataFrame]] = {}  # place -> seed -> its rounds
    surv = np.zeros((len(POOLED), 2))
    total, done = len(places) * len(seeds), 0
    for place in places:
        sc = place_scenario(place, values)
        k = place_scale(sc, scale, min_people)
        change: dict[str, list[float]] = {"output": [], "firm stock": [], "workforce": []}
        for seed in seeds:
            r = simulate(sc, years=years, seed=seed, scale=k, network_measures=False)
            row, m = place_moments(r, place, seed)
            rows.append(row)
            by_run.setdefault(place, {})[seed] = rd.rounds(r)
            surv += _pooled_counts(r, place)
            out0, out1 = float(m["output"].iloc[:12].sum()), float(m["output"].iloc[-12:].sum())
            change["output"].append(out1 / out0 - 1 if out0 > 0 else math.nan)
            for q, moment in DIRECTION_MOMENTS.items():  # the fit's direction moments
                change[q].append(row[moment])
            done += 1
            if progress:
                progress(done, total)
        hist = history(stats, place)
        for q, ch in change.items():
            v = np.array(ch)
            h, evidence, _ = hist.get(q, ("no data", "", None))
            md = direction(float(np.nanmean(v)))
            band = run_band(v)
            dirs.append(
                {
                    "place": place,
                    "quantity": q,
                    "model_change": float(np.nanmean(v)),
                    # where a single run lands (few runs: a t prediction interval)
                    "model_lo": band[0],
                    "model_hi": band[1],
                    "model": md,
                    "history": h,
                    "evidence": evidence,
                    "match": (md == h) if h != "no data" else None,
                    # output's direction is never a target of the fit
                    "role": "" if h == "no data" else direction_role.get((place, q), "not in fit"),
                }
            )
    runs = pd.DataFrame(rows)
    levels = target_table(targets, runs, surv)
    levels["note"] = [INPUT_SET.get(m, PARTLY_INPUT.get(m, "")) for m in levels["moment"]]
    return PlaceValidation(
        levels=levels,
        directions=pd.DataFrame(dirs),
        venture=venture_table(by_run, stats, deal_role),
        meta={
            "places": list(places),
            "seeds": list(seeds),
            "scale": scale,
            "min_people": min_people,
            "years": years,
            "values": values,
            "provenance": provenance,
            "fit_places": list(fit_places),
            "fit_holdout": list(fit_holdout),
        },
    )


def venture_table(
    by_run: dict[str, dict[int, pd.DataFrame]],
    stats: pd.DataFrame,
    roles: dict[tuple, str] | None = None,
) -> pd.DataFrame:
    """The runs' round sizes beside the published deal figures, run by run.

    A national figure (``china``, ``united-states``) is set against the rounds of the places
    of that country (``data.COUNTRY_OF``) pooled in each run's seed, a ``world`` figure against
    all places' rounds, and a place's own AI funding over its AI deals (same year) against its
    AI rounds. Each seed's pooled rounds give one value; the table has their mean and where one
    run lands ([90%], :func:`run_band`). ``roles``: (place, measure, year, value rounded to 9
    digits) -> the role a fit gave the figure (``joint.DEAL_MOMENTS``); a figure not there is a
    prediction of capital by need and traction (issue 15 item 6), role ``not in fit``.
    ``by_run``: place -> seed -> :func:`rainforest.metrics.rounds.rounds` of that run."""
    roles = roles or {}
    cols = ["scope", "measure", "label", "year", "data", "model", "model_lo", "model_hi",
            "factor", "within_2x", "places", "rounds", "role", "source", "note"]  # fmt: skip
    seeds = sorted({s for runs in by_run.values() for s in runs})
    out = []

    def add(scope, measure, label, year, data, places, stat, source, note):
        per_seed, n = [], 0
        for s in seeds:
            pool = [by_run[p][s] for p in places if s in by_run.get(p, {})]
            r = pd.concat(pool, ignore_index=True) if pool else pd.DataFrame()
            n += len(r)
            per_seed.append(stat(r) if len(r) else math.nan)
        v = np.array(per_seed, float)
        model = float(np.nanmean(v)) if np.isfinite(v).any() else math.nan
        share = measure.endswith("_share")  # a share in [0, 1]; a size is log-normal
        lo, hi = run_band(v, positive=not share, within=SHARE if share else None)
        factor = model / data if data > 0 and math.isfinite(model) else math.nan
        out.append({
            "scope": scope, "measure": measure, "label": label, "year": year, "data": data,
            "model": model, "model_lo": lo, "model_hi": hi, "factor": factor,
            "within_2x": (0.5 <= factor <= 2.0) if math.isfinite(factor) else None,
            "places": ", ".join(places), "rounds": n,
            "role": roles.get((scope, measure, year, round(data, 9)), "not in fit"),
            "source": source, "note": note,
        })  # fmt: skip

    ran = list(by_run)
    for row in stats.itertuples(index=False):
        if row.measure not in rd.STATS:
            continue
        mine = [p for p in ran if COUNTRY_OF.get(p) == row.place]
        places = ran if row.place == "world" else mine
        if not places:
            continue
        label, stat, note = rd.STATS[row.measure]
        year = int(row.year) if pd.notna(row.year) else None
        add(row.place, row.measure, label, year, rd.usd(float(row.value), str(row.unit)), places,
            stat, str(row.publisher), note)  # fmt: skip
    ai = stats[stats["measure"].isin(["ai_vc_value", "ai_vc_deals"])]
    for (place, year), g in ai.groupby(["place", "year"]):
        if place not in by_run or set(g["measure"]) != {"ai_vc_value", "ai_vc_deals"}:
            continue
        value = g[g["measure"] == "ai_vc_value"].iloc[0]
        deals = float(g.loc[g["measure"] == "ai_vc_deals", "value"].iloc[0])
        if deals <= 0:
            continue
        label, stat, _ = rd.STATS["ai_vc_avg_deal"]
        add(place, "ai_vc_avg_deal", label, int(year), rd.usd(float(value["value"]),
            str(value["unit"])) / deals, [place], stat, str(value["publisher"]),
            "its AI funding over its AI deals, same year")  # fmt: skip
    return pd.DataFrame(out, columns=cols)


def _outside(t: Any) -> str:
    return "input" if t.moment in INPUT_SET else "not in fit"


__all__ = ["VALIDATE_PLACES", "PlaceValidation", "validate_places", "venture_table"]

"""Shared fixtures: small scenarios built in code, and a helper to run many seeds."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from rainforest.api import simulate
from rainforest.scenario import FIRST_EDITION, SECOND_EDITION, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "two-districts.toml"


def base_region(**over) -> dict:
    """One mid-sized district with every institution kind, easy to modify in tests."""
    reg = {
        "area_km2": 5.0,
        "population": 40000,
        "under35_share": 0.6,
        "third_places_per_km2": 30,
        "domain_mix": {"ai_software": 3, "biomedicine": 1, "games": 1, "ecommerce": 1},
        "culture": {"failure_tolerance": 0.6, "risk_appetite": 0.55, "belief": 0.6},
        "policy": {"service_latency_days": 30},
        "universities": [
            {
                "name": "U",
                "graduates_per_year": 3000,
                "patents_per_year": 400,
                "conversion_rate": 0.3,
            }
        ],
        "anchors": [
            {
                "name": "A",
                "domain": "ai_software",
                "employees": 6000,
                "spinout_rate": 0.001,
                "platform_services": 0.3,
                "local_demand": 0.2,
            }
        ],
        "investors": [
            {
                "kind": "angel",
                "count": 30,
                "dry_powder": 30,
                "patience": 48,
                "stage_preference": {"seed": 1.0, "early": 0.3, "late": 0.0},
                "risk_appetite": 0.7,
            },
            {"kind": "vc", "count": 4, "dry_powder": 600, "patience": 36, "risk_appetite": 0.5},
        ],
    }
    reg.update(over)
    return reg


def scenario(regions: dict | None = None, **top) -> dict:
    """A scenario dict (validated when used)."""
    data = {
        "name": "test",
        "years": 5,
        "warmup_years": 1,
        "scale": 10,
        "regions": regions or {"district": base_region()},
        # a higher idea rate than the calibrated default, so small test districts produce
        # enough startups for statistical tests of direction
        "mechanisms": {"ideas": {"base_probability": 2e-5}},
    }
    data.update(top)
    return data


def deep_set(data: dict, path: str, value) -> dict:
    """A copy of ``data`` with ``value`` at dotted ``path`` (list items by index)."""
    out = copy.deepcopy(data)
    node = out
    parts = path.split(".")
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node.setdefault(p, {})
    node[parts[-1]] = value
    return out


def first_edition(data: dict) -> dict:
    """A copy of scenario dict ``data`` run by the first edition (every path of
    :data:`rainforest.scenario.FIRST_EDITION` set), for tests of the first edition's
    mechanisms, which the second edition replaces or bypasses. Explicit, so that a test keeps
    its edition whichever the schema's default is."""
    for path, value in FIRST_EDITION.items():
        data = deep_set(data, path, value)
    return data


def second_edition(data: dict) -> dict:
    """A copy of scenario dict ``data`` run by the calibrated second edition: the switches of
    :data:`rainforest.scenario.SECOND_EDITION` on and the shipped fit's values set (what
    ``rainforest.experiments.joint.apply_fitted`` puts on a Scenario), whichever the schema's
    default is."""
    from rainforest.experiments.joint import load_fitted

    values, _ = load_fitted()
    for path, value in {**SECOND_EDITION, **values}.items():
        data = deep_set(data, path, value)
    return data


#: The editions by name, for tests parametrized over both (``EDITIONS[name](data)``).
EDITIONS = {"first": first_edition, "second": second_edition}


def totals_over_seeds(data: dict, seeds, years: int = 5, scale: float | None = None):
    """Per-seed totals (region summed) of a scenario: a DataFrame, one row per seed."""
    import pandas as pd

    sc = scenario_from_dict(data)
    rows = []
    for s in seeds:
        res = simulate(sc, years=years, seed=int(s), scale=scale)
        tot = res.totals().sum(numeric_only=True)
        tot["seed"] = s
        orgs = res.orgs
        born = orgs[(orgs.founded >= 0) & orgs.kind.isin(["startup", "sme", "listed"])]
        T = res.meta["months"]
        for age in (12, 36):
            coh = born[born.founded <= T - 1 - age]
            dead = (coh.exit == "failure") & (coh.exit_month - coh.founded < age)
            tot[f"survival_{age}"] = float((~dead).mean()) if len(coh) else np.nan
        # failures a firm-year before the age of three, of every firm born in the run and of
        # those that raised a round: a hazard, so it does not move with the number of foundings
        end = np.where(born.exit_month >= 0, born.exit_month, T)
        years_at_risk = np.clip(end - born.founded.to_numpy(), 0, 36) / 12.0
        young_fail = ((born.exit == "failure") & (born.exit_month - born.founded < 36)).to_numpy()
        funded = (born.rounds >= 1).to_numpy()
        for key, m in (("hazard_3y", np.ones(len(born), bool)), ("hazard_3y_funded", funded)):
            at_risk = years_at_risk[m].sum()
            tot[key] = young_fail[m].sum() / at_risk if at_risk > 0 else np.nan
        # either edition's ideas (the other edition's column stays 0)
        ideas = res.metrics.ideas.sum() + res.metrics.recombinant_ideas.sum()
        tot["ideas_per_person_month"] = ideas / res.metrics.people.sum()
        rows.append(tot)
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def example_result():
    """One small run of the bundled example, shared by read-only tests."""
    return simulate(EXAMPLE, years=3, seed=7)


@pytest.fixture(scope="session", autouse=True)
def private_run_store(tmp_path_factory):
    """Every test's default run store is a temporary file, never the user's own store in
    their home folder (commands store runs by default); language is English unless a test
    asks otherwise."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAINFOREST_STORE", str(tmp_path_factory.mktemp("store") / "runs.duckdb"))
        mp.delenv("RAINFOREST_LANG", raising=False)
        yield


def assert_scale_free(data: dict, flows: list[str], years: int = 4) -> None:
    """Expected flows in real units, and the people, agree at population scale 5 (6 seeds)
    and 20 (18 seeds): within 4 standard errors or 5%, people within 2%."""
    import numpy as np

    fine = totals_over_seeds(data, range(6), years=years, scale=5)
    coarse = totals_over_seeds(data, range(100, 118), years=years, scale=20)
    for col in flows:
        m1, m2 = fine[col].mean(), coarse[col].mean()
        se = np.sqrt(fine[col].var() / len(fine) + coarse[col].var() / len(coarse))
        assert abs(m1 - m2) < max(4 * se, 0.05 * m1), (col, m1, m2, se)
    stocks = fine["people"].mean(), coarse["people"].mean()
    assert abs(stocks[0] - stocks[1]) / stocks[0] < 0.02

"""A plug-in mechanism in one file: a talent visa that brings people into every region.

This is the worked example of ``docs/mechanisms.md``. It declares everything the engine, the
reports and the checks need — a parameter section with units, a metric, one hook and where it
goes in the month — and registers itself; nothing in the package is edited::

    import rainforest as rf
    from talent_visa import TALENT_VISA
    from rainforest.mechanisms import registered

    with registered(TALENT_VISA):
        sc = rf.load_scenario("hangzhou")
        sc = rf.scenario.with_values(sc, {"mechanisms.talent_visa.quota_per_year": 2000})
        res = rf.simulate(sc, years=3, seed=1)
        print(res.metrics[["month", "region", "visa_arrivals", "people"]].tail())

How it works: each month a region grants ``quota_per_year / 12`` visas; visa holders join the
region's labour force (its target size rises, and the labour market's newcomers fill it later
in the month), and the grants are counted in ``visa_arrivals``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rainforest.mechanisms import Hook, Mechanism
from rainforest.registry import Metric
from rainforest.state import accounts


class TalentVisa(BaseModel):
    """Parameters of the talent visa (``mechanisms.talent_visa`` in a scenario)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quota_per_year: float = Field(
        0.0,
        ge=0.0,
        description="Visas granted per region and year; 0 switches the visa off.",
        json_schema_extra={"unit": "people/year"},
    )


def grant(eng) -> None:
    """This month's visas: each region's labour force target rises by its grants."""
    quota = eng.sc.mechanisms.talent_visa.quota_per_year
    if quota <= 0:
        return
    granted = quota / 12.0 / eng.scale  # simulated people (one stands for ``scale``)
    eng.w.pop_target[:] += granted
    eng.acc[:, accounts.accounts().index("visa_arrivals")] += granted


TALENT_VISA = Mechanism(
    code="talent_visa",
    name="talent_visa",
    title="A talent visa: people granted visas join each region's labour force",
    module=__name__,
    params=("mechanisms.talent_visa",),
    metrics=("visa_arrivals",),
    new_metrics=(
        Metric(
            "visa_arrivals",
            "flow",
            "people/month",
            "Visa arrivals",
            "talent_visa",
            "People arriving on a talent visa.",
            label_zh="人才签证入境",
        ),
    ),
    hooks=(Hook("talent_visa.grant", grant, compiled=False, doc="this month's visas"),),
    off={"mechanisms.talent_visa.quota_per_year": 0.0},
    direction_tests=("tests/test_plugin_mechanism.py::test_talent_visa_adds_people",),
    param_model=TalentVisa,
    after="belief.prepare",
    references=("seed 004: recruiting founders from abroad",),
)

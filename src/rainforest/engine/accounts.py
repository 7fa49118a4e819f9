"""The monthly per-region accounts that kernels add to, and how each is reported.

Kernels add raw simulated counts into a ``(regions, len(METRICS))`` float64 array; at the end
of a month the engine converts them to real units. ``SCALED`` metrics are multiplied by the
population scale k (one simulated person or firm stands for k real ones); stocks that are
shares, means or region-level quantities are not.
"""

from __future__ import annotations

METRICS = (
    # people (stocks at the end of the month)
    "people",
    "employed",
    "unemployed",
    "founders",
    "under35",
    "arrivals",
    "departures",
    "migrants_in",
    "migrants_out",
    # firms (stocks)
    "startups_alive",
    "smes",
    "specialised_smes",
    "listed_firms",
    "firms",
    # flows of the month
    "contacts",
    "ideas",
    "foundings",
    "spinouts",
    "university_spinouts",
    "refoundings",
    "failures",
    "ipos",
    "acquisitions",
    "unicorns",
    "patents",
    "patent_stock",
    "tech_transfers",
    "breakthroughs",
    "output",
    "investment_angel",
    "investment_vc",
    "investment_cvc",
    "investment_state",
    "investment_bank",
    "rescues",
    "subsidies_paid",
    "subsidy_delay_weighted",
    "experiments",
    "experiment_spend",
    # sampled contact statistics (sums; turned into a share at reporting)
    "contact_sample",
    "cross_skill_sample",
    # region state
    "belief",
    "office_rent",
)
IDX = {name: i for i, name in enumerate(METRICS)}

# metrics that are NOT multiplied by the population scale when reported
UNSCALED = frozenset({"belief", "contact_sample", "cross_skill_sample", "breakthroughs"})

(
    M_PEOPLE,
    M_EMPLOYED,
    M_UNEMPLOYED,
    M_FOUNDERS,
    M_UNDER35,
    M_ARRIVALS,
    M_DEPARTURES,
    M_MIGRANTS_IN,
    M_MIGRANTS_OUT,
    M_STARTUPS,
    M_SMES,
    M_SPEC_SMES,
    M_LISTED,
    M_FIRMS,
    M_CONTACTS,
    M_IDEAS,
    M_FOUNDINGS,
    M_SPINOUTS,
    M_UNI_SPINOUTS,
    M_REFOUNDINGS,
    M_FAILURES,
    M_IPOS,
    M_ACQ,
    M_UNICORNS,
    M_PATENTS,
    M_PATENT_STOCK,
    M_TECH_TRANSFERS,
    M_BREAKTHROUGHS,
    M_OUTPUT,
    M_INV_ANGEL,
    M_INV_VC,
    M_INV_CVC,
    M_INV_STATE,
    M_INV_BANK,
    M_RESCUES,
    M_SUBSIDIES,
    M_SUBSIDY_DELAY,
    M_EXPERIMENTS,
    M_EXP_SPEND,
    M_CONTACT_SAMPLE,
    M_CROSS_SAMPLE,
    M_BELIEF,
    M_RENT,
) = range(len(METRICS))
M_INVEST0 = M_INV_ANGEL  # + investor kind code

# --- what Result.metrics reports -----------------------------------------------------------
# accounts that only feed derived columns and never appear in Result.metrics
INTERNAL = ("under35", "contact_sample", "cross_skill_sample", "subsidy_delay_weighted")
# shares and means derived at reporting time (see result.build_result)
DERIVED = ("under35_share", "cross_skill_share", "time_to_subsidy_days", "experiment_cost")
#: the metric columns of ``Result.metrics`` (besides month, year, region), in order
REPORTED = tuple(m for m in METRICS if m not in INTERNAL) + DERIVED
#: ratios, prices and indices: averaged across regions, never added
RATIOS = frozenset({"belief", "office_rent", *DERIVED})
#: stocks at the end of the month: the last value of a period, summed across regions
STOCKS = frozenset(
    {
        "people",
        "employed",
        "unemployed",
        "founders",
        "startups_alive",
        "smes",
        "specialised_smes",
        "listed_firms",
        "firms",
        "patent_stock",
    }
)
#: flows during the month: summed over a period and across regions
FLOWS = tuple(m for m in REPORTED if m not in RATIOS and m not in STOCKS)


def kind_of_metric(name: str) -> str:
    """'flow', 'stock' or 'ratio' for a reported metric."""
    if name in RATIOS:
        return "ratio"
    return "stock" if name in STOCKS else "flow"

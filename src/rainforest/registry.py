"""The one registry of metrics: name, kind, unit, label and owner of every number a run reports.

Why one place: the engine's accounts, ``Result.metrics``, the reports, the CLI and the web page
all read this table, so a metric cannot be counted by a kernel and then silently missing from a
chart, and a chart cannot show a metric nobody counts. A metric without a label or a unit is an
error when it is registered (at import time), never a blank axis later.

The first edition's metrics are listed below in their canonical order: kernels add into a
``(regions, n_accounts)`` array whose column indices are fixed by that order, and those indices
are compiled into cached kernels, so new metrics are only ever *appended*
(:func:`register_metric`), which keeps every earlier index, and every cached kernel, valid.

Kinds
-----
``flow``  counted during a month; summed over periods and across regions.
``stock`` a level at the end of a month; the last value of a period, summed across regions.
``ratio`` a share, mean, price or index; averaged across regions, never added.

Where a value comes from
------------------------
``account``  added by kernels into the month's accounts and reported in ``Result.metrics``;
``internal`` added by kernels, used only to derive other columns, not reported;
``derived``  computed from accounts when a ``Result`` is built (shares and means);
``view``     computed by reports from reported columns (e.g. total investment).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

KINDS = ("flow", "stock", "ratio")
SOURCES = ("account", "internal", "derived", "view")


class RegistryError(ValueError):
    """A metric declared without what every metric needs, or declared twice."""


@dataclass(frozen=True)
class Metric:
    """One reported quantity.

    Parameters
    ----------
    name
        Column name in ``Result.metrics`` (snake_case).
    kind
        ``flow``, ``stock`` or ``ratio`` (see the module docstring).
    unit
        Unit in words, e.g. ``"firms/month"``; dimensionless quantities say ``"share"`` or
        ``"index 0-1"``.
    label
        Human label for charts and tables.
    owner
        The mechanism (``"M3"``, a plug-in's name, or ``"engine"``) whose hooks produce it.
    description
        One sentence: what is counted.
    source
        ``account``, ``internal``, ``derived`` or ``view``.
    scaled
        Whether a simulated count stands for ``scale`` real ones (counts of people and firms);
        shares, indices and region-level quantities are not scaled.
    label_zh
        Simplified-Chinese label (optional; the interface falls back to ``label``).
    """

    name: str
    kind: str
    unit: str
    label: str
    owner: str
    description: str = ""
    source: str = "account"
    scaled: bool = True
    label_zh: str = ""

    def check(self) -> None:
        """Raise :class:`RegistryError` naming the field that is missing or wrong."""
        if not self.name.replace("_", "").isalnum() or self.name != self.name.lower():
            raise RegistryError(f"metric {self.name!r}: name must be snake_case letters and digits")
        if self.kind not in KINDS:
            raise RegistryError(f"metric {self.name!r}: kind {self.kind!r} is not one of {KINDS}")
        if self.source not in SOURCES:
            raise RegistryError(f"metric {self.name!r}: source {self.source!r} not in {SOURCES}")
        if not self.label.strip():
            raise RegistryError(f"metric {self.name!r}: no label")
        if not self.unit.strip():
            raise RegistryError(f"metric {self.name!r}: no unit (say 'share' or 'index' if none)")
        if not self.owner.strip():
            raise RegistryError(f"metric {self.name!r}: no owner mechanism")


_REGISTRY: dict[str, Metric] = {}


def register_metric(metric: Metric) -> int:
    """Add a metric at the end of the registry and return its position.

    Registering the same declaration twice (a module imported again) returns the old position;
    a different declaration under a taken name is an error.
    """
    metric.check()
    old = _REGISTRY.get(metric.name)
    if old is not None:
        if old != metric:
            raise RegistryError(f"metric {metric.name!r} is already registered by {old.owner}")
        return list(_REGISTRY).index(metric.name)
    _REGISTRY[metric.name] = metric
    return len(_REGISTRY) - 1


def unregister_metric(name: str) -> None:
    """Remove a metric registered at run time (tests of plug-ins); built-ins cannot be removed."""
    if name in BUILTIN_NAMES:
        raise RegistryError(f"metric {name!r} is built in and cannot be removed")
    _REGISTRY.pop(name, None)


def get(name: str) -> Metric:
    """The metric called ``name``; a :class:`KeyError` that lists close names otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no metric {name!r}{hint}") from None


def metrics(source: str | None = None, owner: str | None = None) -> tuple[Metric, ...]:
    """Registered metrics in registry order, optionally of one source or owner."""
    return tuple(
        m
        for m in _REGISTRY.values()
        if (source is None or m.source == source) and (owner is None or m.owner == owner)
    )


def names(*sources: str) -> tuple[str, ...]:
    """Names of the metrics of the given sources, in registry order."""
    return tuple(m.name for m in _REGISTRY.values() if m.source in sources)


def label(name: str, lang: str = "en") -> str:
    """Human label of a metric (Chinese when ``lang == "zh"`` and one is registered)."""
    m = get(name)
    return (m.label_zh or m.label) if lang == "zh" else m.label


def unit(name: str) -> str:
    """Unit of a metric."""
    return get(name).unit


def kind(name: str) -> str:
    """``flow``, ``stock`` or ``ratio``."""
    return get(name).kind


def frame():
    """The registry as a pandas DataFrame (one row per metric), for docs and the CLI."""
    import pandas as pd

    return pd.DataFrame([m.__dict__ for m in _REGISTRY.values()])


def _builtin(name, kind, unit, label, owner, description, label_zh, source="account", scaled=True):
    register_metric(Metric(name, kind, unit, label, owner, description, source, scaled, label_zh))


# --- the first edition's metrics, in account order (do not reorder: see the docstring) ------
# people (stocks at the end of the month)
_builtin("people", "stock", "people", "People", "M6", "Living people in the region.", "人口")
_builtin("employed", "stock", "people", "Employed", "M6", "People with a job.", "就业人数")
_builtin(
    "unemployed", "stock", "people", "Unemployed", "M6", "People looking for work.", "失业人数"
)
_builtin("founders", "stock", "people", "Founders", "M6", "People running a startup.", "创业者")
_builtin(
    "under35",
    "stock",
    "people",
    "People under 35",
    "M6",
    "People younger than 35.",
    "35岁以下人数",
    "internal",
)
_builtin(
    "arrivals",
    "flow",
    "people/month",
    "Arrivals",
    "M6",
    "Newcomers from outside the modelled regions (graduates included).",
    "流入人数",
)
_builtin(
    "departures",
    "flow",
    "people/month",
    "Departures",
    "M6",
    "People leaving the workforce (retirement).",
    "离开人数",
)
_builtin(
    "migrants_in",
    "flow",
    "people/month",
    "Migrants in",
    "M11",
    "People moving in from another modelled region.",
    "迁入人数",
)
_builtin(
    "migrants_out",
    "flow",
    "people/month",
    "Migrants out",
    "M11",
    "People moving to another modelled region.",
    "迁出人数",
)
# firms (stocks)
_builtin(
    "startups_alive",
    "stock",
    "firms",
    "Startups alive",
    "M6",
    "Startups younger than the mature age that have not exited.",
    "存活初创企业",
)
_builtin("smes", "stock", "firms", "SMEs", "M6", "Surviving startups grown into SMEs.", "中小企业")
_builtin(
    "specialised_smes",
    "stock",
    "firms",
    "Specialised SMEs",
    "M6",
    "SMEs of 10-1,000 people above the specialised fit (专精特新).",
    "专精特新企业",
)
_builtin(
    "listed_firms", "stock", "firms", "Listed firms", "M6", "Firms listed on a market.", "上市企业"
)
_builtin(
    "firms",
    "stock",
    "firms",
    "Firms",
    "M6",
    "All firms (startups, SMEs, anchors, listed).",
    "企业总数",
)
# flows of the month
_builtin(
    "contacts",
    "flow",
    "contacts/month",
    "Contacts",
    "M1",
    "Contacts between people during the month.",
    "接触次数",
)
_builtin("ideas", "flow", "ideas/month", "Ideas", "M2", "Ideas born from contacts.", "创意")
_builtin("foundings", "flow", "firms/month", "Foundings", "M3", "New startups.", "新创企业")
_builtin(
    "spinouts",
    "flow",
    "firms/month",
    "Spin-outs",
    "M3",
    "Startups founded by employees of anchors and firms.",
    "衍生企业",
)
_builtin(
    "university_spinouts",
    "flow",
    "firms/month",
    "University spin-outs",
    "M3",
    "Startups founded from universities and facilities.",
    "高校衍生企业",
)
_builtin(
    "refoundings",
    "flow",
    "firms/month",
    "Re-foundings",
    "M3",
    "Startups founded by founders whose last startup failed.",
    "再创业",
)
_builtin(
    "failures",
    "flow",
    "firms/month",
    "Failures",
    "M6",
    "Startups that ran out of cash.",
    "倒闭企业",
)
_builtin("ipos", "flow", "firms/month", "IPOs", "M6", "Initial public offerings.", "上市(IPO)")
_builtin(
    "acquisitions", "flow", "firms/month", "Acquisitions", "M6", "Startups acquired.", "并购退出"
)
_builtin(
    "unicorns",
    "flow",
    "firms/month",
    "New unicorns",
    "M6",
    "Startups first valued above the unicorn valuation.",
    "新增独角兽",
)
_builtin(
    "patents",
    "flow",
    "patents/month",
    "Patents granted",
    "M8",
    "Invention patents granted to universities and firms.",
    "专利授权",
)
_builtin(
    "patent_stock",
    "stock",
    "patents",
    "Valid patents",
    "M8",
    "Valid invention patents held in the region.",
    "有效发明专利",
)
_builtin(
    "tech_transfers",
    "flow",
    "transfers/month",
    "Technology transfers",
    "M8",
    "Licences and transfers from universities and facilities to firms.",
    "技术转移",
)
_builtin(
    "breakthroughs",
    "flow",
    "breakthroughs/month",
    "Breakthroughs",
    "M8",
    "Breakthroughs of science facilities.",
    "重大突破",
    scaled=False,
)
_builtin(
    "output",
    "flow",
    "million yuan/month",
    "Output",
    "M6",
    "Revenue of firms in the region.",
    "产值",
)
_builtin(
    "investment_angel",
    "flow",
    "million yuan/month",
    "Angel investment",
    "M5",
    "Money invested by angels.",
    "天使投资",
)
_builtin(
    "investment_vc",
    "flow",
    "million yuan/month",
    "VC investment",
    "M5",
    "Money invested by private venture funds.",
    "风险投资",
)
_builtin(
    "investment_cvc",
    "flow",
    "million yuan/month",
    "Corporate VC investment",
    "M5",
    "Money invested by corporate venture arms.",
    "企业风险投资",
)
_builtin(
    "investment_state",
    "flow",
    "million yuan/month",
    "State-fund investment",
    "M5",
    "Money invested by state funds.",
    "国资基金投资",
)
_builtin(
    "investment_bank",
    "flow",
    "million yuan/month",
    "Bank lending",
    "M5",
    "Money lent to startups by banks.",
    "银行贷款",
)
_builtin(
    "rescues",
    "flow",
    "rounds/month",
    "Rescue rounds",
    "M5",
    "Rounds by state funds that save late-stage firms.",
    "纾困轮次",
)
_builtin(
    "subsidies_paid",
    "flow",
    "million yuan/month",
    "Subsidies paid",
    "M10",
    "R&D, rent and talent subsidies paid out.",
    "补贴支出",
)
_builtin(
    "subsidy_delay_weighted",
    "flow",
    "million yuan·days/month",
    "Subsidy delay x amount",
    "M10",
    "Subsidies weighted by their delay, for the mean delay.",
    "补贴延迟加权",
    "internal",
)
_builtin(
    "experiments",
    "flow",
    "experiments/month",
    "Experiments",
    "M4",
    "Product experiments run by startups.",
    "实验次数",
)
_builtin(
    "experiment_spend",
    "flow",
    "million yuan/month",
    "Experiment spend",
    "M4",
    "Money spent on experiments.",
    "实验支出",
)
# sampled contact statistics (sums; turned into a share when reported)
_builtin(
    "contact_sample",
    "flow",
    "contacts",
    "Sampled contacts",
    "M1",
    "Contacts sampled to measure their mix.",
    "抽样接触",
    "internal",
    False,
)
_builtin(
    "cross_skill_sample",
    "flow",
    "contacts",
    "Sampled cross-skill contacts",
    "M1",
    "Sampled contacts between people of different skills.",
    "抽样跨技能接触",
    "internal",
    False,
)
# region state
_builtin(
    "belief",
    "ratio",
    "index 0-1",
    "Belief that founding pays",
    "M9",
    "The region's belief that founding pays off.",
    "创业信念",
    scaled=False,
)
_builtin(
    "office_rent",
    "ratio",
    "million yuan/desk/month",
    "Office rent",
    "M11",
    "Office cost per desk in the region.",
    "办公租金",
    scaled=False,
)
_builtin(
    "job_changes",
    "flow",
    "people/month",
    "Job-to-job moves",
    "M6",
    "Employed people who moved straight to another employer this month (hired away by a "
    "firm below its head-count target); about 2% of the employed a month in US data "
    "(Fallick & Fleischman 2004).",
    "直接跳槽人数",
)
# derived when a Result is built (see rainforest.result)
_builtin(
    "under35_share",
    "ratio",
    "share",
    "Share under 35",
    "M6",
    "Share of people younger than 35.",
    "35岁以下占比",
    "derived",
)
_builtin(
    "cross_skill_share",
    "ratio",
    "share",
    "Cross-skill contacts",
    "M1",
    "Share of sampled contacts between different skills.",
    "跨技能接触占比",
    "derived",
)
_builtin(
    "time_to_subsidy_days",
    "ratio",
    "days",
    "Time to subsidy",
    "M10",
    "Mean delay between qualifying and being paid a subsidy.",
    "补贴到账时间",
    "derived",
)
_builtin(
    "experiment_cost",
    "ratio",
    "million yuan",
    "Cost of an experiment",
    "M4",
    "Mean cost of one experiment.",
    "单次实验成本",
    "derived",
)
# views computed by reports
_builtin(
    "investment",
    "flow",
    "million yuan/month",
    "Investment (all kinds)",
    "M5",
    "Angel, VC, corporate, state and bank money together.",
    "投资总额",
    "view",
)

# --- the living network (M13-M16, issue 14): appended, so the accounts above keep their columns
_builtin(
    "ties_formed",
    "flow",
    "ties/month",
    "Ties formed",
    "M13",
    "New persistent ties (encounters, closure, alumni), spread over regions by population.",
    "新建联系",
)
_builtin(
    "recombinant_ideas",
    "flow",
    "ideas/month",
    "Recombinant ideas",
    "M15",
    "Ideas from two tied people combining their knowledge.",
    "重组创意",
)
_builtin(
    "people_spinoffs",
    "flow",
    "people/month",
    "Spin-off leavers",
    "M16",
    "Employees drawn by the spin-off hazard to leave and found (candidates for M3).",
    "员工衍生创业",
)
# --- a parent backs its spin-off from its profits (issue 15 item 6): appended likewise
_builtin(
    "parent_backing",
    "flow",
    "million yuan/month",
    "Parents' money into spin-offs",
    "M5",
    "Money profitable parents (anchors, SMEs, listed firms) put from their profits into the "
    "startups their employees founded (mechanisms.capital.parent_backing); not venture "
    "investment, so not in 'investment'.",
    "母公司自有利润出资",
)

#: the built-in metrics (cannot be unregistered)
BUILTIN_NAMES = frozenset(_REGISTRY)


class Live(Sequence):
    """A read-only sequence of names recomputed from the registry on every use, so a module
    constant such as ``METRIC_NAMES`` also knows metrics that plug-ins register later."""

    def __init__(self, fn: Callable[[], tuple[str, ...]]):
        self._fn = fn

    def __getitem__(self, i):  # type: ignore[override]
        return self._fn()[i]

    def __len__(self) -> int:
        return len(self._fn())

    def __contains__(self, name: object) -> bool:
        return name in self._fn()

    def __repr__(self) -> str:
        return f"Live({self._fn()!r})"

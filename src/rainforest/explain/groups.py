"""Lever groups: the seeds' explanations of "why Hangzhou and not here?" as sets of parameters.

Seeds 003 ("为什么DeepSeek没有出现在张江") and 004 ("为什么是杭州?却不是我?") explain the gap
between Hangzhou and Zhangjiang with a handful of named causes: a grassroots culture that
tolerates failure (失败成本低, 民间野性) against elite involution (没三篇ISSCC都不好意思要融资);
patient private capital (敢投钱,肯等待) against state capital preferring late stages; fast,
trusting government services (最多跑一次, 15 days to the first subsidy, 创新免责, 监管沙盒)
against a stamp economy (跑了3个月才盖章); subsidies and cheap R&D land (30% of R&D costs,
land at 1/5 of the commercial price); open data, compute and scenarios (287亿条政务数据,
12个开放实验室); Zhejiang University (38% patent conversion); Alibaba's platform.

Each cause is a :class:`LeverGroup`: a name, a description citing the seed, and the paths of
region-level fields it covers, relative to ``regions.<name>.`` (``policy.sandbox``,
``investors``). Transplanting a group from a donor region onto a recipient region copies those
fields (whole lists for ``universities``, ``facilities``, ``anchors`` and ``investors``).

Lists are copied as they are: an investor pool keeps its count and dry powder, a university
its graduates, whatever the recipient's population.

Two paths are special because they are the recipient's size, not a lever:

- ``area_km2`` in a group means *density*: the recipient keeps its population and gets the
  donor's people per km² (its area is scaled to ``population / donor_density``);
- ``population`` is copied as is (no built-in group contains it).

Users define their own groups in TOML::

    builtin = ["culture", "capital"]          # optional: built-in groups to keep

    [groups.speed]
    description = "How fast the state answers"
    paths = ["policy.service_latency_days", "policy.registration_days"]
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rainforest.scenario import Scenario, ScenarioError, get_in, get_value, scenario_from_dict

#: Paths whose value is a list of named items, copied whole.
LIST_PATHS = ("universities", "facilities", "anchors", "investors")
#: Path that stands for density: the recipient keeps its population, takes the donor's density.
DENSITY_PATH = "area_km2"


class ExplainError(ValueError):
    """An explanation or what-if cannot be set up; the message says what to change."""


@dataclass(frozen=True)
class LeverGroup:
    """A named set of region-level scenario fields that move together.

    Parameters
    ----------
    name
        Identifier (``"services"``), used in tables and on the command line.
    paths
        Field paths relative to ``regions.<region>.``, e.g. ``"policy.sandbox"`` or
        ``"investors"`` (a whole list).
    description
        What the group stands for and where the claim comes from.
    label
        A readable name for tables (default: ``name`` with spaces).
    """

    name: str
    paths: tuple[str, ...]
    description: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ExplainError(f"a lever group needs a non-empty name, got {self.name!r}")
        paths = (self.paths,) if isinstance(self.paths, str) else tuple(self.paths)
        if not paths or not all(isinstance(p, str) and p.strip() for p in paths):
            raise ExplainError(
                f"group {self.name!r}: paths must be a non-empty list of field paths such as "
                f"'policy.sandbox', got {self.paths!r}"
            )
        object.__setattr__(self, "paths", tuple(p.strip() for p in paths))
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " "))


def _g(name: str, label: str, description: str, *paths: str) -> LeverGroup:
    return LeverGroup(name=name, paths=paths, description=description, label=label)


#: Every built-in group, in the order of the seeds' argument.
BUILTIN_GROUPS: dict[str, LeverGroup] = {
    g.name: g
    for g in (
        _g(
            "culture",
            "culture",
            "Failure tolerance, risk appetite, credential and stability preference, belief and "
            "openness. Seed 003: 失败成本低,阶级跃迁幻觉强 / 缺乏杭州式的民间野性 against "
            "精英内卷; seed 004: 懂技术,重实用.",
            "culture.failure_tolerance",
            "culture.risk_appetite",
            "culture.risk_appetite_sd",
            "culture.credential_preference",
            "culture.stability_preference",
            "culture.belief",
            "openness",
        ),
        _g(
            "capital",
            "capital",
            "The investor pools, whole: mix of kinds, patience, stage preference, risk "
            "appetite, credential weight and state preference. Seed 004: 敢投钱,肯等待; seed "
            "003: 国有资本偏好中后期项目, 民资本敢押注早期AI项目.",
            "investors",
        ),
        _g(
            "services",
            "government services",
            "Service latency, registration time, officials' liability exemption and "
            "regulatory sandboxes. Seed 003: 从签约到获得首笔补贴仅用15天 vs 跑了3个月才盖章; "
            "创新免责条款; 允许企业在监管沙盒中试错.",
            "policy.service_latency_days",
            "policy.registration_days",
            "policy.liability_exemption",
            "policy.sandbox",
        ),
        _g(
            "subsidies_land",
            "subsidies and land",
            "R&D, rent and talent subsidies, grants, the price and supply of R&D land and the "
            "bias of support toward the national team. Seed 004: 补贴30%的研发费用, "
            "研发用地价格仅为商业用地1/5, 最高2000万元资助; seed 003: 资源向“国家队”倾斜.",
            "policy.rd_subsidy_share",
            "policy.rent_subsidy_share",
            "policy.rent_subsidy_months",
            "policy.talent_subsidy",
            "policy.grant_max",
            "policy.grant_rate",
            "policy.land_price_factor",
            "policy.state_preference",
            "land_supply",
        ),
        _g(
            "data_compute",
            "data, compute and scenarios",
            "Open government data, compute vouchers, open scenarios (first buyers) and shared "
            "labs. Seed 004: 开放287亿条政务数据, 12个开放实验室; seed 003: 协调阿里云开放算力, "
            "医疗数据训练权限被拒.",
            "policy.open_data",
            "policy.compute_vouchers",
            "policy.open_scenarios",
            "policy.shared_labs",
        ),
        _g(
            "knowledge",
            "knowledge institutions",
            "Universities and science facilities, whole. Seed 004: 浙江大学之于杭州,犹如斯坦福"
            "之于硅谷; 专利转化率仅11%,而浙大高达38%.",
            "universities",
            "facilities",
        ),
        _g(
            "anchors",
            "anchors and platforms",
            "Anchor firms and their platforms, spin-outs and local demand, whole. Seed 004: "
            "杭州依靠阿里建立的全球化供应链与资源; seed 003: 阿里巴巴的崛起彻底改写城市基因.",
            "anchors",
        ),
        _g(
            "density",
            "density and third places",
            "People per km² (the recipient keeps its population, its area is scaled) and "
            "third places. Seed 000: 溫度、密度與連結; seed 004: 科技小镇会举办各类企业交流沟通会.",
            DENSITY_PATH,
            "third_places_per_km2",
        ),
        _g(
            "costs",
            "costs",
            "Wages, office rent, housing and taxes. Seed 003: 张江的办公场地、人才成本较高.",
            "wage",
            "office_rent",
            "housing_cost",
            "tax_rate",
        ),
        _g(
            "talent",
            "talent mix",
            "Skills, credentials and age of the workforce. Seed 003: 名校博士挤破头进中芯国际 "
            "(a credentialed workforce) vs 草根创业者.",
            "skill_mix",
            "credential_share",
            "under35_share",
        ),
        _g(
            "industry",
            "industry structure",
            "Local industry mix, state-linked employment, incumbents' productivity and supply "
            "chains. Seed 003: 张江的产业布局以硬件驱动型科技为核心; 央企、外企研发中心扎堆.",
            "domain_mix",
            "state_employment_share",
            "productivity",
            "supply_chain",
        ),
    )
}

#: The groups ``explain`` uses by default: the seven causes seeds 003 and 004 give for
#: Hangzhou vs Zhangjiang (2**7 = 128 coalitions). ``density``, ``costs``, ``talent`` and
#: ``industry`` are available by name; left out of the default, they stay the recipient's.
DEFAULT_GROUPS: tuple[str, ...] = (
    "culture",
    "capital",
    "services",
    "subsidies_land",
    "data_compute",
    "knowledge",
    "anchors",
)


def default_groups() -> list[LeverGroup]:
    """The default lever groups (see :data:`DEFAULT_GROUPS`)."""
    return [BUILTIN_GROUPS[n] for n in DEFAULT_GROUPS]


def groups_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> list[LeverGroup]:
    """Lever groups from a parsed TOML table (``builtin = [...]`` and ``[groups.NAME]``)."""
    unknown = set(data) - {"builtin", "groups"}
    if unknown:
        raise ExplainError(
            f"{source}: unknown key(s) {sorted(unknown)}; expected 'builtin' and [groups.NAME]"
        )
    out: list[LeverGroup] = []
    builtin = data.get("builtin", [])
    if isinstance(builtin, str) or not isinstance(builtin, list):
        raise ExplainError(f"{source}: builtin must be a list of group names, got {builtin!r}")
    for name in builtin:
        if name not in BUILTIN_GROUPS:
            raise ExplainError(
                f"{source}: unknown built-in group {name!r}; expected one of "
                f"{', '.join(BUILTIN_GROUPS)}"
            )
        out.append(BUILTIN_GROUPS[name])
    table = data.get("groups", {})
    if not isinstance(table, Mapping):
        raise ExplainError(f"{source}: [groups] must be a table of [groups.NAME] tables")
    for name, spec in table.items():
        if not isinstance(spec, Mapping):
            raise ExplainError(f"{source}: groups.{name} must be a table with paths = [...]")
        extra = set(spec) - {"paths", "description", "label"}
        if extra:
            raise ExplainError(
                f"{source}: groups.{name}: unknown key(s) {sorted(extra)}; expected paths, "
                "description, label"
            )
        if "paths" not in spec:
            raise ExplainError(f"{source}: groups.{name} needs paths = [...]")
        try:
            out.append(
                LeverGroup(
                    name=name,
                    paths=spec["paths"],
                    description=str(spec.get("description", "")),
                    label=str(spec.get("label", "")),
                )
            )
        except ExplainError as err:
            raise ExplainError(f"{source}: {err}") from None
    if not out:
        raise ExplainError(f"{source}: no groups defined (add [groups.NAME] or builtin = [...])")
    return out


def load_groups(path: str | Path) -> list[LeverGroup]:
    """Read lever groups from a TOML file (see the module docstring for the format)."""
    p = Path(path)
    if not p.is_file():
        raise ExplainError(f"{p}: no such groups file")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ExplainError(f"{p}: not valid TOML: {err}") from None
    return groups_from_dict(data, str(p))


def resolve_groups(
    groups: str | Path | Iterable[str | LeverGroup] | Mapping[str, Any] | None,
) -> list[LeverGroup]:
    """Lever groups from ``None`` (defaults), a TOML path, a parsed dict, or a list of names
    (built-in) and :class:`LeverGroup` objects. Names must be unique."""
    if groups is None:
        out = default_groups()
    elif isinstance(groups, Path) or (isinstance(groups, str) and groups.endswith(".toml")):
        out = load_groups(groups)
    elif isinstance(groups, str):
        out = resolve_groups(groups.split(","))
    elif isinstance(groups, Mapping):
        out = groups_from_dict(groups)
    else:
        out = []
        for g in groups:
            if isinstance(g, LeverGroup):
                out.append(g)
            elif isinstance(g, str) and g.strip() in BUILTIN_GROUPS:
                out.append(BUILTIN_GROUPS[g.strip()])
            else:
                raise ExplainError(
                    f"unknown lever group {g!r}; built-in groups: {', '.join(BUILTIN_GROUPS)} "
                    "(or pass a groups TOML file)"
                )
    names = [g.name for g in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ExplainError(f"lever group names must be unique; repeated: {dup}")
    if not out:
        raise ExplainError("at least one lever group is needed")
    return out


def single_region(sc: Scenario, region: str | None, role: str) -> str:
    """The region of ``sc`` to explain: ``region`` if given, else its only region.

    ``role`` is ``"a"`` or ``"b"`` and names the argument to pass in the error message.
    """
    names = list(sc.regions)
    hint = f"pass {role}_region= (CLI --region-{role})"
    if region is not None:
        if region not in sc.regions:
            raise ExplainError(f"{sc.name!r} has no region {region!r}; it has {names}")
        return region
    if len(names) != 1:
        raise ExplainError(
            f"{sc.name!r} has {len(names)} regions {names}; name the one to use: {hint}"
        )
    return names[0]


def check_groups(groups: Sequence[LeverGroup], scenarios: Sequence[tuple[Scenario, str]]) -> None:
    """Check that every path exists in every (scenario, region) and that groups are disjoint.

    Raises
    ------
    ExplainError
        Naming the group and the path (``group 'services': no field 'policy.sandbx' in
        regions.zhangjiang``), or the two groups that share a field.
    """
    owner: dict[str, str] = {}
    for g in groups:
        for p in g.paths:
            for other, og in owner.items():
                if p == other or p.startswith(other + ".") or other.startswith(p + "."):
                    raise ExplainError(
                        f"groups must not overlap: path {p!r} of group {g.name!r} overlaps "
                        f"{other!r} of group {og!r}"
                    )
            owner[p] = g.name
    for sc, region in scenarios:
        dump = sc.model_dump(mode="json")["regions"][region]
        for g in groups:
            for p in g.paths:
                try:
                    get_in(dump, p)
                except ScenarioError as err:
                    raise ExplainError(
                        f"group {g.name!r}: bad path {p!r}: {err.args[0]} in regions.{region} "
                        f"of {sc.name!r} (paths are relative to regions.<name>., e.g. "
                        "'policy.sandbox')"
                    ) from None


@dataclass
class Transplanter:
    """Builds recipient scenarios with some lever groups taken from a donor region.

    The donor's values are read once; :meth:`__call__` returns a validated copy of the
    recipient with the chosen groups' fields replaced (``with_values`` semantics, validated
    by ``scenario_from_dict``).

    Parameters
    ----------
    recipient, recipient_region
        The scenario that receives levers (B, "here") and its region.
    donor, donor_region
        The scenario that gives them (A, "Hangzhou") and its region.
    groups
        The lever groups; checked with :func:`check_groups`.
    """

    recipient: Scenario
    recipient_region: str
    donor: Scenario
    donor_region: str
    groups: Sequence[LeverGroup]
    _base: dict[str, Any] = field(init=False, repr=False)
    _donor: dict[str, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        check_groups(
            self.groups,
            [(self.recipient, self.recipient_region), (self.donor, self.donor_region)],
        )
        self._base = self.recipient.model_dump(mode="json")
        self._donor = self.donor.model_dump(mode="json")["regions"][self.donor_region]

    def values(self, names: Iterable[str]) -> dict[str, Any]:
        """The ``{regions.<recipient>.<path>: value}`` a transplant of ``names`` sets."""
        chosen = set(names)
        unknown = chosen - {g.name for g in self.groups}
        if unknown:
            raise ExplainError(f"unknown lever group(s) {sorted(unknown)}")
        rec = self._base["regions"][self.recipient_region]
        out: dict[str, Any] = {}
        density = False
        for g in self.groups:
            if g.name not in chosen:
                continue
            for p in g.paths:
                if p == DENSITY_PATH:
                    density = True
                    continue
                out[p] = copy.deepcopy(get_in(self._donor, p))
        if density:
            pop = float(out.get("population", rec["population"]))
            donor_density = self._donor["population"] / self._donor["area_km2"]
            out[DENSITY_PATH] = pop / donor_density
        return {f"regions.{self.recipient_region}.{p}": v for p, v in out.items()}

    def __call__(self, names: Iterable[str], name: str | None = None) -> Scenario:
        """The recipient with the groups ``names`` taken from the donor (validated)."""
        names = list(names)
        vals = self.values(names)
        data = copy.deepcopy(self._base)
        reg = data["regions"][self.recipient_region]
        for full, v in vals.items():
            path = full.split(".", 2)[2]
            parts = path.split(".")
            parent = get_in(reg, ".".join(parts[:-1])) if len(parts) > 1 else reg
            if isinstance(parent, list):
                last = parts[-1]
                idx = [
                    i for i, x in enumerate(parent) if isinstance(x, dict) and x.get("name") == last
                ]
                parent[int(last) if last.isdigit() else idx[0]] = v
            else:
                parent[parts[-1]] = v
        label = "+".join(g.name for g in self.groups if g.name in set(names)) or "none"
        data["name"] = name or f"{self.recipient.name}+{self.donor.name}[{label}]"
        try:
            return scenario_from_dict(
                data, f"{self.recipient.name} with {self.donor.name}'s {label}"
            )
        except ScenarioError as err:
            raise ExplainError(
                f"transplanting {label} from {self.donor.name} onto {self.recipient.name} gives "
                f"an invalid scenario:\n{err}"
            ) from None


def region_value(sc: Scenario, region: str, path: str) -> Any:
    """The value at ``regions.<region>.<path>`` (for tables of what a group changes)."""
    return get_value(sc, f"regions.{region}.{path}")

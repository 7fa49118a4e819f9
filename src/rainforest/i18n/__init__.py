"""One catalogue of interface words in English and simplified Chinese.

Most users of the seeds' questions read Chinese; the CLI (``--lang zh`` or
``RAINFOREST_LANG=zh``), the reports (``report(..., lang="zh")``) and the dashboard take their
labels from here so that a term is translated once. Entries are keyed by the names the code
already uses: metric names (as in the metric registry), lever paths relative to a region
(``policy.sandbox``), preset ids and message keys. English labels of metrics come from the
metric registry (:mod:`rainforest.registry`) so there is one English source, and a
``label_zh`` registered with a metric wins over this catalogue; a missing Chinese entry
falls back to English, never to an error.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from rainforest.i18n import zh

#: Languages the catalogue has.
LANGS = ("en", "zh")
ENV_VAR = "RAINFOREST_LANG"

_lang: ContextVar[str | None] = ContextVar("rainforest_lang", default=None)

#: English messages (the keys of :data:`rainforest.i18n.zh.MESSAGES`).
MESSAGES_EN: dict[str, str] = {
    "compiling": "compiling kernels, about 2 minutes the first time (cached afterwards)...",
    "error": "error",
    "did_you_mean": "did you mean",
    "runs": "runs",
    "months": "months",
    "simulating": "simulating",
    "report_written": "report written to {path} (open it in a browser; works offline)",
    "stored_in": "stored in {store}",
    "not_stored": "not stored (--no-store)",
    "total_over_run": "total over the run",
    "mean_interval": "mean [90% interval]",
    "presets_title": "rainforest presets",
    "name": "name",
    "description": "description",
    "regions": "regions",
    "population": "population",
    "area": "area km²",
    "group": "group",
    "lever": "lever",
    "path": "path",
    "value": "value",
    "unit": "unit",
    "source": "source",
    "levers_title": "{name}: levers (--set PATH=VALUE)",
    "levers_caption": "change one with --set PATH=VALUE in run-like commands (whatif, explain)",
    "people_end": "{people:,} simulated people at the end, {secs:.1f} s (money in million yuan)",
    "years": "years",
    "seed": "seed",
    "scale": "scale",
    "net_genealogy_title": "Spin-off genealogy (sampled neighbourhood)",
    "net_genealogy_reading": "{shown} of the genealogy's {total} firms and institutions and "
    "its {edges} parent → spin-off links: the largest families, drawn top-down from their "
    "roots.",
    "net_sample_note": "At most {n} nodes: the largest families first, the last cut "
    "breadth-first from its best-connected member; layout by igraph (Reingold–Tilford).",
    "net_ties_title": "People's ties (a sampled neighbourhood of the living network)",
    "net_ties_reading": "{shown} of the {total} people with ties and the ties among them "
    "(the network holds {edges} ties): the neighbourhood of the best-connected person, "
    "breadth-first, coloured by region.",
    "net_ties_note": "At most {n} people, reached breadth-first from the person with most "
    "ties; layout by igraph (Kamada–Kawai, seeded on a circle, so it is deterministic).",
    "net_axis_x_tree": "families side by side (layout, no unit)",
    "net_axis_y_tree": "generation (roots at the top)",
    "net_axis_x": "layout x (no unit)",
    "net_axis_y": "layout y (no unit)",
    "wide_title": "Indicators by district",
    "wide_reading": "One row per indicator, one column per district (value in the indicator's "
    "unit; ± the standard deviation over runs where there were several).",
    "indicator": "indicator",
}

#: The dashboard's own words (``/api/i18n`` serves them; the page translates nothing itself).
UI_EN: dict[str, str] = {
    "ui_preset": "Preset or scenario",
    "ui_upload": "Upload a TOML scenario",
    "ui_years": "Years",
    "ui_seed": "Seed",
    "ui_scale": "Scale",
    "ui_more_charts": "More charts",
    "ui_runs": "runs",
    "tab-run": "Run",
    "tab-compare": "Compare",
    "tab-explain": "Explain",
    "tab-runs": "Runs",
    "tab-district": "District",
    "culture": "culture",
    "policy": "policy",
    "Scenario": "Scenario",
    "Run settings": "Run settings",
    "Levers": "Levers",
    "step_start": "Start",
    "step_step": "Step",
    "step_play": "Play",
    "step_pause": "Pause",
    "step_close": "Close",
    "step_speed": "Months per step",
    "step_network": "Living network (people's ties)",
    "step_intro": "A single run, month by month: Start builds it with the Interface panel's "
    "scenario, levers, years, seed and scale; Step advances it, Play keeps stepping until "
    "Pause or the end.",
    "step_position": "month {month} of {total} reported ({done} of {all} with the warm-up)",
    "step_warmup": "warm-up: {left} months left before the reported period",
    "step_finished": "finished",
    "map_layer": "Map layer",
    "layer_people": "People",
    "layer_firms": "Firms (startups, SMEs, listed)",
    "layer_belief": "Belief that founding pays",
    "layer_rent": "R&D office rent",
    "map_title": "District map: {layer}",
    "map_note": "One square per cell of the district's grid; rent is set per region.",
    "net_kind": "Network",
    "net_genealogy": "Spin-off genealogy",
    "net_ties": "People's ties",
    "net_draw": "Draw the network",
    "net_none_genealogy": "No spin-off yet: step further.",
    "net_none_genealogy_end": "No spin-off in this run.",
    "net_none_ties": "The living network is off: tick it and Start again.",
    "net_reading": "{shown} of {total} nodes and their {edges} links in the picture "
    "(sampled neighbourhood, igraph layout).",
    "dl_csv": "metrics as CSV",
    "dl_xlsx": "metrics as Excel",
    "report_link": "Open the full report",
}

#: English names of the presets for menus, and the group each belongs to.
PRESETS_EN: dict[str, tuple[str, str]] = {
    "anchor-platform": ("Anchor platform", "archetype"),
    "government-cultivated": ("Government-cultivated", "archetype"),
    "market-driven": ("Market-driven", "archetype"),
    "science-facility": ("Big science facility", "archetype"),
    "university-led": ("University-led", "archetype"),
    "austin": ("Austin", "place"),
    "caohejing": ("Caohejing, Shanghai", "place"),
    "cerebral-valley": ("Cerebral Valley, San Francisco", "place"),
    "detroit": ("Detroit", "place"),
    "east-london": ("East London", "place"),
    "eindhoven": ("Eindhoven", "place"),
    "hangzhou": ("Hangzhou", "place"),
    "hefei": ("Hefei", "place"),
    "kendall-square": ("Kendall Square, Cambridge MA", "place"),
    "nanjing": ("Nanjing", "place"),
    "one-north": ("one-north, Singapore", "place"),
    "oxford": ("Oxford", "place"),
    "research-triangle": ("Research Triangle, North Carolina", "place"),
    "shenzhen": ("Shenzhen", "place"),
    "silicon-valley": ("Silicon Valley", "place"),
    "south-lake-union": ("South Lake Union, Seattle", "place"),
    "tsukuba": ("Tsukuba Science City", "place"),
    "zhangjiang": ("Zhangjiang, Shanghai", "place"),
    "greater-bay-area": ("Greater Bay Area", "network"),
    "us-network": ("US hubs", "network"),
    "yangtze-delta": ("Yangtze River Delta", "network"),
}
#: English label and unit of outcomes that are not registered metrics (explain's built-ins).
OUTCOMES_EN: dict[str, tuple[str, str]] = {
    "grassroots_ai_foundings": ("Grassroots AI foundings", "firms"),
    "ai_foundings": ("AI/software foundings", "firms"),
    "high_growth": ("High-growth startups", "firms"),
}
PRESET_GROUPS_EN = {"archetype": "Archetypes", "place": "Places", "network": "Networks"}
LEVER_GROUPS_EN = {
    "culture": "Culture",
    "policy": "Policy",
    "instruments": "Instruments",
    "learning": "A learning government",
}

#: Named policy packages (``rainforest.packages``): English names by package name.
PACKAGES_EN: dict[str, str] = {
    "shanghai-2025-ai-measures": "Shanghai's 2025 AI measures",
    "hangzhou-2014-push": "Hangzhou's 2014 push",
    "hefei-invest-to-attract": "Hefei's invest-to-attract",
}
#: English lever labels where the field name alone is terse.
LEVERS_EN: dict[str, str] = {
    "instruments.one_yuan_offices": "One-yuan offices",
    "instruments.state_prea_rate": "State Pre-A cheques (chance a month)",
    "instruments.state_prea_cheque": "State Pre-A cheque",
    "instruments.opc_grant": "One-person-company grant",
    "instruments.ai_task_force": "AI task force (officials)",
    "instruments.early_users": "Trusted early users (garage trust)",
    "culture.failure_tolerance": "Tolerance of failure",
    "culture.risk_appetite": "Risk appetite",
    "culture.risk_appetite_sd": "Spread of risk appetite",
    "culture.credential_preference": "Preference for credentials",
    "culture.stability_preference": "Preference for a stable job",
    "culture.belief": "Belief that founding pays",
    "policy.rd_subsidy_share": "R&D cost refunded",
    "policy.rent_subsidy_share": "Rent refunded",
    "policy.rent_subsidy_months": "Months of rent subsidy",
    "policy.talent_subsidy": "Talent subsidy per founder",
    "policy.grant_max": "Largest grant",
    "policy.grant_rate": "Chance of a grant",
    "policy.service_latency_days": "Days to pay a subsidy",
    "policy.registration_days": "Days to register a firm",
    "policy.liability_exemption": "Liability exemption for officials",
    "policy.sandbox": "Regulatory sandbox",
    "policy.open_data": "Open government data",
    "policy.compute_vouchers": "Compute vouchers",
    "policy.open_scenarios": "Open scenarios (first buyers)",
    "policy.shared_labs": "Shared labs",
    "policy.land_price_factor": "R&D land price vs commercial",
    "policy.state_preference": "Bias toward the national team",
    "area_km2": "Area",
    "third_places_per_km2": "Third places per km²",
    "under35_share": "Share under 35",
    "state_employment_share": "Share employed by the state",
}


def page_words(lang: str | None = None) -> dict[str, str]:
    """The dashboard's words in ``lang`` (English where a Chinese entry is missing)."""
    if not _is_zh(lang):
        return dict(UI_EN)
    return {k: zh.UI.get(k, v) for k, v in UI_EN.items()}


def get_lang() -> str:
    """The current language: set by :func:`use_lang`, else ``$RAINFOREST_LANG``, else ``en``."""
    lang = _lang.get() or os.environ.get(ENV_VAR, "").strip().lower() or "en"
    return normalise(lang)


def normalise(lang: str | None) -> str:
    """``zh``, ``zh-CN``, ``zh_Hans`` ... -> ``zh``; anything else known -> itself, else ``en``."""
    code = (lang or "en").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else "en"


def set_lang(lang: str | None) -> str:
    """Set the language for this context (the CLI does so once per command); ``None`` goes
    back to ``$RAINFOREST_LANG`` or English. Returns the normalised code in effect."""
    _lang.set(normalise(lang) if lang else None)
    return get_lang()


@contextlib.contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """Use ``lang`` inside a ``with`` block (``None`` keeps the current one)."""
    token = _lang.set(normalise(lang) if lang else get_lang())
    try:
        yield get_lang()
    finally:
        _lang.reset(token)


def _is_zh(lang: str | None) -> bool:
    return (normalise(lang) if lang else get_lang()) == "zh"


def t(key: str, lang: str | None = None, **values: Any) -> str:
    """A message by key, formatted with ``values`` (unknown keys come back as the key)."""
    text = (zh.MESSAGES if _is_zh(lang) else MESSAGES_EN).get(key) or MESSAGES_EN.get(key, key)
    return text.format(**values) if values else text


def metric_label(metric: str, lang: str | None = None) -> str:
    """A metric's label (``"Foundings"`` / ``"新创企业"``): the registry's label (its
    ``label_zh`` first in Chinese), else this catalogue's Chinese entry, else the name."""
    from rainforest import registry

    try:
        m = registry.get(metric)
    except Exception:  # not a registered metric: an outcome name such as high_growth
        m = None
    if _is_zh(lang):
        if m is not None and getattr(m, "label_zh", ""):
            return m.label_zh
        if metric in zh.METRICS:
            return zh.METRICS[metric]
    if m is not None:
        return m.label
    if metric in OUTCOMES_EN:
        return OUTCOMES_EN[metric][0]
    return metric.replace("_", " ").capitalize()


def unit_label(unit: str, lang: str | None = None) -> str:
    """A unit in the language (``"million yuan"`` / ``"百万元"``)."""
    return zh.UNITS.get(unit, unit) if _is_zh(lang) else unit


def lever_label(path: str, lang: str | None = None) -> str:
    """A lever's label from its path (``regions.x.policy.sandbox``, ``policy.sandbox`` or
    ``openness``): ``"Sandbox"`` / ``"监管沙盒"``."""
    parts = path.split(".")
    if parts[0] == "regions" and len(parts) > 2:
        parts = parts[2:]
    key = ".".join(parts)
    if _is_zh(lang) and key in zh.LEVERS:
        return zh.LEVERS[key]
    if key in LEVERS_EN:
        return LEVERS_EN[key]
    words = parts[-1].replace("_", " ")
    words = words.replace(" km2", " (km²)").replace(" per km2", " per km²")
    words = {"rd": "R&D"}.get(words, words).replace("rd ", "R&D ")
    return words[:1].upper() + words[1:]


def lever_group_label(group: str, lang: str | None = None) -> str:
    """A lever group's label (``"culture"`` -> ``"Culture"`` / ``"文化"``)."""
    if _is_zh(lang) and group in zh.LEVER_GROUPS:
        return zh.LEVER_GROUPS[group]
    return LEVER_GROUPS_EN.get(group, group.replace("_", " ").capitalize())


def preset_label(name: str, lang: str | None = None, both: bool = False) -> str:
    """A preset's display name: ``"Hangzhou"`` / ``"杭州"``; ``both`` gives ``"杭州 Hangzhou"``."""
    en = PRESETS_EN.get(name, (name, ""))[0]
    cn = zh.PRESETS.get(name)
    if both and cn:
        return f"{cn} {en}"
    return cn if (_is_zh(lang) and cn) else en


def package_label(name: str, lang: str | None = None, both: bool = False) -> str:
    """A policy package's display name: ``"Hangzhou's 2014 push"`` / ``"杭州2014数字经济第一城"``;
    ``both`` gives Chinese and English."""
    en = PACKAGES_EN.get(name, name)
    cn = zh.PACKAGES.get(name)
    if both and cn:
        return f"{cn} {en}"
    return cn if (_is_zh(lang) and cn) else en


def preset_group(name: str) -> str:
    """``archetype``, ``place`` or ``network`` (``other`` for a preset not in the catalogue)."""
    return PRESETS_EN.get(name, ("", "other"))[1]


def preset_group_label(group: str, lang: str | None = None) -> str:
    """The heading of a preset group (``"Places"`` / ``"地区"``)."""
    if _is_zh(lang) and group in zh.PRESET_GROUPS:
        return zh.PRESET_GROUPS[group]
    return PRESET_GROUPS_EN.get(group, group.capitalize())


def region_label(region: str, lang: str | None = None) -> str:
    """A region id's display name (``hong_kong`` -> ``"Hong kong"`` / ``"香港"``)."""
    if _is_zh(lang) and region in zh.REGIONS:
        return zh.REGIONS[region]
    en = PRESETS_EN.get(region.replace("_", "-"))
    return en[0] if en else region.replace("_", " ").capitalize()


__all__ = [
    "LANGS",
    "get_lang",
    "lever_group_label",
    "lever_label",
    "metric_label",
    "normalise",
    "package_label",
    "page_words",
    "preset_group",
    "preset_group_label",
    "preset_label",
    "region_label",
    "set_lang",
    "t",
    "unit_label",
    "use_lang",
]

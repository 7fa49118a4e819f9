"""Public statistics for the seed places and exemplars: cited figures to hold the model against.

The presets say what a place is like; these tables say what public documents report about it
(statistical bulletins, park and government reports, BLS, Hurun, PitchBook), so that the model's
magnitudes can be checked (:mod:`rainforest.data.compare`) instead of read back from inputs.

Each place has one CSV under ``statistics/`` with the columns of :data:`COLUMNS`. Every row
cites its publisher and document (and a URL, except for the seed essays' own figures, whose
publisher is ``seed NNN`` and whose document is the quoted phrase). The note starts with the
row's *scope*: ``district`` (covers the preset's district), ``wider`` (a wider area: the note
says how a preset should map it), ``narrower`` (a part of it) or ``national`` (a national or
global regularity such as survival curves). Units come from :data:`UNITS`, measures from
:data:`MEASURES`; :func:`load_statistics` validates every file and refuses a bad row.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

#: Folder of the shipped CSV files, one per place.
DATA_DIR = Path(__file__).with_name("statistics")

#: Columns of every statistics CSV, in order.
COLUMNS = (
    "place",
    "measure",
    "value",
    "unit",
    "year",
    "area_covered",
    "publisher",
    "document",
    "url",
    "note",
)

#: What a row's note must start with (then a colon): how the figure's area maps to the preset.
SCOPES = ("district", "wider", "narrower", "national")

#: Known units and what they mean. Money is in millions of the named currency, as published.
UNITS = {
    "people": "persons",
    "km2": "square kilometres",
    "firms": "organisations (a stock)",
    "firms/year": "organisations a year (a flow)",
    "firms/month": "organisations a month (a flow)",
    "firms/km2": "organisations per square kilometre",
    "applications/month": "business applications a month",
    "institutions": "research or education institutions",
    "deals/year": "financing rounds a year",
    "deals/half-year": "financing rounds in a half-year",
    "people/year": "persons a year (a flow)",
    "patents/10k people": "valid invention patents per 10,000 people",
    "share": "a fraction between 0 and 1",
    "share/year": "a fraction a year (a rate)",
    "years": "years",
    "million sq ft": "millions of square feet of floor space",
    "million CNY/year": "millions of yuan a year",
    "million CNY/half-year": "millions of yuan in a half-year",
    "million CNY/km2/year": "millions of yuan per square kilometre a year",
    "million USD": "millions of US dollars (a size)",
    "million USD/year": "millions of US dollars a year",
    "million EUR/year": "millions of euros a year",
    "million GBP/year": "millions of pounds a year",
}

#: Known measures, grouped for the coverage table (group, description).
MEASURES: dict[str, tuple[str, str]] = {
    "area": ("area", "area covered"),
    "population": ("workforce", "residents"),
    "workers": ("workforce", "people working in the area"),
    "knowledge_workers": ("workforce", "high-skill workers"),
    "tech_jobs": ("workforce", "jobs in technology occupations or firms"),
    "researchers": ("workforce", "researchers"),
    "phd_holders": ("workforce", "people with a doctorate"),
    "masters_holders": ("workforce", "people with a master's degree"),
    "under35_share": ("workforce", "share of people younger than 35"),
    "job_change_rate": ("workforce", "share of the employed changing employer a month"),
    "unemployment_rate": ("workforce", "unemployed share of the labour force"),
    "anchor_employees": ("workforce", "employees of the anchor firm"),
    "spinout_jobs": ("workforce", "jobs in spin-out companies"),
    "job_growth": ("growth", "jobs added a year"),
    "job_growth_rate": ("growth", "growth of jobs a year"),
    "enterprises": ("enterprises", "enterprises (a stock)"),
    "business_entities": ("enterprises", "registered business entities, individual ones included"),
    "biotech_companies": ("enterprises", "biotechnology and pharmaceutical companies"),
    "scaleups": ("enterprises", "firms that raised over $1 million"),
    "venture_backed_startups": ("enterprises", "active venture-backed startups"),
    "fortune500_projects": ("enterprises", "Fortune Global 500 investment projects"),
    "spinouts": ("enterprises", "university spin-out companies created"),
    "new_enterprises": ("new firms", "new enterprises a year"),
    "firms_gained": ("new firms", "firms added a year, founded or moved in"),
    "moved_in_share": ("enterprises", "share of a district's firms that started outside it"),
    "new_spinouts": ("new firms", "new spin-out companies a year"),
    "business_applications": ("new firms", "business applications a month"),
    "projected_business_formations": ("new firms", "employer businesses projected to form"),
    "high_tech_enterprises": ("high-tech", "national high-tech enterprises (a stock)"),
    "high_tech_enterprises_per_km2": ("high-tech", "national high-tech enterprises per km²"),
    "new_high_tech_enterprises": ("high-tech", "newly recognised high-tech enterprises a year"),
    "tech_smes": ("high-tech", "registered science-and-technology SMEs"),
    "specialised_smes": ("high-tech", "specialised and sophisticated (专精特新) firms"),
    "specialised_smes_per_km2": ("high-tech", "specialised (专精特新) SMEs per km²"),
    "little_giants": ("high-tech", "national 'little giant' firms"),
    "little_giants_per_km2": ("high-tech", "national 'little giant' firms per km²"),
    "listed_firms": ("listed", "listed companies (a stock)"),
    "listed_per_km2": ("listed", "listed companies per km²"),
    "new_listings": ("listed", "new listings a year"),
    "unicorns": ("unicorns", "unlisted firms valued at $1 billion or more (a stock)"),
    "new_unicorns": ("unicorns", "new unicorns a year"),
    "vc_deals": ("venture", "venture deals"),
    "vc_value": ("venture", "venture capital invested"),
    "vc_value_seed": ("venture", "pre-seed and seed capital invested"),
    "vc_median_deal_preseed": ("venture", "median pre-seed deal"),
    "vc_median_deal_seed": ("venture", "median seed deal"),
    "vc_share_of_us": ("venture", "share of US venture funding"),
    "spinout_investment": ("venture", "investment raised by spin-outs"),
    "ai_vc_value": ("venture AI", "venture capital invested in AI companies"),
    "ai_vc_deals": ("venture AI", "venture deals in AI companies"),
    "ai_vc_share": ("venture AI", "share of venture capital going to AI"),
    "ai_vc_avg_deal": ("venture AI", "average AI deal size"),
    "vc_avg_deal": ("venture", "average deal size"),
    "vc_median_deal_early": ("venture", "median early-stage deal"),
    "vc_megadeal_share": ("venture", "share of venture value in rounds of $100 million or more"),
    "deals_below_1x": ("venture", "share of realised venture financings returning under 1x"),
    "deals_10x_plus": ("venture", "share of realised venture financings returning 10x or more"),
    "funded_next_round_share": ("venture", "share of angel/seed-funded firms raising a next round"),
    "funded_ipo_share": ("venture", "share of angel/seed-funded firms that went public"),
    "funded_unicorn_share": ("venture", "share of angel/seed-funded firms that became unicorns"),
    "exits_ipo_share": ("venture", "share of venture-backed firms' exits that were IPOs"),
    "exits_acquired_share": ("venture", "share of venture-backed firms' exits, acquisitions"),
    "patents_per_10k": ("patents", "valid invention patents per 10,000 people"),
    "patent_conversion_rate": ("patents", "share of patents converted to use"),
    "rd_spending": ("patents", "R&D spending"),
    "rd_share_gdp": ("patents", "R&D spending as a share of GDP"),
    "rd_share_of_country": ("patents", "share of the country's R&D spending"),
    "research_institutions": ("patents", "research and education institutions"),
    "gdp": ("output", "value added (GDP)"),
    "gdp_share_of_country": ("output", "share of the country's GDP"),
    "revenue": ("output", "operating revenue of the area's enterprises"),
    "industrial_output": ("output", "gross output of industry above designated size"),
    "ic_revenue": ("output", "integrated-circuit industry sales"),
    "industrial_exports": ("output", "industrial exports"),
    "digital_economy_share": ("output", "digital-economy value added as a share of GDP"),
    "output_per_km2": ("output", "output per km²"),
    "office_vacancy": ("output", "office vacancy rate"),
    "lab_space_added": ("output", "laboratory space added"),
    "anchor_office_space": ("output", "office space of the anchor firm"),
    "gdp_growth": ("growth", "real or nominal GDP growth (the note says which)"),
    "revenue_growth": ("growth", "growth of operating revenue"),
    "exit_hazard_age_1": ("survival", "exit rate in the year of founding"),
    "exit_hazard_age_2": ("survival", "exit rate in the second year"),
    "exit_hazard_age_3": ("survival", "exit rate in the third year"),
    "mean_life_of_exits": ("survival", "average age of exiting firms"),
    "share_exits_within_5y": ("survival", "share of exits aged five years or less"),
    "share_firms_under_5y": ("survival", "share of firms younger than five"),
    "annual_death_rate": ("survival", "share of firms exiting a year"),
}
#: Survival curves: ``survival_age_<N>`` is the share of a cohort alive N years after birth.
SURVIVAL_RE = re.compile(r"^survival_age_(\d{1,2})$")

#: The groups of :data:`MEASURES`, in the order the coverage table shows them.
GROUPS = (
    "area",
    "workforce",
    "enterprises",
    "new firms",
    "high-tech",
    "listed",
    "unicorns",
    "venture",
    "venture AI",
    "patents",
    "output",
    "growth",
    "survival",
)

#: Places that are not presets: national and global regularities.
NATIONAL_PLACES = (
    "china",
    "hong-kong",
    "japan",
    "netherlands",
    "singapore",
    "united-kingdom",
    "united-states",
    "world",
)

#: The country of each place with statistics, whose national rows (venture deal sizes) apply
#: to it; places not listed have no national figures compared with them.
COUNTRY_OF: dict[str, str] = {
    **dict.fromkeys(
        ("caohejing", "zhangjiang", "hangzhou", "shenzhen", "hefei", "nanjing", "guangzhou"),
        "china",
    ),
    **dict.fromkeys(
        (
            "research-triangle",
            "kendall-square",
            "silicon-valley",
            "austin",
            "south-lake-union",
            "cerebral-valley",
            "detroit",
        ),
        "united-states",
    ),
    **dict.fromkeys(("east-london", "oxford"), "united-kingdom"),
    "one-north": "singapore",
    "eindhoven": "netherlands",
    "tsukuba": "japan",
}

_MIN_YEAR, _MAX_YEAR = 1950, 2030


class DataError(ValueError):
    """A statistics file or row that breaks the schema, or an unknown place or measure."""


def measure_group(measure: str) -> str:
    """The coverage group of a measure (``survival`` for ``survival_age_N``).

    Raises
    ------
    DataError
        If the measure is not known.
    """
    if SURVIVAL_RE.match(measure):
        return "survival"
    if measure not in MEASURES:
        raise DataError(f"unknown measure {measure!r}")
    return MEASURES[measure][0]


def scope_of(note: str) -> str | None:
    """The scope a note starts with (``district``, ``wider``, ``narrower``, ``national``)."""
    head = note.split(":", 1)[0].strip()
    return head if head in SCOPES and ":" in note else None


def row_problems(row: dict, where: str = "") -> list[str]:
    """Everything wrong with one row (as read from a CSV: strings), as readable lines."""
    out = []
    at = f"{where}: " if where else ""
    for col in ("place", "measure", "unit", "area_covered", "publisher", "document", "note"):
        if not str(row.get(col) or "").strip():
            out.append(f"{at}empty {col}")
    measure = str(row.get("measure") or "")
    if measure and not (measure in MEASURES or SURVIVAL_RE.match(measure)):
        out.append(f"{at}unknown measure {measure!r}")
    unit = str(row.get("unit") or "")
    if unit and unit not in UNITS:
        out.append(f"{at}unknown unit {unit!r}")
    try:
        value = float(row.get("value"))
    except (TypeError, ValueError):
        out.append(f"{at}value {row.get('value')!r} is not a number")
    else:
        if not math.isfinite(value):
            out.append(f"{at}value {value} is not finite")
        elif value < 0 and not (measure in MEASURES and MEASURES[measure][0] == "growth"):
            out.append(f"{at}value {value} is negative")  # growth rates may fall below 0
        elif unit.startswith("share") and value > 1 and unit != "share/year":
            out.append(f"{at}share {value} above 1")
    year = str(row.get("year") or "").strip()
    if year and (not year.isdigit() or not _MIN_YEAR <= int(year) <= _MAX_YEAR):
        out.append(f"{at}year {year!r} is not a year between {_MIN_YEAR} and {_MAX_YEAR}")
    publisher = str(row.get("publisher") or "")
    url = str(row.get("url") or "").strip()
    if not re.match(r"^seed \d{3}$", publisher):
        if not re.match(r"^https?://\S+$", url):
            out.append(f"{at}a public figure needs a URL (got {url!r})")
    elif url:
        out.append(f"{at}a seed figure cites its phrase, not a URL")
    note = str(row.get("note") or "")
    if note and scope_of(note) is None:
        out.append(f"{at}note must start with one of {', '.join(SCOPES)} and a colon")
    return out


def _read(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if tuple(df.columns) != COLUMNS:
        raise DataError(f"{path.name}: columns {list(df.columns)} are not {list(COLUMNS)}")
    problems = []
    for i, row in enumerate(df.to_dict("records")):
        problems += row_problems(row, f"{path.name} row {i + 2}")
        if row["place"] != path.stem:
            problems.append(f"{path.name} row {i + 2}: place {row['place']!r} in the wrong file")
    if problems:
        raise DataError("; ".join(problems[:10]) + ("; …" if len(problems) > 10 else ""))
    return df


def statistics_files(folder: Path | None = None) -> list[Path]:
    """The statistics CSV files, sorted by place."""
    return sorted((folder or DATA_DIR).glob("*.csv"))


def load_statistics(
    place: str | None = None, measure: str | None = None, folder: Path | None = None
) -> pd.DataFrame:
    """The public statistics, validated, optionally for one place and/or one measure.

    Parameters
    ----------
    place
        A place (a preset name such as ``"caohejing"``, or ``"china"``, ``"united-states"``,
        ``"world"``); None for all.
    measure
        A measure of :data:`MEASURES` (or ``survival_age_N``); None for all.
    folder
        Another folder of CSV files with the same schema (tests); the shipped data by default.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS` (``value`` a float, ``year`` a nullable integer) plus
        ``scope`` (from the note) and ``group`` (of the measure).

    Raises
    ------
    DataError
        If a file breaks the schema, or the place or measure is unknown.
    """
    frames = [_read(p) for p in statistics_files(folder)]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    df["value"] = df["value"].astype(float)
    df["year"] = pd.to_numeric(df["year"].replace("", None)).astype("Int64")
    df["scope"] = [scope_of(n) for n in df["note"]]
    df["group"] = [measure_group(m) for m in df["measure"]]
    if place is not None:
        if place not in set(df["place"]):
            raise DataError(
                f"no statistics for place {place!r}; known: {', '.join(sorted(set(df.place)))}"
            )
        df = df[df["place"] == place]
    if measure is not None:
        measure_group(measure)
        df = df[df["measure"] == measure]
    return df.reset_index(drop=True)


def places() -> list[str]:
    """The places that have statistics, sorted."""
    return sorted(p.stem for p in statistics_files())


def coverage(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows per place and measure group (places as rows, :data:`GROUPS` as columns)."""
    df = load_statistics() if df is None else df
    table = pd.crosstab(df["place"], df["group"])
    return table.reindex(columns=list(GROUPS), fill_value=0)


__all__ = [
    "COLUMNS",
    "COUNTRY_OF",
    "DATA_DIR",
    "GROUPS",
    "MEASURES",
    "NATIONAL_PLACES",
    "SCOPES",
    "UNITS",
    "DataError",
    "coverage",
    "load_statistics",
    "measure_group",
    "places",
    "row_problems",
    "scope_of",
    "statistics_files",
]

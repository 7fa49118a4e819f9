"""Leydesdorff's triple-helix synergy: mutual information in three dimensions, in millibits.

Trend 1 of seed 001 ("从单一模式到多模式的融合";
"Henry Etzkowitz 和Loet Leydesdorff总结的三螺旋模型") asks whether university, industry
and government knowledge *fuse* in a district. Leydesdorff measures that fusion on
organisations classified in three dimensions — geography (where the organisation is),
technology (its domain) and organisation (its size or kind) — by the
mutual information among the three:

.. math::

    T_{xyz} = H_x + H_y + H_z - H_{xy} - H_{xz} - H_{yz} + H_{xyz}

with Shannon entropies :math:`H = -\\sum p \\log_2 p` of the marginal and joint distributions.
Unlike the two-dimensional mutual information, :math:`T_{xyz}` can be negative; a negative value
means *synergy*, a reduction of uncertainty that none of the bilateral relations accounts for.
Values are reported in millibits (bits x 1000), as in the papers.

The geographic decomposition (Leydesdorff & Fritsch 2006, following Theil's decomposition of
entropy) splits the synergy of a whole over groups of units (regions):

.. math::

    T = T_0 + \\sum_g \\frac{n_g}{N} T_g

where :math:`T_g` is the synergy computed inside group :math:`g` (weight :math:`n_g/N`) and
:math:`T_0` the between-group term. The term :math:`(n_g/N)\\,T_g` is region g's contribution:
the more negative, the more the region adds to the synergy of the whole.

A caveat for simulated results: inside one region the geography dimension needs a finer
unit than the region itself (Leydesdorff & Fritsch used districts within Länder); with the
region as the only geography :math:`H_x = 0` and :math:`T_g = 0` identically. :func:`synergy`
therefore uses the organisations' neighbourhood cell when the result carries one (column
``cell`` of ``Result.orgs``) and says which unit it used.

References
----------
Leydesdorff, L. (2003). The mutual information of university-industry-government relations:
an indicator of the Triple Helix dynamics. Scientometrics 58(2), 445-467.

Leydesdorff, L., Dolfsma, W., & van der Panne, G. (2006). Measuring the knowledge base of an
economy in terms of triple-helix relations among 'technology, organization, and territory'.
Research Policy 35(2), 181-199.

Leydesdorff, L., & Fritsch, M. (2006). Measuring the knowledge base of regional innovation
systems in Germany in terms of a Triple Helix dynamics. Research Policy 35(10), 1538-1553.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

#: Size classes of the organisation dimension: real employees (EU SME definition bounds).
SIZE_CLASSES = ((0, "1-9"), (10, "10-49"), (50, "50-249"), (250, "250+"))
#: Organisation kinds that count as firms in the synergy table (industry's units).
FIRM_KINDS = ("startup", "sme", "listed", "anchor")


def entropy(counts: Sequence[float] | np.ndarray) -> float:
    """Shannon entropy in bits of a distribution given by non-negative counts or weights.

    Parameters
    ----------
    counts
        Frequencies (any scale); zeros are ignored.

    Returns
    -------
    float
        :math:`-\\sum_i p_i \\log_2 p_i` with :math:`p_i = c_i / \\sum c`; 0 for an empty table.
    """
    c = np.asarray(counts, dtype=float).ravel()
    c = c[c > 0]
    total = c.sum()
    if total <= 0:
        return 0.0
    p = c / total
    return float(-(p * np.log2(p)).sum())


def _millibits(bits: float) -> float:
    """Bits -> millibits, with floating-point noise around zero removed."""
    mb = 1000.0 * bits
    return 0.0 if abs(mb) < 1e-9 else mb


def _weights(table: pd.DataFrame, weight: str | None) -> pd.Series:
    if weight is None:
        return pd.Series(1.0, index=table.index)
    return table[weight].astype(float)


def _joint_entropy(table: pd.DataFrame, cols: Sequence[str], w: pd.Series) -> float:
    if len(table) == 0:
        return 0.0
    grouped = w.groupby([table[c] for c in cols], observed=True, sort=False).sum()
    return entropy(grouped.to_numpy())


def mutual_information(table: pd.DataFrame, x: str, y: str, weight: str | None = None) -> float:
    """Two-dimensional mutual information :math:`T_{xy} = H_x + H_y - H_{xy}` in millibits.

    Parameters
    ----------
    table
        One row per unit (organisation) with categorical columns ``x`` and ``y``.
    x, y
        Column names of the two dimensions.
    weight
        Optional column of unit weights (e.g. real organisations a simulated one stands for).

    Returns
    -------
    float
        Non-negative mutual information in millibits.
    """
    w = _weights(table, weight)
    hx = _joint_entropy(table, [x], w)
    hy = _joint_entropy(table, [y], w)
    hxy = _joint_entropy(table, [x, y], w)
    return _millibits(hx + hy - hxy)


def triple_helix(table: pd.DataFrame, x: str, y: str, z: str, weight: str | None = None) -> float:
    """Leydesdorff's three-dimensional mutual information :math:`T_{xyz}` in millibits.

    Parameters
    ----------
    table
        One row per unit (organisation) with categorical columns ``x``, ``y`` and ``z``
        (geography, technology, organisation).
    x, y, z
        Column names of the three dimensions.
    weight
        Optional column of unit weights.

    Returns
    -------
    float
        :math:`H_x + H_y + H_z - H_{xy} - H_{xz} - H_{yz} + H_{xyz}`, in millibits; negative
        values indicate synergy.

    References
    ----------
    Leydesdorff (2003), Scientometrics 58:445; Leydesdorff & Fritsch (2006), Research Policy
    35:1538.
    """
    w = _weights(table, weight)
    dims = [x, y, z]
    total = 0.0
    for k in (1, 2, 3):
        sign = 1.0 if k % 2 == 1 else -1.0
        for cols in combinations(dims, k):
            total += sign * _joint_entropy(table, list(cols), w)
    return _millibits(total)


def decompose(
    table: pd.DataFrame,
    x: str,
    y: str,
    z: str,
    group: str,
    weight: str | None = None,
) -> pd.DataFrame:
    """Decompose :math:`T_{xyz}` over groups: :math:`T = T_0 + \\sum_g (n_g/N) T_g`.

    Parameters
    ----------
    table
        One row per unit with the three dimension columns and a ``group`` column (the region).
    x, y, z
        Dimension columns (geography at a finer unit than ``group``, technology, organisation).
    group
        Column that defines the groups (regions).
    weight
        Optional column of unit weights; :math:`n_g` and :math:`N` are then weighted counts.

    Returns
    -------
    DataFrame
        One row per group with ``n`` (weighted units), ``share`` (:math:`n_g/N`), ``T``
        (:math:`T_g`, millibits) and ``contribution`` (:math:`(n_g/N) T_g`), then a row
        ``"(between)"`` with :math:`T_0` as its contribution and a row ``"(total)"`` with
        :math:`T`. Contributions sum to the total.

    References
    ----------
    Leydesdorff & Fritsch (2006), Research Policy 35:1538, section 3 (decomposition);
    Theil (1972), Statistical Decomposition Analysis.
    """
    w = _weights(table, weight)
    n_total = float(w.sum())
    total = triple_helix(table, x, y, z, weight)
    rows = []
    for g, sub in table.groupby(group, observed=True, sort=True):
        n_g = float(w.loc[sub.index].sum())
        t_g = triple_helix(sub, x, y, z, weight)
        share = n_g / n_total if n_total > 0 else 0.0
        rows.append({"group": g, "n": n_g, "share": share, "T": t_g, "contribution": share * t_g})
    within = sum(r["contribution"] for r in rows)
    rows.append(
        {
            "group": "(between)",
            "n": n_total,
            "share": np.nan,
            "T": np.nan,
            "contribution": total - within,
        }
    )
    rows.append({"group": "(total)", "n": n_total, "share": 1.0, "T": total, "contribution": total})
    return pd.DataFrame(rows)


def size_class(real_employees: np.ndarray | pd.Series) -> pd.Categorical:
    """Size class of each organisation from its real headcount (1-9, 10-49, 50-249, 250+)."""
    e = np.asarray(real_employees, dtype=float)
    bounds = np.array([b for b, _ in SIZE_CLASSES[1:]], dtype=float)
    codes = np.searchsorted(bounds, e, side="right")
    return pd.Categorical.from_codes(codes, categories=[name for _, name in SIZE_CLASSES])


def organisation_table(res, organisation: str = "size", kinds: Sequence[str] = FIRM_KINDS):
    """The units of the synergy table: living firms of a Result with their three dimensions.

    Parameters
    ----------
    res : Result
        A finished run (final state of ``orgs`` is used).
    organisation
        ``"size"`` (real-headcount class, Leydesdorff's choice) or ``"kind"`` (startup, SME,
        listed, anchor).
    kinds
        Organisation kinds included (firms by default).

    Returns
    -------
    DataFrame
        Columns ``region``, ``cell`` (neighbourhood, or the region when the result has no
        ``cell`` column), ``technology`` (domain), ``organisation`` and ``weight`` (real
        organisations a row stands for).
    """
    o = res.orgs
    scale = float(res.meta.get("scale", 1.0))
    sel = o[o["alive"].astype(bool) & o["kind"].astype(str).isin(kinds) & (o["weight"] > 0)]
    if organisation == "size":
        real = sel["employees"].to_numpy(float) * scale / sel["weight"].to_numpy(float)
        org_dim = size_class(np.maximum(real, 1.0))
    elif organisation == "kind":
        org_dim = sel["kind"].astype(str).to_numpy()
    else:
        raise ValueError(f"organisation must be 'size' or 'kind', got {organisation!r}")
    region = sel["region"].astype(str).to_numpy()
    if "cell" in sel.columns:
        cell = region.astype(object) + ":" + sel["cell"].astype(str).to_numpy().astype(object)
    else:
        cell = region
    return pd.DataFrame(
        {
            "region": region,
            "cell": cell,
            "technology": sel["domain"].astype(str).to_numpy(),
            "organisation": np.asarray(org_dim, dtype=object),
            "weight": sel["weight"].to_numpy(float),
        }
    )


@dataclass
class Synergy:
    """Triple-helix synergy of a run.

    Attributes
    ----------
    T_region : float
        :math:`T_{GTO}` in millibits with geography = region (0 for a one-region scenario).
    T_cell : float
        :math:`T_{GTO}` with geography = neighbourhood cell, the finer unit of the
        decomposition (equal to ``T_region`` when the result has no cells).
    geography_unit : str
        ``"cell"`` or ``"region"``: the finer unit actually used.
    decomposition : DataFrame
        :func:`decompose` of ``T_cell`` over regions.
    bilateral : DataFrame
        Per region (and ``"all"``): :math:`T_{GT}, T_{GO}, T_{TO}` in millibits and the unit
        count.
    """

    T_region: float
    T_cell: float
    geography_unit: str
    decomposition: pd.DataFrame
    bilateral: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One tidy table: the decomposition rows plus the region-level T."""
        d = self.decomposition.copy()
        d.insert(0, "measure", "T_geography_technology_organisation")
        d["geography_unit"] = self.geography_unit
        extra = pd.DataFrame(
            [
                {
                    "measure": "T_region_technology_organisation",
                    "group": "(total)",
                    "n": d["n"].iloc[-1] if len(d) else 0.0,
                    "share": 1.0,
                    "T": self.T_region,
                    "contribution": self.T_region,
                    "geography_unit": "region",
                }
            ]
        )
        return pd.concat([d, extra], ignore_index=True)


def synergy(res, organisation: str = "size") -> Synergy:
    """Triple-helix synergy (geography x technology x organisation) of a Result's firms.

    Parameters
    ----------
    res : Result
        A finished run.
    organisation
        ``"size"`` or ``"kind"``, see :func:`organisation_table`.

    Returns
    -------
    Synergy
        Region-level and cell-level :math:`T`, the geographic decomposition and bilateral
        mutual informations. Negative :math:`T` = synergy.

    References
    ----------
    Leydesdorff & Fritsch (2006), Research Policy 35:1538.
    """
    t = organisation_table(res, organisation)
    unit = "cell" if "cell" in res.orgs.columns else "region"
    t_region = triple_helix(t, "region", "technology", "organisation", "weight")
    t_cell = triple_helix(t, "cell", "technology", "organisation", "weight")
    dec = decompose(t, "cell", "technology", "organisation", "region", "weight")
    bil = []
    for name, sub in [("all", t), *list(t.groupby("region", sort=True))]:
        bil.append(
            {
                "region": name,
                "units": float(sub["weight"].sum()),
                "T_geography_technology": mutual_information(sub, "cell", "technology", "weight"),
                "T_geography_organisation": mutual_information(
                    sub, "cell", "organisation", "weight"
                ),
                "T_technology_organisation": mutual_information(
                    sub, "technology", "organisation", "weight"
                ),
                "T_geography_technology_organisation": triple_helix(
                    sub, "cell", "technology", "organisation", "weight"
                ),
            }
        )
    return Synergy(t_region, t_cell, unit, dec, pd.DataFrame(bil))

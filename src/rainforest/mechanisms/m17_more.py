"""M17, continued — the four instruments issue 16 listed as missing after the first M17.

Why a module of its own, NumPy only: each acts on inputs the compiled mechanisms already read
(experiment costs, the cross-region contact draws of M12) or on the tables between months
(firms' cash, patents, a firm's region), so no kernel recompiles; M17's hooks call it, and with
every instrument at its default a run is bit-identical to one without it.

- **Subsidies by patent count vs case by case (一事一议; seed 003, an AI model's opinion)**: a
  per-patent subsidy pays every firm for the patents it is granted (M8 draws patents per region,
  so a firm's own are paid at their expected rate, ``patent_rate`` x its workers) and makes firms
  file extra low-value patents (Poisson, ``patent_subsidy_response`` x subsidy / filing cost,
  capped) that raise the patent count but not any firm's quality. Case-by-case support assesses
  young startups' product fit with an error, pays the best ``case_cheque`` after
  ``case_latency_months`` within a yearly budget, once per firm, at a service cost per case.
- **Data localisation and cross-border data rules (seed 003, opinion)**: strictness ``s``
  relaxed by data-circulation pilots (``s (1 - data_circulation)``) raises experiment cost by
  ``data_rules_cost`` x strictness x the domain's data dependence (``DomainP.data``) and cuts
  cross-region contacts to and from the place by ``data_rules_contact_cut`` x the stricter end.
- **Online communities linking founders across places (seed 000)**: cross-region contacts
  between regions r and q rise by ``community_boost`` x c_r x c_q.
  Both contact instruments act through M12's draws: the compiled contact kernels draw a remote
  contact with one global share and its region from row r of ``remote_cdf``; a per-region share
  is written as a larger global share with row r's own region given the rest (a draw of the own
  region falls through to a local contact in ``pick_partner``). The second edition's living
  network draws its remote ties from the same share and rows (``living_network.network_month``;
  a draw of the own region is an encounter by rank there), so both instruments act on its ties.
- **Firms relocating between cities (seed 004: 游科 from Shenzhen to Hangzhou; Hefei's 以投带引)**:
  at the month's end each startup or SME weighs a move with chance ``relocation_rate``; its gain
  in months of burn from region j is the burn saved over ``relocation_horizon_months`` (wages,
  rent net of rent subsidy, experiments net of R&D subsidy), j's ``relocation_grant`` per
  employee, and log ratios of venture money per person and of local demand for its domain; it
  moves to the best region when the gain less ``relocation_moving_cost`` beats
  ``relocation_threshold``. Its founders and ``relocation_staff_share`` of its employees move
  with it (region and a cell of the new region; the rest are let go at home), people are
  conserved, the regions' population targets follow the movers as in M11.
"""

from __future__ import annotations

import numpy as np

from rainforest.mechanisms import portable_math as pm
from rainforest.mechanisms.common import staff_of
from rainforest.state import accounts
from rainforest.state.tables import EMPLOYED, FOUNDER, SME, STARTUP, UNEMPLOYED

#: Public-cost metrics of these instruments (name, label, label_zh, what it counts); M17 appends
#: them to its COSTS after its total (the registry only appends).
MORE_COSTS: tuple[tuple[str, str, str, str], ...] = (
    ("public_patent_subsidy", "Patent subsidies", "专利数量补贴", "subsidies paid per patent"),
    (
        "public_case_support",
        "Case-by-case support",
        "一事一议支持",
        "cheques paid and officials' cost of assessing cases",
    ),
    ("public_relocation", "Relocation grants", "招商迁入补贴", "grants to firms moving in"),
)
#: Other metrics (name, unit, label, label_zh, description).
MORE_FLOWS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "patents_induced",
        "patents/month",
        "Subsidy-induced patents",
        "补贴诱发专利",
        "Low-value patents filed only to collect a per-patent subsidy (part of patents).",
    ),
    (
        "case_supported",
        "firms/month",
        "Firms supported case by case",
        "一事一议支持企业数",
        "Startups whose case-by-case support was paid this month.",
    ),
    (
        "firms_relocated_in",
        "firms/month",
        "Firms moved in",
        "迁入企业",
        "Startups and SMEs that moved their seat into the region this month.",
    ),
    (
        "firms_relocated_out",
        "firms/month",
        "Firms moved out",
        "迁出企业",
        "Startups and SMEs that moved their seat out of the region this month.",
    ),
)

_EPS = 1e-9


def vec(ins: list, field: str) -> np.ndarray:
    """One instrument's value in every region."""
    return np.array([float(getattr(i, field)) for i in ins])


def strictness(ins: list) -> np.ndarray:
    """Data rules' effective strictness per region: relaxed by data-circulation pilots."""
    return vec(ins, "data_rules") * (1.0 - vec(ins, "data_circulation"))


def data_cost_factor(ins: list, data: np.ndarray, p) -> np.ndarray | None:
    """Multiplier of (region, domain) experiment cost from data rules (None: none)."""
    s = strictness(ins)
    if not s.any():
        return None
    return 1.0 + p.data_rules_cost * s[:, None] * data[None, :]


# --- cross-region contacts: online communities and data rules --------------------------------
def connections(eng, ins: list) -> None:
    """Rewrite this month's remote-contact share and partner draws (set by M12's prepare) so
    each region's share of remote contacts and its partners follow communities and data rules.
    """
    comm = vec(ins, "online_community")
    strict = strictness(ins)
    if not (comm.any() or strict.any()):
        return
    cdf = np.asarray(eng.inputs["remote_cdf"], float)
    nr = cdf.shape[0]
    if nr < 2:
        return
    p = eng.sc.mechanisms.instruments
    share = float(eng.inputs["remote_share"])
    prob = np.diff(np.concatenate([np.zeros((nr, 1)), cdf], axis=1), axis=1)
    np.fill_diagonal(prob, 0.0)
    mult = 1.0 + p.community_boost * comm[:, None] * comm[None, :]
    mult = mult * (1.0 - p.data_rules_contact_cut * np.maximum(strict[:, None], strict[None, :]))
    rate = share * prob * mult  # chance a contact from r goes to q
    total = rate.sum(axis=1)
    cap = eng.sc.mechanisms.connect.max_remote_share
    top = min(float(total.max()), cap)
    if top <= 0.0:
        eng.inputs["remote_share"] = 0.0
        return
    over = total > top
    rate[over] *= (top / total[over])[:, None]
    row = rate / top
    row[np.arange(nr), np.arange(nr)] = 1.0 - row.sum(axis=1)  # the rest: a local contact
    out = np.cumsum(np.clip(row, 0.0, None), axis=1)
    out[:, -1] = 1.0
    eng.inputs["remote_share"] = top
    eng.inputs["remote_cdf"] = np.ascontiguousarray(out)


# --- subsidies by patent count and case-by-case support ---------------------------------------
def plan_hiring(eng, idx: np.ndarray, amount: np.ndarray) -> None:
    """Cash received is meant to be spent: firms ``idx`` plan the extra staff that ``amount``
    pays for ``hiring_months`` (as M5's ``plan_hiring`` after a round, but for the payment
    only: a small monthly payment must not make a firm plan to spend all its cash)."""
    w = eng.w
    O, R, glob = w.O, w.R, w.glob
    r, d = O.region[idx], O.domain[idx]
    exp = eng.inputs["exp_cost"][r, d]
    desk = R.rent[r] * R.land[r]
    start = O.kind[idx] == STARTUP
    per = np.where(
        start,
        glob.startup_pay * R.wage[r] + desk + glob.exp_per_person * exp,
        R.wage[r] + desk + glob.est_per_person * exp,
    )
    O.target[idx] += amount / (glob.hiring_months * per)


def patent_subsidy(eng, ins, n, firm, reg, emp, rng, acc) -> np.ndarray:
    """Pay firms per patent and add the low-value patents it induces; cost by region."""
    nr = acc.shape[0]
    s = vec(ins, "patent_subsidy")
    if not s.any():
        return np.zeros(nr)
    w, p = eng.w, eng.sc.mechanisms.instruments
    O = w.O
    base = np.where(firm, w.glob.patent_rate * emp, 0.0)  # expected patents of each firm
    push = p.patent_subsidy_response * np.minimum(s / p.patent_filing_cost, p.patent_subsidy_cap)
    extra = rng.poisson(base * push[reg]).astype(float)
    extra[~firm] = 0.0
    pay = s[reg] * (base + extra)
    net = pay - extra * p.patent_filing_cost
    O.cash[:n] += net
    paid = np.flatnonzero(net > 0)
    plan_hiring(eng, paid, net[paid])
    induced = np.bincount(reg, weights=extra, minlength=nr)[:nr]
    acc[:, accounts.column("patents_induced")] += induced
    acc[:, accounts.column("patents")] += induced
    w.patent_stock += induced
    acc[:, accounts.column("patent_stock")] = w.patent_stock
    return np.bincount(reg, weights=pay, minlength=nr)[:nr]


def case_support(eng, st, ins, n, start, reg, rng, acc) -> np.ndarray:
    """Assess young startups, pay the best within the budget after the latency; cost."""
    nr = acc.shape[0]
    budget = vec(ins, "case_support_budget")
    if not budget.any():
        return np.zeros(nr)
    O, month, p = eng.w.O, eng.month, eng.sc.mechanisms.instruments
    done = st.get("case_done", np.zeros(0, bool))
    if done.shape[0] < O.cash.shape[0]:
        done = np.concatenate([done, np.zeros(O.cash.shape[0] - done.shape[0], bool)])
    st["case_done"] = done
    cost = np.zeros(nr)
    elig = start & ~done[:n] & (month - O.founded[:n] <= p.case_max_age)
    score = O.fit[:n] + p.case_assessment_noise * rng.standard_normal(n)
    for r in np.flatnonzero(budget):
        idx = np.flatnonzero(elig & (reg == r))
        k = int(np.floor(budget[r] / 12.0 / eng.scale / p.case_cheque + rng.random()))
        k = min(k, len(idx))
        if k <= 0:
            continue
        best = idx[np.argsort(-score[idx], kind="stable")[:k]]
        done[best] = True
        st.setdefault("case_queue", []).append((month + p.case_latency_months, best))
        cost[r] += k * p.case_service_cost
    due = [q for q in st.get("case_queue", []) if q[0] <= month]
    st["case_queue"] = [q for q in st.get("case_queue", []) if q[0] > month]
    for _, idx in due:
        idx = idx[O.alive[idx] == 1]  # a firm that died while its case was studied gets nothing
        O.cash[idx] += p.case_cheque
        plan_hiring(eng, idx, np.full(len(idx), p.case_cheque))
        r_i = O.region[idx]
        cost += np.bincount(r_i, minlength=nr)[:nr] * p.case_cheque
        acc[:, accounts.column("case_supported")] += np.bincount(r_i, minlength=nr)[:nr]
    return cost


# --- firms relocating between regions ---------------------------------------------------------
def relocation_on(sc, ins: list) -> bool:
    """Whether firms weigh moves: the switch, or any region's relocation grant."""
    return bool(sc.mechanisms.instruments.firm_migration or vec(ins, "relocation_grant").any())


def burn_per_employee(eng) -> np.ndarray:
    """(region, domain) monthly burn of one employee: wage, desk rent net of rent subsidy and
    experiments net of R&D subsidy."""
    R, glob = eng.w.R, eng.w.glob
    desk = R.rent * R.land * (1.0 - R.rent_sub)
    exp = glob.exp_per_person * eng.inputs["exp_cost"] * (1.0 - R.rd_sub[:, None])
    return (glob.startup_pay * R.wage + desk)[:, None] + exp


def relocate(eng, ins: list, n, reg, rng, acc) -> np.ndarray:
    """Firms weigh moves and the chosen move with their people; grants paid by region."""
    w, p = eng.w, eng.sc.mechanisms.instruments
    O, P, G = w.O, w.P, w.G
    nr = acc.shape[0]
    grant = vec(ins, "relocation_grant")
    cost = np.zeros(nr)
    if nr < 2:
        return cost
    kind = O.kind[:n]
    movable = (O.alive[:n] == 1) & ((kind == STARTUP) | (kind == SME)) & (O.emp[:n] > 0)
    idx = np.flatnonzero(movable & (rng.random(n) < p.relocation_rate))
    if len(idx) == 0:
        return cost
    r, d = reg[idx], O.domain[idx]
    burn = burn_per_employee(eng)
    here = np.maximum(burn[r, d], _EPS)
    there = burn[:, d].T  # (firm, region)
    gain = p.relocation_horizon_months * (here[:, None] - there) / here[:, None]
    gain += grant[None, :] / here[:, None]
    money = pm.log(np.maximum(eng.invest_pc, 0.0) + _EPS)
    gain += p.relocation_capital_weight * (money[None, :] - money[r][:, None])
    demand = np.asarray(eng.inputs.get("demand", eng.no_demand), float)
    if demand.ndim == 2 and demand.any():
        dem = pm.log(np.maximum(demand[:, d].T, 0.0) + 1e-3)
        gain += p.relocation_market_weight * (dem - dem[np.arange(len(idx)), r][:, None])
    gain[np.arange(len(idx)), r] = -np.inf
    to = np.argmax(gain, axis=1)
    best = gain[np.arange(len(idx)), to]
    go = best - p.relocation_moving_cost > p.relocation_threshold
    if not go.any():
        return cost
    f, src, dst = idx[go], r[go], to[go]
    emp0 = O.emp[f].astype(float)
    O.cash[f] += grant[dst] * emp0 - p.relocation_moving_cost * here[go] * emp0
    O.region[f] = dst
    O.cell[f] = G.reg_cell0[dst] + rng.integers(0, G.reg_ncell[dst])
    # their people: founders and a share of employees move, the others are let go at home
    dest = np.full(O.kind.shape[0], -1, np.int64)
    dest[f] = dst
    status = P.status[: int(P.n[0])]
    ours = staff_of(P, dest >= 0)
    stay = (status[ours] == EMPLOYED) & (rng.random(len(ours)) >= p.relocation_staff_share)
    left = ours[stay]
    np.subtract.at(O.emp, P.employer[left], 1)
    P.employer[left] = -1
    P.status[left] = UNEMPLOYED
    movers = ours[~stay & ((status[ours] == EMPLOYED) | (status[ours] == FOUNDER))]
    to_r = dest[P.employer[movers]].astype(P.region.dtype)
    from_r = P.region[movers]
    P.region[movers] = to_r
    P.cell[movers] = G.reg_cell0[to_r] + rng.integers(0, G.reg_ncell[to_r])
    np.subtract.at(w.pop_target, from_r, 1.0)
    np.add.at(w.pop_target, to_r, 1.0)
    acc[:, accounts.column("firms_relocated_out")] += np.bincount(src, minlength=nr)[:nr]
    acc[:, accounts.column("firms_relocated_in")] += np.bincount(dst, minlength=nr)[:nr]
    cost += np.bincount(dst, weights=grant[dst] * emp0, minlength=nr)[:nr]
    return cost

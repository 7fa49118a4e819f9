"""Scenario -> flat parameter arrays the kernels read.

Regions and domains become namedtuples of arrays indexed by region / domain code; global
mechanism parameters become one namedtuple of floats. Anything a kernel needs per region is
here, computed once (or refreshed monthly by the engine for the few quantities that move, such
as contact rates and belief), so kernels never touch pydantic objects.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from rainforest.scenario.schema import STAGES, Scenario, one_to_one

RegionP = namedtuple(
    "RegionP",
    "area wage rent land openness tolerance risk_mu risk_sd cred_pref stab_pref belief0 "
    "rd_sub rent_sub rent_sub_months talent_sub grant_max grant_rate latency reg_months "
    "exemption sandbox open_data vouchers open_scen shared_labs state_pref productivity "
    "state_share third_places contact_rate belief platform kmax pop_target housing tax "
    "land_supply supply_chain rent0 cred_gate room",
)
DomainP = namedtuple("DomainP", "market cap_int exp_cost ttm regulated data compute hardware")
Globals = namedtuple(
    "Globals",
    "k same_cell_share remote_share base_p same_skill ke qsd reward_scale horizon temperature "
    "unemp_factor exp_boost cofounder_p refound_p savings_months exp_per_person yield_rate lab_cut "
    "platform_cut data_boost scen_boost runway_trigger pitches seed_cheque early_cheque "
    "late_cheque screen_noise rev_multiple valuation_sd growth_rate growth_noise rev_per_emp "
    "ipo_val ipo_min_rev ipo_min_age startup_pay ipo_p acq_p unicorn_val mature_months job_finding "
    "retire_months "
    "startup_spin patent_rate patent_life colleague_boost idea_event_sample specialised_fit "
    "disruption_rate breakeven_fit "
    # behaviour constants that were literals in the kernels (issue 13; docs/constants.md)
    "k_quality anchor_dom startup_dom tol_offset risk_offset cred_stability start_rent_months "
    "initial_fit half_quality est_per_person ref_ttm max_yield fit_noise min_cost_share "
    "open_scen_rev open_scen_months seed_base early_base late_base val_fit_off val_theta_off "
    "down_floor seed_bar later_bar bar_scale bar_risk_cut cred_penalty state_bonus "
    "nonstate_penalty raise_interval cheque_fit_off rescue_min_fit hiring_months "
    "angel_patience angel_seed angel_early angel_late angel_risk angel_home est_disruption "
    "hit_min hit_range rev_min_fit ipo_min_fit ipo_min_rounds ipo_premium acq_min_age "
    "acq_min_fit acq_on_rev liq_pref acq_mu acq_sd angel_min_proceeds angel_share growth_min_fit "
    "growth_runway "
    "est_growth shrink_max_fit shrink_rate spin_quality spin_same_domain transfer_gain "
    "transfer_tries transfer_same_tries grad_age_min grad_age_span uni_quality_mu "
    "acq_success mobile_age_months rd_salary_share grant_min_fit grant_state_bonus "
    "grant_nonstate_cut grant_min_share poach_tries poach_misses poach_accept job_ladder "
    "matching match_eff match_el emp_search joiner_appeal "
    "plan_from_staff entrant_age_min entrant_age_span "
    # capital by need and traction (issue 15; mechanisms.capital.by_traction)
    "by_traction run_seed run_early run_late compute_pp compute_el tr_fit_ref tr_fit_el "
    "tr_potential tr_rev_el tr_step_el tr_step_max tr_min tr_max val_tr_el max_dilution "
    "cheque_share syndicate min_cheque team_seed team_early team_late hot_traction hot_interval "
    # a parent backs its spin-off from its profits (issue 15 item 6)
    "parent_backing parent_bar parent_share "
    # organisations one to one at population scale k > 1 (issue 15 item 5): o2o is 1 when on,
    # mk the scale of investors' money (k when firms are a 1/k sample, 1 when one to one)
    "o2o mk",
)


def region_params(sc: Scenario) -> RegionP:
    """Per-region arrays from the scenario (contact_rate, belief, kmax are refreshed later)."""
    regs = list(sc.regions.values())

    def arr(fn):
        return np.array([float(fn(r)) for r in regs], dtype=np.float64)

    return RegionP(
        area=arr(lambda r: r.area_km2),
        wage=arr(lambda r: r.wage),
        rent=arr(lambda r: r.office_rent),
        land=arr(lambda r: r.policy.land_price_factor),
        openness=arr(lambda r: r.openness),
        tolerance=arr(lambda r: r.culture.failure_tolerance),
        risk_mu=arr(lambda r: r.culture.risk_appetite),
        risk_sd=arr(lambda r: r.culture.risk_appetite_sd),
        cred_pref=arr(lambda r: r.culture.credential_preference),
        stab_pref=arr(lambda r: r.culture.stability_preference),
        belief0=arr(lambda r: r.culture.belief),
        rd_sub=arr(lambda r: r.policy.rd_subsidy_share),
        rent_sub=arr(lambda r: r.policy.rent_subsidy_share),
        rent_sub_months=arr(lambda r: r.policy.rent_subsidy_months),
        talent_sub=arr(lambda r: r.policy.talent_subsidy),
        grant_max=arr(lambda r: r.policy.grant_max),
        grant_rate=arr(lambda r: r.policy.grant_rate),
        latency=arr(lambda r: r.policy.service_latency_days / 30.4),
        reg_months=arr(lambda r: r.policy.registration_days / 30.4),
        exemption=arr(lambda r: r.policy.liability_exemption),
        sandbox=arr(lambda r: r.policy.sandbox),
        open_data=arr(lambda r: r.policy.open_data),
        vouchers=arr(lambda r: r.policy.compute_vouchers),
        open_scen=arr(lambda r: r.policy.open_scenarios),
        shared_labs=arr(lambda r: r.policy.shared_labs),
        state_pref=arr(lambda r: r.policy.state_preference),
        productivity=arr(
            lambda r: (
                r.productivity
                if r.productivity is not None
                else sc.mechanisms.exits.output_per_wage * r.wage
            )
        ),
        state_share=arr(lambda r: r.state_employment_share),
        third_places=arr(lambda r: r.third_places_per_km2),
        contact_rate=np.zeros(len(regs)),
        belief=arr(lambda r: r.culture.belief),
        platform=arr(lambda r: max([a.platform_services for a in r.anchors], default=0.0)),
        kmax=np.zeros(len(regs)),
        pop_target=np.zeros(len(regs)),
        housing=arr(lambda r: r.housing_cost),
        tax=arr(lambda r: r.tax_rate),
        land_supply=arr(lambda r: r.land_supply),
        supply_chain=arr(lambda r: r.supply_chain),
        rent0=arr(lambda r: r.office_rent),
        cred_gate=arr(_credential_gate),
        # room left by demand for the firms' growth (M19's demand_headroom; 1: no limit)
        room=np.ones(len(regs)),
    )


def _credential_gate(region) -> float:
    """Capital-weighted credential weight of a region's investors: how much a founder without
    elite credentials discounts their odds of being funded."""
    money = sum(p.count * p.dry_powder for p in region.investors)
    if money <= 0:
        return 0.0
    return sum(p.count * p.dry_powder * p.credential_weight for p in region.investors) / money


def distance_matrix(sc: Scenario) -> np.ndarray:
    """Kilometres between regions (symmetric; unlisted pairs use the default distance)."""
    names = list(sc.regions)
    n = len(names)
    d = np.full((n, n), sc.mechanisms.connect.default_distance_km)
    np.fill_diagonal(d, 0.0)
    for key, km in sc.distances_km.items():
        a, b = key.split("|")
        i, j = names.index(a), names.index(b)
        d[i, j] = d[j, i] = km
    return d


def policy_arrays(sc: Scenario) -> dict[str, np.ndarray]:
    """The RegionP arrays that come from policy fields (refreshed by policy-change shocks)."""
    full = region_params(sc)
    keys = [
        "rd_sub",
        "rent_sub",
        "rent_sub_months",
        "talent_sub",
        "grant_max",
        "grant_rate",
        "latency",
        "reg_months",
        "exemption",
        "sandbox",
        "open_data",
        "vouchers",
        "open_scen",
        "shared_labs",
        "land",
        "state_pref",
    ]
    return {k: getattr(full, k) for k in keys}


def domain_params(sc: Scenario) -> DomainP:
    """Per-domain arrays."""
    ds = sc.domains
    return DomainP(
        market=np.array([d.market_size for d in ds], np.float64),
        cap_int=np.array([d.capital_intensity for d in ds], np.float64),
        exp_cost=np.array([d.experiment_cost for d in ds], np.float64),
        ttm=np.array([d.time_to_market for d in ds], np.float64),
        regulated=np.array([d.regulated for d in ds], np.uint8),
        data=np.array([d.data_driven for d in ds], np.uint8),
        compute=np.array([d.compute_intensive for d in ds], np.uint8),
        hardware=np.array([d.hardware for d in ds], np.uint8),
    )


def globals_(sc: Scenario, scale: float) -> Globals:
    """Global mechanism parameters as one flat namedtuple of floats."""
    m = sc.mechanisms
    o2o = one_to_one(sc, scale)
    return Globals(
        k=float(scale),
        same_cell_share=m.contacts.same_cell_share,
        remote_share=m.contacts.remote_share,
        # recombinant ideas (M15) replace the contact lottery when switched on
        base_p=0.0 if m.recombination.enabled else m.ideas.base_probability,
        same_skill=m.ideas.same_skill_factor,
        ke=m.ideas.knowledge_effect,
        qsd=m.ideas.quality_sd,
        reward_scale=m.founding.reward_scale,
        horizon=m.founding.horizon_months,
        temperature=m.founding.temperature,
        unemp_factor=m.founding.unemployed_cost_factor,
        exp_boost=m.founding.experience_boost,
        cofounder_p=m.founding.cofounder_probability,
        refound_p=m.founding.refound_probability,
        savings_months=m.founding.founder_savings_months,
        exp_per_person=m.experiments.per_person,
        yield_rate=m.experiments.yield_rate,
        lab_cut=m.experiments.shared_lab_cut,
        platform_cut=m.experiments.platform_cut,
        data_boost=m.experiments.open_data_boost,
        scen_boost=m.experiments.open_scenario_boost,
        runway_trigger=m.capital.runway_trigger,
        pitches=float(m.capital.pitches),
        seed_cheque=m.capital.seed_cheque,
        early_cheque=m.capital.early_cheque,
        late_cheque=m.capital.late_cheque,
        screen_noise=m.capital.screening_noise,
        rev_multiple=m.capital.revenue_multiple,
        valuation_sd=m.capital.valuation_sd,
        growth_rate=m.exits.growth_rate,
        growth_noise=m.exits.growth_noise,
        rev_per_emp=m.exits.revenue_per_employee,
        ipo_val=m.exits.ipo_valuation,
        startup_pay=m.exits.startup_pay,
        ipo_p=m.exits.ipo_probability,
        ipo_min_rev=m.exits.ipo_min_revenue,
        ipo_min_age=m.exits.ipo_min_age,
        acq_p=m.exits.acquisition_probability,
        unicorn_val=m.exits.unicorn_valuation,
        mature_months=m.exits.mature_months,
        job_finding=m.exits.job_finding,
        retire_months=m.exits.retirement_age * 12.0,
        # people's spin-off hazard (M16) replaces the fixed per-employee rates when on
        startup_spin=0.0 if m.people_spinoffs.enabled else m.spillovers.startup_spinout_rate,
        patent_rate=m.spillovers.patent_rate,
        patent_life=m.spillovers.patent_life_months,
        colleague_boost=m.belief.colleague_boost,
        idea_event_sample=m.ideas.event_sample,
        specialised_fit=m.exits.specialised_fit,
        disruption_rate=m.exits.disruption_rate,
        breakeven_fit=m.exits.breakeven_fit,
        k_quality=m.ideas.knowledge_quality,
        anchor_dom=m.ideas.anchor_domain_share,
        startup_dom=m.ideas.startup_domain_share,
        tol_offset=m.founding.tolerance_offset,
        risk_offset=m.founding.risk_offset,
        cred_stability=m.founding.credential_stability,
        start_rent_months=m.founding.start_rent_months,
        initial_fit=m.founding.initial_fit,
        half_quality=m.founding.potential_half_quality,
        est_per_person=m.experiments.established_per_person,
        ref_ttm=m.experiments.reference_ttm,
        max_yield=m.experiments.max_yield,
        fit_noise=m.experiments.fit_noise,
        min_cost_share=m.experiments.min_cost_share,
        open_scen_rev=m.experiments.open_scenario_revenue,
        open_scen_months=m.experiments.open_scenario_months,
        seed_base=m.capital.seed_base,
        early_base=m.capital.early_base,
        late_base=m.capital.late_base,
        val_fit_off=m.capital.valuation_fit_offset,
        val_theta_off=m.capital.valuation_potential_offset,
        down_floor=m.capital.down_round_floor,
        seed_bar=m.capital.seed_bar,
        later_bar=m.capital.later_bar,
        bar_scale=m.capital.bar_scale,
        bar_risk_cut=m.capital.bar_risk_cut,
        cred_penalty=m.capital.credential_penalty,
        state_bonus=m.capital.state_bonus,
        nonstate_penalty=m.capital.nonstate_penalty,
        raise_interval=m.capital.raise_interval,
        cheque_fit_off=m.capital.cheque_fit_offset,
        rescue_min_fit=m.capital.rescue_min_fit,
        hiring_months=m.capital.hiring_runway_months,
        angel_patience=m.capital.angel_patience,
        angel_seed=m.capital.angel_seed_weight,
        angel_early=m.capital.angel_early_weight,
        angel_late=m.capital.angel_late_weight,
        angel_risk=m.capital.angel_risk_appetite,
        angel_home=m.capital.angel_home_bias,
        est_disruption=m.exits.established_disruption,
        hit_min=m.exits.disruption_hit_min,
        hit_range=m.exits.disruption_hit_range,
        rev_min_fit=m.exits.revenue_min_fit,
        ipo_min_fit=m.exits.ipo_min_fit,
        ipo_min_rounds=float(m.exits.ipo_min_rounds),
        ipo_premium=m.exits.ipo_premium,
        acq_min_age=m.exits.acquisition_min_age,
        acq_min_fit=m.exits.acquisition_min_fit,
        acq_on_rev=m.exits.acquisition_on_revenue,
        liq_pref=m.exits.liquidation_preference,
        acq_mu=m.exits.acquisition_premium_mu,
        acq_sd=m.exits.acquisition_premium_sd,
        angel_min_proceeds=m.exits.angel_min_proceeds,
        angel_share=m.exits.angel_share,
        growth_min_fit=m.exits.growth_min_fit,
        growth_runway=m.exits.growth_runway_months,
        est_growth=m.exits.established_growth,
        shrink_max_fit=m.exits.shrink_max_fit,
        shrink_rate=m.exits.shrink_rate,
        spin_quality=m.spillovers.spinout_quality,
        spin_same_domain=m.spillovers.spinout_same_domain,
        transfer_gain=m.spillovers.transfer_gain,
        transfer_tries=float(m.spillovers.transfer_tries),
        transfer_same_tries=float(m.spillovers.transfer_same_domain_tries),
        grad_age_min=float(m.spillovers.graduate_age_min),
        grad_age_span=float(m.spillovers.graduate_age_span),
        uni_quality_mu=m.spillovers.university_quality_mu,
        acq_success=m.belief.acquisition_weight,
        mobile_age_months=m.migration.mobile_age * 12.0,
        rd_salary_share=m.grants.rd_salary_share,
        grant_min_fit=m.grants.min_fit,
        grant_state_bonus=m.grants.state_bonus,
        grant_nonstate_cut=m.grants.nonstate_cut,
        grant_min_share=m.grants.min_share,
        poach_tries=float(m.labour.poach_tries),
        poach_misses=float(m.labour.poach_max_misses),
        poach_accept=float(m.labour.poach_accept),
        job_ladder=float(m.labour.job_ladder),
        matching=float(m.labour.matching),
        match_eff=m.labour.matching_efficiency,
        match_el=m.labour.matching_elasticity,
        emp_search=m.labour.employed_search,
        joiner_appeal=m.labour.joiner_appeal,
        plan_from_staff=float(m.exits.plan_from_staff),
        entrant_age_min=float(m.labour.entrant_age_min),
        entrant_age_span=float(m.labour.entrant_age_span),
        by_traction=float(m.capital.by_traction),
        run_seed=m.capital.runway_seed,
        run_early=m.capital.runway_early,
        run_late=m.capital.runway_late,
        compute_pp=m.capital.compute_per_person,
        compute_el=m.capital.compute_traction_elasticity,
        tr_fit_ref=m.capital.traction_fit_reference,
        tr_fit_el=m.capital.traction_fit_elasticity,
        tr_potential=m.capital.traction_potential_weight,
        tr_rev_el=m.capital.traction_revenue_elasticity,
        tr_step_el=m.capital.traction_step_elasticity,
        tr_step_max=m.capital.traction_step_max,
        tr_min=m.capital.traction_min,
        tr_max=m.capital.traction_max,
        val_tr_el=m.capital.valuation_traction_elasticity,
        max_dilution=m.capital.max_dilution,
        cheque_share=m.capital.cheque_share,
        syndicate=float(m.capital.syndicate),
        min_cheque=m.capital.min_cheque,
        team_seed=m.capital.plan_team_seed,
        team_early=m.capital.plan_team_early,
        team_late=m.capital.plan_team_late,
        hot_traction=m.capital.hot_traction,
        hot_interval=m.capital.hot_interval,
        parent_backing=m.capital.parent_backing,
        parent_bar=m.capital.parent_bar,
        parent_share=m.capital.parent_profit_share,
        o2o=1.0 if o2o else 0.0,
        mk=1.0 if o2o else float(scale),
    )


def stage_weights(pref: dict[str, float]) -> tuple[float, float, float]:
    """Stage preference weights scaled so the favourite stage has weight 1."""
    w = [float(pref.get(s, 0.0)) for s in STAGES]
    top = max(w)
    return tuple(x / top for x in w)  # type: ignore[return-value]

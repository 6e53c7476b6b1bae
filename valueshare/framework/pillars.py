"""The framework's three aims, each in its own units and never folded into one score.

1. Patient benefit: patients reached, QALYs (discounted at the health rate), their value under an NHS and a
   societal lens, NHS cost offsets, and net monetary benefit.
2. UK economic growth: direct UK jobs (FTE-years), gross and additional GVA, UK investment, UK sales.
3. NHS financial return: cash receipts, price-discount savings, in-kind benefits and the NHS's costs, separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from valueshare.basecase import base_case
from valueshare.engine.route import expected_route
from valueshare.engine.timeline import discount_factors, yearly_schedule
from valueshare.engine.valuation import Valuation, total_price_discount
from valueshare.mechanisms import Benefit, Mechanism, of
from valueshare.model import Deal


@dataclass(frozen=True)
class PatientPillar:
    source: str                       # "sales" (derived from UK units sold) or "entered"
    patients_per_year: np.ndarray     # expected (risk-adjusted) UK patients who benefit, each year
    total_patients: float
    first_year: int | None            # first year with patients benefiting, None if never
    qalys_discounted: float           # Σ patients × QALYs per patient × health discount factor
    qaly_value_nhs: float             # discounted QALYs × NHS-lens value per QALY
    qaly_value_societal: float        # discounted QALYs × societal-lens value per QALY
    cost_offsets: float               # present value (NHS rate) of NHS costs saved
    nhs_purchase_cost: float          # present value (NHS rate) of what the NHS pays for the product
    net_monetary_benefit_nhs: float   # QALY value (NHS lens) + cost offsets − purchase cost
    net_monetary_benefit_societal: float


@dataclass(frozen=True)
class GrowthPillar:
    fte_years: float                  # direct UK job-years
    gross_gva: float                  # present value (NHS rate) of FTE × GVA per FTE
    additional_gva: float             # gross GVA × additionality
    uk_investment: float
    uk_sales: float                   # present value (NHS rate) of expected UK sales
    uk_share: float | None


@dataclass(frozen=True)
class ReturnPillar:
    cash_receipts: float              # fees, subscriptions, milestones, royalties, revenue shares, equity
    price_discount_savings: float
    in_kind_value: float
    nhs_costs: float                  # negative
    total: float                      # the NHS NPV


@dataclass(frozen=True)
class Pillars:
    patient: PatientPillar
    growth: GrowthPillar
    nhs_return: ReturnPillar

    def to_dict(self) -> dict[str, Any]:
        def plain(obj: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key, value in obj.__dict__.items():
                if isinstance(value, np.ndarray):
                    out[key] = [round(float(v), 4) for v in value]
                elif isinstance(value, float):
                    out[key] = round(value, 4)
                else:
                    out[key] = value
            return out
        return {"patient_benefit": plain(self.patient), "economic_growth": plain(self.growth),
                "nhs_financial_return": plain(self.nhs_return)}


def _patients(deal: Deal) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(source, expected patients a year, expected UK units a year, expected UK list-price sales a year)."""
    b = deal.patient_benefit
    horizon = deal.assumptions.horizon_years
    route = expected_route(deal)
    units = np.zeros(horizon + 1)
    sales = np.zeros(horizon + 1)
    if route is not None and route.has_sales:
        weight = route.launched[0] * route.uk_share[0]
        units = route.units()[0] * weight
        sales = route.sales()[0] * weight
    if b.patients_per_year is not None:
        return "entered", yearly_schedule(b.patients_per_year, b.start_year, b.years, horizon), units, sales
    return "sales", units * b.patients_per_unit, units, sales


def patient_pillar(deal: Deal) -> PatientPillar:
    b = deal.patient_benefit
    a = deal.assumptions
    source, patients, _, uk_sales = _patients(deal)
    health_df = discount_factors(b.health_discount_rate, a.horizon_years)
    nhs_df = discount_factors(a.nhs_discount_rate, a.horizon_years, rate_after_30=a.nhs_discount_rate_after_30)
    qalys = float(patients * b.qalys_per_patient @ health_df)
    offsets = float(patients * b.cost_offset_per_patient_gbp @ nhs_df)
    purchase = float(uk_sales * (1.0 - total_price_discount(deal)) @ nhs_df)
    benefiting = np.nonzero(patients > 1e-9)[0]
    return PatientPillar(
        source=source, patients_per_year=patients, total_patients=float(patients.sum()),
        first_year=int(benefiting[0]) if benefiting.size else None,
        qalys_discounted=qalys, qaly_value_nhs=qalys * b.value_per_qaly_gbp,
        qaly_value_societal=qalys * b.societal_value_per_qaly_gbp, cost_offsets=offsets,
        nhs_purchase_cost=purchase,
        net_monetary_benefit_nhs=qalys * b.value_per_qaly_gbp + offsets - purchase,
        net_monetary_benefit_societal=qalys * b.societal_value_per_qaly_gbp + offsets - purchase,
    )


def growth_pillar(deal: Deal) -> GrowthPillar:
    g = deal.economic_growth
    a = deal.assumptions
    nhs_df = discount_factors(a.nhs_discount_rate, a.horizon_years, rate_after_30=a.nhs_discount_rate_after_30)
    jobs = yearly_schedule(g.uk_jobs_fte, g.jobs_start_year, g.jobs_years, a.horizon_years)
    gross = float(jobs * g.gva_per_fte_gbp @ nhs_df)
    _, _, _, uk_sales = _patients(deal)
    route = deal.route_to_market
    return GrowthPillar(
        fte_years=float(jobs.sum()), gross_gva=gross, additional_gva=gross * g.additionality,
        uk_investment=g.uk_investment_gbp, uk_sales=float(uk_sales @ nhs_df),
        uk_share=route.sales.uk_share if route is not None and route.sales is not None else None,
    )


def _mechanism(deal: Deal, key: str) -> Mechanism:
    """The mechanism behind a line key such as ``terms[2]`` or ``terms[1].terms[0]``."""
    parts = [int(p.split("]")[0]) for p in key.split("[")[1:]]
    term: Any = deal.terms[parts[0]]
    if len(parts) > 1:
        term = term.terms[parts[1]]
    return of(term)


def return_pillar(deal: Deal, valuation: Valuation) -> ReturnPillar:
    cash = discount = in_kind = costs = 0.0
    for line in valuation.nhs_lines:
        if not line.key.startswith("terms["):
            costs += line.present_value
            continue
        benefit = _mechanism(deal, line.key).benefit
        if benefit is Benefit.PRICE_DISCOUNT:
            discount += line.present_value
        elif benefit is Benefit.IN_KIND:
            in_kind += line.present_value
        else:
            cash += line.present_value
    return ReturnPillar(cash, discount, in_kind, costs, valuation.nhs_npv)


def pillars(deal: Deal, valuation: Valuation) -> Pillars:
    """All three aims for a deal and its (deterministic) valuation, from the deal's base case (as the valuation)."""
    deal = base_case(deal)
    return Pillars(patient_pillar(deal), growth_pillar(deal), return_pillar(deal, valuation))

"""The framework's three aims, each in its own units and never folded into one score.

1. Patient benefit: patients reached, QALYs discounted under each lens (the NHS lens at NICE's reference-case rate,
   the societal lens at the Green Book's stepped health rates), their value under each lens (the societal value
   uprated to the price base year), NHS cost offsets, and net monetary benefit.
2. UK economic growth: direct UK jobs (FTE-years) and GVA, gross and net additional (leakage, deadweight,
   displacement, substitution, multiplier), UK investment, UK sales.
3. NHS financial return: cash receipts, price-discount savings, in-kind benefits and the NHS's costs, separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from valueshare import prices
from valueshare.basecase import base_case
from valueshare.engine.adoption import nhs_units_and_patients, outcome_rows
from valueshare.engine.route import expected_route
from valueshare.engine.timeline import discount_factors, yearly_schedule
from valueshare.engine.valuation import Valuation, total_price_discount
from valueshare.mechanisms import Benefit, Mechanism, of
from valueshare.model import Deal
from valueshare.model.benefits import CostOffsetBasis, JobsBasis


@dataclass(frozen=True)
class OutcomeResult:
    """An outcome beyond QALYs over the horizon, in its own unit, and its value where a sourced one is given."""

    name: str
    kind: str
    unit: str
    total: float                      # the amount over the horizon, in its unit
    per_year: float
    years: str                        # 'years 1 to 10'
    value: float | None               # present value (NHS rate) of amount × value per unit; None: in its units only
    cash_releasing: bool
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "unit": self.unit, "total": round(self.total, 4),
                "per_year": self.per_year, "years": self.years,
                "value_gbp": None if self.value is None else round(self.value, 2),
                "cash_releasing": self.cash_releasing, "source": self.source}


@dataclass(frozen=True)
class PatientPillar:
    source: str                       # "sales" (derived from UK units sold) or "entered"
    patients_per_year: np.ndarray     # expected (risk-adjusted) UK patients who benefit, each year
    total_patients: float
    first_year: int | None            # first year with patients benefiting, None if never
    qalys_discounted_nhs: float       # Σ patients × QALYs per patient × NHS-lens (NICE) health discount factor
    qalys_discounted_societal: float  # the same at the societal lens's (Green Book) stepped health rates
    qaly_value_nhs: float             # NHS-lens QALYs × NHS-lens value per QALY
    societal_value_per_qaly: float    # the societal value per QALY in the price base year's prices
    societal_value_uplift: prices.Uplift  # from its price year to the price base year (GDP deflators)
    qaly_value_societal: float        # societal-lens QALYs × societal value per QALY (uprated)
    cost_offset_basis: str            # "gross_of_price" or "net_of_price"
    cost_offsets: float               # present value (NHS rate) of NHS costs saved
    nhs_purchase_cost: float          # present value (NHS rate) of what the NHS pays for the product
    net_monetary_benefit_nhs: float   # QALY value (NHS lens) + cost offsets − purchase cost (if offsets are gross)
    net_monetary_benefit_societal: float
    outcomes: tuple[OutcomeResult, ...] = ()  # beyond QALYs, each in its own units (valued ones in the NMB)

    @property
    def qalys_discounted(self) -> float:
        """The headline QALYs: the NHS lens's (NICE reference case), which the patient-first checks compare."""
        return self.qalys_discounted_nhs


@dataclass(frozen=True)
class GrowthPillar:
    jobs_basis: str                   # "per_uk_sales" or "fixed"
    fte_years: float                  # gross direct UK job-years
    additional_fte_years: float       # net additional job-years: gross × the additionality factors
    gva_per_fte: float                # GVA per FTE a year in the price base year's prices
    gva_per_fte_uplift: prices.Uplift  # from its price year to the price base year (GDP deflators)
    gross_gva: float                  # present value (NHS rate) of FTE × GVA per FTE
    additional_gva: float             # net additional GVA: gross GVA × the additionality factors
    net_additional_ratio: float       # (1 − leakage)(1 − deadweight)(1 − displacement)(1 − substitution) × multiplier
    uk_investment: float
    uk_sales: float                   # present value (NHS rate) of expected UK sales
    nhs_share_of_sales: float | None


@dataclass(frozen=True)
class ReturnPillar:
    cash_receipts: float              # fees, subscriptions, milestones, royalties, revenue shares, equity
    price_discount_savings: float
    in_kind_value: float
    nhs_costs: float                  # negative
    total: float                      # the NHS NPV
    grants: float = 0.0               # third-party funding towards the NHS's costs
    co_owners: float = 0.0            # the share of non-NHS co-owners (negative)


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
                elif isinstance(value, tuple):
                    out[key] = [item.to_dict() for item in value]
                elif isinstance(value, float):
                    out[key] = round(value, 4)
                elif isinstance(value, prices.Uplift):
                    out[key] = {"from_price_year": prices.financial_year(value.from_year),
                                "to_price_year": prices.financial_year(value.to_year),
                                "factor": round(value.factor, 6), "obr_forecast": value.forecast}
                else:
                    out[key] = value
            return out
        return {"patient_benefit": plain(self.patient), "economic_growth": plain(self.growth),
                "nhs_financial_return": plain(self.nhs_return)}


def _patients(deal: Deal) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(source, expected patients a year, expected NHS units a year, expected NHS list-price sales a year)."""
    return nhs_units_and_patients(deal, expected_route(deal))


def _nhs_factors(deal: Deal) -> np.ndarray:
    a = deal.assumptions
    return discount_factors(a.nhs_discount_rate, a.horizon_years, rate_after_30=a.nhs_discount_rate_after_30,
                            rate_after_75=a.nhs_discount_rate_after_75)


def patient_pillar(deal: Deal) -> PatientPillar:
    b = deal.patient_benefit
    a = deal.assumptions
    source, patients, _, uk_sales = _patients(deal)
    nice_df = discount_factors(b.nhs_health_discount_rate, a.horizon_years)
    green_book_df = discount_factors(b.societal_health_discount_rate, a.horizon_years,
                                     rate_after_30=b.societal_health_discount_rate_after_30,
                                     rate_after_75=b.societal_health_discount_rate_after_75)
    nhs_df = _nhs_factors(deal)
    health = patients * b.qalys_per_patient
    qalys_nhs = float(health @ nice_df)
    qalys_societal = float(health @ green_book_df)
    uplift = prices.uplift_of(b.societal_value_per_qaly_price_year, a.price_base_year)
    societal_value = b.societal_value_per_qaly_gbp * uplift.factor
    offsets = float(patients * b.cost_offset_per_patient_gbp @ nhs_df)
    purchase = float(uk_sales * (1.0 - total_price_discount(deal)) @ nhs_df)
    # Offsets net of the product's price already carry what the NHS pays for it: subtracting it again would count
    # the price twice.
    counted_purchase = purchase if b.cost_offset_basis is CostOffsetBasis.GROSS_OF_PRICE else 0.0
    outcomes = tuple(_outcome(deal, k, amount, nhs_df) for k, amount in outcome_rows(deal))
    valued = sum(o.value for o in outcomes if o.value is not None)
    benefiting = np.nonzero(patients > 1e-9)[0]
    return PatientPillar(
        source=source, patients_per_year=patients, total_patients=float(patients.sum()),
        first_year=int(benefiting[0]) if benefiting.size else None,
        qalys_discounted_nhs=qalys_nhs, qalys_discounted_societal=qalys_societal,
        qaly_value_nhs=qalys_nhs * b.value_per_qaly_gbp, societal_value_per_qaly=societal_value,
        societal_value_uplift=uplift, qaly_value_societal=qalys_societal * societal_value,
        cost_offset_basis=b.cost_offset_basis.value, cost_offsets=offsets, nhs_purchase_cost=purchase,
        net_monetary_benefit_nhs=qalys_nhs * b.value_per_qaly_gbp + offsets + valued - counted_purchase,
        net_monetary_benefit_societal=qalys_societal * societal_value + offsets + valued - counted_purchase,
        outcomes=outcomes,
    )


def _outcome(deal: Deal, k: int, amount: np.ndarray, nhs_df: np.ndarray) -> OutcomeResult:
    o = deal.patient_benefit.outcomes[k]
    last = min(o.start_year + o.years - 1, deal.assumptions.horizon_years)
    span = f"year {o.start_year}" if last == o.start_year else f"years {o.start_year} to {last}"
    value = None if o.value_per_unit_gbp is None else float(amount * o.value_per_unit_gbp @ nhs_df)
    return OutcomeResult(o.name, o.kind.label, o.unit, float(amount.sum()), o.per_year, span, value,
                         o.cash_releasing, o.value_source)


def uk_jobs(deal: Deal) -> np.ndarray:
    """Gross direct UK jobs (FTE) each year: fixed as entered, or following expected UK sales (jobs per £1m)."""
    g = deal.economic_growth
    if g.jobs_basis is JobsBasis.FIXED:
        return yearly_schedule(g.uk_jobs_fte, g.jobs_start_year, g.jobs_years, deal.assumptions.horizon_years)
    _, _, _, uk_sales = _patients(deal)
    return uk_sales / 1e6 * g.uk_jobs_per_gbp_m_uk_sales


def growth_pillar(deal: Deal) -> GrowthPillar:
    g = deal.economic_growth
    a = deal.assumptions
    nhs_df = _nhs_factors(deal)
    jobs = uk_jobs(deal)
    uplift = prices.uplift_of(g.gva_per_fte_price_year, a.price_base_year)
    gva_per_fte = g.gva_per_fte_gbp * uplift.factor
    gross = float(jobs * gva_per_fte @ nhs_df)
    ratio = g.net_additional_ratio
    _, _, _, uk_sales = _patients(deal)
    route = deal.route_to_market
    return GrowthPillar(
        jobs_basis=g.jobs_basis.value, fte_years=float(jobs.sum()), additional_fte_years=float(jobs.sum()) * ratio,
        gva_per_fte=gva_per_fte, gva_per_fte_uplift=uplift, gross_gva=gross, additional_gva=gross * ratio,
        net_additional_ratio=ratio, uk_investment=g.uk_investment_gbp, uk_sales=float(uk_sales @ nhs_df),
        nhs_share_of_sales=route.sales.nhs_share_of_sales if route is not None and route.sales is not None else None,
    )


def _mechanism(deal: Deal, key: str) -> Mechanism:
    """The mechanism behind a line key such as ``terms[2]``, ``terms[1].terms[0]`` or
    ``platform_users[0].terms[1]``."""
    parts = [int(p.split("]")[0]) for p in key.split("[")[1:]]
    if key.startswith("platform_users["):
        return of(deal.platform_users[parts[0]].terms[parts[1]])
    term: Any = deal.terms[parts[0]]
    if len(parts) > 1:
        term = term.terms[parts[1]]
    return of(term)


def return_pillar(deal: Deal, valuation: Valuation) -> ReturnPillar:
    cash = discount = in_kind = costs = grants = co_owners = 0.0
    for line in valuation.nhs_lines:
        if line.key.startswith("funding["):
            grants += line.present_value
            continue
        if line.key == "co_owners":
            co_owners += line.present_value
            continue
        if not line.key.startswith(("terms[", "platform_users[")):
            costs += line.present_value
            continue
        benefit = _mechanism(deal, line.key).benefit
        if benefit is Benefit.PRICE_DISCOUNT:
            discount += line.present_value
        elif benefit is Benefit.IN_KIND:
            in_kind += line.present_value
        else:
            cash += line.present_value
    return ReturnPillar(cash, discount, in_kind, costs, valuation.nhs_npv, grants, co_owners)


def pillars(deal: Deal, valuation: Valuation) -> Pillars:
    """All three aims for a deal and its (deterministic) valuation, from the deal's base case (as the valuation)."""
    deal = base_case(deal)
    return Pillars(patient_pillar(deal), growth_pillar(deal), return_pillar(deal, valuation))

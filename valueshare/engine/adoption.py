"""The NHS as a buyer of the product: what the deal's NHS party spends on it and what using it saves, kept apart
from what the partner pays (issue 16).

- **NHS spend on the product**: the party's purchases (units sold × the NHS's share of them × the party's share of
  the NHS's purchases) at list price, less the deal's discounts and rebates on them (a royalty or revenue share on
  the party's own purchases returns its own money: a rebate, not income).
- **NHS savings**: what using the product saves the party, from the patient-benefit inputs (patients × cost offset
  per patient, the party's share of the patients), plus the outcomes beyond QALYs that release cash (amount a year ×
  value per unit). Gross or net of the product's price, as ``patient_benefit.cost_offset_basis`` says; outcome
  savings do not depend on a product and are counted as entered.

None of these enters the NHS NPV of the partnership (what the deal's terms give the NHS party, less its costs of
access): they are shown beside it, with the NPV the party has with the product (``Adoption.npv_with_product``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valueshare.engine.route import RouteDraw
from valueshare.engine.timeline import yearly_schedule
from valueshare.model import Deal
from valueshare.model.benefits import CostOffsetBasis


def nhs_units_and_patients(deal: Deal, route: RouteDraw | None) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(source, expected patients a year, expected NHS units a year, expected NHS list-price sales a year), all
    across the NHS (every NHS body), weighted by the chance of launch. Patients follow the NHS's units, or are as
    entered ("entered")."""
    b = deal.patient_benefit
    horizon = deal.assumptions.horizon_years
    units = np.zeros(horizon + 1)
    sales = np.zeros(horizon + 1)
    if route is not None and route.has_sales:
        weight = route.launched[0] * route.nhs_share[0]
        units = route.units()[0] * weight
        sales = route.sales()[0] * weight
    if b.patients_per_year is not None:
        return "entered", yearly_schedule(b.patients_per_year, b.start_year, b.years, horizon), units, sales
    return "sales", units * b.patients_per_unit, units, sales


def outcome_rows(deal: Deal) -> list[tuple[int, np.ndarray]]:
    """(index, amount a year in the outcome's unit) for each outcome beyond QALYs."""
    horizon = deal.assumptions.horizon_years
    return [(k, yearly_schedule(o.per_year, o.start_year, o.years, horizon))
            for k, o in enumerate(deal.patient_benefit.outcomes)]


@dataclass(frozen=True)
class Adoption:
    """The NHS party's spend on the product and its savings, each year (years,) and at present value (NHS rate)."""

    list_spend: np.ndarray        # the party's purchases at list price (positive)
    price_terms: np.ndarray       # the discounts and rebates on them (positive)
    savings: np.ndarray           # what using it saves the party (positive; negative if it adds costs)
    savings_basis: str            # "gross_of_price" or "net_of_price"
    list_spend_pv: float
    price_terms_pv: float
    savings_pv: float

    @property
    def spend_pv(self) -> float:
        """NHS spend on the product, net of the deal's discounts and rebates (negative: money out)."""
        return -(self.list_spend_pv - self.price_terms_pv)

    @property
    def buys(self) -> bool:
        return self.list_spend_pv > 1e-9

    def npv_with_product(self, partnership_npv: float) -> float:
        """The party's NPV with the product: the partnership's NPV (its terms, discounts and rebates included) plus
        the savings, less the list-price spend unless the savings are already net of the price."""
        spend = self.list_spend_pv if self.savings_basis == CostOffsetBasis.GROSS_OF_PRICE.value else 0.0
        return partnership_npv + self.savings_pv - spend


def adoption(deal: Deal, route: RouteDraw | None, price_terms: np.ndarray, nhs_factors: np.ndarray) -> Adoption:
    """The NHS party's spend and savings; ``price_terms`` (years,) are the rebate lines' sum (engine flows)."""
    b = deal.patient_benefit
    party = route.party_share if route is not None else 1.0
    _, patients, _, sales = nhs_units_and_patients(deal, route)
    list_spend = sales * party
    savings = patients * b.cost_offset_per_patient_gbp * party
    for k, amount in outcome_rows(deal):
        outcome = b.outcomes[k]
        if outcome.cash_releasing and outcome.value_per_unit_gbp is not None:
            savings = savings + amount * outcome.value_per_unit_gbp
    return Adoption(list_spend, price_terms, savings, b.cost_offset_basis.value, float(list_spend @ nhs_factors),
                    float(price_terms @ nhs_factors), float(savings @ nhs_factors))

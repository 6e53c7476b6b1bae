"""The three ways a valuer prices what the NHS contributes: cost, market and income (relief from royalty).

Each is a small pure function of the deal and its deterministic valuation. Money is in £ of the price base year:
costs of making the data usable as spent (not discounted: they are past); the costs of giving access and market
prices at the NHS rate; royalties on the product's sales at the partner's rate, as the partner would discount them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valueshare.engine.finance import npv
from valueshare.engine.valuation import Valuation
from valueshare.model import Comparable, DataAsset, Deal, PriceUnit
from valueshare.model.contribution_value import MarketScaling

# -- cost ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CostItem:
    activity: str
    description: str
    historical: float
    replacement: float


@dataclass(frozen=True)
class CostApproach:
    """What making the data usable cost (historical) or would cost again (replacement), plus the costs of giving
    access in this partnership, which are also the base of cost recovery."""

    items: list[CostItem]
    preparation_historical: float
    preparation_replacement: float
    access: list[tuple[str, float]]   # each NHS cost line of the valuation and its present value at the NHS rate
    access_total: float               # the base of cost recovery

    @property
    def historical(self) -> float:
        return self.preparation_historical + self.access_total

    @property
    def replacement(self) -> float:
        return self.preparation_replacement + self.access_total


def cost_approach(deal: Deal, valuation: Valuation) -> CostApproach:
    """Sum the preparation costs as entered and add the present value of the NHS's costs of giving access.

    The access costs are the valuation's NHS cost lines (preparation at signature, yearly hosting and governance,
    the expertise committed), discounted at the NHS rate: the same figure cost recovery divides by.
    """
    items = [CostItem(c.activity.label, c.description, c.historical, c.replacement)
             for c in deal.contribution_value.preparation_costs]
    access = [(line.label, -line.present_value) for line in valuation.nhs_lines if line.key.startswith("costs.")]
    return CostApproach(items, sum(i.historical for i in items), sum(i.replacement for i in items), access,
                        sum(pv for _, pv in access))


# -- market -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Adjusted:
    """One comparable scaled to one data asset, factor by factor, and what it is worth over this deal's access."""

    comparable: Comparable
    asset: str
    records: float
    history: float
    data_type: float
    exclusivity: float
    price: float      # the comparable's price × every factor, in its own unit (a year, or once)
    setup: float      # its one-off set-up charge × every factor
    value: float      # the set-up at signature plus the price over this deal's years of access, at the NHS rate


def scale(comparable: Comparable, asset: DataAsset, scaling: MarketScaling, *, exclusive: bool
          ) -> tuple[float, float, float, float]:
    """The four factors that take a comparable's price to this asset: records, history, data type, exclusivity.

    records (n / N)^e_r; history (max(y, 1) / max(Y, 1))^e_h; data type f(asset's) / f(comparable's); exclusivity
    the premium when only one of the two is exclusive (× if the deal is, ÷ if the comparable is). A field the
    comparable leaves empty is not scaled (factor 1).

    >>> from valueshare.model import MarketScaling
    >>> c = Comparable(name="x", source="y", published="2023-01-01", price_gbp=100_000, unit="per_year",
    ...                records=1_000_000, history_years=10, data_type="ehr")
    >>> a = DataAsset(name="a", data_type="imaging", patients=250_000, history_years=10)
    >>> scale(c, a, MarketScaling(), exclusive=False)
    (0.5, 1.0, 2.0, 1.0)
    """
    records = 1.0 if not comparable.records else (asset.patients / comparable.records) ** scaling.records_elasticity
    history = 1.0 if comparable.history_years is None else (
        max(asset.history_years, 1.0) / max(comparable.history_years, 1.0)) ** scaling.history_elasticity
    data_type = 1.0 if comparable.data_type is None else (
        scaling.factor(asset.data_type) / scaling.factor(comparable.data_type))
    exclusivity = 1.0
    if exclusive and not comparable.exclusive:
        exclusivity = scaling.exclusivity_premium
    elif comparable.exclusive and not exclusive:
        exclusivity = 1.0 / scaling.exclusivity_premium
    return float(records), float(history), float(data_type), float(exclusivity)


@dataclass(frozen=True)
class AssetRange:
    asset: str
    low: float
    middle: float     # the median of the comparables, scaled to this asset
    high: float


@dataclass(frozen=True)
class MarketApproach:
    rows: list[Adjusted]
    assets: list[AssetRange]
    years_of_access: int
    note: str         # why there is no market value, when there is none

    @property
    def low(self) -> float | None:
        return sum(a.low for a in self.assets) if self.assets else None

    @property
    def middle(self) -> float | None:
        return sum(a.middle for a in self.assets) if self.assets else None

    @property
    def high(self) -> float | None:
        return sum(a.high for a in self.assets) if self.assets else None


def market_approach(deal: Deal, valuation: Valuation, comparables: list[Comparable]) -> MarketApproach:
    """Scale every comparable to every data asset and value it over the deal's years of access.

    A yearly price counts in years 1 to the access years, discounted at the NHS rate; a one-off price, and any
    set-up charge, at signature.
    Each asset's market value is the median of its scaled comparables (with their lowest and highest as its range);
    the deal's is the sum over its assets (assets that link the same patients each add what their data is worth).
    """
    years = deal.contribution.access_costs.years
    factors = valuation.nhs_discount_factors
    yearly = float(factors[1:years + 1].sum())  # the present value of £1 a year in years 1..years
    rows: list[Adjusted] = []
    ranges: list[AssetRange] = []
    for asset in deal.contribution.data_assets:
        values = []
        for comparable in comparables:
            f = scale(comparable, asset, deal.contribution_value.scaling, exclusive=deal.exclusive_raw_data_access)
            product = float(np.prod(f))
            price, setup = comparable.price_gbp * product, comparable.setup_gbp * product
            value = setup + price * (yearly if comparable.unit is PriceUnit.PER_YEAR else 1.0)
            rows.append(Adjusted(comparable, asset.name, *f, price, setup, value))
            values.append(value)
        if values:
            ranges.append(AssetRange(asset.name, min(values), float(np.median(values)), max(values)))
    note = ""
    if not deal.contribution.data_assets:
        note = "the deal lists no data assets to compare"
    elif not comparables:
        note = "no comparables: add your own, or include the published table"
    return MarketApproach(rows, ranges, years, note)


# -- income -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IncomeApproach:
    """Relief from royalty, and the fair-share cross-check: what the contribution earns on the product's sales."""

    rate: float
    sales: float                   # present value of the product's risk-adjusted sales at the partner's rate
    value: float | None            # rate × sales; None when the product has no sales
    note: str
    partner_value: float           # the partner's value before any payment to the NHS, at its rate
    fair_low: float | None         # the fair band × the partner's value (None when that value is not positive)
    fair_centre: float | None
    fair_high: float | None
    fair_note: str


def income_approach(deal: Deal, valuation: Valuation, fair_low: float, fair_centre: float, fair_high: float
                    ) -> IncomeApproach:
    """rate × Σ_t expected sales_t / (1 + r_partner)^t, and the fair band's shares × the partner's value.

    Expected sales are list-price sales weighted by the chance of reaching the market (inside a consent clause,
    also by the chance the work turns commercial), as the valuation computes them.
    """
    rate = deal.contribution_value.relief_from_royalty_rate
    sales = float(npv(valuation.expected_sales, valuation.partner_discount_factors))
    has_sales = sales > 0
    value = rate * sales if has_sales else None
    note = "" if has_sales else "the deal has no product sales for a royalty to be paid on"
    v = valuation.partner_value_before_payments
    if v > 0:
        return IncomeApproach(rate, sales, value, note, v, fair_low * v, fair_centre * v, fair_high * v, "")
    return IncomeApproach(rate, sales, value, note, v, None, None, None,
                          "the partner's value before payments to the NHS is not positive")

"""The three ways a valuer prices what the NHS contributes: cost, market and income (relief from royalty).

Each is a small pure function of the deal and its deterministic valuation. Money is in £ of the price base year:
costs of making the data usable as spent (not discounted: they are past); the costs of giving access and market
prices at the NHS rate; royalties on the product's sales at the partner's rate, as the partner would discount them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from valueshare.engine.consortium import own_cost_row
from valueshare.engine.finance import npv
from valueshare.engine.valuation import Valuation
from valueshare.model import Comparable, DataAsset, Deal, PriceUnit, Use
from valueshare.model.contribution_value import VOLUME_UNITS, ComparableKind, MarketBasis, MarketScaling

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
    # The base of cost recovery is the valuation's (issue 16): grants towards the NHS's costs come off, and on a
    # platform the other users bear their part; a co-owner's own costs outside the NHS are the consortium's.
    horizon = deal.assumptions.horizon_years
    factors = valuation.nhs_discount_factors
    access += [(f"{m.name}: its own costs (outside the NHS)", float(own_cost_row(m, horizon) @ factors))
               for m in deal.nhs.members if not m.is_nhs and (m.own_costs.preparation_gbp or m.own_costs.yearly_gbp)]
    if valuation.nhs_grants:
        access.append(("Less grants towards the NHS's costs", -valuation.nhs_grants))
    rest = valuation.nhs_access_costs - sum(pv for _, pv in access)
    if abs(rest) > 0.005:
        access.append(("Borne by the other users of the platform" if deal.platform_users else
                       "Grants beyond the costs, not counted", rest))
    return CostApproach(items, sum(i.historical for i in items), sum(i.replacement for i in items), access,
                        valuation.nhs_access_costs)


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
    price: float      # the comparable's price × every factor, in its own unit (a year, once, a record, a patient-year)
    setup: float      # its one-off set-up charge × every factor
    value: float      # the set-up at signature plus the price over this deal's access (or volume), at the NHS rate
    closeness: float  # how close the comparable is to the asset, 0 to 1 [ours]


def scale(comparable: Comparable, asset: DataAsset, scaling: MarketScaling, *, exclusive: bool
          ) -> tuple[float, float, float, float]:
    """The four factors that take a comparable's price to this asset: records, history, data type, exclusivity.

    records (n / N)^e_r; history (max(y, 1) / max(Y, 1))^e_h; data type f(asset's) / f(comparable's); exclusivity
    the premium when only one of the two is exclusive (× if the deal is, ÷ if the comparable is). A field the
    comparable leaves empty is not scaled (factor 1), nor is a volume its unit already counts (a price per record is
    not scaled by records; one per patient-year by neither records nor history).

    >>> from valueshare.model import MarketScaling
    >>> c = Comparable(name="x", source="y", published="2023-01-01", price_gbp=100_000, unit="per_year",
    ...                records=1_000_000, history_years=10, data_type="ehr")
    >>> a = DataAsset(name="a", data_type="imaging", patients=250_000, history_years=10)
    >>> scale(c, a, MarketScaling(), exclusive=False)
    (0.5, 1.0, 2.0, 1.0)
    """
    counts_records = comparable.unit in VOLUME_UNITS
    counts_history = comparable.unit is PriceUnit.PER_PATIENT_YEAR
    records = 1.0 if not comparable.records or counts_records else (
        asset.patients / comparable.records) ** scaling.records_elasticity
    history = 1.0 if comparable.history_years is None or counts_history else (
        max(asset.history_years, 1.0) / max(comparable.history_years, 1.0)) ** scaling.history_elasticity
    data_type = 1.0 if comparable.data_type is None else (
        scaling.factor(asset.data_type) / scaling.factor(comparable.data_type))
    exclusivity = 1.0
    if exclusive and not comparable.exclusive:
        exclusivity = scaling.exclusivity_premium
    elif comparable.exclusive and not exclusive:
        exclusivity = 1.0 / scaling.exclusivity_premium
    return float(records), float(history), float(data_type), float(exclusivity)


def closeness(comparable: Comparable, asset: DataAsset) -> float:
    """How close a comparable is to a data asset [ours]: data type × size, each 1 when it needed no scaling.

    Type: 1 the same type; 0.5 another type (scaled by the data-type factors); 0.25 a price that does not say (a
    service charge). Size: 1 when the records are within 10× either way (or the unit counts them); 0.5 beyond.

    >>> c = Comparable(name="x", source="y", published="2023-01-01", price_gbp=1, unit="per_year",
    ...                records=60_000_000, data_type="ehr")
    >>> closeness(c, DataAsset(name="a", data_type="imaging", patients=120_000, history_years=14))
    0.25
    """
    kind = 0.25 if comparable.data_type is None else 1.0 if comparable.data_type is asset.data_type else 0.5
    size = 1.0
    if comparable.records and comparable.unit not in VOLUME_UNITS and asset.patients > 0:
        ratio = asset.patients / comparable.records
        size = 1.0 if 0.1 <= ratio <= 10 else 0.5
    return kind * size


@dataclass(frozen=True)
class AssetRange:
    asset: str
    low: float
    middle: float     # the median of the comparables, scaled to this asset
    high: float


def _adjust(deal: Deal, comparables: list[Comparable], yearly: float) -> tuple[list[Adjusted], list[AssetRange]]:
    """Every comparable scaled to every data asset, and each asset's lowest, median and highest value."""
    rows: list[Adjusted] = []
    ranges: list[AssetRange] = []
    for asset in deal.contribution.data_assets:
        values = []
        for comparable in comparables:
            f = scale(comparable, asset, deal.contribution_value.scaling, exclusive=deal.exclusive_raw_data_access)
            product = float(np.prod(f))
            price, setup = comparable.price_gbp * product, comparable.setup_gbp * product
            if comparable.unit is PriceUnit.PER_YEAR:
                volume = yearly
            elif comparable.unit is PriceUnit.PER_RECORD:
                volume = asset.patients
            elif comparable.unit is PriceUnit.PER_PATIENT_YEAR:
                volume = asset.patients * asset.history_years
            else:
                volume = 1.0
            value = setup + price * volume
            rows.append(Adjusted(comparable, asset.name, *f, price, setup, value, closeness(comparable, asset)))
            values.append(value)
        if values:
            ranges.append(AssetRange(asset.name, min(values), float(np.median(values)), max(values)))
    return rows, ranges


def is_commercial(deal: Deal) -> bool:
    """Whether the deal's use is commercial (product development or commercial research)."""
    return deal.use is not Use.NON_COMMERCIAL_RESEARCH


@dataclass(frozen=True)
class MarketApproach:
    rows: list[Adjusted]          # the comparables the market value rests on, scaled to each asset
    assets: list[AssetRange]
    years_of_access: int
    note: str                     # why there is no market value, when there is none
    basis: MarketBasis = MarketBasis.EVERY_COMPARABLE
    commercial: bool = True       # whether the deal's use is commercial
    floor_rows: list[Adjusted] = field(default_factory=list)   # the tariffs, as the floor of commercial use
    floor_assets: list[AssetRange] = field(default_factory=list)
    lifted: bool = False          # whether the floor raised the market's middle

    @property
    def floor(self) -> float | None:
        """The cost-recovery tariffs' middle, summed over the assets: the least commercial use is worth."""
        return sum(a.middle for a in self.floor_assets) if self.floor_assets else None

    def _sum(self, pick: str) -> float | None:
        if not self.assets:
            return None
        value = sum(getattr(a, pick) for a in self.assets)
        floor = self.floor
        return value if floor is None else max(value, floor)

    @property
    def low(self) -> float | None:
        return self._sum("low")

    @property
    def middle(self) -> float | None:
        return self._sum("middle")

    @property
    def high(self) -> float | None:
        return self._sum("high")

    @property
    def closeness(self) -> float:
        """The mean closeness of the comparables the value rests on (0 when there are none) [ours]."""
        return float(np.mean([x.closeness for x in self.rows])) if self.rows else 0.0


def market_approach(deal: Deal, valuation: Valuation, comparables: list[Comparable]) -> MarketApproach:
    """Scale every comparable to every data asset and value it over the deal's years of access (or its volume).

    A yearly price counts in years 1 to the access years, discounted at the NHS rate; a one-off price, and any
    set-up charge, at signature; a price per record × the asset's patients, and per patient-year × its patients ×
    its years of history, at signature. Each asset's market value is the median of its scaled comparables (with
    their lowest and highest as its range); the deal's is the sum over its assets (assets that link the same
    patients each add what their data is worth).

    On the ``by_use`` basis (the default) commercial use is valued on commercial licences only, and the
    cost-recovery tariffs, scaled the same way, are its floor (each end of the range is at least the tariffs'
    middle); non-commercial use is valued on the tariffs, its right comparable. On ``every_comparable`` (format 1)
    every comparable counts in one range.
    """
    inputs = deal.contribution_value
    years = deal.contribution.access_costs.years
    factors = valuation.nhs_discount_factors
    yearly = float(factors[1:years + 1].sum())  # the present value of £1 a year in years 1..years
    commercial = is_commercial(deal)
    tariffs = [c for c in comparables if c.kind is ComparableKind.TARIFF]
    licences = [c for c in comparables if c.kind is ComparableKind.COMMERCIAL_LICENCE]
    floor_rows: list[Adjusted] = []
    floor_assets: list[AssetRange] = []
    if inputs.market_basis is MarketBasis.EVERY_COMPARABLE:
        used = comparables
    elif commercial:
        used = licences
        floor_rows, floor_assets = _adjust(deal, tariffs, yearly)
    else:
        used = tariffs
    rows, ranges = _adjust(deal, used, yearly)
    note = ""
    if not deal.contribution.data_assets:
        note = "the deal lists no data assets to compare"
    elif not comparables:
        note = "no comparables: add your own, or include the published table"
    elif not used and commercial:
        note = ("no commercial-licence price for this data and use: valueshare's table holds none it can source, and "
                "none of your own is entered (add an earlier deal or a quote as a commercial licence); the "
                "cost-recovery tariffs are only its floor")
    elif not used:
        note = "no cost-recovery tariff to compare non-commercial use with"
    floor_total = sum(a.middle for a in floor_assets) if floor_assets else None
    lifted = bool(ranges) and floor_total is not None and sum(a.middle for a in ranges) < floor_total
    return MarketApproach(rows, ranges, years, note, inputs.market_basis, commercial, floor_rows, floor_assets,
                          lifted)


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
    low_rate: float = 0.0          # the rate × (1 - spread), and × (1 + spread) capped at 100%
    high_rate: float = 0.0

    @property
    def low(self) -> float | None:
        return None if self.value is None else self.low_rate * self.sales

    @property
    def high(self) -> float | None:
        return None if self.value is None else self.high_rate * self.sales


def income_approach(deal: Deal, valuation: Valuation, fair_low: float, fair_centre: float, fair_high: float
                    ) -> IncomeApproach:
    """rate × Σ_t expected sales_t / (1 + r_partner)^t, and the fair band's shares × the partner's value; the
    range is the same sum at rate × (1 ± spread).

    Expected sales are list-price sales weighted by the chance of reaching the market (inside a consent clause,
    also by the chance the work turns commercial), as the valuation computes them.
    """
    rate = deal.contribution_value.relief_from_royalty_rate
    spread = deal.contribution_value.relief_from_royalty_spread
    rates = (rate * (1 - spread), min(1.0, rate * (1 + spread)))
    sales = float(npv(valuation.expected_sales, valuation.partner_discount_factors))
    has_sales = sales > 0
    value = rate * sales if has_sales else None
    note = "" if has_sales else "the deal has no product sales for a royalty to be paid on"
    v = valuation.partner_value_before_payments
    if v > 0:
        return IncomeApproach(rate, sales, value, note, v, fair_low * v, fair_centre * v, fair_high * v, "", *rates)
    return IncomeApproach(rate, sales, value, note, v, None, None, None,
                          "the partner's value before payments to the NHS is not positive", *rates)

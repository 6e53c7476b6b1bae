"""What the NHS's contribution is worth: cost, market and income side by side, as one range with the reasons the
three differ, checked against the published per-record ceilings and the NHS's cost floor.

``value_contribution(deal)`` is the whole answer. The approach the user chooses (``contribution_value.anchor``)
anchors the NHS's ask; the fair-share band stays the default anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valueshare.contribution.approaches import (
    CostApproach,
    IncomeApproach,
    MarketApproach,
    cost_approach,
    income_approach,
    market_approach,
)
from valueshare.contribution.table import Table, ceiling_for, published_table
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.format import money, percent, unit_money
from valueshare.framework.fairshare import fair_share
from valueshare.model import Anchor, Comparable, Deal
from valueshare.model.contribution_value import MarketScaling

__all__ = ["Approach", "ContributionValue", "Flag", "comparables_for", "value_contribution"]


@dataclass(frozen=True)
class Approach:
    """One approach's figures for the range: its lowest, central and highest value (None when it has none)."""

    key: str           # cost, market, income
    title: str
    low: float | None
    central: float | None
    high: float | None
    note: str          # how it is reached, or why there is no value
    share: float | None = None   # the central value as a share of the partner's value before payments


@dataclass(frozen=True)
class Flag:
    approach: str
    message: str


@dataclass(frozen=True)
class ContributionValue:
    cost: CostApproach
    market: MarketApproach
    income: IncomeApproach
    approaches: list[Approach]
    low: float | None              # the range over the three approaches
    high: float | None
    anchor: Anchor
    ask: float | None              # the anchor's central value: what the NHS asks for
    ask_share: float | None        # the ask as a share of the partner's value before payments
    ask_note: str
    records: float                 # patients in the largest data asset: the per-record denominator
    ceiling: float | None          # the per-record ceiling for the deal's richest data type
    ceiling_note: str
    reasons: list[str]
    flags: list[Flag]

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None, digits: int = 2) -> float | None:
            return None if x is None else round(x, digits)
        return {
            "approaches": [{"key": a.key, "title": a.title, "low_gbp": r(a.low), "central_gbp": r(a.central),
                            "high_gbp": r(a.high), "share_of_partner_value": r(a.share, 6), "note": a.note}
                           for a in self.approaches],
            "range_low_gbp": r(self.low), "range_high_gbp": r(self.high),
            "cost": {"items": [{"activity": i.activity, "description": i.description, "historical_gbp": r(i.historical),
                                "replacement_gbp": r(i.replacement)} for i in self.cost.items],
                     "preparation_historical_gbp": r(self.cost.preparation_historical),
                     "preparation_replacement_gbp": r(self.cost.preparation_replacement),
                     "access_costs_gbp": r(self.cost.access_total),
                     "historical_gbp": r(self.cost.historical), "replacement_gbp": r(self.cost.replacement)},
            "market": {"years_of_access": self.market.years_of_access, "note": self.market.note,
                       "low_gbp": r(self.market.low), "middle_gbp": r(self.market.middle),
                       "high_gbp": r(self.market.high),
                       "comparables": [{"name": x.comparable.name, "source": x.comparable.source,
                                        "published": x.comparable.published.isoformat(), "tag": x.comparable.tag,
                                        "asset": x.asset, "price_gbp": x.comparable.price_gbp,
                                        "unit": x.comparable.unit.value, "records_factor": r(x.records, 6),
                                        "history_factor": r(x.history, 6), "data_type_factor": r(x.data_type, 6),
                                        "exclusivity_factor": r(x.exclusivity, 6), "adjusted_price_gbp": r(x.price),
                                        "value_gbp": r(x.value)} for x in self.market.rows]},
            "income": {"relief_from_royalty_rate": self.income.rate, "sales_pv_gbp": r(self.income.sales),
                       "value_gbp": r(self.income.value), "note": self.income.note,
                       "partner_value_before_payments_gbp": r(self.income.partner_value),
                       "fair_share_low_gbp": r(self.income.fair_low),
                       "fair_share_centre_gbp": r(self.income.fair_centre),
                       "fair_share_high_gbp": r(self.income.fair_high), "fair_share_note": self.income.fair_note},
            "anchor": self.anchor.value, "ask_gbp": r(self.ask), "ask_share": r(self.ask_share, 6),
            "ask_note": self.ask_note, "records": self.records, "ceiling_per_record_gbp": r(self.ceiling),
            "ceiling_note": self.ceiling_note, "reasons": self.reasons,
            "flags": [{"approach": f.approach, "message": f.message} for f in self.flags],
        }


def comparables_for(deal: Deal, table: Table | None = None) -> list[Comparable]:
    """The comparables a deal is valued against: the published table (unless switched off), then its own."""
    own = list(deal.contribution_value.comparables)
    if not deal.contribution_value.use_published_comparables:
        return own
    return [*(table or published_table()).comparables, *own]


def _approaches(cost: CostApproach, market: MarketApproach, income: IncomeApproach) -> list[Approach]:
    """The three approaches, each with its central value as a share of the partner's value before payments (set
    beside the fair-share band, so the band and the approaches can be read on one scale)."""
    v = income.partner_value
    return [a if a.central is None or v <= 0 else Approach(a.key, a.title, a.low, a.central, a.high, a.note,
                                                           a.central / v)
            for a in _plain_approaches(cost, market, income)]


def _plain_approaches(cost: CostApproach, market: MarketApproach, income: IncomeApproach) -> list[Approach]:
    low_cost, high_cost = sorted((cost.historical, cost.replacement))
    cost_note = ("costs of making the data usable (as spent, and to do again) plus the costs of giving access"
                 if cost.items else "no costs of making the data usable are entered: the costs of giving access only")
    market_note = market.note or (f"{len({x.comparable.name for x in market.rows})} comparables scaled to "
                                  f"{len(market.assets)} data asset(s), over {market.years_of_access} year(s) of "
                                  f"access")
    income_note = income.note or (f"{percent(income.rate)} of the product's risk-adjusted sales "
                                  f"({money(income.sales)} at the partner's rate)")
    return [
        Approach("cost", "Cost", low_cost, cost.replacement, high_cost, cost_note),
        Approach("market", "Market", market.low, market.middle, market.high, market_note),
        Approach("income", "Income (relief from royalty)", income.value, income.value, income.value, income_note),
    ]


def _ask(anchor: Anchor, cost: CostApproach, market: MarketApproach, income: IncomeApproach
         ) -> tuple[float | None, str]:
    if anchor is Anchor.COST:
        return cost.replacement, ""
    if anchor is Anchor.MARKET:
        return market.middle, market.note
    if anchor is Anchor.INCOME:
        return income.value, income.note
    return income.fair_centre, income.fair_note


def _reasons(cost: CostApproach, market: MarketApproach, income: IncomeApproach, launch: float | None) -> list[str]:
    """Why the approaches differ, in sentences a trust board can follow."""
    out = []
    floor = cost.replacement
    if income.value is not None and floor > 0:
        times = income.value / floor
        if times >= 2:
            out.append(f"Income is {times:,.1f}× cost: it values the data by what the product is expected to sell "
                       f"({money(income.sales)} of risk-adjusted sales at the partner's rate), which what the data "
                       f"cost the NHS does not reflect.")
        elif times <= 0.5:
            chance = f" (a {percent(launch, 0)} chance of reaching the market)" if launch is not None else ""
            out.append(f"Income is below cost: the product's expected sales{chance} are too small for a "
                       f"{percent(income.rate)} royalty to repay what the data cost; the NHS's costs of access "
                       f"still set the floor (principle 2).")
    if market.middle is not None and floor > 0:
        if market.middle < 0.5 * floor:
            out.append("Market prices scaled to this data are below its cost: comparable data is sold to many users "
                       "at once, each paying for a part of it, and some comparables are charges for a service, not "
                       "for the data.")
        elif market.middle > 2 * floor:
            out.append("Market prices scaled to this data are above its cost: comparable data sells for more than it "
                       "costs the NHS to prepare and provide.")
    if market.low is not None and market.high is not None and market.high > 3 * max(market.low, 1.0):
        out.append(f"The comparables span a wide range ({money(market.low)} to {money(market.high)}): the published "
                   f"licence prices differ by use and licensee, so the middle of the range is used.")
    if income.value is None:
        out.append("There is no product with sales, so the income approach gives no value.")
    if not out:
        out.append("The three approaches broadly agree.")
    return out


def _check(approaches: list[Approach], records: float, ceiling: float | None, ceiling_name: str,
           floor: float) -> list[Flag]:
    """Flag a central value above the per-record ceiling, or below the NHS's costs of giving access."""
    flags = []
    for a in approaches:
        if a.central is None:
            continue
        if ceiling is not None and records > 0 and a.central / records > ceiling:
            flags.append(Flag(a.key, f"{a.title}: {unit_money(a.central / records)} "
                                     f"per record ({money(a.central)} over {records:,.0f} patients) is above the "
                                     f"ceiling of {money(ceiling, exact=True)} per record ({ceiling_name}): too high "
                                     f"to be credible as the value of the data."))
        if a.key != "cost" and a.central < floor:
            flags.append(Flag(a.key, f"{a.title}: {money(a.central)} is below the NHS's costs of giving access "
                                     f"({money(floor)} in present value): the NHS always recovers its costs "
                                     f"(principle 2), so this approach cannot set the ask alone."))
    return flags


def value_contribution(deal: Deal, valuation: Valuation | None = None, *, table: Table | None = None
                       ) -> ContributionValue:
    """The three approaches, their range, the NHS's ask on the chosen anchor, the reasons and the sanity flags."""
    v = valuation if valuation is not None else value_deal(deal)
    table = table or published_table()
    fair = fair_share(deal, v)
    cost = cost_approach(deal, v)
    market = market_approach(deal, v, comparables_for(deal, table))
    income = income_approach(deal, v, fair.low, fair.centre, fair.high)
    approaches = _approaches(cost, market, income)
    lows = [a.low for a in approaches if a.low is not None]
    highs = [a.high for a in approaches if a.high is not None]
    anchor = deal.contribution_value.anchor
    ask, ask_note = _ask(anchor, cost, market, income)
    partner_value = v.partner_value_before_payments
    ask_share = ask / partner_value if ask is not None and partner_value > 0 else None
    assets = deal.contribution.data_assets
    records = max((a.patients for a in assets), default=0.0)
    ceiling, ceiling_note = _ceiling(deal, table)
    flags = _check(approaches, records, ceiling, ceiling_note, cost.access_total)
    return ContributionValue(cost, market, income, approaches, min(lows) if lows else None,
                             max(highs) if highs else None, anchor, ask, ask_share, ask_note, records, ceiling,
                             ceiling_note, _reasons(cost, market, income, v.launch_probability), flags)


def _ceiling(deal: Deal, table: Table) -> tuple[float | None, str]:
    """The highest per-record ceiling among the deal's data types: published where there is one, else the EHR
    ceiling × the data type's factor [ours]."""
    scaling: MarketScaling = deal.contribution_value.scaling
    ehr = next((c for c in table.ceilings if c.data_type.value == "ehr"), None)
    best: tuple[float, str] | None = None
    for asset in deal.contribution.data_assets:
        published = ceiling_for(asset.data_type, table)
        if published is not None:
            candidate = (published.per_record_gbp, f"{asset.data_type.label}, {published.source}")
        elif ehr is not None:
            candidate = (ehr.per_record_gbp * scaling.factor(asset.data_type),
                         f"{asset.data_type.label}: the EHR ceiling × {scaling.factor(asset.data_type):g} [ours]")
        else:
            continue
        if best is None or candidate[0] > best[0]:
            best = candidate
    return (None, "no data assets") if best is None else best

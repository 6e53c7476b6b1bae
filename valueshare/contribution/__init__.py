"""What the NHS's contribution is worth: cost, market and income side by side, reconciled into one concluded value
with a weight and a reason for each approach and a range to negotiate in, with the reasons the three differ,
checked against the published per-record ceilings and the NHS's cost floor.

``value_contribution(deal)`` is the whole answer. The approach the user chooses (``contribution_value.anchor``)
anchors the NHS's ask; the fair-share band stays the default anchor, and the reconciled value is one of the
choices.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from valueshare.contribution.approaches import (
    Adjusted,
    CostApproach,
    IncomeApproach,
    MarketApproach,
    cost_approach,
    income_approach,
    market_approach,
)
from valueshare.contribution.table import Table, ceiling_for, published_table
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.format import money, money_range, percent, unit_money
from valueshare.framework.fairshare import fair_share
from valueshare.model import Anchor, Comparable, Deal
from valueshare.model.contribution_value import ComparableKind, MarketBasis, MarketScaling

__all__ = ["Approach", "ContributionValue", "Flag", "Reconciled", "Weighed", "comparables_for", "reconcile",
           "value_contribution"]


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
    weight: float = 0.0          # its weight in the reconciled value (the weights sum to 1)


@dataclass(frozen=True)
class Flag:
    approach: str
    message: str


@dataclass(frozen=True)
class Weighed:
    """One approach's weight in the reconciliation: where it started, what it was multiplied by, and why."""

    key: str
    title: str
    start: float       # the user's starting weight (Reconciliation.*_weight)
    factor: float      # 0 without a value; the market's closeness when it is weighed by closeness; else 1
    weight: float      # start × factor, scaled so that the weights sum to 1
    reason: str


@dataclass(frozen=True)
class Reconciled:
    """The concluded value: the approaches' central values weighted, and the range to negotiate in (their own
    lows and highs, weighted alike), neither below the NHS's costs of giving access (principle 2)."""

    value: float | None
    low: float | None
    high: float | None
    share: float | None        # the value as a share of the partner's value before payments
    weights: list[Weighed]
    weighted: float | None     # the weighted value before the floor
    floor: float               # the NHS's costs of giving access, in present value
    spread: float | None       # the highest approach's central value ÷ the lowest's
    wide: bool                 # whether the spread is above Reconciliation.wide_spread
    narrow: list[str]          # what would narrow a wide spread
    notes: list[str]           # how it was reached, in sentences

    @property
    def floor_applied(self) -> bool:
        return self.weighted is not None and self.weighted < self.floor


@dataclass(frozen=True)
class ContributionValue:
    cost: CostApproach
    market: MarketApproach
    income: IncomeApproach
    reconciled: Reconciled         # the concluded value and its range: what the contribution is worth
    approaches: list[Approach]
    low: float | None              # the span of the three approaches, lowest to highest (not the value)
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
        rec = self.reconciled
        return {
            "reconciled": {"value_gbp": r(rec.value), "low_gbp": r(rec.low), "high_gbp": r(rec.high),
                           "share_of_partner_value": r(rec.share, 6), "weighted_gbp": r(rec.weighted),
                           "floor_gbp": r(rec.floor), "floor_applied": rec.floor_applied,
                           "weights": [{"key": w.key, "title": w.title, "start": w.start, "factor": r(w.factor, 6),
                                        "weight": r(w.weight, 6), "reason": w.reason} for w in rec.weights],
                           "spread_times": r(rec.spread, 4), "wide_spread": rec.wide, "what_would_narrow_it":
                           rec.narrow, "notes": rec.notes},
            "approaches": [{"key": a.key, "title": a.title, "weight": r(a.weight, 6), "low_gbp": r(a.low),
                            "central_gbp": r(a.central), "high_gbp": r(a.high),
                            "share_of_partner_value": r(a.share, 6), "note": a.note}
                           for a in self.approaches],
            "span_of_approaches": {"low_gbp": r(self.low), "high_gbp": r(self.high)},
            "cost": {"items": [{"activity": i.activity, "description": i.description, "historical_gbp": r(i.historical),
                                "replacement_gbp": r(i.replacement)} for i in self.cost.items],
                     "preparation_historical_gbp": r(self.cost.preparation_historical),
                     "preparation_replacement_gbp": r(self.cost.preparation_replacement),
                     "access_costs_gbp": r(self.cost.access_total),
                     "historical_gbp": r(self.cost.historical), "replacement_gbp": r(self.cost.replacement)},
            "market": {"years_of_access": self.market.years_of_access, "note": self.market.note,
                       "basis": self.market.basis.value, "commercial_use": self.market.commercial,
                       "low_gbp": r(self.market.low), "middle_gbp": r(self.market.middle),
                       "high_gbp": r(self.market.high), "closeness": r(self.market.closeness, 6),
                       "tariff_floor_gbp": r(self.market.floor), "floor_lifted_the_middle": self.market.lifted,
                       "comparables": [_row(x) for x in self.market.rows],
                       "tariffs_as_floor": [_row(x) for x in self.market.floor_rows]},
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


def _row(x: Adjusted) -> dict[str, Any]:
    def r(v: float) -> float:
        return round(v, 6)
    c = x.comparable
    return {"name": c.name, "kind": c.kind.value, "source": c.source, "published": c.published.isoformat(),
            "tag": c.tag, "asset": x.asset, "price_gbp": c.price_gbp, "unit": c.unit.value,
            "records_factor": r(x.records), "history_factor": r(x.history), "data_type_factor": r(x.data_type),
            "exclusivity_factor": r(x.exclusivity), "closeness": r(x.closeness),
            "adjusted_price_gbp": round(x.price, 2), "value_gbp": round(x.value, 2)}


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
    return [a if a.central is None or v <= 0 else replace(a, share=a.central / v)
            for a in _plain_approaches(cost, market, income)]


def _plain_approaches(cost: CostApproach, market: MarketApproach, income: IncomeApproach) -> list[Approach]:
    low_cost, high_cost = sorted((cost.historical, cost.replacement))
    cost_note = ("costs of making the data usable (as spent, and to do again) plus the costs of giving access"
                 if cost.items else "no costs of making the data usable are entered: the costs of giving access only")
    kind = ("commercial licences" if market.commercial else "cost-recovery tariffs") \
        if market.basis is MarketBasis.BY_USE else "comparables"
    market_note = market.note or (f"{len({x.comparable.name for x in market.rows})} {kind} scaled to "
                                  f"{len(market.assets)} data asset(s), over {market.years_of_access} year(s) of "
                                  f"access")
    if not market.note and market.floor is not None:
        market_note += f"; the cost-recovery tariffs' middle ({money(market.floor)}) is its floor"
        if market.lifted:
            market_note += ", which lifts it"
    income_note = income.note or (f"{percent(income.rate)} of the product's risk-adjusted sales "
                                  f"({money(income.sales)} at the partner's rate)")
    if not income.note and income.low_rate != income.high_rate:
        income_note += f"; range at {percent(income.low_rate)} to {percent(income.high_rate)}"
    return [
        Approach("cost", "Cost", low_cost, cost.replacement, high_cost, cost_note),
        Approach("market", "Market", market.low, market.middle, market.high, market_note),
        Approach("income", "Income (relief from royalty)", income.low, income.value, income.high, income_note),
    ]


def _ask(anchor: Anchor, cost: CostApproach, market: MarketApproach, income: IncomeApproach,
         reconciled: Reconciled) -> tuple[float | None, str]:
    if anchor is Anchor.COST:
        return cost.replacement, ""
    if anchor is Anchor.MARKET:
        return market.middle, market.note
    if anchor is Anchor.INCOME:
        return income.value, income.note
    if anchor is Anchor.RECONCILED:
        return reconciled.value, "no approach has a value to weigh"
    # The fair band measures the value share beyond cost recovery: the ask recovers the NHS's costs of access and
    # adds the band's centre (the framework's "cost recovery plus a value share", principle 3).
    if income.fair_centre is None:
        return None, income.fair_note
    return cost.access_total + income.fair_centre, income.fair_note


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
    tariffs_in_value = any(x.comparable.kind is ComparableKind.TARIFF for x in market.rows)
    if market.middle is not None and floor > 0:
        if market.middle < 0.5 * floor:
            out.append("Market prices scaled to this data are below its cost: comparable data is sold to many users "
                       "at once, each paying for a part of it"
                       + (", and cost-recovery tariffs are charges for a service, built to recover costs, not prices "
                          "of the data." if tariffs_in_value else "."))
        elif market.middle > 2 * floor:
            out.append("Market prices scaled to this data are above its cost: comparable data sells for more than it "
                       "costs the NHS to prepare and provide.")
    if market.low is not None and market.high is not None and market.high > 3 * max(market.low, 1.0):
        out.append(f"The comparables span a wide range ({money_range(market.low, market.high)}): their prices "
                   f"differ by use and licensee, so the middle of the range is used.")
    if market.middle is None and market.commercial and market.floor is not None:
        out.append(f"No commercial-licence price for this data and use is entered or sourced, so the market approach "
                   f"gives no value; the cost-recovery tariffs scaled to this data ({money(market.floor)}) recover "
                   f"costs and are only the floor of what commercial use is worth, never its price.")
    if income.value is None:
        out.append("There is no product with sales, so the income approach gives no value.")
    if not out:
        out.append("The approaches broadly agree.")
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


def _weights(deal: Deal, approaches: list[Approach], market: MarketApproach, income: IncomeApproach
             ) -> list[Weighed]:
    """Each approach's weight and the reason for it [ours]: the user's starting weights; none for an approach
    without a positive value; the market's × its comparables' closeness (when so set); scaled to sum to 1."""
    rec = deal.contribution_value.reconciliation
    starts = {"cost": rec.cost_weight, "market": rec.market_weight, "income": rec.income_weight}
    factors: dict[str, float] = {}
    reasons: dict[str, str] = {}
    for a in approaches:
        start = starts[a.key]
        if a.central is None or a.central <= 0:
            factors[a.key] = 0.0
            why = {"cost": "no cost is entered", "market": market.note or "no comparable gives it a value",
                   "income": income.note or "the product has no sales"}[a.key]
            reasons[a.key] = f"no weight: {why}."
            continue
        if a.key == "market" and rec.weigh_market_by_closeness:
            factors[a.key] = market.closeness
            reasons[a.key] = (f"starting weight {start:g} [ours] × {market.closeness:.2f}, how close its comparables "
                              f"are to the deal's data (1 for the same data type and a size within 10×) [ours].")
        else:
            factors[a.key] = 1.0
            reasons[a.key] = {
                "cost": f"starting weight {start:g} [ours]: the lowest by default, because what making the data "
                        f"usable cost is sunk; it says what the data cost, not what it earns.",
                "market": f"starting weight {start:g} [ours], not weighed by its comparables' closeness.",
                "income": f"starting weight {start:g} [ours]: the highest by default, because the route to market is "
                          f"modelled and relief from royalty values what the data helps the product earn.",
            }[a.key]
    total = sum(starts[k] * factors[k] for k in factors)
    return [Weighed(a.key, a.title, starts[a.key], factors[a.key],
                    starts[a.key] * factors[a.key] / total if total > 0 else 0.0, reasons[a.key])
            for a in approaches]


def _narrow(approaches: list[Approach], market: MarketApproach, income: IncomeApproach,
            launch: float | None) -> list[str]:
    """What would narrow the spread: for the lowest and the highest approach, the input it rests on most."""
    valued = [a for a in approaches if a.central is not None and a.central > 0]
    ends = {min(valued, key=lambda a: a.central or 0).key, max(valued, key=lambda a: a.central or 0).key}
    out = []
    if "market" in ends:
        text = ("Better comparables: commercial licences for this data type and use (an earlier deal, a quote), "
                "close in size, so the market is not read off prices of other data")
        if market.basis is MarketBasis.EVERY_COMPARABLE:
            text += ("; and valuing commercial use on commercial licences with the cost-recovery tariffs only as its "
                     "floor (market basis 'by_use')")
        out.append(text + ".")
    if "income" in ends:
        chance = f" (now a {percent(launch, 0)} chance of launch)" if launch is not None else ""
        out.append(f"A firmer sales forecast (peak uptake, price, the stages' chances of success{chance}) and a "
                   f"sourced royalty rate for a data-only licence (now {percent(income.rate)}, an assumption [ours]).")
    if "cost" in ends:
        out.append("Firmer preparation costs (what was spent against what doing it again would cost); they are "
                   "sunk, so they bound what the data cost, not what it earns.")
    return out


def reconcile(deal: Deal, approaches: list[Approach], cost: CostApproach, market: MarketApproach,
              income: IncomeApproach, launch: float | None) -> Reconciled:
    """The concluded value Σ w_i × central_i and the range Σ w_i × low_i to Σ w_i × high_i, each at least the
    NHS's costs of giving access; the spread max/min of the approaches' central values, flagged above the
    threshold with what would narrow it."""
    rec_inputs = deal.contribution_value.reconciliation
    weights = _weights(deal, approaches, market, income)
    by_key = {a.key: a for a in approaches}
    used = [(w.weight, by_key[w.key]) for w in weights if w.weight > 0]
    floor = cost.access_total
    notes: list[str] = []
    weighted: float | None
    value: float | None
    low: float | None
    high: float | None
    if used:
        weighted = sum(w * (a.central or 0.0) for w, a in used)
        low = sum(w * (a.low if a.low is not None else a.central or 0.0) for w, a in used)
        high = sum(w * (a.high if a.high is not None else a.central or 0.0) for w, a in used)
        value, low, high = max(weighted, floor), max(low, floor), max(high, floor)
        if weighted < floor:
            notes.append(f"The weighted value ({money(weighted)}) is below the NHS's costs of giving access "
                         f"({money(floor)} in present value): the NHS always recovers its costs (principle 2), so "
                         f"that is the concluded value.")
    else:
        weighted = value = low = high = None
        notes.append("No approach has a value to weigh.")
    valued = [a.central for a in approaches if a.central is not None and a.central > 0]
    spread = max(valued) / min(valued) if len(valued) > 1 else None
    wide = spread is not None and spread > rec_inputs.wide_spread
    narrow = _narrow(approaches, market, income, launch) if wide else []
    partner = income.partner_value
    share = value / partner if value is not None and partner > 0 else None
    return Reconciled(value, low, high, share, weights, weighted, floor, spread, wide, narrow, notes)


def value_contribution(deal: Deal, valuation: Valuation | None = None, *, table: Table | None = None
                       ) -> ContributionValue:
    """The three approaches, their range, the NHS's ask on the chosen anchor, the reasons and the sanity flags."""
    v = valuation if valuation is not None else value_deal(deal)
    table = table or published_table()
    fair = fair_share(deal, v)
    cost = cost_approach(deal, v)
    market = market_approach(deal, v, comparables_for(deal, table))
    income = income_approach(deal, v, fair.low, fair.centre, fair.high)
    plain = _approaches(cost, market, income)
    reconciled = reconcile(deal, plain, cost, market, income, v.launch_probability)
    weight = {w.key: w.weight for w in reconciled.weights}
    approaches = [replace(a, weight=weight[a.key]) for a in plain]
    lows = [a.low for a in approaches if a.low is not None]
    highs = [a.high for a in approaches if a.high is not None]
    anchor = deal.contribution_value.anchor
    ask, ask_note = _ask(anchor, cost, market, income, reconciled)
    partner_value = v.partner_value_before_payments
    ask_share = ask / partner_value if ask is not None and partner_value > 0 else None
    assets = deal.contribution.data_assets
    records = max((a.patients for a in assets), default=0.0)
    ceiling, ceiling_note = _ceiling(deal, table)
    flags = _check(approaches, records, ceiling, ceiling_note, cost.access_total)
    if reconciled.wide and reconciled.spread is not None:
        flags.append(Flag("reconciled", f"The approaches are far apart: the highest is {reconciled.spread:,.1f}× the "
                                        f"lowest (above {deal.contribution_value.reconciliation.wide_spread:g}×), so "
                                        f"the concluded value rests on its weights. What would narrow it: "
                                        + " ".join(reconciled.narrow)))
    return ContributionValue(cost, market, income, reconciled, approaches, min(lows) if lows else None,
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

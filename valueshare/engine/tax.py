"""The partner's corporation tax on the deal: yearly, with losses carried forward, in each world and in expectation.

The partner's hurdle rate is usually an after-tax rate, so its NPV and IRR are after corporation tax. Taxable profit
in a year is the partner's operating profit from the product less its stage costs and less what it pays the NHS
(fees, subscriptions, milestones, royalties and revenue shares, in-kind costs and the revenue a price discount
forgoes are all deductible trading expenses); a stake in its equity is not (an issue of shares is a capital
transaction, not a trading expense). Tax is paid in the year of the profit [ours: UK companies pay in quarterly
instalments or nine months after their year end; within a year is close enough for a valuation].

Losses are carried forward without limit against later profits of the deal, a simplification of UK trading-loss
relief [ours]: carry-back, group relief, the 50% restriction above the £5m allowance (Corporation Tax Act 2010,
Part 7ZA) and R&D reliefs are left out. With C_t the cumulative taxable profit to year t, the cumulative profit
taxed is ``max(0, max over s <= t of C_s)``: a loss lowers C and nothing is taxed until C passes its previous
high. Tax is the rate times the yearly increase of that: one cumulative sum and one running maximum over an
(n, years) array, so a Monte Carlo computes each trial's tax without a loop over trials.

Because of the losses, tax is not linear in the flows: the tax on risk-weighted (expected) flows is not the expected
tax. The deterministic valuation therefore takes the tax of each outcome of the route (the programme stops at stage
1, 2, ..., or launches; a consent clause switches on or not), each with the deal's own figures, and weights them by
their chances (``outcome_worlds``): the expected tax, which a Monte Carlo's mean estimates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valueshare.engine.route import RouteDraw, base_inputs, build_route, route_offset_and_branch
from valueshare.model import Deal, Use


def corporation_tax(taxable: np.ndarray, rate: float) -> np.ndarray:
    """Tax paid in each year (>= 0) on yearly ``taxable`` profit (…, years), losses carried forward.

    ``rate × Δ max(0, running max of cumulative taxable profit)``.

    >>> corporation_tax(np.array([[-10.0, 4.0, 10.0, 5.0]]), 0.25).tolist()
    [[0.0, 0.0, 1.0, 1.25]]
    """
    if taxable.ndim == 2:
        # Only a world with a profit in some year can pay tax: in the others the cumulative profit never rises above
        # 0 (a sum of numbers <= 0 is <= 0, rounding included), so their tax is exactly 0. In a Monte Carlo of a
        # medicine, most trials never launch and never make a profit.
        rows = np.flatnonzero((taxable > 0.0).any(axis=1))
        if rows.size < taxable.shape[0]:
            out = np.zeros_like(taxable)
            if rows.size:
                out[rows] = corporation_tax(taxable[rows][None], rate)[0]
            return out
    taxed = np.maximum.accumulate(np.maximum(np.cumsum(taxable, axis=-1), 0.0), axis=-1)
    return rate * np.diff(taxed, axis=-1, prepend=0.0)


@dataclass(frozen=True)
class Outcomes:
    """The discrete outcomes of a deal's deterministic valuation, as m worlds with 0/1 weights, and their chances."""

    route: RouteDraw | None
    clause_weight: np.ndarray   # (m,) 1 where a consent clause has switched on
    probability: np.ndarray     # (m,) chance of each world; they add up to 1


def outcome_worlds(deal: Deal) -> Outcomes:
    """Every outcome the deterministic valuation weights: whether a consent clause switches on (if there is one)
    and, where the route runs, how many stages succeed (0 to all; all is launch), each with its chance, the other
    inputs at the deal's own values."""
    clause = deal.consent_clause
    switches = [(0.0, 1.0 - clause.probability), (1.0, clause.probability)] if clause else [(0.0, 1.0)]
    route_needs_switch = clause is not None and deal.use is Use.NON_COMMERCIAL_RESEARCH
    rows: list[tuple[float, float, list[float]]] = []   # (clause switched, chance, stage successes)
    stages = deal.route_to_market.stages if deal.route_to_market else []
    for switched, p_switch in switches:
        if deal.route_to_market is None or (route_needs_switch and not switched):
            rows.append((switched, p_switch, [1.0] * len(stages)))
            continue
        reach = 1.0
        for k, each in enumerate(stages):
            rows.append((switched, p_switch * reach * (1.0 - each.probability_of_success),
                         [1.0] * k + [0.0] + [1.0] * (len(stages) - k - 1)))
            reach *= each.probability_of_success
        rows.append((switched, p_switch * reach, [1.0] * len(stages)))
    m = len(rows)
    clause_weight = np.array([r[0] for r in rows])
    probability = np.array([r[1] for r in rows])
    route = None
    if deal.route_to_market is not None:
        stage, sales = base_inputs(deal.route_to_market, m)
        offset, _ = route_offset_and_branch(deal)
        branch = clause_weight.copy() if route_needs_switch else np.ones(m)
        success = np.array([r[2] for r in rows]).reshape(m, len(stages))
        route = build_route(deal.route_to_market, deal.assumptions.horizon_years, offset=offset, branch=branch,
                            durations=stage["duration_years"], costs=stage["partner_cost_gbp"], success=success,
                            sales=sales)
    return Outcomes(route, clause_weight, probability)

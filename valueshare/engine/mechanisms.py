"""What each value-sharing mechanism is worth to the NHS, and costs the partner, year by year.

Each function takes one term, the route (or ``None``) and a ``Timing`` and returns a ``Flow``: two (n, years)
arrays, the NHS's receipt (>= 0) and the partner's cost (>= 0). Sales-linked terms are computed on the sales *given
launch* and then weighted by the chance of launch, so that tiers and caps act on the sales that would really happen
(applying tiers to already risk-weighted sales would put too much of them in the lowest tier).

A mechanism whose Monte Carlo draws more than the route (equity: whether the exit happens, at what value) has two
more functions: one that draws its own part of each world (``equity_world``) and one that values it in those worlds
(``equity_drawn``). valueshare.mechanisms says which function serves which mechanism.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from valueshare.engine.route import RouteDraw
from valueshare.engine.sampling import draw
from valueshare.engine.timeline import one_hot_years, year_index, yearly_schedule
from valueshare.model.terms import (
    AccessFee,
    Equity,
    Frequency,
    InKindBenefit,
    Milestone,
    NhsPriceDiscount,
    RevenueShare,
    Royalty,
    RoyaltyTier,
    Subscription,
    Territory,
)


@dataclass(frozen=True)
class Timing:
    """Where a term's own years start and how likely its world is: (0, 1) at top level; inside a consent clause,
    the clause's year and its probability (per trial in a Monte Carlo)."""

    offset: int
    weight: np.ndarray        # (n,)
    horizon_years: int
    price_discount: float     # total NHS price discount in the deal, for the net-sales basis of royalties

    @property
    def all_apply(self) -> bool:
        return bool(np.all(self.weight == 1.0))


@dataclass(frozen=True)
class Flow:
    nhs: np.ndarray       # (n, years) what the NHS receives or saves
    partner: np.ndarray   # (n, years) what it costs the partner


def _same(values: np.ndarray) -> Flow:
    return Flow(values, values)


def _fixed(row: np.ndarray, timing: Timing) -> np.ndarray:
    """A schedule that is the same in every world where it applies: (1, years) when it applies in all of them
    (broadcast by whoever adds it up, not copied n times), else weighted per world."""
    if timing.all_apply:
        return row[None, :]
    return timing.weight[:, None] * row[None, :]


def access_fee(term: AccessFee, route: RouteDraw | None, timing: Timing) -> Flow:
    """Fee paid at ``start_year`` (one-off) or each year for ``years`` years; certain within its world."""
    years = 1 if term.frequency is Frequency.ONE_OFF else term.years
    row = yearly_schedule(term.amount_gbp, term.start_year + timing.offset, years, timing.horizon_years)
    return _same(_fixed(row, timing))


def subscription(term: Subscription, route: RouteDraw | None, timing: Timing) -> Flow:
    """``amount * (1 + escalation)^k`` in year ``start_year + k``, k = 0..years-1."""
    row = yearly_schedule(term.amount_gbp_per_year, term.start_year + timing.offset, term.years,
                          timing.horizon_years, growth=term.escalation_rate)
    return _same(_fixed(row, timing))


def in_kind_benefit(term: InKindBenefit, route: RouteDraw | None, timing: Timing) -> Flow:
    """The benefit's value to the NHS; its cost to the partner (its value, unless a cost is given)."""
    start = term.start_year + timing.offset
    value = yearly_schedule(term.value_gbp_per_year, start, term.years, timing.horizon_years)
    cost_each_year = term.value_gbp_per_year if term.partner_cost_gbp_per_year is None \
        else term.partner_cost_gbp_per_year
    cost = yearly_schedule(cost_each_year, start, term.years, timing.horizon_years)
    return Flow(_fixed(value, timing), _fixed(cost, timing))


def equity(term: Equity, route: RouteDraw | None, timing: Timing) -> Flow:
    """``stake * exit_value * exit_probability`` in the exit year; what the NHS gains the partner's owners give up."""
    row = yearly_schedule(term.stake * term.exit_value_gbp * term.exit_probability,
                          term.exit_year + timing.offset, 1, timing.horizon_years)
    return _same(_fixed(row, timing))


def equity_world(term: Equity, n: int, rng: np.random.Generator, uncertain: dict[str, Any]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Equity's part of n drawn worlds: whether the exit happens (1) or not (0), and the exit value (drawn when
    ``uncertain``, the term's uncertain inputs by field name, holds a distribution for it)."""
    exited = (rng.random(n) < term.exit_probability).astype(float)
    spread = uncertain.get("exit_value_gbp")
    value = draw(spread, n, rng) if spread is not None else np.full(n, term.exit_value_gbp)
    return exited, value


def equity_drawn(term: Equity, world: tuple[np.ndarray, np.ndarray], timing: Timing) -> Flow:
    """Equity in a Monte Carlo: in each world the exit happens (1) or not (0), at that world's exit value."""
    exited, exit_value = world
    when = one_hot_years(np.full(exited.shape[0], term.exit_year + timing.offset), timing.horizon_years)
    return _same((timing.weight * term.stake * exit_value * exited)[:, None] * when)


def milestone(term: Milestone, route: RouteDraw | None, timing: Timing) -> Flow:
    """The amount, in the year its stage ends, weighted by the chance that the stage succeeds."""
    assert route is not None  # the deal's validator guarantees a route with this stage
    i = route.stage_names.index(term.stage)
    out = np.zeros((route.trials, route.horizon_years + 1))
    year = year_index(route.stage_ends[:, i])
    inside = year <= route.horizon_years
    out[np.nonzero(inside)[0], year[inside]] = term.amount_gbp * route.passed[inside, i]
    return _same(out)


def tiered(base: np.ndarray, tiers: list[RoyaltyTier]) -> np.ndarray:
    """Royalty on each year's ``base`` in bands: each rate applies to the part of the base within its band.

    >>> from valueshare.model import RoyaltyTier as T
    >>> tiered(np.array([[150.0]]), [T(from_gbp=0, rate=0.01), T(from_gbp=100, rate=0.02)]).tolist()
    [[2.0]]
    """
    out = np.zeros_like(base)
    for k, tier in enumerate(tiers):
        top = tiers[k + 1].from_gbp if k + 1 < len(tiers) else np.inf
        out += tier.rate * np.minimum(np.maximum(base - tier.from_gbp, 0.0), top - tier.from_gbp)
    return out


def _net_sales(route: RouteDraw, territory: Territory, window_years: float | None, price_discount: float):
    """Net sales (after the NHS price discount) given launch, in the territory, within the window."""
    gross = route.sales(window_years)
    uk = route.uk_share[:, None]
    net_worldwide = gross * (1.0 - uk * price_discount)
    if territory is Territory.UK:
        return gross * uk * (1.0 - price_discount)
    return net_worldwide


def royalty(term: Royalty, route: RouteDraw | None, timing: Timing) -> Flow:
    """Tiered royalty on yearly net sales given launch, capped in total, then weighted by the chance of launch."""
    assert route is not None
    base = _net_sales(route, term.territory, term.term_years, timing.price_discount)
    paid = tiered(base, term.tiers)
    if term.cap_gbp is not None:
        paid = np.diff(np.minimum(np.cumsum(paid, axis=1), term.cap_gbp), axis=1, prepend=0.0)
    return _same(paid * route.launched[:, None])


def revenue_share(term: RevenueShare, route: RouteDraw | None, timing: Timing) -> Flow:
    """A flat share of net sales given launch, weighted by the chance of launch."""
    assert route is not None
    base = _net_sales(route, term.territory, term.term_years, timing.price_discount)
    return _same(term.rate * base * route.launched[:, None])


def nhs_price_discount(term: NhsPriceDiscount, route: RouteDraw | None, timing: Timing) -> Flow:
    """The NHS saves the discount on what it buys (UK share of list-price sales); the partner loses that revenue."""
    assert route is not None
    saving = term.price_discount * route.sales() * route.uk_share[:, None]
    return _same(saving * route.launched[:, None])


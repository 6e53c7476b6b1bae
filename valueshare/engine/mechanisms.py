"""What each value-sharing mechanism is worth to the NHS, and costs the partner, year by year.

Each function takes one term, the route (or ``None``) and a ``Timing`` and returns a ``Flow``: two (n, years)
arrays, the NHS's receipt (>= 0) and the partner's cost (>= 0). Sales-linked terms are computed on the sales *given
launch* and then weighted by the chance of launch, so that tiers and caps act on the sales that would really happen
(applying tiers to already risk-weighted sales would put too much of them in the lowest tier).

A mechanism whose Monte Carlo draws more than the route (equity: whether the exit happens, at what value) has two
more functions: one that draws its own part of each world (``equity_world``) and one that values it in those worlds
(``equity_drawn``). valueshare.mechanisms says which function serves which mechanism.

Cash and real terms: every flow is in pounds of the price base year. A term whose amounts are fixed in cash
(``indexation: fixed``) pays pounds that inflation erodes: £A paid in year t is worth ``A / (1 + inflation)^t`` of
the price base year's pounds, year 0 (signature) being in the price base year (``deflators``). An indexed amount
rises with CPI and is already real. Sales, and so royalty and revenue-share rates on them, are real throughout.

Equity is valued at its own rate: the exit's expected value in the exit year is shown as its certainty equivalent at
each party's rate, ``value × DF_equity(t) / DF_party(t)``, so that discounting the line at the party's rate (as
every line is) gives its present value at the equity rate (Brealey, Myers and Allen, Principles of Corporate
Finance, ch. 9, certainty equivalents [conv]).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from valueshare.engine.route import RouteDraw
from valueshare.engine.sampling import draw
from valueshare.engine.timeline import discount_factors, one_hot_years, year_index, yearly_schedule
from valueshare.model.terms import (
    AccessFee,
    Equity,
    Frequency,
    Indexation,
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
    inflation: float = 0.0    # yearly CPI inflation, for amounts fixed in cash
    nhs_factors: np.ndarray | None = None      # (years,) the NHS's discount factors, for equity's own rate
    partner_factors: np.ndarray | None = None  # (years,) the partner's

    @property
    def all_apply(self) -> bool:
        return bool(np.all(self.weight == 1.0))


@dataclass(frozen=True)
class Flow:
    nhs: np.ndarray       # (n, years) what the NHS receives or saves
    partner: np.ndarray   # (n, years) what it costs the partner


def _same(values: np.ndarray) -> Flow:
    return Flow(values, values)


def deflators(inflation: float, horizon_years: int) -> np.ndarray:
    """What £1 fixed in cash and paid in each year 0..horizon is worth in the price base year's pounds.

    Year 0 is signature, in the price base year; a payment at the end of year t has seen t years of inflation:
    ``1 / (1 + inflation)^t``.

    >>> deflators(0.02, 2).round(6).tolist()
    [1.0, 0.980392, 0.961169]
    """
    return (1.0 + inflation) ** -np.arange(horizon_years + 1, dtype=float)


def _real(term: object, timing: Timing) -> np.ndarray:
    """(years,) the factor that turns the term's amounts, paid in each year, into real pounds: the deflators when
    they are fixed in cash, 1 when they are indexed to CPI."""
    if getattr(term, "indexation", Indexation.INDEXED) is Indexation.FIXED:
        return deflators(timing.inflation, timing.horizon_years)
    return np.ones(timing.horizon_years + 1)


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
    return _same(_fixed(row * _real(term, timing), timing))


def subscription(term: Subscription, route: RouteDraw | None, timing: Timing) -> Flow:
    """``amount * (1 + escalation)^k`` in year ``start_year + k``, k = 0..years-1."""
    row = yearly_schedule(term.amount_gbp_per_year, term.start_year + timing.offset, term.years,
                          timing.horizon_years, growth=term.escalation_rate)
    return _same(_fixed(row * _real(term, timing), timing))


def in_kind_benefit(term: InKindBenefit, route: RouteDraw | None, timing: Timing) -> Flow:
    """The benefit's value to the NHS; its cost to the partner (its value, unless a cost is given)."""
    start = term.start_year + timing.offset
    value = yearly_schedule(term.value_gbp_per_year, start, term.years, timing.horizon_years)
    cost_each_year = term.value_gbp_per_year if term.partner_cost_gbp_per_year is None \
        else term.partner_cost_gbp_per_year
    cost = yearly_schedule(cost_each_year, start, term.years, timing.horizon_years)
    real = _real(term, timing)
    return Flow(_fixed(value * real, timing), _fixed(cost * real, timing))


def alive_in(route: RouteDraw, year: int) -> np.ndarray:
    """(n,) weight that the programme is still alive at the end of ``year``: no stage that has ended by then (its
    outcome is known in the year it ends, as a milestone's) has failed; launched, once every stage has ended. It
    carries the route's branch (a consent clause's chance)."""
    if not route.stage_names:
        return route.branch
    ended = (year_index(route.stage_ends) <= year).sum(axis=1)          # (n,) stages over by then
    known = np.concatenate([route.branch[:, None], route.passed], axis=1)  # weight alive after 0..S stages
    return np.take_along_axis(known, ended[:, None], axis=1)[:, 0]


def _exit_weight(term: Equity, route: RouteDraw | None, timing: Timing) -> np.ndarray:
    """(n,) weight of the worlds the exit can happen in: the programme alive in the exit year when the exit needs it
    (and there is a programme), else the term's own world."""
    if term.exit_requires_launch and route is not None:
        return alive_in(route, term.exit_year + timing.offset)
    return timing.weight


def _equity_flow(term: Equity, amount: np.ndarray, timing: Timing) -> Flow:
    """(n,) real amount changing hands at the exit, in the exit year, as each party's certainty equivalent at the
    equity rate (``amount × DF_equity(t) / DF_party(t)``; the amount itself when the parties use their own rates)."""
    year = term.exit_year + timing.offset
    when = one_hot_years(np.full(amount.shape[0], year), timing.horizon_years)
    cash = (amount * _real(term, timing)[min(year, timing.horizon_years)])[:, None] * when
    rate = term.equity_discount_rate
    if rate is None or timing.nhs_factors is None or timing.partner_factors is None or year > timing.horizon_years:
        return _same(cash)
    own = discount_factors(rate, timing.horizon_years)[year]
    return Flow(cash * (own / timing.nhs_factors[year]), cash * (own / timing.partner_factors[year]))


def equity(term: Equity, route: RouteDraw | None, timing: Timing) -> Flow:
    """``stake × exit value × exit probability × P(programme alive in the exit year)`` in the exit year, valued at
    the equity rate; what the NHS gains the partner's owners give up."""
    weight = _exit_weight(term, route, timing)
    return _equity_flow(term, term.stake * term.exit_value_gbp * term.exit_probability * weight, timing)


def equity_world(term: Equity, n: int, rng: np.random.Generator, uncertain: dict[str, Any]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Equity's part of n drawn worlds: whether the exit happens (1) or not (0), and the exit value (drawn when
    ``uncertain``, the term's uncertain inputs by field name, holds a distribution for it)."""
    exited = (rng.random(n) < term.exit_probability).astype(float)
    spread = uncertain.get("exit_value_gbp")
    value = draw(spread, n, rng) if spread is not None else np.full(n, term.exit_value_gbp)
    return exited, value


def equity_drawn(term: Equity, world: tuple[np.ndarray, np.ndarray], route: RouteDraw | None, timing: Timing
                 ) -> Flow:
    """Equity in a Monte Carlo: in each world the exit happens (1) or not (0), at that world's exit value, and (when
    the exit needs it) only if that world's programme is alive in the exit year."""
    exited, exit_value = world
    return _equity_flow(term, term.stake * exit_value * exited * _exit_weight(term, route, timing), timing)


def milestone(term: Milestone, route: RouteDraw | None, timing: Timing) -> Flow:
    """The amount, in the year its stage ends, weighted by the chance that the stage succeeds."""
    assert route is not None  # the deal's validator guarantees a route with this stage
    i = route.stage_names.index(term.stage)
    out = np.zeros((route.trials, route.horizon_years + 1))
    year = year_index(route.stage_ends[:, i])
    inside = year <= route.horizon_years
    out[np.nonzero(inside)[0], year[inside]] = term.amount_gbp * route.passed[inside, i]
    return _same(out * _real(term, timing)[None, :])


def tiered(base: np.ndarray, tiers: list[RoyaltyTier], scale: np.ndarray | float = 1.0) -> np.ndarray:
    """Royalty on each year's ``base`` in bands: each rate applies to the part of the base within its band.

    ``scale`` (years,) turns the thresholds, written in pounds, into the base's pounds each year: the deflators
    for thresholds fixed in cash (a fixed threshold is crossed sooner in real terms as prices rise), 1 if indexed.

    >>> from valueshare.model import RoyaltyTier as T
    >>> tiered(np.array([[150.0]]), [T(from_gbp=0, rate=0.01), T(from_gbp=100, rate=0.02)]).tolist()
    [[2.0]]
    """
    out = np.zeros_like(base)
    for k, tier in enumerate(tiers):
        start = tier.from_gbp * scale
        top = tiers[k + 1].from_gbp * scale if k + 1 < len(tiers) else np.inf
        out += tier.rate * np.minimum(np.maximum(base - start, 0.0), top - start)
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
    real = _real(term, timing)
    paid = tiered(base, term.tiers, real)
    if term.cap_gbp is not None:
        # The cap counts the pounds paid: a cap fixed in cash is reached on the royalties' cash (real × (1 + i)^t),
        # and what is paid under it is brought back to real pounds; an indexed cap counts real pounds.
        cash = paid / real
        paid = np.diff(np.minimum(np.cumsum(cash, axis=1), term.cap_gbp), axis=1, prepend=0.0) * real
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


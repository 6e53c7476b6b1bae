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

from dataclasses import dataclass, replace
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
    SdeCharges,
    ServiceIncome,
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

    def take(self, rows: np.ndarray) -> Timing:
        """The same timing in the worlds ``rows`` only."""
        return replace(self, weight=self.weight[rows])


@dataclass(frozen=True)
class Flow:
    """A term's flows. ``nhs`` is what the deal's NHS party receives or saves; of it, ``rebate`` is what comes back
    on its own purchases of the product (a discount or a royalty on them: less spend, not income from the partner).
    ``other_nhs`` is what the term gives other NHS bodies on their purchases, not credited to the party.
    ``nhs_cost`` is what the NHS spends to deliver the term (a service's delivery cost), >= 0."""

    nhs: np.ndarray       # (n, years) what the NHS party receives or saves
    partner: np.ndarray   # (n, years) what it costs the partner
    rebate: np.ndarray | None = None
    other_nhs: np.ndarray | None = None
    nhs_cost: np.ndarray | None = None


@dataclass(frozen=True)
class Payments:
    """At most one payment in each of n worlds: ``amount`` (n,) £ in year ``year`` (n,) of 0..``horizon_years``;
    a world whose year is past the horizon pays nothing. A mechanism that pays so (a milestone) gives these, and
    its yearly flows are built from them (``yearly``), so that a total or a present value can take each world's one
    payment without a trials × years array (valueshare.engine.valuation: ``PaymentLine``)."""

    year: np.ndarray     # (n,) int
    amount: np.ndarray   # (n,) £ (real), the value at the year's entry
    horizon_years: int

    def rows(self) -> np.ndarray:
        """The worlds that pay within the horizon."""
        return np.flatnonzero(self.year <= self.horizon_years)

    def yearly(self) -> np.ndarray:
        """(n, horizon + 1): each world's payment in its year, 0 elsewhere."""
        out = np.zeros((self.year.shape[0], self.horizon_years + 1))
        rows = self.rows()
        out[rows, self.year[rows]] = self.amount[rows]
        return out

    def add_to(self, total: np.ndarray) -> None:
        """Add each world's payment to ``total`` (n, horizon + 1), in place: as adding ``yearly()``, whose other
        entries are 0."""
        rows = self.rows()
        total[rows, self.year[rows]] += self.amount[rows]

    def present_value(self, factors: np.ndarray) -> np.ndarray:
        """(n,) each world's payment times the discount factor of its year: ``yearly() @ factors``, whose other
        terms are 0."""
        out = np.zeros(self.year.shape[0])
        rows = self.rows()
        out[rows] = self.amount[rows] * factors[self.year[rows]]
        return out

    def negated(self) -> Payments:
        return replace(self, amount=-self.amount)


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


def milestone_payments(term: Milestone, route: RouteDraw | None, timing: Timing) -> Payments:
    """The amount, in the year its stage ends, weighted by the chance that the stage succeeds; none past the
    horizon."""
    assert route is not None  # the deal's validator guarantees a route with this stage
    i = route.stage_names.index(term.stage)
    year = year_index(route.stage_ends[:, i])
    real = _real(term, timing)[np.minimum(year, route.horizon_years)]  # a year past the horizon pays nothing
    return Payments(year, term.amount_gbp * route.passed[:, i] * real, route.horizon_years)


def milestone(term: Milestone, route: RouteDraw | None, timing: Timing) -> Flow:
    """The amount, in the year its stage ends, weighted by the chance that the stage succeeds
    (``milestone_payments``)."""
    return _same(milestone_payments(term, route, timing).yearly())


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
    nhs = route.nhs_share[:, None]
    net_worldwide = gross * (1.0 - nhs * price_discount)
    if territory is Territory.UK:
        return gross * nhs * (1.0 - price_discount)
    return net_worldwide


def nhs_fraction(route: RouteDraw, territory: Territory, price_discount: float) -> np.ndarray:
    """(n, 1) the share of a term's net-sales base that is the NHS's own purchases: all of it for UK sales (bought by
    the NHS), else ``s (1 − d) / (1 − s d)`` with s the NHS's share of units and d the price discount."""
    if territory is Territory.UK:
        return np.ones((route.trials, 1))
    s = route.nhs_share[:, None]
    return s * (1.0 - price_discount) / (1.0 - s * price_discount)


def _split_by_buyer(paid: np.ndarray, route: RouteDraw, territory: Territory, price_discount: float) -> Flow:
    """A sales-linked payment split by who bought what it is paid on: on the NHS party's own purchases it is a
    rebate; on other NHS bodies' purchases it is theirs, not credited to the party; the rest is income."""
    on_nhs = paid * nhs_fraction(route, territory, price_discount)
    if route.party_share == 1.0:
        return Flow(paid, paid, rebate=on_nhs)
    other = on_nhs * (1.0 - route.party_share)
    return Flow(paid - other, paid, rebate=on_nhs * route.party_share, other_nhs=other)


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
    return _split_by_buyer(paid * route.launched[:, None], route, term.territory, timing.price_discount)


def revenue_share(term: RevenueShare, route: RouteDraw | None, timing: Timing) -> Flow:
    """A flat share of net sales given launch, weighted by the chance of launch."""
    assert route is not None
    base = _net_sales(route, term.territory, term.term_years, timing.price_discount)
    return _split_by_buyer(term.rate * base * route.launched[:, None], route, term.territory, timing.price_discount)


def nhs_price_discount(term: NhsPriceDiscount, route: RouteDraw | None, timing: Timing) -> Flow:
    """The NHS saves the discount on what it buys (the NHS's share of list-price sales); the partner loses that
    revenue. The saving on the NHS party's own purchases is its rebate; on other NHS bodies' purchases, theirs."""
    assert route is not None
    saving = term.price_discount * route.sales() * route.nhs_share[:, None] * route.launched[:, None]
    if route.party_share == 1.0:
        return Flow(saving, saving, rebate=saving)
    own = saving * route.party_share
    return Flow(own, saving, rebate=own, other_nhs=saving - own)


def sde_charges(term: SdeCharges, route: RouteDraw | None, timing: Timing) -> Flow:
    """The set-up charge in the start year; then, in each of the next ``years`` years, users × 12 × the monthly
    charge plus projects × the project charge."""
    start = term.start_year + timing.offset
    setup = yearly_schedule(term.setup_gbp, start, 1, timing.horizon_years)
    usage = term.users * 12.0 * term.per_user_per_month_gbp + term.projects_per_year * term.per_project_gbp
    row = setup + yearly_schedule(usage, start + 1, term.years, timing.horizon_years)
    return _same(_fixed(row * _real(term, timing), timing))


def service_income(term: ServiceIncome, route: RouteDraw | None, timing: Timing) -> Flow:
    """Units × price a year to the NHS (from the partner), against units × delivery cost a year borne by the NHS."""
    start = term.start_year + timing.offset
    real = _real(term, timing)
    income = yearly_schedule(term.units_per_year * term.price_per_unit_gbp, start, term.years, timing.horizon_years)
    cost = yearly_schedule(term.units_per_year * term.nhs_cost_per_unit_gbp, start, term.years,
                           timing.horizon_years)
    paid = _fixed(income * real, timing)
    return Flow(paid, paid, nhs_cost=_fixed(cost * real, timing))

"""The route to market as arrays over trials: when each stage ends, how likely it is reached, and sales.

One ``RouteDraw`` describes n "worlds" (rows). In the deterministic valuation n = 1 and the weights are
probabilities, so every flow is an expected value (risk-adjusted). In a Monte Carlo the weights are 0 or 1
(a stage failed or succeeded in that trial) and the same functions give each trial's flows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from valueshare.engine.timeline import ramp_integral
from valueshare.model import Deal, RouteToMarket, Use


@dataclass(frozen=True)
class RouteDraw:
    """Stage timing, survival weights and sales for n worlds over years 0..horizon."""

    horizon_years: int
    stage_names: tuple[str, ...]
    stage_costs: np.ndarray      # (n, S) partner cost of each stage, £
    stage_starts: np.ndarray     # (n, S) years from signature
    stage_ends: np.ndarray       # (n, S)
    reach: np.ndarray            # (n, S) weight that the stage starts (includes the branch weight)
    passed: np.ndarray           # (n, S) weight that the stage succeeds
    branch: np.ndarray           # (n,) weight of the world the route lives in (a consent clause's probability)
    launch: np.ndarray           # (n,) launch time, years from signature
    launched: np.ndarray         # (n,) weight that the product reaches the market
    has_sales: bool
    volume: np.ndarray           # (n,) addressable units a year
    price: np.ndarray            # (n,) £ per unit
    peak_uptake: np.ndarray      # (n,)
    years_to_peak: np.ndarray    # (n,)
    nhs_share: np.ndarray        # (n,) share of units sold that the NHS buys (Sales.nhs_share_of_sales)
    operating_margin: np.ndarray  # (n,)
    sales_end: float             # sales stop at the end of this year
    party_share: float = 1.0     # share of the NHS's purchases made by the deal's NHS party
    starting_uptake: float = 0.0  # uptake at launch, rising in a straight line to peak

    @property
    def trials(self) -> int:
        return self.launch.shape[0]

    @cached_property
    def launch_rows(self) -> np.ndarray | None:
        """The rows (worlds) in which the product can launch (launch weight not 0), or None when that is every row.

        Every sales-linked flow is weighted by the launch weight, so in the other rows it is exactly 0: a Monte
        Carlo (weights 0 or 1) computes sales and the terms on them only for the trials that launch, a few in a
        hundred for a medicine (``deal_flows``)."""
        rows = np.flatnonzero(self.launched)
        return None if rows.size == self.trials else rows

    def take(self, rows: np.ndarray) -> RouteDraw:
        """The same route in the worlds ``rows`` only (an index array), in that order."""
        return replace(self, stage_costs=self.stage_costs[rows], stage_starts=self.stage_starts[rows],
                       stage_ends=self.stage_ends[rows], reach=self.reach[rows], passed=self.passed[rows],
                       branch=self.branch[rows], launch=self.launch[rows], launched=self.launched[rows],
                       volume=self.volume[rows], price=self.price[rows], peak_uptake=self.peak_uptake[rows],
                       years_to_peak=self.years_to_peak[rows], nhs_share=self.nhs_share[rows],
                       operating_margin=self.operating_margin[rows])

    @cached_property
    def _sales_to_end(self) -> np.ndarray:
        return self._sales(None)

    def sales(self, window_years: float | None = None) -> np.ndarray:
        """List-price sales in each year given launch, £, shape (n, horizon + 1); see ``_sales``."""
        return self._sales_to_end if window_years is None else self._sales(window_years)

    def _sales(self, window_years: float | None) -> np.ndarray:
        """List-price sales in each year given launch, £, shape (n, horizon + 1).

        With ``window_years``, only sales within that many years after launch count (a royalty term).
        Sales in year t are ``volume * price * peak_uptake * ∫ ramp`` over the part of (t-1, t] after launch and
        before both the end of sales and the window's end.
        """
        return self._units(window_years) * self.price[:, None]

    def units(self) -> np.ndarray:
        """Units sold in each year given launch (all territories), shape (n, horizon + 1)."""
        return self._units(None)

    def _units(self, window_years: float | None) -> np.ndarray:
        n, horizon = self.trials, self.horizon_years
        if not self.has_sales:
            return np.zeros((n, horizon + 1))
        t = np.arange(horizon + 1, dtype=float)[None, :]
        upper = np.minimum(t, self.sales_end)
        if window_years is not None:
            upper = np.minimum(upper, (self.launch + window_years)[:, None])
        lower = np.maximum(t - 1.0, self.launch[:, None])
        since_lo = lower - self.launch[:, None]
        since_hi = np.maximum(upper, lower) - self.launch[:, None]
        ytp = self.years_to_peak[:, None]
        uptake_years = ramp_integral(since_hi, ytp) - ramp_integral(since_lo, ytp)
        if self.starting_uptake == 0.0:
            out = (self.volume * self.peak_uptake)[:, None] * uptake_years
        else:
            # Uptake u(s) = start + (peak − start) × min(s / years_to_peak, 1): the start for the whole of the time
            # on the market, the rise to peak on the ramp.
            rise = (self.volume * (self.peak_uptake - self.starting_uptake))[:, None] * uptake_years
            out = rise + (self.volume * self.starting_uptake)[:, None] * (since_hi - np.maximum(since_lo, 0.0))
        out[:, 0] = 0.0
        return out

    def stage_cost_flows(self) -> np.ndarray:
        """Each stage's partner cost spread evenly over its duration, weighted by the chance of reaching it.

        A stage (a, b] costs ``cost / (b − a)`` a year while it runs: in year t (the interval (t − 1, t]) the cost
        times the part of the year inside the stage, ``max(0, min(t, b) − max(t − 1, a)) / (b − a)``, which is
        ``year_overlap``. Each stage is computed only in the worlds that reach it (in a Monte Carlo most trials stop
        at the first stages; a stage not reached costs exactly 0) and only in the years from the earliest start to
        the latest end among them (every other year's part is exactly 0), straight into the total.
        """
        n, horizon = self.trials, self.horizon_years
        duration = self.stage_ends - self.stage_starts
        weight = self.stage_costs * self.reach / duration  # (n, S) £ a year of each stage, if reached
        out = np.zeros((n, horizon + 1))
        for s in range(len(self.stage_names)):
            reached = self.reach[:, s] != 0
            count = int(np.count_nonzero(reached))
            if count == 0:
                continue
            # Few worlds reach the stage: compute those rows only. Most do: compute every row, the others' weight
            # being 0 (their part adds exactly 0), which is cheaper than picking rows out and putting them back.
            rows = None if 4 * count >= 3 * n else np.flatnonzero(reached)
            start = self.stage_starts[:, s] if rows is None else self.stage_starts[rows, s]
            end = self.stage_ends[:, s] if rows is None else self.stage_ends[rows, s]
            earliest = start.min(initial=np.inf, where=reached) if rows is None else start.min()
            latest = end.max(initial=-np.inf, where=reached) if rows is None else end.max()
            first = int(np.floor(earliest)) + 1  # the first year that ends after a start (year 0 is a point)
            last = min(int(np.ceil(latest)), horizon)
            if last < first:
                continue
            t = np.arange(first, last + 1, dtype=float)
            if rows is None:  # year by year (years × worlds): each operation runs along the worlds
                part = np.minimum(t[:, None], end[None, :])
                part -= np.maximum(t[:, None] - 1.0, start[None, :])
                np.maximum(part, 0.0, out=part)
                part *= weight[None, :, s]
                for k in range(part.shape[0]):
                    out[:, first + k] += part[k]
            else:
                part = np.minimum(t[None, :], end[:, None])
                part -= np.maximum(t[None, :] - 1.0, start[:, None])
                np.maximum(part, 0.0, out=part)
                part *= weight[rows, s][:, None]
                out[rows, first:last + 1] += part
        return out


def route_offset_and_branch(deal: Deal) -> tuple[int, float]:
    """Where the route starts and the probability of the world it lives in.

    For a non-commercial deal with a consent-to-commercialise clause, the route to market is the path the work
    would take if it became commercial: it starts in the clause's year and is weighted by the clause's probability.
    """
    clause = deal.consent_clause
    if clause is not None and deal.use is Use.NON_COMMERCIAL_RESEARCH:
        return clause.year, clause.probability
    return 0, 1.0


def build_route(route: RouteToMarket, horizon_years: int, *, offset: float, branch: np.ndarray,
                durations: np.ndarray, costs: np.ndarray, success: np.ndarray,
                sales: dict[str, np.ndarray]) -> RouteDraw:
    """Assemble a ``RouteDraw`` from per-world stage durations, costs and success weights (n, S) and sales inputs
    (n,) keyed by their field names in ``Sales``."""
    n = branch.shape[0]
    stage_count = len(route.stages)
    # Stage by stage (the running sum and product of np.cumsum and np.cumprod, in the same order), each stage's
    # worlds side by side in memory (column-major): over a handful of stages, numpy's loops along the short axis
    # cost more than the arithmetic.
    ends = np.empty((n, stage_count), order="F")
    survive = np.empty((n, stage_count), order="F")
    reach = np.empty((n, stage_count), order="F")
    for j in range(stage_count):
        if j == 0:
            ends[:, 0] = durations[:, 0]
            survive[:, 0] = success[:, 0]
            reach[:, 0] = branch
        else:
            np.add(ends[:, j - 1], durations[:, j], out=ends[:, j])
            np.multiply(survive[:, j - 1], success[:, j], out=survive[:, j])
            np.multiply(branch, survive[:, j - 1], out=reach[:, j])
    ends += offset
    starts = ends - durations
    passed = survive
    passed *= branch[:, None]
    launch = ends[:, -1] if stage_count else np.full(n, float(offset))
    launched = passed[:, -1] if stage_count else branch.copy()
    return RouteDraw(
        horizon_years=horizon_years,
        stage_names=tuple(s.name for s in route.stages),
        stage_costs=costs, stage_starts=starts, stage_ends=ends, reach=reach, passed=passed, branch=branch,
        launch=launch, launched=launched, has_sales=route.sales is not None,
        volume=sales["volume_per_year"], price=sales["price_gbp"], peak_uptake=sales["peak_uptake"],
        years_to_peak=sales["years_to_peak"], nhs_share=sales["nhs_share_of_sales"],
        operating_margin=sales["operating_margin"], sales_end=float(route.sales.end_year if route.sales else 0),
        party_share=route.sales.nhs_party_purchase_share if route.sales else 1.0,
        starting_uptake=route.sales.starting_uptake if route.sales else 0.0,
    )


#: The sales inputs that vary per world (``end_year`` is a whole year and stays fixed).
SALES_INPUTS = ("volume_per_year", "price_gbp", "peak_uptake", "years_to_peak", "nhs_share_of_sales",
                "operating_margin")
#: The stage inputs that vary per world.
STAGE_INPUTS = ("duration_years", "partner_cost_gbp", "probability_of_success")


def base_inputs(route: RouteToMarket, n: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The route's own values repeated for n worlds: stage inputs (n, S) and sales inputs (n,)."""
    stage = {}
    for name in STAGE_INPUTS:
        values = np.empty((n, len(route.stages)), order="F")  # each stage's worlds side by side (build_route)
        values[...] = [float(getattr(s, name)) for s in route.stages]
        stage[name] = values
    sales = {name: np.full(n, float(getattr(route.sales, name)) if route.sales else 0.0) for name in SALES_INPUTS}
    return stage, sales


def expected_route(deal: Deal) -> RouteDraw | None:
    """The deterministic route: one world whose weights are the stage probabilities (risk adjustment)."""
    route = deal.route_to_market
    if route is None:
        return None
    offset, branch = route_offset_and_branch(deal)
    stage, sales = base_inputs(route, 1)
    return build_route(route, deal.assumptions.horizon_years, offset=offset, branch=np.array([branch]),
                       durations=stage["duration_years"], costs=stage["partner_cost_gbp"],
                       success=stage["probability_of_success"], sales=sales)

"""Find the value of one numeric input that makes a figure of the deal reach a target (monotone root finding).

The input is named by its field path (``terms[4].tiers[0].rate``, ``route_to_market.sales.peak_uptake``); the
figure is any function of the valuation (the NHS's share, its NPV, the partner's NPV) or, with ``solve_deal``, of
the changed deal and its valuation. Every trial value is a complete, re-validated deal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from valueshare import paths
from valueshare.basecase import fixing
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import NoAnswer
from valueshare.inputs import entry
from valueshare.model import Deal
from valueshare.scenario import deal_from_data
from valueshare.sensitivity import base_data

Measure = Callable[[Valuation], "float | None"]
DealMeasure = Callable[[Deal, Valuation], "float | None"]

#: How far the search for an amount or a count may go before giving up.
_MONEY_LIMIT = 1e12


@dataclass(frozen=True)
class Solution:
    path: str
    value: float          # the input's value that reaches the target
    achieved: float       # the figure at that value
    current: float        # the input's value in the deal as drafted
    iterations: int


def search_bounds(path: str, data: object = None) -> tuple[float, float | None]:
    """Lowest and highest value to search, from the catalogue of inputs (``Input.solver_range``); ``None`` as
    highest means "double until the target is passed".

    >>> search_bounds("terms[4].tiers[0].rate"), search_bounds("terms[0].amount_gbp")
    ((0.0, 1.0), (0.0, None))
    >>> search_bounds("terms[0].price_discount"), search_bounds("route_to_market.stages[0].probability_of_success")
    ((0.0, 0.99), (1e-06, 1.0))
    """
    found = entry(path, data)
    found_range = None if found is None else found.solver_range()
    if found_range is None:
        raise NoAnswer(f"{path}: only a rate, share, probability, duration, amount in £ or count can be solved for")
    return found_range


def deal_with(deal: Deal, path: str, value: float) -> Deal:
    """The deal with one input changed: a complete, re-validated deal (``DealInvalid`` if it breaks a rule)."""
    return deal_from_data(fixing(paths.with_value(base_data(deal), path, value), [path]))  # certain at the value


def solve(deal: Deal, path: str, measure: Measure, target: float, *, tolerance: float = 1e-9,
          max_iterations: int = 200) -> Solution:
    """The value of the input at ``path`` at which ``measure(valuation)`` equals ``target``, by bisection.

    The figure must move one way as the input rises (it does for every term and the NHS's share or NPV, and the
    partner's NPV). ``NoAnswer`` says why when the target lies outside what the input's range can reach.
    """
    return solve_deal(deal, path, lambda _, valuation: measure(valuation), target, tolerance=tolerance,
                      max_iterations=max_iterations)


def solve_deal(deal: Deal, path: str, measure: DealMeasure, target: float, *, tolerance: float = 1e-9,
               max_iterations: int = 200) -> Solution:
    """As ``solve``, for a figure of the changed deal and its valuation (e.g. a gap between two positions that both
    move with the input)."""
    current = float(paths.get(base_data(deal), path))
    lo, hi = search_bounds(path, base_data(deal))

    def figure(value: float) -> float:
        changed = deal_with(deal, path, value)
        result = measure(changed, value_deal(changed))
        if result is None:
            raise NoAnswer(f"{path}: at {value:g} the figure has no value (e.g. the partner's value is not "
                           f"positive)")
        return result

    f_lo = figure(lo)
    if hi is None:
        hi = max(current, 1.0)
        f_hi = figure(hi)
        found = entry(path, base_data(deal))
        limit = min(_MONEY_LIMIT, found.hi) if found is not None and found.hi is not None else _MONEY_LIMIT
        while (f_hi - target) * (f_lo - target) > 0 and hi < limit:
            hi = min(hi * 4.0, limit)  # never past what the field allows: every trial is a valid deal
            f_hi = figure(hi)
    else:
        f_hi = figure(hi)
    if (f_lo - target) * (f_hi - target) > 0:
        side = "above" if min(f_lo, f_hi) > target else "below"
        raise NoAnswer(f"{path}: from {lo:g} to {hi:g} the figure runs from {f_lo:,.6g} to {f_hi:,.6g}, always "
                       f"{side} the {target:,.6g} sought, so this input alone cannot reach it")
    iterations = 0
    while hi - lo > tolerance * max(1.0, abs(hi)) and iterations < max_iterations:
        mid = (lo + hi) / 2.0
        f_mid = figure(mid)
        if (f_mid - target) * (f_lo - target) <= 0:
            hi, f_hi = mid, f_mid
        else:
            lo, f_lo = mid, f_mid
        iterations += 1
    value = (lo + hi) / 2.0
    return Solution(path, value, figure(value), current, iterations)

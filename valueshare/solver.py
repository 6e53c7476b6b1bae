"""Find the value of one numeric term that makes a figure of the deal reach a target (monotone root finding).

The term is named by its field path (``terms[4].tiers[0].rate``); the figure is any function of the valuation
(the NHS's share, its NPV, the partner's NPV). Every trial value is a complete, re-validated deal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from valueshare import paths
from valueshare.engine.valuation import Valuation
from valueshare.errors import NoAnswer
from valueshare.model import Deal
from valueshare.sensitivity import base_data, value_with

Measure = Callable[[Valuation], "float | None"]

#: Fields that are fractions, and the largest value each may take.
_FRACTION_TOPS = {"rate": 1.0, "stake": 1.0, "price_discount": 0.99, "exit_probability": 1.0, "probability": 1.0,
                  "escalation_rate": 1.0}
#: How far the search for a money amount may go before giving up.
_MONEY_LIMIT = 1e12


@dataclass(frozen=True)
class Solution:
    path: str
    value: float          # the term's value that reaches the target
    achieved: float       # the figure at that value
    current: float        # the term's value in the deal as drafted
    iterations: int


def search_bounds(path: str) -> tuple[float, float | None]:
    """Lowest and highest value to search; ``None`` as highest means "double until the target is passed"."""
    field = path.rsplit(".", 1)[-1]
    if field in _FRACTION_TOPS:
        return 0.0, _FRACTION_TOPS[field]
    if field.endswith("_gbp") or field.endswith("_gbp_per_year"):
        return 0.0, None
    raise NoAnswer(f"{path}: only a rate, share, stake, discount or amount in £ can be solved for")


def _figure(deal: Deal, path: str, value: float, measure: Measure) -> float:
    result = measure(value_with(deal, {path: value}))
    if result is None:
        raise NoAnswer(f"{path}: at {value:g} the figure has no value (e.g. the partner's value is not positive)")
    return result


def solve(deal: Deal, path: str, measure: Measure, target: float, *, tolerance: float = 1e-9,
          max_iterations: int = 200) -> Solution:
    """The value of the term at ``path`` at which ``measure`` equals ``target``, by bisection.

    The figure must move one way as the term rises (it does for every term and the NHS's share or NPV, and the
    partner's NPV). ``NoAnswer`` says why when the target lies outside what the term's range can reach.
    """
    current = float(paths.get(base_data(deal), path))
    lo, hi = search_bounds(path)
    f_lo = _figure(deal, path, lo, measure)
    if hi is None:
        hi = max(current, 1.0)
        f_hi = _figure(deal, path, hi, measure)
        while (f_hi - target) * (f_lo - target) > 0 and hi < _MONEY_LIMIT:
            hi *= 4.0
            f_hi = _figure(deal, path, hi, measure)
    else:
        f_hi = _figure(deal, path, hi, measure)
    if (f_lo - target) * (f_hi - target) > 0:
        raise NoAnswer(f"{path}: between {lo:g} and {hi:g} the figure runs from {f_lo:,.4g} to {f_hi:,.4g}, so it "
                       f"cannot reach {target:,.4g} by changing this term alone")
    iterations = 0
    while hi - lo > tolerance * max(1.0, abs(hi)) and iterations < max_iterations:
        mid = (lo + hi) / 2.0
        f_mid = _figure(deal, path, mid, measure)
        if (f_mid - target) * (f_lo - target) <= 0:
            hi, f_hi = mid, f_mid
        else:
            lo, f_lo = mid, f_mid
        iterations += 1
    value = (lo + hi) / 2.0
    return Solution(path, value, _figure(deal, path, value, measure), current, iterations)

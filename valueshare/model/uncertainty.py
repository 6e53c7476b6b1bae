"""Uncertain inputs: a distribution laid over one numeric input of the route to market or an equity exit.

The distribution is what a Monte Carlo draws from; the headline figures take its mean (``valueshare.basecase``), or
the deal's own value of the input when ``assumptions.base_case`` is ``entered``. Each distribution is validated
(low <= mode <= high, a positive spread, ...).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from valueshare.errors import invalid
from valueshare.model.base import Model
from valueshare.model.types import MAX_GBP, Name, Prose, bounded

Real = Annotated[float, *bounded("same as the input", -10 * MAX_GBP, 10 * MAX_GBP)]
Spread = Annotated[float, *bounded("same as the input", 0.0, 10 * MAX_GBP, lo_open=True)]


class Fixed(Model):
    """No uncertainty: always this value."""

    dist: Literal["fixed"] = "fixed"
    value: Real = Field(title="Value", description="The value used in every trial.")


class Uniform(Model):
    """Any value between low and high is equally likely."""

    dist: Literal["uniform"] = "uniform"
    low: Real = Field(title="Low", description="Lowest value.")
    high: Real = Field(title="High", description="Highest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise invalid("high", "high_above_low", "must be above low")
        return self


class _ThreePoint(Model):
    low: Real = Field(title="Low", description="Lowest plausible value.")
    mode: Real = Field(title="Mode", description="Most likely value.")
    high: Real = Field(title="High", description="Highest plausible value.")

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low <= self.mode <= self.high:
            raise invalid("mode", "mode_within", "must lie between low and high")
        if not self.low < self.high:
            raise invalid("high", "high_above_low", "must be above low")
        return self


class Triangular(_ThreePoint):
    """Three-point estimate; density rises in a straight line from low to mode, then falls to high."""

    dist: Literal["triangular"] = "triangular"


class Pert(_ThreePoint):
    """Three-point estimate with a smooth (beta) shape that weights the mode more than a triangle does."""

    dist: Literal["pert"] = "pert"


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


class Normal(Model):
    """Bell curve, cut off at low and high when they are given."""

    dist: Literal["normal"] = "normal"
    mean: Real = Field(title="Mean", description="Centre of the bell curve before truncation.")
    sd: Spread = Field(title="Sd", description="Standard deviation before truncation.")
    low: Real | None = Field(title="Low", default=None, description="Values below this are never drawn.")
    high: Real | None = Field(title="High", default=None, description="Values above this are never drawn.")

    @model_validator(mode="after")
    def _bounds_hold_enough_of_the_curve(self) -> Normal:
        lo = -math.inf if self.low is None else (self.low - self.mean) / self.sd
        hi = math.inf if self.high is None else (self.high - self.mean) / self.sd
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise invalid("high", "high_above_low", "must be above low")
        if _normal_cdf(hi) - _normal_cdf(lo) < 0.01:
            raise invalid("low", "bounds_keep_the_curve",
                          "the bounds keep less than 1% of the bell curve; move them or the mean")
        return self


class Lognormal(Model):
    """Skewed to the right, never negative: suits sales volumes, prices and exit values."""

    dist: Literal["lognormal"] = "lognormal"
    mean: Spread = Field(title="Mean", description="Mean of the value (not of its logarithm).")
    sd: Spread = Field(title="Sd", description="Standard deviation of the value (not of its logarithm).")

    @model_validator(mode="after")
    def _spread_is_a_spread(self) -> Lognormal:
        if self.sd > 1000 * self.mean:
            raise invalid("sd", "sd_at_most_1000_means",
                          "must be at most 1,000 times the mean (a wider spread draws values no deal can hold)")
        return self

    def log_parameters(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal: sigma² = ln(1 + sd²/mean²), mu = ln(mean) − sigma²/2."""
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return math.log(self.mean) - sigma2 / 2.0, math.sqrt(sigma2)


Distribution = Annotated[Fixed | Uniform | Triangular | Pert | Normal | Lognormal, Field(discriminator="dist")]

class UncertainInput(Model):
    """One input of the deal with a distribution instead of a single value."""

    input: str = Field(
        title="Input", description="Which input, as its field path, e.g. 'route_to_market.sales.price_gbp' or "
                                   "'route_to_market.stages[1].duration_years'.", max_length=120)
    distribution: Distribution = Field(title="Distribution", description="How the input is spread.")

    @model_validator(mode="after")
    def _input_is_allowed(self) -> UncertainInput:
        from valueshare.inputs import may_be_uncertain

        if not may_be_uncertain(self.input):
            raise invalid("input", "may_be_uncertain",
                          "only a stage's duration, cost or probability, a sales input, or an equity exit value can be "
                          "uncertain (e.g. 'route_to_market.sales.price_gbp')")
        problem = support_problem(self.input, self.distribution)
        if problem:
            raise invalid("distribution", "distribution_within_bounds", problem)
        return self


def field_bounds(path: str) -> tuple[float, float | None, bool]:
    """(lowest, highest or None, whether the lowest is excluded) for the field an uncertain input names, from the
    catalogue of inputs (money and counts have no highest that matters here)."""
    from valueshare.inputs import entry

    found = entry(path)
    assert found is not None and found.lo is not None, path
    return found.lo, found.ceiling, found.lo_open


def support_problem(path: str, distribution) -> str | None:
    """Why the distribution can draw values its field does not allow, or None when it cannot."""
    lo, hi, lo_open = field_bounds(path)
    if isinstance(distribution, Lognormal):
        return None if hi is None else f"a lognormal has no upper limit, but this input must stay at most {hi:g}"
    if isinstance(distribution, Normal):
        if distribution.low is None or (hi is not None and distribution.high is None):
            bounds = f"{lo:g} and {hi:g}" if hi is not None else f"{lo:g} or more"
            return f"a normal distribution here needs low{' and high' if hi is not None else ''} within {bounds}"
        points = [distribution.low] + ([distribution.high] if distribution.high is not None else [])
    elif isinstance(distribution, Fixed):
        points = [distribution.value]
    else:
        points = [distribution.low, distribution.high]
    for x in points:
        if x < lo or (lo_open and x == lo) or (hi is not None and x > hi):
            limit = f"between {lo:g} and {hi:g}" if hi is not None else f"at least {lo:g}"
            return f"can draw {x:g}, but this input must be {limit}"
    return None


class Variant(Model):
    """A named variant of the deal (e.g. upside, downside, counter-offer): the base deal with some inputs changed."""

    name: Name = Field(title="Name", description="Name of the variant, e.g. 'Downside'.", max_length=100)
    description: Prose = Field(
        title="Description", default="", max_length=1000, description="What the variant assumes.")
    shared: bool = Field(title="Shared",
        default=False, description="True if the variant may go to the partner in the partner's deal file. A variant "
                                   "is internal by default (an NHS fallback, a counter-offer being weighed); a shared "
                                   "one may not change the NHS's internal sections or its costs.")
    overrides: dict[str, Any] = Field(title="Overrides",
        min_length=1, max_length=200, description="Inputs that differ from the base deal, by field path, e.g. "
                                  "'route_to_market.sales.peak_uptake: 0.15' or 'terms[4].tiers[0].rate: 0.02'.")

    @field_validator("overrides")
    @classmethod
    def _paths_are_paths(cls, overrides: dict[str, Any]) -> dict[str, Any]:
        for path in overrides:
            if len(path) > OVERRIDE_PATH_MAX or not _OVERRIDE_PATH.match(path):
                shown = path if len(path) <= 60 else path[:57] + "..."
                raise invalid("", "field_path",
                              f"{shown!r} is not a field path like 'terms[4].tiers[0].rate' (letters, digits, _, "
                              f"dots and [n], at most {OVERRIDE_PATH_MAX} characters)")
        return overrides


#: The longest field path a variant may change, and its shape (checked fully when the variant is applied).
OVERRIDE_PATH_MAX = 200
_OVERRIDE_PATH = re.compile(r"^[A-Za-z_][\w.\[\]]*$")

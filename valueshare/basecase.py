"""The base case: the deal whose inputs the headline figures (the deterministic valuation, the pillars, the fair
share) are computed from.

With ``assumptions.base_case: expected`` (format 2's default) each uncertain input is taken at its distribution's
mean, so that the headline is the expected value that the Monte Carlo estimates [conv: risk-adjusted NPV is an
expected value, and an expected value uses each input's mean, not its most likely value; e.g. Svennebring &
Wikberg (2013), "Net present value approaches for drug discovery", SpringerPlus 2:140]. With ``entered`` (what a
format-1 file meant) the deal's own value of each input is used, as before format 2.

Where the valuation is linear in an uncertain input (price, volume, uptake, margin, a stage's cost or chance, an
exit value), the Monte Carlo mean equals the headline in expectation. Where it is not (a stage's duration moves
every later flow in time, and discounting is convex in time; a royalty's tiers or cap, a ramp), the two differ by
Jensen's inequality: ``nonlinear_reasons`` says where, and ``agreement`` writes, for the Risk page and the CLI,
whether the Monte Carlo mean agrees with the headline and, when it does not, why.

Writing an uncertain input's value (a variant's override, a sensitivity's point, a solver's answer) makes that
input certain at that value under ``expected``: ``fixing`` takes its distribution out, else the base case would
write the mean over it and the change would do nothing.

>>> round(mean(Triangular(low=2, mode=2.5, high=4)), 6)
2.833333
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel

from valueshare import inputs, paths
from valueshare.errors import DealInvalid, Problem
from valueshare.format import money
from valueshare.model import Deal
from valueshare.model.deal import BaseCase
from valueshare.model.terms import Royalty
from valueshare.model.uncertainty import Fixed, Lognormal, Normal, Pert, Triangular, Uniform


def _phi(z: float) -> float:
    return 0.0 if math.isinf(z) else math.exp(-z * z / 2.0) / math.sqrt(2.0 * math.pi)


def _cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def mean(distribution: Any) -> float:
    """The mean of a distribution (a = low, c = mode, b = high), as ``valueshare.engine.sampling`` draws it.

    - fixed: its value; uniform: (a + b)/2; triangular: (a + b + c)/3;
    - PERT: (a + 4c + b)/6 (the Beta(1 + 4(c − a)/(b − a), 1 + 4(b − c)/(b − a)) on [a, b] that ``draw`` uses);
    - normal cut off at [lo, hi]: μ + σ(φ(α) − φ(β))/(Φ(β) − Φ(α)), α = (lo − μ)/σ, β = (hi − μ)/σ
      [pub: Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions, vol. 1, 2nd ed.: the
      truncated normal];
    - lognormal: its ``mean`` (the model's parameter is the mean of the value itself).

    >>> mean(Pert(low=1, mode=2, high=6)), mean(Uniform(low=2, high=8))
    (2.5, 5.0)
    >>> round(mean(Normal(mean=10, sd=2, low=5, high=15)), 9)  # cut off symmetrically: the mean stays
    10.0
    """
    if isinstance(distribution, Fixed):
        return float(distribution.value)
    if isinstance(distribution, Uniform):
        return (distribution.low + distribution.high) / 2.0
    if isinstance(distribution, Triangular):
        return (distribution.low + distribution.mode + distribution.high) / 3.0
    if isinstance(distribution, Pert):
        return (distribution.low + 4.0 * distribution.mode + distribution.high) / 6.0
    if isinstance(distribution, Normal):
        mu, sd = distribution.mean, distribution.sd
        alpha = -math.inf if distribution.low is None else (distribution.low - mu) / sd
        beta = math.inf if distribution.high is None else (distribution.high - mu) / sd
        kept = _cdf(beta) - _cdf(alpha)  # at least 1%: the model refuses narrower bounds
        return mu + sd * (_phi(alpha) - _phi(beta)) / kept
    if isinstance(distribution, Lognormal):
        return float(distribution.mean)
    raise TypeError(f"unknown distribution {distribution!r}")


def uses_means(deal: Deal) -> bool:
    """Whether the headline takes the deal's uncertain inputs at their means (and the deal has any)."""
    return deal.assumptions.base_case is BaseCase.EXPECTED and bool(deal.uncertainty)


def base_values(deal: Deal) -> dict[str, float]:
    """Each uncertain input's base-case value by its field path: its mean, or the deal's own value under
    ``entered``."""
    if deal.assumptions.base_case is BaseCase.ENTERED:
        data = deal.model_dump(mode="json", include={"route_to_market", "terms"})
        return {item.input: float(paths.get(data, item.input)) for item in deal.uncertainty}
    return {item.input: mean(item.distribution) for item in deal.uncertainty}


def base_case(deal: Deal) -> Deal:
    """The deal with each uncertain input written at its base-case value (see the module's docstring); the deal
    itself when nothing changes. Idempotent: the base case of a base case is itself.

    Each value is checked against its field's bounds; a mean always lies within a distribution's support, which
    the model keeps within the field's bounds, so this never fails on a valid deal.
    """
    if not uses_means(deal):
        return deal
    out: BaseModel = deal
    for path, value in base_values(deal).items():
        found = inputs.entry(path, deal)
        if found is None or not found.allows(value):
            raise DealInvalid([Problem(path, f"its mean, {value:g}, is not a value this input may take")])
        out = _replace(out, paths.parse(path), value)
    assert isinstance(out, Deal)
    return out


def _replace(node: Any, keys: list[str | int], value: float) -> Any:
    """``node`` (a model, or a list of them) with ``value`` at ``keys``, copying only the models on the way; the
    copies keep the field's validated type (every uncertain input is a float)."""
    key, rest = keys[0], keys[1:]
    if isinstance(node, list):
        assert isinstance(key, int)
        return [*node[:key], _replace(node[key], rest, value), *node[key + 1:]]
    assert isinstance(key, str)
    new = float(value) if not rest else _replace(getattr(node, key), rest, value)
    return node.model_copy(update={key: new})


def fixing(data: dict[str, Any], changed: list[str] | tuple[str, ...] | set[str]) -> dict[str, Any]:
    """A deal's plain data whose ``changed`` inputs have been given values of their own (by a variant, a
    sensitivity or a solver): under ``expected``, each of them that was uncertain is made certain at its new value
    (its distribution taken out), so that the base case keeps the value instead of writing the mean over it. Under
    ``entered`` the deal's value already is the base case, and the Monte Carlo keeps drawing as format 1 did.

    >>> data = {"assumptions": {"base_case": "expected"}, "uncertainty": [{"input": "a.b"}, {"input": "a.c"}]}
    >>> fixing(data, ["a.b"])["uncertainty"]
    [{'input': 'a.c'}]
    """
    assumptions = data.get("assumptions")
    entered = isinstance(assumptions, dict) and assumptions.get("base_case") == BaseCase.ENTERED.value
    items = data.get("uncertainty")
    if entered or not isinstance(items, list):
        return data
    kept = [u for u in items if not (isinstance(u, dict) and u.get("input") in changed)]
    return data if len(kept) == len(items) else {**data, "uncertainty": kept}


#: How many standard errors the Monte Carlo mean may stand from the headline before the page says why [ours: a
#: sample mean is that far from its expectation by chance about once in 370 runs].
AGREEMENT_SE = 3.0
#: The inputs that move flows in time (a stage's length, the ramp to peak sales): a discount factor, a horizon and a
#: royalty term's window are not linear in time.
_TIMING_INPUTS = ("duration_years", "years_to_peak")


def nonlinear_reasons(deal: Deal) -> list[str]:
    """Why the Monte Carlo mean may differ from the headline beyond sampling error, one sentence each (none when
    every figure is linear in every uncertain input, and the headline uses their means)."""
    if not deal.uncertainty and not getattr(deal.assumptions, "partner_tax_rate", 0.0):
        return []
    out: list[str] = []
    if deal.uncertainty and deal.assumptions.base_case is BaseCase.ENTERED:
        out.append("the headline takes the deal's entered values (assumptions.base_case: entered), not each uncertain "
                   "input's mean; set base_case: expected for the expected value")
    timing = [item.input for item in deal.uncertainty if item.input.rsplit(".", 1)[-1] in _TIMING_INPUTS]
    if timing:
        named = ", ".join(inputs.label(path, deal) for path in timing)
        out.append(f"{named} moves later payments and sales in time, and discounting (with the horizon's cut-off) "
                   "is not linear in time, so the value at the mean timing is not the mean value")
    sales = any(item.input.startswith("route_to_market.sales.") for item in deal.uncertainty)
    stepped = [t for t in deal.terms if isinstance(t, Royalty) and (len(t.tiers) > 1 or t.cap_gbp is not None)]
    if sales and stepped:
        out.append("a royalty's tiers or cap make it not proportional to sales, so the royalty on the mean sales is "
                   "not the mean royalty")
    if getattr(deal.assumptions, "partner_tax_rate", 0.0):
        out.append("corporation tax falls on profit only (losses carried forward), so the tax in each trial is not the "
                   "tax on the expected profit")
    return out


def agreement(deal: Deal, nhs: Any, partner: Any, headline_nhs: float, headline_partner: float) -> list[str]:
    """What the Risk page and ``simulate`` say about the Monte Carlo mean beside the headline: which base case the
    headline uses, then for each side whether the mean of the trials (``nhs`` and ``partner``: a
    ``montecarlo.Spread``, its ``mean`` and ``standard_error``) is within ``AGREEMENT_SE`` standard errors of the
    headline NPV, and when it is not, by how much and why (``nonlinear_reasons``)."""
    lines = [("The headline figures take each uncertain input at its mean (base case: expected value)."
              if deal.assumptions.base_case is BaseCase.EXPECTED or not deal.uncertainty else
              "The headline figures take the deal's entered values (base case: entered values), not each uncertain "
              "input's mean.")]
    for side, spread, headline in (("NHS", nhs, headline_nhs), ("Partner", partner, headline_partner)):
        gap = spread.mean - headline
        if abs(gap) < 0.005 and spread.standard_error < 0.005:
            # no trial moves it (an NHS whose money does not depend on the product): rounding noise is not a gap
            lines.append(f"{side}: every trial gives the same figure as the headline, {money(headline)}: no "
                         f"uncertain input moves it.")
            continue
        if abs(gap) < 0.005:
            gap = 0.0
        errors = abs(gap) / spread.standard_error if spread.standard_error > 0 else (0.0 if abs(gap) < 0.5 else
                                                                                       math.inf)
        if errors <= AGREEMENT_SE:
            lines.append(f"{side}: the mean of the trials, {money(spread.mean)}, is within {AGREEMENT_SE:g} standard "
                         f"errors of the headline, {money(headline)}.")
            continue
        reasons = nonlinear_reasons(deal) or [
            "no uncertain input enters non-linearly, so this is sampling error: run more trials or another seed"]
        lines.append(f"{side}: the mean of the trials, {money(spread.mean)}, differs from the headline, "
                     f"{money(headline)}, by {money(abs(gap))} ({errors:.1f} standard errors), because "
                     + "; and ".join(reasons) + ".")
    return lines

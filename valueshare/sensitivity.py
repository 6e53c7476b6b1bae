"""Sensitivities: a tornado of one input at a time, and a two-way table of two inputs, on the deterministic value.

Every point re-validates the changed deal and values it with ``value_deal``, so a sensitivity can never show a deal
the model would refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from valueshare import paths
from valueshare.engine.sampling import percentile_points
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.model.types import MAX_COUNT, MAX_GBP
from valueshare.model import TERM_LABELS, Deal
from valueshare.scenario import deal_from_data

#: Relative changes used for an input that has no distribution of its own [ours]: (low factor, high factor).
DEFAULT_SWINGS: dict[str, tuple[float, float]] = {
    "probability_of_success": (0.8, 1.2),
    "duration_years": (0.75, 1.5),
    "volume_per_year": (0.8, 1.2),
    "price_gbp": (0.8, 1.2),
    "peak_uptake": (0.8, 1.2),
    "years_to_peak": (0.5, 1.5),
    "operating_margin": (0.8, 1.2),
}
#: Absolute changes for rates: ± this many percentage points (as fractions).
RATE_SWINGS = {"assumptions.partner_discount_rate": 0.02, "assumptions.nhs_discount_rate": 0.005}
_UPPER_ONE = {"probability_of_success", "peak_uptake", "operating_margin", "uk_share"}


@dataclass(frozen=True)
class Driver:
    """One input and the low and high values it is tested at."""

    path: str
    label: str
    base: float
    low: float
    high: float
    source: str   # "distribution (P10-P90)" or "default swing"


@dataclass(frozen=True)
class TornadoBar:
    driver: Driver
    nhs_low: float       # NHS NPV with the input at its low value
    nhs_high: float
    partner_low: float
    partner_high: float

    @property
    def nhs_swing(self) -> float:
        return abs(self.nhs_high - self.nhs_low)

    @property
    def partner_swing(self) -> float:
        return abs(self.partner_high - self.partner_low)


def base_data(deal: Deal) -> dict[str, Any]:
    """The deal's data without its variants: what sensitivities change one input of."""
    return deal.model_dump(mode="json", exclude={"variants"})


def value_with(deal: Deal, changes: dict[str, Any]) -> Valuation:
    """Value the deal with some inputs changed (by field path); ``DealInvalid`` if the result breaks a rule."""
    data = base_data(deal)
    for path, value in changes.items():
        data = paths.with_value(data, path, value)
    return value_deal(deal_from_data(data))


def label(deal: Deal, path: str) -> str:
    """A people-facing name for an input: ``route_to_market.stages[1].duration_years`` -> "Stage 'External
    validation': duration (years)"."""
    keys = paths.parse(path)
    field = str(keys[-1])
    words = field.replace("_gbp", " (£)").replace("_years", " (years)").replace("_", " ")
    words = re.sub(r"\bnhs\b", "NHS", words)
    words = words[0].upper() + words[1:]
    if keys[0] == "route_to_market" and len(keys) > 2 and keys[1] == "stages":
        return f"Stage '{deal.route_to_market.stages[int(keys[2])].name}': {words.lower()}"  # type: ignore[union-attr]
    if keys[0] == "route_to_market" and keys[1] == "sales":
        return f"Sales: {words.lower()}"
    if keys[0] == "terms":
        return f"{TERM_LABELS[deal.terms[int(keys[1])].kind]} (term {int(keys[1]) + 1}): {words.lower()}"
    if keys[0] == "assumptions":
        return words
    return f"{paths.parse(path)[0]}: {words.lower()}"


def _clip(field: str, value: float) -> float:
    value = round(max(value, 0.0), 10)
    if field in _UPPER_ONE:
        return min(value, 1.0)
    if field.endswith("_gbp"):
        return min(value, MAX_GBP)  # a swing never takes an input past what the model allows
    return min(value, MAX_COUNT) if field == "volume_per_year" else value


def default_drivers(deal: Deal) -> list[Driver]:
    """Every uncertain input at its P10 and P90; the main route and sales inputs at a default swing; the discount
    rates at ± a few points. Inputs that would not move are left out."""
    rng = np.random.default_rng(0)
    data = base_data(deal)
    out: list[Driver] = []
    uncertain = {item.input for item in deal.uncertainty}
    for item in deal.uncertainty:
        low, high = percentile_points(item.distribution, rng)
        out.append(Driver(item.input, label(deal, item.input), float(paths.get(data, item.input)), low, high,
                          "distribution (P10-P90)"))
    candidates: list[str] = []
    route = deal.route_to_market
    if route is not None:
        for i in range(len(route.stages)):
            candidates += [f"route_to_market.stages[{i}].{f}" for f in ("probability_of_success", "duration_years")]
        if route.sales is not None:
            candidates += [f"route_to_market.sales.{f}" for f in ("volume_per_year", "price_gbp", "peak_uptake",
                                                                  "years_to_peak", "operating_margin")]
    for path in candidates:
        if path in uncertain:
            continue
        field = path.rsplit(".", 1)[-1]
        base = float(paths.get(data, path))
        lo_f, hi_f = DEFAULT_SWINGS[field]
        low, high = _clip(field, base * lo_f), _clip(field, base * hi_f)
        if field == "duration_years" or field == "probability_of_success":
            low = max(low, 0.01)
        out.append(Driver(path, label(deal, path), base, low, high, f"default swing (×{lo_f:g} to ×{hi_f:g})"))
    for path, step in RATE_SWINGS.items():
        base = float(paths.get(data, path))
        out.append(Driver(path, label(deal, path), base, round(max(base - step, 0.0), 10), round(base + step, 10),
                          f"default swing (± {step * 100:g} points)"))
    return [d for d in out if d.low != d.high]


def tornado(deal: Deal, drivers: list[Driver] | None = None, *, sort_by: str = "nhs") -> list[TornadoBar]:
    """Each driver at its low and its high, the rest at base; bars sorted by the widest swing first."""
    bars = []
    for d in drivers if drivers is not None else default_drivers(deal):
        low, high = value_with(deal, {d.path: d.low}), value_with(deal, {d.path: d.high})
        bars.append(TornadoBar(d, low.nhs_npv, high.nhs_npv, low.partner_npv, high.partner_npv))
    key = (lambda b: b.nhs_swing) if sort_by == "nhs" else (lambda b: b.partner_swing)
    return sorted(bars, key=key, reverse=True)


@dataclass(frozen=True)
class TwoWay:
    """NHS and partner NPV over a grid of two inputs (rows × columns)."""

    row_path: str
    row_label: str
    row_values: np.ndarray
    col_path: str
    col_label: str
    col_values: np.ndarray
    nhs_npv: np.ndarray       # (rows, cols)
    partner_npv: np.ndarray   # (rows, cols)

    def break_even(self) -> list[tuple[float, float]]:
        """Where the partner's NPV crosses zero: for each row, the column value found by linear interpolation
        between the two neighbouring cells whose partner NPVs have opposite signs."""
        points = []
        for r, row_value in enumerate(self.row_values):
            values = self.partner_npv[r]
            for c in range(len(values) - 1):
                a, b = values[c], values[c + 1]
                if a == 0:
                    points.append((float(row_value), float(self.col_values[c])))
                elif a * b < 0:
                    x0, x1 = self.col_values[c], self.col_values[c + 1]
                    points.append((float(row_value), float(x0 + (x1 - x0) * a / (a - b))))
        return points


def two_way(deal: Deal, row_path: str, row_values: list[float], col_path: str, col_values: list[float]) -> TwoWay:
    """Value the deal at every pair of (row value, column value)."""
    nhs = np.empty((len(row_values), len(col_values)))
    partner = np.empty_like(nhs)
    for r, rv in enumerate(row_values):
        for c, cv in enumerate(col_values):
            v = value_with(deal, {row_path: rv, col_path: cv})
            nhs[r, c], partner[r, c] = v.nhs_npv, v.partner_npv
    return TwoWay(row_path, label(deal, row_path), np.asarray(row_values, float), col_path, label(deal, col_path),
                  np.asarray(col_values, float), nhs, partner)


def around(base: float, *, steps: int = 7, spread: float = 0.5, upper: float | None = None) -> list[float]:
    """``steps`` evenly spaced values from base × (1 − spread) to base × (1 + spread), capped at ``upper``.

    >>> around(0.02, steps=3)
    [0.01, 0.02, 0.03]
    """
    values = np.linspace(base * (1 - spread), base * (1 + spread), steps)
    if upper is not None:
        values = np.minimum(values, upper)
    return [round(float(v), 10) for v in values]

"""Sensitivities: a tornado of one input at a time, and a two-way table of two inputs, on the deterministic value.

Every point re-validates the changed deal and values it with ``value_deal``, so a sensitivity can never show a deal
the model would refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from valueshare import inputs, paths
from valueshare.basecase import base_values, fixing
from valueshare.engine.sampling import percentile_points
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import DealInvalid
from valueshare.model import Deal
from valueshare.scenario import deal_from_data


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
    return value_deal(deal_from_data(fixing(data, list(changes))))  # a changed uncertain input is certain there


def default_drivers(deal: Deal) -> list[Driver]:
    """Every uncertain input at its P10 and P90; every other input the model gives a default swing [ours] (the
    route's and the sales' main inputs ×0.8 to ×1.2 or so, the discount rates ± a few points), each kept within what
    its field allows. Inputs that would not move are left out."""
    rng = np.random.default_rng(0)
    data = base_data(deal)
    out: list[Driver] = []
    uncertain = {item.input for item in deal.uncertainty}
    centre = base_values(deal)  # the value the headline takes: the mean, or the deal's own under 'entered'
    for item in deal.uncertainty:
        low, high = percentile_points(item.distribution, rng)
        out.append(Driver(item.input, inputs.label(item.input, data), centre[item.input], low, high,
                          "distribution (P10-P90)"))
    for path in inputs.concrete(data, lambda e: e.swing is not None or e.swing_points is not None):
        found = inputs.entry(path, data)
        if path in uncertain or found is None:
            continue
        base = float(paths.get(data, path))
        if found.swing is not None:
            lo_f, hi_f = found.swing
            low, high = found.clip(base * lo_f), found.clip(base * hi_f)
            source = f"default swing (×{lo_f:g} to ×{hi_f:g})"
        else:
            step = float(found.swing_points or 0.0)
            low, high = found.clip(base - step), found.clip(base + step)
            source = f"default swing (± {step * 100:g} points)"
        out.append(Driver(path, inputs.label(path, data), base, low, high, source))
    out = [replace(d, low=max(d.low, floor), high=max(d.high, floor)) if (floor := floor_of(data, d.path)) else d
           for d in out]
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
    return TwoWay(row_path, inputs.label(row_path, deal), np.asarray(row_values, float),
                  col_path, inputs.label(col_path, deal), np.asarray(col_values, float), nhs, partner)


def around(base: float, *, steps: int = 7, spread: float = 0.5, upper: float | None = None) -> list[float]:
    """``steps`` evenly spaced values from base × (1 − spread) to base × (1 + spread), capped at ``upper``.

    >>> around(0.02, steps=3)
    [0.01, 0.02, 0.03]
    """
    values = np.linspace(base * (1 - spread), base * (1 + spread), steps)
    if upper is not None:
        values = np.minimum(values, upper)
    return [round(float(v), 10) for v in values]


#: The order a two-way table offers inputs in: the route and sales, the terms, the discount rates, the NHS's costs.
_GROUPS = ("route_to_market", "terms", "assumptions", "contribution")


def two_way_inputs(deal: Deal) -> list[str]:
    """Every numeric input of the deal that a two-way table can vary, route and sales first, then the terms, the
    discount rates and the NHS's costs. Left out: the uncertain inputs' parameters, descriptive figures (data
    assets), calendar years (the price base year) and the first royalty tier's £0 start, which changing would only
    break; and optional inputs left empty."""
    data = base_data(deal)
    found = []
    for path in inputs.concrete(data, lambda e: e.kind == "number" and e.unit != "calendar_year"):
        if path.startswith(("uncertainty", "contribution.data_assets")) or re.search(r"\.tiers\[0\]\.from_gbp$", path):
            continue
        value = paths.get(data, path) if _present(data, path) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.append(path)
    group = {name: i for i, name in enumerate(_GROUPS)}
    return sorted(found, key=lambda p: group.get(p.split(".")[0].split("[")[0], len(_GROUPS)))


def _present(data: dict[str, Any], path: str) -> bool:
    try:
        paths.get(data, path)
    except DealInvalid:
        return False
    return True


def default_pair(options: list[str]) -> tuple[str, str]:
    """A royalty rate (else a revenue share, a subscription, a fee, a service's price per unit or a secure
    environment's charge per user) for the rows, and peak uptake (else a stage's chance of success, else a
    service's units a year, as in a deal without a product) for the columns [ours]."""
    rows = (r"^terms\[\d+\]\.tiers\[0\]\.rate$", r"^terms\[\d+\]\.rate$", r"^terms\[\d+\]\.amount_gbp_per_year$",
            r"^terms\[\d+\]\.amount_gbp$", r"^terms\[\d+\]\.price_per_unit_gbp$",
            r"^terms\[\d+\]\.per_user_per_month_gbp$")
    row = next((p for pattern in rows for p in options if re.match(pattern, p)), options[0])
    col = next((p for p in ("route_to_market.sales.peak_uptake",) if p in options), None) or next(
        (p for p in options if p.endswith("probability_of_success")), None) or next(
        (p for p in options if re.match(r"^terms\[\d+\]\.units_per_year$", p)), None)
    if col is None or col == row:
        col = next(p for p in options if p != row)
    return row, col


def grid(path: str, low: float, high: float, steps: int) -> list[float]:
    """``steps`` values from low to high; whole numbers for a whole-number input, each value once.

    >>> grid("terms[0].years", 1, 4, 7)
    [1, 2, 3, 4]
    """
    found = inputs.entry(path)
    values: list[float] = [round(float(v), 10) for v in np.linspace(low, high, steps)]
    if found is not None and found.whole:
        values = [int(round(v)) for v in values]
    return list(dict.fromkeys(values))


def default_range(path: str, base: float, floor: float | None = None) -> tuple[float, float]:
    """Where a two-way axis starts: half to one and a half times the deal's value (a fraction at most 100%); from 0
    to 10% or to 1 when the deal's value is 0 [ours]; never below ``floor`` (``floor_of``).

    >>> default_range("route_to_market.sales.peak_uptake", 0.6, floor=0.4)
    (0.4, 0.9)
    """
    found = inputs.entry(path)
    fraction = found is not None and found.unit == "fraction"
    if base == 0:
        return 0.0, 0.1 if fraction else 1.0
    values = around(base, steps=2, spread=0.5, upper=1.0 if fraction else None)
    low = values[0] if floor is None else max(values[0], floor)
    return low, values[-1]


def floor_of(data: dict[str, Any], path: str) -> float | None:
    """The least value another input of the deal allows this one: the peak uptake is never below the uptake at
    launch (a product already on the market)."""
    if path.endswith("route_to_market.sales.peak_uptake"):
        sales = (data.get("route_to_market") or {}).get("sales") or {}
        start = sales.get("starting_uptake")
        return float(start) if start else None
    return None

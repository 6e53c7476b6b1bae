"""Time: discount factors, stage schedules and how much of an interval falls in each year.

Timing convention, used by every function in the engine: year 0 is signature (a point in time); year t >= 1 is
the interval (t-1, t] and its cash flow is counted at its end, t. Arrays over years have length horizon + 1.
"""

from __future__ import annotations

import numpy as np

#: Year after which HM Treasury's Green Book steps its discount rate down.
GREEN_BOOK_STEP_YEAR = 30


def discount_factors(rate: float, horizon_years: int, *, rate_after_30: float | None = None) -> np.ndarray:
    """Discount factor for each year 0..horizon: the present value of £1 paid at the end of that year.

    Parameters
    ----------
    rate : yearly discount rate as a fraction (0.035 is 3.5%).
    horizon_years : last year valued.
    rate_after_30 : rate for years after 30 (Green Book schedule); ``None`` keeps ``rate`` throughout.

    Notes
    -----
    ``df_t = (1 + r)^-t`` for t <= 30 and ``df_30 * (1 + r_30)^-(t - 30)`` after, as in the Green Book's declining
    schedule. Year 0 is not discounted, so ``cash_flows @ df`` equals ``numpy_financial.npv(rate, cash_flows)``
    (which also treats the first value as t = 0), not a spreadsheet's ``NPV()`` (which starts at t = 1).

    Examples
    --------
    >>> discount_factors(0.10, 2).round(6).tolist()
    [1.0, 0.909091, 0.826446]
    >>> bool(discount_factors(0.035, 31, rate_after_30=0.03)[31] == discount_factors(0.035, 30)[30] / 1.03)
    True
    """
    years = np.arange(horizon_years + 1, dtype=float)
    if rate_after_30 is None:
        return (1.0 + rate) ** -years
    early = np.minimum(years, GREEN_BOOK_STEP_YEAR)
    late = np.maximum(years - GREEN_BOOK_STEP_YEAR, 0.0)
    return (1.0 + rate) ** -early * (1.0 + rate_after_30) ** -late


def year_overlap(start: np.ndarray, end: np.ndarray, horizon_years: int) -> np.ndarray:
    """Length of the part of (start, end] that falls in each year interval (t-1, t], for t = 0..horizon.

    ``start`` and ``end`` have shape (n,); the result has shape (n, horizon + 1) and column 0 (signature, a point)
    is always 0. Summed over years it is ``end - start`` when the interval lies within the horizon.

    >>> year_overlap(np.array([0.5]), np.array([2.0]), 3).tolist()
    [[0.0, 0.5, 1.0, 0.0]]
    """
    t = np.arange(horizon_years + 1, dtype=float)[None, :]
    lo = np.maximum(t - 1.0, start[:, None])
    hi = np.minimum(t, end[:, None])
    out = np.clip(hi - lo, 0.0, None)
    out[:, 0] = 0.0
    return out


def ramp_integral(s: np.ndarray, years_to_peak: np.ndarray) -> np.ndarray:
    """Integral from 0 to ``s`` of the uptake ramp ``min(u / years_to_peak, 1)`` over time since launch u.

    ``s <= 0`` gives 0. A zero ``years_to_peak`` means peak from launch: the integral is ``s``.

    >>> ramp_integral(np.array([1.0, 2.0, 5.0]), np.array([2.0])).tolist()
    [0.25, 1.0, 4.0]
    """
    # With m = min(s, n): the ramp contributes m²/(2n) and full uptake the remaining s − m. A zero years_to_peak is
    # floored at 1e-12 years, which changes the result by less than a millionth of a penny.
    s = np.maximum(s, 0.0)
    n = np.maximum(years_to_peak, 1e-12)
    m = np.minimum(s, n)
    return m * m / (2.0 * n) + (s - m)


def year_index(time: np.ndarray) -> np.ndarray:
    """The year whose end a moment falls in: the smallest whole t >= time (a moment at 2.0 is year 2).

    >>> year_index(np.array([0.0, 0.2, 2.0, 2.5])).tolist()
    [0, 1, 2, 3]
    """
    return np.ceil(np.round(time, 9)).astype(int)


def one_hot_years(year: np.ndarray, horizon_years: int) -> np.ndarray:
    """(n, horizon + 1) array with 1 in each row's ``year`` column; a year past the horizon gives an all-zero row."""
    t = np.arange(horizon_years + 1)[None, :]
    return (t == np.asarray(year)[:, None]).astype(float)


def yearly_schedule(amount: float, start_year: int, years: int, horizon_years: int, *,
                    growth: float = 0.0) -> np.ndarray:
    """Payments of ``amount`` in years start_year .. start_year + years - 1, growing by ``growth`` each year.

    Payments past the horizon are not counted.

    >>> yearly_schedule(100.0, 1, 3, 4, growth=0.1).round(6).tolist()
    [0.0, 100.0, 110.0, 121.0, 0.0]
    """
    out = np.zeros(horizon_years + 1)
    k = np.arange(years)
    t = start_year + k
    keep = t <= horizon_years
    out[t[keep]] = amount * (1.0 + growth) ** k[keep]
    return out

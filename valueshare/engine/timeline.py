"""Time: discount factors, stage schedules and how much of an interval falls in each year.

Timing convention, used by every function in the engine: year 0 is signature (a point in time); year t >= 1 is
the interval (t-1, t] and its cash flow is counted at its end, t. Arrays over years have length horizon + 1.
"""

from __future__ import annotations

import numpy as np

#: Years after which HM Treasury's Green Book steps its discount rates down (its discounting annex: one rate to
#: year 30, a lower one from year 31 to 75, a lower one again from year 76 to 125) [pub].
GREEN_BOOK_STEP_YEAR = 30
GREEN_BOOK_SECOND_STEP_YEAR = 75


def discount_factors(rate: float, horizon_years: int, *, rate_after_30: float | None = None,
                     rate_after_75: float | None = None) -> np.ndarray:
    """Discount factor for each year 0..horizon: the present value of £1 paid at the end of that year.

    Parameters
    ----------
    rate : yearly discount rate as a fraction (0.035 is 3.5%), years 1 to 30.
    horizon_years : last year valued.
    rate_after_30 : rate for years 31 to 75 (Green Book schedule); ``None`` keeps ``rate``.
    rate_after_75 : rate for years 76 on (the Green Book's third step, to year 125; valueshare's horizon ends at
        100); ``None`` keeps the rate of years 31 to 75.

    Notes
    -----
    The Green Book's stepped schedule: each year is discounted at the rate of the period it falls in, and a year's
    factor is the product of every year's ``1 / (1 + r_year)`` up to it, so
    ``df_t = (1 + r)^-min(t, 30) * (1 + r_30)^-clip(t - 30, 0, 45) * (1 + r_75)^-max(t - 75, 0)``: year 31 is
    ``df_30 / (1 + r_30)`` and year 76 is ``df_75 / (1 + r_75)``, not ``(1 + r_30)^-31`` (the whole period
    re-discounted at the lower rate). Year 0 is not discounted, so ``cash_flows @ df`` equals
    ``numpy_financial.npv(rate, cash_flows)`` when there is one rate (it also treats the first value as t = 0),
    not a spreadsheet's ``NPV()`` (which starts at t = 1).

    Examples
    --------
    >>> discount_factors(0.10, 2).round(6).tolist()
    [1.0, 0.909091, 0.826446]
    >>> bool(discount_factors(0.035, 31, rate_after_30=0.03)[31] == discount_factors(0.035, 30)[30] / 1.03)
    True
    >>> df = discount_factors(0.035, 76, rate_after_30=0.03, rate_after_75=0.025)
    >>> bool(abs(df[76] - df[75] / 1.025) < 1e-15)
    True
    """
    years = np.arange(horizon_years + 1, dtype=float)
    r30 = rate if rate_after_30 is None else rate_after_30
    r75 = r30 if rate_after_75 is None else rate_after_75
    early = np.minimum(years, GREEN_BOOK_STEP_YEAR)
    middle = np.clip(years - GREEN_BOOK_STEP_YEAR, 0.0, GREEN_BOOK_SECOND_STEP_YEAR - GREEN_BOOK_STEP_YEAR)
    late = np.maximum(years - GREEN_BOOK_SECOND_STEP_YEAR, 0.0)
    if r30 == rate and r75 == rate:
        return (1.0 + rate) ** -years
    return (1.0 + rate) ** -early * (1.0 + r30) ** -middle * (1.0 + r75) ** -late


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

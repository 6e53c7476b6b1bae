"""How figures are written for people: the same in the app, the CLI, the PDF and the docs."""

from __future__ import annotations

import math


def money(value: float | None, *, exact: bool = False) -> str:
    """Pounds with a sensible unit: £950, £12.5k, £3.40m, £1.2bn; negative as -£3.40m. ``None`` or NaN as "n/a".

    >>> [money(x) for x in (950, 12_500, 3_400_000, -3_400_000, 1.2e9)]
    ['£950', '£12.5k', '£3.40m', '-£3.40m', '£1.20bn']
    >>> money(1431, exact=True)
    '£1,431'
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    v = abs(value)
    if exact or v < 10_000:
        return f"{sign}£{v:,.0f}"
    if v < 1_000_000:
        return f"{sign}£{v / 1_000:,.1f}k"
    if v < 1_000_000_000:
        return f"{sign}£{v / 1_000_000:,.2f}m"
    return f"{sign}£{v / 1_000_000_000:,.2f}bn"


def money_range(low: float | None, high: float | None) -> str:
    """Two amounts as a range, both written in the unit of the larger one, so that a sentence never mixes
    '£7,132 to £403.3k'.

    >>> money_range(7_132, 403_300), money_range(950, 8_000), money_range(-20_000, 3_400_000)
    ('£7.1k to £403.3k', '£950 to £8,000', '-£0.02m to £3.40m')
    >>> money_range(None, 5_000)
    'n/a to £5,000'
    """
    values = [v for v in (low, high) if v is not None and math.isfinite(v)]
    if len(values) < 2:
        return f"{money(low)} to {money(high)}"
    top = max(abs(v) for v in values)
    if top < 10_000:
        return f"{money(low)} to {money(high)}"
    unit, scale, digits = (("k", 1_000, 1) if top < 1_000_000 else ("m", 1_000_000, 2) if top < 1_000_000_000
                           else ("bn", 1_000_000_000, 2))

    def written(v: float) -> str:
        return f"{'-' if v < 0 else ''}£{abs(v) / scale:,.{digits}f}{unit}"

    return f"{written(values[0])} to {written(values[1])}"


def unit_money(value: float | None) -> str:
    """Money per unit (a record, a patient): pence below £10, whole pounds above.

    >>> unit_money(0.1423), unit_money(181.2), unit_money(25_000)
    ('£0.14', '£181', '£25,000')
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{'-' if value < 0 else ''}£{abs(value):,.2f}" if abs(value) < 10 else money(value, exact=True)


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.035 -> '3.5%'. ``None`` or NaN as "n/a".

    >>> percent(0.035), percent(0.1, 0), percent(None)
    ('3.5%', '10%', 'n/a')

    A value that rounds to zero is written without a sign (a share of -0.0 is "0.0%", not "-0.0%"):

    >>> percent(-0.0), percent(-0.0004), percent(-0.0006)
    ('0.0%', '0.0%', '-0.1%')
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    text = f"{value * 100:.{digits}f}"
    return (text.lstrip("-") if float(text) == 0 else text) + "%"


def points(change: float, *, exact: bool = False) -> str:
    """A change in a share or rate, in percentage points, signed: a figure's to one decimal, an input's exactly (to
    at most two decimals, as the input itself is written). Never as a percentage: a rate of 5% that falls to 2% fell
    by 3 percentage points, not by 3% (which would be to 4.85%).

    >>> points(0.025), points(0.01), points(0.01, exact=True)
    ('+2.5 percentage points', '+1.0 percentage points', '+1 percentage point')
    >>> points(-0.0025, exact=True), points(-0.03, exact=True)
    ('-0.25 percentage points', '-3 percentage points')
    """
    if not exact:
        return f"{change * 100:+.1f} percentage points"
    text = f"{change * 100:+.2f}".rstrip("0").rstrip(".")
    return f"{text} percentage point" if text in ("+1", "-1") else f"{text} percentage points"


def ratio(value: float | None) -> str:
    """A ratio like cost recovery: 1.25 -> '1.25×'."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.2f}×"


def number(value: float) -> str:
    """A count with thousands separators: 12000 -> '12,000'; fractions keep up to two decimals."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def years(value: float) -> str:
    """A duration: 1 -> '1 year', 2.5 -> '2.5 years'."""
    text = number(value)
    return f"{text} year" if text == "1" else f"{text} years"

"""Present value and internal rate of return, with "no answer" as a declared result rather than NaN."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np


def npv(cash_flows: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Net present value of each row of ``cash_flows`` (…, years) with discount ``factors`` (years,).

    Money in is positive, money out negative; year 0 is not discounted. Equals ``numpy_financial.npv(rate, row)``.

    >>> float(npv(np.array([-100.0, 60.0, 60.0]), np.array([1.0, 1 / 1.1, 1 / 1.21])).round(4))
    4.1322
    """
    return cash_flows @ factors


#: Smallest cash flow, in £, that counts (smaller ones are rounding noise).
SIGNIFICANT = 1e-9

#: The rates searched for an IRR: from -99.99% to 1,000,000% a year [ours]. Below, a root says only that the last
#: flow is tiny beside the one before it; above, that almost nothing is put in. Neither is a rate of return.
LOWEST_RATE, HIGHEST_RATE = -0.9999, 10_000.0
#: Grid points, evenly spaced in log(1 + r), that bracket the roots before bisection: adjacent points are 0.6%
#: apart in 1 + r, so two rates closer than that can hide from each other (an NPV that only touches zero there).
GRID_POINTS = 4001
#: Above this IRR the rate is kept but never printed bare [ours]: 100% a year is beyond even the target returns
#: venture capital sets for start-ups (50-70%; Damodaran 2009, after Scherlis and Sahlman 1987), and the IRR
#: assumes every pound that comes back earns that rate again.
LARGE_IRR = 1.0
#: When the money put in is below this share of the money that comes back (neither discounted), likewise [ours]:
#: the IRR is then the ratio of a large sum to almost nothing.
SMALL_OUTLAY = 0.01
_GRID = np.geomspace(1 + LOWEST_RATE, 1 + HIGHEST_RATE, GRID_POINTS)  # growth factors 1 + r

NO_SIGN_CHANGE = "the cash flows never change sign"
NO_ROOT = "no rate from -99.99% to 1,000,000% a year makes the NPV zero"
FINANCING = ("money comes in before it goes out: a financing profile, not an investment, so an IRR would read "
             "backwards; see the NPV and MIRR")
BEYOND = ("the NPV is still positive at 1,000,000% a year: almost nothing is put in before it is paid back, so no "
          "rate is worth printing; see the NPV and MIRR")
TINY_OUTLAY = ("almost nothing is put in before it is paid back (under 1% of what comes back): the IRR is very large "
               "and says little; read the NPV and MIRR")
LARGE = ("a rate above 100% a year assumes that every pound that comes back earns it again, which no investment "
         "does; read the NPV and MIRR")
SEVERAL = "one of several possible rates"


def _rate(value: float) -> str:
    """A rate as people write it: 0.1855 -> '18.6%', 204 -> '20,400.0%'; one that rounds to zero has no sign."""
    text = f"{value:,.1%}"
    return text.lstrip("-") if float(text[:-1].replace(",", "")) == 0 else text


@dataclass(frozen=True)
class Irr:
    """An internal rate of return, or the reason there is none, with the MIRR at the party's own rate.

    ``value`` is a fraction (0.12 is 12%). ``reason`` says why there is no value; ``note`` is a caveat that must be
    printed beside a value that is there (a very large IRR); ``several_possible`` marks a value that is one of
    several rates making the NPV zero. ``mirr`` is the modified IRR with the finance and reinvestment rates both
    ``mirr_rate`` (the party's discount rate), None without a rate or without money both in and out.
    """

    value: float | None
    reason: str = ""
    several_possible: bool = False
    note: str = ""
    mirr: float | None = None
    mirr_rate: float | None = None

    def mirr_text(self) -> str:
        """'MIRR 12.3% at the 10.0% discount rate', or '' without one."""
        if self.mirr is None or self.mirr_rate is None:
            return ""
        return f"MIRR {_rate(self.mirr)} at the {_rate(self.mirr_rate)} discount rate"

    def caveat(self) -> str:
        """What to print beside the figure: why there is none, or what to beware of in it; '' when nothing.

        A caveat that sends the reader to the MIRR carries it.
        """
        said = self.reason if self.value is None else "; ".join(
            x for x in (SEVERAL if self.several_possible else "", self.note) if x)
        if "MIRR" in said and self.mirr_text():
            said = f"{said} ({self.mirr_text()})"
        return said

    def text(self) -> str:
        """The IRR in words, never a bare figure that needs a caveat.

        >>> irr(np.array([-100.0, 60.0, 60.0]), rate=0.10).text()
        '13.1%'
        >>> irr(np.array([100.0, -110.0]), rate=0.05).text()[:40]
        'no IRR (money comes in before it goes ou'
        """
        if self.value is None:
            return f"no IRR ({self.caveat()})"
        caveat = self.caveat()
        return f"{_rate(self.value)} ({caveat})" if caveat else _rate(self.value)


def sign_changes(cash_flows: np.ndarray, tolerance: float = SIGNIFICANT) -> int:
    """How many times the non-zero cash flows change sign (Descartes: at most that many IRRs)."""
    nonzero = cash_flows[np.abs(cash_flows) > tolerance]
    return int(np.count_nonzero(np.diff(np.sign(nonzero))))


def _scaled_factors(growth: np.ndarray, years: int) -> np.ndarray:
    """Discount factors for years 0 .. years - 1 at the rates ``growth - 1``, each row times a positive number.

    At 1 + r >= 1 the factors themselves, (1 + r)^-t; at 1 + r < 1 the factors times (1 + r)^T, (1 + r)^(T - t).
    Either way no factor exceeds 1, so nothing overflows, and the one that dominates (the last year's near
    r = -1, the first year's at a high rate) is 1 and never underflows.
    """
    g = np.asarray(growth, dtype=float)[:, None]
    t = np.arange(years)
    with np.errstate(under="ignore"):
        return np.exp(np.where(g < 1.0, years - 1 - t, -t) * np.log(g))


@lru_cache(maxsize=16)
def _grid_factors(years: int) -> np.ndarray:
    return _scaled_factors(_GRID, years)


def _signed_npv(flows: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """The NPV of ``flows`` (its first and last flows non-zero) at the rates ``growth - 1``, each times a positive
    number: the same sign and the same zeros as the NPV."""
    return np.asarray(_scaled_factors(growth, flows.size) @ flows)


def _bisect(flows: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The growth factors 1 + r in each bracket [low, high] where the NPV changes sign, to the last bit."""
    low, high = low.copy(), high.copy()
    f_low = _signed_npv(flows, low)
    for _ in range(80):  # a bracket 0.6% wide halves to below a float's resolution in about 45 steps
        mid = 0.5 * (low + high)
        if not np.any((low < mid) & (mid < high)):
            break
        f_mid = _signed_npv(flows, mid)
        same = np.sign(f_mid) == np.sign(f_low)
        low, f_low = np.where(same, mid, low), np.where(same, f_mid, f_low)
        high = np.where(same, high, mid)
    return 0.5 * (low + high)


def _trimmed(flows: np.ndarray) -> np.ndarray:
    """``flows`` from its first non-zero flow to its last: leading zeros only scale the NPV by (1 + r)^-k > 0 and
    trailing ones add nothing, so the NPV keeps its sign and its zeros."""
    nonzero = np.flatnonzero(flows)
    return flows[nonzero[0]:nonzero[-1] + 1] if nonzero.size else flows[:0]


def npv_roots(cash_flows: np.ndarray) -> list[tuple[float, bool]]:
    """Every rate r from -99.99% to 1,000,000% a year at which the NPV crosses zero, rising.

    Each as (r, falls): ``falls`` is True where the NPV turns from positive to negative as the rate rises. Roots are
    bracketed on a grid even in log(1 + r) and refined by bisection; a root where the NPV only touches zero is not
    a crossing and is not listed.

    >>> [(round(r, 4), falls) for r, falls in npv_roots(np.array([-100.0, 230.0, -132.0]))]
    [(0.1, False), (0.2, True)]
    """
    flows = _trimmed(np.where(np.abs(cash_flows) > SIGNIFICANT, cash_flows, 0.0))
    if flows.size < 2:
        return []
    grid = _GRID
    signs = np.sign(_grid_factors(flows.size) @ flows)
    kept = np.flatnonzero(signs)
    i, j = kept[:-1], kept[1:]
    crossing = signs[i] != signs[j]
    i, j = i[crossing], j[crossing]
    roots = _bisect(flows, grid[i], grid[j]) - 1.0
    return [(float(r), bool(s > 0)) for r, s in zip(roots, signs[i], strict=True)]


def mirr(cash_flows: np.ndarray, rate: float) -> float | None:
    """Modified IRR with money both borrowed and reinvested at ``rate``; None without money both in and out.

    MIRR = (PV of the inflows / PV of the outflows)^(1/n) (1 + r) - 1, n the years after year 0 in the row (Excel's
    MIRR, ``numpy_financial.mirr``): the inflows carried forward to year n at r, the outflows brought back to year 0
    at r. It exceeds r exactly when the NPV at r is positive, so it always reads the right way round.

    By hand: (60/1.1 + 60/1.21) / 100 = 1.041322; its square root 1.020452, times 1.1, less 1:

    >>> round(mirr(np.array([-100.0, 60.0, 60.0]), 0.10), 6)
    0.122497
    """
    flows = np.where(np.abs(cash_flows) > SIGNIFICANT, cash_flows, 0.0)
    if flows.size < 2 or not ((flows > 0).any() and (flows < 0).any()):
        return None
    factors = (1.0 + rate) ** -np.arange(flows.size)
    inflow = float(np.where(flows > 0, flows, 0.0) @ factors)
    outflow = -float(np.where(flows < 0, flows, 0.0) @ factors)
    return float((inflow / outflow) ** (1.0 / (flows.size - 1)) * (1.0 + rate) - 1.0)


def irr(cash_flows: np.ndarray, *, rate: float | None = None) -> Irr:
    """IRR of one cash-flow row read as an investment, with the MIRR at ``rate`` and every case without an IRR named.

    The IRR is the rate at which the NPV turns from positive to negative as the rate rises: at that rate the
    profile is a net investment (Hazen 2003), and with no other rate between the two an IRR above the hurdle means
    a positive NPV at the hurdle. Where
    several rates do that, the one nearest ``rate`` (or 0 without one) is given, marked as one of several; any rate
    where the NPV rises through zero is a borrowing rate and is never given. No IRR, with the reason, when:

    - the flows never change sign;
    - money comes in first (a financing profile, a loan: its rate reads backwards, a higher one is worse);
    - no rate from -99.99% to 1,000,000% a year zeroes the NPV, or it is still positive at 1,000,000%.

    A value is kept but noted when almost nothing is put in (under 1% of what comes back) or it exceeds 100%.
    Unlike ``numpy_financial.irr``, which gives the real root nearest 0 whatever its kind, the answer here does not
    depend on where 0 lies: on -100, 230, -132 it gives 20%, not the borrowing rate of 10%.

    >>> irr(np.array([-100.0, 60.0, 60.0])).value is not None
    True
    >>> irr(np.array([100.0, 50.0])).reason
    'the cash flows never change sign'
    >>> round(irr(np.array([-100.0, 230.0, -132.0]), rate=0.10).value, 6)
    0.2
    """
    # Flows below a billionth of a pound are noise (a denormal such as 5e-324 would otherwise count as a sign).
    flows = np.where(np.abs(cash_flows) > SIGNIFICANT, np.asarray(cash_flows, dtype=float), 0.0)
    modified = None if rate is None else mirr(flows, rate)
    return replace(_investment_rate(flows, rate), mirr=modified, mirr_rate=None if modified is None else rate)


def _investment_rate(flows: np.ndarray, rate: float | None) -> Irr:
    if sign_changes(flows) == 0:
        return Irr(None, NO_SIGN_CHANGE)
    if flows[np.flatnonzero(flows)[0]] > 0:
        return Irr(None, FINANCING)
    roots = npv_roots(flows)
    falling = [r for r, falls in roots if falls]
    if not falling:
        # Money goes out first, so at a high enough rate the NPV is that first outflow, negative. No fall in range:
        # either the NPV is negative all along (no rate in range zeroes it) or it falls only beyond the range.
        beyond = float(_signed_npv(_trimmed(flows), np.array([1 + HIGHEST_RATE]))[0]) > 0
        return Irr(None, BEYOND if beyond else NO_ROOT)
    target = 0.0 if rate is None else rate
    value = min(falling, key=lambda r: abs(r - target))
    put_in, back = -float(flows[flows < 0].sum()), float(flows[flows > 0].sum())
    note = TINY_OUTLAY if put_in < SMALL_OUTLAY * back else LARGE if value > LARGE_IRR else ""
    return Irr(value, several_possible=len(roots) > 1, note=note)

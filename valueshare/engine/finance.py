"""Present value and internal rate of return, with "no answer" as a declared result rather than NaN."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy_financial as npf


def npv(cash_flows: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Net present value of each row of ``cash_flows`` (…, years) with discount ``factors`` (years,).

    Money in is positive, money out negative; year 0 is not discounted. Equals ``numpy_financial.npv(rate, row)``.

    >>> float(npv(np.array([-100.0, 60.0, 60.0]), np.array([1.0, 1 / 1.1, 1 / 1.21])).round(4))
    4.1322
    """
    return cash_flows @ factors


@dataclass(frozen=True)
class Irr:
    """An internal rate of return, or the reason there is none. ``value`` is a fraction (0.12 is 12%)."""

    value: float | None
    reason: str = ""
    several_possible: bool = False

    def text(self) -> str:
        if self.value is None:
            return f"no IRR ({self.reason})"
        note = " (one of several possible rates)" if self.several_possible else ""
        return f"{self.value:.1%}{note}"


#: Smallest cash flow, in £, that counts (smaller ones are rounding noise).
SIGNIFICANT = 1e-9


def sign_changes(cash_flows: np.ndarray, tolerance: float = SIGNIFICANT) -> int:
    """How many times the non-zero cash flows change sign (Descartes: at most that many IRRs)."""
    nonzero = cash_flows[np.abs(cash_flows) > tolerance]
    return int(np.count_nonzero(np.diff(np.sign(nonzero))))


def irr(cash_flows: np.ndarray) -> Irr:
    """IRR of one cash-flow row, via ``numpy_financial.irr``, with the cases where it has no meaning named.

    >>> irr(np.array([-100.0, 60.0, 60.0])).value is not None
    True
    >>> irr(np.array([100.0, 50.0])).reason
    'the cash flows never change sign'
    """
    changes = sign_changes(cash_flows)
    if changes == 0:
        return Irr(None, "the cash flows never change sign")
    # Flows below a billionth of a pound are noise: left in, a denormal such as 5e-324 makes numpy_financial's
    # polynomial overflow (found by hypothesis). Root-finding failures are "no answer", not errors.
    flows = np.where(np.abs(cash_flows) > SIGNIFICANT, cash_flows, 0.0)
    try:
        value = float(npf.irr(flows))
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):
        return Irr(None, "no real rate makes the present value zero")
    if not np.isfinite(value):
        return Irr(None, "no real rate makes the present value zero")
    return Irr(value, several_possible=changes > 1)

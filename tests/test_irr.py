"""The partner's IRR read as a partner's finance lead reads it (issue 15): the rate where the NPV turns from positive
to negative as the rate rises, no IRR for money in first, the MIRR at the party's own rate, and a very large IRR
never printed bare.

Every rate asserted is checked without valueshare's root finder: the real roots of the NPV polynomial come from
``numpy.roots`` (in x = 1 / (1 + r)), NPVs from ``numpy_financial.npv``, MIRRs from ``numpy_financial.mirr``, and
the simplest profiles are worked by hand in the comments. ``numpy_financial.irr`` is what valueshare used before:
on several profiles below it returns the real root nearest 0, a borrowing rate, and the tests show that too.

The profiles reproduce what issue 15 found: an IRR of -5.97% on a deal worth +£225k at 10%; -99.95% on a deal worth
+£18.6bn; 941% and 20,400% where the partner puts in almost nothing.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from builders import base_data
from hypothesis import given, settings
from hypothesis import strategies as st

from valueshare import deal_from_data, value_deal
from valueshare.engine.finance import BEYOND, FINANCING, LARGE, NO_ROOT, NO_SIGN_CHANGE, SEVERAL, TINY_OUTLAY, irr, mirr

RATE = 0.10  # the party's discount rate in every profile below


def real_rates(flows: list[float]) -> list[float]:
    """Every real rate r > -1 that zeroes the NPV, from the polynomial's roots (numpy.roots), not by search."""
    x = np.roots(np.array(flows, dtype=float)[::-1])
    x = x[(np.abs(x.imag) < 1e-12) & (x.real > 0)].real
    return sorted(1 / x - 1)


def falls_through_zero(flows: list[float], r: float, step: float = 1e-4) -> bool:
    """The NPV is positive just below r and negative just above it (numpy_financial.npv)."""
    return npf.npv(r - step, flows) > 0 > npf.npv(r + step, flows)


# ------------------------------------------------------------------------------------------ several rates

# Two years of £1m outlay, six of £914.5k profit, and a closing payment of £3.187m in year 8.
TWO_RATES = [-1_000_000, -1_000_000] + [914_500] * 6 + [-3_187_000]


def test_a_deal_worth_225k_at_its_rate_has_the_irr_where_its_npv_turns_negative_not_minus_6_percent():
    assert npf.npv(RATE, TWO_RATES) == pytest.approx(224_955.44, abs=0.01)  # positive at the partner's 10%
    assert npf.irr(TWO_RATES) == pytest.approx(-0.0597, abs=5e-5)  # the old figure: the root nearest 0
    low, high = real_rates(TWO_RATES)  # numpy.roots: exactly two real rates, -5.97% and 18.55%
    assert (round(low, 4), round(high, 4)) == (-0.0597, 0.1855)
    assert not falls_through_zero(TWO_RATES, low)  # at -5.97% the NPV rises through zero: a borrowing rate
    assert falls_through_zero(TWO_RATES, high)
    got = irr(np.array(TWO_RATES, dtype=float), rate=RATE)
    assert got.value == pytest.approx(high, rel=1e-9)
    assert npf.npv(got.value, TWO_RATES) == pytest.approx(0, abs=1e-3)
    assert got.several_possible and got.caveat() == SEVERAL
    assert got.text() == "18.6% (one of several possible rates)"


# £1bn out, £3.675bn a year for eight years, then £1.84m out in year 9: a near -100% root from the tiny last flow.
HUGE = [-1e9] + [3.675e9] * 8 + [-1.84e6]


def test_a_deal_worth_18_6bn_has_a_large_irr_with_its_caveat_not_minus_99_95_percent():
    assert npf.npv(RATE, HUGE) == pytest.approx(18.605e9, rel=1e-4)
    assert npf.irr(HUGE) == pytest.approx(-0.9995, abs=1e-5)  # the old figure
    low, high = real_rates(HUGE)
    assert round(low, 4) == -0.9995 and not falls_through_zero(HUGE, low, step=1e-6)
    assert falls_through_zero(HUGE, high)
    got = irr(np.array(HUGE), rate=RATE)
    assert got.value == pytest.approx(high, rel=1e-9) and round(got.value, 3) == 3.675
    assert got.several_possible and got.note == LARGE
    assert got.mirr == pytest.approx(npf.mirr(HUGE, RATE, RATE), rel=1e-12)
    assert got.text() == f"367.5% ({SEVERAL}; {LARGE} (MIRR 53.1% at the 10.0% discount rate))"


def test_on_the_engine_a_cash_flow_changing_sign_twice_gets_its_investment_rate():
    # The partner's flows of tests/test_figures' "several possible rates" deal: 0, -100, -100, 600, 600, -200
    # (stage costs, profit in years 3 and 4, a £800 subscription in year 5 less that year's £600 profit).
    deal = deal_from_data(base_data(terms=[{"kind": "subscription", "amount_gbp_per_year": 800, "start_year": 5,
                                            "years": 1}]))
    v = value_deal(deal)
    flows = [0, -100, -100, 600, 600, -200]
    assert v.partner_cash_flow.tolist() == pytest.approx(flows)
    assert v.partner_npv == pytest.approx(npf.npv(RATE, flows)) and v.partner_npv > 0  # +£562.86
    low, high = real_rates(flows)  # -73.36% and 139.89%
    assert npf.irr(flows) == pytest.approx(low)  # what was reported: -73.4% on a deal worth +£563
    assert v.partner_irr.value == pytest.approx(high, rel=1e-9) and falls_through_zero(flows, high)
    assert v.partner_irr.several_possible and v.partner_irr.note == LARGE
    out = v.to_dict()
    assert out["partner_irr"] == round(high, 6)
    assert out["partner_mirr"] == round(npf.mirr(flows, RATE, RATE), 6)
    assert out["partner_irr_note"] == v.partner_irr.caveat()


# ------------------------------------------------------------------------------------------ money in first


def test_a_loan_like_profile_has_no_irr_and_says_why_with_its_mirr():
    # Borrow £1,000, pay £100 interest twice and £1,100 with the capital: a 10% loan. numpy_financial calls 10% its
    # IRR, which reads backwards (a dearer loan would show a "better" IRR).
    loan = [1_000, -100, -100, -1_100]
    assert npf.irr(loan) == pytest.approx(0.10)
    got = irr(np.array(loan, dtype=float), rate=0.05)
    assert got.value is None and got.reason == FINANCING
    # By hand at 5%: inflows 1,000; outflows 100/1.05 + 100/1.1025 + 1,100/1.157625 = 1,136.16;
    # (1,000 / 1,136.16)^(1/3) = 0.95835, x 1.05 - 1 = 0.63%: below 5%, as the NPV at 5% (-£136.16) is negative.
    assert got.mirr == pytest.approx(npf.mirr(loan, 0.05, 0.05), rel=1e-12)
    assert round(got.mirr, 4) == 0.0063
    assert got.text() == f"no IRR ({FINANCING} (MIRR 0.6% at the 5.0% discount rate))"


def test_money_in_first_is_financing_even_when_a_rate_would_fall_through_zero():
    # 100 in, 250 out, 150 in: rates 0% and 50% (by hand: 150x^2 - 250x + 100 = 0 at x = 1 and x = 2/3).
    flows = [100, -250, 150]
    assert real_rates(flows) == pytest.approx([0.0, 0.5], abs=1e-12)
    assert irr(np.array(flows, dtype=float), rate=RATE).reason == FINANCING


# ------------------------------------------------------------------------------------------ almost nothing put in


def test_an_irr_of_941_percent_is_kept_with_a_caveat_never_bare():
    # £100k out, £1.041m back a year later: 1,041 / 100 - 1 = 9.41 by hand.
    got = irr(np.array([-100_000.0, 1_041_000.0]), rate=RATE)
    assert got.value == pytest.approx(9.41, rel=1e-12) and got.note == LARGE
    assert got.text().startswith("941.0% (a rate above 100% a year") and "MIRR" in got.text()


def test_an_irr_of_20400_percent_says_almost_nothing_is_put_in():
    # £5k out in year 1, £1.02m back in each of years 2 to 11 (put in: 0.05% of what comes back).
    flows = [0, -5_000] + [1_020_000] * 10
    (rate,) = real_rates(flows)
    got = irr(np.array(flows, dtype=float), rate=RATE)
    assert got.value == pytest.approx(rate, rel=1e-9) and round(got.value, 2) == 204.0
    assert got.note == TINY_OUTLAY and not got.several_possible
    assert got.mirr == pytest.approx(npf.mirr(flows, RATE, RATE), rel=1e-12)
    assert got.text().startswith("20,400.0% (almost nothing is put in")


def test_an_npv_still_positive_at_a_million_percent_gives_no_rate():
    # £1 out, £1m back a year later: 999,999 (99,999,900%) by hand, beyond the search.
    got = irr(np.array([-1.0, 1e6]), rate=RATE)
    assert got.value is None and got.reason == BEYOND


# ------------------------------------------------------------------------------------------ no rate at all


@pytest.mark.parametrize("flows, reason", [
    ([-100, 50, -10], NO_ROOT),    # 10x^2 - 50x + 100 has no real root (discriminant 2,500 - 4,000 < 0)
    ([-100, 0.001], NO_ROOT),      # the one rate, -99.999%, lies below the search
    ([-100, -50], NO_SIGN_CHANGE),
    ([0, 0, 0], NO_SIGN_CHANGE),
])
def test_profiles_without_a_rate_say_why(flows, reason):
    assert np.isnan(npf.irr(flows)) or npf.irr(flows) < -0.9999
    got = irr(np.array(flows, dtype=float), rate=RATE)
    assert got.value is None and got.reason == reason


def test_without_a_rate_there_is_no_mirr_and_the_nearest_to_zero_of_several_is_given():
    # NPV = -100 (1 - 1.02x)(1 - 1.2x)(1 - 1.6x) with x = 1 / (1 + r), multiplied out by hand: zero at 2%, 20%, 60%.
    flows = [-100, 382, -477.6, 195.84]
    assert real_rates(flows) == pytest.approx([0.02, 0.20, 0.60])
    falling = [r for r in (0.02, 0.20, 0.60) if falls_through_zero(flows, r)]
    assert falling == [0.02, 0.60]
    assert irr(np.array(flows)).value == pytest.approx(0.02, rel=1e-9)            # nearest 0
    assert irr(np.array(flows), rate=0.45).value == pytest.approx(0.60, rel=1e-9)  # nearest the party's 45%
    assert irr(np.array(flows)).mirr is None


# ------------------------------------------------------------------------------------------ properties

amounts = st.integers(1, 10_000_000).map(float)


@st.composite
def investments(draw) -> list[float]:
    """A conventional investment: money out (and nothing) first, then money back (and nothing): one sign change."""
    out = draw(st.lists(st.one_of(amounts.map(lambda a: -a), st.just(0.0)), min_size=1, max_size=8))
    back = draw(st.lists(st.one_of(amounts, st.just(0.0)), min_size=1, max_size=30))
    if not any(o < 0 for o in out):
        out[0] = -draw(amounts)
    if not any(b > 0 for b in back):
        back[-1] = draw(amounts)
    return out + back


@settings(max_examples=300, deadline=None)
@given(investments())
def test_a_conventional_investment_has_numpy_financials_irr_and_a_zero_npv_there(flows):
    expected = float(npf.irr(flows))
    got = irr(np.array(flows), rate=RATE)
    if -0.9999 < expected < 1e4:  # the rates searched
        assert got.value == pytest.approx(expected, rel=1e-9, abs=1e-9)
        scale = sum(abs(c) * (1 + got.value) ** -t for t, c in enumerate(flows))
        assert abs(npf.npv(got.value, flows)) <= 1e-9 * scale
        assert not got.several_possible
    else:
        assert got.value is None


cash_flows = st.lists(st.one_of(amounts, amounts.map(lambda a: -a), st.just(0.0)), min_size=2, max_size=30)


@settings(max_examples=300, deadline=None)
@given(cash_flows, st.floats(0.0, 0.3))
def test_the_mirr_exceeds_the_rate_exactly_when_the_npv_is_positive(flows, rate):
    got = mirr(np.array(flows), rate)
    if not (any(c > 0 for c in flows) and any(c < 0 for c in flows)):
        assert got is None
        return
    assert got == pytest.approx(npf.mirr(flows, rate, rate), rel=1e-9, abs=1e-12)
    value = npf.npv(rate, flows)
    if abs(value) > 1e-6 * sum(abs(c) for c in flows):
        assert (got > rate) == (value > 0)


@settings(max_examples=300, deadline=None)
@given(cash_flows)
def test_any_irr_given_is_a_rate_where_the_npv_falls_through_zero(flows):
    got = irr(np.array(flows), rate=RATE)
    if got.value is None:
        return
    assert next(c for c in flows if c != 0) < 0  # money out first
    r = got.value
    scale = sum(abs(c) * (1 + r) ** -t for t, c in enumerate(flows))
    assert abs(npf.npv(r, flows)) <= 1e-8 * scale
    slope = -sum(t * c * (1 + r) ** (-t - 1) for t, c in enumerate(flows))  # dNPV/dr at r
    assert slope <= 1e-8 * scale * len(flows)

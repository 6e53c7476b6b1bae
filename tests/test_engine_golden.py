"""Every mechanism against figures worked by hand, and NPV/IRR against numpy-financial.

The base deal (tests/builders.py), worked on paper:
- horizon 5 years; NHS discount rate 3.5% (the step after year 30 never applies); partner rate 10%.
- stage A: year 0 to 1, cost £100, P(success) 0.5; stage B: year 1 to 2, cost £200, P(success) 0.8.
  P(reach A) = 1, P(reach B) = 0.5, P(launch) = 0.5 × 0.8 = 0.4; launch at the end of year 2.
- sales given launch: 1,000 units × £10 × 50% peak uptake, at peak from launch (years_to_peak 0)
  = £5,000 a year in years 3, 4 and 5 (sales end with year 5). Expected sales = 0.4 × 5,000 = £2,000 a year.
- UK share 50%; operating margin 30%: partner's expected operating profit 0.3 × 2,000 = £600 a year in years 3-5.
- partner stage costs: A £100 in year 1 (reached for sure); B £200 × 0.5 = £100 in year 2.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from builders import base_data, deal

from valueshare import deal_from_data, value_deal

NHS_DF = np.array([1.035 ** -t for t in range(6)])
PARTNER_DF = np.array([1.10 ** -t for t in range(6)])


def line(valuation, key, side="nhs"):
    items = valuation.nhs_lines if side == "nhs" else valuation.partner_lines
    return next(x for x in items if x.key == key)


def test_base_deal_partner_flows_are_risk_weighted_by_stage():
    v = value_deal(deal())
    assert line(v, "partner.operating_profit", "partner").yearly.tolist() == pytest.approx([0, 0, 0, 600, 600, 600])
    assert line(v, "partner.stage_costs", "partner").yearly.tolist() == pytest.approx([0, -100, -100, 0, 0, 0])
    assert v.expected_sales.tolist() == pytest.approx([0, 0, 0, 2000, 2000, 2000])
    assert v.launch_probability == pytest.approx(0.4)
    assert v.launch_year == pytest.approx(2.0)


def test_one_off_access_fee_is_paid_at_signature_and_not_discounted():
    v = value_deal(deal(terms=[{"kind": "access_fee", "amount_gbp": 1000}]))
    assert line(v, "terms[0]").yearly.tolist() == [1000, 0, 0, 0, 0, 0]
    assert line(v, "terms[0]").present_value == pytest.approx(1000)


def test_yearly_access_fee_is_paid_in_each_of_its_years():
    v = value_deal(deal(terms=[{"kind": "access_fee", "amount_gbp": 500, "frequency": "yearly",
                                "start_year": 1, "years": 3}]))
    assert line(v, "terms[0]").yearly.tolist() == [0, 500, 500, 500, 0, 0]
    # 500/1.035 + 500/1.035^2 + 500/1.035^3 = 483.092 + 466.755 + 450.971 = 1,400.82 (by hand)
    assert line(v, "terms[0]").present_value == pytest.approx(1400.82, abs=0.01)
    assert line(v, "terms[0]").present_value == pytest.approx(npf.npv(0.035, [0, 500, 500, 500, 0, 0]))


def test_subscription_escalates_each_year():
    v = value_deal(deal(terms=[{"kind": "subscription", "amount_gbp_per_year": 100, "start_year": 1, "years": 3,
                                "escalation_rate": 0.10}]))
    # 100, 100 × 1.1 = 110, 100 × 1.1^2 = 121
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 100, 110, 121, 0, 0])


def test_subscription_years_past_the_horizon_are_not_counted():
    v = value_deal(deal(terms=[{"kind": "subscription", "amount_gbp_per_year": 100, "start_year": 4, "years": 5}]))
    assert line(v, "terms[0]").yearly.tolist() == [0, 0, 0, 0, 100, 100]


def test_milestone_is_weighted_by_the_chance_its_stage_succeeds():
    v = value_deal(deal(terms=[{"kind": "milestone", "stage": "A", "amount_gbp": 1000},
                               {"kind": "milestone", "stage": "B", "amount_gbp": 1000}]))
    # A succeeds with 0.5, at the end of year 1; B needs A and B: 0.5 × 0.8 = 0.4, end of year 2
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 500, 0, 0, 0, 0])
    assert line(v, "terms[1]").yearly.tolist() == pytest.approx([0, 0, 400, 0, 0, 0])
    assert line(v, "terms[1]", "partner").yearly.tolist() == pytest.approx([0, 0, -400, 0, 0, 0])


def test_tiered_royalty_applies_bands_to_sales_given_launch_then_weights():
    tiers = [{"from_gbp": 0, "rate": 0.01}, {"from_gbp": 3000, "rate": 0.02}]
    v = value_deal(deal(terms=[{"kind": "royalty", "tiers": tiers}]))
    # given launch, £5,000 a year: 1% of 3,000 + 2% of 2,000 = 30 + 40 = £70; × P(launch) 0.4 = £28.
    # (Bands on the weighted £2,000 would give only £20: that is the mistake this rule avoids.)
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 0, 0, 28, 28, 28])


def test_royalty_cap_limits_the_total_paid_given_launch():
    tiers = [{"from_gbp": 0, "rate": 0.01}, {"from_gbp": 3000, "rate": 0.02}]
    v = value_deal(deal(terms=[{"kind": "royalty", "tiers": tiers, "cap_gbp": 150}]))
    # given launch: 70, 70, then only 10 more reaches the £150 cap; × 0.4 = 28, 28, 4
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 0, 0, 28, 28, 4])


def test_royalty_term_stops_payments_after_its_years():
    v = value_deal(deal(terms=[{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.01}], "term_years": 2}]))
    # 1% of 5,000 × 0.4 = 20 in years 3 and 4; the term ends two years after launch (end of year 4)
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 0, 0, 20, 20, 0])


def test_royalty_on_uk_sales_uses_the_uk_share():
    v = value_deal(deal(terms=[{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.01}], "territory": "uk"}]))
    # 1% of (5,000 × 50%) × 0.4 = 10
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 0, 0, 10, 10, 10])


def test_revenue_share_is_a_flat_share_of_net_sales():
    v = value_deal(deal(terms=[{"kind": "revenue_share", "rate": 0.05}]))
    # 5% of 5,000 × 0.4 = 100
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 0, 0, 100, 100, 100])


def test_equity_is_worth_stake_times_exit_value_times_exit_chance_in_the_exit_year():
    v = value_deal(deal(terms=[{"kind": "equity", "stake": 0.1, "exit_value_gbp": 1_000_000, "exit_year": 4,
                                "exit_probability": 0.2}]))
    # 0.1 × 1,000,000 × 0.2 = 20,000 in year 4
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 0, 0, 0, 20000, 0])


def test_price_discount_saves_the_nhs_the_discount_on_its_purchases():
    v = value_deal(deal(terms=[{"kind": "nhs_price_discount", "price_discount": 0.2}]))
    # 20% × (5,000 × 50% UK) × 0.4 = 200
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 0, 0, 200, 200, 200])
    assert line(v, "terms[0]", "partner").yearly.tolist() == pytest.approx([0, 0, 0, -200, -200, -200])


def test_royalty_is_paid_on_sales_net_of_the_nhs_price_discount():
    terms = [{"kind": "nhs_price_discount", "price_discount": 0.2},
             {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.01}, {"from_gbp": 3000, "rate": 0.02}]}]
    v = value_deal(deal(terms=terms))
    # net sales = 5,000 × (1 - 50% × 20%) = 4,500: 1% of 3,000 + 2% of 1,500 = 60; × 0.4 = 24
    assert line(v, "terms[1]").yearly.tolist() == pytest.approx([0, 0, 0, 24, 24, 24])


def test_in_kind_benefit_is_valued_for_the_nhs_and_costed_for_the_partner_separately():
    v = value_deal(deal(terms=[{"kind": "in_kind_benefit", "description": "training", "value_gbp_per_year": 1000,
                                "partner_cost_gbp_per_year": 400, "start_year": 1, "years": 2}]))
    assert line(v, "terms[0]").yearly.tolist() == [0, 1000, 1000, 0, 0, 0]
    assert line(v, "terms[0]", "partner").yearly.tolist() == [0, -400, -400, 0, 0, 0]


def test_consent_clause_switches_on_later_and_is_weighted_by_its_probability():
    data = base_data(use="non_commercial_research", terms=[
        {"kind": "consent_to_commercialise", "probability": 0.25, "year": 2, "terms": [
            {"kind": "access_fee", "amount_gbp": 800},
            {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.02}]},
        ]},
    ])
    v = value_deal(deal_from_data(data))
    # the fee falls at the switch (year 2): 800 × 0.25 = 200
    assert line(v, "terms[0].terms[0]").yearly.tolist() == pytest.approx([0, 0, 200, 0, 0, 0])
    # the route starts at year 2, so launch is at 4; launch weight 0.25 × 0.4 = 0.1; 2% × 5,000 × 0.1 = 10 in year 5
    assert line(v, "terms[0].terms[1]").yearly.tolist() == pytest.approx([0, 0, 0, 0, 0, 10])
    assert v.launch_year == pytest.approx(4.0)
    assert v.launch_probability == pytest.approx(0.1)


def test_fractional_stages_spread_costs_and_shift_launch_within_a_year():
    data = base_data()
    data["route_to_market"]["stages"][0]["duration_years"] = 0.5
    v = value_deal(deal_from_data(data))
    # A: (0, 0.5] -> £100 in year 1. B: (0.5, 1.5], reached with 0.5: £200 × 0.5 = 100, half in year 1, half in 2
    assert line(v, "partner.stage_costs", "partner").yearly.tolist() == pytest.approx([0, -150, -50, 0, 0, 0])
    # launch at 1.5: half of year 2 sells: 5,000 × 0.5 × 0.4 = 1,000
    assert v.expected_sales.tolist() == pytest.approx([0, 0, 1000, 2000, 2000, 2000])


def test_uptake_ramps_in_a_straight_line_to_its_peak():
    data = base_data()
    data["route_to_market"]["sales"]["years_to_peak"] = 2
    v = value_deal(deal_from_data(data))
    # given launch (year 2), uptake share of the year: ∫0..1 s/2 = 0.25; ∫1..2 s/2 = 0.75; then 1
    # sales = 5,000 × those = 1,250, 3,750, 5,000; × 0.4 = 500, 1,500, 2,000
    assert v.expected_sales.tolist() == pytest.approx([0, 0, 0, 500, 1500, 2000])


def test_npv_and_irr_agree_with_numpy_financial():
    terms = [{"kind": "access_fee", "amount_gbp": 50},
             {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.05}]}]
    v = value_deal(deal(terms=terms))
    # partner: year 0 -50; year 1 -100; year 2 -100; years 3-5: 600 - 5% × 2,000 = 500
    assert v.partner_cash_flow.tolist() == pytest.approx([-50, -100, -100, 500, 500, 500])
    assert v.partner_npv == pytest.approx(npf.npv(0.10, [-50, -100, -100, 500, 500, 500]))
    assert v.partner_irr.value == pytest.approx(npf.irr([-50, -100, -100, 500, 500, 500]))
    # NHS: year 0 +50, years 3-5 +100
    assert v.nhs_npv == pytest.approx(npf.npv(0.035, [50, 0, 0, 100, 100, 100]))


def test_irr_is_reported_as_absent_when_cash_flows_never_change_sign():
    data = base_data(route_to_market=None, terms=[{"kind": "access_fee", "amount_gbp": 100}])
    v = value_deal(deal_from_data(data))
    assert v.partner_irr.value is None
    assert "never change sign" in v.partner_irr.reason
    assert v.to_dict()["partner_irr"] is None


def test_cost_recovery_compares_fees_with_nhs_access_costs_in_present_value():
    data = base_data(
        terms=[{"kind": "access_fee", "amount_gbp": 1000},
               {"kind": "subscription", "amount_gbp_per_year": 100, "start_year": 1, "years": 2}],
        contribution={"access_costs": {"preparation_gbp": 500, "yearly_gbp": 200, "years": 2},
                      "expertise": [{"kind": "clinical", "hours_per_year": 10, "cost_per_hour_gbp": 30}]})
    v = value_deal(deal_from_data(data))
    # fees: 1,000 + 100/1.035 + 100/1.035^2 = 1,000 + 96.618 + 93.351 = 1,189.969
    # costs: 500 + 200/1.035 + 200/1.035^2 + 300/1.035 = 500 + 193.237 + 186.702 + 289.855 = 1,169.794
    assert v.cost_recovery_ratio == pytest.approx(1189.969 / 1169.794, rel=1e-5)
    assert line(v, "costs.expertise[0]").yearly.tolist() == [0, -300, 0, 0, 0, 0]


def test_cost_recovery_has_no_answer_without_costs():
    v = value_deal(deal(terms=[{"kind": "access_fee", "amount_gbp": 1000}]))
    assert v.cost_recovery_ratio is None
    assert v.cost_recovery_note == "no NHS access costs are entered"


def test_nhs_share_is_payments_over_partner_value_before_payments_at_partner_rate():
    v = value_deal(deal(terms=[{"kind": "access_fee", "amount_gbp": 100}]))
    # before payments: -100/1.1 - 100/1.21 + 600/1.331 + 600/1.4641 + 600/1.61051
    before = npf.npv(0.10, [0, -100, -100, 600, 600, 600])
    assert v.partner_value_before_payments == pytest.approx(before)
    assert v.nhs_share == pytest.approx(100 / before)


def test_nhs_discount_rate_steps_down_after_year_30():
    data = base_data(route_to_market=None, assumptions={"horizon_years": 31},
                     terms=[{"kind": "access_fee", "amount_gbp": 1000, "start_year": 31}])
    v = value_deal(deal_from_data(data))
    assert v.nhs_npv == pytest.approx(1000 / (1.035 ** 30 * 1.03))


def test_irr_ignores_flows_too_small_to_matter_and_never_raises():
    # Found by hypothesis: a 5e-324 flow (a denormal) made numpy_financial's root finder overflow. Flows of less
    # than a billionth of a pound are dropped; -100 then +110 a year later has an IRR of exactly 10%.
    from valueshare.engine.finance import irr

    assert irr(np.array([-100.0, 110.0, 5e-324, -5e-324])).value == pytest.approx(0.10)
    assert irr(np.array([5e-324, -5e-324, 5e-324])).value is None

"""Cash and real terms, equity at its own rate and tied to the programme, and the partner's corporation tax.

Every figure is worked by hand on the base deal of tests/builders.py (test_engine_golden's module docstring): stage A
(0, 1] costs 100 and succeeds with 0.5, stage B (1, 2] costs 200 and succeeds with 0.8, so launch at the end of year
2 with P 0.4; sales given launch £5,000 a year in years 3 to 5, operating margin 30% (£1,500 a year); no inflation
and no tax unless a test sets them. Each comment shows the arithmetic.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import base_data as format_1_data

from valueshare import deal_from_data, value_deal
from valueshare.engine.mechanisms import deflators
from valueshare.engine.montecarlo import simulate
from valueshare.engine.tax import corporation_tax, outcome_worlds
from valueshare.engine.valuation import TAX_KEY, deal_flows
from valueshare.format2 import to_format_2
from valueshare.wording import term_sentence


def base_data(**changes):
    """The base deal in format 2 (the current format's defaults), without inflation or tax unless ``assumptions``
    says otherwise."""
    data = {"format_version": 2, **format_1_data(**{"assumptions": _assumptions(), **changes})}
    return data


def _assumptions(**changes):
    return {**format_1_data()["assumptions"], "inflation_rate": 0.0, "partner_tax_rate": 0.0, **changes}


def _line(lines, key):
    return next(x for x in lines if x.key == key)


# ------------------------------------------------------------------------------------------------ cash and real

def _milestone_deal(indexation: str):
    # One stage of five years ending in year 5, P 0.5, no cost and no sales: a £1m milestone on its success.
    return deal_from_data(base_data(
        route_to_market={"stages": [{"name": "A", "duration_years": 5, "partner_cost_gbp": 0,
                                     "probability_of_success": 0.5}]},
        terms=[{"kind": "milestone", "stage": "A", "amount_gbp": 1_000_000, "indexation": indexation}],
        assumptions=_assumptions(horizon_years=6, inflation_rate=0.02)))


def test_a_fixed_milestone_is_deflated_into_the_price_base_year_then_discounted():
    v = value_deal(_milestone_deal("fixed"))
    line = _line(v.nhs_lines, "terms[0]")
    # £1m in cash in year 5 is 1e6 / 1.02^5 = £905,730.81 of the price base year, × P(success) 0.5
    assert line.yearly[5] == pytest.approx(1e6 / 1.02 ** 5 * 0.5)
    assert line.yearly[5] == pytest.approx(452_865.40, abs=0.01)
    # then discounted at the NHS's 3.5% real rate: 452,865.40 / 1.035^5
    assert line.present_value == pytest.approx(1e6 / 1.02 ** 5 * 0.5 / 1.035 ** 5)
    assert _line(v.partner_lines, "terms[0]").present_value == pytest.approx(-1e6 / 1.02 ** 5 * 0.5 / 1.10 ** 5)


def test_an_indexed_milestone_is_already_real():
    v = value_deal(_milestone_deal("indexed"))
    assert _line(v.nhs_lines, "terms[0]").yearly[5] == pytest.approx(500_000.0)   # 1e6 × 0.5, no deflation


def test_deflators_count_year_zero_as_the_price_base_year():
    assert deflators(0.02, 3).tolist() == pytest.approx([1.0, 1 / 1.02, 1 / 1.02 ** 2, 1 / 1.02 ** 3])


def test_a_fixed_fee_and_subscription_lose_real_value_year_by_year():
    deal = deal_from_data(base_data(
        terms=[{"kind": "access_fee", "amount_gbp": 1000, "frequency": "yearly", "start_year": 0, "years": 3},
               {"kind": "subscription", "amount_gbp_per_year": 100, "start_year": 1, "years": 2,
                "escalation_rate": 0.1}],
        assumptions=_assumptions(inflation_rate=0.1)))
    v = value_deal(deal)
    # fee: 1000, 1000 / 1.1, 1000 / 1.21 in years 0 to 2
    assert _line(v.nhs_lines, "terms[0]").yearly[:3].tolist() == pytest.approx([1000, 1000 / 1.1, 1000 / 1.21])
    # subscription rising 10% in cash while prices rise 10%: 100 / 1.1 and 110 / 1.21, both £90.91 real
    assert _line(v.nhs_lines, "terms[1]").yearly[1:3].tolist() == pytest.approx([100 / 1.1, 110 / 1.21])


def test_a_royalty_cap_fixed_in_cash_is_reached_on_the_royalties_cash():
    deal = deal_from_data(base_data(
        terms=[{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.1}], "cap_gbp": 1000, "indexation": "fixed"}],
        assumptions=_assumptions(inflation_rate=0.1)))
    line = _line(value_deal(deal).nhs_lines, "terms[0]")
    # given launch: 10% of £5,000 real = £500 real a year in years 3-5, in cash 500 × 1.1^3 = 665.50 and
    # 500 × 1.1^4 = 732.05. The £1,000 cash cap leaves 1000 − 665.50 = 334.50 in year 4, 334.50 / 1.1^4 real.
    assert line.yearly[3] == pytest.approx(0.4 * 500)
    assert line.yearly[4] == pytest.approx(0.4 * (1000 - 500 * 1.1 ** 3) / 1.1 ** 4)
    assert line.yearly[5] == pytest.approx(0.0)


def test_fixed_tier_thresholds_are_crossed_sooner_as_prices_rise():
    deal = deal_from_data(base_data(
        terms=[{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.01}, {"from_gbp": 5000, "rate": 0.05}],
                "indexation": "fixed"}],
        assumptions=_assumptions(inflation_rate=0.1)))
    line = _line(value_deal(deal).nhs_lines, "terms[0]")
    # year 3: the £5,000 cash threshold is 5000 / 1.1^3 = 3,756.57 real; sales £5,000 real:
    # 1% × 3,756.57 + 5% × (5000 − 3,756.57), × P(launch) 0.4
    threshold = 5000 / 1.1 ** 3
    assert line.yearly[3] == pytest.approx(0.4 * (0.01 * threshold + 0.05 * (5000 - threshold)))


def test_sentences_state_each_terms_indexation():
    deal = deal_from_data(base_data(terms=[{"kind": "access_fee", "amount_gbp": 1000},
                                           {"kind": "access_fee", "amount_gbp": 1000, "indexation": "indexed"},
                                           {"kind": "revenue_share", "rate": 0.05}]))
    assert term_sentence(deal.terms[0]).endswith("The amount is fixed in cash.")
    assert term_sentence(deal.terms[1]).endswith("The amount is indexed to CPI.")
    assert "cash" not in term_sentence(deal.terms[2]) and "CPI" not in term_sentence(deal.terms[2])


# ----------------------------------------------------------------------------------------------------- equity

def _equity(**fields):
    term = {"kind": "equity", "stake": 0.1, "exit_value_gbp": 1_000_000, "exit_year": 4, "exit_probability": 0.2,
            "indexation": "indexed", **fields}
    return deal_from_data(base_data(terms=[term]))


def test_an_exit_needs_the_programme_alive_and_is_valued_at_the_equity_rate_by_both_sides():
    v = value_deal(_equity(equity_discount_rate=0.2))
    # 0.1 × 1,000,000 × 0.2 × P(launched by year 4) 0.4 = £8,000 expected in year 4, at 20% for both parties
    assert _line(v.nhs_lines, "terms[0]").present_value == pytest.approx(8000 / 1.2 ** 4)
    assert _line(v.partner_lines, "terms[0]").present_value == pytest.approx(-8000 / 1.2 ** 4)
    # the line shows the certainty equivalent at each party's rate: 8000 × 1.035^4 / 1.2^4 for the NHS
    assert _line(v.nhs_lines, "terms[0]").yearly[4] == pytest.approx(8000 * 1.035 ** 4 / 1.2 ** 4)


@pytest.mark.parametrize("year, alive", [(0, 1.0), (1, 0.5), (2, 0.4), (3, 0.4)])
def test_the_exit_weight_is_the_chance_no_stage_has_failed_by_the_exit_year(year, alive):
    v = value_deal(_equity(exit_year=year, equity_discount_rate=None))
    # stage A's outcome is known in year 1 (0.5 alive), B's in year 2 (0.5 × 0.8 = 0.4)
    assert _line(v.nhs_lines, "terms[0]").yearly[year] == pytest.approx(0.1 * 1e6 * 0.2 * alive)


def test_an_exit_on_the_partners_other_business_ignores_the_programme():
    v = value_deal(_equity(exit_requires_launch=False, equity_discount_rate=None))
    assert _line(v.nhs_lines, "terms[0]").yearly[4] == pytest.approx(0.1 * 1e6 * 0.2)   # 20,000, no launch weight


def test_the_partners_irr_is_on_the_project_without_the_stake_but_its_npv_counts_it():
    with_stake, without = value_deal(_equity()), value_deal(deal_from_data(base_data(terms=[])))
    assert with_stake.partner_irr.value == pytest.approx(without.partner_irr.value)
    assert with_stake.partner_npv < without.partner_npv
    counted = value_deal(_equity(in_partner_irr=True))
    assert counted.partner_irr.value != pytest.approx(without.partner_irr.value)


@pytest.mark.parametrize("fields", [{}, {"exit_requires_launch": False}, {"equity_discount_rate": None}])
def test_the_monte_carlo_mean_of_an_equity_deal_is_its_deterministic_value_within_3_standard_errors(fields):
    deal = _equity(**fields)
    sim = simulate(deal, trials=40_000, seed=3)
    for spread, expected in ((sim.nhs, sim.expected_nhs_npv), (sim.partner, sim.expected_partner_npv)):
        assert abs(spread.mean - expected) < 3 * spread.standard_error + 1e-6


# ------------------------------------------------------------------------------------------------------- tax

def test_corporation_tax_carries_losses_forward():
    # cumulative profit −10, −6, 4, 9: taxed 0, 0, 4, 9 → tax 25% of 0, 0, 4, 5
    assert corporation_tax(np.array([[-10.0, 4.0, 10.0, 5.0]]), 0.25).tolist() == [[0.0, 0.0, 1.0, 1.25]]
    # a profit, then a loss, then profits: 5 taxed; the 10 loss absorbs 8, then 2 of the 10
    assert corporation_tax(np.array([[5.0, -10.0, 8.0, 10.0]]), 0.2)[0].tolist() == pytest.approx([1.0, 0, 0, 1.6])


def test_the_outcomes_of_the_route_and_their_chances():
    worlds = outcome_worlds(deal_from_data(base_data()))
    # fails at A (0.5), fails at B (0.5 × 0.2), launches (0.5 × 0.8)
    assert worlds.probability.tolist() == pytest.approx([0.5, 0.1, 0.4])
    assert worlds.route is not None and worlds.route.launched.tolist() == [0.0, 0.0, 1.0]


def _taxed(rate: float = 0.25):
    return deal_from_data(base_data(terms=[{"kind": "revenue_share", "rate": 0.1}],
                                    assumptions=_assumptions(partner_tax_rate=rate)))


def test_the_partners_expected_tax_is_the_tax_of_each_outcome_weighted_by_its_chance():
    v = value_deal(_taxed())
    # launch (0.4): −100, −200, then 1,500 profit − 500 revenue share = 1,000 in years 3-5; cumulative −100, −300,
    # 700, 1,700, 2,700, so 700, 1,000, 1,000 are taxed at 25%: 175, 250, 250. The failures (0.5 and 0.1) make only
    # losses, never relieved: no tax. Expected: 0.4 × (175, 250, 250) = 70, 100, 100.
    tax = _line(v.partner_lines, TAX_KEY)
    assert tax.label == "Corporation tax"
    assert tax.yearly.tolist() == pytest.approx([0, 0, 0, -70, -100, -100])
    # tax on the expected flows would be less (25% × (600 − 200 − 100 − 100) = 50 in year 3): the losses of the
    # failed worlds would wrongly shelter the launched world's profit
    assert v.partner_npv == pytest.approx(
        -100 / 1.1 - 100 / 1.1 ** 2 + sum((600 - 200 - t) / 1.1 ** y for y, t in ((3, 70), (4, 100), (5, 100))))


def test_tax_leaves_the_nhs_unchanged_and_payments_to_the_nhs_are_deductible():
    before, after = value_deal(_taxed(0.0)), value_deal(_taxed())
    assert after.nhs_npv == before.nhs_npv
    assert TAX_KEY not in {x.key for x in before.partner_lines}
    no_share = value_deal(deal_from_data(base_data(terms=[], assumptions=_assumptions(partner_tax_rate=0.25))))
    # without the 500 a year revenue share the launched world is taxed on 1,200, 1,500, 1,500: 0.4 × 25% of them
    assert _line(no_share.partner_lines, TAX_KEY).yearly[3:].tolist() == pytest.approx([-120, -150, -150])


def test_an_equity_stake_is_not_deductible():
    deal = deal_from_data(base_data(terms=[{"kind": "equity", "stake": 0.1, "exit_value_gbp": 1e6, "exit_year": 4,
                                            "exit_probability": 0.2}],
                                    assumptions=_assumptions(partner_tax_rate=0.25)))
    assert _line(value_deal(deal).partner_lines, TAX_KEY).yearly[3:].tolist() == pytest.approx([-120, -150, -150])


def test_the_monte_carlo_taxes_each_trial_and_its_mean_is_the_expected_tax():
    deal = _taxed()
    flows = deal_flows(deal, outcome_worlds(deal).route, np.zeros(3))
    assert flows.partner_tax[0].values[2].tolist() == pytest.approx([0, 0, 0, -175, -250, -250])   # the launch
    sim = simulate(deal, trials=20_000, seed=5)
    assert abs(sim.partner.mean - sim.expected_partner_npv) < 3 * sim.partner.standard_error


# --------------------------------------------------------------------------------------------------- format 1

def test_a_format_1_deal_keeps_its_money_real_its_exit_untied_and_its_partner_before_tax():
    data = format_1_data(terms=[{"kind": "milestone", "stage": "B", "amount_gbp": 1000},
                                {"kind": "equity", "stake": 0.1, "exit_value_gbp": 1e6, "exit_year": 4,
                                 "exit_probability": 0.2}])
    v = value_deal(deal_from_data(to_format_2(data)))
    assert _line(v.nhs_lines, "terms[0]").yearly[2] == pytest.approx(400)        # 1000 × 0.4, not deflated
    assert _line(v.nhs_lines, "terms[1]").yearly[4] == pytest.approx(20_000)     # 0.1 × 1e6 × 0.2, no launch
    assert TAX_KEY not in {x.key for x in v.partner_lines}

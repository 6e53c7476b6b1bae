"""Health economics and public-sector conventions (issue 15): the Green Book's stepped discounting, each lens's
health discount rate, price years uprated with HM Treasury's GDP deflators, the Additionality Guide's split, jobs
that follow UK sales, cost offsets counted once, and format-1 files keeping their figures.

Every expected figure is worked by hand in the test (the arithmetic is written out beside it).
"""

from __future__ import annotations

import copy

import pytest
from builders import base_data
from hypothesis import given
from hypothesis import strategies as st

from valueshare import deal_from_data, prices
from valueshare.engine.timeline import discount_factors
from valueshare.engine.valuation import value_deal
from valueshare.errors import DealInvalid
from valueshare.framework.pillars import growth_pillar, patient_pillar, pillars

CURRENT = {"format_version": 2}


def current(**changes):
    """The builders' five-year deal written in format 2 (so it takes format 2's defaults)."""
    return {**CURRENT, **base_data(**changes)}


# -- the Green Book's stepped discounting ----------------------------------------------------------------------------

def test_year_31_is_discounted_30_years_at_the_first_rate_then_one_at_the_second():
    df = discount_factors(0.035, 31, rate_after_30=0.03, rate_after_75=0.025)
    # by hand: 1.035^-30 = 0.356278...; ÷ 1.03 = 0.345901...
    assert df[30] == pytest.approx(1.035 ** -30, rel=1e-15)
    assert df[31] == pytest.approx(0.35627841 / 1.03, rel=1e-7)
    assert df[31] == pytest.approx(1.035 ** -30 / 1.03, rel=1e-15)


def test_year_76_is_discounted_at_each_periods_rate_in_turn():
    df = discount_factors(0.035, 76, rate_after_30=0.03, rate_after_75=0.025)
    # by hand: years 1-30 at 3.5%, 31-75 (45 years) at 3.0%, year 76 at 2.5%
    by_hand = 1.035 ** -30 * 1.03 ** -45 / 1.025
    assert df[76] == pytest.approx(by_hand, rel=1e-14)
    assert df[75] == pytest.approx(1.035 ** -30 * 1.03 ** -45, rel=1e-14)
    # the whole of year 76's factor is not 1.025^-76 nor 1.03^-76
    assert df[76] != pytest.approx(1.025 ** -76) and df[76] != pytest.approx(1.03 ** -76)


@given(st.floats(0.0, 0.2), st.floats(0.0, 0.2), st.floats(0.0, 0.2), st.integers(1, 100))
def test_each_years_factor_is_the_last_one_over_one_plus_its_periods_rate(r, r30, r75, horizon):
    df = discount_factors(r, horizon, rate_after_30=r30, rate_after_75=r75)
    assert df[0] == 1.0
    for t in range(1, horizon + 1):
        rate = r if t <= 30 else r30 if t <= 75 else r75
        assert df[t] == pytest.approx(df[t - 1] / (1 + rate), rel=1e-12)


def test_the_nhs_after_75_rate_reaches_the_nhs_npv_of_a_long_deal():
    data = current(assumptions={"horizon_years": 80},
                   terms=[{"kind": "subscription", "amount_gbp_per_year": 1000, "start_year": 76, "years": 5,
                           "indexation": "indexed"}])
    lower = copy.deepcopy(data)
    lower["assumptions"]["nhs_discount_rate_after_75"] = 0.0
    fee_years = value_deal(deal_from_data(data)).nhs_npv - value_deal(deal_from_data(lower)).nhs_npv
    # £1,000 a year in years 76-80: at 2.5% after 75 the factors are df_75 × 1.025^-k, at 0% they are df_75
    df75 = 1.035 ** -30 * 1.03 ** -45
    assert fee_years == pytest.approx(1000 * df75 * sum(1.025 ** -k - 1 for k in range(1, 6)), rel=1e-9)


# -- QALYs under each lens ---------------------------------------------------------------------------------------------

def test_the_nhs_lens_discounts_qalys_at_nice_35_and_the_societal_lens_at_the_green_book_15():
    data = current(patient_benefit={"patients_per_year": 100, "start_year": 1, "years": 2, "qalys_per_patient": 0.5})
    p = patient_pillar(deal_from_data(data))
    # 50 QALYs a year in years 1 and 2: NICE 3.5%, Green Book 1.5% (both within the first 30 years)
    assert p.qalys_discounted_nhs == pytest.approx(50 / 1.035 + 50 / 1.035 ** 2)
    assert p.qalys_discounted_societal == pytest.approx(50 / 1.015 + 50 / 1.015 ** 2)
    assert p.qalys_discounted == p.qalys_discounted_nhs
    assert p.qaly_value_nhs == pytest.approx(p.qalys_discounted_nhs * 20_000)


def test_the_societal_lens_steps_its_health_rate_down_after_30_and_75_years():
    data = current(assumptions={"horizon_years": 76},
                   patient_benefit={"patients_per_year": 1, "start_year": 76, "years": 1, "qalys_per_patient": 1})
    p = patient_pillar(deal_from_data(data))
    # one QALY in year 76: 1.015^-30 × 1.0129^-45 × 1.0107^-1 (Green Book health rates), NICE 1.035^-76
    assert p.qalys_discounted_societal == pytest.approx(1.015 ** -30 * 1.0129 ** -45 / 1.0107, rel=1e-12)
    assert p.qalys_discounted_nhs == pytest.approx(1.035 ** -76, rel=1e-12)


# -- price years ---------------------------------------------------------------------------------------------------

def test_one_uplift_worked_from_the_tables_two_index_values():
    table = prices.deflators().index
    assert (table[2020], table[2026]) == (85.1002, 105.3095)
    # by hand: 105.3095 / 85.1002 = 1.237476...
    assert prices.uplift(2020, 2026) == pytest.approx(1.2374765, rel=1e-7)
    assert prices.uplift(2026, 2020) == pytest.approx(85.1002 / 105.3095)
    assert prices.uplift_of(2020, 2026).forecast and not prices.uplift_of(2015, 2020).forecast


def test_the_societal_qaly_value_and_gva_per_job_are_uprated_to_the_price_base_year():
    data = current(patient_benefit={"patients_per_year": 10, "start_year": 1, "years": 1, "qalys_per_patient": 1},
                   economic_growth={"jobs_basis": "fixed", "uk_jobs_fte": 1, "jobs_start_year": 1, "jobs_years": 1})
    deal = deal_from_data(data)  # price base year 2026 (2026-27), the QALY in 2020-21 prices, GVA in 2015-16
    p, g = patient_pillar(deal), growth_pillar(deal)
    assert p.societal_value_per_qaly == pytest.approx(70_000 * 105.3095 / 85.1002)     # £86,623.36
    assert p.qaly_value_societal == pytest.approx(10 / 1.015 * 70_000 * 105.3095 / 85.1002)
    assert g.gva_per_fte == pytest.approx(104_000 * 105.3095 / 74.5804)              # £146,850.75
    assert g.gross_gva == pytest.approx(104_000 * 105.3095 / 74.5804 / 1.035)
    shown = pillars(deal, value_deal(deal)).to_dict()
    assert shown["patient_benefit"]["societal_value_uplift"] == {
        "from_price_year": "2020-21", "to_price_year": "2026-27", "factor": round(105.3095 / 85.1002, 6),
        "obr_forecast": True}


def test_a_price_year_in_the_base_years_prices_is_not_uprated_even_outside_the_table():
    data = current(assumptions={"price_base_year": 2040},
                   patient_benefit={"societal_value_per_qaly_price_year": 2040},
                   economic_growth={"gva_per_fte_price_year": 2040})
    p = patient_pillar(deal_from_data(data))
    assert p.societal_value_per_qaly == 70_000 and p.societal_value_uplift.factor == 1.0


def test_a_price_year_the_table_cannot_bring_into_the_base_year_is_refused():
    with pytest.raises(DealInvalid) as error:
        deal_from_data(current(assumptions={"price_base_year": 2040}))
    paths = {p.path for p in error.value.problems}
    assert paths == {"patient_benefit.societal_value_per_qaly_price_year", "economic_growth.gva_per_fte_price_year"}


# -- additionality and jobs ----------------------------------------------------------------------------------------

def test_net_additional_jobs_and_gva_follow_the_additionality_guides_factors():
    growth = {"jobs_basis": "fixed", "uk_jobs_fte": 10, "jobs_start_year": 1, "jobs_years": 2,
              "gva_per_fte_gbp": 100_000, "gva_per_fte_price_year": 2026, "leakage": 0.1, "deadweight": 0.4,
              "displacement": 0.2, "substitution": 0.05, "multiplier": 1.5}
    g = growth_pillar(deal_from_data(current(economic_growth=growth)))
    ratio = 0.9 * 0.6 * 0.8 * 0.95 * 1.5                       # = 0.6156
    gross = 1_000_000 / 1.035 + 1_000_000 / 1.035 ** 2
    assert g.net_additional_ratio == pytest.approx(0.6156)
    assert (g.fte_years, g.additional_fte_years) == (20, pytest.approx(20 * ratio))
    assert g.gross_gva == pytest.approx(gross) and g.additional_gva == pytest.approx(gross * ratio)


def test_halving_the_uk_share_halves_uk_jobs_and_gva_when_jobs_follow_uk_sales():
    data = current(economic_growth={"uk_jobs_per_gbp_m_uk_sales": 2.0})
    half = copy.deepcopy(data)
    half["route_to_market"]["sales"]["uk_share"] /= 2
    g, h = growth_pillar(deal_from_data(data)), growth_pillar(deal_from_data(half))
    assert g.fte_years > 0
    assert h.fte_years == pytest.approx(g.fte_years / 2) and h.gross_gva == pytest.approx(g.gross_gva / 2)
    assert h.additional_gva == pytest.approx(g.additional_gva / 2)
    # by hand: 100 expected UK units a year × £10 = £1,000 of UK sales (builders' docstring) → 0.002 FTE a year
    assert g.fte_years == pytest.approx(3 * 1000 / 1e6 * 2.0)


def test_a_variant_that_halves_the_uk_share_halves_its_jobs():
    data = current(economic_growth={"uk_jobs_per_gbp_m_uk_sales": 2.0},
                   variants=[{"name": "Half UK", "overrides": {"route_to_market.sales.uk_share": 0.25}}])
    deal = deal_from_data(data)
    assert growth_pillar(deal.variant("Half UK")).fte_years == pytest.approx(growth_pillar(deal).fte_years / 2)


def test_fixed_jobs_and_jobs_per_sales_are_not_mixed():
    with pytest.raises(DealInvalid, match="jobs_basis"):
        deal_from_data(current(economic_growth={"uk_jobs_fte": 5}))
    with pytest.raises(DealInvalid, match="per_uk_sales"):
        deal_from_data(current(economic_growth={"jobs_basis": "fixed", "uk_jobs_per_gbp_m_uk_sales": 1}))


# -- cost offsets counted once ---------------------------------------------------------------------------------------

def test_offsets_net_of_the_products_price_do_not_subtract_the_price_again():
    benefit = {"patients_per_unit": 1, "qalys_per_patient": 0.0, "cost_offset_per_patient_gbp": 25}
    gross = patient_pillar(deal_from_data(current(patient_benefit=benefit)))
    net = patient_pillar(deal_from_data(current(patient_benefit={**benefit, "cost_offset_basis": "net_of_price"})))
    annuity = sum(1.035 ** -t for t in (3, 4, 5))
    # 100 expected UK patients a year, years 3-5: offsets 100 × £25; the NHS buys 100 units × £10
    assert gross.cost_offsets == pytest.approx(2500 * annuity) and gross.nhs_purchase_cost == pytest.approx(
        1000 * annuity)
    assert gross.net_monetary_benefit_nhs == pytest.approx(2500 * annuity - 1000 * annuity)
    assert net.net_monetary_benefit_nhs == pytest.approx(2500 * annuity)
    assert net.nhs_purchase_cost == gross.nhs_purchase_cost  # still shown


# -- format 1 keeps its figures --------------------------------------------------------------------------------------

def test_a_format_1_file_keeps_one_health_rate_its_additionality_and_no_uplift():
    old = base_data(patient_benefit={"patients_per_year": 10, "start_year": 1, "years": 1, "qalys_per_patient": 1,
                                     "health_discount_rate": 0.02},
                    economic_growth={"uk_jobs_fte": 10, "jobs_start_year": 1, "jobs_years": 1,
                                     "gva_per_fte_gbp": 100_000, "additionality": 0.4})
    deal = deal_from_data(old)
    p, g = patient_pillar(deal), growth_pillar(deal)
    # format 1: QALYs at 2% for both lenses, £70,000 as entered, GVA × 0.4, no price uplift
    assert p.qalys_discounted_nhs == pytest.approx(10 / 1.02)
    assert p.qalys_discounted_societal == pytest.approx(10 / 1.02)
    assert p.qaly_value_societal == pytest.approx(10 / 1.02 * 70_000)
    assert g.gross_gva == pytest.approx(1_000_000 / 1.035) and g.additional_gva == pytest.approx(400_000 / 1.035)
    assert deal.assumptions.nhs_discount_rate_after_75 == deal.assumptions.nhs_discount_rate_after_30 == 0.03


def test_a_format_1_variants_old_paths_are_rewritten_with_the_same_meaning():
    old = base_data(economic_growth={"uk_jobs_fte": 10, "jobs_start_year": 1, "jobs_years": 1,
                                     "gva_per_fte_gbp": 100_000},
                    patient_benefit={"patients_per_year": 10, "start_year": 1, "years": 1, "qalys_per_patient": 1},
                    variants=[{"name": "V", "overrides": {"economic_growth.additionality": 0.5,
                                                         "patient_benefit.health_discount_rate": 0.035,
                                                         "assumptions.price_base_year": 2030}},
                              {"name": "W", "overrides": {"economic_growth": {"uk_jobs_fte": 2, "additionality": 0.1},
                                                         "assumptions.nhs_discount_rate_after_30": 0.02}}])
    deal = deal_from_data(old)
    v, w = deal.variant("V"), deal.variant("W")
    assert growth_pillar(v).additional_gva == pytest.approx(500_000 / 1.035)        # GVA × 0.5
    assert patient_pillar(v).qalys_discounted_societal == pytest.approx(10 / 1.035)  # one rate, 3.5%
    assert patient_pillar(v).societal_value_per_qaly == 70_000                       # 2030 prices, no uplift
    # a whole section: its other fields take their defaults (5 years from year 1, £104,000 in the file's prices)
    assert growth_pillar(w).additional_gva == pytest.approx(2 * 104_000 * 0.1 * sum(1.035 ** -t for t in range(1, 6)))
    assert w.assumptions.nhs_discount_rate_after_75 == 0.02

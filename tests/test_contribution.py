"""What the NHS's contribution is worth: cost, market and income worked by hand on small deals, the comparables
table validated on load, the range, the anchor and the sanity flags.

The hand-built deal (tests/builders.py): two stages of a year each (A: £100, succeeds 50%; B: £200, 80%), then
1,000 units a year × 50% uptake × £10 = £5,000 of sales a year in years 3 to 5; P(launch) = 0.4; partner rate 10%,
NHS rate 3.5%.
"""

from __future__ import annotations

import json
import math

import pytest
from builders import base_data
from hypothesis import given
from hypothesis import strategies as st

from valueshare import deal_from_data, value_deal
from valueshare.cli import main
from valueshare.contribution import value_contribution
from valueshare.contribution.approaches import scale
from valueshare.contribution.table import TABLE, parse_table, published_table
from valueshare.errors import DealInvalid
from valueshare.framework.fairshare import fair_share
from valueshare.model import Comparable, DataAsset, MarketScaling
from valueshare.scenario import example_paths, load_deal

S_PARTNER = sum(1.1 ** -t for t in (3, 4, 5))   # £1 a year in years 3-5 at the partner's 10%
ASSET = {"name": "Images", "data_type": "imaging", "patients": 250_000, "history_years": 10, "curation": "curated"}
OWN = {"name": "Our 2024 licence", "source": "Our register", "published": "2024-06-30", "price_gbp": 100_000,
       "unit": "per_year", "records": 1_000_000, "history_years": 10, "data_type": "ehr"}


def deal_with(**contribution_value):
    data = base_data(contribution={"data_assets": [ASSET],
                                   "access_costs": {"preparation_gbp": 1000, "yearly_gbp": 100, "years": 2}},
                     contribution_value=contribution_value)
    return deal_from_data(data)


# ---- cost ------------------------------------------------------------------------------------------------------

def test_cost_adds_what_making_the_data_usable_cost_to_the_costs_of_giving_access():
    deal = deal_with(preparation_costs=[
        {"activity": "curation", "historical_gbp": 5000, "replacement_gbp": 4000},
        {"activity": "labelling", "hours": 100, "cost_per_hour_gbp": 90},          # replacement 9,000; historical too
        {"activity": "linkage", "historical_gbp": 2000}])                            # replacement = historical
    cv = value_contribution(deal)
    # Access: £1,000 at signature + £100 in years 1 and 2 at 3.5% = 1000 + 100/1.035 + 100/1.035^2 = 1,189.97
    access = 1000 + 100 / 1.035 + 100 / 1.035 ** 2
    assert cv.cost.access_total == pytest.approx(access)
    assert cv.cost.preparation_historical == pytest.approx(5000 + 9000 + 2000)
    assert cv.cost.preparation_replacement == pytest.approx(4000 + 9000 + 2000)
    assert (cv.cost.historical, cv.cost.replacement) == pytest.approx((16_000 + access, 15_000 + access))
    # The access part is exactly what cost recovery divides by: a £2,000 fee at signature recovers 2,000 / access.
    with_fee = deal_from_data({**deal.model_dump(mode="json"), "terms": [{"kind": "access_fee", "amount_gbp": 2000}]})
    assert value_deal(with_fee).cost_recovery_ratio == pytest.approx(2000 / access)
    assert value_contribution(with_fee).cost.access_total == pytest.approx(access)


def test_a_preparation_cost_needs_some_figure_and_staff_time_needs_both_halves():
    with pytest.raises(DealInvalid) as error:
        deal_with(preparation_costs=[{"activity": "curation"}, {"activity": "labelling", "hours": 10},
                                     {"activity": "linkage", "replacement_gbp": 5, "hours": 1,
                                      "cost_per_hour_gbp": 2}])
    lines = [p.line() for p in error.value.problems]
    assert "contribution_value.preparation_costs[0].historical_gbp: give a historical cost, a replacement cost or " \
           "staff time" in lines
    assert "contribution_value.preparation_costs[1].cost_per_hour_gbp: staff time needs both its hours and its " \
           "cost per hour" in lines
    assert "contribution_value.preparation_costs[2].replacement_gbp: give either a replacement cost or staff time, " \
           "not both" in lines


# ---- market ----------------------------------------------------------------------------------------------------

def test_a_comparable_is_scaled_by_records_history_data_type_and_exclusivity():
    c = Comparable(**OWN)
    a = DataAsset(**ASSET)
    # records (250,000 / 1,000,000)^0.5 = 0.5; history (10/10)^0.5 = 1; imaging 2 / EHR 1 = 2; both non-exclusive
    assert scale(c, a, MarketScaling(), exclusive=False) == (0.5, 1.0, 2.0, 1.0)
    # history 2.5 years against 10: (2.5/10)^0.5 = 0.5; exclusive access to this deal's data: × the premium 2
    short = DataAsset(**{**ASSET, "history_years": 2.5})
    assert scale(c, short, MarketScaling(), exclusive=True) == (0.5, 0.5, 2.0, 2.0)
    # with elasticity 1 records scale in proportion: 0.25
    assert scale(c, a, MarketScaling(records_elasticity=1.0), exclusive=False)[0] == pytest.approx(0.25)
    # a comparable that says nothing of records, history or type is not scaled by them
    service = Comparable(**{**OWN, "records": None, "history_years": None, "data_type": None})
    assert scale(service, a, MarketScaling(), exclusive=False) == (1.0, 1.0, 1.0, 1.0)


def test_the_market_value_of_a_scaled_comparable_over_the_years_of_access():
    deal = deal_with(use_published_comparables=False, comparables=[{**OWN, "setup_gbp": 3000}])
    cv = value_contribution(deal)
    (row,) = cv.market.rows
    # × 0.5 × 1 × 2 × 1 = × 1: £100,000 a year and £3,000 of set-up; access runs 2 years:
    # 3,000 + 100,000 × (1/1.035 + 1/1.035^2) = 3,000 + 189,969.42 = 192,969.42
    assert (row.price, row.setup) == pytest.approx((100_000, 3000))
    assert row.value == pytest.approx(3000 + 100_000 * (1 / 1.035 + 1 / 1.035 ** 2))
    assert cv.market.middle == pytest.approx(row.value) == pytest.approx(cv.market.low)


def test_each_asset_takes_the_median_of_its_comparables_and_the_deal_adds_its_assets():
    one_off = {**OWN, "name": "One-off", "unit": "one_off", "price_gbp": 50_000}
    cheap = {**OWN, "name": "Cheap", "price_gbp": 10_000}
    deal = deal_from_data(base_data(
        contribution={"data_assets": [ASSET, {**ASSET, "name": "Records", "data_type": "ehr"}],
                      "access_costs": {"years": 1}},
        contribution_value={"use_published_comparables": False, "comparables": [OWN, one_off, cheap]}))
    cv = value_contribution(deal)
    # One year of access: a yearly price counts once, at 1/1.035. Images (factor 1): 96,618.36, 50,000, 9,661.84;
    # records (factor 0.5): 48,309.18, 25,000, 4,830.92. Medians 50,000 and 25,000.
    images, records = cv.market.assets
    assert (images.low, images.middle, images.high) == pytest.approx((10_000 / 1.035, 50_000, 100_000 / 1.035))
    assert (records.low, records.middle, records.high) == pytest.approx((5_000 / 1.035, 25_000, 50_000 / 1.035))
    assert cv.market.middle == pytest.approx(75_000)


def test_the_published_table_is_dated_sourced_and_in_known_units():
    table = published_table()
    assert table.comparables and table.ceilings
    for c in [*table.comparables, *table.ceilings]:
        assert c.source and c.published.year >= 2019 and c.tag in ("pub", "ours")
    # EY 2019: over £100 per EHR record; £1,000-£5,000 per genomic and phenotypic record (the top as the ceiling)
    assert {c.data_type.value: c.per_record_gbp for c in table.ceilings} == {"ehr": 100, "genomics": 5000}
    cprd = [c for c in table.comparables if c.name.startswith("CPRD")]
    assert sorted(c.price_gbp for c in cprd) == [45_000, 82_500, 363_000]


def test_a_table_with_an_undated_unsourced_or_unknown_unit_entry_is_refused_with_each_problem():
    bad = TABLE.read_text(encoding="utf-8").replace("    source: Clinical Practice Research Datalink (MHRA), research "
                                                    "data licence prices, 2023\n    published: 2023-01-01\n", "", 1)
    bad = bad.replace("unit: per_year", "unit: per_month", 1)
    with pytest.raises(DealInvalid) as error:
        parse_table(bad, "comparables.yaml")
    lines = [p.line() for p in error.value.problems]
    assert "comparables[0].unit: must be one of: 'per_year' or 'one_off'" in lines
    assert "comparables[1].source: is required" in lines and "comparables[1].published: is required" in lines
    with pytest.raises(DealInvalid, match="a date that does not exist"):
        parse_table("version: 2026-13-01\n")
    with pytest.raises(DealInvalid, match="must be a date written YYYY-MM-DD"):
        parse_table(TABLE.read_text(encoding="utf-8").replace("published: 2019-01-01", "published: 2019", 1))


# ---- income ----------------------------------------------------------------------------------------------------

def test_relief_from_royalty_applies_the_rate_to_risk_adjusted_sales_at_the_partners_rate():
    deal = deal_with(relief_from_royalty_rate=0.03)
    cv = value_contribution(deal)
    # Expected sales: £5,000 a year × P(launch) 0.4 = £2,000 in years 3-5; PV at 10% = 2,000 × S = 4,516.13
    assert cv.income.sales == pytest.approx(2000 * S_PARTNER)
    assert cv.income.value == pytest.approx(0.03 * 2000 * S_PARTNER)


def test_the_fair_share_cross_check_is_the_band_times_the_partners_value():
    deal = deal_with()
    v = value_deal(deal)
    fair = fair_share(deal, v)
    cv = value_contribution(deal, v)
    # The partner's value before payments: 30% margin on 2,000 × S, less £100 in year 1 and 0.5 × £200 in year 2.
    before = 0.3 * 2000 * S_PARTNER - 100 / 1.1 - 100 / 1.1 ** 2
    assert cv.income.partner_value == pytest.approx(before)
    assert (cv.income.fair_low, cv.income.fair_centre, cv.income.fair_high) == pytest.approx(
        (fair.low * before, fair.centre * before, fair.high * before))


def test_no_product_no_income_value_and_the_reason_is_given():
    data = base_data(contribution={"data_assets": [ASSET]}, terms=[{"kind": "access_fee", "amount_gbp": 10}])
    data.pop("route_to_market")
    cv = value_contribution(deal_from_data(data))
    assert cv.income.value is None and "no product sales" in cv.income.note
    assert "There is no product with sales, so the income approach gives no value." in cv.reasons


# ---- range, anchor, flags --------------------------------------------------------------------------------------

def test_the_range_runs_from_the_lowest_to_the_highest_approach_and_the_anchor_sets_the_ask():
    base = {"use_published_comparables": False, "comparables": [OWN],
            "preparation_costs": [{"activity": "curation", "historical_gbp": 5000, "replacement_gbp": 4000}]}
    cvs = {anchor: value_contribution(deal_with(**base, anchor=anchor))
           for anchor in ("fair_share", "cost", "market", "income")}
    cv = cvs["cost"]
    lows = [cv.cost.replacement, cv.market.low, cv.income.value]
    highs = [cv.cost.historical, cv.market.high, cv.income.value]
    assert (cv.low, cv.high) == pytest.approx((min(lows), max(highs)))
    assert cvs["cost"].ask == pytest.approx(cv.cost.replacement)
    assert cvs["market"].ask == pytest.approx(cv.market.middle)
    assert cvs["income"].ask == pytest.approx(cv.income.value)
    assert cvs["fair_share"].ask == pytest.approx(cv.income.fair_centre)
    assert cvs["cost"].ask_share == pytest.approx(cv.cost.replacement / cv.income.partner_value)
    # Each approach is also set beside the fair-share band as a share of the partner's value.
    assert [a.share for a in cv.approaches] == pytest.approx(
        [cv.cost.replacement / cv.income.partner_value, cv.market.middle / cv.income.partner_value,
         cv.income.value / cv.income.partner_value])


def test_a_value_above_the_per_record_ceiling_or_below_the_cost_of_access_is_flagged_with_its_figures():
    # A 40% royalty on £4,516 of risk-adjusted sales is £1,806: for 10 EHR records, £180.6 a record, above the
    # published EHR ceiling of £100 a record.
    tiny = {**ASSET, "patients": 10, "data_type": "ehr"}
    data = base_data(contribution={"data_assets": [tiny], "access_costs": {"preparation_gbp": 1000}},
                     contribution_value={"relief_from_royalty_rate": 0.4, "use_published_comparables": False})
    cv = value_contribution(deal_from_data(data))
    per_record = 0.4 * 2000 * S_PARTNER / 10
    messages = [f.message for f in cv.flags if f.approach == "income"]
    assert any(f"£{per_record:,.0f} per record" in m and "above the ceiling of £100 per record" in m
               for m in messages), messages
    low = value_contribution(deal_from_data({**data, "contribution_value": {"relief_from_royalty_rate": 0.01}}))
    # 1% × 4,516 = £45 against £1,000 of access costs
    assert any("below the NHS's costs of giving access (£1,000" in f.message for f in low.flags
               if f.approach == "income")


@given(st.floats(1_000, 5_000_000), st.floats(1.1, 10))
def test_more_records_never_lower_a_comparables_scaled_price(patients, times):
    c = Comparable(**OWN)
    small = scale(c, DataAsset(**{**ASSET, "patients": patients}), MarketScaling(), exclusive=False)[0]
    large = scale(c, DataAsset(**{**ASSET, "patients": patients * times}), MarketScaling(), exclusive=False)[0]
    # (n t / N)^e = (n / N)^e × t^e: the factor grows by exactly t^0.5
    assert large == pytest.approx(small * math.sqrt(times))


# ---- everywhere ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_the_cli_json_gives_every_example_its_three_approaches_and_range(path, capsys):
    assert main(["value", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["contribution_value"]
    want = value_contribution(load_deal(path))
    assert [a["key"] for a in data["approaches"]] == ["cost", "market", "income"]
    assert data["range_low_gbp"] == pytest.approx(want.low, abs=0.01)
    assert data["range_high_gbp"] == pytest.approx(want.high, abs=0.01)
    assert data["cost"]["replacement_gbp"] == pytest.approx(want.cost.replacement, abs=0.01)
    assert len(data["market"]["comparables"]) == len(want.market.rows) > 0


# ---- earlier deals from the register ---------------------------------------------------------------------------

def test_earlier_deals_of_the_organisation_in_the_register_become_comparables():
    from register_support import Clock

    from valueshare.contribution.earlier import comparables_from_register
    from valueshare.register import InMemoryRepository, service

    repo = InMemoryRepository(clock=Clock())
    asset = {**ASSET, "patients": 40_000, "history_years": 8}
    earlier = deal_from_data(base_data(
        name="2024 imaging licence", contribution={"data_assets": [asset], "access_costs": {"years": 2}},
        terms=[{"kind": "access_fee", "amount_gbp": 30_000},
               {"kind": "subscription", "amount_gbp_per_year": 10_000, "years": 2, "escalation_rate": 0.1},
               {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.02}]}]))
    other_trust = deal_from_data(base_data(name="Another trust's deal", nhs={"name": "Other Trust", "kind": "trust"},
                                           contribution={"data_assets": [asset]},
                                           terms=[{"kind": "access_fee", "amount_gbp": 5_000}]))
    current = deal_with()
    for deal in (earlier, other_trust, current):
        service.save(repo, deal, author="Ana", note="saved", base_version=None)
    found = comparables_from_register(repo, organisation="Test Trust", exclude=current.name)
    assert [c.name for c in found] == ["Earlier deal: 2024 imaging licence"]
    (c,) = found
    # access charges: £30,000 once + £10,000 and £11,000 of subscription = £51,000 over 2 years of access: £25,500 a
    # year (the royalty pays for the product, not the access, and is left out)
    assert (c.price_gbp, c.unit.value, c.records, c.history_years, c.data_type.value, c.tag) == (
        25_500, "per_year", 40_000, 8, "imaging", "user")
    assert c.published.isoformat() == "2026-11-23" and "version 1, saved by Ana" in c.source
    # Added to the current deal, it is scaled like any comparable: records (250,000 / 40,000)^0.5 = 2.5.
    scaled = value_contribution(deal_with(use_published_comparables=False,
                                          comparables=[c.model_dump(mode="json")]))
    assert scaled.market.rows[0].records == pytest.approx(2.5)

"""What the NHS's contribution is worth: cost, market and income worked by hand on small deals, the comparables
table validated on load, tariffs kept apart from commercial licences, the reconciliation into one concluded value
with weights, its range and the wide-spread flag, the anchor and the sanity flags.

The hand-built deal (tests/builders.py): two stages of a year each (A: £100, succeeds 50%; B: £200, 80%), then
1,000 units a year × 50% uptake × £10 = £5,000 of sales a year in years 3 to 5; P(launch) = 0.4; partner rate 10%,
NHS rate 3.5%.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from builders import base_data
from hypothesis import given
from hypothesis import strategies as st

from valueshare import deal_from_data, value_deal
from valueshare.cli import main
from valueshare.contribution import text as words
from valueshare.contribution import value_contribution
from valueshare.contribution.approaches import scale
from valueshare.contribution.table import TABLE, parse_table, published_table
from valueshare.errors import DealInvalid
from valueshare.format import money
from valueshare.framework.fairshare import fair_share
from valueshare.model import Comparable, DataAsset, MarketScaling
from valueshare.scenario import example_paths, load_deal

S_PARTNER = sum(1.1 ** -t for t in (3, 4, 5))   # £1 a year in years 3-5 at the partner's 10%
CORPUS = Path(__file__).parent / "corpus" / "format1"
ASSET = {"name": "Images", "data_type": "imaging", "patients": 250_000, "history_years": 10, "curation": "curated"}
OWN = {"name": "Our 2024 licence", "source": "Our register", "published": "2024-06-30", "price_gbp": 100_000,
       "unit": "per_year", "records": 1_000_000, "history_years": 10, "data_type": "ehr"}


#: Format 2's contribution settings, written out: a deal built from plain data without a format_version is read
#: as format 1, whose market counts every comparable and whose income approach is one figure (valueshare.format2).
FORMAT_2 = {"market_basis": "by_use", "relief_from_royalty_spread": 0.5}


def deal_with(**contribution_value):
    data = base_data(contribution={"data_assets": [ASSET],
                                   "access_costs": {"preparation_gbp": 1000, "yearly_gbp": 100, "years": 2}},
                     contribution_value={**FORMAT_2, **contribution_value})
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
    # NHS England's SDE charges and CPRD's licences are cost-recovery tariffs; no commercial-licence price is
    # published with a source valueshare can cite, so the table holds none (and says so in its header).
    assert {c.kind.value for c in table.comparables} == {"tariff"}
    assert "holds no commercial licence" in TABLE.read_text(encoding="utf-8")


def test_a_table_with_an_undated_unsourced_or_unknown_unit_entry_is_refused_with_each_problem():
    bad = TABLE.read_text(encoding="utf-8").replace("    source: Clinical Practice Research Datalink (MHRA), research "
                                                    "data licence prices, 2023\n    published: 2023-01-01\n", "", 1)
    bad = bad.replace("unit: per_year", "unit: per_month", 1)
    with pytest.raises(DealInvalid) as error:
        parse_table(bad, "comparables.yaml")
    lines = [p.line() for p in error.value.problems]
    assert "comparables[0].unit: must be one of: 'per_year', 'one_off', 'per_record' or 'per_patient_year'" in lines
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

def test_the_span_runs_from_the_lowest_to_the_highest_approach_and_the_anchor_sets_the_ask():
    base = {"use_published_comparables": False, "comparables": [OWN],
            "preparation_costs": [{"activity": "curation", "historical_gbp": 5000, "replacement_gbp": 4000}]}
    cvs = {anchor: value_contribution(deal_with(**base, anchor=anchor))
           for anchor in ("fair_share", "cost", "market", "income", "reconciled")}
    cv = cvs["cost"]
    # The income approach's range: the 2% rate × (1 ± 0.5), so 1% and 3% of the sales.
    assert (cv.income.low, cv.income.high) == pytest.approx((0.01 * cv.income.sales, 0.03 * cv.income.sales))
    lows = [cv.cost.replacement, cv.market.low, cv.income.low]
    highs = [cv.cost.historical, cv.market.high, cv.income.high]
    assert (cv.low, cv.high) == pytest.approx((min(lows), max(highs)))
    assert cvs["cost"].ask == pytest.approx(cv.cost.replacement)
    assert cvs["market"].ask == pytest.approx(cv.market.middle)
    assert cvs["income"].ask == pytest.approx(cv.income.value)
    # The fair-share ask: cost recovery (the costs of giving access) plus the band's centre of the partner's value.
    assert cvs["fair_share"].ask == pytest.approx(cv.cost.access_total + cv.income.fair_centre)
    assert cvs["reconciled"].ask == pytest.approx(cv.reconciled.value)
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


# ---- tariffs apart from commercial licences ---------------------------------------------------------------------

TARIFF = {**OWN, "name": "A tariff", "kind": "tariff"}
LICENCE = {**OWN, "name": "A licence", "price_gbp": 10_000}
TWO_YEARS = 1 / 1.035 + 1 / 1.035 ** 2   # £1 a year in years 1 and 2 at the NHS's 3.5%


def test_commercial_use_is_valued_on_commercial_licences_with_the_tariffs_only_as_its_floor():
    # Both comparables scale by 0.5 (records) × 1 (history) × 2 (imaging against EHR) = 1, over 2 years of access:
    # the licence is worth 10,000 × 1.8997 = £18,997, the tariff 100,000 × 1.8997 = £189,969.
    cv = value_contribution(deal_with(use_published_comparables=False, comparables=[TARIFF, LICENCE]))
    assert [x.comparable.name for x in cv.market.rows] == ["A licence"]
    assert [x.comparable.name for x in cv.market.floor_rows] == ["A tariff"]
    assert cv.market.floor == pytest.approx(100_000 * TWO_YEARS)
    # The licence's £18,997 is below the floor, which lifts each end of the market's range to £189,969.
    assert cv.market.rows[0].value == pytest.approx(10_000 * TWO_YEARS)
    assert (cv.market.low, cv.market.middle, cv.market.high) == pytest.approx((100_000 * TWO_YEARS,) * 3)
    assert cv.market.lifted
    # With only the tariff, commercial use has no market value: a tariff is never its price.
    only = value_contribution(deal_with(use_published_comparables=False, comparables=[TARIFF]))
    assert only.market.middle is None and only.market.rows == [] and "no commercial-licence price" in only.market.note
    assert only.reconciled.weights[1].weight == 0
    # Non-commercial use is valued on the tariff, its right comparable, and the licence is left out.
    data = base_data(use="non_commercial_research", contribution={"data_assets": [ASSET], "access_costs": {
        "preparation_gbp": 1000, "yearly_gbp": 100, "years": 2}},
        contribution_value={**FORMAT_2, "use_published_comparables": False, "comparables": [TARIFF, LICENCE]})
    research = value_contribution(deal_from_data(data))
    assert [x.comparable.name for x in research.market.rows] == ["A tariff"] and research.market.floor is None
    assert research.market.middle == pytest.approx(100_000 * TWO_YEARS)


@given(st.floats(1, 1_000_000), st.floats(1, 1_000_000))
def test_a_tariff_is_never_the_market_value_of_commercial_use(tariff, licence):
    cv = value_contribution(deal_with(use_published_comparables=False, comparables=[
        {**TARIFF, "price_gbp": tariff}, {**LICENCE, "price_gbp": licence}]))
    assert all(x.comparable.kind.value == "commercial_licence" for x in cv.market.rows)
    # The market value is the licence's own (× 1, over two years) unless the tariff's floor is higher.
    assert cv.market.middle == pytest.approx(max(licence, tariff) * TWO_YEARS)


def test_a_price_per_record_or_per_patient_year_counts_the_assets_volume_instead_of_scaling_by_it():
    per_record = {**OWN, "name": "Per image record", "unit": "per_record", "price_gbp": 5, "data_type": "imaging"}
    per_patient_year = {**per_record, "name": "Per patient-year", "unit": "per_patient_year", "price_gbp": 0.5}
    cv = value_contribution(deal_with(use_published_comparables=False, comparables=[per_record, per_patient_year]))
    record, patient_year = cv.market.rows
    # Per record: no records factor (the unit counts them), same type and history: £5 × 250,000 patients, once.
    assert (record.records, record.history, record.data_type) == (1.0, 1.0, 1.0)
    assert record.value == pytest.approx(5 * 250_000)
    # Per patient-year: neither records nor history scaled: £0.5 × 250,000 patients × 10 years, once.
    assert (patient_year.records, patient_year.history) == (1.0, 1.0)
    assert patient_year.value == pytest.approx(0.5 * 250_000 * 10)
    # Both are imaging, and the size is counted by the unit: closeness 1 each.
    assert cv.market.closeness == 1.0


# ---- reconciliation --------------------------------------------------------------------------------------------

IMAGING = next(p for p in example_paths() if p.stem == "ai-imaging-device")


def test_the_imaging_example_is_one_concluded_value_with_a_range_and_weights_that_sum_to_one():
    cv = value_contribution(load_deal(IMAGING))
    rec = cv.reconciled
    # Cost by hand: preparation 60,000 + 2,000 h × £95 + 25,000 + 12,000 = £287,000 (none has a separate
    # replacement cost), plus the access costs at 3.5%: 20,000 + 12,000 × (1/1.035 + 1/1.035^2 + 1/1.035^3)
    # + 300 h × £110 × (1/1.035 + 1/1.035^2) = 20,000 + 33,619.72 + 62,689.83 = £116,309.55.
    access = 20_000 + 12_000 * sum(1.035 ** -t for t in (1, 2, 3)) + 300 * 110 * TWO_YEARS
    assert access == pytest.approx(116_309.55, abs=0.01) and cv.cost.access_total == pytest.approx(access)
    cost = 287_000 + access                                  # £403,309.55
    assert cv.cost.replacement == pytest.approx(cost)
    # Market: no commercial-licence price for imaging is sourced or entered, so no value and no weight; the
    # tariffs (NHS England's SDE charge, CPRD's licences) scaled to the archive are only its floor.
    assert cv.market.middle is None and cv.market.rows == [] and cv.market.floor is not None
    assert {x.comparable.kind.value for x in cv.market.floor_rows} == {"tariff"}
    # Weights [ours]: cost 0.2, market 0.3 × 0 (no value), income 0.5 → 0.2/0.7 = 2/7, 0, 0.5/0.7 = 5/7.
    assert [w.weight for w in rec.weights] == pytest.approx([2 / 7, 0, 5 / 7])
    assert sum(w.weight for w in rec.weights) == pytest.approx(1)
    assert all(w.reason for w in rec.weights) and "no weight" in rec.weights[1].reason
    # Income: 2% of S, the present value at the partner's 15% of the risk-adjusted sales (the valuation's; about
    # £6.80m, so 2% is £136.0k), with its range at 1% and 3%. Concluded: 2/7 × 403,309.55 + 5/7 × 0.02 S, about
    # 115,231 + 97,142 = £212.4k; range 2/7 × 403,309.55 + 5/7 × (0.01 S to 0.03 S): about £163.8k to £260.9k.
    sales = cv.income.sales
    assert (rec.value, rec.low, rec.high) == pytest.approx(
        (2 / 7 * cost + 5 / 7 * 0.02 * sales, 2 / 7 * cost + 5 / 7 * 0.01 * sales, 2 / 7 * cost + 5 / 7 * 0.03 * sales))
    assert rec.low < rec.value < rec.high and rec.floor == pytest.approx(access) and not rec.floor_applied
    # Spread: cost ÷ income = 403,309.55 / (0.02 S), about 3.0×: below 5×, so not flagged.
    assert rec.spread == pytest.approx(cost / (0.02 * sales)) and rec.spread < 5 and not rec.wide
    assert not any(f.approach == "reconciled" for f in cv.flags)
    # Printed first, as one figure with a range.
    assert words.concluded_text(cv).startswith(f"The NHS's contribution is worth {money(rec.value)}")
    assert f"range for negotiation of {money(rec.low)} to {money(rec.high)}" in words.concluded_text(cv)


def test_format_1s_reading_of_the_imaging_example_spans_56_times_and_is_flagged_with_what_would_narrow_it():
    # The frozen format-1 file keeps format 1's market (every comparable, tariffs included) and one income figure.
    cv = value_contribution(load_deal(CORPUS / "ai-imaging-device.yaml"))
    assert cv.market.basis.value == "every_comparable" and cv.income.low == cv.income.value
    # The span: the cheapest scaled comparable (the SDE charge, £7,132) to the cost (£403.3k), 56×, which the brief
    # used to print as the contribution's value; it is now only the approaches' span.
    assert cv.low == pytest.approx(7_131.80, abs=0.01) and cv.high == pytest.approx(403_309.55, abs=0.01)
    assert cv.high / cv.low == pytest.approx(56.55, abs=0.01)
    rec = cv.reconciled
    # The central values: cost £403.3k against the market's middle, £16.9k: 23.9×, above 5×.
    assert rec.spread == pytest.approx(cv.cost.replacement / cv.market.middle) and rec.spread > 5 and rec.wide
    assert any("Better comparables" in n and "by_use" in n for n in rec.narrow)
    assert any("preparation costs" in n for n in rec.narrow)
    (flag,) = [f for f in cv.flags if f.approach == "reconciled"]
    assert f"{rec.spread:,.1f}× the lowest (above 5×)" in flag.message and all(n in flag.message for n in rec.narrow)
    # Still one concluded value with a range: the market weighted by its closeness, 0.25 (other data types or
    # no type, and CPRD's 60m patients against 120,000), so 0.3 × 0.25 = 0.075 against 0.2 and 0.5.
    assert cv.market.closeness == pytest.approx(0.25)
    assert [w.weight for w in rec.weights] == pytest.approx([0.2 / 0.775, 0.075 / 0.775, 0.5 / 0.775])
    assert rec.low <= rec.value <= rec.high


def test_a_wide_spread_names_the_sales_forecast_and_royalty_rate_when_income_is_at_an_end():
    # A 0.1% royalty on £4,516 of sales is £4.52 against a cost of £15,000 plus access: far apart.
    cv = value_contribution(deal_with(use_published_comparables=False, relief_from_royalty_rate=0.001,
                                      preparation_costs=[{"activity": "curation", "historical_gbp": 15_000}]))
    assert cv.reconciled.wide
    assert any("firmer sales forecast" in n and "royalty rate" in n for n in cv.reconciled.narrow)


def test_the_concluded_value_is_never_below_the_nhss_costs_of_giving_access():
    # No preparation costs, no comparables and a 0.1% royalty: cost is the access costs alone (£1,189.97), income
    # £4.52; weighted 0.2/0.7 × 1,189.97 + 0.5/0.7 × 4.52 = £343.22, below the access costs, so the floor is the value.
    cv = value_contribution(deal_with(use_published_comparables=False, relief_from_royalty_rate=0.001))
    access = 1000 + 100 * TWO_YEARS
    rec = cv.reconciled
    assert rec.weighted == pytest.approx(0.2 / 0.7 * access + 0.5 / 0.7 * 0.001 * 2000 * S_PARTNER)
    assert rec.floor_applied and rec.value == rec.low == rec.high == pytest.approx(access)
    assert "principle 2" in rec.notes[0]


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0.01, 1))
def test_the_weights_sum_to_one_and_the_value_lies_between_the_approaches(cost_w, market_w, income_w):
    cv = value_contribution(deal_with(use_published_comparables=False, comparables=[LICENCE],
                                      preparation_costs=[{"activity": "curation", "historical_gbp": 5000}],
                                      reconciliation={"cost_weight": cost_w, "market_weight": market_w,
                                                      "income_weight": income_w}))
    rec = cv.reconciled
    assert sum(w.weight for w in rec.weights) == pytest.approx(1)
    centrals = [a.central for a in cv.approaches if a.weight > 0]
    assert min(centrals) * (1 - 1e-9) <= rec.weighted <= max(centrals) * (1 + 1e-9)
    assert rec.value == pytest.approx(max(rec.weighted, rec.floor))


def test_weights_of_zero_for_every_approach_are_refused():
    with pytest.raises(DealInvalid, match="give at least one approach a weight above zero"):
        deal_with(reconciliation={"cost_weight": 0, "market_weight": 0, "income_weight": 0})


# ---- everywhere ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_the_cli_json_gives_every_example_its_concluded_value_first_then_the_weighted_approaches(path, capsys):
    assert main(["value", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["contribution_value"]
    want = value_contribution(load_deal(path))
    assert list(data)[0] == "reconciled"
    rec = data["reconciled"]
    assert (rec["value_gbp"], rec["low_gbp"], rec["high_gbp"]) == pytest.approx(
        (want.reconciled.value, want.reconciled.low, want.reconciled.high), abs=0.01)
    assert rec["low_gbp"] <= rec["value_gbp"] <= rec["high_gbp"]
    assert sum(w["weight"] for w in rec["weights"]) == pytest.approx(1, abs=1e-5)
    assert all(w["reason"] for w in rec["weights"])
    assert [a["key"] for a in data["approaches"]] == ["cost", "market", "income"]
    assert [a["weight"] for a in data["approaches"]] == [w["weight"] for w in rec["weights"]]
    assert data["span_of_approaches"] == pytest.approx({"low_gbp": want.low, "high_gbp": want.high}, abs=0.01)
    assert data["cost"]["replacement_gbp"] == pytest.approx(want.cost.replacement, abs=0.01)
    assert len(data["market"]["comparables"]) == len(want.market.rows)
    # A tariff never sets the market value of commercial use: it is listed only as the floor.
    if data["market"]["commercial_use"]:
        assert all(c["kind"] == "commercial_licence" for c in data["market"]["comparables"])
        assert {c["kind"] for c in data["market"]["tariffs_as_floor"]} == {"tariff"}


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

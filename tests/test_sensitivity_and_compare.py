"""Tornado, two-way table and comparisons, on small deals whose answers are worked by hand."""

from __future__ import annotations

import pytest
from builders import base_data, deal

from valueshare import DealInvalid, deal_from_data, load_deal, value_deal
from valueshare.compare import compare, leaves, variants_of
from valueshare.scenario import example_paths
from valueshare.sensitivity import Driver, around, default_drivers, tornado, two_way

FLAT = [{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.01}]}]
# 1.035^-3 + 1.035^-4 + 1.035^-5 = 0.901943 + 0.871442 + 0.841973 = 2.615358
NHS_ANNUITY_3_TO_5 = sum(1.035 ** -t for t in (3, 4, 5))


def test_tornado_moves_one_input_and_values_the_deal_at_its_low_and_high():
    d = deal(terms=FLAT)
    bar = tornado(d, [Driver("route_to_market.sales.price_gbp", "Price", 10, 8, 12, "test")])[0]
    # royalty given launch: 1% × 1,000 × price × 50%; × P(launch) 0.4 -> 2 × price a year in years 3-5
    assert bar.nhs_low == pytest.approx(16 * NHS_ANNUITY_3_TO_5)
    assert bar.nhs_high == pytest.approx(24 * NHS_ANNUITY_3_TO_5)
    assert bar.nhs_swing == pytest.approx(8 * NHS_ANNUITY_3_TO_5)


def test_tornado_bars_are_sorted_by_swing_and_cover_stages_sales_and_rates():
    bars = tornado(deal(terms=FLAT))
    swings = [b.nhs_swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    paths = {b.driver.path for b in bars}
    assert {"route_to_market.stages[0].probability_of_success", "route_to_market.sales.price_gbp",
            "assumptions.partner_discount_rate"} <= paths


def test_uncertain_inputs_drive_the_tornado_at_their_p10_and_p90():
    data = base_data(terms=FLAT, uncertainty=[{"input": "route_to_market.sales.price_gbp",
                                               "distribution": {"dist": "uniform", "low": 0, "high": 20}}])
    driver = next(d for d in default_drivers(deal_from_data(data)) if d.path == "route_to_market.sales.price_gbp")
    # P10 and P90 of uniform(0, 20) are 2 and 18; estimated from 20,001 draws (standard error about 0.04)
    assert driver.low == pytest.approx(2, abs=0.2) and driver.high == pytest.approx(18, abs=0.2)
    assert driver.source.startswith("distribution")


def test_two_way_break_even_is_where_the_partner_npv_crosses_zero():
    d = deal(terms=FLAT)
    prices = [0.5, 1.0, 2.0, 8.0]
    table = two_way(d, "terms[0].tiers[0].rate", [0.0, 0.1], "route_to_market.sales.price_gbp", prices)
    # partner NPV = -100/1.1 - 100/1.21 + (0.3 - rate) × 200 × price × A, A = Σ 1.1^-t for t = 3..5,
    # which is linear in price, so interpolation finds the exact root price = C / ((0.3 - rate) × 200 × A)
    a = sum(1.1 ** -t for t in (3, 4, 5))
    c = 100 / 1.1 + 100 / 1.21
    points = dict(table.break_even())
    assert points[0.0] == pytest.approx(c / (0.3 * 200 * a))
    assert points[0.1] == pytest.approx(c / (0.2 * 200 * a))
    assert table.nhs_npv.shape == (2, 4)
    assert table.nhs_npv[1, 3] == pytest.approx(value_deal(deal(terms=[
        {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.1}]}])).nhs_npv * 8 / 10)


def test_a_sensitivity_that_breaks_a_rule_is_refused_with_its_field():
    with pytest.raises(DealInvalid) as caught:
        two_way(deal(terms=FLAT), "terms[0].tiers[0].rate", [1.5], "route_to_market.sales.price_gbp", [1.0])
    assert "terms[0].tiers[0].rate" in str(caught.value)


def test_around_spreads_values_evenly_and_respects_a_cap():
    assert around(10, steps=5, spread=0.2) == [8.0, 9.0, 10.0, 11.0, 12.0]
    assert around(0.8, steps=3, spread=0.5, upper=1) == [0.4, 0.8, 1.0]


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_every_example_has_variants_that_value_and_compare(path):
    deal_ = load_deal(path)
    named = variants_of(deal_)
    assert len(named) >= 2
    comparison = compare(named)
    assert [c.name for c in comparison.columns] == ["Base", *[v.name for v in deal_.variants]]
    nhs = comparison.figures[0]
    assert nhs.values == [value_deal(d).nhs_npv for _, d in named]
    for variant in deal_.variants:
        for changed in variant.overrides:
            assert any(row.path == changed for row in comparison.inputs)


def test_comparison_marks_only_the_rows_that_differ():
    a = deal(terms=FLAT)
    b = deal(terms=[{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.02}]}])
    comparison = compare([("Offer", a), ("Counter-offer", b)])
    assert [row.path for row in comparison.inputs] == ["terms[0].tiers[0].rate"]
    assert [row.label for row in comparison.inputs] == ["Royalty (term 1): rate (%), tier 1"]
    flags = {row.label: row.differs for row in comparison.figures}
    assert flags["NHS NPV"] and flags["Partner NPV"] and not flags["Chance of launch"]


def test_leaves_flatten_nested_data_by_field_path():
    assert leaves({"a": {"b": [1, {"c": 2}]}, "d": []}) == {"a.b[0]": 1, "a.b[1].c": 2, "d": []}


def test_a_variant_is_the_base_with_its_overrides():
    data = base_data(variants=[{"name": "Dear", "overrides": {"route_to_market.sales.price_gbp": 20}}])
    d = deal_from_data(data)
    assert d.variant("Dear").route_to_market.sales.price_gbp == 20
    assert d.variant("Dear").variants == []
    with pytest.raises(DealInvalid, match="no variant is called 'Cheap'"):
        d.variant("Cheap")

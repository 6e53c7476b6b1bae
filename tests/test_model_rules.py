"""The deal model's rules, and that each broken rule is reported with its field path and a plain message."""

from __future__ import annotations

import pytest
from builders import base_data

from valueshare import DealInvalid, deal_from_data, deal_from_yaml, deal_to_yaml, load_deal
from valueshare.scenario import example_paths


def problems(data) -> list[str]:
    with pytest.raises(DealInvalid) as caught:
        deal_from_data(data)
    return [p.line() for p in caught.value.problems]


def royalty(**fields):
    return {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.02}], **fields}


def test_a_rate_above_one_names_the_tier_and_the_bounds():
    data = base_data(terms=[{"kind": "access_fee", "amount_gbp": 1}, {"kind": "access_fee", "amount_gbp": 1},
                            royalty(tiers=[{"from_gbp": 0, "rate": 1.5}])])
    assert problems(data) == ["terms[2].tiers[0].rate: must be between 0 and 1 (0% to 100%)"]


def test_a_stage_probability_of_zero_or_above_one_is_refused():
    data = base_data()
    data["route_to_market"]["stages"][1]["probability_of_success"] = 1.5
    assert problems(data) == ["route_to_market.stages[1].probability_of_success: must be above 0 and at most 1 "
                              "(0% to 100%)"]


def test_a_missing_field_is_named():
    data = base_data()
    del data["partner"]["kind"]
    assert problems(data) == ["partner.kind: is required"]


def test_an_unknown_field_is_refused_rather_than_ignored():
    data = base_data()
    data["partner"]["website"] = "x"
    assert problems(data) == ["partner.website: is not a field of this section (check the spelling)"]


def test_an_unknown_mechanism_lists_the_known_kinds():
    [line] = problems(base_data(terms=[{"kind": "bonus"}]))
    assert line.startswith("terms[0]: unknown kind 'bonus'; the kinds are: 'access_fee'")


def test_text_and_booleans_are_not_numbers():
    data = base_data(terms=[{"kind": "access_fee", "amount_gbp": "1e3"}, {"kind": "access_fee", "amount_gbp": False}])
    found = problems(data)
    assert found[0].startswith("terms[0].amount_gbp: must be a number, not the text '1e3'")
    assert found[1].startswith("terms[1].amount_gbp: must be a number, not false")


def test_a_choice_outside_its_list_names_the_choices():
    [line] = problems(base_data(use="commercial"))
    assert line.startswith("use: must be one of: 'commercial_product_development'")


def test_tiers_must_start_at_zero_and_ascend():
    assert problems(base_data(terms=[royalty(tiers=[{"from_gbp": 10, "rate": 0.01}])])) == [
        "terms[0].tiers[0].from_gbp: the first tier must start at 0"]
    tiers = [{"from_gbp": 0, "rate": 0.01}, {"from_gbp": 50, "rate": 0.02}, {"from_gbp": 50, "rate": 0.03}]
    assert problems(base_data(terms=[royalty(tiers=tiers)])) == [
        "terms[0].tiers[2].from_gbp: each tier must start above the one before it"]


def test_a_milestone_must_name_an_existing_stage():
    assert problems(base_data(terms=[{"kind": "milestone", "stage": "C", "amount_gbp": 1}])) == [
        "terms[0].stage: no stage is called 'C' (stages: 'A', 'B')"]


def test_sales_linked_terms_need_sales():
    data = base_data(terms=[royalty()])
    data["route_to_market"]["sales"] = None
    assert problems(data) == ["terms[0]: this term is paid on sales, so route_to_market.sales must be filled in"]


def test_consent_clause_belongs_to_non_commercial_use_only():
    clause = {"kind": "consent_to_commercialise", "probability": 0.1, "year": 2,
              "terms": [{"kind": "access_fee", "amount_gbp": 1}]}
    [line] = problems(base_data(terms=[clause]))
    assert line.startswith("terms[0]: a consent-to-commercialise clause is for non-commercial use")


def test_a_one_off_fee_cannot_span_several_years():
    assert problems(base_data(terms=[{"kind": "access_fee", "amount_gbp": 1, "years": 3}])) == [
        "terms[0].years: a one-off fee is paid once, so years must be 1 (or choose frequency: yearly)"]


def test_price_discounts_cannot_add_up_to_the_whole_price():
    terms = [{"kind": "nhs_price_discount", "price_discount": 0.6},
             {"kind": "nhs_price_discount", "price_discount": 0.5}]
    assert problems(base_data(terms=terms)) == [
        "terms[1].price_discount: the NHS price discounts add up to 100% or more"]


def test_blank_names_are_refused():
    data = base_data(name="   ")
    assert problems(data) == ["name: must not be blank"]


@pytest.mark.parametrize("text, expected", [
    (b": [", "not valid YAML at line 1, column 1"),
    (b"- just\n- a list\n", "a deal must be a section of named fields"),
    (b"", "this is empty"),
    (b"\xff\xfe\x00", "not a text file"),
])
def test_files_that_are_not_deals_say_what_is_wrong(text, expected):
    with pytest.raises(DealInvalid) as caught:
        deal_from_yaml(text, "x.yaml")
    assert expected in str(caught.value)
    assert str(caught.value).startswith("x.yaml: ")


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_every_example_round_trips_through_yaml(path):
    deal = load_deal(path)
    assert deal_from_yaml(deal_to_yaml(deal)) == deal


def test_there_are_at_least_four_examples_all_marked_illustrative():
    deals = [load_deal(p) for p in example_paths()]
    assert len(deals) >= 4
    assert all(d.illustrative for d in deals)


def uncertain(path, distribution):
    return base_data(uncertainty=[{"input": path, "distribution": distribution}])


@pytest.mark.parametrize("path, distribution, expected", [
    ("route_to_market.sales.peak_uptake", {"dist": "normal", "mean": 0.3, "sd": 0.1},
     "uncertainty[0].distribution: a normal distribution here needs low and high within 0 and 1"),
    ("route_to_market.sales.peak_uptake", {"dist": "lognormal", "mean": 0.3, "sd": 0.1},
     "uncertainty[0].distribution: a lognormal has no upper limit, but this input must stay at most 1"),
    ("route_to_market.sales.price_gbp", {"dist": "triangular", "low": 5, "mode": 20, "high": 10},
     "uncertainty[0].distribution.mode: must lie between low and high"),
    ("route_to_market.sales.price_gbp", {"dist": "uniform", "low": -5, "high": 10},
     "uncertainty[0].distribution: can draw -5, but this input must be at least 0"),
    ("route_to_market.stages[5].duration_years", {"dist": "uniform", "low": 1, "high": 2},
     "uncertainty[0].input: this deal has no stage 5 (stages are numbered from 0)"),
    ("terms[0].amount_gbp", {"dist": "uniform", "low": 1, "high": 2},
     "uncertainty[0].input: only a stage's duration, cost or probability, a sales input, or an equity exit value "
     "can be uncertain (e.g. 'route_to_market.sales.price_gbp')"),
    ("route_to_market.sales.price_gbp", {"dist": "normal", "mean": 10, "sd": 1, "low": 20, "high": 30},
     "uncertainty[0].distribution.low: the bounds keep less than 1% of the bell curve; move them or the mean"),
])
def test_an_uncertain_input_must_name_a_real_input_and_stay_within_its_bounds(path, distribution, expected):
    assert problems(uncertain(path, distribution)) == [expected]


def test_a_variant_that_breaks_a_rule_names_the_variant_and_the_field():
    data = base_data(variants=[{"name": "Bad", "overrides": {"route_to_market.sales.peak_uptake": 1.5,
                                                              "route_to_market.sales.colour": "red"}}])
    assert problems(data) == [
        "variants[0].overrides: route_to_market.sales.peak_uptake: must be between 0 and 1 (0% to 100%)",
        "variants[0].overrides: route_to_market.sales.colour: is not a field of this section (check the spelling)"]

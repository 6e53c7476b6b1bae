"""valueshare.variants: making, changing and removing a deal's variants, and a variant from an edited deal.

The figures are worked by hand on ``builders.base_data`` with one access fee paid once at signature and nothing else
paid to the NHS: the fee is in year 0 (undiscounted, before any stage can fail) and the NHS has no costs, so its NPV
is the fee itself, and a variant that raises the fee from £1,000 to £3,000 has an NHS NPV of £3,000.
"""

from __future__ import annotations

import pytest
from builders import base_data

from valueshare import value_deal
from valueshare.errors import DealInvalid
from valueshare.model import Deal
from valueshare.model.deal import apply_overrides
from valueshare.scenario import deal_from_data, deal_to_data, example_paths, load_deal
from valueshare.variants import (
    add_variant,
    change_variant,
    editable_paths,
    overrides_between,
    parse_overrides,
    parse_value,
    remove_variant,
    value_text,
    variant_from_edit,
)

FEE = "terms[0].amount_gbp"
UPTAKE = "route_to_market.sales.peak_uptake"
IMAGING = next(p for p in example_paths() if p.name == "ai-imaging-device.yaml")


def fee_deal(**changes) -> Deal:
    return deal_from_data(base_data(terms=[{"kind": "access_fee", "amount_gbp": 1000, "frequency": "one_off"}],
                                    **changes))


def problems(error: pytest.ExceptionInfo[DealInvalid]) -> list[tuple[str, str, str]]:
    return [(p.path, p.message, p.rule) for p in error.value.problems]


# -- adding --------------------------------------------------------------------------------------------------------

def test_an_added_variant_is_valued_with_its_changes_and_the_base_deal_is_left_as_it_was():
    base = fee_deal()
    new = add_variant(base, "Higher fee", overrides={FEE: 3000}, description="The fee is £3,000.")
    assert base.variants == []
    assert [(v.name, v.description, v.shared, v.overrides) for v in new.variants] == [
        ("Higher fee", "The fee is £3,000.", False, {FEE: 3000})]
    assert value_deal(new).nhs_npv == pytest.approx(1000.0)                   # the fee, at signature
    assert value_deal(new.variant("Higher fee")).nhs_npv == pytest.approx(3000.0)


def test_a_variant_is_added_after_the_others():
    deal = load_deal(IMAGING)
    new = add_variant(deal, "Cheaper", overrides={"route_to_market.sales.price_gbp": 8})
    assert [v.name for v in new.variants] == ["Downside", "Upside", "Cheaper"]
    assert new.variants[:2] == deal.variants


def test_a_variant_name_used_by_another_is_refused_at_the_new_variants_name():
    with pytest.raises(DealInvalid) as error:
        add_variant(load_deal(IMAGING), "Upside", overrides={FEE: 1})
    assert problems(error) == [("variants[2].name", "'Upside' is used by another variant", "variant_name_unique")]


def test_a_blank_name_is_refused_at_the_name():
    with pytest.raises(DealInvalid) as error:
        add_variant(fee_deal(), " ", overrides={FEE: 3000})
    assert problems(error) == [("variants[0].name", "must not be blank", "not_blank")]


def test_a_value_its_field_does_not_allow_is_named_with_its_path_and_rule():
    with pytest.raises(DealInvalid) as error:
        add_variant(fee_deal(), "Too many", overrides={UPTAKE: 1.5})
    assert [p.line() for p in error.value.problems] == [
        "variants[0].overrides: route_to_market.sales.peak_uptake: must be between 0 and 1 (0% to 100%)"]


def test_a_path_the_deal_does_not_have_is_refused():
    with pytest.raises(DealInvalid) as error:
        add_variant(fee_deal(), "Ghost", overrides={"terms[9].amount_gbp": 5})
    assert problems(error) == [("variants[0].overrides", "terms[9]: this deal has no such field",
                                "variant_makes_a_deal")]


def test_a_variant_with_no_change_is_refused():
    with pytest.raises(DealInvalid) as error:
        add_variant(fee_deal(), "Empty", overrides={})
    assert problems(error) == [("variants[0].overrides", "needs at least 1 item(s)", "too_short")]


@pytest.mark.parametrize("path", ["negotiation.nhs_walk_away_gbp", "contribution.access_costs.yearly_gbp"])
def test_a_shared_variant_may_not_change_the_nhss_internal_figures_but_an_internal_one_may(path):
    with pytest.raises(DealInvalid) as error:
        add_variant(fee_deal(), "Walk away", overrides={path: 5000}, shared=True)
    assert [(p.path, p.rule) for p in error.value.problems] == [
        ("variants[0].overrides", "shared_variant_not_internal")]
    assert error.value.problems[0].message.startswith(f"{path}: a variant shared with the partner cannot change")
    assert add_variant(fee_deal(), "Walk away", overrides={path: 5000}).variants[0].overrides == {path: 5000}


# -- changing and removing -----------------------------------------------------------------------------------------

def test_a_variant_can_be_renamed_described_shared_and_its_changes_set_and_removed():
    deal = load_deal(IMAGING)
    new = change_variant(deal, "Upside", rename="Best case", description="Price holds at £11.", shared=True,
                         set_overrides={"route_to_market.sales.price_gbp": 11}, remove_overrides=[UPTAKE])
    upside = new.variants[1]
    assert (upside.name, upside.description, upside.shared, upside.overrides) == (
        "Best case", "Price holds at £11.", True, {"route_to_market.sales.price_gbp": 11})
    assert new.variants[0] == deal.variants[0]
    assert deal.variants[1].name == "Upside"


def test_changing_one_value_changes_the_variants_figure():
    deal = add_variant(fee_deal(), "Higher fee", overrides={FEE: 3000})
    new = change_variant(deal, "Higher fee", set_overrides={FEE: 5000})
    assert new.variants[0].overrides == {FEE: 5000}
    assert value_deal(new.variant("Higher fee")).nhs_npv == pytest.approx(5000.0)


def test_a_change_that_breaks_a_rule_is_refused_and_names_the_variant():
    with pytest.raises(DealInvalid) as error:
        change_variant(load_deal(IMAGING), "Upside", set_overrides={UPTAKE: 1.5})
    assert [p.line() for p in error.value.problems] == [
        "variants[1].overrides: route_to_market.sales.peak_uptake: must be between 0 and 1 (0% to 100%)"]


def test_renaming_to_another_variants_name_is_refused_at_the_renamed_variant():
    with pytest.raises(DealInvalid) as error:
        change_variant(load_deal(IMAGING), "Downside", rename="Upside")
    assert problems(error) == [("variants[0].name", "'Upside' is used by another variant", "variant_name_unique")]


def test_sharing_a_variant_that_changes_an_internal_figure_is_refused():
    deal = add_variant(fee_deal(), "Walk away", overrides={"negotiation.nhs_walk_away_gbp": 5000})
    with pytest.raises(DealInvalid) as error:
        change_variant(deal, "Walk away", shared=True)
    assert [p.rule for p in error.value.problems] == ["shared_variant_not_internal"]


def test_removing_a_change_the_variant_does_not_make_or_its_last_change_is_refused():
    deal = add_variant(fee_deal(), "Higher fee", overrides={FEE: 3000})
    with pytest.raises(DealInvalid) as error:
        change_variant(deal, "Higher fee", remove_overrides=[UPTAKE])
    assert problems(error) == [("variants[0].overrides", f"{UPTAKE}: the variant does not change this input",
                                "override_exists")]
    with pytest.raises(DealInvalid) as error:
        change_variant(deal, "Higher fee", remove_overrides=[FEE])
    assert [p.rule for p in error.value.problems] == ["override_required"]


def test_a_variant_that_does_not_exist_is_named_with_those_that_do():
    with pytest.raises(DealInvalid) as error:
        change_variant(load_deal(IMAGING), "Sideways", description="x")
    assert problems(error) == [("variants", "no variant is called 'Sideways' (variants: 'Downside', 'Upside')",
                                "variant_exists")]
    with pytest.raises(DealInvalid):
        remove_variant(load_deal(IMAGING), "Sideways")


def test_a_removed_variant_is_gone_and_the_others_stay():
    deal = load_deal(IMAGING)
    assert remove_variant(deal, "Downside").variants == deal.variants[1:]


# -- values typed as text ------------------------------------------------------------------------------------------

def test_typed_values_are_read_as_yaml():
    assert parse_overrides({FEE: "3000", UPTAKE: "0.15", "name": "Plan B", "x": "[1, 2]", "y": "true"}) == {
        FEE: 3000, UPTAKE: 0.15, "name": "Plan B", "x": [1, 2], "y": True}


def test_a_value_that_is_not_yaml_or_is_empty_is_named_with_its_path():
    with pytest.raises(DealInvalid) as error:
        parse_overrides({FEE: "", UPTAKE: "[0.1"}, where="variants[0].overrides")
    assert [(p.path, p.rule) for p in error.value.problems] == [
        ("variants[0].overrides", "value_required"), ("variants[0].overrides", "value_is_yaml")]
    assert error.value.problems[0].message.startswith(f"{FEE}: needs a value")
    assert error.value.problems[1].message.startswith(f"{UPTAKE}: not valid YAML")


def test_yaml_11s_traps_reach_the_deals_validation_which_names_them():
    deal = fee_deal()
    with pytest.raises(DealInvalid) as error:
        add_variant(deal, "No", overrides={FEE: parse_value("NO", FEE)})
    assert error.value.problems[0].line() == (
        "variants[0].overrides: terms[0].amount_gbp: must be a number, not false (YAML reads yes/no/on/off as "
        "true/false)")


@pytest.mark.parametrize("value", [0.15, 3000, "no", "Plan: B", True, None, [1, 2], {"a": 1}, "2024-04-01"])
def test_a_value_written_as_text_reads_back_to_itself(value):
    assert parse_value(value_text(value), "p") == value


# -- a variant from an edited deal ---------------------------------------------------------------------------------

def test_the_changes_between_two_deals_are_leaf_paths_where_lists_keep_their_length():
    base = load_deal(IMAGING)
    data = deal_to_data(base)
    data["route_to_market"]["sales"]["price_gbp"] = 9
    data["route_to_market"]["stages"][1]["probability_of_success"] = 0.5
    data["terms"][0]["amount_gbp"] = 70_000
    assert overrides_between(base, deal_from_data(data)) == {
        "route_to_market.stages[1].probability_of_success": 0.5, "route_to_market.sales.price_gbp": 9.0,
        FEE: 70_000.0}


def test_a_list_of_another_length_or_a_term_of_another_kind_is_changed_whole():
    base = fee_deal()
    data = base_data(terms=[{"kind": "revenue_share", "rate": 0.02}])
    data["route_to_market"]["stages"].append(
        {"name": "C", "duration_years": 1, "partner_cost_gbp": 50, "probability_of_success": 0.9})
    edited = deal_from_data(data)
    changes = overrides_between(base, edited)
    assert sorted(changes) == ["route_to_market.stages", "terms[0]"]
    assert changes["terms[0]"] == edited.model_dump(mode="json")["terms"][0]
    assert len(changes["route_to_market.stages"]) == 3


def test_a_variant_made_from_an_edit_gives_the_edited_deal_when_applied():
    base = load_deal(IMAGING)
    data = deal_to_data(base)
    data["terms"][0]["amount_gbp"] = 80_000
    data["contribution"]["expertise"].append(dict(data["contribution"]["expertise"][0], start_year=3))
    edited = deal_from_data(data)
    new = variant_from_edit(base, edited, "Cheaper, more help", description="typed")
    variant = new.variants[-1]
    assert (variant.name, variant.description, sorted(variant.overrides)) == (
        "Cheaper, more help", "typed", ["contribution.expertise", FEE])
    made = Deal.model_validate(apply_overrides(new, variant))
    assert made.model_dump(exclude={"variants"}) == edited.model_dump(exclude={"variants"})
    assert value_deal(new.variant("Cheaper, more help")).nhs_npv == pytest.approx(value_deal(edited).nhs_npv)


def test_an_edit_that_changes_nothing_is_not_a_variant():
    with pytest.raises(DealInvalid) as error:
        variant_from_edit(fee_deal(), fee_deal(), "Same")
    assert [(p.path, p.rule) for p in error.value.problems] == [("variants[0].overrides", "variant_changes_something")]


def test_an_edit_of_an_uncertain_input_cannot_be_a_variant_and_says_why():
    base = load_deal(IMAGING)  # stage 3's duration is uncertain, and the base case is the expected value
    data = deal_to_data(base)
    data["route_to_market"]["stages"][3]["duration_years"] = 2.5
    with pytest.raises(DealInvalid) as error:
        variant_from_edit(base, deal_from_data(data), "Slower")
    assert [(p.path, p.rule) for p in error.value.problems] == [("variants[2].overrides", "variant_reproduces_edit")]
    assert error.value.problems[0].message.startswith(
        "route_to_market.stages[3].duration_years: is uncertain in the base deal")


def test_a_shared_variant_from_an_edit_of_an_internal_figure_is_refused():
    base = fee_deal()
    data = deal_to_data(base)
    data.setdefault("negotiation", {})["nhs_walk_away_gbp"] = 500
    with pytest.raises(DealInvalid) as error:
        variant_from_edit(base, deal_from_data(data), "Walk away", shared=True)
    assert [p.rule for p in error.value.problems] == ["shared_variant_not_internal"]


def test_the_editable_paths_are_the_deals_leaves_without_its_variants():
    paths = editable_paths(load_deal(IMAGING))
    assert FEE in paths and UPTAKE in paths and "route_to_market.stages[3].duration_years" in paths
    assert not any(p.startswith("variants") for p in paths)

"""Inputs that say what they mean (issue 19): messages in the unit the field is typed in, money typed as people
write it and shown grouped, years counted from signature said so, shares typed as percentages everywhere, changes
of a rate in percentage points, and a new deal's missing fields as a checklist rather than as errors.

Every expected string is written out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import errors, expand, open_page, texts

from ui import negotiation
from valueshare import inputs
from valueshare.compare import _input_change
from valueshare.errors import DealInvalid, Problem, sentence
from valueshare.format import points
from valueshare.model.types import describe_bounds
from valueshare.negotiation.equivalents import DEFAULT_MIX
from valueshare.scenario import deal_from_data, deal_to_data, load_deal

ROOT = Path(__file__).resolve().parents[1]
IMAGING = ROOT / "scenarios" / "ai-imaging-device.yaml"
NEGOTIATION = "app_pages/negotiation.py"


def problems_of(data: dict) -> list[Problem]:
    try:
        deal_from_data(data)
    except DealInvalid as error:
        return error.problems
    raise AssertionError("the deal was valid")


def imaging() -> dict:
    return deal_to_data(load_deal(IMAGING))


# -- messages in the field's own unit (the core) -----------------------------------------------------------------

def test_a_probability_of_150_percent_is_refused_in_percent_in_the_form_and_as_a_fraction_in_the_file():
    data = imaging()
    data["route_to_market"]["stages"][0]["probability_of_success"] = 1.5
    [problem] = problems_of(data)
    assert problem.line() == ("route_to_market.stages[0].probability_of_success: must be above 0 and at most 1 "
                              "(0% to 100%)")
    assert problem.shown() == "Must be above 0% and at most 100%"


def test_a_calendar_year_typed_as_a_year_after_signature_is_refused_saying_how_years_are_counted():
    data = imaging()
    data["route_to_market"]["sales"]["end_year"] = 2040
    [problem] = problems_of(data)
    assert problem.line() == ("route_to_market.sales.end_year: must be between 0 and 100 (years after signature: "
                              "year 0 is signature)")


def test_money_written_as_text_in_a_file_is_refused_with_the_files_rule_and_the_forms_own():
    data = imaging()
    data["terms"][0]["amount_gbp"] = "six million"
    [problem] = problems_of(data)
    assert problem.line() == ("terms[0].amount_gbp: must be a number, not the text 'six million' (write 1000 or "
                              "1.0e+3, without quotes or commas)")
    assert problem.shown() == "Must be an amount in pounds, such as 6,000,000, £6,000,000 or £6m, not 'six million'"


def test_bounds_are_described_in_their_unit():
    assert describe_bounds(0.0, 1.0, hi_open=True, write=lambda x: f"{x * 100:g}%") == \
        "must be at least 0% and below 100%"
    assert describe_bounds(0.0, 100.0, lo_open=True, after=" years") == "must be above 0 and at most 100 years"
    assert describe_bounds(0.0, 1e12, write=lambda x: f"£{x:,.0f}") == "must be between £0 and £1,000,000,000,000"


def test_a_message_shown_on_its_own_begins_with_a_capital():
    assert sentence("an author is required") == "An author is required"
    assert Problem("", "a note is required: say in a few words what changed").shown() == \
        "A note is required: say in a few words what changed"


# -- money read as people type it ----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed,amount", [
    ("6000000", 6_000_000.0), ("6,000,000", 6_000_000.0), ("£6,000,000", 6_000_000.0), ("£6m", 6_000_000.0),
    ("£2.5k", 2_500.0), ("1,250.50", 1_250.5), ("-£20,000", -20_000.0), ("£1.2bn", 1_200_000_000.0),
    ("6 million", 6_000_000.0),
])
def test_money_is_read_as_people_type_it(typed, amount):
    assert inputs.read_money(typed) == amount


@pytest.mark.parametrize("typed", ["", "six million", "6,00,000", "£", "6.000.000", "1e6", "£6 m n"])
def test_text_that_is_not_an_amount_is_not_read_as_one(typed):
    assert inputs.read_money(typed) is None


def test_money_is_shown_grouped_after_a_pound_sign():
    assert [inputs.money_text(v) for v in (6_000_000, 0.5, -1_000)] == ["£6,000,000", "£0.50", "-£1,000"]


# -- years and labels ------------------------------------------------------------------------------------------------

def test_every_year_counted_from_signature_says_so_in_its_label_and_help_and_calendar_years_do_not():
    for found in inputs.numbers():
        if found.unit == "year":
            assert found.label.endswith("(years after signature)"), found.pattern
            assert "year 0 is signature" in found.help, found.pattern
        if found.unit == "calendar_year":
            assert "after signature" not in found.label, found.pattern
    assert inputs.entry("route_to_market.sales.end_year").label == "Last year of sales (years after signature)"
    assert inputs.entry("assumptions.price_base_year").label == "Price base year"


def test_the_negotiation_positions_are_labelled_as_a_person_would_write_them():
    assert [inputs.entry(f"negotiation.{name}").label for name in (
        "nhs_walk_away_gbp", "nhs_walk_away_share", "nhs_target_gbp", "nhs_target_share", "partner_min_irr",
        "partner_walk_away_gbp")] == [
        "NHS's walk-away (£)", "NHS's walk-away as a share (%)", "NHS's target (£)", "NHS's target as a share (%)",
        "Partner's minimum IRR (%)", "Partner's walk-away (£)"]


# -- changes of a rate in percentage points ----------------------------------------------------------------------

def test_a_change_in_a_rate_is_written_in_percentage_points_never_as_a_percentage():
    assert points(-0.03, exact=True) == "-3 percentage points"
    assert points(0.01, exact=True) == "+1 percentage point"
    assert points(0.025) == "+2.5 percentage points"
    assert _input_change("terms[0].tiers[0].rate", -0.03) == "-3 percentage points"
    assert _input_change("assumptions.partner_discount_rate", 0.005) == "+0.5 percentage points"


# -- the app ---------------------------------------------------------------------------------------------------------

def _number(at, key):
    return next(w for w in at.number_input if w.key == key)


def _text(at, key):
    return next(w for w in at.text_input if w.key == key)


def test_a_share_of_150_typed_in_the_app_is_refused_in_percent_naming_the_field():
    at = expand(open_page(NEGOTIATION, IMAGING), negotiation.INPUTS)  # its inputs' box open
    _number(at, "w:negotiation.nhs_walk_away_share").set_value(150.0).run()
    assert not at.exception
    shown = "\n".join(errors(at))
    assert "Must be between 0% and 100%" in shown
    assert "NHS's walk-away as a share (%)" in shown       # the field, in people's words ...
    assert "negotiation.nhs_walk_away_share" not in shown  # ... not its path
    assert "(0% to 100%)" not in shown and "at most 1 " not in shown
    assert _number(at, "w:negotiation.nhs_walk_away_share").value == 150.0  # what was typed stays


def test_a_money_field_reads_grouped_digits_and_shows_the_amount_grouped_after_a_pound_sign():
    at = expand(open_page(NEGOTIATION, IMAGING), negotiation.INPUTS)  # its inputs' box open
    box = _text(at, "w:negotiation.nhs_walk_away_gbp")
    assert box.label == "NHS's walk-away (£)"
    box.input("6,000,000").run()
    assert not at.exception
    assert at.session_state["draft"]["negotiation"]["nhs_walk_away_gbp"] == 6_000_000
    assert _text(at, "w:negotiation.nhs_walk_away_gbp").value == "£6,000,000"
    _text(at, "w:negotiation.nhs_walk_away_gbp").input("£2.5m").run()
    assert at.session_state["draft"]["negotiation"]["nhs_walk_away_gbp"] == 2_500_000
    assert _text(at, "w:negotiation.nhs_walk_away_gbp").value == "£2,500,000"


def test_money_that_is_not_an_amount_keeps_what_was_typed_and_names_the_field():
    at = expand(open_page(NEGOTIATION, IMAGING), negotiation.INPUTS)  # its inputs' box open
    _text(at, "w:negotiation.nhs_walk_away_gbp").input("six milion").run()
    assert not at.exception
    assert _text(at, "w:negotiation.nhs_walk_away_gbp").value == "six milion"
    shown = "\n".join(errors(at))
    assert "NHS's walk-away (£)" in shown
    assert "Must be an amount in pounds, such as 6,000,000, £6,000,000 or £6m, not 'six milion'" in shown
    # away to another page and back: the text is still there, and still refused
    at.switch_page("app_pages/valuation.py").run()
    at.switch_page(NEGOTIATION).run()
    assert _text(at, "w:negotiation.nhs_walk_away_gbp").value == "six milion"
    assert any("not 'six milion'" in e for e in errors(at))


def test_the_equivalent_offer_mix_is_typed_in_percent():
    at = expand(open_page(NEGOTIATION, IMAGING), negotiation.INPUTS)  # its inputs' box open
    mix = [w for w in at.number_input if (w.key or "").startswith("negotiation:mix_percent:")]
    assert mix and all(w.label.endswith(" (%)") for w in mix)
    for widget in mix:
        assert widget.value == pytest.approx(DEFAULT_MIX[widget.key.rsplit(":", 1)[1]] * 100)


def test_a_new_deal_lists_what_is_missing_as_a_checklist_and_shows_no_error_until_a_field_is_touched():
    at = open_page(None, IMAGING)
    at.sidebar.button(key="start:new").click().run()
    assert not at.exception
    assert errors(at) == []
    checklist = "\n".join(i.value for i in at.info).replace("\\", "")
    assert "To complete this deal, fill in 6 fields:" in checklist
    for field in ("Name of the deal", "NHS, name", "NHS, kind", "Partner, name", "Partner, kind", "Use"):
        assert field.lower() in checklist.lower(), field
    # The name typed and then cleared: now it is an error, named; the rest stay on the checklist.
    name = _text(at, "w:name")
    name.input("A deal").run()
    _text(at, "w:name").input("").run()
    shown = "\n".join(errors(at))
    assert "This deal has 1 problem." in shown and "Must not be blank" in shown
    assert "fill in 5 fields" in "\n".join(i.value for i in at.info).replace("\\", "")


def test_asking_for_the_documents_turns_the_checklist_into_problems():
    at = open_page(None, IMAGING)
    at.sidebar.button(key="start:new").click().run()
    at.switch_page("app_pages/documents.py").run()
    assert not at.exception
    assert any("This deal has 6 problems." in e for e in errors(at))
    assert "To complete this deal" not in texts(at)

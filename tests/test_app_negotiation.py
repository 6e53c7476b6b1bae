"""The Negotiation page, driven headless by AppTest: the positions, the zone, the solved term and the equivalent
offers are the core's, and the NHS's position is edited like the rest of the deal."""

from __future__ import annotations

import pytest
from apptest_support import errors, expand, texts
from apptest_support import open_page as open_app

from ui.negotiation import INPUTS
from valueshare.format import money
from valueshare.inputs import label, write
from valueshare.negotiation import Goal, goal_solution, negotiate
from valueshare.negotiation import text as words
from valueshare.scenario import deal_from_data, example_paths, load_deal

EXAMPLES = example_paths()
IMAGING = next(p for p in EXAMPLES if p.name == "ai-imaging-device.yaml")
PAGE = "app_pages/negotiation.py"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_shows_the_positions_the_zone_the_term_and_the_offers(path):
    at = open_app(PAGE, path)
    assert not at.exception and not errors(at)
    deal = load_deal(path)
    n = negotiate(deal, trials=10_000)
    z = n.zone
    shown = {m.label: m.value for m in at.metric}
    for p in (z.nhs_walk_away, z.nhs_target, z.offer, z.partner_walk_away):
        assert shown[p.name] == (money(p.value) if p.applies else "n/a")
    page = texts(at)
    assert z.verdict in page
    for result in n.term_results:
        assert words.term_result_text(deal, result) in page
    offers = [d.value for d in at.dataframe if "NHS P10 / P50 / P90" in d.value.columns]
    if n.offers:
        assert offers[0].values.tolist() == words.offer_rows(n.offers)
    else:
        assert not offers and "no commercial structures to compare" in page


def test_a_walk_away_set_in_pounds_moves_the_zone():
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    at.text_input(key="w:negotiation.nhs_walk_away_gbp").input("£500,000").run()
    assert not errors(at)
    z = negotiate(deal_from_data(at.session_state["draft"]), offers=False, sensitivities=False).zone
    assert z.nhs_walk_away.value == 500_000 and z.nhs_walk_away.basis == "set for this deal"
    assert {m.label: m.value for m in at.metric}["NHS walk-away"] == "£500.0k"
    # the offer (£476.0k) is now below the NHS's walk-away
    assert "below the NHS's walk-away: the NHS should not accept it" in texts(at)


def test_a_position_in_pounds_and_as_a_share_is_refused_at_its_field():
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    at.text_input(key="w:negotiation.nhs_target_gbp").input("£300,000")
    at.number_input(key="w:negotiation.nhs_target_share").set_value(20.0).run()
    assert any("give the target in £ or as a share, not both" in e for e in errors(at))
    assert at.expander[0].label.startswith("Inputs") and not at.exception


def test_a_chosen_term_is_solved_for_a_chosen_goal():
    at = open_app(PAGE, IMAGING)
    at.selectbox(key="negotiation:term").select("terms[0].amount_gbp").run()
    at.selectbox(key="negotiation:goal").select("partner_walk_away").run()
    deal = load_deal(IMAGING)
    s = goal_solution(deal, "terms[0].amount_gbp", Goal("partner_walk_away"))
    want = f"{label('terms[0].amount_gbp', deal)}: {write(s.path, s.value)} (now {write(s.path, s.current)})."
    assert want in texts(at) and not errors(at)


def test_notes_typed_as_markup_stay_text_in_the_draft():
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    note = "**walk** at <b>£400k</b> :red[no]"
    at.text_area(key="w:negotiation.notes").input(note).run()
    assert at.session_state["draft"]["negotiation"]["notes"] == note and not errors(at)

"""Negotiation: the term solver against closed forms, reservation points and the zone worked by hand, equivalent
offers that all reach their target, and counter-offers compared with their differences.

Deal F (``fixed_sales``): no development stages, so the product sells from signature: 1,000 units × 100% uptake ×
£10 = £10,000 a year in years 1 to 5, all in the UK, 40% operating margin; NHS rate 3.5%, partner rate 10%.
A10 = Σ_{t=1..5} 1.1^-t = 3.790787; A35 = Σ_{t=1..5} 1.035^-t = 4.515052.
"""

from __future__ import annotations

import json

import pytest
from builders import base_data

from valueshare import deal_from_data, load_deal, value_deal
from valueshare.cli import main
from valueshare.compare import compare
from valueshare.contribution import value_contribution
from valueshare.errors import DealInvalid, NoAnswer
from valueshare.framework.fairshare import fair_share
from valueshare.negotiation import (
    Goal,
    commercial,
    default_goal,
    default_term,
    goal_solution,
    negotiate,
    zone,
)
from valueshare.negotiation.equivalents import STRUCTURES, build_offer
from valueshare.scenario import example_paths
from valueshare.solver import deal_with

A10 = sum(1.1 ** -t for t in range(1, 6))
A35 = sum(1.035 ** -t for t in range(1, 6))
S3_5 = sum(1.1 ** -t for t in (3, 4, 5))


def fixed_sales(terms, **changes):
    data = {"name": "Fixed sales", "nhs": {"name": "Trust", "kind": "trust"},
            "partner": {"name": "Partner", "kind": "large_company"}, "use": "commercial_product_development",
            "route_to_market": {"stages": [], "sales": {"volume_per_year": 1000, "price_gbp": 10, "peak_uptake": 1,
                                                        "years_to_peak": 0, "uk_share": 1, "operating_margin": 0.4,
                                                        "end_year": 5}},
            "terms": terms, "assumptions": {"horizon_years": 5, "nhs_discount_rate": 0.035,
                                            "partner_discount_rate": 0.10}}
    data.update(changes)
    return deal_from_data(data)


ROYALTY = {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.02}]}


# ---- the term solver, against closed forms ---------------------------------------------------------------------

def test_the_sales_of_the_fixed_deal_are_what_the_closed_forms_assume():
    v = value_deal(fixed_sales([ROYALTY]))
    assert v.expected_sales.tolist() == pytest.approx([0, 10_000, 10_000, 10_000, 10_000, 10_000])
    assert v.payments_to_nhs_partner_pv == pytest.approx(0.02 * 10_000 * A10)


def test_a_flat_royalty_for_a_value_to_the_nhs_an_nhs_npv_and_the_partners_walk_away():
    deal = fixed_sales([ROYALTY])
    # value to the NHS: r × 10,000 × A10 = 2,000  ->  r = 2,000 / 37,907.87 = 5.2759%
    s = goal_solution(deal, "terms[0].tiers[0].rate", Goal("value", 2000))
    assert s.value == pytest.approx(2000 / (10_000 * A10), rel=1e-7) and s.current == 0.02
    # NHS NPV (no NHS costs): r × 10,000 × A35 = 500  ->  r = 500 / 45,150.52 = 1.1074%
    s = goal_solution(deal, "terms[0].tiers[0].rate", Goal("nhs_npv", 500))
    assert s.value == pytest.approx(500 / (10_000 * A35), rel=1e-7)
    # NHS share of the partner's value (40% margin × sales, no development cost): r / 0.4 = 10% -> r = 4%
    s = goal_solution(deal, "terms[0].tiers[0].rate", Goal("share", 0.10))
    assert s.value == pytest.approx(0.04, rel=1e-7)
    # the partner's walk-away: 0.4 × sales − r × sales = 0  ->  r = 40%
    s = goal_solution(deal, "terms[0].tiers[0].rate", Goal("partner_walk_away"))
    assert s.value == pytest.approx(0.40, rel=1e-7)


def test_a_minimum_irr_moves_the_partners_walk_away_only_where_timing_differs():
    # A flat royalty scales with sales year by year, so the partner's IRR is the same at any rate: min IRR or not,
    # it walks away at 40%. An upfront fee does not scale: at a 20% minimum IRR the most it pays at signature is
    # 0.4 × 10,000 × Σ 1.2^-t = 11,962.45, against 15,163.15 at its 10% rate.
    deal = fixed_sales([ROYALTY], negotiation={"partner_min_irr": 0.2})
    assert goal_solution(deal, "terms[0].tiers[0].rate", Goal("partner_walk_away")).value == pytest.approx(0.4)
    fee = goal_solution(fixed_sales([{"kind": "access_fee", "amount_gbp": 0}], negotiation={"partner_min_irr": 0.2}),
                        "terms[0].amount_gbp", Goal("partner_walk_away"))
    assert fee.value == pytest.approx(4000 * sum(1.2 ** -t for t in range(1, 6)), rel=1e-7)
    plain = goal_solution(fixed_sales([{"kind": "access_fee", "amount_gbp": 0}]), "terms[0].amount_gbp",
                          Goal("partner_walk_away"))
    assert plain.value == pytest.approx(4000 * A10, rel=1e-7)


@pytest.mark.parametrize("term, path, closed_form", [
    # an upfront fee at signature is not discounted: fee = X
    ({"kind": "access_fee", "amount_gbp": 1}, "terms[0].amount_gbp", lambda x: x),
    # a subscription in years 1-5: s × A35 = X
    ({"kind": "subscription", "amount_gbp_per_year": 1, "years": 5}, "terms[0].amount_gbp_per_year",
     lambda x: x / A35),
    # equity: stake × £2m × 30% × 1.035^-4 = X
    ({"kind": "equity", "stake": 0.01, "exit_value_gbp": 2_000_000, "exit_year": 4, "exit_probability": 0.3},
     "terms[0].stake", lambda x: x / (2_000_000 * 0.3 * 1.035 ** -4)),
    # an NHS price discount on UK list sales: d × 10,000 × A35 = X
    ({"kind": "nhs_price_discount", "price_discount": 0.01}, "terms[0].price_discount",
     lambda x: x / (10_000 * A35)),
])
def test_each_kind_of_term_solved_for_an_nhs_npv_matches_its_closed_form(term, path, closed_form):
    s = goal_solution(fixed_sales([term]), path, Goal("nhs_npv", 1_500))
    assert s.value == pytest.approx(closed_form(1_500), rel=1e-7)
    assert s.achieved == pytest.approx(1_500, abs=1e-4)


def test_a_milestone_solved_for_an_nhs_npv_is_weighted_by_its_stage_and_discounted_to_its_year():
    route = {"stages": [{"name": "A", "duration_years": 1, "probability_of_success": 0.5}],
             "sales": {"volume_per_year": 1000, "price_gbp": 10, "peak_uptake": 1, "years_to_peak": 0,
                       "operating_margin": 0.4, "end_year": 5}}
    deal = fixed_sales([{"kind": "milestone", "stage": "A", "amount_gbp": 1}], route_to_market=route)
    # m × 0.5 × 1.035^-1 = 1,000  ->  m = 2,070
    assert goal_solution(deal, "terms[0].amount_gbp", Goal("nhs_npv", 1000)).value == pytest.approx(2070, rel=1e-7)


def test_a_target_out_of_a_terms_reach_is_refused_with_the_reason():
    with pytest.raises(NoAnswer) as refused:
        # even a 100% royalty gives the NHS 10,000 × A10 = £37.9k of value: £50k is out of reach
        goal_solution(fixed_sales([ROYALTY]), "terms[0].tiers[0].rate", Goal("value", 50_000))
    assert str(refused.value) == "at 100%, the value to the NHS is only £37.9k, below £50.0k"
    with pytest.raises(NoAnswer) as refused:
        # with a £40k fee as well, even a 0% royalty gives more than £30k
        goal_solution(fixed_sales([ROYALTY, {"kind": "access_fee", "amount_gbp": 40_000}]), "terms[0].tiers[0].rate",
                      Goal("value", 30_000))
    assert str(refused.value).startswith("even at 0%, the value to the NHS is £40.0k, already above £30.0k")


# ---- reservation points and the zone ---------------------------------------------------------------------------

def test_default_positions_come_from_cost_recovery_the_fair_band_and_the_partners_value():
    deal = deal_from_data(base_data(terms=[{"kind": "access_fee", "amount_gbp": 100}, ROYALTY],
                                    contribution={"access_costs": {"preparation_gbp": 50}}))
    v = value_deal(deal)
    fair = fair_share(deal, v)
    # V: 30% margin on £2,000 of expected sales in years 3-5, less stage A (£100, year 1) and half of stage B
    # (£200 reached with chance 0.5, year 2), all at 10%.
    big_v = 0.3 * 2000 * S3_5 - 100 / 1.1 - 100 / 1.21
    z = zone(deal, v, value_contribution(deal, v))
    assert z.partner_value == pytest.approx(big_v)
    # cost recovery (£50) plus the band's low end of value share: their sum (the framework's "plus")
    assert z.nhs_walk_away.value == pytest.approx(50.0 + fair.low * big_v)
    assert z.nhs_target.value == pytest.approx(50.0 + fair.centre * big_v)
    assert z.partner_walk_away.value == pytest.approx(big_v) and z.partner_walk_away.share == 1.0
    # the offer: £100 at signature + 2% of £2,000 in years 3-5, at the partner's rate
    assert z.offer.value == pytest.approx(100 + 0.02 * 2000 * S3_5)
    assert z.exists and "inside the zone" in z.verdict


def test_positions_set_in_pounds_or_shares_replace_the_defaults():
    deal = deal_from_data(base_data(terms=[ROYALTY], negotiation={"nhs_walk_away_share": 0.2,
                                                                  "nhs_target_gbp": 700, "partner_min_irr": 0.2}))
    v = value_deal(deal)
    z = zone(deal, v, value_contribution(deal, v))
    assert z.nhs_walk_away.value == pytest.approx(0.2 * v.partner_value_before_payments)
    assert (z.nhs_target.value, z.nhs_target.basis) == (700, "set for this deal")
    # at a 20% minimum IRR the partner can give at most V at 20%, paid at signature
    at_20 = 0.3 * 2000 * sum(1.2 ** -t for t in (3, 4, 5)) - 100 / 1.2 - 100 / 1.44
    assert z.partner_walk_away.value == pytest.approx(at_20)


def test_a_position_in_pounds_and_as_a_share_at_once_is_refused():
    with pytest.raises(DealInvalid, match="give the walk-away in £ or as a share, not both"):
        deal_from_data(base_data(negotiation={"nhs_walk_away_gbp": 1, "nhs_walk_away_share": 0.1}))


def test_no_zone_is_said_plainly_with_the_changes_that_would_open_one():
    # The NHS's costs of access (£2,000) exceed everything the partner's product is worth (about £1,060).
    deal = deal_from_data(base_data(terms=[ROYALTY], contribution={"access_costs": {"preparation_gbp": 2000}}))
    v = value_deal(deal)
    z = zone(deal, v, value_contribution(deal, v))
    assert not z.exists and z.verdict.startswith("There is no zone of agreement")
    assert z.openers
    for opener in z.openers:
        # each, applied with a hair to spare in its own direction, does open a zone
        step = 1.001 if opener.needed > opener.current else 0.999
        opened = deal_with(deal, opener.path, opener.needed * step)
        ov = value_deal(opened)
        assert zone(opened, ov, value_contribution(opened, ov), openers=False).exists, opener


def test_a_non_commercial_deal_has_no_commercial_zone():
    deal = load_deal(next(p for p in example_paths() if p.name == "academic-study-consent.yaml"))
    n = negotiate(deal)
    assert not n.zone.exists and n.zone.verdict.startswith("Non-commercial use") and not n.offers
    assert not n.zone.partner_walk_away.applies
    assert [r.position for r in n.term_results] == ["NHS walk-away", "NHS target"]



def _zone(deal):
    v = value_deal(deal)
    return zone(deal, v, value_contribution(deal, v))


def test_an_offer_is_inside_the_zone_only_between_both_walk_aways():
    # V is about £1,060 and the 2% royalty gives the NHS 0.02 × 2,000 × S3_5 = £83 (see the tests above).
    assert _zone(deal_from_data(base_data(terms=[ROYALTY]))).offer_inside
    short = _zone(deal_from_data(base_data(terms=[ROYALTY], negotiation={"nhs_walk_away_gbp": 300})))
    assert short.exists and short.offer.value < 300 and not short.offer_inside
    greedy = _zone(deal_from_data(base_data(terms=[ROYALTY, {"kind": "access_fee", "amount_gbp": 2000}])))
    assert greedy.exists and greedy.offer.value > greedy.partner_walk_away.value and not greedy.offer_inside
    costly = {"access_costs": {"preparation_gbp": 2000}}
    no_zone = _zone(deal_from_data(base_data(terms=[ROYALTY], contribution=costly)))
    assert not no_zone.exists and not no_zone.offer_inside


def test_a_goal_starts_at_the_nhss_target_on_its_own_scale():
    z = _zone(deal_from_data(base_data(terms=[ROYALTY], negotiation={"nhs_target_gbp": 700})))
    assert default_goal(z, "value") == Goal("value", 700) == Goal("value", z.nhs_target.value)
    assert default_goal(z, "nhs_npv") == Goal("nhs_npv", 700)
    assert default_goal(z, "share") == Goal("share", pytest.approx(700 / z.partner_value))
    assert default_goal(z, "partner_walk_away") == Goal("partner_walk_away")
    with pytest.raises(ValueError, match="'upfront' is not a goal"):
        default_goal(z, "upfront")


def test_a_share_goal_starts_at_zero_when_the_partners_value_is_not_positive():
    # Sales at £0 leave the partner nothing but its development costs: no share of its value can be measured.
    sales = {**base_data()["route_to_market"]["sales"], "price_gbp": 0}
    z = _zone(deal_from_data(base_data(terms=[ROYALTY], route_to_market={
        **base_data()["route_to_market"], "sales": sales})))
    assert z.nhs_target.share is None and default_goal(z, "share") == Goal("share", 0.0)


def test_the_term_to_solve_for_is_the_closing_term_else_the_first_the_solver_can_move():
    fee_and_royalty = deal_from_data(base_data(terms=[{"kind": "access_fee", "amount_gbp": 100}, ROYALTY]))
    # the framework's usual mechanisms (upfront first) before a royalty, its minority case
    assert default_term(fee_and_royalty) == "terms[0].amount_gbp"
    milestone = deal_from_data(base_data(terms=[{"kind": "milestone", "stage": "A", "amount_gbp": 100}]))
    assert default_term(milestone) == "terms[0].amount_gbp"  # a milestone, the third closing kind
    assert default_term(deal_from_data(base_data())) is None


def test_only_a_non_commercial_research_use_is_not_commercial():
    academic = load_deal(next(p for p in example_paths() if p.name == "academic-study-consent.yaml"))
    assert not commercial(academic) and not negotiate(academic, offers=False, sensitivities=False).commercial
    assert commercial(deal_from_data(base_data(terms=[ROYALTY])))


# ---- equivalent offers -----------------------------------------------------------------------------------------

def _every_structure_possible(path) -> bool:
    """A commercial example with development stages and sales: every structure (milestones, a royalty) can be built.
    Issue 16's examples without stages (already on the market) or without a product are checked in
    tests/test_partnership_examples.py."""
    deal = load_deal(path)
    route = deal.route_to_market
    return commercial(deal) and route is not None and bool(route.stages) and route.sales is not None


@pytest.mark.parametrize("path", [p for p in example_paths() if _every_structure_possible(p)], ids=lambda p: p.stem)
def test_every_equivalent_offer_of_every_example_reaches_the_target_within_a_pound(path):
    deal = load_deal(path)
    n = negotiate(deal, trials=2000)
    made = [o for o in n.offers if o.deal is not None]
    assert [o.key for o in n.offers] == list(STRUCTURES) and len(made) >= 4
    for offer in made:
        assert abs(offer.value_to_nhs - n.offers_target) < 1.0, offer.name
        assert abs(value_deal(offer.deal).payments_to_nhs_partner_pv - n.offers_target) < 1.0
    # At the same value to the NHS every structure costs the partner the same before tax (its NPV less the present
    # value of its corporation tax line); after tax they differ by when the payments fall against taxable profit.
    def before_tax(o):
        v = value_deal(o.deal)
        tax = sum(x.present_value for x in v.partner_lines if x.key == "partner.corporation_tax")
        return v.partner_npv - tax
    partner = [before_tax(o) for o in made]
    assert max(partner) - min(partner) < 1.0
    upfront = next(o for o in made if o.key == "upfront")
    assert upfront.nhs_p10 == pytest.approx(upfront.nhs_npv) == pytest.approx(upfront.nhs_p90)
    assert upfront.contingent == 0


def test_the_royalty_offer_is_sized_in_closed_form_and_pays_later():
    deal = fixed_sales([{"kind": "access_fee", "amount_gbp": 1000}, ROYALTY])
    offer = build_offer(deal, "royalty", 5000, trials=500)
    # The fee stays (cost recovery); the royalty adds 5,000 − 1,000 at the partner's rate: r = 4,000 / (10,000 A10)
    rate = offer.deal.terms[1].tiers[0].rate
    assert rate == pytest.approx(4000 / (10_000 * A10), rel=1e-9)
    assert offer.early_payments == pytest.approx(1000 + 2 * rate * 10_000)   # the fee, and royalties in years 1-2
    assert offer.contingent == pytest.approx(4000 / 5000)


def test_a_structure_that_cannot_be_built_says_why():
    deal = fixed_sales([ROYALTY])
    assert "no development stages" in build_offer(deal, "milestones", 1000).note
    assert build_offer(deal, "mix", 1000, mix={"upfront": 0, "royalty": 0}).note == \
        "Your mix: give at least one instrument a weight"


def test_a_mix_splits_the_value_added_by_its_weights():
    deal = fixed_sales([{"kind": "access_fee", "amount_gbp": 1000}])
    offer = build_offer(deal, "mix", 5000, mix={"upfront": 1, "royalty": 3}, trials=500)
    fee, upfront, royalty = offer.deal.terms
    # 4,000 to add: a quarter upfront (£1,000 at signature), three quarters as royalty (3,000 / (10,000 A10))
    assert upfront.amount_gbp == pytest.approx(1000)
    assert royalty.tiers[0].rate == pytest.approx(3000 / (10_000 * A10), rel=1e-9)
    assert offer.value_to_nhs == pytest.approx(5000, abs=1e-6)


# ---- counter-offers --------------------------------------------------------------------------------------------

def test_an_offer_and_a_counter_offer_show_each_figure_and_term_with_its_difference():
    offer = fixed_sales([ROYALTY])
    counter = fixed_sales([{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.03}]}])
    c = compare([("Offer", offer), ("Counter-offer", counter)])
    nhs = next(r for r in c.figures if r.label == "NHS NPV")
    # one more point of royalty on £10,000 a year for 5 years at 3.5%: 0.01 × 10,000 × A35 = £451.51
    assert nhs.change == pytest.approx(0.01 * 10_000 * A35) and nhs.change_text == "+£452"
    share = next(r for r in c.figures if r.label == "NHS share of value")
    assert share.change == pytest.approx(0.01 / 0.4) and share.change_text == "+2.5 percentage points"
    rate = next(r for r in c.inputs if r.path == "terms[0].tiers[0].rate")
    assert rate.change == pytest.approx(0.01) and rate.label == "Royalty (term 1): rate (%), tier 1"
    assert rate.texts == ["2%", "3%"] and rate.change_text == "+1 percentage point"  # a rate changes in points


# ---- the CLI ---------------------------------------------------------------------------------------------------

IMAGING = next(p for p in example_paths() if p.name == "ai-imaging-device.yaml")


def test_negotiate_takes_a_target_in_pounds_or_as_a_share(capsys):
    assert main(["negotiate", str(IMAGING), "--json", "--target", "£300k"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["zone"]["nhs_target"]["value_gbp"] == 300_000
    assert data["equivalent_offers"]["target_gbp"] == 300_000
    assert main(["negotiate", str(IMAGING), "--json", "--target", "20%"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["zone"]["nhs_target"]["share"] == pytest.approx(0.2)


def test_negotiate_refuses_a_bad_target_term_or_mix_with_a_reason(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["negotiate", str(IMAGING), "--target", "lots"])
    assert stop.value.code == 2 and "must be an amount in £" in capsys.readouterr().err
    assert main(["negotiate", str(IMAGING), "--term", "terms[9].rate"]) == 1
    assert "'terms[9].rate' is not a term that can be solved for" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["negotiate", str(IMAGING), "--mix", "gold=1"])
    assert "unknown kind 'gold'" in capsys.readouterr().err


def test_negotiate_prints_the_positions_the_zone_and_the_offers(capsys):
    assert main(["negotiate", str(IMAGING), "--term", "terms[0].amount_gbp"]) == 0
    out = capsys.readouterr().out
    deal = load_deal(IMAGING)
    n = negotiate(deal, term="terms[0].amount_gbp")
    assert n.zone.verdict in out and "Equivalent offers" in out
    assert "What access fee (term 1): amount (£) would have to be" in out

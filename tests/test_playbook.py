"""The negotiation playbook (valueshare.negotiation.playbook): one ask, the opening, the ladder of complete deals the
engine values, and an honest version for deals with no partner's value to share."""

from __future__ import annotations

import math

import pytest
from builders import base_data

from valueshare import deal_from_data, load_deal, value_deal
from valueshare.format import money
from valueshare.negotiation import negotiate
from valueshare.negotiation.playbook import ladder_parts, playbook
from valueshare.scenario import example_paths

#: The milestone factor of the builders' deal: stage A succeeds with probability 0.5 and ends in year 1, stage B
#: with 0.8 after it (0.4 in all) and ends in year 2, so £1 on each milestone is worth 0.5/1.1 + 0.4/1.1² at the
#: partner's 10% rate, worked by hand.
MILESTONE_FACTOR = 0.5 / 1.1 + 0.4 / 1.1**2


def small_deal():
    """The builders' five-year deal with one £500 access fee at signature and £400 of NHS costs of access."""
    return deal_from_data(base_data(
        terms=[{"kind": "access_fee", "amount_gbp": 500, "frequency": "one_off", "start_year": 0}],
        contribution={"access_costs": {"preparation_gbp": 400, "yearly_gbp": 0, "years": 3}}))


def test_the_ladders_parts_move_the_upfront_into_contingent_payments_then_concede_from_the_subscription():
    # opening £1,000, fees £100: £900 beyond them, 30/20/50 -> 270 / 180 / 450; step 1 moves half the upfront (135)
    # into the contingent payments (585); step 2 the rest (720); the ask (£800) leaves £700 beyond the fees, less
    # than the 720 held, so the subscription goes and the contingent payments fall to 700; the walk-away, 400.
    assert ladder_parts(1000, 100, {"opening": 1000, "ask": 800, "walk_away": 500}) == [
        (270.0, 180.0, 450.0), (135.0, 180.0, 585.0), (0.0, 180.0, 720.0), (0.0, 0.0, 700.0), (0.0, 0.0, 400.0)]


def test_a_small_deals_playbook_worked_by_hand():
    deal = small_deal()
    n = negotiate(deal, trials=100, offers=False, sensitivities=False)
    pb = playbook(n)
    v, fair = n.valuation, n.assessment.fair_share
    value = v.partner_value_before_payments   # V, the engine's (worked in test_engine_golden's docstring)
    assert pb.commercial and pb.why_not == ""
    # the ask is the zone's target: costs + the band's centre × V; one figure, with its share of V
    assert pb.ask.value == pytest.approx(400 + fair.centre * value)
    assert pb.ask.value == n.zone.nhs_target.value and pb.ask.share == pytest.approx(pb.ask.value / value)
    # the opening: costs + the band's high end × V = 400 + 0.1388 × 1,059.60 = £547.05, below the cap (halfway
    # from the ask to the partner's walk-away, V)
    opening = 400 + fair.high * value
    assert opening < pb.ask.value + (value - pb.ask.value) / 2
    assert pb.opening.value == pytest.approx(opening) and pb.opening.rung.value == pytest.approx(opening, abs=1e-6)
    # beyond the £500 fee (worth £500: paid at signature), 30% upfront, 50% on the two milestones
    extra = opening - 500
    s = pb.opening.rung.structure
    assert s.upfront == pytest.approx(0.3 * extra) and s.milestone == pytest.approx(0.5 * extra / MILESTONE_FACTOR)
    # step 1 and 2: the upfront halves, then goes, into the milestones (50% + 15%, then + 30%), at the same value
    one, two, three = pb.steps
    assert one.rung.structure.upfront == pytest.approx(0.15 * extra)
    assert one.rung.structure.milestone == pytest.approx(0.65 * extra / MILESTONE_FACTOR)
    assert two.rung.structure.upfront == 0 and two.rung.structure.milestone == pytest.approx(
        0.8 * extra / MILESTONE_FACTOR)
    assert one.change == pytest.approx(0, abs=1e-6) and two.change == pytest.approx(0, abs=1e-6)
    # step 3, to the ask: £10.57 beyond the fee, less than the milestones held, so the subscription goes and the
    # milestones carry it all
    assert three.rung.value == pytest.approx(pb.ask.value, abs=1e-6) and three.rung.structure.subscription == 0
    assert three.rung.structure.milestone == pytest.approx((pb.ask.value - 500) / MILESTONE_FACTOR)
    # the walk-away (£474.08) is below what the £500 fee alone gives: there is no step to it
    assert pb.walk_away.value < 500 and len(pb.steps) == 3
    # the objections answer from the partner's own figures at the opening
    assert f"At the opening terms your NPV is {money(value_deal(pb.opening.rung.deal).partner_npv)}" in \
        pb.objections[0].answer


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_every_examples_playbook_builds_and_says_what_does_not_apply(path):
    deal = load_deal(path)
    n = negotiate(deal, trials=100, offers=False)
    pb = playbook(n)
    figures = [pb.ask.value, pb.opening.value, pb.walk_away.value] + [s.rung.value for s in pb.steps]
    assert all(math.isfinite(x) for x in figures)
    assert pb.red_lines and pb.objections and pb.fallback and pb.sign_off.approvers
    if n.zone.partner_value > 0 and n.zone.exists:
        assert pb.commercial and 3 <= len(pb.steps) <= 5
        values = [pb.opening.value] + [s.rung.value for s in pb.steps]
        # each step concedes or trades at the same value (within £1 of sizing), never asks for more
        assert all(after <= before + 1.0 for before, after in zip(values, values[1:], strict=False))
        assert pb.opening.value >= pb.ask.value >= pb.walk_away.value
        assert all(s.rung.value >= pb.walk_away.value - 1 for s in pb.steps)
    else:
        assert not pb.commercial and pb.why_not and not pb.steps


def test_a_partner_walk_away_above_its_value_says_why():
    data = base_data(terms=[{"kind": "access_fee", "amount_gbp": 500, "frequency": "one_off", "start_year": 0}],
                     negotiation={"partner_min_irr": 0.05})
    deal = deal_from_data(data)
    pb = playbook(negotiate(deal, trials=100, offers=False, sensitivities=False))
    assert "more than its whole value before payments at its own rate" in pb.partner_walk_away
    assert "minimum IRR (5.0%) is below its discount rate (10.0%)" in pb.partner_walk_away

"""Issue 15: the framework's verdicts judged by value, whatever the mechanism; cost recovery reported apart from the
value share beyond it; principle 4 bounded above; patient benefit first; each rule with its source.

Every figure is worked by hand on the five-year deal of ``builders.base_data`` (no inflation, no tax), whose
partner value before payments is, at its 10% rate (test_framework's closed form):
    S = 1.1^-3 + 1.1^-4 + 1.1^-5;  V = 0.3 × 0.4 × 5,000 × S − 100/1.1 − 100/1.21.
"""

from __future__ import annotations

import copy
import json

import pytest
from builders import base_data

from valueshare import deal_from_data, value_deal
from valueshare.cli import main
from valueshare.compare import compare
from valueshare.contribution import value_contribution
from valueshare.framework import aims_of, assess, closing_term, patient_first_flags
from valueshare.framework.principles import Status
from valueshare.mechanisms import closing_defaults
from valueshare.negotiation.equivalents import DEFAULT_MIX
from valueshare.negotiation.zone import zone
from valueshare.scenario import deal_to_yaml

S = sum(1.1 ** -t for t in (3, 4, 5))
V = 0.3 * 0.4 * 5000 * S - 100 / 1.1 - 100 / 1.21
COSTS = 500.0  # the NHS's preparation cost, at signature: its present value at any rate
CURATED = {"name": "Images", "data_type": "imaging", "patients": 50_000, "history_years": 12,
           "curation": "curated", "linked": True, "unique": True}
# The fair band for these scores (test_framework: NHS 20/6, partner 10/4): centre 0.15 × c / 0.5, low 0.67 × centre.
C = (20 / 6) / (20 / 6 + 10 / 4)
CENTRE = 0.15 * C / 0.5
LOW, HIGH = CENTRE * 0.67, CENTRE * 1.33


def commercial(terms, **changes):
    return base_data(terms=terms, contribution={"data_assets": [CURATED], "access_costs": {"preparation_gbp": COSTS}},
                     partner={"name": "Pharma", "kind": "large_company"}, **changes)


def check(data, key):
    return next(c for c in assess(deal_from_data(data)).checks if c.key == key)


def test_the_hand_worked_band_and_partner_value_hold():
    deal = deal_from_data(commercial([{"kind": "access_fee", "amount_gbp": COSTS}]))
    v, f = value_deal(deal), assess(deal).fair_share
    assert v.partner_value_before_payments == pytest.approx(V)
    assert (f.low, f.centre, f.high) == pytest.approx((LOW, CENTRE, HIGH))


# ---- cost recovery, and the value share beyond it ---------------------------------------------------------------

def test_cost_recovery_and_the_value_share_beyond_it_are_reported_apart():
    fee = COSTS + 0.2 * V  # an upfront at signature: worth its amount at any rate
    v = value_deal(deal_from_data(commercial([{"kind": "access_fee", "amount_gbp": fee}])))
    assert v.nhs_access_costs == pytest.approx(COSTS)
    assert v.value_share_gbp == pytest.approx(0.2 * V)           # beyond cost recovery
    assert v.value_share == pytest.approx(0.2)
    assert v.cost_recovery_share == pytest.approx(COSTS / V)
    assert v.nhs_share == pytest.approx(v.value_share + v.cost_recovery_share)
    data = v.to_dict()
    assert data["value_share_gbp"] == pytest.approx(round(0.2 * V, 2))
    assert data["nhs_access_costs_gbp"] == pytest.approx(COSTS)


def test_the_fair_band_applies_to_the_value_share_and_the_walk_away_is_costs_plus_the_bands_low_end():
    deal = deal_from_data(commercial([{"kind": "access_fee", "amount_gbp": COSTS}]))
    v = value_deal(deal)
    a = assess(deal, v)
    assert a.fair_share.actual == pytest.approx(0.0, abs=1e-12)   # cost recovery alone shares no value
    z = zone(deal, v, value_contribution(deal, v), fair=a.fair_share, openers=False)
    assert z.nhs_walk_away.value == pytest.approx(COSTS + LOW * V)  # the sum, not the larger of the two
    assert "plus" in z.nhs_walk_away.basis


# ---- principle 3: by value, whatever the mechanism -----------------------------------------------------------------

def test_an_upfront_only_commercial_deal_with_a_fair_value_share_passes_principle_3_and_4():
    data = commercial([{"kind": "access_fee", "amount_gbp": COSTS + CENTRE * V}])
    assert check(data, "principle_3").status is Status.PASS
    assert check(data, "principle_4").status is Status.PASS


def test_a_subscription_only_commercial_deal_with_a_fair_value_share_passes_principle_3():
    # Paid in years 1 to 3: worth a × (1.1^-1 + 1.1^-2 + 1.1^-3) to the partner; sized to costs + the band's centre.
    annuity = sum(1.1 ** -t for t in (1, 2, 3))
    amount = (COSTS + CENTRE * V) / annuity
    data = commercial([{"kind": "subscription", "amount_gbp_per_year": amount, "years": 3}])
    v = value_deal(deal_from_data(data))
    assert v.value_share == pytest.approx(CENTRE)
    assert check(data, "principle_3").status is Status.PASS


def test_a_zero_revenue_share_shares_no_value_and_fails_principle_3_on_curated_data():
    data = commercial([{"kind": "access_fee", "amount_gbp": COSTS}, {"kind": "revenue_share", "rate": 0.0}])
    p3 = check(data, "principle_3")
    assert p3.status is Status.FAIL and "does not go beyond" in p3.reason
    raw = copy.deepcopy(data)
    raw["contribution"]["data_assets"] = [{**CURATED, "curation": "raw", "linked": False}]
    assert check(raw, "principle_3").status is Status.WARNING  # cost recovery only on raw data: a warning


def test_an_in_kind_term_worth_nothing_does_not_pass_principle_3():
    data = commercial([{"kind": "access_fee", "amount_gbp": COSTS},
                       {"kind": "in_kind_benefit", "description": "Thanks", "value_gbp_per_year": 0}])
    assert check(data, "principle_3").status is Status.FAIL


def test_a_small_value_share_is_a_warning_under_principle_3():
    data = commercial([{"kind": "access_fee", "amount_gbp": COSTS + 0.25 * LOW * V}])  # under half the band's low end
    assert check(data, "principle_3").status is Status.WARNING


def test_non_commercial_use_says_cost_recovery_only_is_right_and_why():
    data = base_data(use="non_commercial_research", terms=[{"kind": "access_fee", "amount_gbp": 100},
                     {"kind": "consent_to_commercialise", "probability": 0.1, "year": 2,
                      "terms": [{"kind": "access_fee", "amount_gbp": 100}]}])
    p3 = check(data, "principle_3")
    assert p3.status is Status.PASS and "Cost recovery only is the right charge" in p3.reason


# ---- principle 4: bounded above ----------------------------------------------------------------------------------

def test_a_share_of_121_percent_fails_principle_4_with_the_partners_npv():
    fee = 1.21 * V  # everything paid at signature: 121% of the partner's value
    deal = deal_from_data(commercial([{"kind": "access_fee", "amount_gbp": fee}]))
    v = value_deal(deal)
    assert v.nhs_share == pytest.approx(1.21)
    assert v.partner_npv == pytest.approx(V - fee)  # −21% of V
    p4 = next(c for c in assess(deal, v).checks if c.key == "principle_4")
    assert p4.status is Status.FAIL and "Partner NPV at its hurdle" in p4.figures
    assert "121.0%" in p4.reason


def test_above_the_band_with_the_partner_still_above_its_hurdle_is_a_warning_naming_the_risk():
    data = commercial([{"kind": "access_fee", "amount_gbp": COSTS + 1.5 * HIGH * V}])
    p4 = check(data, "principle_4")
    assert p4.status is Status.WARNING and "deter" in p4.reason


# ---- patient benefit first ----------------------------------------------------------------------------------------

def test_a_variant_that_takes_the_partner_below_its_hurdle_flags_patient_benefit():
    data = commercial([{"kind": "access_fee", "amount_gbp": COSTS}], patient_benefit={"qalys_per_patient": 0.1})
    data["variants"] = [{"name": "Greedy", "overrides": {"terms[0].amount_gbp": 2 * V}}]
    deal = deal_from_data(data)
    result = compare([("Base", deal), ("Greedy", deal.variant("Greedy"))])
    [flag] = result.flags
    assert flag.startswith("'Greedy' puts patient benefit at risk")
    assert [a.patient_benefit_at_risk for a in result.aims] == [False, True]
    # The QALYs do not move with the terms; what the terms do is make the partner walk away.
    assert result.aims[0].pillars.patient.qalys_discounted == result.aims[1].pillars.patient.qalys_discounted > 0
    assert result.aims[1].qalys_delivered == 0.0


def test_compare_json_carries_the_aims_and_the_flags(tmp_path, capsys):
    data = commercial([{"kind": "access_fee", "amount_gbp": COSTS}], patient_benefit={"qalys_per_patient": 0.1})
    data["variants"] = [{"name": "Greedy", "overrides": {"terms[0].amount_gbp": 2 * V}}]
    path = tmp_path / "deal.yaml"
    path.write_text(deal_to_yaml(deal_from_data(data)), encoding="utf-8")
    assert main(["compare", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [a["name"] for a in out["aims"]] == ["Base", "Greedy"]
    assert [a["patient_benefit"]["at_risk"] for a in out["aims"]] == [False, True]
    assert out["patient_first_flags"][0].startswith("'Greedy' puts patient benefit at risk")
    assert main(["compare", str(path)]) == 0
    text = capsys.readouterr().out
    assert "1. Patient benefit at risk" in text and "Patient-first flag: 'Greedy'" in text


def test_an_alternative_with_fewer_qalys_is_flagged_whatever_it_does_for_the_nhs():
    base = deal_from_data(commercial([{"kind": "access_fee", "amount_gbp": COSTS}],
                                     patient_benefit={"qalys_per_patient": 0.1}))
    worse = deal_from_data(commercial([{"kind": "access_fee", "amount_gbp": COSTS + 10}],
                                      patient_benefit={"qalys_per_patient": 0.05}))
    aims = [aims_of(n, d, value_deal(d)) for n, d in (("Offer", base), ("Counter", worse))]
    [flag] = patient_first_flags(aims)
    assert flag.startswith("'Counter' lowers patient benefit against 'Offer'") and "raises the NHS's return" in flag


# ---- royalties are the framework's minority case ------------------------------------------------------------------

def test_the_closing_term_and_the_default_mix_do_not_start_with_a_royalty():
    assert [m.kind for m in closing_defaults()][:3] == ["access_fee", "subscription", "milestone"]
    deal = deal_from_data(commercial([{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.01}]},
                                      {"kind": "access_fee", "amount_gbp": COSTS}]))
    assert closing_term(deal) == "terms[1].amount_gbp"
    assert DEFAULT_MIX["royalty"] == 0.0 and sum(DEFAULT_MIX.values()) == pytest.approx(1.0)


def test_a_royalty_is_tagged_as_the_frameworks_minority_case_and_a_price_discount_is_not():
    data = commercial([{"kind": "access_fee", "amount_gbp": COSTS},
                       {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.2}]}])
    assert "minority" in check(data, "principle_3").reason
    data["terms"][1] = {"kind": "nhs_price_discount", "price_discount": 0.2}  # sales-linked, but no royalty
    assert "minority" not in check(data, "principle_3").reason


# ---- the 2019 guiding principles, each with its real source --------------------------------------------------------

def test_each_rule_names_its_source_and_consent_to_commercialise_comes_from_the_framework_and_2023():
    data = base_data(use="non_commercial_research", terms=[{"kind": "access_fee", "amount_gbp": 100}])
    checks = {c.key: c for c in assess(deal_from_data(data)).checks}
    assert "Practical applications" in checks["consent_to_commercialise"].source
    assert "2019" not in checks["consent_to_commercialise"].source
    for key in ("patient_benefit_aim", "no_exclusivity", "transparency"):
        assert checks[key].source.startswith("DHSC, Creating the right framework")
    assert all(c.to_dict()["source"] for c in checks.values())


@pytest.mark.parametrize("purpose, qalys, status", [
    ("", 0.0, Status.WARNING), ("Earlier diagnosis of lung cancer", 0.0, Status.WARNING),
    ("", 0.1, Status.WARNING), ("Earlier diagnosis of lung cancer", 0.1, Status.PASS)])
def test_the_patient_benefit_aim_must_be_explicit_and_quantified(purpose, qalys, status):
    data = base_data(purpose=purpose, patient_benefit={"qalys_per_patient": qalys})
    assert check(data, "patient_benefit_aim").status is status


def test_exclusive_rights_beyond_raw_data_must_be_limited_in_field_and_time():
    assert check(base_data(exclusive_raw_data_access=True), "no_exclusivity").status is Status.FAIL
    unbounded = base_data(exclusivity={"derived_exclusive": True})
    found = check(unbounded, "no_exclusivity")
    assert found.status is Status.WARNING and "to a field of use and in time" in found.reason
    bounded = base_data(exclusivity={"derived_exclusive": True, "field_of_use": "retinal screening", "years": 3})
    assert check(bounded, "no_exclusivity").status is Status.PASS


def test_transparency_wants_something_published():
    assert check(base_data(), "transparency").status is Status.WARNING
    assert check(base_data(transparency={"data_use_register": True}), "transparency").status is Status.PASS


def test_without_a_partner_value_principle_3_judges_the_value_share_in_pounds():
    # No route to market: the partner's value is not modelled, so the share has no meaning, but £1,000 against
    # £500 of costs still shares £500 beyond cost recovery; £500 against £500 shares nothing.
    data = base_data(route_to_market=None, terms=[{"kind": "access_fee", "amount_gbp": 1000}],
                     contribution={"data_assets": [CURATED], "access_costs": {"preparation_gbp": COSTS}})
    found = check(data, "principle_3")
    assert found.status is Status.PASS and "£500 beyond it" in found.reason
    data["terms"][0]["amount_gbp"] = COSTS
    assert check(data, "principle_3").status is Status.FAIL

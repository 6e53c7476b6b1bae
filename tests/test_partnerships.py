"""Issue 16's structures, each valued by hand: a consortium's split, the NHS as a buyer (spend, savings, rebates and
other NHS bodies' part kept apart from receipts), grants, a platform's users sharing curation, and a partnership
without a product.

Every deal here discounts at 0% and has no tax or inflation, so a present value is the sum of its years and each
figure can be checked with a pencil; the comments show the sums.
"""

from __future__ import annotations

from typing import Any

import pytest

from valueshare import deal_from_data, value_deal
from valueshare.errors import DealInvalid
from valueshare.sharing import for_partner


def deal(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format_version": 3, "name": "Partnership", "nhs": {"name": "Lead Trust", "kind": "trust"},
        "partner": {"name": "Partner Ltd", "kind": "sme"}, "use": "commercial_research",
        "assumptions": {"horizon_years": 3, "nhs_discount_rate": 0, "nhs_discount_rate_after_30": 0,
                        "nhs_discount_rate_after_75": 0, "partner_discount_rate": 0, "partner_tax_rate": 0,
                        "inflation_rate": 0},
        "terms": [],
    }
    data.update(changes)
    return data


def line(v, key):
    return next(x for x in v.nhs_lines if x.key == key)


# ---------------------------------------------------------------------------------------------------- consortium

def _consortium(split: str, **member_changes: Any) -> dict[str, Any]:
    members = [{"name": "A Trust", "records": 600_000, "own_costs": {"preparation_gbp": 10_000}},
               {"name": "B Trust", "records": 300_000},
               {"name": "C University", "is_nhs": False, "records": 100_000,
                "own_costs": {"yearly_gbp": 5_000, "years": 1}}]
    for k, changes in member_changes.items():
        members[int(k[1:])].update(changes)
    return deal(nhs={"name": "Example ICS", "kind": "icb", "members": members, "split": split},
                contribution={"access_costs": {"preparation_gbp": 30_000}},
                terms=[{"kind": "access_fee", "amount_gbp": 130_000}])


def test_a_three_member_consortium_split_by_records_gives_each_its_share_net_of_its_own_costs():
    v = value_deal(deal_from_data(_consortium("by_records")))
    by_name = {m.name: m for m in v.members}
    # shares 600k : 300k : 100k records = 60%, 30%, 10%; what is shared: the fee 130,000 less shared costs 30,000
    assert [m.share for m in v.members] == pytest.approx([0.6, 0.3, 0.1])
    assert by_name["A Trust"].npv == pytest.approx(0.6 * 100_000 - 10_000)          # 50,000
    assert by_name["B Trust"].npv == pytest.approx(0.3 * 100_000)                   # 30,000
    assert by_name["C University"].npv == pytest.approx(0.1 * 100_000 - 5_000)      # 5,000
    # cost recovery: its share of the fee over its share of the shared costs plus its own costs
    assert by_name["A Trust"].cost_recovery == pytest.approx(78_000 / (18_000 + 10_000))   # 2.79×
    assert by_name["B Trust"].cost_recovery == pytest.approx(39_000 / 9_000)              # 4.33×
    assert by_name["C University"].cost_recovery == pytest.approx(13_000 / (3_000 + 5_000))  # 1.63×
    # the NHS's figures are its NHS members': 50,000 + 30,000; the university's 10% of 100,000 goes out as a line
    assert v.nhs_npv == pytest.approx(80_000)
    assert line(v, "co_owners").present_value == pytest.approx(-10_000)
    # the university's own costs are not the NHS's: only A Trust's own costs are an NHS line
    assert line(v, "costs.members[0]").present_value == pytest.approx(-10_000)
    assert not any(x.key == "costs.members[2]" for x in v.nhs_lines)


def test_a_split_by_contribution_follows_each_members_own_costs():
    v = value_deal(deal_from_data(_consortium("by_contribution")))
    # own costs 10,000 (A), 0 (B), 5,000 (C): shares 2/3, 0, 1/3
    assert [m.share for m in v.members] == pytest.approx([2 / 3, 0.0, 1 / 3])
    assert v.members[0].npv == pytest.approx(2 / 3 * 100_000 - 10_000)


def test_fixed_shares_must_be_given_for_everyone_and_add_up_to_100_percent():
    with pytest.raises(DealInvalid, match="fixed shares must add up to 100%; they add up to 90%"):
        deal_from_data(_consortium("fixed", m0={"share": 0.5}, m1={"share": 0.3}, m2={"share": 0.1}))
    with pytest.raises(DealInvalid, match="every member needs its share"):
        deal_from_data(_consortium("fixed", m0={"share": 0.5}))
    with pytest.raises(DealInvalid, match=r"nhs\.members\[0\]\.share: a fixed share is used only with split: fixed"):
        deal_from_data(_consortium("by_records", m0={"share": 0.5}))
    v = value_deal(deal_from_data(_consortium("fixed", m0={"share": 0.5}, m1={"share": 0.3}, m2={"share": 0.2})))
    assert v.nhs_npv == pytest.approx(0.5 * 100_000 - 10_000 + 0.3 * 100_000)  # 70,000


def test_with_no_split_agreed_the_consortium_is_valued_whole_and_says_why_there_are_no_member_figures():
    v = value_deal(deal_from_data(_consortium("not_agreed")))
    # every cost the NHS members bear, and the whole fee: 130,000 − 30,000 − 10,000
    assert v.nhs_npv == pytest.approx(90_000) and v.members == []
    assert "not agreed" in v.members_note


# -------------------------------------------------------------------------------------------- the NHS as a buyer

def _bought(**sales: Any) -> dict[str, Any]:
    """A product on the market from signature: 1,000 units a year at £100, 50% uptake from launch (no ramp), sold
    in years 1 to 3; 60% of units go to the NHS, half of those to the deal's own NHS party."""
    return deal(
        route_to_market={"sales": {"volume_per_year": 1000, "price_gbp": 100, "peak_uptake": 0.5,
                                   "starting_uptake": 0.5, "years_to_peak": 2, "nhs_share_of_sales": 0.6,
                                   "nhs_party_purchase_share": 0.5, "operating_margin": 0.3, "end_year": 3,
                                   **sales}},
        terms=[{"kind": "nhs_price_discount", "price_discount": 0.1},
               {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.05}]}],
        patient_benefit={"cost_offset_per_patient_gbp": 40, "cost_offset_basis": "gross_of_price",
                         "outcomes": [{"name": "Bed days avoided", "kind": "bed_days_avoided", "unit": "bed days",
                                       "per_year": 10, "years": 3, "value_per_unit_gbp": 300,
                                       "value_source": "a test's own figure", "cash_releasing": True}]})


def test_nhs_purchases_and_savings_are_kept_apart_from_receipts():
    v = value_deal(deal_from_data(_bought()))
    # sales 500 units × £100 = £50,000 a year. Discount: 10% × 50,000 × 60% = 3,000, of which the party's half 1,500
    # (the other 1,500 is other NHS bodies'). Royalty: 5% of net sales 50,000 × (1 − 0.6 × 0.1) = 2,350, of which
    # on NHS purchases 5% × 30,000 × 0.9 = 1,350 (half the party's rebate, 675; half other bodies', 675) and on
    # sales outside the NHS 5% × 20,000 = 1,000.
    assert line(v, "terms[0]").yearly.tolist() == pytest.approx([0, 1500, 1500, 1500])
    assert line(v, "terms[1]").yearly.tolist() == pytest.approx([0, 1675, 1675, 1675])   # 1,000 + 675
    assert v.nhs_receipts == pytest.approx(3 * 1_000)                # only the royalty on sales outside the NHS
    assert v.nhs_price_terms == pytest.approx(3 * (1_500 + 675))     # 6,525: less spend, not income
    assert v.other_nhs_bodies == pytest.approx(3 * (1_500 + 675))    # 6,525: theirs, not in the NHS NPV
    assert v.nhs_npv == pytest.approx(3 * (1_500 + 1_675))           # 9,525 = receipts + price terms
    # spend: the party buys 50,000 × 60% × 50% = 15,000 a year at list price, less its discount and rebate
    assert v.nhs_buys_product
    assert v.nhs_product_spend == pytest.approx(-(45_000 - 6_525))
    # savings: 300 NHS patients a year (1 per unit), the party's half 150 × £40 = 6,000, plus 10 bed days × £300
    assert v.nhs_savings == pytest.approx(3 * (6_000 + 3_000))
    assert v.nhs_npv_with_product == pytest.approx(9_525 + 27_000 - 45_000)   # −8,475
    # the partner pays all of it, whoever it reaches: 3,000 + 2,350 a year
    assert v.payments_to_nhs_partner_pv == pytest.approx(3 * 5_350)


def test_a_royalty_on_the_nhs_parties_own_purchases_is_a_rebate_not_a_receipt():
    data = _bought(nhs_share_of_sales=1.0, nhs_party_purchase_share=1.0)
    data["terms"] = [{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.05}], "territory": "uk"}]
    v = value_deal(deal_from_data(data))
    # every unit is the party's purchase: the 5% royalty on £50,000 a year (2,500) comes back out of its own spend
    assert v.nhs_receipts == pytest.approx(0.0)
    assert v.nhs_price_terms == pytest.approx(3 * 2_500)
    assert v.nhs_product_spend == pytest.approx(-(3 * 50_000 - 3 * 2_500))
    assert v.nhs_npv == pytest.approx(7_500) and v.other_nhs_bodies == 0.0


def test_savings_net_of_price_are_not_charged_the_spend_again():
    v = value_deal(deal_from_data(_bought(nhs_share_of_sales=0.6)))
    data = _bought()
    data["patient_benefit"]["cost_offset_basis"] = "net_of_price"
    net = value_deal(deal_from_data(data))
    # the same savings, but no list-price spend taken off: 9,525 + 27,000
    assert net.nhs_npv_with_product == pytest.approx(36_525)
    assert v.nhs_npv_with_product == pytest.approx(36_525 - 45_000)


def test_a_product_already_on_the_market_starts_at_its_uptake_and_rises_to_peak():
    data = _bought(starting_uptake=0.2, peak_uptake=0.5, years_to_peak=2)
    data["terms"] = [{"kind": "revenue_share", "rate": 0.1}]
    v = value_deal(deal_from_data(data))
    # uptake 0.2 + 0.3 × min(s / 2, 1): year 1 averages 0.2 + 0.3 × 0.25 = 0.275, year 2 0.2 + 0.3 × 0.75 = 0.425,
    # year 3 0.5; × 1,000 units × £100
    assert v.expected_sales.tolist() == pytest.approx([0, 27_500, 42_500, 50_000])
    assert v.launch_year == 0.0 and v.launch_probability == 1.0
    # money only comes in to the partner: it has no IRR, and says so
    assert v.partner_irr.value is None and v.partner_irr.caveat()


def test_the_uptake_at_launch_cannot_be_above_the_peak():
    with pytest.raises(DealInvalid, match="uptake at launch cannot be above the peak uptake"):
        deal_from_data(_bought(starting_uptake=0.6))


def test_a_money_value_for_an_outcome_needs_its_source_and_a_saving_needs_a_value():
    data = _bought()
    data["patient_benefit"]["outcomes"][0]["value_source"] = ""
    with pytest.raises(DealInvalid, match="value_source: a money value per unit needs its source"):
        deal_from_data(data)
    data["patient_benefit"]["outcomes"][0].pop("value_per_unit_gbp")
    with pytest.raises(DealInvalid, match="needs its value per unit"):
        deal_from_data(data)


# ------------------------------------------------------------------------------------------------------- grants

def _granted(amount: float, towards: str = "nhs") -> dict[str, Any]:
    return deal(contribution={"access_costs": {"preparation_gbp": 100_000}},
                terms=[{"kind": "access_fee", "amount_gbp": 50_000}],
                funding=[{"funder": "NIHR", "kind": "nihr", "towards": towards, "amount_gbp": amount,
                          "conditions": "results published"}])


def test_a_grant_towards_the_nhs_lowers_the_cost_its_fees_must_recover():
    v = value_deal(deal_from_data(_granted(60_000)))
    # the NHS bears 100,000 − 60,000 = 40,000; the fee of 50,000 recovers it 1.25 times
    assert v.nhs_access_costs == pytest.approx(40_000) and v.nhs_grants == pytest.approx(60_000)
    assert v.cost_recovery_ratio == pytest.approx(1.25)
    assert v.nhs_npv == pytest.approx(50_000 + 60_000 - 100_000)
    assert line(v, "funding[0]").label == "Grant from NIHR"
    covered = value_deal(deal_from_data(_granted(120_000)))
    assert covered.nhs_access_costs == 0.0 and covered.cost_recovery_ratio is None
    assert covered.cost_recovery_note == "grants cover all of the NHS's costs of access"


def test_a_grant_towards_the_partner_adds_to_its_value_not_the_nhss():
    v = value_deal(deal_from_data(_granted(60_000, towards="partner")))
    assert v.nhs_access_costs == pytest.approx(100_000) and v.nhs_grants == 0.0
    assert next(x for x in v.partner_lines if x.key == "partner.funding[0]").present_value == pytest.approx(60_000)
    assert v.partner_value_before_payments == pytest.approx(60_000)


# ----------------------------------------------------------------------------------------------------- platform

def _platform() -> dict[str, Any]:
    return deal(
        contribution={"access_costs": {"yearly_gbp": 30_000, "years": 2},
                      "curation": {"already_spent_gbp": 300_000, "expected_users": 5}},
        terms=[{"kind": "access_fee", "amount_gbp": 100_000}],
        platform_users=[
            {"name": "X Ltd", "terms": [{"kind": "subscription", "amount_gbp_per_year": 50_000, "years": 2}]},
            {"name": "Y plc", "terms": [{"kind": "sde_charges", "setup_gbp": 20_000, "per_user_per_month_gbp": 1_000,
                                         "users": 1, "per_project_gbp": 0, "years": 2}]}])


def test_a_platform_with_three_users_shares_its_curation_and_costs_between_them():
    v = value_deal(deal_from_data(_platform()))
    # three users of the five the curation serves bear 3/5 of 300,000 = 180,000, counted at signature
    assert line(v, "costs.curation_done").yearly.tolist() == pytest.approx([-180_000, 0, 0, 0])
    # costs 180,000 + 2 × 30,000 = 240,000; fees 100,000 + 2 × 50,000 + 20,000 + 2 × 12 × 1,000 = 244,000
    assert v.platform_access_costs == pytest.approx(240_000)
    assert v.cost_recovery_ratio == pytest.approx(244_000 / 240_000)
    assert v.nhs_npv == pytest.approx(4_000)
    # each user bears an equal 80,000: the partner recovers it 1.25×, X 1.25×, Y 44,000 / 80,000
    assert [(u.name, u.cost_share) for u in v.users] == [("Partner Ltd", pytest.approx(80_000)),
                                                          ("X Ltd", pytest.approx(80_000)),
                                                          ("Y plc", pytest.approx(80_000))]
    assert [u.cost_recovery for u in v.users] == pytest.approx([1.25, 1.25, 0.55])
    # the partner's value share is measured against its own share of the costs
    assert v.nhs_access_costs == pytest.approx(80_000)
    assert v.value_share_gbp == pytest.approx(100_000 - 80_000)


def test_more_platform_users_than_the_curation_serves_is_refused():
    data = _platform()
    data["contribution"]["curation"]["expected_users"] = 2
    with pytest.raises(DealInvalid, match="this deal has 3 users .* more than the 2"):
        deal_from_data(data)


def test_other_users_terms_and_the_nhss_cost_basis_never_reach_the_partners_file():
    shared = for_partner(deal_from_data(_platform()))
    assert [(u.name, u.terms) for u in shared.platform_users] == [("Other user 1", []), ("Other user 2", [])]
    assert shared.contribution.curation is None
    # with the NHS's costs disclosed, the partner's file gives it the same share of them as the NHS's valuation
    disclosed = value_deal(for_partner(deal_from_data(_platform()), with_nhs_costs=True))
    assert disclosed.nhs_access_costs == pytest.approx(80_000)
    consortium = for_partner(deal_from_data(_consortium("by_contribution")))
    assert consortium.nhs.split.value == "not_agreed"
    assert all(m.own_costs.preparation_gbp == 0 and m.share is None for m in consortium.nhs.members)


# ------------------------------------------------------------------------------------------ without a product

def test_a_collaboration_without_a_product_values_trial_income_against_its_delivery_cost():
    data = deal(terms=[{"kind": "service_income", "description": "trial recruitment", "units_per_year": 100,
                        "price_per_unit_gbp": 1_000, "nhs_cost_per_unit_gbp": 700, "years": 3},
                       {"kind": "in_kind_benefit", "description": "ambient AI pilot", "value_gbp_per_year": 10_000,
                        "years": 2}])
    v = value_deal(deal_from_data(data))
    # income 100 × 1,000 = 100,000 a year for 3 years, delivery 100 × 700 = 70,000 a year, in kind 2 × 10,000
    assert v.nhs_npv == pytest.approx(300_000 - 210_000 + 20_000)
    assert v.cost_recovery_ratio == pytest.approx(300_000 / 210_000)
    # no product: the partner's value is not modelled, so a share of it has no meaning, and says so
    assert v.partner_value_before_payments == 0.0 and v.nhs_share is None and v.value_share is None
    assert "not positive" in v.nhs_share_note


def test_a_service_delivered_to_one_platform_user_is_that_users_cost_alone():
    data = _platform()
    data["platform_users"][0]["terms"].append({"kind": "service_income", "description": "trial recruitment",
                                               "units_per_year": 10, "price_per_unit_gbp": 5_000,
                                               "nhs_cost_per_unit_gbp": 3_000, "years": 2})
    v = value_deal(deal_from_data(data))
    # X's recruitment costs the NHS 10 × 3,000 × 2 years = 60,000, borne by X alone on top of its equal 80,000;
    # its charges are 100,000 subscription + 100,000 income
    assert [u.cost_share for u in v.users] == pytest.approx([80_000, 140_000, 80_000])
    assert v.users[1].cost_recovery == pytest.approx(200_000 / 140_000)
    assert v.platform_access_costs == pytest.approx(300_000)
    assert v.nhs_access_costs == pytest.approx(80_000)   # the partner's share does not grow with X's service


def test_a_co_owners_own_costs_are_the_consortiums_costs_of_access():
    data = _consortium("fixed", m0={"share": 0.5}, m1={"share": 0.3}, m2={"share": 0.2})
    v = value_deal(deal_from_data(data))
    # shared 30,000 + A's 10,000 + the university's own 5,000: the fees of 130,000 recover the consortium's 45,000
    assert v.platform_access_costs == pytest.approx(45_000)
    assert v.cost_recovery_ratio == pytest.approx(130_000 / 45_000)
    # the whole consortium recovers what its members together do: Σ share × fees ÷ Σ costs borne
    borne = sum(m.shared_costs + m.own_costs for m in v.members)
    assert borne == pytest.approx(45_000)


def test_a_members_costs_are_net_of_its_share_of_the_grants():
    data = _consortium("fixed", m0={"share": 0.5}, m1={"share": 0.3}, m2={"share": 0.2})
    data["funding"] = [{"funder": "A charity", "kind": "charity", "towards": "nhs", "amount_gbp": 20_000}]
    v = value_deal(deal_from_data(data))
    # shared costs 30,000 less the grant 20,000 = 10,000, shared 50 : 30 : 20
    a = v.members[0]
    assert a.shared_costs == pytest.approx(5_000) and a.receipts == pytest.approx(65_000)
    assert a.npv == pytest.approx(65_000 - 5_000 - 10_000)
    assert a.cost_recovery == pytest.approx(65_000 / 15_000)

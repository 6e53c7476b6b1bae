"""The partnership examples of issue 16 (scenarios/), each checked on the structural facts its pattern needs.

Every figure is worked by hand in the comments, from the file's inputs and the engine's conventions (year 0 is
signature and is not discounted; other flows fall at the end of their year; the NHS rate is the Green Book's 3.5%;
an ``indexed`` term is already in real terms, so only fixed-in-cash terms after year 0 are deflated, and none is
used in a figure below). Present values of the schedules are taken with numpy-financial's ``npv``, whose first
value is year 0, as an independent check of the engine's own discounting.
"""

from __future__ import annotations

from pathlib import Path

import numpy_financial as npf
import pytest

from valueshare import load_deal, value_deal
from valueshare.framework.pillars import growth_pillar
from valueshare.scenario import SCENARIO_DIR

NHS_RATE = 0.035
NEW_EXAMPLES = ("ai-retinopathy-newborns", "ai-prognosis-cancer-centre", "national-ai-adoption",
                "cancer-data-platform", "life-sciences-cluster", "ics-linked-record", "value-based-pathways",
                "child-health-hubs")


def pv(amounts: list[float]) -> float:
    """Present value at the NHS rate of amounts in years 0, 1, 2, ... (numpy-financial: the first is year 0)."""
    return float(npf.npv(NHS_RATE, amounts))


def annuity(first: int, last: int) -> float:
    """Σ 1.035^-t for t = first..last: the present value of £1 a year in those years."""
    return pv([0.0] * first + [1.0] * (last - first + 1))


#: £1 a year in years 1 to 3 and 1 to 5: 2.80164 and 4.51505.
A3 = annuity(1, 3)
A5 = annuity(1, 5)


def example(name: str):
    deal = load_deal(SCENARIO_DIR / f"{name}.yaml")
    return deal, value_deal(deal)


def line(valuation, key: str):
    return next(x for x in valuation.nhs_lines if x.key == key)


def keys(valuation) -> set[str]:
    return {x.key for x in valuation.nhs_lines}


@pytest.mark.parametrize("name", NEW_EXAMPLES)
def test_each_example_is_a_format_3_file_that_says_what_is_illustrative_and_cites_its_source(name: str):
    text = Path(SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    body = [x for x in text.splitlines() if x.strip() and not x.startswith("#")]
    header = [x for x in text.splitlines() if x.startswith("#")]
    assert body[0] == "format_version: 3"
    assert "illustrative: true" in body
    assert any("shared/domain/sources/00" in x for x in header)  # the reported pattern, cited by its file
    assert any("Illustrative" in x for x in header)               # and what is made up
    deal, _ = example(name)
    assert deal.illustrative


def test_the_network_sells_to_industry_and_the_trust_neither_buys_nor_is_credited_with_other_nhs_bodies_purchases():
    # The network's clients are 95% outside the NHS (nhs_share_of_sales 0.05) and the trust buys none of the NHS's
    # 5% (nhs_party_purchase_share 0). At peak (year 5: launch at the end of year 1, three years to peak), expected
    # sales are 100 licences × 50% uptake × £150,000 × 90% chance of launch = £6.75m; the 5% revenue share on them
    # is £337,500, of which 5% (£16,875) is paid on other NHS bodies' licences: the trust's line is £320,625.
    deal, v = example("rwd-network-teaching-trust")
    assert not v.nhs_buys_product
    assert v.nhs_product_spend == 0 and v.nhs_price_terms == 0 and v.nhs_savings == 0
    assert line(v, "terms[1]").yearly[5] == pytest.approx(320_625.0)
    # The trust's line is 95% of what the network pays, so other NHS bodies' part is 5/95 of it, in every year.
    assert v.other_nhs_bodies == pytest.approx(line(v, "terms[1]").present_value * 0.05 / 0.95)
    assert not deal.exclusive_raw_data_access and not deal.exclusivity.derived_exclusive


def test_the_retinopathy_images_are_split_between_the_two_trusts_by_the_newborns_each_contributed():
    deal, v = example("ai-retinopathy-newborns")
    lead, second = v.members
    # 1,100 and 270 of the 1,370 newborns: shares 0.80292 and 0.19708.
    assert (lead.share, second.share) == pytest.approx((1100 / 1370, 270 / 1370))
    # Own costs: the lead's £5,000 a year in years 1-3 (PV 5,000 × 2.80164 = £14,008.18); the second trust's £6,000
    # at signature.
    assert lead.own_costs == pytest.approx(5000 * A3) == pytest.approx(14_008.18, abs=0.01)
    assert second.own_costs == pytest.approx(6000.0)
    # Each member has its share of every receipt (rebates included; there is no grant) and of the shared costs.
    shared_in = v.nhs_receipts + v.nhs_price_terms
    assert lead.receipts + second.receipts == pytest.approx(shared_in)
    assert second.receipts == pytest.approx(270 / 1370 * shared_in)
    assert lead.npv + second.npv == pytest.approx(v.nhs_npv)
    # The labelling: 7,414 images graded twice at 2 minutes a grading is about 494 hours × £110 = £54,340 in year 1.
    assert line(v, "costs.expertise[0]").present_value == pytest.approx(-54_340 / 1.035)


def test_the_retinopathy_discount_and_royalty_on_nhs_purchases_are_split_between_the_trusts_and_other_nhs_bodies():
    # The trusts make 15% of the NHS's purchases: on each sales-linked term, the part paid on NHS purchases goes 15%
    # to them as a rebate on their own purchases and 85% to other NHS bodies, so the two totals stand 85 : 15.
    _, v = example("ai-retinopathy-newborns")
    assert v.nhs_buys_product
    assert v.nhs_price_terms > 0
    assert v.other_nhs_bodies == pytest.approx(v.nhs_price_terms * 0.85 / 0.15)
    # A rebate is less spend, not income: NHS receipts leave it out, and the NPV with the product takes the savings
    # and the list-price spend (spend net of rebates, less the rebates) on top of the NHS NPV.
    list_spend = v.nhs_price_terms - v.nhs_product_spend
    assert v.nhs_npv_with_product == pytest.approx(v.nhs_npv + v.nhs_savings - list_spend)
    assert {"terms[1]", "terms[2]"} <= keys(v)  # the two milestones


def test_the_cancer_centres_co_owner_outside_the_nhs_takes_its_share_out_of_the_nhs_figures():
    deal, v = example("ai-prognosis-cancer-centre")
    assert [m.share for m in v.members] == pytest.approx([0.55, 0.25, 0.10, 0.10])
    assert [m.is_nhs for m in v.members] == [True, False, True, True]
    # The charity's £30,000 at signature, undiscounted.
    assert v.nhs_grants == pytest.approx(30_000.0)
    # Shared costs: preparation £30,000 + £12,000 a year in years 1-3 (PV £33,619.64) + 300 h × £110 in year 1
    # (PV £31,884.06) = £95,503.70. The co-owner's 25% of (receipts + grant − shared costs) leaves the NHS's
    # figures.
    shared_costs = 30_000 + 12_000 * A3 + 33_000 / 1.035
    assert shared_costs == pytest.approx(95_503.70, abs=0.01)
    co_owner = -0.25 * (v.nhs_receipts + v.nhs_price_terms + v.nhs_grants - shared_costs)
    assert line(v, "co_owners").present_value == pytest.approx(co_owner)
    # The co-owner's own £4,000 is its own, not an NHS cost line; the two hospitals' £1,500 each are.
    assert "costs.members[1]" not in keys(v)
    assert line(v, "costs.members[2]").present_value == pytest.approx(-1500.0)
    # So the NHS NPV is its NHS members' NPVs added up.
    assert v.nhs_npv == pytest.approx(sum(m.npv for m in v.members if m.is_nhs))


def test_the_cancer_centres_fees_recover_what_the_nhs_bears_after_the_charitys_grant():
    # The consortium's costs the fees recover: shared £95,503.70 + the hospitals' £3,000 + the institute's own
    # £4,000 (a co-owner outside the NHS, but its costs are the consortium's, whose fees it shares) − the grant
    # £30,000 = £72,503.70. Fees (the consent clause's own fee is not one until the switch): £25,000 + £17,500 a year
    # in years 1-3, indexed (PV £49,028.65) = £74,028.65: recovery 1.0210×, within the 1.10× a non-commercial use
    # should stay under.
    deal, v = example("ai-prognosis-cancer-centre")
    borne = 30_000 + 12_000 * A3 + 33_000 / 1.035 + 3_000 + 4_000 - 30_000
    assert v.platform_access_costs == pytest.approx(borne) == pytest.approx(72_503.70, abs=0.01)
    assert v.cost_recovery_ratio == pytest.approx((25_000 + 17_500 * A3) / borne)
    assert 1.0 <= v.cost_recovery_ratio <= 1.10
    assert deal.consent_clause is not None and deal.use.value == "non_commercial_research"


def test_the_national_adoptions_spend_and_savings_stand_apart_from_what_the_nhs_receives():
    # Already on the market: no stages, uptake 40% at signature rising to 60% by year 3. Year t's uptake is the
    # year's average: 0.4 + 0.2 × (t − 0.5) / 3 for t = 1-3, then 0.6. NHS analyses a year: 100,000 × uptake × 30%
    # = 13,000, 15,000, 17,000, then 18,000 in years 4-8; the national body buys all of them.
    deal, v = example("national-ai-adoption")
    units = [0, 13_000, 15_000, 17_000] + [18_000] * 5 + [0, 0]
    list_spend = pv([u * 500 for u in units])                         # £57,598,903.49 at £500 each
    assert list_spend == pytest.approx(57_598_903.49, abs=0.01)
    assert v.launch_probability == 1.0 and not deal.route_to_market.stages
    assert v.nhs_buys_product
    assert v.nhs_price_terms == pytest.approx(0.15 * list_spend)        # the 15% discount: £8,639,835.52
    assert v.nhs_product_spend == pytest.approx(-0.85 * list_spend)     # what it pays: -£48,959,067.97
    assert v.nhs_savings == pytest.approx(pv([u * 600 for u in units]))  # £600 a patient, gross: £69,118,684.19
    assert v.other_nhs_bodies == 0.0
    # Receipts are the fees alone: £50,000 at signature + £65,000 a year in years 1-5 (indexed) = £343,478.41.
    assert v.nhs_receipts == pytest.approx(50_000 + 65_000 * A5) == pytest.approx(343_478.41, abs=0.01)
    # NHS NPV: fees + the discount − costs (£50,000 + £40,000 a year + 400 h × £60 a year, years 1-5).
    costs = 50_000 + (40_000 + 24_000) * A5
    assert v.nhs_npv == pytest.approx(v.nhs_receipts + v.nhs_price_terms - costs)
    # With the product: + savings (gross of price) − the list-price spend = £20,164,131.27.
    assert v.nhs_npv_with_product == pytest.approx(v.nhs_npv + v.nhs_savings - list_spend)
    assert v.nhs_npv_with_product == pytest.approx(20_164_131.27, abs=0.05)
    # The angiograms avoided stay in their own units, with no money value.
    assert [o.value_per_unit_gbp for o in deal.patient_benefit.outcomes] == [None]


def test_one_trust_contracting_for_itself_is_credited_only_with_the_discount_on_its_own_purchases():
    # The variant: the trust makes 2% of the NHS's purchases, so 2% of the discount is its rebate and 98% is other
    # NHS bodies': £172,796.71 and £8,467,038.81 of the £8,639,835.52.
    deal, _ = example("national-ai-adoption")
    v = value_deal(deal.variant("One trust contracts for itself"))
    total = 0.15 * pv([u * 500 for u in [0, 13_000, 15_000, 17_000] + [18_000] * 5 + [0, 0]])
    assert v.nhs_price_terms == pytest.approx(0.02 * total)
    assert v.other_nhs_bodies == pytest.approx(0.98 * total)


def test_each_user_of_the_cancer_data_platform_carries_an_equal_share_of_its_costs_and_curation():
    deal, v = example("cancer-data-platform")
    # Four users (the partner and three others) of the eight the curation is expected to serve: this deal bears half
    # of it: £4m done before signature → £2m at signature; £800,000 a year to do in years 1-5 → £400,000 a year.
    assert line(v, "costs.curation_done").present_value == pytest.approx(-2_000_000.0)
    assert line(v, "costs.curation").present_value == pytest.approx(-400_000 * A5)
    # Costs less the government grant (£350,000 a year in years 1-3): £300,000 + £400,000 a year + the curation
    # above.
    grant = 350_000 * A3
    assert v.nhs_grants == pytest.approx(grant)
    platform = 300_000 + 400_000 * A5 + 2_000_000 + 400_000 * A5 - grant
    assert v.platform_access_costs == pytest.approx(platform)
    assert v.partner_cost_share == 0.25
    assert v.nhs_access_costs == pytest.approx(platform / 4)
    assert [u.name for u in v.users] == [deal.partner.name] + [u.name for u in deal.platform_users]
    assert all(u.cost_share == pytest.approx(platform / 4) for u in v.users)
    # Each user's fees: £20,000 set-up at signature, then its subscription + users × £900 × 12 + projects × £5,000
    # a year in years 1-5 (all indexed): the partner 260,000 + 64,800 + 20,000; the pharma plc 300,000 + 86,400 +
    # 30,000; the biopharma 250,000 + 54,000 + 20,000; the start-up 80,000 + 21,600 + 10,000.
    yearly = [344_800, 416_400, 324_000, 111_600]
    assert [u.fees for u in v.users] == pytest.approx([20_000 + y * A5 for y in yearly])
    assert [u.cost_recovery for u in v.users] == pytest.approx([(20_000 + y * A5) / (platform / 4) for y in yearly])
    # The partner also pays its revenue share; the other users pay fees only.
    assert v.users[0].receipts > v.users[0].fees
    assert all(u.receipts == pytest.approx(u.fees) for u in v.users[1:])


def test_the_cluster_has_no_product_so_no_share_and_says_why():
    deal, v = example("life-sciences-cluster")
    assert deal.route_to_market is None
    assert v.nhs_share is None and "not positive" in v.nhs_share_note
    assert v.launch_probability is None and not v.nhs_buys_product
    # Trial recruitment: 40 patients × £4,000 a year in years 1-5 (indexed) from the partner, against 40 × £3,000
    # that delivering them costs the trust.
    assert line(v, "terms[0]").present_value == pytest.approx(160_000 * A5)
    assert line(v, "costs.delivery.terms[0]").present_value == pytest.approx(-120_000 * A5)
    assert line(v, "costs.delivery.platform_users[1].terms[0]").present_value == pytest.approx(-60_000 * A5)
    # Five users share the costs equally: the programme office (£20,000 + £80,000 a year in years 1-5) and the
    # delivery of all 90 patients a year (£270,000 a year).
    assert v.partner_cost_share == pytest.approx(1 / 5)
    assert v.platform_access_costs == pytest.approx(20_000 + (80_000 + 270_000) * A5)
    # The other users pay the trust; they are no payment of the partner's.
    assert not any(x.key.startswith("platform_users") for x in v.partner_lines)
    # Outcomes in their own units, none with a money value; so no NHS savings.
    assert {o.kind.value for o in deal.patient_benefit.outcomes} == {"equity_of_access", "capacity_released"}
    assert all(o.value_per_unit_gbp is None for o in deal.patient_benefit.outcomes)
    assert v.nhs_savings == 0
    # Growth: 40 fixed jobs for 5 years = 200 FTE-years, and £10m of UK investment.
    growth = growth_pillar(deal)
    assert growth.fte_years == pytest.approx(200.0) and growth.uk_investment == 10_000_000


def test_the_ics_members_share_in_proportion_to_their_own_costs_so_each_recovers_as_the_consortium_does():
    deal, v = example("ics-linked-record")
    # Own costs at present value: ICB £40,000 + £40,000 a year, acute £15,000 + £10,000, community and mental health
    # £8,000 + £5,000, GP federation £12,000 + £8,000 (years 1-5).
    own = [40_000 + 40_000 * A5, 15_000 + 10_000 * A5, 8_000 + 5_000 * A5, 12_000 + 8_000 * A5]
    assert [m.own_costs for m in v.members] == pytest.approx(own)
    assert [m.share for m in v.members] == pytest.approx([x / sum(own) for x in own])
    # Member k recovers s_k F / (s_k S + own_k) = F / (S + Σ own) with s_k = own_k / Σ own: the consortium's ratio.
    assert all(m.cost_recovery == pytest.approx(v.cost_recovery_ratio) for m in v.members)
    assert sum(m.npv for m in v.members) == pytest.approx(v.nhs_npv)
    # The partner's itemised charges: £25,000 set-up at signature, then 10 users × £800 × 12 + 6 projects × £5,000
    # = £126,000 a year in years 1-5 (indexed); the university's £5,000, then 4 × £400 × 12 + 3 × £2,000
    # = £25,200.
    assert line(v, "terms[0]").present_value == pytest.approx(25_000 + 126_000 * A5)
    assert line(v, "platform_users[0].terms[0]").present_value == pytest.approx(5_000 + 25_200 * A5)
    assert deal.access_route.value == "secure_data_environment"
    assert v.partner_cost_share == 0.5


def test_split_by_records_the_hosting_icb_gets_nothing_and_bears_only_its_own_costs():
    deal, _ = example("ics-linked-record")
    v = value_deal(deal.variant("Split by records"))
    icb = v.members[0]
    # The ICB holds no records: share 0; its own £40,000 + £40,000 a year are all it has.
    assert icb.share == 0 and icb.receipts == 0
    assert icb.npv == pytest.approx(-(40_000 + 40_000 * A5))
    # The others by records: 900,000, 300,000 and 2,400,000 of 3,600,000.
    assert [m.share for m in v.members[1:]] == pytest.approx([0.25, 1 / 12, 2 / 3])


def test_value_based_pathways_count_patient_reported_outcomes_in_their_units_and_no_saving():
    deal, v = example("value-based-pathways")
    outcomes = deal.patient_benefit.outcomes
    assert [o.kind.value for o in outcomes] == ["patient_reported_outcome"] * 3
    assert all(o.value_per_unit_gbp is None and not o.cash_releasing for o in outcomes)
    assert [o.per_year for o in outcomes] == [500, 300, 60]
    assert deal.patient_benefit.qalys_per_patient == 0 and deal.patient_benefit.patients_per_unit == 0
    assert v.nhs_savings == 0 and not v.nhs_buys_product
    # The royalty on the 40% of licences NHS trusts buy is theirs: the trust's line is 60% of it, so the other NHS
    # bodies' part is 40/60 of the trust's line.
    assert v.other_nhs_bodies == pytest.approx(line(v, "terms[2]").present_value * 0.4 / 0.6)


def test_child_health_hubs_savings_are_the_sourced_24m_a_year_for_each_year_the_hubs_cover_the_ics():
    deal, v = example("child-health-hubs")
    (outcome,) = deal.patient_benefit.outcomes
    assert outcome.kind.value == "appointments_avoided" and outcome.cash_releasing
    assert outcome.value_per_unit_gbp == 2_400_000 and "shared/domain/sources/004" in outcome.value_source
    # £2.4m in each of years 2-9: 2,400,000 × 6.641503 = £15,939,607.
    savings = 2_400_000 * annuity(2, 9)
    assert v.nhs_savings == pytest.approx(savings)
    assert savings == pytest.approx(15_939_607, abs=1)
    # The ICB buys no licence (its platform comes in kind): no spend, so its NPV with the hubs is NPV + savings.
    assert not v.nhs_buys_product and v.nhs_product_spend == 0
    assert v.nhs_npv_with_product == pytest.approx(v.nhs_npv + savings)
    # Savings are not receipts: they are not in the NHS NPV.
    assert v.nhs_npv == pytest.approx(sum(x.present_value for x in v.nhs_lines))


def test_already_on_the_market_the_offers_that_need_stages_say_so_and_the_others_reach_the_target():
    from valueshare.negotiation import negotiate

    n = negotiate(load_deal(SCENARIO_DIR / "national-ai-adoption.yaml"), trials=500)
    made = {o.key: o for o in n.offers if o.deal is not None}
    assert set(made) == {"upfront", "subscription", "royalty"}
    assert all(abs(o.value_to_nhs - n.offers_target) < 1.0 for o in made.values())
    missing = {o.key: o.note for o in n.offers if o.deal is None}
    assert "no development stages" in missing["milestones"]


def test_without_a_product_the_cluster_is_negotiated_on_its_fees_and_its_zone_is_not_drawn():
    from valueshare.negotiation import negotiate

    deal = load_deal(SCENARIO_DIR / "life-sciences-cluster.yaml")
    v = value_deal(deal)
    n = negotiate(deal, trials=500)
    # The trust's walk-away is its share of the costs (a fifth of them: £320,053.67), and its fees already give more
    # (the partner's 40 patients × £4,000 a year in years 1-5 at the partner's 10%: £606,525.88).
    assert n.offers_target == pytest.approx(v.nhs_access_costs)
    assert v.payments_to_nhs_partner_pv == pytest.approx(160_000 * float(npf.npv(0.10, [0] + [1] * 5)))
    assert not n.zone.exists
    assert {o.key for o in n.offers if o.deal is None} == {"milestones", "royalty", "mix"}


def test_the_non_commercial_cancer_study_has_no_commercial_zone_and_no_offers():
    from valueshare.negotiation import negotiate

    n = negotiate(load_deal(SCENARIO_DIR / "ai-prognosis-cancer-centre.yaml"), trials=500)
    assert not n.commercial and not n.offers and not n.zone.exists

"""The portfolio across the deals a person may see (issue 18), from a small register made by hand."""

from __future__ import annotations

import json

import pytest
from register_support import Clock, fee_deal

from valueshare.register import InMemoryRepository, service
from valueshare.register.access import Actor
from valueshare.register.portfolio import portfolio
from valueshare.scenario import deal_from_data, deal_to_data


def costly(fee: float, preparation: float, name: str):
    """A fee deal whose NHS spends ``preparation`` at signature to give access."""
    data = deal_to_data(fee_deal(fee, name=name))
    data["contribution"]["access_costs"] = {"preparation_gbp": preparation, "yearly_gbp": 0, "years": 1}
    return deal_from_data(data)


def test_a_hand_made_portfolio_adds_up_by_hand():
    repo = InMemoryRepository(Clock())
    service.save(repo, fee_deal(1000, name="Alpha"), author="Ana", note="n", base_version=None)
    service.save(repo, fee_deal(2000, name="Beta"), author="Ana", note="n", base_version=None)
    service.save(repo, costly(1000, 2000, "Gamma"), author="Ana", note="n", base_version=None)
    service.set_status(repo, "beta", "offered", author="Ana")
    found = portfolio(repo)
    # by hand: each fee is paid at signature, undiscounted, so NHS NPV = fee less costs at signature:
    # 1,000 + 2,000 + (1,000 - 2,000) = £2,000; Gamma's charges recover 1,000 / 2,000 = 0.5x of its costs
    assert found.total_nhs_npv_gbp == 2000
    assert found.below_cost_recovery == ["gamma"]
    assert found.pipeline["draft"] == 2 and found.pipeline["offered"] == 1 and sum(found.pipeline.values()) == 3
    assert [d.key for d in found.deals] == ["alpha", "beta", "gamma"]
    assert found.terms_by_use == {"commercial_product_development": {"access_fee": 3}}  # deals using each
    assert found.terms_by_data_type == {}  # the builders' deal lists no data assets
    json.dumps(found.to_dict())  # plain data, for `portfolio --json`


def test_the_portfolio_holds_only_the_deals_the_person_may_read():
    repo = InMemoryRepository(Clock())
    service.add_organisation(repo, "trust-a", "Trust A", "nhs", author="x")
    service.add_member(repo, "trust-a", "ana@a", "admin", author="x")
    service.add_organisation(repo, "trust-b", "Trust B", "nhs", author="x", actor=Actor("ana@a"))
    service.add_member(repo, "trust-b", "dee@b", "member", author="x", actor=Actor("ana@a"))
    service.save(repo, fee_deal(1000, name="Alpha"), author="x", note="n", base_version=None, actor=Actor("ana@a"))
    service.save(repo, fee_deal(5000, name="Delta"), author="x", note="n", base_version=None, actor=Actor("dee@b"))
    assert [d.key for d in portfolio(repo, actor=Actor("ana@a")).deals] == ["alpha"]
    assert portfolio(repo, actor=Actor("dee@b")).total_nhs_npv_gbp == 5000


ALL_THREES = {"overrides": [{"factor": f, "score": 3, "note": "pinned for the test"} for f in (
    "data_volume", "data_depth", "curation_and_linkage", "uniqueness", "expertise", "data_criticality",
    "capital_at_risk", "development_stage", "partner_ip", "commercialisation")]}


def test_each_deal_is_placed_against_its_fair_band_by_hand():
    """Every factor scored 3 on both sides: contribution c = 3 / (3 + 3) = 0.5, so the band's centre is the share at
    equal contributions, 0.15 x 0.5 / 0.5 = 0.15, and the band is 0.15 x (1 - 0.33) = 0.1005 to 0.15 x 1.33 = 0.1995.
    The partner's value before payments in the builders' deal (tests/test_engine_golden.py's docstring) at 10%:
    -100/1.1 - 100/1.1^2 + 600/1.1^3 + 600/1.1^4 + 600/1.1^5 = £1,059.60. A one-off fee at signature is its own
    present value and the NHS has no costs, so the value share is fee / 1,059.60: £50 -> 0.0472 (below),
    £200 -> 0.1888 (within), £300 -> 0.2831 (above)."""
    repo = InMemoryRepository(Clock())
    for fee, name in ((50, "Low"), (200, "Mid"), (300, "High")):
        service.save(repo, fee_deal(fee, name=name, fair_share=ALL_THREES), author="Ana", note="n",
                     base_version=None)
    royalty = [{"kind": "access_fee", "amount_gbp": 100},
               {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.02}, {"from_gbp": 4000, "rate": 0.04}]}]
    service.save(repo, fee_deal(name="Royal", terms=royalty, fair_share=ALL_THREES), author="Ana", note="n",
                 base_version=None)
    found = portfolio(repo)
    by_key = {d.key: d for d in found.deals}
    before = -100 / 1.1 - 100 / 1.1 ** 2 + 600 / 1.1 ** 3 + 600 / 1.1 ** 4 + 600 / 1.1 ** 5
    assert before == pytest.approx(1059.596, abs=1e-3)
    for key, fee, position in (("low", 50, "below"), ("mid", 200, "within"), ("high", 300, "above")):
        d = by_key[key]
        assert (d.band_low, d.band_high) == pytest.approx((0.1005, 0.1995))
        assert d.value_share == pytest.approx(fee / before)
        assert d.position == position and d.fees_gbp == fee and d.top_royalty_rate is None
    assert found.above_band == ["high"] and found.below_band == ["low"]
    # the royalty deal: given launch £5,000 a year, 2% of 4,000 + 4% of 1,000 = £120, x P(launch) 0.4 = £48 in
    # years 3-5. Half the units are sold to the NHS party itself (nhs_share_of_sales 0.5, no discount: f = 0.5,
    # docs/method.md section 13), and a royalty on its own purchases is a rebate, not a receipt: £24 a year received
    royal = by_key["royal"]
    assert royal.top_royalty_rate == 0.04 and royal.fees_gbp == 100
    nhs_royalty = sum(24 / 1.035 ** t for t in (3, 4, 5))             # at the NHS's 3.5%: £62.77
    assert nhs_royalty == pytest.approx(62.77, abs=0.005)
    assert royal.nhs_receipts_gbp == pytest.approx(100 + nhs_royalty)
    fees = found.figures_by_use["commercial_product_development"]["fees_gbp"]
    assert (fees.deals, fees.low, fees.median, fees.high) == (4, 50, 150, 300)   # 50, 100, 200, 300: median 150
    rates = found.figures_by_use["commercial_product_development"]["top_royalty_rate"]
    assert (rates.deals, rates.low, rates.high) == (1, 0.04, 0.04)
    assert found.total_nhs_receipts_gbp == pytest.approx(50 + 200 + 300 + 100 + nhs_royalty)
    assert found.terms_by_use == {"commercial_product_development": {"access_fee": 4, "royalty": 1}}
    assert found.worked_out == 0


def test_a_version_saved_before_outlines_has_its_outline_worked_out_from_its_text():
    """A register written before revision 0006 has no outlines: the portfolio values those versions again and
    gives the same figures as for a version saved with one."""
    repo = InMemoryRepository(Clock())
    service.save(repo, fee_deal(200, name="Mid", fair_share=ALL_THREES), author="Ana", note="n", base_version=None)
    saved = portfolio(repo).deals[0]
    repo._deals["mid"].outlines.clear()  # as a version saved before the register kept outlines
    again = portfolio(repo)
    assert again.worked_out == 1 and again.deals[0] == saved


def test_the_tables_and_files_carry_the_same_figures_with_one_label_each():
    import csv
    import io

    import openpyxl

    from valueshare.reports.portfolio import deal_rows, deals_csv, figures_rows, portfolio_xlsx, summary_lines

    repo = InMemoryRepository(Clock())
    service.save(repo, fee_deal(200, name="=HYPERLINK(\"x\")", fair_share=ALL_THREES), author="Ana", note="n",
                 base_version=None)
    service.save(repo, fee_deal(300, name="High", fair_share=ALL_THREES), author="Ana", note="n", base_version=None)
    folio = portfolio(repo)
    # £200 / £1,059.60 = 18.9% within the band; £300 -> 28.3% above it (the test above, by hand)
    written = {r["Deal"]: r for r in deal_rows(folio, written=True)}
    assert written["High"]["Value share"] == "28.3%" and written["High"]["Against the fair band"] == "Above the band"
    # 0.15 x (1 - 0.33) = 0.1005 is 0.100499... in binary floating point, so it rounds to 10.0%
    assert written["High"]["Fair band, low"] == "10.0%" and written["High"]["Fair band, high"] == "20.0%"
    assert "Value share above the fair band: High" in summary_lines(folio)
    rows = list(csv.DictReader(io.StringIO(deals_csv(folio))))
    assert rows[0]["Deal"] == "'=HYPERLINK(\"x\")"           # a formula-like name is written as text
    assert float(rows[1]["Fees (present value)"]) == 300 and rows[1]["Status"] == "draft"
    book = openpyxl.load_workbook(io.BytesIO(portfolio_xlsx(folio)))
    assert book.sheetnames == ["Summary", "Deals", "Terms used", "Term figures"]
    sheet = book["Deals"]
    heads = [c.value for c in sheet[1]]
    assert sheet.cell(2, heads.index("Deal") + 1).value == "=HYPERLINK(\"x\")"   # a string cell, not a formula
    assert sheet.cell(2, heads.index("Deal") + 1).data_type == "s"
    assert sheet.cell(3, heads.index("Fees (present value)") + 1).value == 300
    fees = next(r for r in figures_rows(folio) if r["Figure"].startswith("Fees"))
    assert (fees["Deals"], fees["Lowest"], fees["Median"], fees["Highest"]) == (2, 200, 250, 300)

"""The negotiation brief PDF: internal on every page, a summary first, then the contribution's value with every
comparable and how it was scaled, then the framework check; user text printed exactly as typed; reproducible."""

from __future__ import annotations

import datetime
import io
import re
from functools import cache
from pathlib import Path

import pytest
from builders import base_data
from pypdf import PdfReader

from valueshare import deal_from_data, load_deal, value_deal
from valueshare.cli import main
from valueshare.contribution import text as worth_words
from valueshare.contribution import value_contribution
from valueshare.format import money, percent
from valueshare.reports.brief import INTERNAL_MARKING, brief_pdf
from valueshare.scenario import example_paths

ISSUED = datetime.date(2026, 11, 23)
EXAMPLES = example_paths()


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pages(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


@cache
def example_pdf(path: Path) -> bytes:
    deal = load_deal(path)
    return brief_pdf(deal, value_deal(deal), issued=ISSUED)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_examples_brief_is_internal_on_every_page_and_sets_out_the_contribution_value(path):
    deal = load_deal(path)
    text = pages(example_pdf(path))
    assert all(flat(INTERNAL_MARKING) in page for page in text)
    assert text[0].count("1. Summary") == 1 and "Negotiation brief for" in text[0]
    whole = " ".join(text)
    cv = value_contribution(deal)
    for approach in cv.approaches:
        assert flat(approach.title) in whole
        if approach.central is not None:
            assert money(approach.central) in whole
    assert flat(worth_words.range_text(cv)) in whole
    assert flat(worth_words.ask_text(cv)) in whole
    for row in worth_words.comparables_used(cv):
        assert flat(row[1]) in whole  # each comparable, with its tag
    for reason in cv.reasons:
        assert flat(reason) in whole
    assert "How the deal meets the NHS Value Sharing Framework" in whole


def test_the_brief_is_the_same_bytes_for_the_same_deal_and_date():
    deal = load_deal(EXAMPLES[1])
    assert brief_pdf(deal, value_deal(deal), issued=ISSUED) == brief_pdf(deal, value_deal(deal), issued=ISSUED)


def test_user_text_in_costs_and_comparables_is_printed_as_typed():
    hostile = "<b>R&D</b> </para> <font size=40>big</font>"
    data = base_data(
        contribution={"data_assets": [{"name": "Scans & <notes>", "data_type": "imaging", "patients": 1000,
                                       "history_years": 5}]},
        contribution_value={"preparation_costs": [{"activity": "curation", "description": hostile,
                                                   "historical_gbp": 500}],
                            "comparables": [{"name": hostile, "source": "Us & co <ltd>", "published": "2024-01-31",
                                             "price_gbp": 1000, "unit": "per_year"}]})
    deal = deal_from_data(data)
    whole = " ".join(pages(brief_pdf(deal, value_deal(deal), issued=ISSUED)))
    assert flat(hostile) in whole and "Us & co <ltd>, January 2024" in whole and "Scans & <notes>" in whole


def test_the_cli_writes_the_brief_and_reports_where(tmp_path, capsys):
    target = tmp_path / "brief.pdf"
    assert main(["negotiate", str(EXAMPLES[2]), "--brief", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    out = capsys.readouterr().out
    assert f"Negotiation brief (internal: not for the partner) written to {target}" in out
    assert worth_words.TITLE in out


def test_a_brief_that_cannot_be_written_is_one_clear_line(tmp_path, capsys):
    assert main(["negotiate", str(EXAMPLES[0]), "--brief", str(tmp_path / "no" / "such" / "dir.pdf")]) == 1
    err = capsys.readouterr().err
    assert "cannot write the PDF" in err and "Traceback" not in err



@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_examples_brief_sets_out_the_positions_the_zone_the_term_and_the_offers(path):
    from valueshare.negotiation import text as words

    deal, n, _, pdf = example_brief(path)
    text = pages(pdf)
    whole = " ".join(text)
    # a one-page summary first: the playbook opens page 2
    assert "1. Summary" in text[0] and "2. The ask and the opening" in text[1].split("issued")[1][:80]
    assert "Where each side walks away" in whole
    assert flat(n.zone.verdict) in whole
    for row in words.position_rows(n.zone):
        assert row[0] in whole and row[1] in whole
    for result in n.term_results:
        assert flat(words.term_result_text(deal, result)) in whole
    for row in words.offer_rows(n.offers):
        assert all(cell in whole for cell in row), row
    if n.offers:
        assert flat(words.offers_summary(n)) in whole
    for bar in n.tornado:
        assert bar.driver.label in whole


# ---- the playbook pages (issue 17) ---------------------------------------------------------------------------

@cache
def example_brief(path: Path):
    """The example's negotiation (a small Monte Carlo: the playbook runs none), playbook and brief, built once."""
    from valueshare.negotiation import negotiate
    from valueshare.negotiation.playbook import playbook

    deal = load_deal(path)
    n = negotiate(deal, trials=200)
    return deal, n, playbook(n), brief_pdf(deal, value_deal(deal), issued=ISSUED, negotiation=n)


ASK_FIGURE = re.compile(r"(?:[Tt]he ask[.:]?|NHS's ask is|The ask \(NHS target\)) \(?(-?£[0-9.,]+[km]?)")


def independent_values(deal, structure):
    """The step's deal rebuilt here from its instruments (not through the playbook's builder) and valued."""
    from valueshare.negotiation.equivalents import COST_RECOVERY
    from valueshare.sensitivity import base_data as file_data

    data = file_data(deal)
    terms = [t.model_dump(mode="json") for t in deal.terms if t.kind in COST_RECOVERY]
    if structure.upfront:
        terms.append({"kind": "access_fee", "amount_gbp": structure.upfront, "frequency": "one_off", "start_year": 0})
    if structure.subscription:
        terms.append({"kind": "subscription", "amount_gbp_per_year": structure.subscription, "start_year": 1,
                      "years": structure.subscription_years})
    if structure.milestone:
        terms += [{"kind": "milestone", "stage": s.name, "amount_gbp": structure.milestone}
                  for s in deal.route_to_market.stages]
    if structure.royalty:
        terms.append({"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": structure.royalty}],
                      "territory": "worldwide"})
    data["terms"] = terms
    data["uncertainty"] = [u for u in data.get("uncertainty", []) if not u["input"].startswith("terms[")]
    return value_deal(deal_from_data(data))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_commercial_examples_brief_has_one_ask_an_opening_a_priced_ladder_and_the_rest(path):
    deal, n, pb, pdf = example_brief(path)
    if not (n.zone.partner_value > 0 and n.zone.exists):
        pytest.skip("not a commercial example with a zone (the next test covers it)")
    whole = " ".join(pages(pdf))
    # one ask: every figure the brief calls the ask is the same figure, the zone's target
    asks = set(ASK_FIGURE.findall(whole))
    assert asks == {money(n.zone.nhs_target.value)}, asks
    assert "2. The ask and the opening" in whole and f"Open at {money(pb.opening.value)}" in whole
    # the ladder: every step's figures are those of an engine valuation of its deal, rebuilt here
    assert "The concessions ladder" in whole and 3 <= len(pb.steps) <= 5
    for step in pb.steps:
        v = independent_values(deal, step.rung.structure)
        assert v.payments_to_nhs_partner_pv == pytest.approx(step.rung.value, abs=0.01)
        assert money(v.payments_to_nhs_partner_pv) in whole and money(v.nhs_npv) in whole
        assert money(v.partner_npv) in whole and f"{step.number}. {step.move}" in whole
    # red lines, objections answered from the partner's own NPV and IRR at the opening, fallback, sign-off
    assert "Red lines: not traded for money" in whole and "No exclusive access to raw data" in whole
    opening = independent_values(deal, pb.opening.rung.structure)
    assert f"At the opening terms your NPV is {money(opening.partner_npv)}" in whole
    irr = opening.partner_irr
    assert (f"an IRR of {percent(irr.value)}" if irr.value is not None else "no IRR") in whole
    assert "If there is no deal" in whole and "its NPV of no deal is £0" in whole
    assert "Sign-off" in whole and "Signature" in whole and "Commercial director" in whole


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_brief_without_a_value_share_to_negotiate_says_what_does_not_apply(path):
    deal, n, pb, pdf = example_brief(path)
    whole = " ".join(pages(pdf))
    assert "nan" not in whole.lower().split() and "n/a%" not in whole
    if pb.commercial:
        return
    assert "What does not apply." in whole and flat(pb.why_not) in whole
    assert "Red lines" in whole and "If there is no deal" in whole and "Sign-off" in whole


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_page_of_the_brief_is_more_than_half_blank_except_the_last(path):
    from pdf_layout import lines

    from valueshare.reports.pdfkit import BOTTOM_MARGIN, PAGE_SIZE, TOP_MARGIN

    pdf = example_brief(path)[3]
    low, high = BOTTOM_MARGIN - 1, PAGE_SIZE[1] - TOP_MARGIN + 1
    lowest: dict[int, float] = {}
    for line in lines(pdf):
        if low <= line.y <= high:
            lowest[line.page] = min(lowest.get(line.page, high), line.y)
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    for page in range(1, count):
        filled = (high - lowest.get(page, high)) / (high - low)
        assert filled >= 0.5, f"page {page} of {count} is {filled:.0%} full"

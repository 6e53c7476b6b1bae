"""The term sheet PDF: it opens, says what the app says, marks every page, prints user text exactly as typed and is
byte-for-byte reproducible for a given issue date. The annexes (the NHS's costs, the valuation, the framework
statement) print what the app shows when they are chosen; tests/test_termsheet_private.py proves that nothing of
them is there when they are not."""

from __future__ import annotations

import datetime
import io
import re
from functools import cache
from pathlib import Path

import pytest
from builders import base_data
from pypdf import PdfReader

from valueshare import Deal, deal_from_data, load_deal, value_deal
from valueshare.format import money, percent
from valueshare.framework import assess
from valueshare.inputs import label
from valueshare.model import ConsentToCommercialise
from valueshare.reports.pdfkit import MARKING
from valueshare.reports.termsheet import term_sheet_pdf
from valueshare.reports.termsheet_content import DEFAULTS, TermSheetOptions
from valueshare.scenario import deal_to_data, example_paths
from valueshare.wording import term_title

ISSUED = datetime.date(2026, 11, 22)
EXAMPLES = example_paths()
HOSTILE_PARTNER = "Smith & Jones <AI> Ltd"
HOSTILE_NHS = "<font size=40>Big</font> R&D </b>"
HOSTILE_ASSET = '<img src="/etc/passwd"/>'
HOSTILE_NOTE = "<b>bold</b> & R&D </para>"
PILLAR_HEADINGS = ("1. Patient benefit", "2. UK economic growth", "3. NHS financial return")
FRAMEWORK = TermSheetOptions(with_framework=True)
EVERYTHING = TermSheetOptions(with_nhs_costs=True, with_valuation=True, with_framework=True)
ANNEX_C = "Annex C. How the deal meets the NHS Value Sharing Framework"
FOOTNOTE = "[ours]: valueshare's own default"


def flat(text: str) -> str:
    """Text with every run of whitespace made one space: pypdf's extraction breaks lines where the layout does."""
    return re.sub(r"\s+", " ", text).strip()


def build(deal: Deal, closing_path: str | None = None, options: TermSheetOptions = DEFAULTS) -> bytes:
    v = value_deal(deal)
    return term_sheet_pdf(deal, v, issued=ISSUED, assessment=assess(deal, v, term_path=closing_path),
                          options=options)


@cache
def example_pdf(path: Path, options: TermSheetOptions = DEFAULTS) -> bytes:
    return build(load_deal(path), options=options)


def pages(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def all_titles(deal: Deal) -> list[str]:
    titles = []
    for term in deal.terms:
        titles.append(term_title(term))
        if isinstance(term, ConsentToCommercialise):
            titles += [term_title(inner) for inner in term.terms]
    return titles


def hostile_deal() -> Deal:
    data = deal_to_data(load_deal(EXAMPLES[0]))
    data["partner"]["name"] = HOSTILE_PARTNER
    data["nhs"]["name"] = HOSTILE_NHS
    data["contribution"]["data_assets"][0]["name"] = HOSTILE_ASSET
    return deal_from_data(data)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_term_sheet_names_the_deal_and_each_term_and_its_valuation_annex_the_apps_nhs_npv(path):
    deal = load_deal(path)
    text = text_of(example_pdf(path))
    assert flat(deal.name) in text
    for title in all_titles(deal):
        assert flat(title) in text, title
    full = text_of(example_pdf(path, EVERYTHING))
    assert money(value_deal(deal).nhs_npv) in full and "Annex B. Valuation for both sides" in full


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_page_carries_the_marking_twice_its_page_number_and_the_issue_date(path):
    texts = pages(example_pdf(path))
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert text.count(MARKING) == 2, number
        assert f"Page {number} of {len(texts)}" in text
        assert "22 November 2026" in text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_figure_is_ever_printed_as_nan(path):
    assert not re.search(r"\bnan\b", text_of(example_pdf(path)), re.IGNORECASE)


def test_a_deal_with_no_product_no_terms_and_no_costs_builds_and_explains_its_missing_figures():
    deal = deal_from_data(base_data(route_to_market=None, use="commercial_research"))
    text = text_of(build(deal))
    assert "No payments are set: the Partner pays nothing for access." in text
    full = text_of(build(deal, options=EVERYTHING))
    assert "There is no product: the deal has no route to market." in full
    assert "no NHS access costs are entered" in full
    assert not re.search(r"\bnan\b", full, re.IGNORECASE)


def test_names_that_look_like_markup_print_exactly_as_typed():
    text = text_of(build(hostile_deal()))
    for typed in (HOSTILE_PARTNER, HOSTILE_NHS, HOSTILE_ASSET):
        assert flat(typed) in text


def test_a_hostile_deal_name_prints_in_the_title_and_the_running_header():
    data = deal_to_data(load_deal(EXAMPLES[0]))
    data["name"] = "Deal </b> & <i>co"
    texts = pages(build(deal_from_data(data)))
    assert all("Deal </b> & <i>co" in text for text in texts)


def test_the_same_issue_date_gives_byte_identical_pdfs():
    deal = load_deal(EXAMPLES[1])
    assert build(deal) == build(deal)


def test_a_different_issue_date_is_printed():
    deal = load_deal(EXAMPLES[1])
    pdf = term_sheet_pdf(deal, value_deal(deal), issued=datetime.date(2027, 1, 5))
    assert "5 January 2027" in text_of(pdf)


def test_illustrative_figures_are_said_only_while_the_deal_is_an_unchanged_example():
    assert "Illustrative figures." in text_of(example_pdf(EXAMPLES[0]))
    data = deal_to_data(load_deal(EXAMPLES[0]))
    data["illustrative"] = False
    assert "Illustrative figures." not in text_of(build(deal_from_data(data)))
    data = deal_to_data(load_deal(EXAMPLES[0]))
    data["partner"]["name"] = "A real partner Ltd"  # an example being made into a real deal: still flagged in its file
    assert data["illustrative"] is True
    assert "Illustrative figures." not in text_of(build(deal_from_data(data)))


def test_non_exclusive_access_is_stated_and_exclusive_access_is_flagged():
    assert "Non-exclusive: The Partner's access is not exclusive." in text_of(example_pdf(EXAMPLES[0]))
    data = deal_to_data(load_deal(EXAMPLES[0]))
    data["exclusive_raw_data_access"] = True
    text = text_of(build(deal_from_data(data)))
    assert "Warning: this draft gives the Partner exclusive access to raw NHS data" in text


def test_the_valuation_annexs_assumptions_name_the_green_book_and_the_timing_convention():
    text = text_of(example_pdf(EXAMPLES[2], EVERYTHING))
    assert "HM Treasury Green Book" in text
    assert "year 0 is signature other flows at the end of each year" in text


def test_section_headings_become_outline_bookmarks():
    reader = PdfReader(io.BytesIO(example_pdf(EXAMPLES[0], EVERYTHING)))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "1. Parties" in titles
    assert "5. Financial terms" in titles
    assert "Annex B. Valuation for both sides" in titles


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_font_is_embedded_truetype_so_the_pound_sign_survives(path):
    reader = PdfReader(io.BytesIO(example_pdf(path, EVERYTHING)))
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            assert "/FontDescriptor" in font, font["/BaseFont"]  # a base-14 font (Helvetica) has none
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert "£" in text_of(example_pdf(path, EVERYTHING))


# --- the framework page ---------------------------------------------------------------------------------------

def example_data(stem: str) -> dict:
    return deal_to_data(load_deal(next(p for p in EXAMPLES if p.stem == stem)))


def framework_pages(pdf: bytes) -> list[str]:
    """The pages from the one where the framework section starts to the end of the document (it comes last)."""
    texts = pages(pdf)
    start = next(k for k, text in enumerate(texts) if ANNEX_C in text)
    return texts[start:]


def below_band_with_a_royalty() -> Deal:
    """The imaging deal with its milestones and price discount dropped and a royalty of 0.2%: below the band."""
    data = example_data("ai-imaging-device")
    data["terms"] = [t for t in data["terms"] if t["kind"] not in ("milestone", "nhs_price_discount")]
    for term in data["terms"]:
        if term["kind"] == "royalty":
            for tier in term["tiers"]:
                tier["rate"] = 0.002
    return deal_from_data(data)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_prints_each_principle_with_its_status_word_the_three_aims_and_the_fair_band(path):
    deal = load_deal(path)
    assessment = assess(deal, value_deal(deal))
    text = " ".join(framework_pages(example_pdf(path, FRAMEWORK)))
    assert assessment.rules.name in text
    for check in assessment.checks:
        assert flat(f"{check.title} {check.status.label}") in text, check.key
    for title in PILLAR_HEADINGS:
        assert title in text
    assert percent(assessment.fair_share.low) in text
    assert percent(assessment.fair_share.high) in text
    assert money(assessment.pillars.nhs_return.total) in text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_framework_annex_starts_on_a_new_page_after_the_signatures(path):
    texts = pages(example_pdf(path, FRAMEWORK))
    found = framework_pages(example_pdf(path, FRAMEWORK))
    assert len(found) <= 4
    assert found[0].index(ANNEX_C) < 200  # nothing of the terms before it but the running header
    assert "Fair share for the NHS" in " ".join(found) and FOOTNOTE in found[-1]
    assert "Signatures" in texts[-len(found) - 1]


def test_the_aims_keep_the_frameworks_order_patient_benefit_first():
    text = framework_pages(example_pdf(EXAMPLES[0], FRAMEWORK))[0]
    positions = [text.index(title) for title in PILLAR_HEADINGS]
    assert positions == sorted(positions)
    assert "Patient benefit comes first, then UK economic growth, then the NHS's financial return" in text


def test_a_hostile_note_on_a_fair_share_override_prints_exactly_as_typed():
    data = example_data("rwd-network-teaching-trust")
    data["fair_share"]["overrides"] = [{"factor": "data_depth", "score": 5, "note": HOSTILE_NOTE}]
    text = " ".join(framework_pages(build(deal_from_data(data), options=FRAMEWORK)))
    assert HOSTILE_NOTE in text
    assert "your score 5 (default 4)" in text


def test_a_share_below_the_band_names_the_term_and_the_value_that_reaches_the_band():
    deal = below_band_with_a_royalty()
    # the royalty chosen to close the gap (the default would be the access fee: upfront before royalties)
    assessment = assess(deal, value_deal(deal), term_path="terms[2].tiers[0].rate")
    assert assessment.closing is not None
    text = " ".join(framework_pages(build(deal, closing_path="terms[2].tiers[0].rate", options=FRAMEWORK)))
    assert "below the band" in text
    assert assessment.closing.path == "terms[2].tiers[0].rate"
    # the catalogue's label and value writer: a rate to at most two decimals, trailing zeros dropped
    written = f"{assessment.closing.value * 100:.2f}".rstrip("0").rstrip(".") + "%"
    assert f"{flat(label(assessment.closing.path, deal))}: from 0.2% to {written}" in text
    assert flat(label(assessment.closing.path, deal)) == "Royalty (term 3): rate (%), tier 1"
    assert "Warning" in text


def test_with_no_term_to_change_the_page_says_why_no_change_closes_the_gap():
    data = example_data("ai-imaging-device")
    data["terms"] = [{"kind": "in_kind_benefit", "description": "Training", "value_gbp_per_year": 100}]
    text = " ".join(framework_pages(build(deal_from_data(data), options=FRAMEWORK)))
    assert ("No single change closes the gap: no access fee, subscription, milestone payment, revenue share or "
            "royalty to change") in text
    assert "Fail" in text


def test_terms_that_leave_the_partner_under_water_raise_the_patient_first_flag():
    data = example_data("ai-imaging-device")
    for term in data["terms"]:
        if term["kind"] == "royalty":
            for tier in term["tiers"]:
                tier["rate"] = 0.6
    deal = deal_from_data(data)
    assessment = assess(deal, value_deal(deal))
    assert assessment.patient_first
    text = framework_pages(build(deal, options=FRAMEWORK))[0]
    assert "Patient-first flag:" in text
    assert flat(assessment.patient_first[0]) in text


def test_an_assessment_passed_in_is_the_one_printed():
    deal = load_deal(EXAMPLES[1])
    valuation = value_deal(deal)
    assessment = assess(deal, valuation)
    assert (term_sheet_pdf(deal, valuation, issued=ISSUED, assessment=assessment, options=FRAMEWORK)
            == build(deal, options=FRAMEWORK))


def test_a_deal_with_a_closing_change_builds_byte_identical_pdfs():
    deal = below_band_with_a_royalty()
    assert build(deal, options=FRAMEWORK) == build(deal, options=FRAMEWORK)

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
from valueshare.format import money
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
    from valueshare.negotiation import negotiate
    from valueshare.negotiation import text as words

    deal = load_deal(path)
    n = negotiate(deal)
    text = pages(brief_pdf(deal, value_deal(deal), issued=ISSUED, negotiation=n))
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

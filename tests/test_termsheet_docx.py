"""The term sheet a commercial lead sends: every section a heads-of-terms needs, the blanks it marks and no other,
the same content in Word (read back with python-docx, real headings and tables), and the plain-text summary, from
Python and from the CLI."""

from __future__ import annotations

import datetime
import io
import re

import docx
import pytest
from pypdf import PdfReader

from valueshare import load_deal, value_deal
from valueshare.cli import main
from valueshare.contract import SIGNATURE, SWITCH, clause
from valueshare.model import ConsentToCommercialise
from valueshare.reports.blocks import Heading, flatten, strings
from valueshare.reports.summary import summary_text
from valueshare.reports.termsheet import term_sheet_pdf
from valueshare.reports.termsheet_content import DEFAULTS, TermSheetOptions, term_sheet_blocks
from valueshare.reports.termsheet_docx import term_sheet_docx
from valueshare.scenario import deal_from_data, deal_to_data, example_paths

ISSUED = datetime.date(2026, 12, 4)
EXAMPLES = example_paths()
#: Every section of a heads of terms, in order (the royalty reports only where a term is paid on sales).
SECTIONS = ["Parties", "Purpose and permitted use", "The data and how it is accessed", "Definitions",
            "Financial terms", "Invoicing, payment and VAT", "Royalty reports and audit", "Term and termination",
            "Intellectual property", "Publication and transparency", "Data protection and information governance",
            "Confidentiality (binding)", "Governing law", "Signatures"]
#: The blanks a term sheet may leave for the parties: each in square brackets.
BLANKS = {"[reference]", "[version]", "[address]", "[30]", "[to agree]", "[the Partner / jointly]",
          "[England and Wales]", "[number of years]"}


def blocks(path, options=DEFAULTS):
    deal = load_deal(path)
    return term_sheet_blocks(deal, value_deal(deal), issued=ISSUED, options=options)


def headings(found) -> list[str]:
    return [re.sub(r"^\d+\. ", "", b.text) for b in flatten(found) if isinstance(b, Heading) and b.level == 0]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_has_every_section_numbered_in_order_and_only_the_blanks_it_marks(path):
    found = blocks(path)
    deal = load_deal(path)
    sales = any(t.sales_linked for t in deal.terms) or any(
        i.sales_linked for t in deal.terms if isinstance(t, ConsentToCommercialise) for i in t.terms)
    assert headings(found) == [s for s in SECTIONS if sales or s != "Royalty reports and audit"]
    numbers = [int(b.text.split(".")[0]) for b in flatten(found) if isinstance(b, Heading) and b.level == 0]
    assert numbers == list(range(1, len(numbers) + 1))
    text = " ".join(strings(found))
    assert set(re.findall(r"\[[^\]]*\]", text)) <= BLANKS  # the deal's own text has no brackets in the examples
    assert "[address]" in text and "[reference]" in text
    assert not re.search(r"\bn/a\b|\bnan\b", text)
    # the dates: issued, and open for acceptance for 60 days (4 December 2026 + 60 days = 2 February 2027)
    assert "4 December 2026" in text and "2 February 2027" in text
    assert "Subject to contract." in text and "except for the section on confidentiality" in text
    # each term in contract language, with its trigger, timing and indexation
    for term in deal.terms:
        c = clause(term, SIGNATURE)
        assert c.text in text and f"{c.trigger}. Payment: {c.timing}. Indexation: {c.indexation}." in text
        if isinstance(term, ConsentToCommercialise):
            assert all(clause(inner, SWITCH).text in text for inner in term.terms)


def test_the_reference_and_version_come_from_the_register_and_say_when_the_draft_has_changed():
    deal = load_deal(EXAMPLES[1])
    v = value_deal(deal)
    saved = TermSheetOptions(reference="retinal-screening-ai", version=3)
    text = " ".join(strings(term_sheet_blocks(deal, v, issued=ISSUED, options=saved)))
    assert "retinal-screening-ai version 3" in text and "[reference]" not in text
    changed = TermSheetOptions(reference="retinal-screening-ai", version=3, version_changed=True)
    assert "draft changed since version 3" in " ".join(strings(term_sheet_blocks(deal, v, issued=ISSUED,
                                                                                 options=changed)))


def test_the_term_sheet_says_draft_until_the_register_says_a_version_is_approved():
    deal = load_deal(EXAMPLES[1])
    v = value_deal(deal)
    text = " ".join(strings(term_sheet_blocks(deal, v, issued=ISSUED)))
    assert "Status: draft for discussion, not yet approved by the NHS party." in text
    approved = TermSheetOptions(reference="k", version=2, standing="offered; version 2 approved by Dr Okafor on "
                                                                    "3 Dec 2026 at 10:00 UTC")
    text = " ".join(strings(term_sheet_blocks(deal, v, issued=ISSUED, options=approved)))
    assert "Status: Offered; version 2 approved by Dr Okafor on 3 Dec 2026 at 10:00 UTC." in text
    edited = TermSheetOptions(reference="k", version=2, version_changed=True, standing=approved.standing)
    text = " ".join(strings(term_sheet_blocks(deal, v, issued=ISSUED, options=edited)))
    assert "Status: draft for discussion" in text  # an edit since the approved version is not approved


def test_a_consent_clause_binds_commercial_use_to_the_nhss_consent_without_the_assumed_chance():
    deal = load_deal(next(p for p in EXAMPLES if p.stem == "academic-study-consent"))
    text = " ".join(strings(term_sheet_blocks(deal, value_deal(deal), issued=ISSUED)))
    assert "without the NHS's prior written consent" in text and "Commercial Use Date" in text
    assert "likely" not in text  # the clause's assumed chance (15%) is the NHS's judgement, not a term


def docx_read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.mark.parametrize("path", EXAMPLES[:4] + EXAMPLES[-3:], ids=lambda p: p.stem)
def test_the_word_term_sheet_reads_back_with_real_headings_tables_and_the_pdfs_words(path):
    deal = load_deal(path)
    v = value_deal(deal)
    document = docx_read(term_sheet_docx(deal, v, issued=ISSUED))
    heading_1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [re.sub(r"^\d+\. ", "", h) for h in heading_1] == headings(blocks(path))
    assert any(p.style.name == "Heading 2" and p.text.startswith("5.1 ") for p in document.paragraphs)
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == deal.name
    # tables: the reference, the parties (with an address to fill), the data, the definitions, the signatures
    parties = next(t for t in document.tables if t.rows[0].cells[0].text == "Role")
    assert [c.text for c in parties.rows[0].cells] == ["Role", "Organisation", "Kind", "Registered address"]
    assert parties.rows[-1].cells[1].text == deal.partner.name and parties.rows[-1].cells[3].text == "[address]"
    header = parties.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader")
    assert header is not None  # repeats on each page
    signatures = document.tables[-1]
    assert signatures.rows[1].cells[0].text == deal.nhs.name and signatures.rows[1].cells[1].text == deal.partner.name
    # the same words as the PDF: every paragraph of the Word document is in the PDF's text
    pdf = re.sub(r"\s+", "", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        term_sheet_pdf(deal, v, issued=ISSUED))).pages))
    for p in document.paragraphs:
        assert re.sub(r"\s+", "", p.text) in pdf, p.text
    assert document.core_properties.title == deal.name


def test_the_word_term_sheet_keeps_hostile_text_as_typed_and_drops_only_what_xml_cannot_hold():
    data = deal_to_data(load_deal(EXAMPLES[1]))
    data["partner"]["name"] = "<w:p>Smith & Jones</w:p> ]]> R&D"
    data["purpose"] = "{{field}} <b>bold</b> &amp; \u00e9t\u00e9 \u2264 \U0001f600"
    deal = deal_from_data(data)
    document = docx_read(term_sheet_docx(deal, value_deal(deal), issued=ISSUED))
    text = " ".join(p.text for p in document.paragraphs) + " ".join(
        c.text for t in document.tables for r in t.rows for c in r.cells)
    assert data["partner"]["name"] in text and data["purpose"] in text


def test_the_annexes_go_into_word_when_chosen():
    deal = load_deal(EXAMPLES[1])
    options = TermSheetOptions(with_nhs_costs=True, with_valuation=True, with_framework=True)
    document = docx_read(term_sheet_docx(deal, value_deal(deal), issued=ISSUED, options=options))
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert titles[-3:] == ["Annex A. The NHS's costs of giving access", "Annex B. Valuation for both sides",
                           "Annex C. How the deal meets the NHS Value Sharing Framework"]


def test_the_summary_gives_the_deal_its_terms_and_only_for_the_nhs_team_the_figures():
    deal = load_deal(next(p for p in EXAMPLES if p.stem == "ai-imaging-device"))
    v = value_deal(deal)
    internal = summary_text(deal, v).splitlines()
    shared = summary_text(deal, v, for_partner=True).splitlines()
    assert shared == internal[:-1]
    assert internal[0] == deal.name and internal[2] == "Terms proposed:"
    assert len(shared) == 3 + len(deal.terms)
    assert internal[-1].startswith("Headline figures (NHS valuation, risk-adjusted; internal, not for the partner)")
    assert "NHS NPV £1.02m" in internal[-1] and "Partner IRR 18.8%" in internal[-1]  # as the app's Valuation page
    assert "NHS NPV" not in "\n".join(shared) and "£1.02m" not in "\n".join(shared)


def test_the_cli_writes_the_word_term_sheet_with_its_annexes_and_prints_the_summary(tmp_path, capsys):
    path = next(p for p in EXAMPLES if p.stem == "ics-linked-record")
    out = tmp_path / "sheet.docx"
    assert main(["value", str(path), "--docx", str(out), "--with-nhs-costs", "--reference", "ICS-2026-07"]) == 0
    assert f"Term sheet (Word) written to {out}" in capsys.readouterr().out
    document = docx_read(out.read_bytes())
    text = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "ICS-2026-07" in text
    assert "Annex A. The NHS's costs of giving access" in [p.text for p in document.paragraphs]
    assert main(["summary", str(path), "--for-partner"]) == 0
    printed = capsys.readouterr().out
    deal = load_deal(path)
    assert printed == summary_text(deal, value_deal(deal), for_partner=True) + "\n"


def test_a_word_term_sheet_that_cannot_be_written_is_one_clear_line(tmp_path, capsys):
    path = EXAMPLES[1]
    assert main(["value", str(path), "--docx", str(tmp_path / "missing" / "sheet.docx")]) != 0
    err = capsys.readouterr().err
    assert "cannot write the Word document" in err and "Traceback" not in err

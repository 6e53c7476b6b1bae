"""The term sheet: the heads of terms a commercial lead sends to the partner, as a PDF.

What it says is built once, as plain blocks, by ``termsheet_content`` (the Word document prints the same blocks);
this module lays them out with ``pdfkit``, whose helpers escape every string, so user text prints exactly as typed.
By default the term sheet holds nothing from which the NHS's walk-away, target, fair band or internal judgement can
be read, nor the partner's projections; each annex that discloses any of them goes in only when chosen
(``TermSheetOptions``; ``DISCLOSURES`` says what each discloses).
"""

from __future__ import annotations

import datetime

from valueshare.engine.valuation import Valuation
from valueshare.framework import Assessment
from valueshare.model import Deal
from valueshare.provenance import Provenance, partner_digest
from valueshare.reports.blocks import Para
from valueshare.reports.blocks_pdf import flowables
from valueshare.reports.pdfkit import render
from valueshare.reports.termsheet_content import (
    DEFAULTS,
    DISCLOSURES,
    KIND,
    TermSheetOptions,
    term_sheet_blocks,
)

__all__ = ["DISCLOSURES", "KIND", "TermSheetOptions", "about", "term_sheet_pdf"]


def about(deal: Deal, *, with_nhs_costs: bool = False) -> str:
    """The document's provenance sentence: the digest of the deal as shared with the partner, which it can check
    against the partner's deal file (with the NHS's costs only when the term sheet discloses them)."""
    command = "export --partner-yaml" + (" --with-nhs-costs" if with_nhs_costs else "")
    return Provenance(partner_digest(deal, with_nhs_costs=with_nhs_costs)).about(
        f"the deal as shared with the partner ({command})")


def term_sheet_pdf(deal: Deal, valuation: Valuation, *, issued: datetime.date | None = None,
                   options: TermSheetOptions = DEFAULTS, assessment: Assessment | None = None) -> bytes:
    """The term sheet as PDF bytes. ``issued`` is printed on every page (default: today); the same deal, valuation,
    options and date always give the same bytes. ``assessment`` is used only by the framework annex (default: made
    with ``assess(deal, valuation)`` when that annex is chosen)."""
    day = issued or datetime.date.today()
    costs = options.with_nhs_costs
    made = Provenance(partner_digest(deal, with_nhs_costs=costs))
    blocks = [*term_sheet_blocks(deal, valuation, issued=day, options=options, assessment=assessment),
              Para(about(deal, with_nhs_costs=costs), "About this document.", "small")]
    return render(lambda: flowables(blocks), title=deal.name, kind=KIND, issued=day, provenance=made.footer())

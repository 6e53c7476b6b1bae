"""The workbook itself: the sheets written in order, over one Book (see the package's docstring)."""

from __future__ import annotations

from valueshare.basecase import base_case
from valueshare.engine import Valuation, value_deal
from valueshare.model import Deal
from valueshare.provenance import Provenance
from valueshare.reports.excel.book import Book
from valueshare.reports.excel.flows import write_cash_flows
from valueshare.reports.excel.inputs import Cells, write_inputs, write_workings
from valueshare.reports.excel.partnership import SHEET_NAME, needs_sheet, write_partnership
from valueshare.reports.excel.summary import write_summary


def deal_workbook(deal: Deal, valuation: Valuation | None = None) -> bytes:
    """The deal as .xlsx bytes whose figures are formulas that equal ``value_deal(deal)``.

    ``valuation`` must be ``value_deal(deal)`` when given (it is computed otherwise); its line labels and its IRR
    (as the starting guess of ``IRR()``) are used, and its figures are shown beside the formulas for comparison.
    """
    made = Provenance.of(deal)  # of the deal as given, as the JSON results record it
    deal = base_case(deal)  # the inputs the valuation's formulas read: each uncertain one at its base-case value
    valuation = valuation if valuation is not None else value_deal(deal)
    book = Book()
    cells = Cells()
    summary = book.sheet("Summary")  # first in the workbook, filled last
    irr = valuation.partner_irr.value
    write_inputs(book, deal, cells, irr_guess=round(irr, 4) if irr is not None else 0.1)
    workings = write_workings(book, deal, cells)
    layout = write_cash_flows(book, deal, valuation, cells, workings)
    if needs_sheet(deal):
        write_partnership(book.sheet(SHEET_NAME), deal, valuation, cells, layout)
    write_summary(summary, deal, valuation, cells, layout, provenance=made)
    return book.close()

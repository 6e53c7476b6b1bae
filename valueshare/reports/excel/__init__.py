"""A deal as an Excel workbook whose figures are live formulas a finance team can audit.

``deal_workbook(deal)`` returns the bytes of an .xlsx file with four sheets: Summary (NPVs and IRR as formulas),
Inputs (every input as a labelled constant, with its unit, formula name and scenario field), Workings (stage timing
and chances) and Cash flows (the engine's lines, one column per year). Every figure is a formula over the Inputs
sheet; each formula's cached value is stored too, so readers that do not recalculate show the same figures.
See docs/excel-model.md.

XlsxWriter writes it: it stores a cached value beside each formula and never turns text into a formula when told
not to (openpyxl stores no cached values and reads any text starting with '=' as a formula).
"""

from __future__ import annotations

from typing import Any

__all__ = ["deal_workbook", "needs_quote_prefix"]


def __getattr__(name: str) -> Any:
    # The sheets (and XlsxWriter) load when a workbook is made, not when a module of the package is imported:
    # valueshare.mechanisms gives each mechanism its rows from excel/terms.py, and the engine imports that registry.
    if name == "deal_workbook":
        from valueshare.reports.excel.workbook import deal_workbook
        return deal_workbook
    if name == "needs_quote_prefix":
        from valueshare.reports.excel.book import needs_quote_prefix
        return needs_quote_prefix
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The workbook's furniture over XlsxWriter: safe text, formats, and sheets that remember each cell's value.

Text from the user is always written with ``write_string`` into a workbook opened with ``strings_to_formulas``,
``strings_to_numbers`` and ``strings_to_urls`` off, so it is never read as a formula, number or link; on top of that,
a cell whose text would begin with ``= + - @``, a tab, CR or LF carries Excel's quote prefix (XlsxWriter's
``quote_prefix`` format property, OWASP's advice against formula injection): Excel shows it as text even when a
reader edits the cell, and the text itself stays exactly as the user typed it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from valueshare.reports.excel.formula import Range, Value, X, ref

#: The characters that make a spreadsheet (or a CSV opened in one) treat text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def needs_quote_prefix(text: str) -> bool:
    """Whether a spreadsheet could read the text as a formula, so that its cell needs the quote prefix.

    >>> needs_quote_prefix('=HYPERLINK("http://x")'), needs_quote_prefix("Trust"), needs_quote_prefix("-5% case")
    (True, False, True)
    """
    return text.startswith(FORMULA_TRIGGERS)


# Number formats: money in whole pounds, rates as percentages, years with up to two decimals.
GBP = '"£"#,##0;-"£"#,##0;"–"'          # zero as a dash, as finance teams print it
GBP_PENCE = '"£"#,##0.00;-"£"#,##0.00;"–"'
GBP_INPUT = '"£"#,##0.##;-"£"#,##0.##;"£"0'  # an input shows its zero, and its pence if it has any
PERCENT = "0.0##%"
DIFFERENCE = "0.000000"
YEARS = "0.0#"
WHOLE = "0"
COUNT = "#,##0.##"
FACTOR = "0.000000"
PLAIN = "General"

INPUT_STYLE = {"font_color": "#1F4E9E", "bg_color": "#FFF7D6", "border": 1, "border_color": "#C9C9C9"}
CALC_STYLE: dict[str, Any] = {}


@dataclass
class Formats:
    """Every cell format the workbook uses, made once."""

    book: Any
    cache: dict[tuple, Any] = field(default_factory=dict)
    options: dict[int, dict[str, Any]] = field(default_factory=dict)  # each format's arguments to get, by its id

    def get(self, num_format: str = PLAIN, *, kind: str = "calc", bold: bool = False, italic: bool = False,
            wrap: bool = False, grey: bool = False, top_border: bool = False, size: int | None = None,
            fill: str | None = None, quote: bool = False) -> Any:
        options = {"num_format": num_format, "kind": kind, "bold": bold, "italic": italic, "wrap": wrap,
                   "grey": grey, "top_border": top_border, "size": size, "fill": fill, "quote": quote}
        key = tuple(options.values())
        if key not in self.cache:
            spec: dict[str, Any] = dict(INPUT_STYLE if kind == "input" else CALC_STYLE)
            spec["num_format"] = num_format
            spec.update({k: True for k, on in (("bold", bold), ("italic", italic), ("text_wrap", wrap)) if on})
            if grey:
                spec["font_color"] = "#6B6B6B"
            if top_border:
                spec["top"] = 1
            if size:
                spec["font_size"] = size
            if fill:
                spec["bg_color"] = fill
            if quote:
                spec["quote_prefix"] = True
            spec["valign"] = "top"
            self.cache[key] = self.book.add_format(spec)
            self.options[id(self.cache[key])] = options  # the cache keeps the format, so its id stays its own
        return self.cache[key]

    def quoted(self, fmt: Any) -> Any:
        """The same format as ``fmt`` (one this object made) with Excel's quote prefix."""
        return self.get(**{**self.options[id(fmt)], "quote": True})


class Sheet:
    """One worksheet that records the value of every cell it writes, so later formulas can use those values."""

    def __init__(self, book: Book, name: str, *, one_page_wide: bool = True):
        self.book = book
        self.name = name
        self.ws = book.wb.add_worksheet(name)
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        if one_page_wide:
            self.ws.fit_to_pages(1, 0)  # as wide as one page, as long as it needs
        self.values: dict[tuple[int, int], Value] = {}

    def text(self, row: int, col: int, text: str, fmt: Any = None) -> None:
        """Text exactly as given; a cell whose text could read as a formula carries the quote prefix."""
        fmt = fmt or self.book.formats.get()
        self.ws.write_string(row, col, text, self.book.formats.quoted(fmt) if needs_quote_prefix(text) else fmt)

    def number(self, row: int, col: int, value: float | None, fmt: Any) -> X:
        """An input: a constant number, or a blank cell when ``value`` is None (e.g. a royalty with no cap)."""
        if value is None:
            self.ws.write_blank(row, col, None, fmt)
        else:
            self.ws.write_number(row, col, float(value), fmt)
        self.values[(row, col)] = None if value is None else float(value)
        return self.ref(row, col)

    def formula(self, row: int, col: int, expr: X, fmt: Any) -> X:
        """A formula cell; its cached value is the expression's value (so non-recalculating readers agree)."""
        value = expr.value
        cached: Any = ("TRUE" if value else "FALSE") if isinstance(value, bool) else value
        self.ws.write_formula(row, col, "=" + expr.text, fmt, 0 if cached is None else cached)
        self.values[(row, col)] = value
        return self.ref(row, col)

    def ref(self, row: int, col: int, *, row_abs: bool = False, col_abs: bool = False, other: Sheet | None = None
            ) -> X:
        """The cell as a formula reference, from this sheet or (with ``other``) from another sheet."""
        text = xl_rowcol_to_cell(row, col, row_abs, col_abs)
        if other is not None and other is not self:
            text = f"{quote_sheetname(self.name)}!{text}"
        return ref(text, self.values[(row, col)])

    def row_range(self, row: int, first_col: int, last_col: int, *, other: Sheet | None = None,
                  col_abs_first: bool = False) -> Range:
        start = xl_rowcol_to_cell(row, first_col, False, col_abs_first)
        text = f"{start}:{xl_rowcol_to_cell(row, last_col)}"
        if other is not None and other is not self:
            text = f"{quote_sheetname(self.name)}!{text}"
        return Range(text, tuple(self.values[(row, c)] for c in range(first_col, last_col + 1)))


class Book:
    """An in-memory workbook with formats, named cells and value-recording sheets."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
            "nan_inf_to_errors": False,
        })
        self.formats = Formats(self.wb)
        self.names: dict[str, X] = {}

    def sheet(self, name: str, *, one_page_wide: bool = True) -> Sheet:
        return Sheet(self, name, one_page_wide=one_page_wide)

    def name(self, name: str, sheet: Sheet, row: int, col: int) -> X:
        """Give a cell a workbook-wide name; formulas elsewhere use the name instead of its address."""
        if name in self.names:
            raise ValueError(f"name {name!r} defined twice")
        self.wb.define_name(name, f"={quote_sheetname(sheet.name)}!{xl_rowcol_to_cell(row, col, True, True)}")
        self.names[name] = ref(name, sheet.values[(row, col)])
        return self.names[name]

    def close(self) -> bytes:
        self.wb.set_properties({"title": "valueshare deal model", "creator": "valueshare"})
        self.wb.close()
        return self.buffer.getvalue()

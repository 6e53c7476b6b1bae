"""The portfolio written for people: its summary in sentences, its tables (one row a deal, the terms used, the
spread of the term figures) with the labels every surface uses, and the same tables as CSV and as an Excel workbook.

The CLI, the app's Portfolio page and the downloads all take their words and columns from here, so a column has one
name everywhere. Cells hold numbers (money in £, rates as fractions) for the files; ``written`` gives the text a
table on screen shows.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from valueshare.figures import FIGURES
from valueshare.format import money, percent, ratio
from valueshare.mechanisms import MECHANISMS
from valueshare.model.deal import Use
from valueshare.model.parties import DataType
from valueshare.register.portfolio import TERM_FIGURES, Portfolio, Spread
from valueshare.register.records import DealStatus

#: Where the value share stands against the fair band, in words.
POSITIONS = {"below": "Below the band", "within": "Within the band", "above": "Above the band",
             "not applicable": "No value share"}


def use_label(value: str) -> str:
    try:
        return Use(value).label
    except ValueError:
        return value.replace("_", " ")


def data_type_label(value: str) -> str:
    try:
        return DataType(value).label
    except ValueError:
        return value.replace("_", " ")


def term_label(kind: str) -> str:
    return MECHANISMS[kind].label if kind in MECHANISMS else kind.replace("_", " ")


def status_label(value: str) -> str:
    return DealStatus(value).label


#: The portfolio's lists of outliers: (title, field of ``Portfolio`` holding the deals' keys).
OUTLIERS = (("Below cost recovery", "below_cost_recovery"), ("Value share above the fair band", "above_band"),
            ("Value share below the fair band", "below_band"))


def outliers(folio: Portfolio) -> list[tuple[str, list[str]]]:
    """Each list of outliers under its title, with the names of its deals in the portfolio's order (a list with
    no deal is empty), for the summary and the app's Portfolio page."""
    names = {d.key: d.name for d in folio.deals}
    return [(title, [names[k] for k in getattr(folio, name)]) for title, name in OUTLIERS]


def summary_lines(folio: Portfolio) -> list[str]:
    """The portfolio in a few sentences (the CLI prints them; the page shows them above its tables)."""
    n = len(folio.deals)
    share = folio.mean_nhs_share
    lines = [f"{n} deal{'' if n == 1 else 's'}; NHS NPV in total {money(folio.total_nhs_npv_gbp)}; NHS receipts "
             f"in total {money(folio.total_nhs_receipts_gbp)}; value share beyond cost recovery in total "
             f"{money(folio.total_value_share_gbp)}; NHS share of value on average "
             f"{percent(share) if share is not None else 'n/a (no deal has one)'}"]
    lines.append("Pipeline: " + (", ".join(f"{status_label(s).lower()} {k}" for s, k in folio.pipeline.items() if k)
                                 or "no deals"))
    for title, names in outliers(folio):
        if names:
            lines.append(f"{title}: " + ", ".join(names))
    if folio.worked_out:
        lines.append(f"{folio.worked_out} deal(s) saved before the register kept outlines were valued again from "
                     f"their text")
    return lines


#: The table of deals: (column label, field of ``PortfolioDeal``, how a cell is written on screen).
DEAL_COLUMNS: tuple[tuple[str, str, Any], ...] = (
    ("Deal", "name", str), ("Key", "key", str), ("NHS body", "nhs_name", str), ("Partner", "partner_name", str),
    ("Status", "status", status_label), ("Version", "version", str), ("Use", "use", use_label),
    ("Kinds of data", "data_types", lambda v: ", ".join(data_type_label(x) for x in v)),
    ("Terms", "mechanisms", lambda v: ", ".join(dict.fromkeys(term_label(x) for x in v))),
    (FIGURES["nhs_npv"].label, "nhs_npv_gbp", money), (FIGURES["partner_npv"].label, "partner_npv_gbp", money),
    (FIGURES["nhs_receipts"].label, "nhs_receipts_gbp", money), ("Fees (present value)", "fees_gbp", money),
    ("Highest royalty rate", "top_royalty_rate", percent), ("Revenue share rate", "revenue_share_rate", percent),
    (FIGURES["cost_recovery"].label, "cost_recovery", ratio), (FIGURES["nhs_share"].label, "nhs_share", percent),
    (FIGURES["value_share"].label, "value_share", percent),
    (FIGURES["value_share_gbp"].label, "value_share_gbp", money),
    ("Fair band, low", "band_low", percent), ("Fair band, high", "band_high", percent),
    ("Against the fair band", "position", lambda v: POSITIONS.get(v, v)),
)


def deal_rows(folio: Portfolio, *, written: bool = False) -> list[dict[str, Any]]:
    """One row a deal, by column label: numbers as they are (``written=False``, for files and charts) or as text
    (for a table on screen). A missing figure is empty (None), written 'n/a'."""
    rows = []
    for d in folio.deals:
        row: dict[str, Any] = {}
        for label, name, write in DEAL_COLUMNS:
            value = getattr(d, name)
            if written:
                row[label] = "n/a" if value is None else write(value)
            else:
                row[label] = ", ".join(value) if isinstance(value, list) else value
        rows.append(row)
    return rows


def terms_rows(folio: Portfolio) -> list[dict[str, Any]]:
    """How many deals use each kind of term, by use and by kind of data."""
    rows = []
    for group, by, label in (("Use", folio.terms_by_use, use_label),
                             ("Kind of data", folio.terms_by_data_type, data_type_label)):
        for value, counts in by.items():
            for kind, n in counts.items():
                rows.append({"By": group, "Group": label(value), "Term": term_label(kind), "Deals": n})
    return rows


def figures_rows(folio: Portfolio, *, written: bool = False) -> list[dict[str, Any]]:
    """The spread (lowest, median, highest) of each term figure, by use and by kind of data, over the deals that
    have it."""
    rows = []
    for group, by, label in (("Use", folio.figures_by_use, use_label),
                             ("Kind of data", folio.figures_by_data_type, data_type_label)):
        for value, spreads in by.items():
            for name, title in TERM_FIGURES:
                spread: Spread | None = spreads.get(name)
                if spread is None:
                    continue
                write = money if name == "fees_gbp" else percent
                cells = (spread.low, spread.median, spread.high)
                rows.append({"By": group, "Group": label(value), "Figure": title, "Deals": spread.deals,
                             **dict(zip(("Lowest", "Median", "Highest"),
                                        (write(c) for c in cells) if written else cells, strict=True))})
    return rows


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def _cell(value: Any) -> Any:
    """A cell as a spreadsheet should read it: text that starts like a formula is written as text (a deal's name
    is the user's own text, and a CSV opened in a spreadsheet must not run it)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def deals_csv(folio: Portfolio) -> str:
    """The table of deals as CSV: money in £, rates and shares as fractions."""
    return _csv(deal_rows(folio))


def deals_csv_bytes(folio: Portfolio) -> bytes:
    """``deals_csv`` as a file for Excel users: UTF-8 with a byte-order mark, so that £ and accented names survive
    when Excel opens it."""
    return deals_csv(folio).encode("utf-8-sig")


def portfolio_xlsx(folio: Portfolio) -> bytes:
    """The portfolio as an Excel workbook: a sheet of the summary, one of the deals, one of the terms used and
    one of the spread of the term figures. Cells are values, never formulas: the user's text is written as text."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    gbp = book.add_format({"num_format": "£#,##0"})
    pct = book.add_format({"num_format": "0.0%"})
    sheet = book.add_worksheet("Summary")
    sheet.set_column(0, 0, 120)
    for r, line in enumerate(summary_lines(folio)):
        sheet.write_string(r, 0, line)
    money_columns = {"NHS NPV", "Partner NPV", "NHS receipts", "Fees (present value)",
                     FIGURES["value_share_gbp"].label, FIGURES["nhs_receipts"].label}
    rate_columns = {"Highest royalty rate", "Revenue share rate", FIGURES["nhs_share"].label,
                    FIGURES["value_share"].label, "Fair band, low", "Fair band, high"}
    for title, rows in (("Deals", deal_rows(folio)), ("Terms used", terms_rows(folio)),
                        ("Term figures", figures_rows(folio))):
        sheet = book.add_worksheet(title)
        if not rows:
            sheet.write_string(0, 0, "No deals")
            continue
        heads = list(rows[0])
        for c, head in enumerate(heads):
            sheet.write_string(0, c, head, bold)
            sheet.set_column(c, c, max(12, min(40, len(head) + 2)))
        for r, row in enumerate(rows, start=1):
            for c, head in enumerate(heads):
                value = row[head]
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    fee_row = title == "Term figures" and row.get("Figure", "").startswith("Fees")
                    style = (gbp if head in money_columns or fee_row and head in ("Lowest", "Median", "Highest")
                             else pct if head in rate_columns or title == "Term figures"
                             and head in ("Lowest", "Median", "Highest") else None)
                    sheet.write_number(r, c, float(value), style)
        sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()

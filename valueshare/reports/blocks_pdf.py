"""Blocks (``blocks``) as reportlab flowables, through ``pdfkit``'s escaping helpers: the PDF medium."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer
from reportlab.platypus import Table as PdfTable

from valueshare.reports import blocks as b
from valueshare.reports.pdfkit import (
    CONTENT_WIDTH,
    FONT,
    NHS_COLOUR,
    PARTNER_COLOUR,
    Series,
    cash_flow_chart,
    heading,
    para,
    table,
)

W = CONTENT_WIDTH / b.WIDTH_MM


def flowables(blocks: Sequence[b.Block]) -> list[Flowable]:
    """Every block as flowables, in order."""
    out: list[Flowable] = []
    for block in blocks:
        out += _one(block)
    return out


def _one(block: b.Block) -> list[Flowable]:
    if isinstance(block, b.Heading):
        return [heading(block.text, block.level)]
    if isinstance(block, b.Para):
        return [para(block.text, block.style, lead=block.lead or None)]
    if isinstance(block, b.Bullets):
        return [para(item, "indented", lead="•") for item in block.items]
    if isinstance(block, b.Table):
        return [table(block.header, block.rows, [w * W for w in block.widths_mm], numeric=block.numeric,
                      total=block.total)]
    if isinstance(block, b.Signatures):
        return [_signatures(block)]
    if isinstance(block, b.CashFlows):
        series = [Series("NHS", list(block.nhs), NHS_COLOUR), Series("Partner", list(block.partner), PARTNER_COLOUR)]
        if not any(any(s.values) for s in series):
            return [para("Neither party has any cash flow to show.")]
        return [Spacer(1, 2 * mm), cash_flow_chart(list(block.years), series)]
    if isinstance(block, b.Keep):
        return [KeepTogether(flowables(block.blocks))]
    if isinstance(block, b.NewPage):
        return [PageBreak()]
    raise TypeError(f"no PDF form for {type(block).__name__}")


def _signatures(block: b.Signatures) -> Flowable:
    """Side by side, one column per party: its role and name, then a ruled line for each thing to fill."""
    columns = []
    for role, name in block.parties:
        cells = [[para(role, "cell_bold")], [para(name, "cell")]]
        cells += [[para(line, "small")] for line in block.lines]
        columns.append(cells)
    rows = [[column[k][0] for column in columns] for k in range(len(columns[0]))]
    grid = PdfTable(rows, colWidths=[CONTENT_WIDTH / len(columns)] * len(columns), hAlign="LEFT",
                    rowHeights=[None, None, *[11 * mm] * len(block.lines)])
    grid.setStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5),  # the cell's own default is Helvetica, never embedded
                   ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                   ("LINEBELOW", (0, 2), (-1, -1), 0.4, NHS_COLOUR),
                   ("RIGHTPADDING", (0, 0), (-1, -1), 12)])
    return grid

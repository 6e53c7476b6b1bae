"""One page on how a deal meets the NHS Value Sharing Framework: its three aims, its principles and a fair share.

The page follows the framework's order (patient benefit, then UK economic growth, then the NHS's financial return)
and shows each aim in its own units, side by side, never added into one score. Then the principle checks, the
fair-share band with the factors behind it, and a footnote separating the framework's rules from valueshare's own
thresholds [ours]. It is built from an :class:`~valueshare.framework.Assessment`, so the term sheet and a
negotiation brief print the same page. User text (fair-share notes, term names) reaches it only through
``pdfkit.para``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from valueshare.engine.valuation import Valuation
from valueshare.format import percent
from valueshare.framework import Assessment, Check, text
from valueshare.framework.fairshare import FairShare
from valueshare.model import Deal
from valueshare.reports.pdfkit import (
    CONTENT_WIDTH,
    FONT,
    HEADER_FILL,
    INK,
    MUTED,
    NHS_COLOUR,
    RULE,
    STYLES,
    heading,
    para,
)

TITLE = "How the deal meets the NHS Value Sharing Framework"
W = CONTENT_WIDTH / 170  # widths below are in millimetres of a 170 mm text width
GAP_MM = 3               # between the three aims' blocks

STATUS_FILL = {status: colors.HexColor(hex_) for status, hex_ in text.STATUS_COLOURS.items()}


def framework_page(deal: Deal, valuation: Valuation, assessment: Assessment, *,
                   title: str = TITLE) -> list[Flowable]:
    """The framework page's flowables: a section heading ``title``, the three aims, the principle checks, the fair
    share and the footnote. The caller decides where the page starts (the term sheet puts a page break first)."""
    a = assessment
    out: list[Flowable] = [
        heading(title),
        para(f"Assessed against the {a.rules.name}. Patient benefit comes first, then UK economic growth, then "
             "the NHS's financial return: the framework's order. Each aim is shown in its own units, never added "
             "into one score.", TEXT),
    ]
    out += [para(flag, "warning", lead="Patient-first flag:") for flag in a.patient_first]
    out += [*_pillars(deal, a), *_checks(a.checks), KeepTogether([*_fair_share(deal, valuation, a), _footnote(a)])]
    return out


# --- compact tables --------------------------------------------------------------------------------------------

def _compact(name: str, base: str, size: float = 7.5) -> ParagraphStyle:
    return ParagraphStyle(f"framework_{name}", parent=STYLES[base], fontSize=size, leading=round(size * 1.2, 1))


#: The page carries a term sheet's worth of judgements on one side of A4, so its tables are a size smaller than
#: pdfkit's; every cell still goes through ``para``.
CELL = {(False, False): _compact("cell", "cell"), (False, True): _compact("cell_bold", "cell_bold"),
        (True, False): _compact("num", "cell_num"), (True, True): _compact("num_bold", "cell_num_bold")}
TEXT = _compact("text", "body", 8)
NOTE = _compact("note", "small", 7)
NOTE_TEXT = _compact("note_text", "body", 7.5)


Cell = str | Sequence[str]


def _grid(header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float], *,
          numeric: Sequence[int] = (), total: bool = False, bold: Sequence[int] = ()) -> Table:
    """pdfkit's table, a size smaller: shaded header, hairlines, numeric columns right-aligned, an optional bold
    total row; ``bold`` columns are set in bold. A cell given as a list of strings prints one line for each."""
    def cell(text: Cell, style: ParagraphStyle) -> Paragraph | list[Paragraph]:
        return para(text, style) if isinstance(text, str) else [para(line, style) for line in text]

    data: list[list] = [[para(text, CELL[(i in numeric, True)]) for i, text in enumerate(header)]]
    for k, row in enumerate(rows):
        strong = total and k == len(rows) - 1
        data.append([cell(text, CELL[(i in numeric, strong or i in bold)]) for i, text in enumerate(row)])
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if total and rows:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, INK))
    grid = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT", spaceBefore=2, spaceAfter=4)
    grid.setStyle(TableStyle(commands))
    return grid


def _side_by_side(cells: Sequence, widths_mm: Sequence[float], *, space_before: float = 0) -> Table:
    """Blocks of flowables next to each other, ``GAP_MM`` apart, each ``widths_mm`` wide."""
    widths = [(w + GAP_MM) * W for w in widths_mm[:-1]] + [widths_mm[-1] * W]
    grid = Table([list(cells)], colWidths=widths, hAlign="LEFT", spaceBefore=space_before)
    grid.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),  # the cells hold flowables, but the cell's own default is Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), GAP_MM * W),
        ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return grid


# --- the three aims --------------------------------------------------------------------------------------------

#: Widths of the three aims' blocks and of their figure columns, in millimetres; with two gaps of 3 mm they fill
#: the 170 mm text width.
BLOCKS = ((66, 17), (48, 16), (50, 17))


def _block(title: str, rows: Sequence[Sequence[str]], width: float, figure: float, *, total: bool = False) -> list:
    """One aim: its title as a shaded bar over label/figure rows."""
    grid = _grid([title, ""], rows, [width - figure, figure], numeric=(1,), total=total)
    grid.setStyle(TableStyle([("SPAN", (0, 0), (1, 0))]))
    grid.spaceAfter = 1
    return [grid]


def _pillars(deal: Deal, a: Assessment) -> list[Flowable]:
    """The three aims side by side, then one full-width note on what each aim's figures are."""
    notes = text.aim_notes(deal, a)
    rows = text.aim_rows(a.pillars)
    blocks = [_block(aim, [[r.label, r.text] for r in rows[aim]], width * W, figure * W, total=k == 2)
              for k, (aim, (width, figure)) in enumerate(zip(text.AIMS, BLOCKS, strict=False))]
    return [_side_by_side(blocks, [width for width, _ in BLOCKS], space_before=4),
            para(" ".join(f"{aim}: {notes[aim]}" for aim in text.AIMS), NOTE)]


# --- the principles --------------------------------------------------------------------------------------------

def _figures(check: Check) -> list[str]:
    return [f"{name}: {value}" for name, value in check.figures.items()] or ["–"]  # one line each


def _checks(checks: Sequence[Check]) -> list[Flowable]:
    rows = [[c.title, c.status.label, c.reason, _figures(c)] for c in checks]
    grid = _grid(["Principle", "Status", "Why", "Key figures"], rows, [40 * W, 21 * W, 63 * W, 46 * W],
                 bold=(1,))
    commands = [("BACKGROUND", (1, k), (1, k), STATUS_FILL[c.status]) for k, c in enumerate(checks, start=1)]
    grid.setStyle(TableStyle(commands))
    sources = "; ".join(f"{k}. {c.source}" for k, c in enumerate(checks, start=1))
    return [heading("The framework's principles, checked", 1), grid, para(f"Sources, by row: {sources}.", NOTE)]


# --- the fair share ----------------------------------------------------------------------------------------------

#: Candidate steps of the percentage axis: 5%, 10%, 20%, 25%, 50%, 100%, 200%, ...
_STEPS = tuple(k * 10.0 ** e for e in range(-2, 7) for k in (1, 2, 2.5, 5) if k * 10.0 ** e >= 0.05)


def _ticks(top: float) -> tuple[float, float]:
    """(step, end) of a percentage axis that reaches past ``top`` in at most eight steps. A share can exceed 100%
    (the NHS takes more than the partner's value before payments), so the axis is not capped there.

    >>> _ticks(0.24), _ticks(3.2)
    ((0.05, 0.3), (0.5, 4.0))
    """
    for step in _STEPS:
        end = step * math.ceil(max(top * 1.1, 1e-9) / step)
        if end / step <= 8:
            return step, round(end, 10)
    return _STEPS[-1], _STEPS[-1] * 8


#: The band chart's legend: the band, the deal's share, and what stands in its place when it cannot be measured.
_BAND_LEGEND = ("fair band [ours], centre marked", "the deal's value share", "the deal's share cannot be measured")


def _band_chart(fair: FairShare) -> Drawing:
    """The fair band on a percentage axis, its centre marked, and the deal's share as a dark line; a legend on the
    right names both, so nothing rests on colour alone."""
    left, gap = 6.0, 10 * W
    # the legend's words set the room it takes at the right; the axis has the rest of the width
    legend_room = 13 + max(stringWidth(label, FONT, 7) for label in _BAND_LEGEND)
    width, scale = CONTENT_WIDTH, CONTENT_WIDTH - left - gap - legend_room
    step, end = _ticks(max(fair.high, fair.actual or 0.0))
    drawing = Drawing(width, 40, initialFontName=FONT, initialFontSize=7)
    shapes = Group()  # lifted off the bottom edge, so the tick labels clear what follows

    def x(share: float) -> float:
        return left + scale * min(share, end) / end

    shapes.add(Line(left, 10, left + scale, 10, strokeColor=MUTED, strokeWidth=0.5))
    for k in range(int(round(end / step)) + 1):
        tick = k * step
        shapes.add(Line(x(tick), 8, x(tick), 10, strokeColor=MUTED, strokeWidth=0.5))
        shapes.add(String(x(tick), 0, percent(tick, 0), fontName=FONT, fontSize=6.5, fillColor=MUTED,
                          textAnchor="middle"))
    band_fill = colors.HexColor("#CFE3F1")
    shapes.add(Rect(x(fair.low), 12, max(x(fair.high) - x(fair.low), 0.8), 12, fillColor=band_fill,
                    strokeColor=NHS_COLOUR, strokeWidth=0.6))
    shapes.add(Line(x(fair.centre), 12, x(fair.centre), 24, strokeColor=NHS_COLOUR, strokeWidth=1))
    legend = left + scale + gap
    band_label, share_label, no_share_label = _BAND_LEGEND
    shapes.add(Rect(legend, 20, 9, 7, fillColor=band_fill, strokeColor=NHS_COLOUR, strokeWidth=0.6))
    shapes.add(String(legend + 13, 21.5, band_label, fontName=FONT, fontSize=7, fillColor=INK))
    if fair.actual is not None:
        mark = x(fair.actual)
        shapes.add(Line(mark, 7, mark, 29, strokeColor=INK, strokeWidth=1.6))
        shapes.add(Polygon([mark - 3, 33, mark + 3, 33, mark, 29], fillColor=INK, strokeColor=None))
        shapes.add(Line(legend + 4.5, 5, legend + 4.5, 14, strokeColor=INK, strokeWidth=1.6))
        shapes.add(String(legend + 13, 7, share_label, fontName=FONT, fontSize=7, fillColor=INK))
    else:
        shapes.add(String(legend + 13, 7, no_share_label, fontName=FONT, fontSize=7, fillColor=MUTED))
    shapes.translate(0, 6)
    drawing.add(shapes)
    return drawing


def _side(fair: FairShare, side: str, title: str, width: float) -> Table:
    rows = []
    for f in fair.factors:
        if f.side == side:
            basis = f.basis if not f.note else [f.basis, f"your score; default {f.default_score}"]
            rows.append([f.factor.label, str(f.score), basis])
    return _grid([title, "Score", "Basis of the default"], rows,
                 [(width - 48) * W, 11 * W, 37 * W], numeric=(1,))


def _factors(fair: FairShare) -> list[Flowable]:
    """Each side's factors in a table of its own, side by side; below them, the note behind every score the user
    set by hand, exactly as typed."""
    half = (170 - GAP_MM) / 2
    grid = _side_by_side([_side(fair, "NHS", "NHS contributes", half),
                          _side(fair, "Partner", "Partner contributes", half)], [half, half])
    notes = [para(f.note, NOTE_TEXT, lead=f"{f.factor.label} ({f.side}), your score {f.score} (default "
                                          f"{f.default_score}):") for f in fair.factors if f.note]
    return [grid, *notes]


def _fair_share(deal: Deal, v: Valuation, a: Assessment) -> list[Flowable]:
    fair = a.fair_share
    out: list[Flowable] = [heading("Fair share for the NHS (principle 4) [ours]", 1),
                           para(text.band_text(fair, v), TEXT), _band_chart(fair)]
    if a.closing is not None:
        out.append(para(text.closing_text(deal, a.closing), TEXT, lead="To close the gap:"))
    elif a.closing_note:
        out.append(para(f"{a.closing_note}.", TEXT, lead="No single change closes the gap:"))
    return out + _factors(fair)


def _footnote(a: Assessment) -> Flowable:
    return para(text.footnote(a), NOTE)

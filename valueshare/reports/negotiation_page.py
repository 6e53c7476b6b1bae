"""The negotiation brief's negotiation sections: the positions and the zone of agreement (with a chart), the value
one term would need for each position, equivalent offers, and the main sensitivities.

Built from a :class:`~valueshare.negotiation.Negotiation` and worded by ``valueshare.negotiation.text``, so the
brief says what the app and the CLI say. User text reaches the page only through ``pdfkit.para``.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether

from valueshare.format import money
from valueshare.negotiation import Negotiation
from valueshare.negotiation import text as words
from valueshare.negotiation.zone import Zone
from valueshare.reports.pdfkit import (
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    NHS_COLOUR,
    PARTNER_COLOUR,
    Keep,
    heading,
    para,
    table,
)

W = CONTENT_WIDTH / 170
ZONE_FILL = colors.HexColor("#D5EFE6")


def _nice_top(value: float) -> float:
    """A round axis end at or above ``value``: 1, 2, 2.5 or 5 × a power of ten.

    >>> _nice_top(1.42e6), _nice_top(0.0)
    (1500000.0, 1.0)
    """
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def zone_chart(z: Zone) -> Drawing:
    """The value-to-the-NHS scale from £0: the zone shaded green between the NHS's walk-away and the partner's, the
    NHS's walk-away and target as blue marks, the partner's walk-away in orange, the offer as a black triangle. A
    legend names each mark, so nothing rests on colour alone."""
    width, left, scale = CONTENT_WIDTH, 8.0, CONTENT_WIDTH - 130
    points = [z.offer.value, z.nhs_walk_away.value, z.nhs_target.value, max(z.partner_walk_away.value, 0.0)]
    top = _nice_top(max(points) * 1.05)
    drawing = Drawing(width, 64, initialFontName=FONT, initialFontSize=7)
    g = Group()

    def x(value: float) -> float:
        return left + scale * min(max(value, 0.0), top) / top

    g.add(Line(left, 14, left + scale, 14, strokeColor=MUTED, strokeWidth=0.5))
    for k in range(5):
        tick = top * k / 4
        g.add(Line(x(tick), 12, x(tick), 14, strokeColor=MUTED, strokeWidth=0.5))
        g.add(String(x(tick), 3, money(tick), fontName=FONT, fontSize=6.5, fillColor=MUTED, textAnchor="middle"))
    if z.exists:
        g.add(Rect(x(z.nhs_walk_away.value), 16, max(x(z.partner_walk_away.value) - x(z.nhs_walk_away.value), 0.8),
                   22, fillColor=ZONE_FILL, strokeColor=None))
    for value, colour, dash in ((z.nhs_walk_away.value, NHS_COLOUR, None), (z.nhs_target.value, NHS_COLOUR, (2, 1.5)),
                                (z.partner_walk_away.value, PARTNER_COLOUR, None)):
        if value >= 0:
            g.add(Line(x(value), 14, x(value), 42, strokeColor=colour, strokeWidth=2, strokeDashArray=dash))
    mark = x(z.offer.value)
    g.add(Polygon([mark - 4, 50, mark + 4, 50, mark, 43], fillColor=INK, strokeColor=None))
    legend = left + scale + 10
    items = [("zone of agreement", ZONE_FILL, "box"), ("NHS walk-away", NHS_COLOUR, "line"),
             ("NHS target (dashed)", NHS_COLOUR, "dash"), ("Partner walk-away", PARTNER_COLOUR, "line"),
             ("this offer", INK, "triangle")]
    for k, (name, colour, kind) in enumerate(items):
        y = 50 - k * 10
        if kind == "box":
            g.add(Rect(legend, y - 1, 9, 6, fillColor=colour, strokeColor=None))
        elif kind == "triangle":
            g.add(Polygon([legend + 1, y + 5, legend + 8, y + 5, legend + 4.5, y - 1], fillColor=colour,
                          strokeColor=None))
        else:
            g.add(Line(legend, y + 2, legend + 9, y + 2, strokeColor=colour, strokeWidth=2,
                       strokeDashArray=(2, 1.5) if kind == "dash" else None))
        g.add(String(legend + 13, y, name, fontName=FONT, fontSize=7, fillColor=INK))
    g.add(String(left, 56, "Value to the NHS (£, present value at the partner's rate)", fontName=FONT_BOLD,
                 fontSize=7, fillColor=INK))
    drawing.add(g)
    return drawing


def negotiation_sections(n: Negotiation, *, first: int,
                         rows: list[list[str]] | None = None) -> tuple[list[Flowable], int]:
    """The zone, the term values, the equivalent offers and the sensitivities, numbered from ``first``; returns
    the flowables and the next section number. ``rows`` replaces the positions table's rows (default:
    ``words.position_rows``)."""
    deal, z = n.deal, n.zone
    number = iter(range(first, first + 10))
    out: list[Flowable] = [Keep([heading(f"{next(number)}. Where each side walks away"), para(words.SCALE, "small"),
                                 table(["Position", "Value to the NHS", "Share", "How it was set"],
                                       rows if rows is not None else words.position_rows(z),
                                       [32 * W, 26 * W, 16 * W, 96 * W], numeric=(1, 2)),
                                 KeepTogether([zone_chart(z)]), para(z.verdict)])]
    if z.openers:
        out.append(para("Each of these, changed on its own, would open a zone:", lead="What would open one."))
        out += [para(words.opener_text(deal, o), "indented", lead="•") for o in z.openers]
    if n.term_results:
        out.append(Keep([heading(f"{next(number)}. What one term would have to be"),
                         para(words.term_heading(deal, n)),
                         *[para(words.term_result_text(deal, r), "indented", lead="•") for r in n.term_results]]))
    if n.offers:
        rows = words.offer_rows(n.offers)
        out.append(Keep([heading(f"{next(number)}. Equivalent offers"), para(words.offers_intro(n), "small"),
                         para(words.offers_summary(n)),
                         table(list(words.OFFER_COLUMNS), rows,
                               [22 * W, 20 * W, 19 * W, 38 * W, 22 * W, 26 * W, 23 * W],
                               numeric=(1, 2, 3, 4, 5, 6)),
                         para("NHS P10 / P50 / P90: the NHS's NPV that one trial in ten falls below, the median, and "
                              "that one in ten rises above, in a Monte Carlo of 10,000 trials. Contingent: the share "
                              "of the value to the NHS that is paid only if development succeeds.", "small")]))
        out += [para(note, "indented", lead="•") for note in words.offer_notes(n.offers)]
    if n.tornado:
        out.append(Keep([heading(f"{next(number)}. The main sensitivities"),
                         para("Each input at its low and high value, everything else as drafted; widest swing in "
                              "the NHS's NPV first.", "small"),
                         table(["Input", "Low to high", "NHS NPV", "Partner NPV"], words.sensitivity_rows(n.tornado),
                               [70 * W, 30 * W, 35 * W, 35 * W], numeric=(1, 2, 3))]))
    return out, next(number)

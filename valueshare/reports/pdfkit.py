"""Building blocks shared by every valueshare PDF: font, escaping, styles, page furniture, tables and a chart.

Four rules keep the documents safe and stable:

* Every string that came from a user goes through :func:`para`, which escapes it, so reportlab never parses a
  deal's names as its mini-markup (``<font>``, ``</b>`` and ``<img src=...>`` would otherwise be obeyed).
* The font is DejaVu Sans, shipped inside the package (``valueshare/data/fonts``, with its licence), registered as a
  TrueType family so that it is embedded. It has the glyphs we print (``£``, ``×``, ``–``) and those of the names
  users type: all of Latin-1, Latin Extended-A (Welsh ``ŵ ŷ``, Polish, Czech, Hungarian), Greek, Cyrillic and more.
  The base-14 fonts are neither embedded nor complete, and reportlab's own Bitstream Vera lacks most of Latin
  Extended-A. A character the font lacks would print as an empty box: :mod:`valueshare.reports.glyphs` names each
  one so that the user is told.
* Documents are built with ``invariant=1`` and an explicit issue date, so the same inputs give the same bytes.
* Nothing a user types is cut or runs off the page: a word wider than its line or table cell is broken across
  lines (``splitLongWords``), tables split between rows and repeat their header, and the running header's title
  is the one place text is shortened (with an ellipsis; the title is printed whole on page 1). Every text field at
  its longest lays out: ``tests/test_pdf_long_text.py``.

"Page N of M" needs M before page 1 is drawn, so :func:`render` builds twice: the first pass counts the pages.
(A canvas that holds pages back until it knows M would break outline bookmarks, which point at the page being
drawn.)
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from valueshare.format import money

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
#: The folder of the font files and their licence, inside the package.
FONT_FOLDER = Path(__file__).resolve().parent.parent / "data" / "fonts"
#: Each face of the family, by its registered name, and its file in ``FONT_FOLDER``.
FACES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_ITALIC: "DejaVuSans-Oblique.ttf",
         FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf"}
MARKING = "OFFICIAL-SENSITIVE: COMMERCIAL"

#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies. Each party keeps its colour in
#: every chart of every document.
NHS_COLOUR = colors.HexColor("#0072B2")
PARTNER_COLOUR = colors.HexColor("#E69F00")
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#BBBBBB")
HEADER_FILL = colors.HexColor("#E8EEF4")
WARNING = colors.HexColor("#B00020")

PAGE_SIZE = A4
MARGIN = 20 * mm
TOP_MARGIN = 26 * mm
BOTTOM_MARGIN = 24 * mm
#: Width of the text frame: what tables and charts are laid out against.
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique, bold oblique) as one family; safe to call more than once."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_FOLDER / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD_ITALIC)


def _style(name: str, size: float, **options) -> ParagraphStyle:
    options.setdefault("fontName", FONT)
    options.setdefault("splitLongWords", 1)  # reportlab's default, relied on: a 200-letter name must wrap in a cell
    options.setdefault("textColor", INK)
    return ParagraphStyle(name, fontSize=size, leading=round(size * 1.2, 1), **options)


def _make_styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    box = {"borderWidth": 0.8, "borderPadding": 5, "spaceBefore": 9, "spaceAfter": 10}  # padding sits outside
    return {
        "title": _style("title", 18, fontName=FONT_BOLD, spaceAfter=4),
        "subtitle": _style("subtitle", 10.5, textColor=MUTED, spaceAfter=10),
        "h1": _style("h1", 13, fontName=FONT_BOLD, spaceBefore=12, spaceAfter=5, keepWithNext=1),
        "h2": _style("h2", 10, fontName=FONT_BOLD, spaceBefore=6, spaceAfter=2, keepWithNext=1),
        "body": _style("body", 9.5, spaceAfter=5),
        "indented": _style("indented", 9.5, leftIndent=12, spaceAfter=5),
        "small": _style("small", 8, textColor=MUTED, spaceAfter=4),
        "cell": _style("cell", 8.5),
        "cell_bold": _style("cell_bold", 8.5, fontName=FONT_BOLD),
        "cell_num": _style("cell_num", 8.5, alignment=TA_RIGHT),
        "cell_num_bold": _style("cell_num_bold", 8.5, fontName=FONT_BOLD, alignment=TA_RIGHT),
        "notice": _style("notice", 9.5, borderColor=NHS_COLOUR, backColor=colors.HexColor("#EEF5FB"), **box),
        "warning": _style("warning", 9.5, fontName=FONT_BOLD, textColor=WARNING, borderColor=WARNING,
                          backColor=colors.HexColor("#FDECEE"), **box),
    }


STYLES = _make_styles()


def para(text: str, style: ParagraphStyle | str = "body", *, lead: str | None = None) -> Paragraph:
    """A paragraph of plain text: ``text`` (and ``lead``, set in bold before it) are escaped, never parsed.

    This is the only way user text reaches a page, so ``R&D <AI> </b>`` prints exactly as typed.
    """
    style = STYLES[style] if isinstance(style, str) else style
    body = escape(text)
    if lead:
        body = f"<b>{escape(lead)}</b> {body}"
    return Paragraph(body, style)


def heading(text: str, level: int = 0) -> Paragraph:
    """A section heading that also becomes an outline bookmark (level 0 is a section, 1 a sub-section)."""
    flowable = para(text, "h1" if level == 0 else "h2")
    flowable.outline_level = level
    return flowable


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
          numeric: Sequence[int] = (), total: bool = False) -> Table:
    """A table of plain text: a shaded header that repeats on each page, hairlines between rows.

    ``numeric`` columns are right-aligned; with ``total`` the last row is bold and ruled off.
    """
    def cells(row: Sequence[str], bold: bool) -> list[Paragraph]:
        out = []
        for i, text in enumerate(row):
            name = ("cell_num" if i in numeric else "cell") + ("_bold" if bold else "")
            out.append(para(text, name))
        return out

    data = [cells(header, True)]
    data += [cells(row, total and k == len(rows) - 1) for k, row in enumerate(rows)]
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),  # cells are Paragraphs, but the cell's own default is Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if total and rows:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, INK))
    result = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT", spaceBefore=2, spaceAfter=8)
    result.setStyle(TableStyle(commands))
    return result


def long_date(day: datetime.date) -> str:
    """'22 November 2026': the way dates are written on UK government documents."""
    return f"{day.day} {day:%B %Y}"


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class Keep(KeepTogether):
    """Keep flowables on one page, unless they would not fit here but a good part of the page is still free: then
    start them here and let them run on (a table repeats its header overleaf). Plain ``KeepTogether`` would move a
    heading and a table that is just too long to a new page, leaving most of this one blank. Use plain
    ``KeepTogether`` for content that cannot split, such as a chart."""

    min_room = 0.3  # fraction of the frame's height

    def split(self, aW, aH):
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        frame = getattr(self, "_frame", None)
        if frame is not None and self._H > aH >= self.min_room * frame._height:
            # The document draws the first flowable returned as it is, unsplit: an empty one first lets each of the
            # content's flowables split in turn (a table taller than the room left would otherwise be a LayoutError).
            return [self.NullActionFlowable(), *self._content]
        return super().split(aW, aH)


class ReportDoc(BaseDocTemplate):
    """An A4 document whose every page carries the marking (top and bottom), title, issue date and page count,
    and (when given) a provenance line in its footer; its headings made with :func:`heading` become outline
    bookmarks."""

    def __init__(self, target: BytesIO, *, title: str, kind: str, issued: datetime.date,
                 total_pages: int | None = None, marking: str = MARKING, provenance: str | None = None) -> None:
        super().__init__(target, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
                         bottomMargin=BOTTOM_MARGIN, title=title, subject=kind, author="valueshare",
                         creator="valueshare", invariant=1, initialFontName=FONT, initialFontSize=9.5,
                         keepTogetherClass=Keep)  # a heading is kept with what follows it, the Keep way
        self.doc_title, self.kind, self.issued, self.total_pages = title, kind, issued, total_pages
        self.marking, self.provenance = marking, provenance
        self._bookmarks = 0
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._furniture, onPageEnd=self._provenance)])

    def _furniture(self, canv, doc) -> None:
        width, height = PAGE_SIZE
        right = width - MARGIN
        canv.saveState()
        canv.setFillColor(WARNING)
        canv.setFont(FONT_BOLD, 9)
        canv.drawCentredString(width / 2, height - 11 * mm, self.marking)
        canv.drawCentredString(width / 2, 9 * mm, self.marking)
        canv.setFillColor(MUTED)
        canv.setFont(FONT, 8)
        issued = f"{self.kind} · issued {long_date(self.issued)}"
        room = CONTENT_WIDTH - pdfmetrics.stringWidth(issued, FONT, 8) - 12
        # a paragraph prints a tab or a line break as a space; drawn directly, it would be an empty box
        title = " ".join(self.doc_title.split())
        canv.drawString(MARGIN, height - 17 * mm, _fit(title, FONT, 8, room))
        canv.drawRightString(right, height - 17 * mm, issued)
        pages = f"Page {doc.page} of {self.total_pages or doc.page}"
        canv.drawRightString(right, 15 * mm, pages)
        canv.drawString(MARGIN, 15 * mm, long_date(self.issued))
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN, height - 19 * mm, right, height - 19 * mm)
        canv.line(MARGIN, 18.5 * mm, right, 18.5 * mm)
        canv.restoreState()

    def _provenance(self, canv, doc) -> None:
        """The footer's provenance line (``valueshare.provenance.Provenance.footer``: version, rule set, the start of
        the deal's digest), drawn after the page's text so that a reader of the text meets it last."""
        if not self.provenance:
            return
        canv.saveState()
        canv.setFillColor(MUTED)
        canv.setFont(FONT, 6.5)
        canv.drawCentredString(PAGE_SIZE[0] / 2, 15 * mm, " ".join(self.provenance.split()))
        canv.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        level = getattr(flowable, "outline_level", None)
        if level is None:
            return
        self._bookmarks += 1
        key = f"section-{self._bookmarks}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=False)


def render(make_story: Callable[[], list[Flowable]], *, title: str, kind: str, issued: datetime.date,
           marking: str = MARKING, provenance: str | None = None) -> bytes:
    """Build the document twice: once to count its pages, once to print "Page N of M" with that count.
    ``marking`` is printed at the top and foot of every page, ``provenance`` (one short line) in every footer."""
    total: int | None = None
    for _ in range(3):
        target = BytesIO()
        doc = ReportDoc(target, title=title, kind=kind, issued=issued, total_pages=total, marking=marking,
                        provenance=provenance)
        doc.build(make_story())
        if doc.page == total:
            break
        total = doc.page
    return target.getvalue()


@dataclass(frozen=True)
class Series:
    """One party's yearly figures for a chart, in its fixed colour."""

    name: str
    values: Sequence[float]
    colour: colors.Color


def _year_labels(years: Sequence[int]) -> list[str]:
    step = 1 if len(years) <= 21 else 2 if len(years) <= 41 else 5
    return [str(y) if y % step == 0 else "" for y in years]


def _style_axes(chart: VerticalBarChart, years: Sequence[int]) -> None:
    cats = chart.categoryAxis
    cats.categoryNames = _year_labels(years)
    cats.labels.fontName, cats.labels.fontSize, cats.labels.dy = FONT, 7, -2
    cats.strokeColor, cats.tickDown = RULE, 0
    cats.joinAxisMode = "bottom"  # year labels under the panel, not on the £0 line
    axis = chart.valueAxis
    axis.labelTextFormat = money
    axis.labels.fontName, axis.labels.fontSize, axis.labels.dx = FONT, 7, -4
    axis.strokeColor, axis.tickLeft = RULE, 0
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = True, colors.HexColor("#E4E4E4"), 0.4
    axis.maximumTicks = 6
    axis.rangeRound = "both"  # end the axis on a labelled tick, above the tallest bar


def _value_range(chart: VerticalBarChart, values: Sequence[float]) -> None:
    """Always show £0; below £5 step in whole pounds, or the ticks would all print as "£0" or "£1"."""
    axis = chart.valueAxis
    low, high = min(min(values, default=0), 0), max(max(values, default=0), 0)
    if max(-low, high) < 5:
        axis.valueMin, axis.valueMax, axis.valueStep = math.floor(low), math.ceil(high), 1
        if axis.valueMin == axis.valueMax:
            axis.valueMin, axis.valueMax = -1, 1
    else:
        axis.valueMin, axis.valueMax = (low if low < 0 else 0), (high if high > 0 else 0)


def _panel(series: Series, years: Sequence[int], x: float, y: float, width: float, height: float) -> list:
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = x, y, width, height
    chart.data = [[float(v) for v in series.values]]
    chart.bars[0].fillColor, chart.bars[0].strokeColor = series.colour, None
    chart.barSpacing, chart.groupSpacing = 0, 2
    _style_axes(chart, years)
    _value_range(chart, chart.data[0])
    drawn = chart.draw()  # drawing configures the value axis, so £0 can then be placed
    # Bars grow from £0, wherever it sits; draw that line so gains and losses read at a glance.
    zero = chart.valueAxis.scale(0)
    title = String(x, y + height + 5, series.name, fontName=FONT_BOLD, fontSize=8.5, fillColor=INK)
    return [drawn, Line(x, zero, x + width, zero, strokeColor=INK, strokeWidth=0.6), title]


def cash_flow_chart(years: Sequence[int], series: Sequence[Series], *, width: float = CONTENT_WIDTH,
                    panel_height: float = 40 * mm, axis_title: str = "£ a year",
                    year_title: str = "Year (year 0 is signature)") -> Drawing:
    """Yearly bars, one panel per series stacked on a shared year axis, with a legend and axes labelled in £.

    Each panel has its own scale: an NHS fee of £50k beside a partner's £50m of sales would otherwise vanish.
    """
    left, bottom, gap, legend_room = 52.0, 26.0, 38.0, 34.0
    height = bottom + len(series) * panel_height + (len(series) - 1) * gap + legend_room
    drawing = Drawing(width, height, initialFontName=FONT, initialFontSize=8)  # else renderPDF selects Helvetica
    for k, item in enumerate(reversed(series)):
        y = bottom + k * (panel_height + gap)
        for shape in _panel(item, years, left, y, width - left - 6, panel_height):
            drawing.add(shape)
        label = Group(String(0, 0, axis_title, fontName=FONT, fontSize=7, fillColor=MUTED, textAnchor="middle"))
        label.translate(8, y + panel_height / 2)
        label.rotate(90)
        drawing.add(label)
    drawing.add(String(left + (width - left) / 2, 4, year_title, fontName=FONT, fontSize=7.5,
                       fillColor=MUTED, textAnchor="middle"))
    legend = Legend()
    legend.x, legend.y = left, height - 2
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 8
    legend.deltax, legend.dxTextSpace = 70, 5
    legend.strokeColor = None
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [(item.colour, item.name) for item in series]
    drawing.add(legend)
    return drawing

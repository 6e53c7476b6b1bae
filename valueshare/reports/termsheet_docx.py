"""The term sheet as a Word document (python-docx), for a legal team to redline with tracked changes.

It prints the same blocks as the PDF (``termsheet_content``): sections as real Word headings (Heading 1 and 2, so
the navigation pane and a table of contents see them), tables as Word tables with a header row that repeats on each
page, bullets as Word's List Bullet style, and the signature block as a table with a row to fill for each line.
python-docx writes text as runs, never as markup, so user text is kept exactly as typed; characters XML cannot hold
(control characters, which the model already refuses in names) are dropped rather than breaking the file.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as DocxTable

from valueshare.engine.valuation import Valuation
from valueshare.format import money
from valueshare.framework import Assessment
from valueshare.model import Deal
from valueshare.reports import blocks as b
from valueshare.reports.pdfkit import MARKING
from valueshare.reports.termsheet import about
from valueshare.reports.termsheet_content import DEFAULTS, KIND, TermSheetOptions, term_sheet_blocks

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MUTED = RGBColor(0x55, 0x5F, 0x6B)
WARNING = RGBColor(0xB0, 0x10, 0x2A)
NHS_BLUE = RGBColor(0x00, 0x5E, 0xB8)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def term_sheet_docx(deal: Deal, valuation: Valuation, *, issued: datetime.date | None = None,
                    options: TermSheetOptions = DEFAULTS, assessment: Assessment | None = None) -> bytes:
    """The term sheet as .docx bytes: the same content as ``term_sheet_pdf`` for the same deal, options and date."""
    day = issued or datetime.date.today()
    blocks = [*term_sheet_blocks(deal, valuation, issued=day, options=options, assessment=assessment),
              b.Para(about(deal, with_nhs_costs=options.with_nhs_costs), "About this document.", "small")]
    doc = Document()
    _page(doc, deal, day)
    for block in b.flatten(blocks):
        _one(doc, block)
    core = doc.core_properties
    core.title, core.subject, core.author = _clean(deal.name), KIND, "valueshare"
    core.created = core.modified = datetime.datetime(day.year, day.month, day.day)
    core.last_modified_by, core.revision = "valueshare", 1
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(doc, deal: Deal, day: datetime.date) -> None:
    """A4 with 20 mm margins; the marking in the header and the footer, the deal and date beside it."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    for where, text in ((section.header, MARKING), (section.footer, f"{MARKING} · {_clean(deal.name)} · "
                                                                    f"{KIND} · issued {day.day} {day:%B %Y}")):
        p = where.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.font.size = True, Pt(8)
        run.font.color.rgb = WARNING


def _one(doc, block: b.Block) -> None:
    if isinstance(block, b.Heading):
        doc.add_heading(_clean(block.text), level=block.level + 1)
    elif isinstance(block, b.Para):
        _para(doc, block)
    elif isinstance(block, b.Bullets):
        for item in block.items:
            doc.add_paragraph(_clean(item), style="List Bullet")
    elif isinstance(block, b.Table):
        _table(doc, block.header, block.rows, block.widths_mm, block.numeric, block.total)
    elif isinstance(block, b.Signatures):
        _signatures(doc, block)
    elif isinstance(block, b.CashFlows):
        rows = [[str(y), money(n), money(p)] for y, n, p in zip(block.years, block.nhs, block.partner, strict=True)]
        _table(doc, ("Year", "NHS", "Partner"), rows, (30, 50, 50), (1, 2), False)
    elif isinstance(block, b.NewPage):
        doc.add_page_break()
    else:
        raise TypeError(f"no Word form for {type(block).__name__}")


def _para(doc, block: b.Para) -> None:
    if block.style == "title":
        doc.add_heading(_clean(block.text), level=0)
        return
    p = doc.add_paragraph()
    if block.lead:
        p.add_run(_clean(block.lead) + " ").bold = True
    run = p.add_run(_clean(block.text))
    if block.style in ("small", "subtitle"):
        run.font.size = Pt(8 if block.style == "small" else 11)
        run.font.color.rgb = MUTED
    elif block.style == "warning":
        run.bold = True
        run.font.color.rgb = WARNING
    elif block.style == "notice":
        run.font.color.rgb = NHS_BLUE
    elif block.style == "indented":
        p.paragraph_format.left_indent = Mm(6)


def _table(doc, header: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float],
           numeric: Sequence[int], total: bool) -> DocxTable:
    grid = doc.add_table(rows=1 + len(rows), cols=len(header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    scale = 170 / sum(widths_mm)
    for k, row in enumerate([header, *rows]):
        bold = k == 0 or (total and k == len(rows))
        for i, text in enumerate(row):
            cell = grid.rows[k].cells[i]
            cell.width = Mm(widths_mm[i] * scale)
            p = cell.paragraphs[0]
            run = p.add_run(_clean(text))
            run.bold, run.font.size = bold, Pt(9)
            if i in numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(grid)
    return grid


def _repeat_header(grid: DocxTable) -> None:
    """Mark the first row as a header row, which Word repeats at the top of each page the table runs onto."""
    properties = grid.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _signatures(doc, block: b.Signatures) -> None:
    grid = doc.add_table(rows=2 + len(block.lines), cols=len(block.parties))
    grid.style = "Table Grid"
    for i, (role, name) in enumerate(block.parties):
        grid.rows[0].cells[i].paragraphs[0].add_run(_clean(role)).bold = True
        grid.rows[1].cells[i].paragraphs[0].add_run(_clean(name))
        for k, line in enumerate(block.lines, start=2):
            cell = grid.rows[k].cells[i]
            run = cell.paragraphs[0].add_run(f"{line}:")
            run.font.size, run.font.color.rgb = Pt(8), MUTED
            cell.add_paragraph("")  # room to sign or write

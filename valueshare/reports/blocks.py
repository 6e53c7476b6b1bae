"""A document as a list of plain blocks (headings, paragraphs, lists, tables, signature lines), so that one content
builder feeds every medium: the PDF (``pdfkit``), Word (``termsheet_docx``) and plain text. Every string is plain
text, never markup: each renderer escapes it for its medium.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The text width the PDF lays tables out on, in millimetres; table widths are given in these units.
WIDTH_MM = 170


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 0          # 0 a numbered section, 1 a sub-section


@dataclass(frozen=True)
class Para:
    text: str
    lead: str = ""          # set in bold before the text
    style: str = "body"     # body, small, indented, notice, warning, title, subtitle


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float, ...]
    numeric: tuple[int, ...] = ()
    total: bool = False     # the last row is a total


@dataclass(frozen=True)
class Signatures:
    """A signature block: for each party, its role and name, with lines for the signatory to fill."""

    parties: tuple[tuple[str, str], ...]
    lines: tuple[str, ...] = ("Signature", "Name", "Position", "Date")


@dataclass(frozen=True)
class CashFlows:
    """Each party's expected yearly cash flow: a chart in the PDF, a table in Word and text."""

    years: tuple[int, ...]
    nhs: tuple[float, ...]
    partner: tuple[float, ...]


@dataclass(frozen=True)
class Keep:
    """Blocks the PDF keeps on one page where it can."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class NewPage:
    pass


Block = Heading | Para | Bullets | Table | Signatures | CashFlows | Keep | NewPage


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float], *,
          numeric: Sequence[int] = (), total: bool = False) -> Table:
    """A :class:`Table` from lists (the builders' natural shape)."""
    return Table(tuple(header), tuple(tuple(r) for r in rows), tuple(widths_mm), tuple(numeric), total)


def flatten(blocks: Sequence[Block]) -> list[Block]:
    """The blocks with every :class:`Keep` opened out, in order."""
    out: list[Block] = []
    for block in blocks:
        out.extend(flatten(block.blocks) if isinstance(block, Keep) else [block])
    return out


def strings(blocks: Sequence[Block]) -> list[str]:
    """Every string the blocks would print, in order: what a leak test reads, medium by medium."""
    out: list[str] = []
    for block in flatten(blocks):
        if isinstance(block, Heading):
            out.append(block.text)
        elif isinstance(block, Para):
            out += [block.lead, block.text]
        elif isinstance(block, Bullets):
            out += list(block.items)
        elif isinstance(block, Table):
            out += list(block.header) + [cell for row in block.rows for cell in row]
        elif isinstance(block, Signatures):
            out += [text for party in block.parties for text in party] + list(block.lines)
    return [s for s in out if s]

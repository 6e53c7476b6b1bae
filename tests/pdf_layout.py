"""Where a PDF's text lands: each line of text with its page, position, width and font, read back with pypdf.

The layout tests use it to check that text stays inside the page's margins and that a long text is printed whole,
not cut: ``body_text`` is every page's text inside the text frame (the running header and footer left out, so that
a paragraph that runs over a page break reads on without them).

pypdf reports each text-showing operation with the text matrix at the start of its text object, so the pieces of
one line (a bold lead, then the text) share the line's start; a piece that ends with a line break ends the line.
A line's width is the sum of its pieces' widths in their fonts, measured with reportlab's own metrics, with the
word spacing (``Tw``) reportlab sets to squeeze a line that is a hair too long.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from valueshare.reports.pdfkit import BOTTOM_MARGIN, FACES, MARGIN, PAGE_SIZE, TOP_MARGIN, register_fonts


@dataclass(frozen=True)
class Line:
    """One line of text as drawn: ``x`` and ``y`` where it starts, ``width`` in points, all on the page."""

    page: int
    x: float
    y: float
    width: float
    text: str
    upright: bool

    @property
    def right(self) -> float:
        return self.x + self.width


def _face(font_dict) -> str:
    name = str(font_dict.get("/BaseFont", "")) if font_dict else ""
    name = name.lstrip("/").split("+")[-1]
    return name if name in FACES else next(iter(FACES))


@lru_cache(maxsize=64)
def lines(pdf: bytes) -> tuple[Line, ...]:
    """Every line of text in ``pdf``, in the order it is drawn (read once for each document)."""
    register_fonts()
    out: list[Line] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        pieces: list[tuple] = []
        spacing = [0.0]  # the word spacing (Tw) in force, saved and restored with the graphics state (q, Q)

        def operator(op, args, cm, tm, spacing=spacing):
            if op == b"Tw":
                spacing[-1] = float(args[0])
            elif op == b"q":
                spacing.append(spacing[-1])
            elif op == b"Q" and len(spacing) > 1:
                spacing.pop()

        def visit(text, cm, tm, font_dict, font_size, pieces=pieces, spacing=spacing):
            if text:
                pieces.append((text, list(cm), list(tm), _face(font_dict), font_size, spacing[-1]))

        page.extract_text(visitor_operand_before=operator, visitor_text=visit)
        current: list[tuple] = []
        for piece in pieces:
            current.append(piece)
            if piece[0].endswith("\n"):
                out.append(_line(number, current))
                current = []
        if current:
            out.append(_line(number, current))
    return tuple(line for line in out if line.text.strip())


def _line(page: int, pieces) -> Line:
    # reportlab never starts a line with a space: one there is pypdf's, put in to part the text from what came before
    first, cm, tm, *rest = pieces[0]
    pieces = [(first.lstrip(" "), cm, tm, *rest), *pieces[1:]]
    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    scale = math.hypot(cm[0], cm[1]) * math.hypot(tm[0], tm[1])
    width = scale * sum(pdfmetrics.stringWidth(text.rstrip("\n"), face, size) + spacing * text.count(" ")
                        for text, _, _, face, size, spacing in pieces)
    text = "".join(text for text, *_ in pieces).rstrip("\n")
    upright = abs(cm[1]) < 1e-6 and abs(tm[1]) < 1e-6
    return Line(page, x, y, width, text, upright)


def outside_margins(pdf: bytes, *, slack: float = 0.5) -> list[Line]:
    """The upright lines that start left of the left margin or end right of the right margin."""
    left, right = MARGIN - slack, PAGE_SIZE[0] - MARGIN + slack
    return [line for line in lines(pdf) if line.upright and (line.x < left or line.right > right)]


def body_text(pdf: bytes) -> str:
    """The text inside every page's text frame, in order: the running header and footer are left out."""
    low, high = BOTTOM_MARGIN - 1, PAGE_SIZE[1] - TOP_MARGIN + 1
    return "\n".join(line.text for line in lines(pdf) if low <= line.y <= high)


def squashed(text: str) -> str:
    """``text`` without any whitespace: a long word broken over lines still reads as one."""
    return re.sub(r"\s+", "", text)

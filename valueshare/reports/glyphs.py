"""Characters of a deal that the PDFs cannot draw: each is reported, so that none becomes a silent empty box.

The PDFs are set in DejaVu Sans (``pdfkit``), which covers Latin (with Latin Extended-A: Welsh, Polish, Czech,
Hungarian), Greek, Cyrillic and much more, but not everything a user can type: most emoji, Chinese, Japanese,
Indic scripts... A character the font lacks is drawn as the font's "missing character", an empty box, so
:func:`missing_glyphs` names each one, with its field, for the CLI and the app to show beside the document.

What counts as drawn:

* a character that both faces the documents use have (regular, and bold for titles, headings and leads). A
  combining accent the font has is drawn over the letter before it, so ``e`` + U+0301 prints as ``é``;
* whitespace: tab and line breaks (allowed in descriptions and notes), and the Unicode spaces, which reportlab's
  paragraphs treat as spaces between words (the running header does the same), so they never reach the font.

Right-to-left text (Arabic, Hebrew) is drawn with the font's letters, but from left to right and unjoined:
reportlab does not shape it. That is a limit of the documents, not a missing glyph, and is not reported here.

Fields that no document prints (variants, whose changes are printed only once applied as a deal of their own; the
uncertain inputs, which are field paths; a comparable's notes) are not checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from valueshare.errors import format_path
from valueshare.model import Deal
from valueshare.textio import describe_character

#: Fields no document prints, as paths with ``[]`` for every list index.
NOT_PRINTED = ("variants", "uncertainty", "contribution_value.comparables[].notes", "platform_users[].terms")


@dataclass(frozen=True)
class MissingGlyph:
    """A character of a field that the PDFs' font cannot draw: ``at`` is its first place in the text, from 1."""

    path: str
    char: str
    at: int

    @property
    def described(self) -> str:
        """``U+1F3E5 (HOSPITAL) at character 7``."""
        return f"{describe_character(self.char)} at character {self.at}"


@lru_cache(maxsize=1)
def _drawable() -> tuple[frozenset[int], ...]:
    """The characters of each face the documents use (regular and bold)."""
    from reportlab.pdfbase import pdfmetrics

    from valueshare.reports.pdfkit import FONT, FONT_BOLD, register_fonts

    register_fonts()
    return tuple(frozenset(pdfmetrics.getFont(name).face.charToGlyph) for name in (FONT, FONT_BOLD))


def can_print(char: str) -> bool:
    """Whether the PDFs draw ``char``: both faces have it, or it is whitespace, printed as a space.

    >>> can_print("ŵ"), can_print("Ω"), can_print("\\t"), can_print("\\U0001F3E5")
    (True, True, True, False)
    """
    return char.isspace() or all(ord(char) in face for face in _drawable())


def unprintable(text: str) -> list[tuple[str, int]]:
    """Each character of ``text`` the PDFs cannot draw, once, with its first place (from 1), in order.

    >>> unprintable("Ysbyty ŵ 🏥 and 🏥 🧬")
    [('🏥', 10), ('🧬', 18)]
    """
    seen: dict[str, int] = {}
    for k, char in enumerate(text, start=1):
        if char not in seen and not can_print(char):
            seen[char] = k
    return list(seen.items())


def _texts(node: Any, keys: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(keys, text) for every string in a model, recursively over models, lists and dicts; enum values are ours."""
    if isinstance(node, Enum):
        return
    if isinstance(node, str):
        yield keys, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), (*keys, name))
    elif isinstance(node, (list, tuple)):
        for k, item in enumerate(node):
            yield from _texts(item, (*keys, k))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _texts(item, (*keys, str(key)))


def printed(field: str) -> bool:
    """Whether a document prints the field, named with ``[]`` for each list index.

    >>> printed("partner.name"), printed("contribution.data_assets[].name"), printed("variants[].name")
    (True, True, False)
    """
    return not any(field == place or field.startswith((place + ".", place + "[")) for place in NOT_PRINTED)


def _printed(keys: tuple[str | int, ...]) -> bool:
    return printed("".join("[]" if isinstance(key, int) else f".{key}" for key in keys).lstrip("."))


def find_missing(deal: Deal) -> list[MissingGlyph]:
    """Every character of the deal's printed text that the PDFs' font cannot draw, once per field, field by field
    in the order of the deal."""
    return [MissingGlyph(format_path(keys), char, at)
            for keys, text in _texts(deal, ()) if _printed(keys)
            for char, at in unprintable(text)]


def missing_glyphs(deal: Deal) -> list[str]:
    """One line for each field of ``deal`` holding characters the PDFs cannot draw, naming each character: what
    the CLI and the app show when they write the term sheet or the brief. Empty when every character prints.

    >>> from valueshare.scenario import example_paths, load_deal
    >>> deal = load_deal(example_paths()[0])
    >>> missing_glyphs(deal)
    []
    >>> missing_glyphs(deal.model_copy(update={"name": "Ysbyty Gwynedd 🏥"}))
    ["name: U+1F3E5 (HOSPITAL) at character 16 cannot be printed in the PDF's font; it shows as an empty box"]
    """
    by_field: dict[str, list[MissingGlyph]] = {}
    for item in find_missing(deal):
        by_field.setdefault(item.path, []).append(item)
    lines = []
    for path, items in by_field.items():
        chars = _and([item.described for item in items])
        shows = "it shows" if len(items) == 1 else "each shows"
        lines.append(f"{path}: {chars} cannot be printed in the PDF's font; {shows} as an empty box")
    return lines


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

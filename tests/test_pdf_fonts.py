"""The PDFs' font: DejaVu Sans, shipped in the package with its licence, covering Latin-1, Latin Extended-A and
Greek; and every character it cannot draw reported with its field, in the CLI's warnings and for the app."""

from __future__ import annotations

import datetime
import fnmatch
import io
import tomllib
import unicodedata
from pathlib import Path

import pytest
from hostile import ACCEPTED
from pdf_layout import body_text, squashed
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from valueshare import deal_from_data, load_deal, value_deal
from valueshare.cli import main
from valueshare.reports.brief import brief_pdf
from valueshare.reports.glyphs import can_print, find_missing, missing_glyphs
from valueshare.reports.pdfkit import FACES, FONT, FONT_BOLD, FONT_FOLDER, register_fonts
from valueshare.reports.termsheet import term_sheet_pdf
from valueshare.scenario import deal_to_data, example_paths

ROOT = Path(__file__).resolve().parent.parent
ISSUED = datetime.date(2026, 11, 25)
EXAMPLE = example_paths()[1]
WELSH, POLISH, CZECH_HUNGARIAN, GREEK = (next(text for text in ACCEPTED if letter in text) for letter in "ŵłőΩ")

#: The Unicode blocks the font must cover in full: every assigned character of each.
BLOCKS = {"Basic Latin": (0x20, 0x7E), "Latin-1 Supplement": (0xA0, 0xFF), "Latin Extended-A": (0x100, 0x17F),
          "Greek and Coptic": (0x370, 0x3FF)}


def assigned(low: int, high: int) -> list[str]:
    return [chr(c) for c in range(low, high + 1) if unicodedata.category(chr(c)) != "Cn"]


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("face", FACES)
def test_every_face_covers_every_assigned_character_of_latin_1_latin_extended_a_and_greek(face, block):
    cmap = TTFont(f"check-{face}", str(FONT_FOLDER / FACES[face])).face.charToGlyph
    missing = [f"U+{ord(c):04X}" for c in assigned(*BLOCKS[block]) if ord(c) not in cmap]
    assert missing == []
    assert len(assigned(*BLOCKS[block])) > 90  # the block was read, not skipped


def test_the_fonts_and_their_licence_are_in_the_package_and_are_the_ones_registered():
    assert FONT_FOLDER == ROOT / "valueshare" / "data" / "fonts"
    for file in FACES.values():
        assert (FONT_FOLDER / file).stat().st_size > 500_000
    licence = (FONT_FOLDER / "LICENSE").read_text()
    assert "Bitstream Vera Fonts Copyright" in licence and "DejaVu changes are in public domain" in licence
    register_fonts()
    for name, file in FACES.items():
        assert Path(pdfmetrics.getFont(name).face.filename) == FONT_FOLDER / file


def test_pyproject_installs_every_data_file_of_the_package():
    """``pip install .`` must carry the fonts and the comparables, not only the Python files."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["valueshare"]
    package = ROOT / "valueshare"
    data = [p.relative_to(package).as_posix() for p in (package / "data").rglob("*") if p.is_file()]
    assert "data/fonts/DejaVuSans.ttf" in data and "data/fonts/LICENSE" in data
    assert [f for f in data if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)] == []


def test_the_pdfs_embed_dejavu_sans_and_print_welsh_polish_czech_hungarian_and_greek_names_as_typed():
    data = deal_to_data(load_deal(EXAMPLE))
    data["nhs"]["name"], data["partner"]["name"] = WELSH, POLISH
    data["contribution"]["data_assets"][0]["name"] = CZECH_HUNGARIAN
    data["nhs"]["members"] = [{"name": GREEK}]
    deal = deal_from_data(data)
    assert missing_glyphs(deal) == []
    valuation = value_deal(deal)
    for pdf in (term_sheet_pdf(deal, valuation, issued=ISSUED), brief_pdf(deal, valuation, issued=ISSUED)):
        fonts = {str(ref.get_object()["/BaseFont"]).split("+")[-1]
                 for page in PdfReader(io.BytesIO(pdf)).pages for ref in page["/Resources"]["/Font"].values()}
        assert fonts == {FONT, FONT_BOLD}
        text = squashed(body_text(pdf))
        for typed in (WELSH, POLISH, CZECH_HUNGARIAN):
            assert squashed(typed) in text
    assert squashed(GREEK) in squashed(body_text(term_sheet_pdf(deal, valuation, issued=ISSUED)))


# --- characters the font cannot draw ---------------------------------------------------------------------------

def test_a_character_the_font_lacks_is_named_with_its_field_code_and_name():
    data = deal_to_data(load_deal(EXAMPLE))
    data["partner"]["name"] = "Acme 🏥 Ltd"
    data["contribution"]["data_assets"][0]["name"] = "Scans 🧬 and 🏥 and 🧬"
    lines = missing_glyphs(deal_from_data(data))
    assert lines == [
        "partner.name: U+1F3E5 (HOSPITAL) at character 6 cannot be printed in the PDF's font; it shows as an "
        "empty box",
        "contribution.data_assets[0].name: U+1F9EC (DNA DOUBLE HELIX) at character 7 and U+1F3E5 (HOSPITAL) at "
        "character 13 cannot be printed in the PDF's font; each shows as an empty box",
    ]


def test_of_the_hostile_corpus_only_the_emoji_are_reported():
    reported = {text: [item.char for item in find_missing(load_deal(EXAMPLE).model_copy(update={"name": text}))]
                for text in ACCEPTED}
    assert {text: chars for text, chars in reported.items() if chars} == {
        "👩\u200d⚕️ 🏥 🧬": ["\U0001F469", "\U0001F3E5", "\U0001F9EC"]}


def test_combining_accents_zero_width_characters_and_every_space_print():
    for text in ("e\u0301 n\u0303 a\u030a", "zero\u200bwidth\u200djoin", "\ufeffBOM", "tab\there\nand\r\nlines",
                 "\u00a0\u2002\u2009\u202f\u3000"):
        assert all(can_print(c) for c in text), text


def test_every_space_the_font_lacks_is_one_reportlabs_paragraphs_print_as_a_space():
    from reportlab.platypus.paragraph import _wsc  # the characters a paragraph splits words at

    register_fonts()
    cmap = pdfmetrics.getFont(FONT).face.charToGlyph
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert [f"U+{ord(c):04X}" for c in spaces if ord(c) not in cmap and c not in _wsc] == []


def test_a_field_no_document_prints_is_not_reported():
    data = deal_to_data(load_deal(EXAMPLE))
    data["variants"][0]["description"] = "🏥"
    assert missing_glyphs(deal_from_data(data)) == []


def test_a_tab_in_the_deal_name_is_printed_as_a_space_in_the_running_header():
    data = deal_to_data(load_deal(EXAMPLE))
    data["name"] = "Retinal\tscreening"
    deal = deal_from_data(data)
    pdf = term_sheet_pdf(deal, value_deal(deal), issued=ISSUED)
    header = PdfReader(io.BytesIO(pdf)).pages[1].extract_text()
    assert "Retinal screening" in header and missing_glyphs(deal) == []


def test_the_cli_writes_the_pdf_and_warns_of_each_character_it_cannot_draw(tmp_path, capsys):
    data = deal_to_data(load_deal(EXAMPLE))
    data["partner"]["name"] = "Acme 🏥 Ltd"
    scenario = tmp_path / "deal.yaml"
    from valueshare.scenario import deal_to_yaml

    scenario.write_text(deal_to_yaml(deal_from_data(data)), encoding="utf-8")
    for command, target in (("value", "--pdf"), ("negotiate", "--brief")):
        pdf = tmp_path / f"{command}\x1b[31m.pdf"
        assert main([command, str(scenario), target, str(pdf)]) == 0
        assert pdf.read_bytes().startswith(b"%PDF")
        err = capsys.readouterr().err
        assert err.splitlines() == [
            f"warning: {tmp_path}/{command}\\u001b[31m.pdf: partner.name: U+1F3E5 (HOSPITAL) at character 6 "
            "cannot be printed in the PDF's font; it shows as an empty box"]


def test_the_cli_prints_no_warning_when_every_character_prints(tmp_path, capsys):
    assert main(["value", str(EXAMPLE), "--pdf", str(tmp_path / "ts.pdf")]) == 0
    assert capsys.readouterr().err == ""

"""The hostile-string corpus: text a careless or hostile user may type into any text field.

``ACCEPTED`` are valid text (a deal may hold them): every page, document, export and terminal must show each exactly
as typed, never obey it as Markdown, HTML, LaTeX, reportlab markup, a spreadsheet formula or a terminal escape.
``REFUSED`` hold characters that cannot round-trip through a deal file (control characters, line and paragraph
separators, lone surrogates, non-characters): the model refuses each at its field, naming the character.

Used by the CLI, model, app and document tests alike, so that every surface is tried with the same strings.
"""

from __future__ import annotations

ACCEPTED: list[str] = [
    # Markdown, Streamlit directives, LaTeX, remote images
    "**bold** _it_ `code` ~~gone~~",
    "# Heading",
    "> quoted",
    "- item\u00a0one",
    "[click me](https://evil.example/phish)",
    "![pixel](https://evil.example/track.png)",
    ":red[alarm] :material/warning: :blue-background[x]",
    "$E = mc^2$ and $$\\int_0^1 x\\,dx$$",
    "\\*escaped\\* \\\\ back\\slash",
    "<https://evil.example>",
    "| a | b |",
    "1. first",
    "***",
    "&lt; &amp; &#x41; &nbsp;",
    # HTML and reportlab mini-markup
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<b>bold</b> </para> <font size=40>big</font>",
    "<img src=\"/etc/passwd\"/>",
    "Smith & Sons <Ltd>",
    "R&D",
    "</b> stray close",
    "<a href=\"javascript:alert(1)\">x</a>",
    # Spreadsheet formulas (OWASP CSV injection)
    "=HYPERLINK(\"http://evil.example/\",\"Click\")",
    "+44 20 7946 0000",
    "-1 Ltd",
    "@SUM(A1:A9)",
    "=1+1",
    # Format strings, templates, SQL, paths
    "{0} {name} %s %d %(x)s",
    "{{7*7}} ${7*7}",
    "'; DROP TABLE deals; --",
    "../../etc/passwd",
    "C:\\Windows\\system32",
    "\"double\" 'single' `back`",
    # Unicode: Welsh, Polish, Czech, Hungarian, Greek, RTL, emoji, combining marks, zero-width
    "Ysbyty Gwynedd, Bwrdd Iechyd Prifysgol Betsi Cadwaladr: ŵ ŷ Ŵ Ŷ",
    "Łódź: ą ę ń ś ź ż ł ó ć",
    "Příbram ř ů Győr ő ű",
    "Αθήνα Ωμέγα",
    "مستشفى שלום",
    "\u202eevil\u202c reversed",
    "👩‍⚕️ 🏥 🧬",
    "e\u0301 n\u0303 a\u030a",
    "zero\u200bwidth\u200djoin",
    "\ufeffBOM at start",
    "tab\there",
    "  leading and trailing spaces  ",
    "x" * 5,
    "yes",
    "null",
    "~",
    "0x1F",
    "1e3",
    "NO",
]

REFUSED: list[tuple[str, str]] = [
    # (text, the character the message names, as U+XXXX)
    ("ESC\x1b[31mred\x1b[0m", "U+001B"),
    ("bell\x07", "U+0007"),
    ("nul\x00byte", "U+0000"),
    ("back\x08space", "U+0008"),
    ("del\x7f", "U+007F"),
    ("next\x85line", "U+0085"),
    ("csi\x9b31m", "U+009B"),
    ("line\u2028sep", "U+2028"),
    ("para\u2029sep", "U+2029"),
    ("non\ufffechar", "U+FFFE"),
    ("lone\ud800surrogate", "U+D800"),
]

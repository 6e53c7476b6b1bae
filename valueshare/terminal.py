"""Text on its way to a terminal: nothing in it can move the cursor, retitle the window or rewrite what is shown.

Deal, party and file names reach the terminal in every command's output, and a name may hold anything a file or an
older register holds. ``clean`` writes each character that a terminal would obey (ESC and the other C0 controls but
tab and line feed, DEL, the C1 controls, 8-bit CSI among them) or that reorders what is shown (the bidirectional
overrides and isolates, the line and paragraph separators) as a visible ``\\uXXXX`` escape. Inside JSON output that
escape is JSON's own, so ``--json`` stays valid JSON and decodes to the exact text.

The CLI wraps its output and error streams in ``CleanStream`` once, so no command can forget.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from valueshare.model import Deal

_OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(text: str) -> str:
    r"""``text`` with every character a terminal would obey written as a visible escape.

    >>> clean("Acme\x1b]0;owned\x07 Ltd\n")
    'Acme\\u001b]0;owned\\u0007 Ltd\n'
    >>> import json; json.loads(clean(json.dumps({"n": "a\x9bb"}, ensure_ascii=False)))["n"] == "a\x9bb"
    True
    """
    return _OBEYED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class CleanStream:
    """A text stream that cleans what is written to it; ``raw`` is the stream underneath (for a progress line's
    own carriage return)."""

    def __init__(self, raw: TextIO):
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(clean(text))

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def __getattr__(self, name: str):  # encoding, fileno... as the stream underneath has them
        return getattr(self.raw, name)


def read_deal_saying(path: str | Path, err: TextIO) -> Deal:
    """A deal file as a deal, for a command: when the file was written in an older format, one line on ``err``
    says how it was read (once per file); the file itself is left as it was (``validate --upgrade`` rewrites it)."""
    from valueshare.scenario import read_deal

    loaded = read_deal(path)
    if loaded.note:
        err.write(clean(loaded.note) + "\n")
    return loaded.deal

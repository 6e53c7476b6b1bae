"""The method notes and the user guide inside the app, read from ``docs/`` (the same files as in the repository).

Each ``## N.`` section of the method notes gets the anchor ``sN``, so help texts can link to it
(``method#s5``). The guide's pictures (``![...](images/x.png)``) are drawn with ``st.image``. These files are the
project's own: they are rendered as markdown, never user text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import streamlit as st

DOCS = Path(__file__).resolve().parent.parent / "docs"
_SECTION = re.compile(r"^## (\d+)\. (.+)$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)]+)\)\s*$")


@cache
def sections(name: str) -> list[tuple[str, str, str]]:
    """(anchor, heading, body) for each ``## `` section of a doc; the text before the first is ('', title, body).

    >>> [anchor for anchor, _, _ in sections("method.md")][:3]
    ['', 's1', 's2']
    """
    text = (DOCS / name).read_text(encoding="utf-8")
    out: list[tuple[str, str, str]] = []
    anchor, heading, body = "", "", []
    for line in text.splitlines():
        if line.startswith("# ") and not out and not heading:
            heading = line[2:]
            continue
        if line.startswith("## "):
            out.append((anchor, heading, "\n".join(body)))
            match = _SECTION.match(line)
            anchor = f"s{match.group(1)}" if match else re.sub(r"[^a-z0-9]+", "-", line[3:].lower()).strip("-")
            heading, body = line[3:], []
            continue
        body.append(line)
    out.append((anchor, heading, "\n".join(body)))
    return out


def show(name: str) -> None:
    """Draw a doc: its title, then each section under a heading with its anchor; pictures as images."""
    for k, (anchor, heading, body) in enumerate(sections(name)):
        if k == 0:
            st.title(heading, anchor=False)
        else:
            st.header(heading, anchor=anchor, divider="gray")
        chunk: list[str] = []
        for line in body.splitlines():
            image = _IMAGE.match(line)
            if image:
                st.markdown("\n".join(chunk))
                chunk = []
                path = DOCS / image.group(2)
                if path.exists():
                    st.image(str(path), caption=image.group(1) or None)
            else:
                chunk.append(line)
        st.markdown("\n".join(chunk))

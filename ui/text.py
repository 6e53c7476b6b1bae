"""User text on a page: Streamlit renders markdown, so anything a user typed is escaped before it is shown."""

from __future__ import annotations

import re

import pandas as pd

# Every character that markdown, HTML or Streamlit's own directives (:red[...], :material/icon:, $math$) treat as
# markup; CommonMark lets a backslash escape any ASCII punctuation.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")
#: Where GitHub-flavoured markdown would start a bare link: a scheme's ``:`` before ``//``, or ``www`` before ``.``.
_AUTOLINK = re.compile(r"(:|(?i:\bwww))(//|\.)")


def md(text: object) -> str:
    r"""``text`` with its markup escaped, for st.markdown, st.error and the like.

    A web address is not turned into a link either: GitHub-flavoured markdown links a bare ``https://`` or ``www.``
    even when its punctuation is escaped (and an e-mail address as a mailto link), so a zero-width space (U+200B,
    invisible) goes after its ``:``, its ``www`` or an ``@``.

    >>> print(md("**R&D** <Ltd> :red[x]"))
    \*\*R\&D\*\* \<Ltd\> \:red\[x\]
    >>> md("https://evil.example") == "https\\:\u200b//evil\\.example"
    True
    """
    text = _AUTOLINK.sub(lambda m: m.group(1) + "\u200b" + m.group(2), str(text)).replace("@", "@\u200b")
    return _MARKUP.sub(r"\\\1", text)


def table(frame: pd.DataFrame, *, right: tuple[str, ...] = ()) -> str:
    r"""A small read-only table as a markdown table: the browser draws it as an HTML table (headings and cells a
    screen reader reads in order, nothing cut short, text that wraps), far faster than a data grid. Every cell is
    escaped with ``md`` (a ``|`` too); a line break becomes a space. ``right``: columns aligned right (figures).

    >>> print(table(pd.DataFrame({"Line": ["Fee | *x*"], "Present value": ["£1,000"]}), right=("Present value",)))
    | Line | Present value |
    | :--- | ---: |
    | Fee \| \*x\* | £1,000 |
    """
    def cell(value: object) -> str:
        return "" if value is None or (isinstance(value, float) and value != value) else \
            md(value).replace("\n", " ").replace("\r", " ")

    head = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---:" if c in right else ":---" for c in frame.columns) + " |"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])

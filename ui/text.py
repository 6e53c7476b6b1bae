"""User text on a page: Streamlit renders markdown, so anything a user typed is escaped before it is shown."""

from __future__ import annotations

import re

# Every character that markdown, HTML or Streamlit's own directives (:red[...], :material/icon:, $math$) treat as
# markup; CommonMark lets a backslash escape any ASCII punctuation.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")


def md(text: object) -> str:
    r"""``text`` with its markup escaped, for st.markdown, st.error and the like.

    >>> print(md("**R&D** <Ltd> :red[x]"))
    \*\*R\&D\*\* \<Ltd\> \:red\[x\]
    """
    return _MARKUP.sub(r"\\\1", str(text))

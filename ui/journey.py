"""The journey's next step: at the foot of each page, a link to the page that follows it in the sidebar's order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

#: Sidebar sections whose pages are not steps of the journey.
NOT_STEPS = ("Help",)


def next_step(current: Any, sections: Mapping[str, Sequence[Any]]) -> None:
    """A link to the page after ``current`` in the journey, if there is one."""
    pages = [page for name, group in sections.items() if name not in NOT_STEPS for page in group]
    titles = [page.title for page in pages]
    if current.title not in titles or titles.index(current.title) == len(pages) - 1:
        return
    after = pages[titles.index(current.title) + 1]
    st.divider()
    st.page_link(after, label=f"Next: {after.title}", icon=":material/arrow_forward:")

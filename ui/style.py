"""The app's only custom CSS: static rules keyed on container keys, never built from user text."""

from __future__ import annotations

import streamlit as st

# The Deal page's valuation column stays in view while the form scrolls, and scrolls on its own when taller than
# the window. Streamlit wraps a keyed container in a layout wrapper; that wrapper is what can stick. If Streamlit
# changes its markup, the rule simply stops matching and the column scrolls with the page.
_STICKY_PANEL = """
<style>
div[data-testid="stLayoutWrapper"]:has(> .st-key-valuation_panel) {
  position: sticky; top: 3.75rem; align-self: flex-start; z-index: 1;
}
.st-key-valuation_panel { max-height: calc(100vh - 5rem); overflow-y: auto; padding-right: 0.5rem; }
</style>
"""


def sticky_valuation_panel() -> None:
    st.html(_STICKY_PANEL)

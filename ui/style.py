"""The app's only custom CSS: static rules keyed on Streamlit's test ids and on container keys, never built from user
text. If Streamlit changes its markup, a rule simply stops matching and the page keeps Streamlit's own look."""

from __future__ import annotations

import streamlit as st

# Every page (app.py draws it before the page):
# - captions: Streamlit greys them to 60% of the text colour, 3.7:1 on white, under the 4.5:1 that WCAG asks of
#   small text (axe-core's colour-contrast rule); 80% of the text colour reads 6.4:1 in the light theme and keeps
#   the dark theme's contrast too, since it follows the theme's own text colour;
# - code blocks wrap instead of scrolling sideways: a scrolling region a keyboard cannot reach (axe-core's
#   scrollable-region-focusable) on a phone, and a line cut off on screen;
# - a metric's label wraps onto a second line instead of ending in "..." in a narrow column ("Value share beyond ...").
_EVERY_PAGE = """
<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stCaptionContainer"] { color: inherit; opacity: 0.8; }
[data-testid="stMarkdownContainer"] pre code { white-space: pre-wrap !important; overflow-wrap: anywhere; }
</style>
"""

# The Deal page: the valuation column comes first in the page's order, so that on a phone, where Streamlit stacks
# the columns (below 640 px), the summary is at the top and not under the whole form; a screen reader also meets the
# figures before the form. On a wider screen it is drawn on the right, beside the form, and stays in view while the
# form scrolls (scrolling on its own when taller than the window). Streamlit wraps a keyed container in a layout
# wrapper; that wrapper is what can stick.
_DEAL_LAYOUT = """
<style>
@media (min-width: 640px) {
  div[data-testid="stHorizontalBlock"]:has(> div[data-testid="stColumn"] .st-key-valuation_panel) {
    flex-direction: row-reverse;
  }
  div[data-testid="stLayoutWrapper"]:has(> .st-key-valuation_panel) {
    position: sticky; top: 3.75rem; align-self: flex-start; z-index: 1;
  }
  .st-key-valuation_panel { max-height: calc(100vh - 5rem); overflow-y: auto; padding-right: 0.5rem; }
}
</style>
"""


def every_page() -> None:
    st.html(_EVERY_PAGE)


def sticky_valuation_panel() -> None:
    st.html(_DEAL_LAYOUT)

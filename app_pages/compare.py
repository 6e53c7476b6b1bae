"""Compare: the deal side by side with its variants, another example or a counter-offer."""

import streamlit as st

from ui import compare as view
from ui import results, state
from ui.text import md
from valueshare.compare import compare

if state.draft() is None:
    st.error("No deal is open: choose an example or open a deal file in the sidebar.")
    st.stop()

check = state.check()
st.title("Compare", anchor=False)
if check.shown is not None:
    st.caption(md(check.shown.deal.name))
results.problems_box(check)
results.stale_notice(check)
if check.shown is None:
    st.info("No valid version of this deal yet: fix the problems shown to compare it.")
    st.stop()
view.show(compare(view.chosen_deals(check.shown)))

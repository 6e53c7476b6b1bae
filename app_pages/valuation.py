"""Valuation: the deal's value to each side, year by year and term by term."""

import streamlit as st

from ui import results, state
from ui.text import md

if state.draft() is None:
    st.error(results.NO_DEAL)
    st.stop()

check = state.check()
st.title("Valuation", anchor=False)
if check.shown is not None:
    st.caption(md(check.shown.deal.name))
results.problems_box(check)
results.panel(check)

"""Contribution value: what the NHS's data and expertise are worth, by cost, market and income, as one range."""

import streamlit as st

from ui import contribution, results, state
from ui.form import Form
from ui.text import md

draft = state.draft()
if draft is None:
    st.error("No deal is open: choose an example or open a deal file in the sidebar.")
    st.stop()

st.title("Contribution value", anchor=False)
top = st.container()
form = Form()
contribution.inputs_editor(form, draft, expanded=contribution.inputs_have_problems(state.check()))
check = state.check()
with top:
    if check.shown is not None:
        st.caption(md(check.shown.deal.name))
    results.problems_box(check, form.place(check.problems))
    results.stale_notice(check)
if check.shown is None:
    st.info("No valid version of this deal yet: fix the problems shown to value its contribution.")
    st.stop()
worth = contribution.value(check.shown)
contribution.approaches(worth)
contribution.details(worth)

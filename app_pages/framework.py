"""Framework check: how the deal meets the NHS Value Sharing Framework. Its three aims in their own units, the
principle checks and the fair share, with the inputs they need."""

import streamlit as st

from ui import framework, results, state
from ui.form import Form
from ui.text import md

draft = state.draft()
if draft is None:
    st.error("No deal is open: choose an example or open a deal file in the sidebar.")
    st.stop()

st.title("Framework check", anchor=False)
top = st.container()
form = Form()
framework.inputs_editor(form, draft, expanded=framework.inputs_have_problems(state.check()))
check = state.check()
with top:
    if check.shown is not None:
        st.caption(f"{md(check.shown.deal.name)} · assessed against the NHS Value Sharing Framework (July 2023, "
                   "updated November 2023) and DHSC's 2019 guiding principles")
    results.problems_box(check, form.place(check.problems))
    results.stale_notice(check)
if check.shown is None:
    st.info("No valid version of this deal yet: fix the problems shown to check it against the framework.")
    st.stop()
valid = check.shown
with st.spinner("Checking the deal against the framework..."):
    assessment = framework.assessment(valid, None)
framework.aims(valid.deal, assessment)
framework.scorecard(valid)
framework.principles(assessment)
framework.fair_share(valid)

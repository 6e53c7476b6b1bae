"""Negotiation (internal): where each side walks away, the zone of agreement, what one term would have to be, and
equivalent offers. A counter-offer is lined up against this deal on the Compare page."""

import streamlit as st

from ui import negotiation, results, state
from ui.form import Form
from ui.text import md

draft = state.draft()
if draft is None:
    st.error("No deal is open: choose an example or open a deal file in the sidebar.")
    st.stop()

st.title("Negotiation", anchor=False)
top = st.container()
form = Form()
negotiation.inputs_editor(form, draft, expanded=negotiation.inputs_have_problems(state.check()))
check = state.check()
with top:
    if check.shown is not None:
        st.caption(f"{md(check.shown.deal.name)} · internal to the NHS side: never send these figures to the partner")
    results.problems_box(check, form.place(check.problems))
    results.stale_notice(check)
if check.shown is None:
    st.info("No valid version of this deal yet: fix the problems shown to negotiate it.")
    st.stop()
valid = check.shown
with st.spinner("Placing both sides' positions..."):
    picture = negotiation.picture(valid)
negotiation.zone_section(picture)
term = negotiation.term_section(valid)
negotiation.offers_section(valid, term)
st.page_link("app_pages/compare.py", label="Line up a counter-offer against this deal, with the differences",
             icon=":material/compare_arrows:")

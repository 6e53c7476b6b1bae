"""Negotiation (internal): where each side walks away, the zone of agreement, what one term would have to be, and
equivalent offers. A counter-offer is lined up against this deal on the Compare page."""

import streamlit as st

from ui import negotiation, results, state

valid = results.deal_page(
    "Negotiation", nothing="No valid version of this deal yet: fix the problems shown to negotiate it.",
    caption="internal to the NHS side: never send these figures to the partner",
    editor=lambda form, draft: negotiation.inputs_editor(form, draft, state.check()))
with st.spinner("Placing both sides' positions..."):
    picture = negotiation.picture(valid)
negotiation.zone_section(picture)
term = negotiation.term_section(valid)
negotiation.offers_section(valid, term)
st.page_link("app_pages/compare.py", label="Line up a counter-offer against this deal, with the differences",
             icon=":material/compare_arrows:")

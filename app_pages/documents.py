"""Documents: the deal file, the term sheet, the negotiation brief and the Excel model, from the last valid version
of the deal."""

import streamlit as st

from ui import documents, results, state
from ui.text import md

if state.draft() is None:
    st.error("No deal is open: choose an example or open a deal file in the sidebar.")
    st.stop()

check = state.check()
st.title("Documents", anchor=False)
if check.shown is not None:
    st.caption(md(check.shown.deal.name))
results.problems_box(check)
if check.shown is None:
    st.info("No valid version of this deal yet: fix the problems shown to make its documents.")
    st.stop()
if not check.current:
    st.warning("These documents are of the last valid version of the deal; fix the problems to make them of this "
               "one.", icon=":material/history:")
documents.deal_files(check.shown)
for document in documents.DOCUMENTS:
    documents.document_card(document, check.shown)

"""Deal: edit every part of the deal, with its valuation alongside, updated as you type."""

import streamlit as st

from ui import results, state, style
from ui.editor import deal_editor
from ui.form import Form

draft = state.draft()
if draft is None:
    st.error(results.NO_DEAL)
    st.stop()

st.title("Deal", anchor=False)
top = st.container()
edit, side = st.columns([5, 3], gap="medium")
form = Form()
with edit:
    deal_editor(form, draft)
check = state.check()
with top:
    results.problems_box(check, form.place(check.problems))
style.sticky_valuation_panel()
with side, st.container(key="valuation_panel"):
    st.subheader("Valuation", anchor=False)
    results.panel(check, compact=True)

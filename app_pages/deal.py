"""Deal: edit the deal one section at a time, with its valuation alongside, updated as you type.

Only the open section is drawn: the tabs rerun the page when one is chosen, so the browser draws that section's few
dozen widgets, not the whole form's hundred and more. An edit reruns only the section and the valuation (a fragment),
not the page around them (docs/performance.md, the app in a browser).
"""

from __future__ import annotations

import streamlit as st

from ui import results, state, style
from ui.editor import SECTIONS
from ui.form import Form
from ui.view import keep, remember

NAMES = list(SECTIONS)
TAB = "deal:section"
#: A section asked for from another page or from inside the fragment (whose own run cannot change the tabs).
GOTO = results.GOTO
#: Set by the page's own run just before it runs the fragment: a run of the fragment alone finds it absent.
PAGE_RUN = "deal:page_run"


@st.fragment
def section_and_valuation(name: str) -> None:
    """The open section's form beside the valuation. A change in the form reruns only this: the figures it changes
    are drawn here too."""
    page_run = st.session_state.pop(PAGE_RUN, False)
    draft = state.draft()
    assert draft is not None
    named = draft.get("name")
    top = st.container()
    # The valuation comes first in the page (at the top on a phone, where the columns stack); on a wider screen
    # ui/style draws it on the right, beside the form.
    side, edit = st.columns([3, 5], gap="medium")
    form = Form()
    with edit:
        SECTIONS[name](form, draft)
    check = state.check()
    with top:
        unplaced = form.place(check.problems)
        results.problems_box(check, unplaced, here=name)  # with a button to each other section with problems
    with side, st.container(key="valuation_panel"):
        st.header("Valuation", anchor=False)
        results.panel(check, compact=True)
    if not page_run and draft.get("name") != named:
        st.rerun(scope="app")  # the sidebar names the deal being edited, outside the fragment


if state.draft() is None:
    st.error(results.NO_DEAL)
    st.stop()

st.title("Deal", anchor=False)
if GOTO in st.session_state:
    st.session_state[TAB] = st.session_state.pop(GOTO)
tabs = st.tabs(NAMES, key=remember(TAB, NAMES[0], NAMES), on_change="rerun")
shown = keep(TAB, st.session_state[TAB])
style.sticky_valuation_panel()
with tabs[NAMES.index(shown)]:
    st.session_state[PAGE_RUN] = True
    section_and_valuation(shown)

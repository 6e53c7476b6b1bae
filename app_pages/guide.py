"""User guide: the journey through the app, with pictures (docs/user-guide.md), and the other docs a user may need
(the deal file format, the register, the Excel model, the negotiation brief), picked above it or by ``?doc=NAME``,
the address a link between docs opens."""

import streamlit as st

from ui import docs

NAMES = list(docs.GUIDE_DOCS)

asked = docs.guide_doc(st.query_params.get("doc"))
if st.session_state.get("guide:for") != asked:  # a link opened another doc: show it
    st.session_state["guide:doc"], st.session_state["guide:for"] = asked, asked
chosen = st.selectbox("Document", NAMES, key="guide:doc", format_func=docs.GUIDE_DOCS.__getitem__,
                      help="The user guide, or the reference for the deal file, the register, the Excel model or "
                           "the negotiation brief. The method notes have their own page, Method.")
if chosen == NAMES[0]:
    st.query_params.pop("doc", None)
elif st.query_params.get("doc") != docs.stem(chosen):
    st.query_params["doc"] = docs.stem(chosen)
st.session_state["guide:for"] = chosen
docs.show(chosen)

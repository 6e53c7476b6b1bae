"""Register: save the deal as a new version, find deals, see a deal's history, compare, open and restore versions."""

import streamlit as st

from ui import register as view
from ui import state

st.title("Register", anchor=False)
repo = view.repository(offer_reopen=True)
if repo is None:  # the reason is shown; a register file deleted meanwhile shows none of its old deals
    st.stop()
st.caption(view.location_caption(repo), help="Set VALUESHARE_REGISTER_URL to an SQLite file or a PostgreSQL URL to "
                                               "use another register (see docs/register.md).")
view.notes(repo)
view.show_flash()

st.header("Save this deal", anchor=False)
if state.draft() is None:
    st.info("No deal is open: choose an example or open a deal file in the sidebar, or open a deal below.")
else:
    view.save_form(repo, state.check())

st.header("Deals in the register", anchor=False)
view.browse(repo)

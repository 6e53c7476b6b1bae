"""Portfolio: the deals you may see in the register at a glance: the pipeline by status, the totals, each deal's
value share against its fair band, the outliers, the terms used, and the tables as CSV and Excel."""

import streamlit as st

from ui import portfolio as view
from ui import register

st.title("Portfolio", anchor=False)
repo = register.repository(offer_reopen=True)
if repo is None:  # the reason is shown; a register file deleted meanwhile shows none of its old deals
    st.stop()
st.caption(register.location_caption(repo), help="Set VALUESHARE_REGISTER_URL to an SQLite file or a PostgreSQL URL "
                                                 "to use another register (see docs/register.md).")
register.notes(repo)
view.show(repo)

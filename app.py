"""valueshare: value an NHS data partnership under the Value Sharing Framework.

This file only routes: it opens the session's deal, draws the sidebar, runs the chosen page and links to the next.
The pages follow a negotiation from describing the deal to documenting it, in sections. To add a page, put a file in
app_pages/ and add one line to PAGES.
"""

import logging

import streamlit as st

from ui import identity, journey, register, start, state, style

PAGES = {
    "Describe": [st.Page("app_pages/deal.py", title="Deal", icon=":material/edit_note:", default=True)],
    "Value": [st.Page("app_pages/valuation.py", title="Valuation", icon=":material/monitoring:"),
              st.Page("app_pages/risk.py", title="Risk", icon=":material/casino:")],
    "Judge": [st.Page("app_pages/framework.py", title="Framework check", icon=":material/fact_check:"),
              st.Page("app_pages/contribution.py", title="Contribution value", icon=":material/database:")],
    "Negotiate": [st.Page("app_pages/negotiation.py", title="Negotiation", icon=":material/handshake:"),
                  st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:")],
    "Record": [st.Page("app_pages/documents.py", title="Documents", icon=":material/description:"),
               st.Page("app_pages/register.py", title="Register", icon=":material/inventory_2:"),
               st.Page("app_pages/portfolio.py", title="Portfolio", icon=":material/dashboard:")],
    "Help": [st.Page("app_pages/guide.py", title="User guide", icon=":material/menu_book:"),
             st.Page("app_pages/method.py", title="Method", icon=":material/functions:", url_path="method")],
}

st.set_page_config(layout="wide", page_title="valueshare", page_icon=":material/handshake:")
style.every_page()
state.begin(reopen=register.reopen_from_address)
register.keep_address()
page = st.navigation(PAGES)
with st.sidebar:
    identity.sign_in_box()
    start.sidebar()

try:
    page.run()
except Exception:  # a page shows an error, never a traceback; the details go to the server log
    logging.getLogger("valueshare.app").exception("page %s failed", page.title)
    st.error("Something went wrong on this page. Your deal is unchanged; try another page or reload the example.")
journey.next_step(page, PAGES)
with st.sidebar:
    start.editing()

"""Risk: what could happen instead of what is expected. The deal's uncertain inputs, a Monte Carlo of the deal, a
tornado of one input at a time, and a two-way table of any two inputs.

Only the tab on screen is computed and drawn (tabs rerun the page when one is chosen): each tab's work is a few
hundred milliseconds that a user looking at another tab would otherwise wait for on every change.
"""

import streamlit as st

from ui import results, risk, state
from ui.form import Form
from ui.text import md

TABS = ["Monte Carlo", "Tornado", "Two-way table"]

draft = state.draft()
if draft is None:
    st.error("No deal is open: choose an example or open a deal file in the sidebar.")
    st.stop()

st.title("Risk", anchor=False)
top = st.container()
simulation, swings, pairs = st.tabs(TABS, key=risk.remember("risk:tab", TABS[0], TABS), on_change="rerun")
risk.keep("risk:tab", st.session_state["risk:tab"])
form = Form()
last = state.check().shown  # names the inputs after the deal as it was before this run's edits
if simulation.open:
    with simulation:
        st.subheader("Uncertain inputs", anchor=False,
                     help="Inputs whose value is uncertain, each with a distribution. The deal's own value of each "
                          "input stays its base case, used by the Deal and Valuation pages; the simulation draws "
                          "from the distribution instead.")
        risk.uncertainty_editor(form, draft, last.deal if last is not None else None)
check = state.check()
with top:
    if check.shown is not None:
        st.caption(md(check.shown.deal.name))
    results.problems_box(check, form.place(check.problems))
    results.stale_notice(check)
if check.shown is None:
    st.info("No valid version of this deal yet: fix the problems shown to see how its value could vary.")
    st.stop()
if simulation.open:
    with simulation:
        st.subheader("Simulation", anchor=False)
        risk.monte_carlo(check.shown)
if swings.open:
    with swings:
        risk.tornado_section(check.shown)
if pairs.open:
    with pairs:
        risk.two_way_section(check.shown)

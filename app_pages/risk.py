"""Risk: what could happen instead of what is expected. The deal's uncertain inputs, a Monte Carlo of the deal, a
tornado of one input at a time, and a two-way table of any two inputs.

Only the tab on screen is computed and drawn (tabs rerun the page when one is chosen): each tab's work is a few
hundred milliseconds that a user looking at another tab would otherwise wait for on every change.
"""

import streamlit as st

from ui import montecarlo, results, sensitivity, state
from ui.text import md
from ui.uncertainty import uncertainty_editor
from ui.view import keep, opened, remember
from valueshare import inputs

TABS = ["Monte Carlo", "Tornado", "Two-way table"]
tabs = []


def draw_tabs() -> None:
    tabs.extend(st.tabs(TABS, key=remember("risk:tab", TABS[0], TABS), on_change="rerun"))
    keep("risk:tab", st.session_state["risk:tab"])


def uncertain_inputs(form, draft) -> None:
    """The uncertain inputs named in a line, and their editor in an expander drawn only when it is open (a card of
    a dozen widgets per input, which the simulation's figures do not need on screen)."""
    if not tabs[0].open:
        return
    check = state.check()
    last = check.shown  # names the inputs after the deal as it was before this run's edits
    with tabs[0]:
        st.header("Uncertain inputs", anchor=False,
                     help="Inputs whose value is uncertain, each with a distribution. The deal's own value of each "
                          "input stays its base case, used by the Deal and Valuation pages; the simulation draws "
                          "from the distribution instead.")
        items = [i for i in draft.get("uncertainty") or [] if isinstance(i, dict)]
        names = [md(inputs.label_in(i["input"], [last.deal]) if last is not None and isinstance(i.get("input"), str)
                    else str(i.get("input") or "an input not chosen yet")) for i in items]
        st.caption(f"Drawn from a distribution in each trial: {'; '.join(names)}." if names else
                   "No input is uncertain yet: the simulation draws only whether each stage succeeds.")
        box = opened(f"Edit the uncertain inputs ({len(items)})", "risk:uncertain", icon=":material/tune:",
                     problems=[p.path for p in check.problems if p.path.startswith("uncertainty")])
        if box.open:
            with box:
                uncertainty_editor(form, draft, last.deal if last is not None else None)


valid = results.deal_page("Risk", nothing="No valid version of this deal yet: fix the problems shown to see how its "
                                          "value could vary.", after_title=draw_tabs, editor=uncertain_inputs)
simulation, swings, pairs = tabs
if simulation.open:
    with simulation:
        st.header("Simulation", anchor=False)
        montecarlo.monte_carlo(valid)
if swings.open:
    with swings:
        sensitivity.tornado_section(valid)
if pairs.open:
    with pairs:
        sensitivity.two_way_section(valid)

"""The Negotiation page's parts: the NHS's position (internal), the zone of agreement, the value one term would
need, and equivalent offers.

``valueshare.negotiation`` computes everything and ``valueshare.negotiation.text`` words it (the same sentences as
the CLI and the brief); this module lays them out. User text reaches the page only as table cells or through
``ui.text.md``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, state
from ui.fields import section_link, specs
from ui.form import Form
from ui.text import md
from ui.view import keep, opened, remember
from valueshare import inputs
from valueshare.errors import NoAnswer, ValueshareError
from valueshare.format import money, percent
from valueshare.model import Deal, NegotiationInputs
from valueshare.negotiation import (
    GOALS,
    Goal,
    Negotiation,
    default_goal,
    default_term,
    goal_solution,
    negotiate,
    solvable_terms,
)
from valueshare.negotiation import text as words
from valueshare.negotiation.equivalents import DEFAULT_MIX, STRUCTURES

LINK = section_link(12, "negotiation")

SECTION = "negotiation"
MIX_KEYS = [k for k in STRUCTURES if k != "mix"]


#: The view choice (and widget key) of the inputs' expander: open or closed, kept across pages.
INPUTS = "negotiation:inputs"


def inputs_editor(form: Form, draft: dict[str, Any], check: state.Check) -> None:
    """The NHS's positions and notes, in an expander drawn only while it is open; it opens by itself on a new problem
    in them."""
    box = opened("Inputs: the NHS's walk-away and target, the partner's minimum return, internal notes", INPUTS,
                 problems=[p.path for p in check.problems if p.path.startswith(SECTION)], icon=":material/lock:")
    if not box.open:
        return
    with box:
        st.caption("Internal: these are saved with the deal and printed in the negotiation brief; the term sheet never "
                   "shows them. Leave a position empty for valueshare's default. Give each position in £ or as a share "
                   "of the partner's value, not both.")
        inputs = draft.setdefault(SECTION, {})
        names = [n for n in specs(NegotiationInputs) if n != "notes"]
        form.fields(inputs, NegotiationInputs, SECTION, names, per_row=2)
        form.field(inputs, NegotiationInputs, "notes", f"{SECTION}.notes", label="Internal notes", long=True)
        form.slot(SECTION)


@st.cache_data(max_entries=32, show_spinner=False)
def _negotiation(deal_json: str, term: str | None, target: float | None, mix: tuple, offers: bool,
                 _deal: Deal) -> Negotiation:
    # The offers are a Monte Carlo of 10,000 trials each, the term results a few solver runs: worth caching.
    return negotiate(_deal, term=term, target=target, mix=dict(mix) or None, offers=offers, sensitivities=False)


def picture(valid: state.Valid, *, term: str | None = None, target: float | None = None,
            mix: dict[str, float] | None = None, offers: bool = False) -> Negotiation:
    """The deal's negotiation picture: the zone and the term results; with ``offers``, the equivalent offers too."""
    return _negotiation(valid.json, term, target, tuple(sorted((mix or {}).items())), offers, valid.deal)


def zone_section(n: Negotiation) -> None:
    z = n.zone
    st.header("Where each side walks away", anchor=False, help=words.SCALE)
    for column, p in zip(st.columns(4), (z.nhs_walk_away, z.nhs_target, z.offer, z.partner_walk_away), strict=False):
        column.metric(p.name, money(p.value) if p.applies else "n/a", border=True, help=p.basis)
        share = (f"{words.share_text(p.share)} of the partner's value" if p.share is not None else
                 "Share of the partner's value n/a" if not p.applies else  # the basis says why it does not apply
                 "Share of the partner's value n/a: its value before payments to the NHS is not positive")
        column.caption(f"{share}. {md(p.basis[:1].upper() + p.basis[1:])}.")
    frame = charts.zone_frame(z)
    st.vega_lite_chart(spec=charts.zone_chart(frame, z.low, z.high), width="stretch")
    (st.success if z.offer_inside else st.warning)(md(z.verdict))
    if z.openers:
        st.markdown("**Each of these, changed on its own, would open a zone:**\n" + "\n".join(
            f"- {md(words.opener_text(n.deal, o))}" for o in z.openers))
    st.download_button("Download the positions as CSV", charts.csv_later(frame.drop(columns=["Row"])),
                       file_name="negotiation-positions.csv", mime="text/csv", key="csv:positions",
                       icon=":material/download:")


def term_section(valid: state.Valid) -> str | None:
    """The term to solve, each position's value for it, and a goal of the user's own; returns the chosen term."""
    deal = valid.deal
    options = solvable_terms(deal)
    st.header("What one term would have to be", anchor=False,
                 help="The value of one term that reaches a position, every other term as drafted; found by "
                      "bisection on the deal's full valuation.")
    if not options:
        st.info("The deal has no term that could be solved for.")
        return None
    default = default_term(deal)
    term = keep("negotiation:term", st.selectbox("Term", options, key=remember("negotiation:term", default, options),
                                                 format_func=lambda p: inputs.label(p, deal),
                                                 help=f"The term to solve for; every other term as drafted. {LINK}"))
    n = picture(valid, term=term)
    st.markdown("\n".join(f"- {md(words.term_result_text(deal, r))}" for r in n.term_results))
    left, middle = st.columns([2, 1], vertical_alignment="bottom")
    goal = keep("negotiation:goal", left.selectbox(
        "Or reach", list(GOALS), key=remember("negotiation:goal", "value", list(GOALS)), format_func=GOALS.get,
        help=f"A goal of your own for the term: a value to the NHS, a share of the partner's value, an NHS NPV, or "
             f"the partner's walk-away. {LINK}"))
    if goal != "partner_walk_away":
        unit = "%" if goal == "share" else "£"
        start = default_goal(n.zone, goal).target
        default_target = round(start * 100, 2) if goal == "share" else round(start)
        amount = keep(f"negotiation:{goal}", middle.number_input(
            f"Target ({unit})", min_value=0.0 if goal != "nhs_npv" else None,
            key=remember(f"negotiation:{goal}", float(default_target)), format="%g",
            help=f"The figure the term must reach; it starts at the NHS's target. {LINK}"))
        target = amount / 100 if goal == "share" else amount
    else:
        target = 0.0
    solution, failure = _solve(valid.json, term, goal, target, deal)
    if solution is None:
        st.info(md(f"No value of this term alone reaches it: {failure}"))
    else:
        st.success(md(f"{inputs.label(term, deal)}: {inputs.write(term, solution.value)} (now "
                      f"{inputs.write(term, solution.current)})."))
    return term


@st.cache_data(max_entries=64, show_spinner=False)
def _solve(deal_json: str, term: str, goal: str, target: float, _deal: Deal) -> tuple[Any, str]:
    """The solution, or None and why there is none: a goal no value reaches is kept too (an exception is not
    cached, and the bisection that finds there is no answer takes a few hundred milliseconds each time)."""
    try:
        return goal_solution(_deal, term, Goal(goal, target)), ""
    except (NoAnswer, ValueshareError) as error:
        return None, str(error)


def offers_section(valid: state.Valid, term: str | None) -> None:
    st.header("Equivalent offers", anchor=False,
                 help="Structures that give the NHS the same value, to choose between on what else differs.")
    base = picture(valid, term=term)
    if not base.commercial:
        st.info("Non-commercial use: value sharing happens through the consent-to-commercialise clause, so there are "
                "no commercial structures to compare.")
        return
    cols = st.columns([2, 1, 1, 1, 1], vertical_alignment="bottom")
    target = keep("negotiation:offers_target", cols[0].number_input(
        "Value to the NHS (£)", min_value=0.0, format="%.0f", step=10_000.0,
        key=remember("negotiation:offers_target", float(round(base.offers_target))),
        help=f"Every structure is sized to give the NHS this value; it starts at the NHS's target. {LINK}"))
    mix = {}
    for column, k in zip(cols[1:], MIX_KEYS, strict=False):
        # Typed as a percentage, as every share in the app is (25 is 25%); the core takes the weights as fractions.
        weight = keep(f"negotiation:mix_percent:{k}", column.number_input(
            f"Mix: {STRUCTURES[k].lower()} (%)", min_value=0.0, max_value=100.0, step=5.0, format="%g",
            key=remember(f"negotiation:mix_percent:{k}", round(DEFAULT_MIX[k] * 100, 10)),
            help=f"Your mix's share of the value in this structure, in %; weights that do not add up to 100% are "
                 f"scaled to do so. {LINK}"))
        mix[k] = round(weight / 100, 12)
    with st.spinner("Valuing the equivalent offers: a Monte Carlo of each..."):
        n = picture(valid, term=term, target=float(target), mix=mix, offers=True)
    st.caption(md(words.offers_intro(n)))
    frame = pd.DataFrame(words.offer_rows(n.offers), columns=list(words.OFFER_COLUMNS))
    st.dataframe(frame, hide_index=True, width="stretch")
    if words.offers_summary(n):
        st.markdown(md(words.offers_summary(n)))
    st.markdown("\n".join(f"- {md(note)}" for note in words.offer_notes(n.offers)))
    numbers = pd.DataFrame([{"Structure": o.name, "Value to the NHS (£)": o.value_to_nhs, "NHS NPV (£)": o.nhs_npv,
                             "NHS NPV P10 (£)": o.nhs_p10, "NHS NPV P50 (£)": o.nhs_p50, "NHS NPV P90 (£)": o.nhs_p90,
                             "Partner NPV (£)": o.partner_npv, "Partner pays in years 0-2 (£)": o.early_payments,
                             "Contingent share": o.contingent, "QALYs": o.qalys,
                             "Patient benefit at risk": o.patient_benefit_at_risk}
                            for o in n.offers if o.deal is not None])
    st.download_button("Download the offers as CSV", charts.csv_later(numbers), file_name="equivalent-offers.csv",
                       mime="text/csv", key="csv:offers", icon=":material/download:")
    st.caption(f"NHS P10 / P50 / P90: the NHS's NPV that one trial in ten falls below, the median, and that one in "
               f"ten rises above, in a Monte Carlo of 10,000 trials "
               f"(seed 1). {percent(0.5, 0)} contingent means half the value is paid only if development succeeds.")

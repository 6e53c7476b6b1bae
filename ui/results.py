"""The valuation on screen: headline figures, the yearly cash flows and the present value of each term.

Every figure is written by ``valueshare.format``; nothing here computes finance.
"""

from __future__ import annotations

import streamlit as st

from collections.abc import Callable
from typing import Any

from ui import charts, state
from ui.fields import path_words
from ui.form import Form
from ui.state import Check
from ui.text import md
from valueshare.engine.valuation import Valuation
from valueshare.errors import Problem
from valueshare.model import Deal
from valueshare.format import money, percent, ratio

STALE = "Showing the figures of the last valid version of the deal; fix the highlighted fields."

#: (label, one-line help) of each headline figure, in the order shown.
HEADLINES = {
    "nhs_npv": ("NHS NPV", "Present value of what the NHS receives less its costs of giving access, discounted at "
                           "the NHS rate (HM Treasury Green Book)."),
    "partner_npv": ("Partner NPV", "Present value of the partner's profit from the product, less its development "
                                   "costs and its payments to the NHS, at the partner's hurdle rate."),
    "partner_irr": ("Partner IRR", "The yearly return on the partner's cash flows: the discount rate at which the "
                                   "partner's NPV is zero."),
    "cost_recovery": ("Cost recovery", "Present value of access fees and subscriptions over the NHS's costs of "
                                       "giving access; 1.00× means the costs are just recovered."),
    "nhs_share": ("NHS share of value", "Share of the partner's value (before any payment to the NHS) that goes "
                                        "to the NHS through the terms."),
    "launch": ("Chance of launch", "Probability of reaching the market: that every development stage succeeds "
                                   "and the product launches."),
}


def headline_values(valuation: Valuation) -> dict[str, tuple[str, str]]:
    """Each headline's text and the help shown with it (with the reason when a figure has no answer)."""
    def with_note(key: str, note: str) -> str:
        return HEADLINES[key][1] + (f" Not available: {note}." if note else "")

    launch = valuation.launch_probability
    irr = valuation.partner_irr
    return {
        "nhs_npv": (money(valuation.nhs_npv), HEADLINES["nhs_npv"][1]),
        "partner_npv": (money(valuation.partner_npv), HEADLINES["partner_npv"][1]),
        "partner_irr": (percent(irr.value), with_note("partner_irr", irr.reason) + (
            " This is one of several rates that fit these cash flows." if irr.several_possible else "")),
        "cost_recovery": (ratio(valuation.cost_recovery_ratio), with_note("cost_recovery",
                                                                          valuation.cost_recovery_note)),
        "nhs_share": (percent(valuation.nhs_share), with_note("nhs_share", valuation.nhs_share_note)),
        "launch": (percent(launch) if launch is not None else "n/a",
                   with_note("launch", "" if launch is not None else "the deal has no route to market")),
    }


def problems_box(check: Check, unplaced: list[Problem] | None = None) -> None:
    """At the top of a page: the notice that the figures are stale, and the problems no field on the page shows."""
    if check.current:
        return
    unplaced = check.problems if unplaced is None else unplaced
    shown_here = len(check.problems) - len(unplaced)
    total = len(check.problems)
    text = f"**This deal has {total} problem{'s' if total != 1 else ''}.**"
    if unplaced:
        text += "\n\n" + "\n".join(f"- {problem_text(p)}" for p in unplaced)
    if shown_here == total:
        text += " " + ("It is shown next to its field below." if total == 1 else
                       "Each is shown next to its field below.")
    elif shown_here:
        text += f"\n\n{shown_here} more {'is' if shown_here == 1 else 'are'} shown next to the fields below."
    st.error(text, icon=":material/error:")


def problem_text(problem: Problem) -> str:
    """A problem as markdown for a page: the field in people's words, the rule, then the field's path as the deal
    file and the command line name it."""
    if not problem.path:
        return md(problem.message)
    return f"**{md(path_words(problem.path, state.draft()))}**: {md(problem.message)} ({md(problem.path)})"


NO_DEAL = "No deal is open: choose an example or open a deal file in the sidebar."


def deal_page(title: str, *, nothing: str, editor: Callable[[Form, dict[str, Any]], None] | None = None,
              caption: str = "", after_title: Callable[[], None] | None = None) -> state.Valid:
    """The frame every page that shows a deal shares, and the valid deal to show.

    Stops with a message when no deal is open. Draws the title, then ``after_title`` (tabs, say), then ``editor``
    (its widgets write into the draft); then, above them, the deal's name (and ``caption``), its problems (each at its
    field when the editor drew it, the rest in a box) and the notice that figures are those of the last valid
    version. Stops with ``nothing`` when the deal has never been valid.
    """
    draft = state.draft()
    if draft is None:
        st.error(NO_DEAL)
        st.stop()
    st.title(title, anchor=False)
    top = st.container()
    if after_title is not None:
        after_title()
    form = Form()
    if editor is not None:
        editor(form, draft)
    check = state.check()
    with top:
        if check.shown is not None:
            st.caption(md(check.shown.deal.name) + (f" · {caption}" if caption else ""))
        problems_box(check, form.place(check.problems))
        stale_notice(check)
    if check.shown is None:
        st.info(nothing)
        st.stop()
    return check.shown


def stale_notice(check: Check) -> None:
    if not check.current and check.shown is not None:
        st.warning(STALE, icon=":material/history:")


def headlines(valuation: Valuation, per_row: int = 3, border: bool = True) -> None:
    values = headline_values(valuation)
    keys = list(HEADLINES)
    for start in range(0, len(keys), per_row):
        for column, key in zip(st.columns(per_row), keys[start:start + per_row]):
            text, help_text = values[key]
            column.metric(HEADLINES[key][0], text, help=help_text, border=border)


def cash_flows(valuation: Valuation, height: int = 220) -> None:
    st.markdown("**Expected cash flow each year**",
                help="Each side's yearly cash flow, every payment weighted by the chance that it happens. "
                     "Money in £ at the price base year; year 0 is signature.")
    frame = charts.cash_flow_frame(valuation)
    for side in (charts.NHS, charts.PARTNER):
        st.vega_lite_chart(spec=charts.cash_flow_chart(frame, side, height=height), width="stretch")
    with st.expander("Cash flow figures"):
        table = frame.pivot(index=charts.YEAR, columns=charts.SIDE, values=charts.TEXT).reset_index()
        st.dataframe(table, hide_index=True, width="stretch")
        numbers = frame.pivot(index=charts.YEAR, columns=charts.SIDE, values=charts.AMOUNT).reset_index()
        numbers.columns = [charts.YEAR, *[f"{side} (£)" for side in numbers.columns[1:]]]
        st.download_button("Download as CSV", charts.csv_bytes(numbers), file_name="cash-flows.csv",
                           mime="text/csv", key="csv:cash-flows", icon=":material/download:")


def present_values(valuation: Valuation, side_by_side: bool = True) -> None:
    st.markdown("**Present value of each term and cost**",
                help="Each line discounted at that side's rate; the last line is the side's NPV.")
    columns = st.columns(2) if side_by_side else [st.container(), st.container()]
    for column, side in zip(columns, (charts.NHS, charts.PARTNER)):
        with column:
            st.caption(f"{side} side")
            st.dataframe(charts.present_value_frame(valuation, side), hide_index=True, width="stretch")


def panel(check: Check, *, compact: bool = False) -> None:
    """The whole result: headline figures, chart and present values (or why there is none yet)."""
    if check.shown is None:
        st.info("No valid version of this deal yet: fix the problems shown to see its valuation.")
        return
    stale_notice(check)
    valuation = check.shown.valuation
    if not check.current:
        st.caption(f"Figures for the last valid version of “{md(check.shown.deal.name)}”.")
    headlines(valuation, per_row=2 if compact else 3, border=not compact)
    st.caption(money_basis(check.shown.deal))
    cash_flows(valuation, height=200 if compact else 240)
    present_values(valuation, side_by_side=not compact)


def money_basis(deal: Deal) -> str:
    """What every money figure is: pounds of the price base year, risk-adjusted, each side at its own rate.

    >>> from valueshare.scenario import example_paths, load_deal
    >>> print(money_basis(load_deal(example_paths()[1])))
    £ at 2026 prices, risk-adjusted; NHS figures discounted at 3.5%, the partner's at 15.0%.
    """
    a = deal.assumptions
    return (f"£ at {a.price_base_year} prices, risk-adjusted; NHS figures discounted at "
            f"{percent(a.nhs_discount_rate)}, the partner's at {percent(a.partner_discount_rate)}.")

"""The valuation on screen: headline figures, the yearly cash flows and the present value of each term.

Every figure is written by ``valueshare.format``; nothing here computes finance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, state, text
from ui.fields import page_of, path_words, specs
from ui.form import Form
from ui.state import Check
from ui.text import md
from ui.view import opened
from valueshare.engine.valuation import Valuation
from valueshare.errors import Problem, sentence
from valueshare.figures import FIGURES, Figure, nhs_money, select
from valueshare.format import money, percent, ratio
from valueshare.model import Deal, NhsParty
from valueshare.model.parties import Member

STALE = "Showing the figures of the last valid version of the deal; fix the highlighted fields."

#: The headline figures (``valueshare.figures``) the Valuation page shows, in order.
HEADLINES = ("nhs_npv", "partner_npv", "partner_irr", "cost_recovery", "nhs_access_costs", "value_share_gbp",
             "nhs_share", "value_share", "launch_probability")


def help_text(figure: Figure[Any], valuation: Valuation) -> str:
    """What the figure holds, then its note for this deal: why it has no answer, or a caveat."""
    note = figure.note(valuation)
    if not note:
        return figure.help
    if figure.value(valuation) is None:
        return f"{figure.help} Not available: {note}."
    return f"{figure.help} {note[0].upper()}{note[1:]}."


def not_available(labels: list[str], valuations: list[tuple[str, Valuation]]) -> list[str]:
    """Why each of these figures (by label) that reads n/a for a named valuation has no answer, one line each, for
    a caption under a table of figures.

    >>> from valueshare import load_deal, value_deal
    >>> from valueshare.scenario import example_paths
    >>> v = value_deal(load_deal(next(p for p in example_paths() if p.stem == "life-sciences-cluster")))
    >>> print(not_available(["Partner NPV", "NHS share of value"], [("Base", v)])[0])
    n/a: NHS share of value (Base): the partner's value before payments to the NHS is not positive, so a share of it \
has no meaning.
    """
    found = []
    for figure in (f for f in FIGURES.values() if f.label in labels and f.source is Valuation):
        for name, valuation in valuations:
            if figure.text(valuation) == "n/a":
                why = figure.note(valuation) or "there is nothing to measure it from in this deal"
                found.append(f"n/a: {figure.label} ({name}): {why.rstrip('.')}.")
    return found


def headline_values(valuation: Valuation) -> dict[str, tuple[str, str]]:
    """Each headline's text and the help shown with it (with the reason when a figure has no answer), by key."""
    return {figure.key: (figure.text(valuation), help_text(figure, valuation)) for figure in select(*HEADLINES)}


def problems_box(check: Check, unplaced: list[Problem] | None = None, *, here: str | None = None) -> None:
    """At the top of a page: what is still to fill in, as a neutral checklist (a required field the user has not
    touched, before a document or a save is asked for: ``state.to_fill_in``), then the problems, each field named;
    ``unplaced``: those no field on this page shows (all, when not given). Under them, a button to each section or
    page where one of them is edited (``go_to_fix``; ``here``: the Deal page's open section, None elsewhere)."""
    if check.current:
        return
    todo = [p for p in check.problems if state.to_fill_in(p)]
    errors = [p for p in check.problems if not state.to_fill_in(p)]
    if todo:
        st.info(f"**To complete this deal, fill in {len(todo)} field{'s' if len(todo) != 1 else ''}:**\n\n"
                + "\n".join(f"- {field_name(p)}" for p in todo), icon=":material/checklist:")
    if errors:
        placed = errors if unplaced is None else [p for p in unplaced if not state.to_fill_in(p)]
        shown_here = len(errors) - len(placed)
        total = len(errors)
        text = f"**This deal has {total} problem{'s' if total != 1 else ''}.**\n\n"
        text += "\n".join(f"- {problem_text(p)}" for p in errors)
        if shown_here == total:
            text += "\n\n" + ("It is also shown next to its field below." if total == 1 else
                               "Each is also shown next to its field below.")
        elif shown_here:
            verb = "is" if shown_here == 1 else "are"
            text += f"\n\n{shown_here} of them {verb} also shown next to the fields below."
        st.error(text, icon=":material/error:")
    go_to_fix(check.problems if unplaced is None else [*unplaced, *(p for p in todo if p not in unplaced)], here)


#: A Deal page section asked for from elsewhere (another page, or from inside the Deal page's fragment, whose own
#: run cannot change the tabs drawn outside it); the Deal page opens it.
GOTO = "deal:goto"
DEAL = "app_pages/deal.py"


def go_to_fix(problems: list[Problem], here: str | None) -> None:
    """A button to each place these problems are edited: a section of the Deal page (other than ``here``, the one
    open) or another page, with how many problems and fields to fill in it has. A click opens it, keeping the
    session (a link would load the app afresh and lose the draft)."""
    from ui.editor import SECTIONS, section_of  # ui.editor draws the Deal page's sections, which use this module

    counts: dict[tuple[str, str | None], list[int]] = {}
    for problem in problems:
        section = section_of(problem.path)
        target = (DEAL, section) if section is not None else (page_of(problem.path) or "", None)
        if not target[0] or section is not None and section == here:
            continue
        counts.setdefault(target, [0, 0])[1 if state.to_fill_in(problem) else 0] += 1
    order = {name: i for i, name in enumerate(SECTIONS)}
    for (page, section), (wrong, todo) in sorted(counts.items(), key=lambda kv: (kv[0][1] is None,
                                                                                order.get(kv[0][1] or "", 0))):
        what = ", ".join(part for part in (f"{wrong} problem{'s' if wrong != 1 else ''}" if wrong else "",
                                           f"{todo} to fill in" if todo else "") if part)
        where = section if section is not None else page.removeprefix("app_pages/").removesuffix(".py").capitalize()
        key = f"deal:open:{section}" if section is not None else f"open:{where.lower()}"
        if st.button(f"Open {where} ({what})", key=key, icon=":material/arrow_forward:"):
            if section is not None:
                st.session_state[GOTO] = section
            if section is not None and here is not None:
                st.rerun(scope="app")
            st.switch_page(page)


def field_name(problem: Problem) -> str:
    """The field a problem is at, in people's words, in bold."""
    return f"**{md(path_words(problem.path, state.draft()))}**"


def problem_text(problem: Problem) -> str:
    """A problem as markdown for a page: the field in people's words, then the rule in the unit the form shows. The
    field's path (as the deal file and the command line name it) is for the CLI, not here."""
    if not problem.path:
        return md(sentence(problem.message))
    return f"{field_name(problem)}: {md(problem.in_form or problem.message)}"


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
    shown = select(*HEADLINES)
    for start in range(0, len(shown), per_row):
        for column, figure in zip(st.columns(per_row), shown[start:start + per_row], strict=False):
            column.metric(figure.label, figure.text(valuation), help=help_text(figure, valuation), border=border)


def heading(title: str, level: int, *, help: str | None = None) -> None:
    """A section's heading at ``level`` (2 under the page's title, 3 inside a section), for screen readers' list of
    headings; the theme sizes them (``.streamlit/config.toml``)."""
    (st.header if level == 2 else st.subheader)(title, anchor=False, help=help)


def cash_flows(valuation: Valuation, height: int = 220, level: int = 2) -> None:
    heading("Expected cash flow each year", level,
            help="Each side's yearly cash flow, every payment weighted by the chance that it happens. "
                 "Money in £ at the price base year; year 0 is signature.")
    frame = charts.cash_flow_frame(valuation)
    for side in (charts.NHS, charts.PARTNER):
        st.vega_lite_chart(spec=charts.cash_flow_chart(frame, side, height=height), width="stretch")
    box = opened("Cash flow figures", "figures:cash-flows")  # its table drawn only while it is open
    if box.open:
        with box:
            _cash_flow_figures(frame)


def _cash_flow_figures(frame: pd.DataFrame) -> None:
    table = frame.pivot(index=charts.YEAR, columns=charts.SIDE, values=charts.TEXT).reset_index()
    st.dataframe(table, hide_index=True, width="stretch")
    numbers = frame.pivot(index=charts.YEAR, columns=charts.SIDE, values=charts.AMOUNT).reset_index()
    numbers.columns = [charts.YEAR, *[f"{side} (£)" for side in numbers.columns[1:]]]
    st.download_button("Download as CSV", charts.csv_later(numbers), file_name="cash-flows.csv",
                       mime="text/csv", key="csv:cash-flows", icon=":material/download:")


def present_values(valuation: Valuation, side_by_side: bool = True, level: int = 2) -> None:
    heading("Present value of each term and cost", level,
            help="Each line discounted at that side's rate; the last line is the side's NPV.")
    columns = st.columns(2) if side_by_side else [st.container(), st.container()]
    for column, side in zip(columns, (charts.NHS, charts.PARTNER), strict=True):
        with column:
            st.caption(f"{side} side")
            # A table drawn as text (an HTML table): a long line's name wraps, and neither a heading nor a figure is
            # cut short in a half-width column; a screen reader reads it row by row.
            st.markdown(text.table(charts.present_value_frame(valuation, side), right=("Present value",)))


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
    level = 3 if compact else 2  # the Deal page's panel is itself a section, under its heading "Valuation"
    nhs_money_figures(valuation, per_row=2 if compact else 3, border=not compact, level=level)
    if not compact:
        members_table(valuation)
        users_table(valuation)
        cash_flows(valuation, height=240, level=level)
    else:  # beside the Deal page's editor: the charts drawn only while their box is open, so an edit redraws less
        box = opened("Cash flow charts", "deal:cash-flows", icon=":material/bar_chart:")
        if box.open:
            with box:
                cash_flows(valuation, height=200, level=level)
    present_values(valuation, side_by_side=not compact, level=level)


NHS_MONEY_HELP = ("Where the NHS party's money comes from and goes, each at present value at the NHS rate: what the "
                  "partner and other users pay, grants, and, when it buys or uses the product, its spend and its "
                  "savings, which are not in the NHS NPV.")


def nhs_money_figures(valuation: Valuation, per_row: int = 3, border: bool = True, level: int = 2) -> None:
    """The NHS party's money by source (``valueshare.figures.nhs_money``), when there is more to it than receipts."""
    shown = nhs_money(valuation)
    if len(shown) < 2:
        return  # receipts alone: the NHS NPV and its lines say it
    heading("The NHS party's money", level, help=NHS_MONEY_HELP)
    for start in range(0, len(shown), per_row):
        for column, figure in zip(st.columns(per_row), shown[start:start + per_row], strict=False):
            column.metric(figure.label, figure.text(valuation), help=help_text(figure, valuation), border=border)


def members_frame(valuation: Valuation) -> pd.DataFrame:
    """One row per consortium member: its share of the split, what it receives, the costs it bears, its NPV and
    cost recovery, as the engine worked them out (``Valuation.members``)."""
    fields = specs(Member)
    return pd.DataFrame([{
        "Member": m.name, fields["is_nhs"].label: "yes" if m.is_nhs else "no", "Share": percent(m.share),
        "Receipts": money(m.receipts), "Shared costs": money(m.shared_costs), fields["own_costs"].label:
        money(m.own_costs), "NPV": money(m.npv), FIGURES["cost_recovery"].label: ratio(m.cost_recovery),
    } for m in valuation.members])


MEMBERS_HELP = ("Each member's share, by the agreed split, of what the consortium receives and of the costs it "
                "shares; its own costs it bears alone. Present values at the NHS rate; cost recovery is "
                "the member's share of the charges for access over the costs it bears (n/a for a member that bears no "
                "cost: there is nothing to recover). A member outside the NHS keeps its share, which is not in the "
                "NHS's figures.")


def members_table(valuation: Valuation) -> None:
    """The consortium's members and their figures (cost recovery 'n/a' where a member bears no cost), or why there
    are none."""
    if not (valuation.members_note or valuation.members):
        return
    heading(specs(NhsParty)["members"].label, 2, help=MEMBERS_HELP)
    if valuation.members_note:
        st.caption(md(valuation.members_note[0].upper() + valuation.members_note[1:] + "."))
    else:
        st.dataframe(members_frame(valuation), hide_index=True, width="stretch")


def users_frame(valuation: Valuation) -> pd.DataFrame:
    """One row per user of the platform, the partner first: what it pays, of which charges for access, its equal
    share of the NHS's costs (less grants) and its cost recovery (``Valuation.users``)."""
    return pd.DataFrame([{
        "Platform user": u.name, "Pays": money(u.receipts), "Of which fees": money(u.fees),
        "Cost share": money(u.cost_share), FIGURES["cost_recovery"].label: ratio(u.cost_recovery),
    } for u in valuation.users])


USERS_HELP = ("The partner and each other user of the data platform: what it pays the NHS, of which charges for "
              "access (fees, subscriptions, secure-environment charges, service income), and its equal share of the "
              "NHS's costs of access less grants. Present values at the NHS rate. Cost recovery is n/a for a user "
              "whose share of the costs is nothing (grants cover them): there is nothing to recover.")


def users_table(valuation: Valuation) -> None:
    if valuation.users:
        heading("Platform users", 2, help=USERS_HELP)
        st.dataframe(users_frame(valuation), hide_index=True, width="stretch")


def money_basis(deal: Deal) -> str:
    """What every money figure is: pounds of the price base year, risk-adjusted, each side at its own rate.

    >>> from valueshare.scenario import example_paths, load_deal
    >>> print(money_basis(load_deal(example_paths()[1])))
    £ at 2026 prices, risk-adjusted; NHS figures discounted at 3.5%, the partner's at 15.0%.
    """
    a = deal.assumptions
    return (f"£ at {a.price_base_year} prices, risk-adjusted; NHS figures discounted at "
            f"{percent(a.nhs_discount_rate)}, the partner's at {percent(a.partner_discount_rate)}.")

"""The Contribution value page's parts: the inputs the three approaches rest on, the concluded value and its range
for negotiation first, then the approaches with their weights and reasons.

``valueshare.contribution`` computes everything and ``valueshare.contribution.text`` words it (the same rows and
sentences as the CLI and the negotiation brief); this module lays them out. User text reaches the page only as
table cells or through ``ui.text.md``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, identity, state
from ui.fields import specs
from ui.form import Form
from ui.text import md
from ui.view import opened
from valueshare.contribution import ContributionValue, value_contribution
from valueshare.contribution import text as words
from valueshare.contribution.table import published_table
from valueshare.engine.valuation import Valuation
from valueshare.errors import ValueshareError
from valueshare.format import money, percent
from valueshare.model import Comparable, ContributionValueInputs, Deal, MarketScaling, PreparationCost
from valueshare.model.contribution_value import Reconciliation

SECTION = "contribution_value"


#: The view choice (and widget key) of the inputs' expander: open or closed, kept across pages.
INPUTS = "contribution:inputs"


def inputs_editor(form: Form, draft: dict[str, Any], check: state.Check) -> None:
    """Costs, own comparables, scaling, the royalty rate and the anchor: part of the deal, in an expander drawn only
    while it is open (its forty-odd widgets and tables are not needed for the figures); it opens by itself on a new
    problem in them."""
    box = opened("Inputs: costs, comparables, scaling, royalty rate, weights and anchor", INPUTS,
                 problems=[p.path for p in check.problems if p.path.startswith(SECTION)], icon=":material/tune:")
    if not box.open:
        return
    with box:
        inputs = draft.setdefault(SECTION, {})
        fields = specs(ContributionValueInputs)
        form.table(inputs, "preparation_costs", f"{SECTION}.preparation_costs", PreparationCost,
                   label="What making the data usable cost", help=fields["preparation_costs"].help + " "
                   + (PreparationCost.__doc__ or "").split("\n\n")[-1].strip(), item="Cost")
        form.table(inputs, "comparables", f"{SECTION}.comparables", Comparable, label="Your own comparables",
                   help=fields["comparables"].help + " Each needs a source and a date.", item="Comparable")
        organisation = (draft.get("nhs") or {}).get("name") or ""
        if organisation:
            st.button(f"Add {md(organisation)}'s earlier deals from the register", key="do:register-comparables",
                      icon=":material/inventory_2:", on_click=_add_from_register, args=(organisation,),
                      help="Each earlier deal of this NHS organisation saved in the register (its latest version) "
                           "joins your comparables: what its partner paid for access per year, for the data of its "
                           "largest asset, dated the day it was saved.")
        added = st.session_state.pop(ADDED, None)
        if added is not None:
            (st.success if added[0] else st.info)(md(added[1]))
        left, right = st.columns(2)
        with left:
            form.field(inputs, ContributionValueInputs, "use_published_comparables",
                       f"{SECTION}.use_published_comparables", label="Include the published comparables")
            form.field(inputs, ContributionValueInputs, "relief_from_royalty_rate",
                       f"{SECTION}.relief_from_royalty_rate", label="Relief-from-royalty rate (%)")
        with right:
            form.field(inputs, ContributionValueInputs, "anchor", f"{SECTION}.anchor",
                       label="Anchor for the NHS's ask")
            form.field(inputs, ContributionValueInputs, "market_basis", f"{SECTION}.market_basis",
                       label="Market basis")
            form.field(inputs, ContributionValueInputs, "relief_from_royalty_spread",
                       f"{SECTION}.relief_from_royalty_spread", label="Relief-from-royalty range (± share of the rate)")
        st.markdown("**How the approaches are weighted into one value [ours]**", help=Reconciliation.__doc__)
        reconciliation = inputs.setdefault("reconciliation", {})
        form.fields(reconciliation, Reconciliation, f"{SECTION}.reconciliation", list(specs(Reconciliation)),
                    per_row=3)
        st.markdown("**How comparables are scaled to this deal [ours]**", help=MarketScaling.__doc__)
        scaling = inputs.setdefault("scaling", {})
        form.fields(scaling, MarketScaling, f"{SECTION}.scaling", list(specs(MarketScaling)), per_row=3)
        form.slot(SECTION)


ADDED = "contribution:added"


def _add_from_register(organisation: str) -> None:
    """Append the organisation's earlier deals (not already listed by name) to the draft's own comparables."""
    from ui import register  # the register's page module: opens the register once per process
    from valueshare.contribution.earlier import comparables_from_register

    repo = register.repository()
    draft = state.draft()
    if repo is None or draft is None:
        return
    try:
        found = comparables_from_register(repo, organisation=organisation, exclude=draft.get("name"),
                                          actor=identity.actor())
    except ValueshareError as error:
        st.session_state[ADDED] = (False, f"The register could not be read: {error}")
        return
    inputs = draft.setdefault(SECTION, {})
    own = inputs.setdefault("comparables", [])
    names = {c.get("name") for c in own if isinstance(c, dict)}
    new = [c.model_dump(mode="json") for c in found if c.name not in names]
    own.extend(new)
    state.forget_widgets(f"{SECTION}.comparables")
    st.session_state[ADDED] = (bool(new), f"{len(new)} earlier deal(s) of {organisation} added from the register"
                               if new else f"No earlier deal of {organisation} in the register charged for access "
                                           "that is not already listed.")


@st.cache_data(max_entries=64, show_spinner=False)
def _value(deal_json: str, _deal: Deal, _valuation: Valuation) -> ContributionValue:
    return value_contribution(_deal, _valuation)


def value(valid: state.Valid) -> ContributionValue:
    return _value(valid.json, valid.deal, valid.valuation)


def _table(rows: list[list[str]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


CONCLUDED = "Concluded value (the approaches weighted)"


def _frame(cv: ContributionValue) -> pd.DataFrame:
    """The chart's rows: the concluded value and its range first, then the approaches and the cross-check."""
    frame = charts.contribution_frame(cv)
    rec = cv.reconciled
    if rec.value is None or rec.low is None or rec.high is None:
        return frame
    first = pd.DataFrame([{"Approach": CONCLUDED, "Low (£)": float(rec.low), "Central (£)": float(rec.value),
                           "High (£)": float(rec.high), "Range": words.span(rec.low, rec.high),
                           "Central": money(rec.value)}], columns=frame.columns)
    return pd.concat([first, frame], ignore_index=True) if len(frame) else first


def approaches(cv: ContributionValue) -> None:
    st.header("What the contribution is worth", anchor=False, help=words.INTRO)
    rec = cv.reconciled
    st.metric(CONCLUDED, money(rec.value) if rec.value is not None else "n/a", border=True,
              help="Σ weight × each approach's central value, never below the NHS's costs of giving access.")
    st.markdown(f"**{md(words.concluded_text(cv))}**")
    for column, approach in zip(st.columns(3), cv.approaches, strict=False):
        column.metric(approach.title, money(approach.central) if approach.central is not None else "n/a",
                      border=True, help=approach.note)
        share = f" {percent(approach.share)} of the partner's value." if approach.share is not None else ""
        note = md(approach.note[:1].upper() + approach.note[1:])
        column.caption(f"Weight {words.weight(approach.weight)}. Range {words.span(approach.low, approach.high)}."
                       f"{share} {note}.")
    st.markdown("**Why each weight**")
    st.dataframe(_table(words.weight_rows(cv), ["Approach", "Central", "Weight", "Why"]), hide_index=True,
                 width="stretch")
    st.markdown("\n".join(f"- {md(line)}" for line in words.reconciliation_lines(cv)))
    st.markdown(f"{md(words.range_text(cv))} {md(words.ask_text(cv))}")
    frame = _frame(cv)
    if len(frame):
        st.vega_lite_chart(spec=charts.contribution_chart(frame, cv.ask), width="stretch")
        st.caption("Bars: the concluded value's range for negotiation, then each approach's range; dark tick: the "
                   "central value; dashed line: the NHS's ask on the chosen anchor. Money in £ of the price base "
                   "year.")
    for flag in cv.flags:
        st.warning(md(flag.message), icon=":material/flag:")
    st.markdown("**Why they differ**")
    st.markdown("\n".join(f"- {md(reason)}" for reason in cv.reasons))
    st.download_button("Download the approaches as CSV", charts.csv_later(frame[["Approach", "Low (£)", "Central (£)",
                                                                                  "High (£)"]]),
                       file_name="contribution-value.csv", mime="text/csv", key="csv:contribution",
                       icon=":material/download:")


def details(cv: ContributionValue) -> None:
    cost, market, income = st.tabs(["Cost", "Market", "Income"])
    with cost:
        st.caption("What the NHS spent (historical) or would spend again (replacement) to make the data usable, plus "
                   "the present value of its costs of giving access in this partnership, which is also the base "
                   "of cost recovery.")
        frame = _table(words.cost_rows(cv), ["Cost", "Historical", "Replacement"])
        st.dataframe(frame, hide_index=True, width="stretch")
    with market:
        st.caption(f"Every comparable scaled to each data asset, factor by factor, and valued over "
                   f"{cv.market.years_of_access} year(s) of access at the NHS rate. [pub] published; [ours] our "
                   f"reading of published figures; [user] yours. Published table reviewed "
                   f"{published_table().version:%d %B %Y}.")
        if cv.market.note:
            st.info(md(f"No market value: {cv.market.note}."))
        st.markdown("\n".join(f"- {md(line)}" for line in words.market_lines(cv)))
        columns = ["Comparable", "Kind", "Role", "Source", "Asset", "Price", "Records", "History", "Data type",
                   "Exclusivity", "Value here"]
        rows = _table(words.comparable_rows(cv), columns)
        st.dataframe(rows, hide_index=True, width="stretch")
        st.download_button("Download the comparables as CSV", charts.csv_later(rows), file_name="comparables.csv",
                           mime="text/csv", key="csv:comparables", icon=":material/download:")
    with income:
        st.markdown("\n".join(f"- {md(line)}" for line in words.income_lines(cv)))
    st.caption(md(words.per_record_text(cv)))

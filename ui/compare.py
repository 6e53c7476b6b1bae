"""The Compare page's parts: which deals to line up, and the comparison as tables.

``valueshare.compare`` values each deal and finds the figures and inputs that differ; this module only writes them
as plain-text tables (user text is never rendered as markup) with the differing figures marked and highlighted.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, results, state
from ui.charts import unique
from ui.fields import section_link
from ui.text import md
from ui.variants import variants_editor
from ui.view import keep, remember
from valueshare.compare import Comparison, aim_rows
from valueshare.errors import DealInvalid
from valueshare.model import Deal
from valueshare.scenario import deal_from_data, deal_to_data, read_deal_content

MODES = {"variants": "Its variants", "example": "Another example", "file": "A counter-offer file"}
COUNTER = "compare:counter"         # (file name, deal data) of the last counter-offer file that could be read
COUNTER_PROBLEMS = "compare:counter_problems"
COUNTER_READ_AS = "compare:counter_read_as"  # the line saying a counter-offer was in an older format
HIGHLIGHT = "background-color: #FFF3C4"
THIS_DEAL = "This deal"


def figures_frame(comparison: Comparison) -> pd.DataFrame:
    """The headline figures, one column per deal, and whether they differ ('Yes' or blank)."""
    names = unique([c.name for c in comparison.columns])
    pair = len(names) == 2  # an offer and a counter-offer: show the difference
    rows = [[row.label, *row.texts, *([row.change_text] if pair else []), "Yes" if row.differs else ""]
            for row in comparison.figures]
    return pd.DataFrame(rows, columns=["Figure", *names, *(["Difference"] if pair else []), "Differs"])


def inputs_frame(comparison: Comparison) -> pd.DataFrame:
    """Every input that is not the same in all the deals: its name for people, each deal's value in words, and its
    field path."""
    names = unique([c.name for c in comparison.columns])
    pair = len(names) == 2
    rows = [[row.label, *row.texts, *([row.change_text] if pair else []), row.path] for row in comparison.inputs]
    return pd.DataFrame(rows, columns=["Input", *names, *(["Difference"] if pair else []), "Field path"])


def highlighted(frame: pd.DataFrame, differs: list[bool]) -> Any:
    """The frame with its differing rows shaded (a Styler: the cells stay plain text)."""
    def shade(row: pd.Series) -> list[str]:
        return [HIGHLIGHT if differs[row.name] else "" for _ in row]
    return frame.style.apply(shade, axis=1)


# -- choosing what to compare -----------------------------------------------------------------------------------

def _on_counter(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    try:
        loaded = read_deal_content(uploaded.getvalue(), uploaded.name)
    except DealInvalid as error:
        st.session_state[COUNTER_PROBLEMS] = (uploaded.name, error.problems)
        return
    st.session_state.pop(COUNTER_PROBLEMS, None)
    st.session_state[COUNTER] = (uploaded.name, deal_to_data(loaded.deal))
    if loaded.note:
        st.session_state[COUNTER_READ_AS] = loaded.note  # said once, under the uploader


def chosen_deals(valid: state.Valid) -> list[tuple[str, Deal]]:
    """Draw the choice of what to compare the deal with, and return the named deals to line up."""
    deal = valid.deal
    mode = keep("compare:mode", st.segmented_control(
        "Compare this deal with", list(MODES), format_func=MODES.get,
        key=remember("compare:mode", "variants", list(MODES)),
        help="The deal's own variants (named sets of changes in its file), another example, or a counter-offer file "
             f"such as the partner's version of this deal. {section_link(9, 'sensitivities and variants')}")) \
        or "variants"
    if mode == "variants":
        variants_editor(valid)
        names = [v.name for v in deal.variants]
        if not names:
            st.info("This deal has no variants yet. A variant is a named set of changes to the deal (an upside, a "
                    "downside, a counter-offer): make one above, or compare the deal with another example or a "
                    "counter-offer file.")
            return [("Base", deal)]
        chosen = keep("compare:variants", st.multiselect(
            "Variants", names, key=remember("compare:variants", names, lambda v: set(v) <= set(names)),
            placeholder="Choose variants",
            help=f"The base deal is always shown first. {section_link(9, 'sensitivities and variants')}"))
        chosen = [n for n in chosen if n in names]
        for variant in deal.variants:
            if variant.name in chosen and variant.description:
                st.caption(f"**{md(variant.name)}**: {md(variant.description)}")
        return [("Base", deal)] + [(n, deal.variant(n)) for n in chosen]
    if mode == "example":
        examples = [e for e in state.examples() if e.data is not None]
        paths_ = [e.path for e in examples]
        default = next((p for p in paths_ if p != st.session_state.get(state.EXAMPLE)), paths_[0] if paths_ else None)
        if default is None:
            st.info("No example could be read.")
            return [(THIS_DEAL, deal)]
        path = keep("compare:example", st.selectbox(
            "Example", paths_, key=remember("compare:example", default, paths_),
            format_func=lambda p: next(e.name for e in examples if e.path == p)))
        other = next(e for e in examples if e.path == path)
        return [(THIS_DEAL, deal), (other.name, deal_from_data(other.data))]
    key = "compare:upload"
    st.file_uploader("Counter-offer (YAML or JSON)", type=["yaml", "yml", "json"], key=key, on_change=_on_counter,
                     args=(key,), help="A valueshare scenario file, such as the other side's version of this deal.")
    refused = st.session_state.get(COUNTER_PROBLEMS)
    if refused:
        name, problems = refused
        lines = "\n".join(f"- {md(p.line())}" for p in problems)
        st.error(f"**{md(name)} could not be read**.\n\n{lines}", icon=":material/error:")
    read_as = st.session_state.pop(COUNTER_READ_AS, None)
    if read_as:
        st.info(md(read_as), icon=":material/update:")
    counter = st.session_state.get(COUNTER)
    if counter is None:
        st.caption("Open a counter-offer file to line it up against this deal.")
        return [(THIS_DEAL, deal)]
    from ui import counteroffer  # it uses the Register page's parts, which use this module's tables

    name, data = counter
    returned = deal_from_data(data)
    st.caption(f"Counter-offer: {md(returned.name)} (from {md(name)}), read against this deal: the partner's "
               "proposals with the NHS's own figures kept from this deal.")
    offer = counteroffer.read(deal, returned)
    if offer is None:
        return [(THIS_DEAL, deal)]
    counteroffer.summary(offer)
    counteroffer.actions(deal, returned, offer)
    return [(THIS_DEAL, deal), (offer.deal.name, offer.deal)]


def show(comparison: Comparison) -> None:
    """The figures (differing rows shaded and marked) and the inputs that differ, each downloadable as CSV."""
    names = unique([c.name for c in comparison.columns])
    st.markdown("**The three aims**", help="The framework's order: patient benefit first, then UK growth, then the "
                                           "NHS's financial return, each in its own units. An alternative whose "
                                           "terms take the partner below its hurdle puts patient benefit at risk: "
                                           "a partner that walks away delivers none.")
    for flag in comparison.flags:
        st.warning(f"**Patient-first flag.** {md(flag)}", icon=":material/health_and_safety:")
    st.dataframe(pd.DataFrame([[label, *texts] for label, texts in aim_rows(comparison.aims)],
                              columns=["Aim", *names]), hide_index=True, width="stretch")
    figures = figures_frame(comparison)
    differs = [row.differs for row in comparison.figures]
    st.markdown("**Figures**", help="Each deal valued as on the Valuation page. Shaded rows, marked 'Yes', differ "
                                    "between the deals.")
    st.dataframe(highlighted(figures, differs), hide_index=True, width="stretch")
    unanswered = results.not_available([row.label for row in comparison.figures],
                                       [(name, c.valuation) for name, c in zip(names, comparison.columns, strict=True)])
    if unanswered:
        st.caption("  \n".join(md(line) for line in unanswered))
    st.download_button("Download the figures as CSV", charts.csv_later(_figure_numbers(comparison)),
                       file_name="comparison-figures.csv", mime="text/csv", key="csv:compare-figures",
                       icon=":material/download:")
    if len(comparison.columns) < 2:
        return
    inputs = inputs_frame(comparison)
    st.markdown(f"**Inputs that differ ({len(inputs)})**",
                help="Every input whose value is not the same in all the deals; unchanged inputs are left out.")
    if inputs.empty:
        st.caption("The deals have the same inputs.")
        return
    st.dataframe(inputs, hide_index=True, width="stretch", height=min(38 + 35 * len(inputs), 600))
    st.download_button("Download the inputs as CSV", charts.csv_later(inputs), file_name="comparison-inputs.csv",
                       mime="text/csv", key="csv:compare-inputs", icon=":material/download:")


def _figure_numbers(comparison: Comparison) -> pd.DataFrame:
    names = unique([c.name for c in comparison.columns])
    rows = [[row.label, *[float("nan") if v is None else float(v) for v in row.values], row.differs]
            for row in comparison.figures]
    return pd.DataFrame(rows, columns=["Figure", *names, "Differs"])




"""The Framework check page's parts: the inputs the framework needs, the three aims side by side, the principle
checks and the fair share.

``valueshare.framework`` assesses the deal and ``valueshare.framework.text`` words it (the same rows and sentences
as the term sheet's framework page); this module only lays them out. User text (fair-share notes, names) is shown
as table cells or through ``ui.text.md``, never as markup.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, contribution, partnership, state, text
from ui.fields import specs
from ui.form import Form
from ui.text import md
from ui.view import keep, opened, remember
from valueshare import inputs
from valueshare.compare import variants_of
from valueshare.contribution import text as worth_words
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.framework import (
    Aims,
    Assessment,
    Status,
    aims_of,
    assess,
    closing_candidates,
    closing_term,
    patient_first_flags,
)
from valueshare.framework import text as words
from valueshare.framework.pillars import Pillars
from valueshare.framework.principles import Check
from valueshare.model import Deal
from valueshare.model.benefits import EconomicGrowth, FactorOverride, FairShareInputs, PatientBenefit
from valueshare.model.governance import Exclusivity, Transparency

INPUT_SECTIONS = ("patient_benefit", "economic_growth", "exclusivity", "transparency", "fair_share")
CLOSING = "framework:closing"
INPUTS = "framework:inputs"


# -- inputs ------------------------------------------------------------------------------------------------------

def inputs_editor(form: Form, draft: dict[str, Any], check: state.Check) -> None:
    """The deal's inputs for the first two aims and the fair-share judgements, in an expander drawn only when open
    (about a hundred elements the page's figures do not need); it opens by itself on a new problem in them."""
    box = opened("Inputs: patient benefit, UK growth and your fair-share judgements", INPUTS,
                 problems=input_problems(check), icon=":material/tune:")
    if not box.open:
        return
    with box:
        st.caption("These are part of the deal: they are saved in its file and change nothing on the Valuation "
                   "page except where the NHS's figures depend on them.")
        benefit = draft.setdefault("patient_benefit", {})
        st.markdown("**1. Patient benefit**", help=PatientBenefit.__doc__)
        form.fields(benefit, PatientBenefit, "patient_benefit", [n for n in specs(PatientBenefit) if n != "outcomes"],
                    per_row=3)
        partnership.outcomes_editor(form, benefit)
        form.slot("patient_benefit")
        growth = draft.setdefault("economic_growth", {})
        st.markdown("**2. UK economic growth**", help=EconomicGrowth.__doc__)
        form.fields(growth, EconomicGrowth, "economic_growth", list(specs(EconomicGrowth)), per_row=3)
        form.slot("economic_growth")
        st.markdown("**The 2019 guiding principles: exclusivity and transparency**",
                    help="DHSC's 2019 guiding principles: no exclusive rights over raw data (and exclusive rights "
                         "beyond it limited in field and time), and transparency to patients and the public.")
        for section, model in (("exclusivity", Exclusivity), ("transparency", Transparency)):
            part = draft.setdefault(section, {})
            form.fields(part, model, section, list(specs(model)), per_row=3)
            form.slot(section)
        fair = draft.setdefault("fair_share", {})
        st.markdown("**Fair share: your judgements**", help=FairShareInputs.__doc__)
        names = [name for name in specs(FairShareInputs) if name != "overrides"]
        form.fields(fair, FairShareInputs, "fair_share", names, per_row=3)
        form.table(fair, "overrides", "fair_share.overrides", FactorOverride, label="Your own scores",
                   help=specs(FairShareInputs)["overrides"].help + " A score you set replaces the default; its note "
                        "appears beside the factor here and in the documents.", item="Score")
        form.slot("fair_share")


def input_problems(check: state.Check) -> list[str]:
    """The paths of the deal's problems in the inputs this page edits."""
    return [p.path for p in check.problems if p.path.split(".")[0].split("[")[0] in INPUT_SECTIONS]


# -- the assessment, cached by the deal's content ------------------------------------------------------------------

@st.cache_data(max_entries=64, show_spinner=False)
def _assessment(deal_json: str, term_path: str | None, _deal: Deal, _valuation: Valuation) -> Assessment:
    # A closing change runs the solver (dozens of valuations): worth caching by the deal and the chosen term.
    return assess(_deal, _valuation, term_path=term_path)


@st.cache_data(max_entries=32, show_spinner=False)
def _alternatives(deal_json: str, _deal: Deal) -> list[Aims]:
    return [aims_of(name, deal, value_deal(deal)) for name, deal in variants_of(_deal)]


def closing_choice(deal: Deal) -> str | None:
    """The term the user chose to close a fair-share gap with (default: ``closing_term``)."""
    options = closing_candidates(deal)
    if not options:
        return None
    default = closing_term(deal) or options[0]
    return keep(CLOSING, st.selectbox(
        "Term to change", options, key=remember(CLOSING, default, options),
        format_func=lambda path: inputs.label(path, deal),
        help="The one term whose change would bring the NHS's share up to the fair band, all other terms as they "
             "are. Terms inside a consent-to-commercialise clause are left out."))


def assessment(valid: state.Valid, term_path: str | None) -> Assessment:
    return _assessment(valid.json, term_path, valid.deal, valid.valuation)


# -- the three aims ----------------------------------------------------------------------------------------------

def aims_frame(a: Assessment) -> pd.DataFrame:
    """Every figure of the three aims: aim, figure, the figure as written, and its number (for CSV)."""
    rows = [{"Aim": aim, "Figure": row.label, "Value": row.text, "Number": row.value}
            for aim, items in words.aim_rows(a.pillars).items() for row in items]
    return pd.DataFrame(rows, columns=["Aim", "Figure", "Value", "Number"])


def aims(deal: Deal, a: Assessment) -> None:
    st.header("The three aims", anchor=False,
                 help="The framework's order: patient benefit first, then UK economic growth, then the NHS's "
                      "financial return. Each is shown in its own units and never added into one score, so a term "
                      "that raises NHS revenue cannot hide a loss of patient benefit.")
    for flag in a.patient_first:
        st.warning(f"**Patient-first flag.** {md(flag)}", icon=":material/health_and_safety:")
    frame = aims_frame(a)
    notes = words.aim_notes(deal, a)
    for column, aim in zip(st.columns(3), words.AIMS, strict=False):
        with column:
            st.markdown(f"**{aim}**")
            st.markdown(text.table(frame[frame["Aim"] == aim][["Figure", "Value"]], right=("Value",)))
            st.caption(md(notes[aim]))
    st.download_button("Download the three aims as CSV", charts.csv_later(frame[["Aim", "Figure", "Number"]]),
                       file_name="framework-aims.csv", mime="text/csv", key="csv:framework-aims",
                       icon=":material/download:")


def scorecard_frame(named: list[tuple[str, Pillars]]) -> pd.DataFrame:
    """The three aims across alternatives: a row per figure, a column per alternative (as written)."""
    names = [name for name, _ in named]
    rows = [[aim, first.label, *[r.text for r in each]] for aim, first, each in words.scorecard(named)]
    return pd.DataFrame(rows, columns=["Aim", "Figure", *charts.unique(names)])


def scorecard(valid: state.Valid) -> None:
    if not valid.deal.variants:
        return
    alternatives = _alternatives(valid.json, valid.deal)
    named = [(a.name, a.pillars) for a in alternatives]
    st.header("The aims across the deal's variants", anchor=False,
                 help="The base deal and each named variant, valued the same way. A variant that lowers patient "
                      "benefit, or whose terms take the partner below its hurdle (so that the benefit may never be "
                      "delivered), is flagged: patient benefit comes first.")
    for flag in patient_first_flags(alternatives):
        st.warning(f"**Patient-first flag.** {md(flag)}", icon=":material/health_and_safety:")
    figures = charts.aims_chart_frame([name for name, _ in named], words.scorecard(named))
    for column, (aim, _, _, _) in zip(st.columns(3), charts.AIM_FIGURES, strict=False):
        column.vega_lite_chart(spec=charts.aim_chart(figures, aim), width="stretch")
    st.caption("Each aim's headline figure in its own units, on its own scale: the three are never added up.")
    frame = scorecard_frame(named)
    st.markdown(text.table(frame, right=tuple(frame.columns[2:])))
    st.download_button("Download the scorecard as CSV", charts.csv_later(frame), file_name="framework-scorecard.csv",
                       mime="text/csv", key="csv:framework-scorecard", icon=":material/download:")


# -- principles --------------------------------------------------------------------------------------------------

def principles_frame(a: Assessment) -> pd.DataFrame:
    rows = [{"Principle": c.title, "Status": c.status.label, "Why": c.reason, "Key figures": words.figures_text(
        c.figures), "Source": c.source} for c in a.checks]
    return pd.DataFrame(rows, columns=["Principle", "Status", "Why", "Key figures", "Source"])


#: The badge of each status: a colour and an icon, and always the word, so that colour is never the only cue.
BADGES = {Status.PASS: ("green", ":material/check_circle:"), Status.WARNING: ("orange", ":material/warning:"),
          Status.FAIL: ("red", ":material/cancel:"), Status.NOT_APPLICABLE: ("gray", ":material/remove_circle:")}


def card(check: Check) -> str:
    """One principle's card as markdown: its status badge (colour, icon and word), its title and reason, its key
    figures and its source, every part from the assessment escaped."""
    colour, icon = BADGES[check.status]
    figures = " · ".join(f"{md(k)}: {md(v)}" for k, v in check.figures.items())
    return (f":{colour}-badge[{icon} {check.status.label}] **{md(check.title)}**  \n{md(check.reason)}"
            + (f"  \n:gray[{figures}]" if figures else "") + f"  \n:gray[Source: {md(check.source)}.]")


def principles(a: Assessment) -> None:
    st.header("The framework's principles, checked", anchor=False,
                 help=f"The four principles of the {a.rules.name}, then the checks from DHSC's 2019 guiding "
                      "principles. The rules are the framework's; the thresholds that turn them into Pass, Warning "
                      "or Fail are valueshare's own [ours].")
    for check in a.checks:  # a card each, drawn as one element (the page draws faster with fewer)
        with st.container(border=True):
            st.markdown(card(check))
    st.download_button("Download the checks as CSV", charts.csv_later(principles_frame(a)),
                       file_name="framework-principles.csv", mime="text/csv", key="csv:framework-principles",
                       icon=":material/download:")


# -- fair share --------------------------------------------------------------------------------------------------

def factors_frame(a: Assessment) -> pd.DataFrame:
    rows = [{"Side": f.side, "Factor": f.factor.label, "Score": f.score, "Default": f.default_score,
             "Basis of the default": f.basis, "Your note": f.note} for f in a.fair_share.factors]
    return pd.DataFrame(rows, columns=["Side", "Factor", "Score", "Default", "Basis of the default", "Your note"])


def fair_share(valid: state.Valid) -> Assessment:
    """The fair-share section; returns the assessment made with the chosen closing term."""
    deal = valid.deal
    st.header("Fair share for the NHS (principle 4) [ours]", anchor=False,
                 help="The framework asks for a share in proportion to what the NHS contributes but publishes no "
                      "formula. valueshare's: score what each side brings from 1 to 5, turn the NHS's part of the "
                      "scores into a band around 15% at equal contributions, and place the deal's value share (what it "
                      "gives the NHS beyond cost recovery) on it. "
                      "See the method notes.")
    a = assessment(valid, None)
    fair = a.fair_share
    st.markdown(md(words.band_text(fair, valid.valuation)))
    frame = charts.fair_share_frame(fair)
    st.vega_lite_chart(spec=charts.fair_share_chart(frame), width="stretch")
    st.caption("Shaded: the fair band; blue line: its centre; black line: this deal's value share of the partner's "
               "value (what the partner gives the NHS beyond the NHS's costs of access, over its value before any "
               "payment, both at its rate).")
    st.download_button("Download the band as CSV", charts.csv_later(frame[["Low", "Centre", "High", "Deal"]].rename(
        columns={"Low": "Band low (share)", "Centre": "Band centre (share)", "High": "Band high (share)",
                 "Deal": "This deal's value share"})), file_name="fair-share-band.csv", mime="text/csv",
        key="csv:fair-band", icon=":material/download:")
    st.caption(md(worth_words.shares_text(contribution.value(valid))) + " See the Contribution value page.")
    if fair.position == "below":
        path = closing_choice(deal)
        with st.spinner("Finding the change that closes the gap..."):
            a = assessment(valid, path)
        if a.closing is not None:
            st.success(f"**To close the gap:** {md(words.closing_text(deal, a.closing))}", icon=":material/tune:")
        else:
            st.info(f"**No single change to this term closes the gap:** {md(a.closing_note)}.")
    elif fair.position in ("within", "above"):
        st.caption(f"The deal's value share is {words.POSITION[fair.position]}: no change is needed to reach it.")
    st.markdown("**What each side contributes**",
                help="Each factor scored from 1 (very little) to 5 (a great deal). Defaults come from the deal's "
                     "figures on a stated scale; set your own score, with a note, in the inputs above.")
    factors = factors_frame(a)
    st.dataframe(factors, hide_index=True, width="stretch")
    st.download_button("Download the factors as CSV", charts.csv_later(factors), file_name="fair-share-factors.csv",
                       mime="text/csv", key="csv:framework-factors", icon=":material/download:")
    st.caption(md(words.footnote(a)))
    return a

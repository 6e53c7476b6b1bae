"""The Risk page's Monte Carlo: the trial count and seed, each side's spread of NPV, the histograms and the fan
charts of yearly cash flow, each with its figures as a table and as CSV.

The engine (``valueshare.engine.montecarlo``) draws the trials; this module only summarises them for the charts
(``ui.charts``) and draws them, and ``valueshare.format`` writes every figure. The trial count and the seed are view
choices (``ui.view``), not part of the deal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from ui import charts, state, text
from ui.fields import section_link
from ui.text import md
from ui.view import keep, opened, remember
from valueshare.basecase import agreement
from valueshare.engine.montecarlo import ByLaunch, Simulation, Spread, simulate
from valueshare.figures import FIGURES
from valueshare.format import money, percent

LINK = section_link(8, "the Monte Carlo")

DEFAULT_TRIALS, MAX_TRIALS, DEFAULT_SEED = 10_000, 1_000_000, 1
#: From this many trials a run takes long enough to show its progress: since issue 20 a million trials of the
#: examples take 0.04-0.9 s here, 100,000 trials 17-146 ms: over before a bar could be read (measured 2026-12-08).
BIG_RUN = 500_000


@dataclass(frozen=True)
class LaunchOutcome:
    """One side's NPV over the trials split by launch: the share that launched, the spread of the NPVs of those
    that did (None if none did), and the lowest, median and highest NPV of those that did not (None if all did)."""

    launch_probability: float
    standard_error: float
    launched: int
    trials: int
    given_launch: Spread | None
    no_launch: tuple[float, float, float] | None

    @staticmethod
    def of(split: ByLaunch) -> LaunchOutcome:
        given = Spread.of(split.launched) if split.launched.size else None
        failed = split.not_launched
        no_launch = (float(failed.min()), float(np.median(failed)), float(failed.max())) if failed.size else None
        return LaunchOutcome(split.launch_probability, split.standard_error, int(split.launched.size),
                             int(split.launched.size + failed.size), given, no_launch)

    @property
    def split(self) -> bool:
        """Whether the trials hold both worlds, so that the histogram shows the launched ones only."""
        return self.given_launch is not None and self.no_launch is not None


def launch_sentence(side: str, outcome: LaunchOutcome) -> str:
    """What the trials say of one side's NPV given launch and given no launch, in words.

    >>> o = LaunchOutcome(0.25, 0.004, 2500, 10_000, Spread(9e5, 1, 1, 2e5, 8e5, 1.9e6, 0.0), (-5e3, -5e3, -5e3))
    >>> for sentence in launch_sentence("NHS", o).split(". "):
    ...     print(sentence)
    Chance of launch 25.0% (2,500 of 10,000 trials)
    If it launches, NHS NPV ranges from £200.0k (P10) to £1.90m (P90), median £800.0k
    In the other 75.0% of trials it does not launch, and NHS NPV is -£5,000.
    """
    label = f"{side} NPV"
    head = (f"{FIGURES['launch_probability'].label} {percent(outcome.launch_probability)} "
            f"({outcome.launched:,} of {outcome.trials:,} trials).")
    if outcome.given_launch is None:
        return f"{head} The product launches in none of the trials."
    g = outcome.given_launch
    given = (f"If it launches, {label} ranges from {money(g.p10)} (P10) to {money(g.p90)} (P90), median "
             f"{money(g.p50)}.")
    if outcome.no_launch is None:
        return f"{head} {given}"
    low, middle, high = outcome.no_launch
    at = (f"is {money(low)}" if money(low) == money(high) else
          f"is between {money(low)} and {money(high)} (median {money(middle)})")
    return (f"{head} {given} In the other {percent(1 - outcome.launch_probability)} of trials it does not launch, "
            f"and {label} {at}.")


@dataclass(frozen=True)
class RiskSummary:
    """What the page shows of a simulation: the spreads, and the binned and yearly data for the charts (small,
    whatever the trial count, so that caching it costs little)."""

    trials: int
    seed: int | None
    nhs: Spread
    partner: Spread
    nhs_loses_money: float
    expected_nhs: float
    expected_partner: float
    histograms: pd.DataFrame     # of the launched trials only, when some launch and some do not (see by_launch)
    fans: pd.DataFrame
    fan_trials: int
    by_launch: dict[str, LaunchOutcome]  # by side; empty when the deal has no route to market

    @property
    def launched_only(self) -> bool:
        """Whether the histograms hold only the trials in which the product launches."""
        return any(o.split for o in self.by_launch.values())


def summarise(simulation: Simulation, *, bins: int = 40) -> RiskSummary:
    """The spreads, the histograms (of the launched trials only when some launch and some do not: otherwise the
    failed trials make one spike that flattens the rest) and the fans."""
    s = simulation
    by_launch: dict[str, LaunchOutcome] = {}
    frames = []
    for side, key, values in ((charts.NHS, "nhs", s.nhs_npv), (charts.PARTNER, "partner", s.partner_npv)):
        split = s.by_launch(key)
        if split is not None:
            by_launch[side] = LaunchOutcome.of(split)
            if by_launch[side].split:
                values = split.launched
        frames.append(charts.histogram_frame(values, side, bins=bins))
    fans = pd.concat([charts.fan_frame(s.years, s.nhs_fan, charts.NHS),
                      charts.fan_frame(s.years, s.partner_fan, charts.PARTNER)], ignore_index=True)
    return RiskSummary(s.trials, s.seed, s.nhs, s.partner, s.probability_nhs_loses_money, s.expected_nhs_npv,
                       s.expected_partner_npv, pd.concat(frames, ignore_index=True), fans, s.fan_trials, by_launch)


class _NotStored(Exception):
    pass


@st.cache_data(max_entries=32, show_spinner=False)
def _stored(deal_json: str, trials: int, seed: int, _summary: RiskSummary | None) -> RiskSummary:
    # st.cache_data keeps what a call returns and nothing of a call that raises, so a call without a summary is a
    # pure look-up. The simulation itself runs outside the cached function: its progress bar must not be recorded
    # for replay (a replayed element whose container was made outside the function breaks the replay).
    if _summary is None:
        raise _NotStored
    return _summary


def simulation(valid: state.Valid, trials: int, seed: int) -> RiskSummary:
    """The summary of ``trials`` trials of the valid deal from ``seed``: cached by (deal, trials, seed); a run
    that is not cached and is large shows its progress."""
    try:
        return _stored(valid.json, trials, seed, None)
    except _NotStored:
        pass
    progress = None
    bar = st.empty()
    if trials >= BIG_RUN:
        shown_at = [-1]

        def progress(share: float) -> None:  # called by simulate() within this script run
            if int(share * 50) != shown_at[0]:
                shown_at[0] = int(share * 50)
                bar.progress(share, text=f"Running {trials:,} trials: {share:.0%}")
    summary = summarise(simulate(valid.deal, trials=trials, seed=seed, progress=progress))
    bar.empty()
    return _stored(valid.json, trials, seed, summary)


def spread_frame(summary: RiskSummary) -> pd.DataFrame:
    """Each side's spread of NPV over the trials, beside the deterministic (risk-adjusted) value, as numbers and
    text."""
    n, p = summary.nhs, summary.partner
    rows = [
        ("Mean of the trials", "£", n.mean, p.mean),
        ("Risk-adjusted NPV (the Valuation page)", "£", summary.expected_nhs, summary.expected_partner),
        ("P10: one trial in ten is below", "£", n.p10, p.p10),
        ("P50: the median trial", "£", n.p50, p.p50),
        ("P90: one trial in ten is above", "£", n.p90, p.p90),
        ("Standard deviation", "£", n.sd, p.sd),
        ("Standard error of the mean", "£", n.standard_error, p.standard_error),
        ("Chance the NPV is below £0", "share", summary.nhs_loses_money, p.probability_negative),
    ]
    frame = pd.DataFrame(rows, columns=["Figure", "Unit", "NHS", "Partner"])
    frame[["NHS", "Partner"]] = frame[["NHS", "Partner"]].astype(float)
    for side in ("NHS", "Partner"):
        frame[f"{side} "] = [percent(v) if u == "share" else money(v)
                             for u, v in zip(frame["Unit"], frame[side], strict=True)]
    return frame


def data_table(title: str, shown_frame: pd.DataFrame, export: pd.DataFrame, file_stem: str, key: str) -> None:
    """A chart's figures: the table in an expander (drawn only when it is open: a table is one of the slowest
    elements for the browser to draw), and the numbers as CSV for Excel."""
    box = opened(title, f"risk:figures:{key}")
    if not box.open:
        return
    with box:
        st.dataframe(shown_frame, hide_index=True, width="stretch")
        st.download_button("Download as CSV", charts.csv_later(export), file_name=f"{file_stem}.csv",
                           mime="text/csv", key=f"csv:{key}", icon=":material/download:")


def monte_carlo(valid: state.Valid) -> None:
    settings = st.columns([1, 1, 2], vertical_alignment="bottom")
    trials = keep("risk:trials", int(settings[0].number_input(
        "Trials", min_value=100, max_value=MAX_TRIALS, step=10_000, format="%d",
        key=remember("risk:trials", DEFAULT_TRIALS),
        help="How many possible futures to draw. More trials, steadier figures: the standard error falls with the "
             f"square root of the count. 1,000,000 trials take a few seconds. {LINK}")))
    seed = keep("risk:seed", int(settings[1].number_input(
        "Seed", min_value=0, max_value=2**32 - 1, step=1, format="%d", key=remember("risk:seed", DEFAULT_SEED),
        help=f"The starting point of the random draws: the same seed and trial count give the same figures. {LINK}")))
    summary = simulation(valid, trials, seed)
    settings[2].caption(f"{summary.trials:,} trials of “{md(valid.deal.name)}” from seed {summary.seed}. "
                        "Each trial "
                        "draws whether each stage succeeds, every uncertain input, the consent clause and any "
                        "equity exit.")
    cols = st.columns(4)
    cols[0].metric("NHS NPV, mean of trials", money(summary.nhs.mean), border=True,
                   help="The average over the trials of the NHS's NPV.")
    cols[0].caption(f"Risk-adjusted value: {money(summary.expected_nhs)} · P10 {money(summary.nhs.p10)}, "
                    f"P50 {money(summary.nhs.p50)}, P90 {money(summary.nhs.p90)}")
    cols[1].metric("Partner NPV, mean of trials", money(summary.partner.mean), border=True,
                   help="The average over the trials of the partner's NPV.")
    cols[1].caption(f"Risk-adjusted value: {money(summary.expected_partner)} · P10 {money(summary.partner.p10)}, "
                    f"P50 {money(summary.partner.p50)}, P90 {money(summary.partner.p90)}")
    cols[2].metric("NHS NPV below £0", percent(summary.nhs_loses_money), border=True,
                   help="The chance that the NHS's NPV is negative: the share of trials in which what the NHS "
                        "receives, discounted, is less than its costs of giving access, discounted. (Whether its "
                        "fees recover those costs is a different question: see cost recovery on the Valuation page.)")
    cols[3].metric("Partner NPV below £0", percent(summary.partner.probability_negative),
                   border=True, help="The chance that the partner's NPV is negative: the share of trials in which "
                                     "its NPV, after its payments to the NHS, is below £0.")
    spread = spread_frame(summary)
    st.markdown("**Spread of NPV**", help="The risk-adjusted NPV weights each payment by its chance and takes each "
                                          "uncertain input at its base case (by default its mean); the mean of the "
                                          "trials comes close to it unless the value is not linear in an uncertain "
                                          "input (a stage's length, a tiered royalty, tax on profit).")
    shown = spread[["Figure", "NHS ", "Partner "]].rename(columns={"NHS ": "NHS", "Partner ": "Partner"})
    st.markdown(text.table(shown, right=("NHS", "Partner")))
    st.caption(md(" ".join(agreement(valid.deal, summary.nhs, summary.partner, summary.expected_nhs,
                                             summary.expected_partner))))
    st.download_button("Download the spread as CSV", charts.csv_later(spread[["Figure", "Unit", "NHS", "Partner"]]),
                       file_name="npv-spread.csv", mime="text/csv", key="csv:spread", icon=":material/download:")

    of = "launched trials" if summary.launched_only else "trials"
    if summary.launched_only:
        st.markdown("**If the product launches: how the NPV is spread over those trials**",
                    help="Each bar is the share of the trials in which the product launches whose NPV falls in its "
                         "range; the dashed line is £0. The trials in which a stage fails are left out of the bars "
                         "(they would make one tall bar at their value) and stated above each chart instead.")
    else:
        st.markdown("**How the NPV is spread over the trials**",
                    help="Each bar is the share of trials whose NPV falls in its range; the dashed line is £0.")
    for column, side in zip(st.columns(2), (charts.NHS, charts.PARTNER), strict=True):
        if side in summary.by_launch:
            column.caption(md(launch_sentence(side, summary.by_launch[side])))
        column.vega_lite_chart(spec=charts.histogram_chart(summary.histograms, side, of=of), width="stretch")
    histogram_columns = [charts.SIDE, "NPV range", "Share", charts.TRIALS]
    data_table(f"Histogram figures ({of})", summary.histograms[histogram_columns],
               summary.histograms[[charts.SIDE, charts.FROM, charts.TO, charts.TRIALS, charts.SHARE]],
               "npv-histogram", "histogram")

    st.markdown("**Cash flow each year: the middle 80% of trials**",
                help=f"The band runs from P10 to P90 of each year's cash flow and the line is the median (P50), "
                     f"from the first {summary.fan_trials:,} trials. Money in £ at the price base year.")
    for column, side in zip(st.columns(2), (charts.NHS, charts.PARTNER), strict=True):
        column.vega_lite_chart(spec=charts.fan_chart(summary.fans, side), width="stretch")
    data_table("Fan chart figures", summary.fans[[charts.YEAR, charts.SIDE, "P10", "P50", "P90"]],
               summary.fans[[charts.YEAR, charts.SIDE, charts.P10, charts.P50, charts.P90]], "cash-flow-fan", "fan")

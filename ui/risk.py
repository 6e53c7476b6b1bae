"""The Risk page's parts: the editor of the deal's uncertain inputs, the Monte Carlo, the tornado and the two-way table.

The engine (``valueshare.engine.montecarlo``) and ``valueshare.sensitivity`` compute everything; this module only
draws it, and ``valueshare.format`` writes every figure.

The uncertain inputs are part of the draft (``draft["uncertainty"]``) and are edited like the rest of it: widgets
keyed by their field's path (``w:uncertainty[1].distribution.low``), written back on every run, with problems shown
next to their field. How the deal is looked at (trial count, seed, the tornado's side, the two-way table's inputs
and ranges) is not part of the deal: those choices are kept under ``VIEW`` in session state, which outlives the
widgets the same way the draft does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from ui import charts, state
from ui.fields import Spec, path_words, section_link, shown, specs, stored
from ui.form import Form
from ui.text import md
from valueshare import inputs, paths
from valueshare.engine.montecarlo import Simulation, Spread, simulate
from valueshare.errors import DealInvalid, ValueshareError
from valueshare.format import money, percent
from valueshare.inputs import Input
from valueshare.model import (
    Deal,
)
from valueshare.model.uncertainty import Fixed, Lognormal, Normal, Pert, Triangular, Uniform
from valueshare.sensitivity import (
    TornadoBar,
    TwoWay,
    base_data,
    default_pair,
    default_range,
    grid,
    tornado,
    two_way,
    two_way_inputs,
)

LINK = section_link(8, "the Monte Carlo")

VIEW = "view"
DEFAULT_TRIALS, MAX_TRIALS, DEFAULT_SEED = 10_000, 1_000_000, 1
BIG_RUN = 100_000  # from this many trials a run takes long enough (about 0.3 s per 100,000) to show its progress

# -- inputs: which ones, their names and their values in words ----------------------------------------------------

def input_spec(path: str) -> Input | None:
    """The catalogue's entry for an input: its unit, and whether it is a whole number."""
    return inputs.entry(path)


def write(path: str, value: Any) -> str:
    """An input's value for people, in its unit, as the catalogue of inputs writes it.

    >>> write("route_to_market.sales.peak_uptake", 0.25), write("terms[0].amount_gbp", 60000.0)
    ('25%', '£60,000')
    """
    return inputs.write(path, value)


def input_label(deals: Deal | list[Deal], path: str) -> str:
    """A people-facing name for an input from the catalogue, named within the first deal that has it (a stage or a
    term may exist in only one of the deals compared)."""
    return inputs.label_in(path, deals if isinstance(deals, list) else [deals])


def uncertain_inputs(draft: dict[str, Any]) -> list[str]:
    """The inputs of this draft that may be uncertain (the catalogue's ``uncertain_paths``)."""
    return inputs.uncertain_paths(draft)


# -- distributions -----------------------------------------------------------------------------------------------

KINDS = {"fixed": "Fixed value", "uniform": "Uniform", "triangular": "Triangular", "pert": "PERT",
         "normal": "Normal", "lognormal": "Lognormal"}
DISTRIBUTIONS = {"fixed": Fixed, "uniform": Uniform, "triangular": Triangular, "pert": Pert, "normal": Normal,
                 "lognormal": Lognormal}
PARAMETERS = {"fixed": ("value",), "uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
              "pert": ("low", "mode", "high"), "normal": ("mean", "sd", "low", "high"), "lognormal": ("mean", "sd")}
_ALL_PARAMETERS = ("value", "low", "mode", "high", "mean", "sd")
_NAMES = {"value": "Value", "low": "Lowest", "mode": "Most likely", "high": "Highest", "mean": "Mean",
          "sd": "Standard deviation"}
_CUT = {"low": "Cut off below", "high": "Cut off above"}


def new_uncertain(path: str, base: Any) -> dict[str, Any]:
    """A new uncertain input: a triangle from 80% to 120% of the deal's value (kept within the input's limits)."""
    base = float(base) if isinstance(base, (int, float)) and not isinstance(base, bool) else 0.0
    spec = input_spec(path)
    low, high = base * 0.8, base * 1.2
    if spec is not None and spec.unit == "fraction":
        high = min(high, 1.0)
    return {"input": path, "distribution": {"dist": "triangular", "low": round(low, 10), "mode": base,
                                            "high": round(high, 10)}}


def reshape(distribution: dict[str, Any], kind: str) -> dict[str, Any]:
    """The same judgement as another kind of distribution, so that switching kind keeps what can be kept: the
    centre (mode, mean or value), the range, and the spread (a quarter of the range when there is no sd).

    >>> reshape({"dist": "pert", "low": 1, "mode": 2, "high": 5}, "normal")
    {'dist': 'normal', 'mean': 2, 'sd': 1.0, 'low': 1, 'high': 5}
    >>> reshape({"dist": "normal", "mean": 3, "sd": 1}, "uniform")
    {'dist': 'uniform'}
    """
    d = distribution
    low, high = d.get("low"), d.get("high")
    numeric = all(isinstance(v, (int, float)) for v in (low, high))
    centre = next((d[k] for k in ("mode", "mean", "value") if d.get(k) is not None),
                  (low + high) / 2 if numeric else None)  # type: ignore[operator]
    sd = d.get("sd") if d.get("sd") is not None else ((high - low) / 4 if numeric else None)  # type: ignore[operator]
    values = {"value": centre, "low": low, "mode": centre, "high": high, "mean": centre, "sd": sd}
    out: dict[str, Any] = {"dist": kind}
    out.update({name: values[name] for name in PARAMETERS.get(kind, ()) if values[name] is not None})
    return out


# -- view choices ------------------------------------------------------------------------------------------------

def remember(key: str, default: Any, allowed: Any = None) -> str:
    """The key of a widget for a view choice, set to the choice made last time, or to ``default`` when there is
    none or it is no longer allowed (``allowed``: the options, or a test of a value)."""
    def fits(value: Any) -> bool:
        if allowed is None:
            return True
        return allowed(value) if callable(allowed) else value in allowed

    view = st.session_state.setdefault(VIEW, {})
    if key in st.session_state and not fits(st.session_state[key]):
        del st.session_state[key]  # e.g. a variant of the deal that was open before
    if key not in st.session_state:
        value = view.get(key, default)
        st.session_state[key] = value if fits(value) else default
    return key


def keep(key: str, value: Any) -> Any:
    st.session_state.setdefault(VIEW, {})[key] = value
    return value


def forget(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)
        st.session_state.setdefault(VIEW, {}).pop(key, None)


# -- the editor --------------------------------------------------------------------------------------------------

def _add(picker: str) -> None:
    draft = state.draft()
    path = st.session_state.get(picker)
    if draft is None or path is None:
        return
    try:
        base = state.resolve(draft, path)
    except (LookupError, TypeError):
        base = None
    draft.setdefault("uncertainty", []).append(new_uncertain(path, base))


def _remove(index: int) -> None:
    state.draft()["uncertainty"].pop(index)
    state.forget_widgets("uncertainty")  # the cards after it move up: their widgets re-read the draft


def uncertainty_editor(form: Form, draft: dict[str, Any], deal: Deal | None) -> None:
    """One card per uncertain input (which input, its distribution, its parameters), then a picker to add one."""
    items = draft.setdefault("uncertainty", [])
    allowed = uncertain_inputs(draft)
    name = (lambda p: input_label(deal, p)) if deal is not None else path_words
    for index, item in enumerate(items):
        if isinstance(item, dict):
            _card(form, draft, item, index, allowed, name)
    if not items and allowed:
        st.caption("No input is uncertain yet: the simulation draws only whether each stage succeeds.")
    free = [p for p in allowed if p not in {i.get("input") for i in items if isinstance(i, dict)}]
    if free:
        pick, add = st.columns([4, 1], vertical_alignment="bottom")
        pick.selectbox("Input to make uncertain", free, key="add:uncertainty", format_func=name,
                       help="A stage's duration, cost or chance of success, a sales input, or an equity exit value. "
                            + LINK)
        add.button("Add", key="do:add:uncertainty", on_click=_add, args=("add:uncertainty",), icon=":material/add:",
                   width="stretch")
    elif allowed:
        st.caption("Every input that can be uncertain already is.")
    else:
        st.caption("This deal has no route to market or equity term, so none of its inputs can be uncertain.")
    form.slot("uncertainty", item="Uncertain input")


def _card(form: Form, draft: dict[str, Any], item: dict[str, Any], index: int, allowed: list[str], name) -> None:
    path = f"uncertainty[{index}]"
    distribution = item.setdefault("distribution", {})
    if not isinstance(distribution, dict):
        distribution = item["distribution"] = {}
    with st.container(border=True):
        which, kind_col, remove = st.columns([5, 2, 1], vertical_alignment="bottom")
        before = (item.get("input"), distribution.get("dist"))
        with which:
            form.choose(item, "input", f"{path}.input", f"{index + 1}. Uncertain input", allowed,
                        f"Which input of the deal this distribution replaces in the simulation. {LINK}",
                        format_func=name)
        with kind_col:
            form.choose(distribution, "dist", f"{path}.distribution.dist", "Distribution", list(KINDS),
                        f"The shape of the uncertainty. {section_link(8, 'distributions')}",
                        format_func=lambda k: KINDS.get(k, str(k)))
        remove.button("Remove", key=f"do:remove:{path}", on_click=_remove, args=(index,), icon=":material/delete:",
                      width="stretch")
        form.slot(path)
        kind = distribution.get("dist")
        if (item.get("input"), kind) != before:
            # Another input may have another unit, another kind other parameters: the parameters re-read the draft.
            for parameter in _ALL_PARAMETERS:
                st.session_state.pop(f"{state.WIDGET}{path}.distribution.{parameter}", None)
            if kind != before[1] and kind in KINDS:
                item["distribution"] = distribution = reshape(distribution, kind)
        spec = input_spec(item.get("input") or "")
        columns = st.columns(4)
        parameters = PARAMETERS.get(kind, ())
        for column, parameter in zip(columns, parameters):
            with column:
                _parameter(distribution, kind, parameter, f"{path}.distribution.{parameter}", spec)
                form.slot(f"{path}.distribution.{parameter}")
        try:
            base = state.resolve(draft, item.get("input") or "")
        except (LookupError, TypeError, ValueError):
            base = None
        if base is not None:
            where = columns[-1] if len(parameters) < len(columns) else st.container()
            where.caption(f"In the deal (the base case): {md(write(item['input'], base))}")
        form.slot(f"{path}.distribution")


def _parameter(distribution: dict[str, Any], kind: str, name: str, path: str, input_spec_: Spec | None) -> None:
    model_spec = specs(DISTRIBUTIONS[kind])[name]
    unit = input_spec_.unit if input_spec_ is not None else None
    spec = replace(model_spec, unit=unit, whole=False)
    label = (_CUT[name] if kind == "normal" and name in _CUT else _NAMES[name]) + (
        input_spec_.unit_suffix if input_spec_ is not None else "")
    before = distribution.get(name)
    key = state.WIDGET + path
    if key not in st.session_state:
        value = shown(before, spec)
        st.session_state[key] = None if value is None else float(value)
    current = st.session_state[key]
    whole_pounds = unit in ("gbp", "count") and (current is None or float(current).is_integer())
    fmt = "%.0f" if whole_pounds else ("%.2f" if unit in ("gbp", "count") else "%g")
    value = st.number_input(label, key=key, value=None, help=model_spec.help or None, format=fmt,
                            step=_step(current), placeholder="empty" if model_spec.optional else "required")
    value = stored(value, spec, before)
    if value is None:
        distribution.pop(name, None)
    else:
        distribution[name] = value


def _step(value: Any) -> float:
    """A step for the +/- buttons of about a tenth of the value's size: 0.1 for 2.5, 100,000 for 6,000,000."""
    if not isinstance(value, (int, float)) or not value:
        return 1.0
    return float(10 ** (np.floor(np.log10(abs(value))) - 1))


# -- Monte Carlo -------------------------------------------------------------------------------------------------

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
    histograms: pd.DataFrame
    fans: pd.DataFrame
    fan_trials: int


def summarise(simulation: Simulation, *, bins: int = 40) -> RiskSummary:
    s = simulation
    histograms = pd.concat([charts.histogram_frame(s.nhs_npv, charts.NHS, bins=bins),
                            charts.histogram_frame(s.partner_npv, charts.PARTNER, bins=bins)], ignore_index=True)
    fans = pd.concat([charts.fan_frame(s.years, s.nhs_fan, charts.NHS),
                      charts.fan_frame(s.years, s.partner_fan, charts.PARTNER)], ignore_index=True)
    return RiskSummary(s.trials, s.seed, s.nhs, s.partner, s.probability_nhs_loses_money, s.expected_nhs_npv,
                       s.expected_partner_npv, histograms, fans, s.fan_trials)


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
        frame[f"{side} "] = [percent(v) if u == "share" else money(v) for u, v in zip(frame["Unit"], frame[side])]
    return frame


def data_table(title: str, shown_frame: pd.DataFrame, export: pd.DataFrame, file_stem: str, key: str) -> None:
    """A chart's figures: the table in an expander, and the numbers as CSV for Excel."""
    with st.expander(title):
        st.dataframe(shown_frame, hide_index=True, width="stretch")
        st.download_button("Download as CSV", charts.csv_bytes(export), file_name=f"{file_stem}.csv",
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
    cols[2].metric("NHS costs not recovered", percent(summary.nhs_loses_money), border=True,
                   help="The chance that the NHS does not recover its costs: the share of trials in which "
                        "everything the NHS receives does not cover its costs of giving access (its NPV is below £0).")
    cols[3].metric("Partner NPV below £0", percent(summary.partner.probability_negative),
                   border=True, help="The chance that the partner's NPV is negative: the share of trials in which "
                                     "its NPV, after its payments to the NHS, is below £0.")
    spread = spread_frame(summary)
    st.markdown("**Spread of NPV**", help="The risk-adjusted NPV weights each payment by its chance; the mean of the "
                                          "trials comes close to it unless the value is not linear in an uncertain "
                                          "input (a tiered royalty, sales cut off by the horizon).")
    st.dataframe(spread[["Figure", "NHS ", "Partner "]].rename(columns={"NHS ": "NHS", "Partner ": "Partner"}),
                 hide_index=True, width="stretch")
    st.download_button("Download the spread as CSV", charts.csv_bytes(spread[["Figure", "Unit", "NHS", "Partner"]]),
                       file_name="npv-spread.csv", mime="text/csv", key="csv:spread", icon=":material/download:")

    st.markdown("**How the NPV is spread over the trials**",
                help="Each bar is the share of trials whose NPV falls in its range; the dashed line is £0.")
    for column, side in zip(st.columns(2), (charts.NHS, charts.PARTNER)):
        column.vega_lite_chart(spec=charts.histogram_chart(summary.histograms, side), width="stretch")
    histogram_columns = [charts.SIDE, "NPV range", "Share", charts.TRIALS]
    data_table("Histogram figures", summary.histograms[histogram_columns],
               summary.histograms[[charts.SIDE, charts.FROM, charts.TO, charts.TRIALS, charts.SHARE]],
               "npv-histogram", "histogram")

    st.markdown("**Cash flow each year: the middle 80% of trials**",
                help=f"The band runs from P10 to P90 of each year's cash flow and the line is the median (P50), "
                     f"from the first {summary.fan_trials:,} trials. Money in £ at the price base year.")
    for column, side in zip(st.columns(2), (charts.NHS, charts.PARTNER)):
        column.vega_lite_chart(spec=charts.fan_chart(summary.fans, side), width="stretch")
    data_table("Fan chart figures", summary.fans[[charts.YEAR, charts.SIDE, "P10", "P50", "P90"]],
               summary.fans[[charts.YEAR, charts.SIDE, charts.P10, charts.P50, charts.P90]], "cash-flow-fan", "fan")


# -- tornado -----------------------------------------------------------------------------------------------------

@st.cache_data(max_entries=32, show_spinner=False)
def _tornado(deal_json: str, _deal: Deal) -> list[TornadoBar]:
    return tornado(_deal)


def tornado_table(bars: list[TornadoBar], side: str) -> pd.DataFrame:
    """Each driver, widest swing first for ``side``: its low and high values, where they come from, and each side's
    NPV at each, as numbers and text."""
    nhs = side == charts.NHS
    ordered = sorted(bars, key=lambda b: b.nhs_swing if nhs else b.partner_swing, reverse=True)
    rows = [{"Driver": b.driver.label, "Field path": b.driver.path, "Base": write(b.driver.path, b.driver.base),
             "Low": write(b.driver.path, b.driver.low), "High": write(b.driver.path, b.driver.high),
             "Source": b.driver.source, "NHS NPV at low": money(b.nhs_low), "NHS NPV at high": money(b.nhs_high),
             "Partner NPV at low": money(b.partner_low), "Partner NPV at high": money(b.partner_high),
             "Base value": b.driver.base, "Low value": b.driver.low, "High value": b.driver.high,
             "NHS NPV at low (£)": b.nhs_low, "NHS NPV at high (£)": b.nhs_high,
             "Partner NPV at low (£)": b.partner_low, "Partner NPV at high (£)": b.partner_high} for b in ordered]
    return pd.DataFrame(rows)


def tornado_section(valid: state.Valid) -> None:
    try:
        bars = _tornado(valid.json, valid.deal)
    except ValueshareError as error:
        st.error(f"The tornado cannot be drawn for this deal: {md(error)}", icon=":material/error:")
        return
    if not bars:
        st.info("This deal has no input to swing.")
        return
    bars = [replace(b, driver=replace(b.driver, label=input_label(valid.deal, b.driver.path))) for b in bars]
    side = keep("risk:tornado", st.segmented_control(
        "NPV of", [charts.NHS, charts.PARTNER], key=remember("risk:tornado", charts.NHS, [charts.NHS, charts.PARTNER]),
        help="Whose NPV the bars show. Each side has its own chart: the partner's swings are often a hundred times "
             f"the NHS's. {section_link(9, 'sensitivities and variants')}")) or charts.NHS
    base = valid.valuation.nhs_npv if side == charts.NHS else valid.valuation.partner_npv
    st.caption(f"Each input is set to its low and then its high value, everything else as in the deal, and the deal "
               f"is valued again. The line is the {side} NPV as the deal stands: {money(base)}.")
    st.vega_lite_chart(spec=charts.tornado_chart(charts.tornado_frame(bars, side, base, write), side),
                       width="stretch")
    table = tornado_table(bars, side)
    st.dataframe(table[["Driver", "Base", "Low", "High", "Source", "NHS NPV at low", "NHS NPV at high",
                        "Partner NPV at low", "Partner NPV at high"]], hide_index=True, width="stretch")
    st.download_button("Download the tornado as CSV", charts.csv_bytes(table[[
        "Driver", "Field path", "Source", "Base value", "Low value", "High value", "NHS NPV at low (£)",
        "NHS NPV at high (£)", "Partner NPV at low (£)", "Partner NPV at high (£)"]]), file_name="tornado.csv",
        mime="text/csv", key="csv:tornado", icon=":material/download:")


# -- two-way table -----------------------------------------------------------------------------------------------

@st.cache_data(max_entries=32, show_spinner=False)
def _two_way(deal_json: str, row: str, row_values: tuple, col: str, col_values: tuple, _deal: Deal) -> TwoWay:
    return two_way(_deal, row, list(row_values), col, list(col_values))


def _axis(which: str, title: str, options: list[str], default: str, deal: Deal, column: Any) -> tuple[str, list]:
    """An input picker with its range; the range starts around the input's value in the deal, and starts again
    when another input is picked or the input's value in the deal changes."""
    with column:
        link, lines = section_link(9, "sensitivities and variants"), {"row": "rows", "col": "columns"}[which]
        path = keep(f"risk:{which}", st.selectbox(title, options, key=remember(f"risk:{which}", default, options),
                                                  format_func=lambda p: input_label(deal, p),
                                                  help=f"The input whose values make the table's {lines}. {link}"))
        base = float(paths.get(base_data(deal), path))
        spec = input_spec(path) or Spec(name="", label="", help="", kind="number")
        keys = (f"risk:{which}:from", f"risk:{which}:to")
        if st.session_state[VIEW].get(f"risk:{which}:for") != (path, base):
            forget(*keys)
            keep(f"risk:{which}:for", (path, base))
        low, high = default_range(path, base)
        unit = {"fraction": " (%)", "gbp": " (£)", "years": " (years)"}.get(spec.unit or "", "")
        left, right, count = st.columns([2, 2, 1])
        fmt = "%g" if spec.unit != "gbp" else "%.0f"
        step = _step(shown(base, spec))
        start = keep(keys[0], left.number_input(f"From{unit}", key=remember(keys[0], float(shown(low, spec))),
                                                format=fmt, step=step, help=f"The {lines}' first value. {link}"))
        end = keep(keys[1], right.number_input(f"To{unit}", key=remember(keys[1], float(shown(high, spec))),
                                               format=fmt, step=step, help=f"The {lines}' last value. {link}"))
        steps = keep(f"risk:{which}:steps", count.number_input(
            "Values", min_value=2, max_value=12, step=1, key=remember(f"risk:{which}:steps", 7),
            help=f"How many values from first to last, evenly spaced (2 to 12). {link}"))
        st.caption(f"In the deal: {md(write(path, base))}")
    return path, grid(path, stored(start, spec), stored(end, spec), int(steps))


def _format(path: str) -> str:
    spec = input_spec(path)
    return {"fraction": ".2~%", "gbp": charts.MONEY}.get(spec.unit if spec else "", "~g")


def two_way_section(valid: state.Valid) -> None:
    deal = valid.deal
    options = two_way_inputs(deal)
    if len(options) < 2:
        st.info("This deal has fewer than two numeric inputs to vary.")
        return
    row_default, col_default = default_pair(options)
    left, right = st.columns(2, gap="large")
    row, row_values = _axis("row", "Rows: input", options, row_default, deal, left)
    col, col_values = _axis("col", "Columns: input", options, col_default, deal, right)
    if row == col:
        st.warning("Choose two different inputs.", icon=":material/warning:")
        return
    try:
        table = _two_way(valid.json, row, tuple(row_values), col, tuple(col_values), deal)
    except DealInvalid as error:
        lines = "\n".join(f"- {md(p.line())}" for p in error.problems[:5])
        st.error(f"Some values in these ranges make a deal the model refuses; narrow the ranges.\n\n{lines}",
                 icon=":material/error:")
        return
    row_name, col_name = input_label(deal, row), input_label(deal, col)
    frame = charts.two_way_frame(table, write)
    breaks = charts.break_even_frame(table.break_even(), row, col, write)
    st.markdown("**NHS NPV for each pair of values**")
    st.vega_lite_chart(spec=charts.two_way_chart(frame, breaks, row_title=row_name, col_title=col_name,
                                                 row_format=_format(row), col_format=_format(col)), width="stretch")
    st.caption(_break_even_note(table, breaks))
    spec_r, spec_c = input_spec(row), input_spec(col)
    export = pd.DataFrame({
        f"{row_name}{' (%)' if spec_r and spec_r.unit == 'fraction' else ''}":
            [shown(v, spec_r) if spec_r else v for v in frame["Row"]],
        f"{col_name}{' (%)' if spec_c and spec_c.unit == 'fraction' else ''}":
            [shown(v, spec_c) if spec_c else v for v in frame["Column"]],
        "NHS NPV (£)": frame["NHS NPV (£)"], "Partner NPV (£)": frame["Partner NPV (£)"]})
    with st.expander("Two-way table figures"):
        st.caption(f"Rows: {md(row_name)}. Columns: {md(col_name)}.")
        for side in (charts.NHS, charts.PARTNER):
            st.markdown(f"**{side} NPV**")
            st.dataframe(charts.two_way_grid(table, side, write), hide_index=True, width="stretch")
        if len(breaks):
            st.markdown("**Where the partner breaks even**")
            st.dataframe(breaks[["Row value", "Break-even column value"]].rename(columns={
                "Row value": row_name, "Break-even column value": col_name}), hide_index=True, width="stretch")
        st.download_button("Download as CSV", charts.csv_bytes(export), file_name="two-way-table.csv",
                           mime="text/csv", key="csv:two-way", icon=":material/download:")


def _break_even_note(table: TwoWay, breaks: pd.DataFrame) -> str:
    if len(breaks):
        return ("Dashed line: where the partner breaks even (its NPV is £0, between grid values by linear "
                "interpolation). Cells outlined in red: the partner's NPV is negative.")
    if (table.partner_npv >= 0).all():
        return "The partner's NPV is positive in every cell: it does not break even anywhere in these ranges."
    return "The partner's NPV is negative in every cell (outlined in red): it breaks even nowhere in these ranges."

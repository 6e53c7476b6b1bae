"""The Risk page's sensitivities: a tornado of one input at a time, and a two-way table of any two inputs with the
line where the partner breaks even.

``valueshare.sensitivity`` computes both; this module only draws them (``ui.charts``), and the catalogue of inputs
(``valueshare.inputs``) names and writes every input. The tornado's side and the two-way table's inputs and ranges
are view choices (``ui.view``), not part of the deal.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, state
from ui.fields import Spec, section_link, shown, stored
from ui.text import md
from ui.uncertainty import step
from ui.view import VIEW, forget, keep, opened, remember
from valueshare import inputs, paths
from valueshare.errors import DealInvalid, ValueshareError
from valueshare.format import money
from valueshare.inputs import write
from valueshare.model import Deal
from valueshare.sensitivity import (
    TornadoBar,
    TwoWay,
    base_data,
    default_pair,
    default_range,
    floor_of,
    grid,
    tornado,
    two_way,
    two_way_inputs,
)

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
    st.download_button("Download the tornado as CSV", charts.csv_later(table[[
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
                                                  format_func=lambda p: inputs.label_in(p, [deal]),
                                                  help=f"The input whose values make the table's {lines}. {link}"))
        base = float(paths.get(base_data(deal), path))
        spec = inputs.entry(path) or Spec(name="", label="", help="", kind="number")
        keys = (f"risk:{which}:from", f"risk:{which}:to")
        if st.session_state[VIEW].get(f"risk:{which}:for") != (path, base):
            forget(*keys)
            keep(f"risk:{which}:for", (path, base))
        low, high = default_range(path, base, floor_of(base_data(deal), path))
        unit = {"fraction": " (%)", "gbp": " (£)", "years": " (years)"}.get(spec.unit or "", "")
        left, right, count = st.columns([2, 2, 1])
        fmt = "%g" if spec.unit != "gbp" else "%.0f"
        increment = step(shown(base, spec))
        start = keep(keys[0], left.number_input(f"From{unit}", key=remember(keys[0], float(shown(low, spec))),
                                                format=fmt, step=increment, help=f"The {lines}' first value. {link}"))
        end = keep(keys[1], right.number_input(f"To{unit}", key=remember(keys[1], float(shown(high, spec))),
                                               format=fmt, step=increment, help=f"The {lines}' last value. {link}"))
        steps = keep(f"risk:{which}:steps", count.number_input(
            "Values", min_value=2, max_value=12, step=1, key=remember(f"risk:{which}:steps", 7),
            help=f"How many values from first to last, evenly spaced (2 to 12). {link}"))
        st.caption(f"In the deal: {md(write(path, base))}")
    return path, grid(path, stored(start, spec), stored(end, spec), int(steps))


def _format(path: str) -> str:
    spec = inputs.entry(path)
    return {"fraction": charts.PERCENT, "gbp": charts.MONEY}.get(spec.unit if spec else "", "~g")


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
    row_name, col_name = table.row_label, table.col_label  # named by the core, with the catalogue of inputs
    frame = charts.two_way_frame(table, write)
    breaks = charts.break_even_frame(table.break_even(), row, col, write)
    st.markdown("**NHS NPV for each pair of values**")
    st.vega_lite_chart(spec=charts.two_way_chart(frame, breaks, row_title=row_name, col_title=col_name,
                                                 row_format=_format(row), col_format=_format(col)), width="stretch")
    st.caption(_break_even_note(table, breaks))
    spec_r, spec_c = inputs.entry(row), inputs.entry(col)
    export = pd.DataFrame({
        f"{row_name}{' (%)' if spec_r and spec_r.unit == 'fraction' else ''}":
            [shown(v, spec_r) if spec_r else v for v in frame["Row"]],
        f"{col_name}{' (%)' if spec_c and spec_c.unit == 'fraction' else ''}":
            [shown(v, spec_c) if spec_c else v for v in frame["Column"]],
        "NHS NPV (£)": frame["NHS NPV (£)"], "Partner NPV (£)": frame["Partner NPV (£)"]})
    box = opened("Two-way table figures", "risk:figures:two-way")  # drawn only when open, as ui.montecarlo's
    if not box.open:
        return
    with box:
        st.caption(f"Rows: {md(row_name)}. Columns: {md(col_name)}.")
        for side in (charts.NHS, charts.PARTNER):
            st.markdown(f"**{side} NPV**")
            st.dataframe(charts.two_way_grid(table, side, write), hide_index=True, width="stretch")
        if len(breaks):
            st.markdown("**Where the partner breaks even**")
            st.dataframe(breaks[["Row value", "Break-even column value"]].rename(columns={
                "Row value": row_name, "Break-even column value": col_name}), hide_index=True, width="stretch")
        st.download_button("Download as CSV", charts.csv_later(export), file_name="two-way-table.csv",
                           mime="text/csv", key="csv:two-way", icon=":material/download:")


def _break_even_note(table: TwoWay, breaks: pd.DataFrame) -> str:
    """The caption under the two-way chart; the outline's colour is named from the colour the chart draws it in."""
    outline = charts.COLOUR_NAMES[charts.NEGATIVE]
    if len(breaks):
        return ("Dashed line: where the partner breaks even (its NPV is £0, between grid values by linear "
                f"interpolation). Cells outlined in {outline}: the partner's NPV is negative.")
    if (table.partner_npv >= 0).all():
        return "The partner's NPV is positive in every cell: it does not break even anywhere in these ranges."
    return (f"The partner's NPV is negative in every cell (outlined in {outline}): it breaks even nowhere in these "
            "ranges.")

"""Charts of a valuation. The data is built by plain functions (tested); each chart is a Vega-Lite spec.

The specs are plain dicts drawn with ``st.vega_lite_chart``: building the same charts with Altair validated every
encoding and the whole spec against Vega-Lite's JSON Schema on every rerun, which was most of the Risk page's time
(measured in bench/: docs/performance.md). Each spec names its data (``{"data": {"name": ...}}``) and carries the
DataFrames under ``datasets``, which Streamlit sends to the browser as Arrow.

Colours are the Okabe-Ito colour-blind-safe pair, the same for each side everywhere in the app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from valueshare.engine.valuation import Valuation
from valueshare.format import money, money_range, percent

NHS = "NHS"
PARTNER = "Partner"
COLOURS = {NHS: "#0072B2", PARTNER: "#E69F00"}
YEAR, SIDE, AMOUNT, TEXT = "Year", "Side", "Cash flow (£)", "Cash flow"
Spec = dict[str, Any]

# Axis and legend labels for money, written as valueshare.format.money writes figures: £, then k, m or bn
# (-£500k, £1.5m, £2bn). Vega's own SI format would write 1.5M and 2G, which is not how money reads.
_SIZED = ("abs(datum.value) >= 1e9 ? format(abs(datum.value) / 1e9, '.3~g') + 'bn' : "
          "abs(datum.value) >= 1e6 ? format(abs(datum.value) / 1e6, '.3~g') + 'm' : "
          "abs(datum.value) >= 1e3 ? format(abs(datum.value) / 1e3, '.3~g') + 'k' : format(abs(datum.value), '.3~g')")
MONEY = "£"  # an axis's format meaning "money, as money() writes it", where a d3 format would stand


def money_labels(**options: Any) -> dict[str, Any]:
    """An axis or legend whose labels read as money (a new dict each time: specs are never shared)."""
    return {"labelExpr": f"(datum.value < 0 ? '-' : '') + '£' + ({_SIZED})", **options}


def _labels(fmt: str) -> dict[str, Any]:
    return money_labels() if fmt == MONEY else {"format": fmt}


def _field(name: str, kind: str, **options: Any) -> dict[str, Any]:
    """An encoding channel: ``kind`` is Vega-Lite's type (quantitative, ordinal, nominal)."""
    return {"field": name, "type": kind, **options}


def _chart(layers: list[Spec], datasets: dict[str, pd.DataFrame], height: int) -> Spec:
    """A layered spec over named datasets. ``datasets`` hold DataFrames: Streamlit turns them into Arrow.

    A rule (a reference line: £0, the base case, a position) is left out of what a screen reader walks through: it
    has no name of its own (axe-core's svg-img-alt) and the chart's text alternative already says where it is.
    """
    for layer in layers:
        mark = layer.get("mark")
        if isinstance(mark, dict) and mark.get("type") == "rule":
            mark.setdefault("aria", False)
    return {"height": height, "layer": layers, "datasets": datasets}


def described(spec: Spec, text: str) -> Spec:
    """``spec`` with ``text`` as its text alternative: what the chart shows, its figures in words. Vega gives it to
    the chart's container as its accessible name (``aria-label``), so a screen reader reads it for the picture."""
    spec["description"] = text
    return spec


def text_alternative(spec: Spec) -> str:
    """The text alternative a chart was built with (see ``described``), or "" for a chart built without one."""
    return str(spec.get("description", ""))


def _listed(items: list[str]) -> str:
    return "; ".join(items)


def cash_flow_frame(valuation: Valuation) -> pd.DataFrame:
    """One row per year and side: the expected cash flow to that side in that year, as a number and as text.

    Years run from 0 (signature) to the horizon; money *to* a side is positive, as in the engine.
    """
    rows = []
    for side, flows in ((NHS, valuation.nhs_cash_flow), (PARTNER, valuation.partner_cash_flow)):
        for year, amount in zip(valuation.years, flows, strict=False):
            rows.append({YEAR: int(year), SIDE: side, AMOUNT: float(amount), TEXT: money(float(amount))})
    return pd.DataFrame(rows, columns=[YEAR, SIDE, AMOUNT, TEXT])


def cash_flow_chart(frame: pd.DataFrame, side: str, *, height: int = 220) -> Spec:
    """Yearly bars of one side's cash flow. Each side has its own chart and scale: the partner's flows are often
    a hundred times the NHS's, which would flatten the NHS bars on a shared scale.
    """
    bars = {"data": {"name": "flows"}, "mark": {"type": "bar", "color": COLOURS[side]}, "encoding": {
        "x": _field(YEAR, "ordinal", title="Year after signature", axis={"labelAngle": 0}),
        "y": _field(AMOUNT, "quantitative", title=f"{side}, £ a year",
                    axis=money_labels(titleColor=COLOURS[side], titleFontWeight="bold", minExtent=40)),
        "tooltip": [_field(SIDE, "nominal"), _field(YEAR, "ordinal"), _field(TEXT, "nominal")]}}
    data = frame[frame[SIDE] == side]
    return described(_chart([bars], {"flows": data}, height), f"{side}'s expected cash flow each year after "
                     "signature: " + _listed([f"year {y}: {t}" for y, t in zip(data[YEAR], data[TEXT], strict=False)])
                     + ".")


def present_value_frame(valuation: Valuation, side: str) -> pd.DataFrame:
    """Present value of each line for one side, then the total (that side's NPV), as text for a table."""
    lines = valuation.nhs_lines if side == NHS else valuation.partner_lines
    total = valuation.nhs_npv if side == NHS else valuation.partner_npv
    rows = [{"Line": line.label, "Present value": money(line.present_value)} for line in lines]
    rows.append({"Line": f"{side} NPV", "Present value": money(total)})
    return pd.DataFrame(rows, columns=["Line", "Present value"])


# -- risk: spread of NPV, yearly fan, tornado, two-way table ------------------------------------------------------
#
# Each builder returns numbers (columns ending "(£)", for the chart and the CSV) and the same figures as text (for
# the table on screen). Only binned or summarised data reaches the browser, however many trials were run.

FROM, TO, TRIALS, SHARE = "From (£)", "To (£)", "Trials", "Share of trials"
P10, P50, P90 = "P10 (£)", "P50 (£)", "P90 (£)"
LOW, HIGH = "Low", "High"
NEGATIVE = "#D55E00"  # Okabe-Ito vermillion: the partner loses money
#: How the app's words name a chart colour, so that a caption says the colour the chart draws ("outlined in ...").
COLOUR_NAMES = {NEGATIVE: "orange-red"}
PERCENT = "%"  # an axis's format meaning "a share, in percent at round ticks", where a d3 format would stand


def percent_axis(**options: Any) -> dict[str, Any]:
    """An axis of shares in whole percents, its ticks at least 1% apart (0.5% steps would read 1%, 1%, 2%)."""
    return {"format": ".0%", "tickMinStep": 0.01, **options}


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """About ``count`` round tick values within [low, high]: a step of 1, 2 or 5 times a power of ten.

    >>> nice_ticks(0.0833, 0.2917)
    [0.1, 0.15, 0.2, 0.25]
    >>> nice_ticks(-25_000, 2_750_000)
    [0.0, 500000.0, 1000000.0, 1500000.0, 2000000.0, 2500000.0]
    >>> nice_ticks(3.0, 3.0)
    [3.0]
    """
    if not high > low:
        return [float(low)]
    raw = (high - low) / count
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = np.ceil(low / step - 1e-9) * step
    ticks = np.arange(first, high + step * 1e-9, step)
    return [float(round(t, 12)) + 0.0 for t in ticks]


def percent_format(ticks: list[float]) -> str:
    """The d3 format that writes these shares with as few decimals as their step needs.

    >>> percent_format([0.1, 0.15, 0.2]), percent_format([0.01, 0.015]), percent_format([0.2])
    ('.0%', '.1%', '.0%')
    """
    step = min((b - a for a, b in zip(ticks, ticks[1:], strict=False)), default=0.01)
    return f".{max(0, int(np.ceil(-np.log10(step * 100) - 1e-9)))}%"


def histogram_frame(values: np.ndarray, side: str, *, bins: int = 40) -> pd.DataFrame:
    """The trials' NPVs for one side in ``bins`` equal bins: edges, count and share of trials, and their text.

    >>> histogram_frame(np.array([0.0, 1.0, 2.0, 3.0]), "NHS", bins=2)[[FROM, TO, TRIALS, SHARE]].values.tolist()
    [[0.0, 1.5, 2.0, 0.5], [1.5, 3.0, 2.0, 0.5]]
    """
    values = np.asarray(values, dtype=float)
    counts, edges = np.histogram(values, bins=bins)
    shares = counts / max(values.size, 1)
    return pd.DataFrame({
        SIDE: side, FROM: edges[:-1], TO: edges[1:], TRIALS: counts.astype(int), SHARE: shares,
        "NPV range": [f"{money(a)} to {money(b)}" for a, b in zip(edges[:-1], edges[1:], strict=False)],
        "Share": [percent(s) for s in shares],
    })


def histogram_chart(frame: pd.DataFrame, side: str, *, height: int = 220, of: str = "trials") -> Spec:
    """Bars of the share of trials in each NPV bin, with a rule at £0 when the trials straddle it; ``of`` names
    the trials the shares are of ("launched trials" when the frame holds only those)."""
    data = frame[frame[SIDE] == side]
    bars = {"data": {"name": "bins"},
            "mark": {"type": "bar", "color": COLOURS[side], "stroke": "white", "strokeWidth": 0.3}, "encoding": {
                "x": _field(FROM, "quantitative", title=f"{side} NPV (£)", scale={"zero": False},
                            axis=money_labels()),
                "x2": {"field": TO},
                "y": _field(SHARE, "quantitative", title=f"Share of {of}", axis=percent_axis(minExtent=40)),
                "y2": {"datum": 0},
                "tooltip": [_field("NPV range", "nominal"), _field("Share", "nominal"),
                            _field(TRIALS, "quantitative", format=",")]}}
    crosses_zero = bool(len(data)) and data[FROM].min() < 0 < data[TO].max()
    zero = {"data": {"name": "zero"}, "mark": {"type": "rule", "color": "#444444", "strokeDash": [4, 3]},
            "encoding": {"x": _field("x", "quantitative")}}
    spec = _chart([bars, zero], {"bins": data, "zero": pd.DataFrame({"x": [0.0] if crosses_zero else []},
                                                                    dtype=float)}, height)
    filled = data[data[TRIALS] > 0]
    if not len(filled):
        return described(spec, f"Share of {of} by {side} NPV: no trials.")
    top = filled.loc[filled[SHARE].idxmax()]
    return described(spec, f"Share of {of} by {side} NPV, in {len(data)} equal ranges from "
                           f"{money_range(float(data[FROM].min()), float(data[TO].max()))}; the most common "
                           f"range is {top['NPV range']}, with {top['Share']} of {of}"
                           + ("; a dashed line marks £0." if crosses_zero else "."))


def fan_frame(years: np.ndarray, fan: np.ndarray, side: str) -> pd.DataFrame:
    """One row per year: P10, P50 and P90 of one side's cash flow that year (``fan`` is 3 × years), and as text.

    >>> frame = fan_frame(np.array([0, 1]), np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), "NHS")
    >>> frame[[YEAR, P10, P90]].values.tolist()
    [[0.0, 1.0, 5.0], [1.0, 2.0, 6.0]]
    """
    fan = np.asarray(fan, dtype=float)
    frame = pd.DataFrame({YEAR: np.asarray(years, dtype=int), SIDE: side, P10: fan[0], P50: fan[1], P90: fan[2]})
    for column in (P10, P50, P90):
        frame[column.removesuffix(" (£)")] = [money(v) for v in frame[column]]
    return frame


def fan_chart(frame: pd.DataFrame, side: str, *, height: int = 220) -> Spec:
    """The P10-P90 band of one side's yearly cash flow, with its P50 as a line."""
    data = frame[frame[SIDE] == side]
    x = _field(YEAR, "quantitative", title="Year after signature", axis={"format": "d", "tickMinStep": 1})
    tooltip = [_field(YEAR, "quantitative"), _field("P10", "nominal"), _field("P50", "nominal"),
               _field("P90", "nominal")]
    band = {"data": {"name": "fan"}, "mark": {"type": "area", "color": COLOURS[side], "opacity": 0.25},
            "encoding": {"x": x, "y": _field(P10, "quantitative", title=f"{side}, £ a year",
                                             axis=money_labels(minExtent=40)),
                         "y2": {"field": P90}, "tooltip": tooltip}}
    line = {"data": {"name": "fan"},
            "mark": {"type": "line", "color": COLOURS[side], "point": {"color": COLOURS[side], "size": 20}},
            "encoding": {"x": x, "y": _field(P50, "quantitative"), "tooltip": tooltip}}
    return described(_chart([band, line], {"fan": data}, height), f"{side}'s cash flow each year after signature, "
                     "the middle 80% of trials (P10 to P90) and the median (P50): " + _listed(
                         [f"year {y}: {lo} to {hi}, median {mid}" for y, lo, mid, hi in
                          zip(data[YEAR], data["P10"], data["P50"], data["P90"], strict=False)]) + ".")


def tornado_frame(bars: list, side: str, base: float,
                  write: Callable[[str, float], str] = lambda path, value: f"{value:g}") -> pd.DataFrame:
    """Two rows per driver (its low and its high value): the bar from the base NPV to the NPV at that value.

    ``bars`` are ``sensitivity.TornadoBar``; rows come widest swing first, for this side. ``write`` writes an
    input's value (by its path) for people.
    """
    nhs = side == NHS
    ordered = sorted(bars, key=lambda b: b.nhs_swing if nhs else b.partner_swing, reverse=True)
    rows = []
    for rank, bar in enumerate(ordered):
        d = bar.driver
        for at, value, npv_at in ((LOW, d.low, bar.nhs_low if nhs else bar.partner_low),
                                  (HIGH, d.high, bar.nhs_high if nhs else bar.partner_high)):
            rows.append({"Rank": rank, "Driver": d.label, "Input at": at, "Input value": write(d.path, value),
                         FROM: float(base), TO: float(npv_at), "NPV": money(npv_at),
                         "Swing (£)": float(bar.nhs_swing if nhs else bar.partner_swing)})
    return pd.DataFrame(rows, columns=["Rank", "Driver", "Input at", "Input value", FROM, TO, "NPV", "Swing (£)"])


def tornado_chart(frame: pd.DataFrame, side: str) -> Spec:
    """Horizontal bars from the base NPV to the NPV at each driver's low (pale) and high (solid) value."""
    order = list(dict.fromkeys(frame.sort_values("Rank")["Driver"]))
    bars = {"data": {"name": "bars"}, "mark": {"type": "bar", "color": COLOURS[side], "height": {"band": 0.7}},
            "encoding": {
                "y": _field("Driver", "nominal", sort=order, title=None, axis={"labelLimit": 320}),
                "x": _field(FROM, "quantitative", title=f"{side} NPV (£)", scale={"zero": False},
                            axis=money_labels()),
                "x2": {"field": TO},
                "opacity": _field("Input at", "nominal", scale={"domain": [LOW, HIGH], "range": [0.4, 1.0]},
                                  legend={"title": "Input at its", "orient": "bottom"}),
                "tooltip": [_field("Driver", "nominal"), _field("Input at", "nominal"),
                            _field("Input value", "nominal"), _field("NPV", "nominal")]}}
    base = {"data": {"name": "base"}, "mark": {"type": "rule", "color": "#444444"},
            "encoding": {"x": _field(FROM, "quantitative")}}
    # The chart is fitted to its container, so the height includes the axis and the legend below the bars.
    spec = _chart([bars, base], {"bars": frame, "base": frame.head(1)}, 120 + 28 * len(order))
    swings = []
    for driver in order:
        rows = frame[frame["Driver"] == driver].set_index("Input at")
        swings.append(f"{driver}: {rows.loc[LOW, 'NPV']} at its low value ({rows.loc[LOW, 'Input value']}), "
                      f"{rows.loc[HIGH, 'NPV']} at its high value ({rows.loc[HIGH, 'Input value']})")
    base_text = money(float(frame[FROM].iloc[0])) if len(frame) else "n/a"
    return described(spec, f"{side} NPV as each input moves from its low to its high value, widest swing first, "
                           f"against {base_text} as the deal stands: " + _listed(swings) + ".")


def two_way_frame(table: Any, write: Callable[[str, float], str] = lambda path, value: f"{value:g}"
                  ) -> pd.DataFrame:
    """One row per cell of a ``sensitivity.TwoWay``: both inputs' values, the cell's edges (halfway to its
    neighbours, for the heatmap) and both sides' NPVs, as numbers and text.

    >>> from types import SimpleNamespace as T
    >>> t = T(row_path="r", row_values=np.array([1.0, 3.0]), col_path="c", col_values=np.array([10.0]),
    ...       nhs_npv=np.array([[5.0], [7.0]]), partner_npv=np.array([[-1.0], [2.0]]))
    >>> two_way_frame(t)[["Row", "Column", "Row from", "Row to", "NHS NPV (£)", "Partner negative"]].values.tolist()
    [[1.0, 10.0, 0.0, 2.0, 5.0, True], [3.0, 10.0, 2.0, 4.0, 7.0, False]]
    """
    row_edges, col_edges = _edges(table.row_values), _edges(table.col_values)
    rows = []
    for r, row_value in enumerate(table.row_values):
        for c, col_value in enumerate(table.col_values):
            nhs, partner = float(table.nhs_npv[r, c]), float(table.partner_npv[r, c])
            rows.append({"Row": float(row_value), "Column": float(col_value),
                         "Row from": row_edges[r], "Row to": row_edges[r + 1],
                         "Column from": col_edges[c], "Column to": col_edges[c + 1],
                         "Row value": write(table.row_path, row_value),
                         "Column value": write(table.col_path, col_value),
                         "NHS NPV (£)": nhs, "Partner NPV (£)": partner, "NHS NPV": money(nhs),
                         "Partner NPV": money(partner), "Partner negative": partner < 0})
    return pd.DataFrame(rows)


def _edges(values: np.ndarray) -> list[float]:
    """Cell edges halfway between neighbouring grid values; a lone value gets a cell of ±10% (or ±0.5)."""
    v = np.asarray(values, dtype=float)
    if v.size == 1:
        half = abs(v[0]) * 0.1 or 0.5
        return [float(v[0] - half), float(v[0] + half)]
    middles = (v[:-1] + v[1:]) / 2
    return [float(2 * v[0] - middles[0]), *map(float, middles), float(2 * v[-1] - middles[-1])]


def two_way_grid(table: Any, side: str, write: Callable[[str, float], str] = lambda path, value: f"{value:g}"
                 ) -> pd.DataFrame:
    """One side's NPV as text in a grid, as it would be typed into a spreadsheet: a row per value of the row
    input, a column per value of the column input."""
    npv = table.nhs_npv if side == NHS else table.partner_npv
    columns = unique([write(table.col_path, v) for v in table.col_values])
    frame = pd.DataFrame([[money(float(x)) for x in row] for row in npv], columns=columns)
    frame.insert(0, "", [write(table.row_path, v) for v in table.row_values])
    return frame


def unique(names: list[str]) -> list[str]:
    """Column names, each once: a second 'Base' becomes 'Base (2)'.

    >>> unique(["Base", "Upside", "Base"])
    ['Base', 'Upside', 'Base (2)']
    """
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def break_even_frame(points: list[tuple[float, float]], row_path: str, col_path: str,
                     write: Callable[[str, float], str] = lambda path, value: f"{value:g}") -> pd.DataFrame:
    """The partner's break-even points (row value, column value at which its NPV is zero), as numbers and text."""
    return pd.DataFrame({"Row": [float(r) for r, _ in points], "Column": [float(c) for _, c in points],
                         "Row value": [write(row_path, r) for r, _ in points],
                         "Break-even column value": [write(col_path, c) for _, c in points]},
                        columns=["Row", "Column", "Row value", "Break-even column value"])


def _round_axis(low: float, high: float, fmt: str) -> dict[str, Any]:
    """An axis over [low, high] with round ticks (the cells' own values may be 16.67%, 20.83%: their tooltips and
    the table give them exactly); PERCENT writes the ticks with as few decimals as their step needs."""
    ticks = nice_ticks(float(low), float(high))
    labels = {"format": percent_format(ticks)} if fmt == PERCENT or fmt.endswith("%") else _labels(fmt)
    return {"values": ticks, **labels, "labelOverlap": True}


def two_way_chart(frame: pd.DataFrame, breaks: pd.DataFrame, *, row_title: str, col_title: str,
                  row_format: str = "~g", col_format: str = "~g") -> Spec:
    """NHS NPV as a heatmap over the two inputs, each cell labelled; cells where the partner's NPV is negative
    outlined in vermillion, and the partner's break-even drawn as a dashed line through the interpolated points.
    ``row_format`` and ``col_format`` are a d3 format for each input's axis, MONEY for an input in pounds or PERCENT
    for a share; each axis has round ticks."""
    low, high = float(frame["NHS NPV (£)"].min()), float(frame["NHS NPV (£)"].max())
    scale = {"scheme": "redblue", "domainMid": 0} if low < 0 < high else {"scheme": "blues"}
    frame = frame.assign(Dark=frame["NHS NPV (£)"] > low + 0.6 * (high - low) if high > low else False)
    x = _field("Column from", "quantitative", title=col_title, scale={"zero": False, "nice": False},
               axis=_round_axis(frame["Column from"].min(), frame["Column to"].max(), col_format))
    y = _field("Row from", "quantitative", title=row_title, scale={"zero": False, "nice": False},
               axis=_round_axis(frame["Row from"].min(), frame["Row to"].max(), row_format))
    edges = {"x": x, "x2": {"field": "Column to"}, "y": y, "y2": {"field": "Row to"}}
    tooltip = [_field("Row value", "nominal", title=row_title), _field("Column value", "nominal", title=col_title),
               _field("NHS NPV", "nominal"), _field("Partner NPV", "nominal")]
    cells = {"data": {"name": "cells"}, "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
             "encoding": {**edges, "tooltip": tooltip, "color": _field(
                 "NHS NPV (£)", "quantitative", scale=scale, legend=money_labels(title="NHS NPV (£)"))}}
    loss = {"data": {"name": "cells"}, "transform": [{"filter": "datum['Partner negative']"}],
            "mark": {"type": "rect", "filled": False, "stroke": NEGATIVE, "strokeWidth": 2.5}, "encoding": edges}
    labels = {"data": {"name": "cells"}, "mark": {"type": "text", "fontSize": 11}, "encoding": {
        "x": _field("Column", "quantitative"), "y": _field("Row", "quantitative"), "text": _field("NHS NPV", "nominal"),
        "tooltip": tooltip, "color": {"condition": {"test": "datum.Dark", "value": "white"}, "value": "black"}}}
    line = {"data": {"name": "breaks"}, "mark": {"type": "line", "color": "black", "strokeDash": [6, 4],
                                                 "point": {"color": "black", "size": 30}},
            "encoding": {"x": _field("Column", "quantitative"), "y": _field("Row", "quantitative"),
                         "order": _field("Row", "quantitative")}}
    spec = _chart([cells, loss, line, labels], {"cells": frame, "breaks": breaks}, 90 + 40 * frame["Row"].nunique())
    rows = [f"{row_title} {r['Row value']}, {col_title} {r['Column value']}: NHS NPV {r['NHS NPV']}"
            + (" (the partner's NPV is negative)" if r["Partner negative"] else "")
            for _, r in frame.sort_values(["Row", "Column"]).iterrows()]
    return described(spec, f"NHS NPV for each pair of {row_title} and {col_title}: " + _listed(rows)
                           + ("; a dashed line marks where the partner's NPV is zero." if len(breaks) else "."))


# -- framework: the fair-share band ---------------------------------------------------------------------------

INK = "#1A1A1A"


def fair_share_frame(fair: Any) -> pd.DataFrame:
    """The fair band of a ``framework.FairShare`` and the deal's NHS share, as fractions and as text (one row).

    >>> from types import SimpleNamespace as F
    >>> fair_share_frame(F(low=0.1, centre=0.15, high=0.2, actual=None))[["Low", "High", "Deal"]].values.tolist()
    [[0.1, 0.2, nan]]
    """
    actual = float("nan") if fair.actual is None else float(fair.actual)
    return pd.DataFrame([{"Row": "Fair band", "Low": float(fair.low), "Centre": float(fair.centre),
                          "High": float(fair.high), "Deal": actual,
                          "Band": f"{percent(fair.low)} to {percent(fair.high)}",
                          "Deal share": "cannot be measured" if fair.actual is None else percent(fair.actual)}])


def fair_share_chart(frame: pd.DataFrame) -> Spec:
    """The fair band as a shaded bar on a percentage axis with its centre marked in the NHS colour, and the deal's
    NHS share as a thick dark line (left out when it cannot be measured)."""
    top = float(np.nanmax(frame[["High", "Deal"]].to_numpy(dtype=float)))
    x = {"scale": {"domain": [0, max(0.05, top * 1.15)], "nice": False}}
    tooltip = [_field("Band", "nominal", title="Fair band"), _field("Deal share", "nominal", title="This deal")]
    span = {"y": _field("Row", "nominal", title=None, axis=None)}  # one band, the chart's full height
    band = {"data": {"name": "fair"}, "mark": {"type": "bar", "color": "#CFE3F1", "stroke": COLOURS[NHS],
                                               "strokeWidth": 1},
            "encoding": {"x": _field("Low", "quantitative", title="Value share of the partner's value",
                                     axis={"format": ".0%"}, **x),
                         "x2": {"field": "High"}, **span, "tooltip": tooltip}}
    centre = {"data": {"name": "fair"}, "mark": {"type": "rule", "color": COLOURS[NHS], "strokeWidth": 2},
              "encoding": {"x": _field("Centre", "quantitative", **x), "tooltip": tooltip}}
    deal = {"data": {"name": "deal"}, "mark": {"type": "rule", "color": INK, "strokeWidth": 4},
            "encoding": {"x": _field("Deal", "quantitative", **x), "tooltip": tooltip}}
    spec = _chart([band, centre, deal], {"fair": frame, "deal": frame.dropna(subset=["Deal"])}, 90)
    spec["height"] = {"step": 44}  # the one band's height: a fixed height would be shared with the axis
    row = frame.iloc[0]
    return described(spec, f"The fair band for the NHS's value share of the partner's value: {row['Band']}, centre "
                           f"{percent(float(row['Centre']))}; this deal's value share: {row['Deal share']}.")


# -- contribution value: the three approaches as one range ---------------------------------------------------------

def contribution_frame(cv: Any) -> pd.DataFrame:
    """One row per approach of a ``contribution.ContributionValue`` with a value, then the fair-share cross-check:
    low, central and high (£), and the same as text.

    >>> from types import SimpleNamespace as N
    >>> a = N(title="Cost", low=1.0, central=2.0, high=3.0)
    >>> cv = N(approaches=[a, N(title="Market", low=None, central=None, high=None)],
    ...        income=N(fair_low=None, fair_centre=None, fair_high=None))
    >>> contribution_frame(cv)[["Approach", "Low (£)", "Central (£)", "High (£)"]].values.tolist()
    [['Cost', 1.0, 2.0, 3.0]]
    """
    rows = [(a.title, a.low, a.central, a.high) for a in cv.approaches if a.central is not None]
    i = cv.income
    if i.fair_centre is not None:
        rows.append(("Fair share × partner's value (cross-check)", i.fair_low, i.fair_centre, i.fair_high))
    return pd.DataFrame([{"Approach": t, "Low (£)": float(lo), "Central (£)": float(c), "High (£)": float(hi),
                          "Range": money_range(lo, hi) if round(lo) != round(hi) else money(c),
                          "Central": money(c)} for t, lo, c, hi in rows],
                        columns=["Approach", "Low (£)", "Central (£)", "High (£)", "Range", "Central"])


def contribution_chart(frame: pd.DataFrame, ask: float | None) -> Spec:
    """Each approach's range as a bar in the NHS colour with its central value as a dark tick, on one £ axis; the
    NHS's ask as a dashed line across them."""
    order = frame["Approach"].tolist()
    y = _field("Approach", "nominal", sort=order, title=None, axis={"labelLimit": 320})
    tooltip = [_field("Approach", "nominal"), _field("Range", "nominal"), _field("Central", "nominal")]
    x = {"scale": {"zero": True}, "axis": money_labels()}
    bars = {"data": {"name": "approaches"}, "mark": {"type": "bar", "color": "#CFE3F1", "stroke": COLOURS[NHS],
                                                     "strokeWidth": 1, "height": {"band": 0.5}},
            "encoding": {"y": y, "x": _field("Low (£)", "quantitative", title="Value of the contribution (£)", **x),
                         "x2": {"field": "High (£)"}, "tooltip": tooltip}}
    ticks = {"data": {"name": "approaches"}, "mark": {"type": "tick", "color": INK, "thickness": 3},
             "encoding": {"y": y, "x": _field("Central (£)", "quantitative", **x), "tooltip": tooltip}}
    asked = pd.DataFrame({"Ask (£)": [] if ask is None else [float(ask)],
                          "Ask": [] if ask is None else [money(ask)]})
    rule = {"data": {"name": "ask"}, "mark": {"type": "rule", "color": COLOURS[NHS], "strokeDash": [6, 4],
                                              "strokeWidth": 2},
            "encoding": {"x": _field("Ask (£)", "quantitative", **x), "tooltip": [_field("Ask", "nominal")]}}
    spec = _chart([bars, ticks, rule], {"approaches": frame, "ask": asked}, 0)
    spec["height"] = {"step": 40}
    ranges = [f"{a}: {r}, central {c}" for a, r, c in zip(frame["Approach"], frame["Range"], frame["Central"],
                                                           strict=False)]
    return described(spec, "The value of the NHS's contribution by each approach: " + _listed(ranges) + (
        "." if ask is None else f"; the NHS's ask: {money(ask)}."))


# -- negotiation: the positions and the zone of agreement -----------------------------------------------------------

def zone_frame(zone: Any) -> pd.DataFrame:
    """The four positions of a ``negotiation.Zone`` on the value-to-the-NHS scale (£ and as text), one row each;
    the partner's walk-away is left out when it does not apply (a non-commercial deal).

    >>> from types import SimpleNamespace as P
    >>> pos = lambda name, value: P(name=name, value=value, share=None, applies=True)
    >>> z = P(nhs_walk_away=pos("NHS walk-away", 1.0), nhs_target=pos("NHS target", 2.0),
    ...       offer=pos("This offer", 3.0), partner_walk_away=pos("Partner walk-away", 4.0))
    >>> zone_frame(z)["Value (£)"].tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    rows = [{"Row": "Positions", "Position": p.name, "Value (£)": float(p.value), "Value": money(p.value),
             "Share": percent(p.share) if p.share is not None else "n/a"}
            for p in (zone.nhs_walk_away, zone.nhs_target, zone.offer, zone.partner_walk_away) if p.applies]
    return pd.DataFrame(rows, columns=["Row", "Position", "Value (£)", "Value", "Share"])


def zone_chart(frame: pd.DataFrame, low: float | None, high: float | None) -> Spec:
    """The zone of agreement shaded between the two walk-aways (when there is one), each position as a rule in its
    side's colour (the NHS's target dashed, this offer in black), with a legend naming each."""
    colours = {"NHS walk-away": COLOURS[NHS], "NHS target": COLOURS[NHS], "This offer": INK,
               "Partner walk-away": COLOURS[PARTNER]}
    names = frame["Position"].tolist()
    x = {"scale": {"zero": True}, "axis": money_labels()}
    span = pd.DataFrame({"Row": ["Positions"] if low is not None else [], "From (£)": [] if low is None else [low],
                         "To (£)": [] if high is None else [high],
                         "Zone": [] if low is None else [money_range(low, high)]})
    zone = {"data": {"name": "zone"}, "mark": {"type": "bar", "color": "#D5EFE6"},
            "encoding": {"y": _field("Row", "nominal", title=None, axis=None),
                         "x": _field("From (£)", "quantitative", title="Value to the NHS (£, at the partner's rate)",
                                     **x),
                         "x2": {"field": "To (£)"}, "tooltip": [_field("Zone", "nominal", title="Zone of agreement")]}}
    rules = {"data": {"name": "positions"}, "mark": {"type": "rule", "strokeWidth": 3},
             "encoding": {"x": _field("Value (£)", "quantitative", **x),
                          "color": _field("Position", "nominal", title=None, scale={
                              "domain": names, "range": [colours[n] for n in names]}, legend={"orient": "bottom"}),
                          "strokeDash": _field("Position", "nominal", legend=None, scale={
                              "domain": names, "range": [[6, 3] if n == "NHS target" else [1, 0] for n in names]}),
                          "tooltip": [_field("Position", "nominal"), _field("Value", "nominal"),
                                      _field("Share", "nominal")]}}
    spec = _chart([zone, rules], {"zone": span, "positions": frame}, 0)
    spec["height"] = {"step": 50}
    where = _listed([f"{p}: {v}" for p, v in zip(frame["Position"], frame["Value"], strict=False)])
    zone_text = ("there is no zone of agreement" if low is None or high is None
                 else f"the zone of agreement runs from {money_range(low, high)}")
    return described(spec, f"Each position as a value to the NHS: {where}; {zone_text}.")


# -- framework: the three aims across alternatives ----------------------------------------------------------------

#: One headline figure per aim, in the aim's own units, and its colour (Okabe-Ito: bluish green, reddish purple, and
#: the NHS's blue for its financial return).
AIM_FIGURES = (("1. Patient benefit", "QALYs gained, discounted", "QALYs", "#009E73"),
               ("2. UK economic growth", "Additional GVA", "£", "#CC79A7"),
               ("3. NHS financial return", "Total: NHS NPV", "£", COLOURS[NHS]))


def aims_chart_frame(names: list[str], entries: list) -> pd.DataFrame:
    """The headline figure of each aim for each alternative (``names``, in order), from ``framework.text.scorecard``
    entries ``(aim, first alternative's row, every alternative's row)``.

    >>> from types import SimpleNamespace as R
    >>> rows = [R(label="QALYs gained, discounted", text="2.0", value=2.0), R(label="x", text="3.0", value=3.0)]
    >>> entries = [("1. Patient benefit", rows[0], rows)]
    >>> aims_chart_frame(["Base", "Upside"], entries)[["Alternative", "Value"]].values.tolist()
    [['Base', 2.0], ['Upside', 3.0]]
    """
    figures = {label: aim for aim, label, _, _ in AIM_FIGURES}
    out = []
    for aim, first, each in entries:
        if figures.get(first.label) != aim:
            continue
        for name, row in zip(names, each, strict=False):
            out.append({"Aim": aim, "Figure": first.label, "Alternative": name, "Value": float(row.value or 0.0),
                        "Text": row.text})
    return pd.DataFrame(out, columns=["Aim", "Figure", "Alternative", "Value", "Text"])


def aim_chart(frame: pd.DataFrame, aim: str) -> Spec:
    """One aim's headline figure across the alternatives, as bars on the aim's own scale."""
    _, label, unit, colour = next(a for a in AIM_FIGURES if a[0] == aim)
    data = frame[frame["Aim"] == aim]
    order = data["Alternative"].tolist()
    bars = {"data": {"name": "aim"}, "mark": {"type": "bar", "color": colour},
            "encoding": {"x": _field("Alternative", "nominal", sort=order, title=None, axis={"labelAngle": 0}),
                         "y": _field("Value", "quantitative", title=f"{label} ({unit})",
                                     axis=_labels(MONEY if unit == "£" else ",.1f")),
                         "tooltip": [_field("Alternative", "nominal"), _field("Text", "nominal", title=label)]}}
    return described(_chart([bars], {"aim": data}, 200), f"{aim}: {label} ({unit}) for each alternative: " + _listed(
        [f"{a}: {t}" for a, t in zip(data["Alternative"], data["Text"], strict=False)]) + ".")


def csv_later(frame: pd.DataFrame) -> Callable[[], bytes]:
    """``csv_bytes`` of ``frame`` (a copy, as it is now), made only when the download is asked for: a page's run
    no longer writes every table's CSV, most of which are never downloaded (``st.download_button`` runs it).

    >>> csv_later(pd.DataFrame({"A": [1]}))().decode("utf-8-sig").splitlines()
    ['A', '1']
    """
    return functools.partial(csv_bytes, frame.copy())


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV for Excel: UTF-8 with a byte-order mark (so £ survives), and no text cell that a spreadsheet
    would run as a formula (one starting with = + - @, tab or a line break gets a leading apostrophe).

    >>> csv_bytes(pd.DataFrame({"Name": ["=1+1", "£5"], "Value": [-2.5, 3.0]})).decode("utf-8-sig").splitlines()
    ['Name,Value', "'=1+1,-2.5", '£5,3.0']
    """
    def safe(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
            return "'" + value
        return value

    clean = frame.copy()
    for column in clean.columns:
        if not pd.api.types.is_numeric_dtype(clean[column]) and not pd.api.types.is_bool_dtype(clean[column]):
            clean[column] = clean[column].map(safe)
    clean.columns = [safe(str(c)) for c in clean.columns]
    return clean.to_csv(index=False).encode("utf-8-sig")

"""The Portfolio page's parts: every deal the person may read whole, in sentences, two charts, tables and two
downloads, all from the core's ``valueshare.register.portfolio`` and its words and columns in
``valueshare.reports.portfolio``.

Every figure is the one saved with each deal's latest version: the page values nothing. The register decides which
deals are in it (``actor``, as on the Register page). User text (deal names) is shown escaped, in tables, or as
text drawn by the chart: never as markup.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import identity
from ui.charts import COLOURS, INK, NEGATIVE, NHS, Spec
from ui.text import md
from ui.view import keep, remember
from valueshare.errors import ValueshareError
from valueshare.register.portfolio import Portfolio, portfolio
from valueshare.register.repository import Repository
from valueshare.reports.portfolio import (
    DEAL_COLUMNS,
    POSITIONS,
    deal_rows,
    deals_csv_bytes,
    figures_rows,
    outliers,
    portfolio_xlsx,
    status_label,
    summary_lines,
    terms_rows,
)

ARCHIVED = "portfolio:archived"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The label of each column of the table of deals, by the field it shows (the core's, so one name everywhere).
LABEL = {name: label for label, name, _ in DEAL_COLUMNS}
EMPTY = ("No deals to show: the register holds none that you may read yet. Save a deal on the Register page and it "
         "appears here.")
#: How each place against the fair band is drawn: colour and shape (the shape tells them apart without colour).
MARKS = {POSITIONS["below"]: (NEGATIVE, "triangle-left"), POSITIONS["within"]: (INK, "circle"),
         POSITIONS["above"]: ("#CC79A7", "triangle-right")}


def _field(name: str, kind: str, **options: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **options}


# -- the charts' data and specs (plain functions, tested) ----------------------------------------------------------

def pipeline_frame(folio: Portfolio) -> pd.DataFrame:
    """One row per status, in the order of a deal's life: its label and how many deals stand there."""
    return pd.DataFrame([{"Status": status_label(s), "Deals": n} for s, n in folio.pipeline.items()],
                        columns=["Status", "Deals"])


def pipeline_chart(frame: pd.DataFrame) -> Spec:
    """Bars of the number of deals at each status, in the NHS colour, statuses in the order of a deal's life."""
    bars = {"data": {"name": "pipeline"}, "mark": {"type": "bar", "color": COLOURS[NHS]}, "encoding": {
        "x": _field("Status", "nominal", sort=frame["Status"].tolist(), title=None, axis={"labelAngle": 0}),
        "y": _field("Deals", "quantitative", title="Deals", axis={"format": "d", "tickMinStep": 1}),
        "tooltip": [_field("Status", "nominal"), _field("Deals", "quantitative")]}}
    return {"height": 200, "layer": [bars], "datasets": {"pipeline": frame}, "description": pipeline_text(frame)}


def pipeline_text(frame: pd.DataFrame) -> str:
    """What the pipeline chart shows, in words (its text alternative)."""
    counts = ", ".join(f"{status.lower()} {n}" for status, n in frame.itertuples(index=False))
    return f"Bars: the number of deals at each status, in the order of a deal's life: {counts}."


def _chart_names(folio: Portfolio) -> list[str]:
    """Each deal's name on a chart; a name two deals share is followed by the deal's key, so each has its row."""
    names = [d.name for d in folio.deals]
    return [f"{d.name} ({d.key})" if names.count(d.name) > 1 else d.name for d in folio.deals]


def band_frame(folio: Portfolio) -> pd.DataFrame:
    """One row per deal that has a value share, in the portfolio's order: its name on the chart, its fair band
    (low, high) and value share as fractions, where the share stands against the band, and the same as written in
    the table of deals (for the tooltip)."""
    share, low, high, place = LABEL["value_share"], LABEL["band_low"], LABEL["band_high"], LABEL["position"]
    rows = []
    for name, numbers, written in zip(_chart_names(folio), deal_rows(folio), deal_rows(folio, written=True),
                                      strict=True):
        if numbers[share] is None:
            continue
        rows.append({"Deal": name, "Low": numbers[low], "High": numbers[high], "Share": numbers[share],
                     "Position": written[place], "Band": f"{written[low]} to {written[high]}",
                     "Written share": written[share]})
    return pd.DataFrame(rows, columns=["Deal", "Low", "High", "Share", "Position", "Band", "Written share"])


def no_share_names(folio: Portfolio) -> list[str]:
    """The deals that have no value share to place against a band, by name."""
    return [d.name for d in folio.deals if d.value_share is None]


def band_chart(frame: pd.DataFrame) -> Spec:
    """A row per deal: its fair band as a shaded bar and its value share as a mark, coloured and shaped by where it
    stands (below the band, within it, above it), on one percentage axis."""
    order = frame["Deal"].tolist()
    y = _field("Deal", "nominal", sort=order, title=None, axis={"labelLimit": 280})
    top = float(frame[["High", "Share"]].max().max()) if len(frame) else 0.0
    bottom = float(frame[["Low", "Share"]].min().min()) if len(frame) else 0.0  # a share below zero: costs unmet
    scale = {"domain": [min(0.0, bottom * 1.1), max(0.05, top * 1.1)], "nice": False}
    tooltip = [_field("Deal", "nominal"), _field("Written share", "nominal", title=LABEL["value_share"]),
               _field("Band", "nominal", title="Fair band"), _field("Position", "nominal", title=LABEL["position"])]
    band = {"data": {"name": "bands"}, "transform": [{"filter": "isValid(datum.Low) && isValid(datum.High)"}],
            "mark": {"type": "bar", "color": "#CFE3F1", "stroke": COLOURS[NHS], "strokeWidth": 1,
                     "height": {"band": 0.6}},
            "encoding": {"y": y, "x": _field("Low", "quantitative", title="Value share of the partner's value",
                                             axis={"format": ".0%"}, scale=scale),
                         "x2": {"field": "High"}, "tooltip": tooltip}}
    places = [p for p in MARKS if p in set(frame["Position"])] or list(MARKS)
    share = {"data": {"name": "bands"}, "mark": {"type": "point", "filled": True, "size": 140, "opacity": 1},
             "encoding": {"y": y, "x": _field("Share", "quantitative", scale=scale),
                          "color": _field("Position", "nominal", title=None, scale={
                              "domain": places, "range": [MARKS[p][0] for p in places]},
                              legend={"orient": "bottom"}),
                          "shape": _field("Position", "nominal", title=None, scale={
                              "domain": places, "range": [MARKS[p][1] for p in places]}),
                          "tooltip": tooltip}}
    placed = "; ".join(f"{d}: {s} against a fair band of {b} ({p})" for d, s, b, p in zip(
        frame["Deal"], frame["Written share"], frame["Band"], frame["Position"], strict=False))
    return {"height": {"step": 32}, "layer": [band, share], "datasets": {"bands": frame},
            "description": f"Each deal's value share against its fair band: {placed}."}


# -- the page's sections -------------------------------------------------------------------------------------------

def _table(rows: list[dict[str, Any]]) -> None:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def summary(folio: Portfolio) -> None:
    st.markdown("\n".join(f"- {md(line)}." for line in summary_lines(folio)))


def pipeline(folio: Portfolio) -> None:
    st.header("Pipeline by status", anchor=False)
    frame = pipeline_frame(folio)
    st.vega_lite_chart(spec=pipeline_chart(frame), width="stretch")
    st.caption(pipeline_text(frame))


def bands(folio: Portfolio) -> None:
    st.header("Value share against the fair band", anchor=False,
                 help="Each deal's value share (what the partner gives the NHS beyond its costs of access, over the "
                      "partner's value before any payment) and its fair band, as saved with its latest version.")
    frame = band_frame(folio)
    if len(frame):
        st.vega_lite_chart(spec=band_chart(frame), width="stretch")
        st.caption("A row per deal: the shaded bar is its fair band, the mark its value share: a triangle pointing "
                   "left is below the band, a dot within it, a triangle pointing right above it. The figures are "
                   "in the table of deals below: " + ", ".join(f"“{md(LABEL[name])}”" for name in (
                       "value_share", "band_low", "band_high", "position")) + ".")
    missing = no_share_names(folio)
    if missing:
        st.caption(f"{md(POSITIONS['not applicable'])} to place against a band: "
                   + ", ".join(md(name) for name in missing) + ".")


def outlier_lists(folio: Portfolio) -> None:
    st.header("Outliers", anchor=False)
    for column, (title, names) in zip(st.columns(3), outliers(folio), strict=True):
        column.markdown(f"**{md(title)}**")
        column.markdown("\n".join(f"- {md(name)}" for name in names) if names else "None.")


def deals_table(folio: Portfolio) -> None:
    st.header("Deals", anchor=False)
    st.dataframe(pd.DataFrame(deal_rows(folio, written=True), columns=list(LABEL.values())), hide_index=True,
                 width="stretch")


def terms_tables(folio: Portfolio) -> None:
    st.header("Terms used", anchor=False, help="How many deals use each kind of term, by use and by kind of "
                                                  "data (a deal's kinds of data come from its data assets).")
    used = terms_rows(folio)
    if used:
        _table(used)
    else:
        st.caption("No deal has terms to count.")
    st.header("Spread of the term figures", anchor=False,
                 help="The lowest, median and highest of each term figure, by use and by kind of data, over the "
                      "deals that have it (fees only where a deal charges them).")
    spread = figures_rows(folio, written=True)
    if spread:
        _table(spread)
    else:
        st.caption("No deal has a fee, a royalty or a revenue share.")


def downloads(folio: Portfolio) -> None:
    left, right = st.columns(2)
    with left:
        st.download_button("Deals as CSV", deals_csv_bytes(folio), file_name="portfolio-deals.csv", mime="text/csv",
                           key="portfolio:csv", icon=":material/download:", width="stretch",
                           help="The table of deals: money in £, rates and shares as fractions.")
    with right:  # built only when asked for: the workbook of a large register takes a moment
        st.download_button("Portfolio as Excel (XLSX)", lambda: portfolio_xlsx(folio), file_name="portfolio.xlsx",
                           mime=XLSX, key="portfolio:xlsx", icon=":material/download:", width="stretch",
                           help="The summary, the deals, the terms used and the spread of the term figures, a "
                                "sheet each.")


def show(repo: Repository) -> None:
    """The portfolio of the deals the signed-in person (or the local user) may read whole."""
    include = keep(ARCHIVED, st.toggle(
        "Include archived deals", key=remember(ARCHIVED, False),
        help="Also count the deals archived from the register's list (their figures are kept)."))
    try:
        folio = portfolio(repo, actor=identity.actor(), include_archived=include)
    except ValueshareError as error:
        st.error(f"**The portfolio cannot be read.** {md(error)}", icon=":material/error:")
        return
    if not folio.deals:
        st.info(EMPTY + ("" if include else " Archived deals are left out: turn on Include archived deals to count "
                                            "them."), icon=":material/info:")
        return
    st.caption("Each deal's figures as saved with its latest version, valued at its own rates: opening the "
               "portfolio values nothing again.")
    summary(folio)
    pipeline(folio)
    bands(folio)
    outlier_lists(folio)
    deals_table(folio)
    terms_tables(folio)
    downloads(folio)

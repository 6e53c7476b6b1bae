"""Charts of a valuation. The data is built by plain functions (tested); the Altair chart only draws it.

Colours are the Okabe-Ito colour-blind-safe pair, the same for each side everywhere in the app.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from valueshare.engine.valuation import Valuation
from valueshare.format import money

NHS = "NHS"
PARTNER = "Partner"
COLOURS = {NHS: "#0072B2", PARTNER: "#E69F00"}
YEAR, SIDE, AMOUNT, TEXT = "Year", "Side", "Cash flow (£)", "Cash flow"


def cash_flow_frame(valuation: Valuation) -> pd.DataFrame:
    """One row per year and side: the expected cash flow to that side in that year, as a number and as text.

    Years run from 0 (signature) to the horizon; money *to* a side is positive, as in the engine.
    """
    rows = []
    for side, flows in ((NHS, valuation.nhs_cash_flow), (PARTNER, valuation.partner_cash_flow)):
        for year, amount in zip(valuation.years, flows):
            rows.append({YEAR: int(year), SIDE: side, AMOUNT: float(amount), TEXT: money(float(amount))})
    return pd.DataFrame(rows, columns=[YEAR, SIDE, AMOUNT, TEXT])


def cash_flow_chart(frame: pd.DataFrame, side: str, *, height: int = 220) -> alt.Chart:
    """Yearly bars of one side's cash flow. Each side has its own chart and scale: the partner's flows are often
    a hundred times the NHS's, which would flatten the NHS bars on a shared scale.
    """
    return alt.Chart(frame[frame[SIDE] == side]).mark_bar(color=COLOURS[side]).encode(
        x=alt.X(f"{YEAR}:O", title="Year after signature", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{AMOUNT}:Q", title=f"{side}, £ a year",
                axis=alt.Axis(format=".3~s", titleColor=COLOURS[side], titleFontWeight="bold", minExtent=40)),
        tooltip=[alt.Tooltip(f"{SIDE}:N"), alt.Tooltip(f"{YEAR}:O"), alt.Tooltip(f"{TEXT}:N")],
    ).properties(height=height)


def present_value_frame(valuation: Valuation, side: str) -> pd.DataFrame:
    """Present value of each line for one side, then the total (that side's NPV), as text for a table."""
    lines = valuation.nhs_lines if side == NHS else valuation.partner_lines
    total = valuation.nhs_npv if side == NHS else valuation.partner_npv
    rows = [{"Line": line.label, "Present value": money(line.present_value)} for line in lines]
    rows.append({"Line": f"{side} NPV", "Present value": money(total)})
    return pd.DataFrame(rows, columns=["Line", "Present value"])

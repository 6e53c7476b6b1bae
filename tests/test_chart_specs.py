"""Every chart the app draws is a valid Vega-Lite spec.

The charts are written as plain Vega-Lite dicts (``ui.charts``) rather than built with Altair, which validated each
spec on every rerun of a page. This test does that validation once, here: each chart of a real example, with its
datasets written out as records, is checked against the Vega-Lite JSON Schema that Altair ships (the version the
app's Streamlit draws with), and every layer's data must name a dataset the spec carries. Then each is drawn by
Vega itself (vl-convert runs Vega-Lite and Vega in Python) and its labels are read from the SVG: money must read as
money, as the app writes it elsewhere (£12.5k, -£1.5m, £2bn), never in SI units (1.5M, 2G).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path

import altair
import jsonschema
import numpy as np
import pandas as pd
import pytest
import vl_convert

from ui import charts
from valueshare.contribution import value_contribution
from valueshare.engine.montecarlo import simulate
from valueshare.engine.valuation import value_deal
from valueshare.framework import assess
from valueshare.negotiation import negotiate
from valueshare.scenario import load_deal
from valueshare.sensitivity import tornado, two_way

SCHEMA = json.loads((Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json")
                    .read_text(encoding="utf-8"))
IMAGING = Path(__file__).resolve().parents[1] / "scenarios" / "ai-imaging-device.yaml"


def _specs() -> dict[str, dict]:
    deal = load_deal(IMAGING)
    valuation = value_deal(deal)
    sim = simulate(deal, trials=500, seed=1)
    money_table = two_way(deal, "route_to_market.sales.price_gbp", [5.0, 10.0, 20.0], "terms[0].amount_gbp",
                          [0.0, 60_000.0, 2_500_000.0])
    table = two_way(deal, "terms[4].tiers[0].rate", [0.0, 0.05, 0.2], "route_to_market.sales.peak_uptake", [0.1, 0.3])
    breaks = charts.break_even_frame(table.break_even(), table.row_path, table.col_path)
    out = {}
    for side in (charts.NHS, charts.PARTNER):
        out[f"cash flow {side}"] = charts.cash_flow_chart(charts.cash_flow_frame(valuation), side)
        out[f"histogram {side}"] = charts.histogram_chart(charts.histogram_frame(
            sim.nhs_npv if side == charts.NHS else sim.partner_npv, side), side)
        out[f"fan {side}"] = charts.fan_chart(charts.fan_frame(sim.years, sim.nhs_fan, side), side)
        out[f"tornado {side}"] = charts.tornado_chart(charts.tornado_frame(tornado(deal), side, 0.0), side)
    out["two-way"] = charts.two_way_chart(charts.two_way_frame(table), breaks, row_title="Rate", col_title="Uptake")
    from valueshare.compare import variants_of
    from valueshare.framework import text as words
    from valueshare.framework.pillars import pillars

    named = [(name, pillars(d, value_deal(d))) for name, d in variants_of(deal)]
    aims = charts.aims_chart_frame([n for n, _ in named], words.scorecard(named))
    for aim, _, _, _ in charts.AIM_FIGURES:
        out[f"aim {aim}"] = charts.aim_chart(aims, aim)
    fair = assess(deal, valuation).fair_share
    out["fair share"] = charts.fair_share_chart(charts.fair_share_frame(fair))
    out["fair share, not measurable"] = charts.fair_share_chart(charts.fair_share_frame(replace(fair, actual=None)))
    cv = value_contribution(deal, valuation)
    out["contribution"] = charts.contribution_chart(charts.contribution_frame(cv), cv.ask)
    z = negotiate(deal, sensitivities=False).zone
    out["zone"] = charts.zone_chart(charts.zone_frame(z), z.low, z.high)
    out["two-way in pounds"] = charts.two_way_chart(
        charts.two_way_frame(money_table), charts.break_even_frame(money_table.break_even(), money_table.row_path,
                                                                   money_table.col_path),
        row_title="Price", col_title="Fee", row_format=charts.MONEY, col_format=charts.MONEY)
    return out


SPECS = _specs()


def _as_json(spec: dict) -> dict:
    """The spec as the browser receives it: every dataset as a list of records."""
    datasets = {name: json.loads(frame.to_json(orient="records")) for name, frame in spec["datasets"].items()}
    return {**spec, "datasets": datasets}


@pytest.mark.parametrize("name", list(SPECS))
def test_every_chart_is_a_valid_vega_lite_spec(name):
    spec = SPECS[name]
    jsonschema.validate(_as_json(spec), SCHEMA)
    assert all(isinstance(frame, pd.DataFrame) for frame in spec["datasets"].values())
    for layer in spec["layer"]:
        assert layer["data"]["name"] in spec["datasets"], (name, layer["data"])
    # Vega-Lite reads . [ ] \\ and quotes in a field name as accessors: a chart whose field name holds one draws
    # nothing at all (seen with "Deal's share"), and the schema cannot tell.
    names = list(_fields(spec["layer"]))
    assert names and not [f for f in names if re.search(r"[.\[\]\\'\"]", f)], names


def _fields(node):
    """Every field name a spec's encodings refer to."""
    if isinstance(node, dict):
        if isinstance(node.get("field"), str):
            yield node["field"]
        for value in node.values():
            yield from _fields(value)
    elif isinstance(node, list):
        for value in node:
            yield from _fields(value)


def test_a_spec_with_a_misspelt_channel_is_refused_by_the_schema():
    # The check above would catch a typo: the schema forbids unknown properties.
    broken = _as_json(SPECS["two-way"])
    broken["layer"][0]["encoding"]["colour"] = broken["layer"][0]["encoding"].pop("color")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_each_side_keeps_its_colour_in_every_chart():
    for name, spec in SPECS.items():
        if not name.endswith((charts.NHS, charts.PARTNER)):
            continue  # a chart of one scale for both sides (the zone) or of one side's figures only (the two-way)
        side = charts.PARTNER if name.endswith(charts.PARTNER) else charts.NHS
        assert spec["layer"][0]["mark"]["color"] == charts.COLOURS[side], name


def test_the_histogram_draws_the_zero_line_only_when_trials_straddle_zero():
    both = charts.histogram_chart(charts.histogram_frame(np.array([-1.0, 1.0]), "NHS"), "NHS")
    positive = charts.histogram_chart(charts.histogram_frame(np.array([1.0, 2.0]), "NHS"), "NHS")
    assert both["datasets"]["zero"]["x"].tolist() == [0.0]
    assert positive["datasets"]["zero"].empty


def _labels(spec: dict) -> list[str]:
    """The text of every label Vega draws for ``spec`` (axes, legends, titles, marks), read from its SVG."""
    svg = vl_convert.vegalite_to_svg({**_as_json(spec), "width": 400})
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


MONEY_LABEL = re.compile(r"^-?£\d+(\.\d+)?(k|m|bn)?$")


@pytest.mark.parametrize("name", list(SPECS))
def test_every_chart_draws_in_vega_with_its_money_written_as_money(name):
    labels = _labels(SPECS[name])
    assert labels, name
    money = [t for t in labels if t.startswith(("£", "-£"))]
    assert all(MONEY_LABEL.match(t) for t in money), (name, money)
    # A label of SI money ("1.5M", "−2G") is the format this replaced; year and count labels are plain numbers.
    assert not [t for t in labels if re.fullmatch(r"[−-]?\d+(\.\d+)?[kMGT]", t)], (name, labels)


def test_money_labels_use_k_m_and_bn_with_the_sign_before_the_pound():
    # Each value's label worked by hand: -2.5e9 is 2.5 billion below zero, 12,500 is 12.5 thousand, and so on.
    values = [-2.5e9, -1.5e6, -500.0, 0.0, 750.0, 12_500.0, 3.4e6, 1.2e9, 9e9]
    spec = {"height": 100, "datasets": {"d": pd.DataFrame({"x": values})}, "layer": [{
        "data": {"name": "d"}, "mark": "tick",
        "encoding": {"x": {"field": "x", "type": "quantitative", "axis": charts.money_labels(values=values),
                           "title": None}}}]}
    jsonschema.validate(_as_json(spec), SCHEMA)
    assert _labels(spec) == ["-£2.5bn", "-£1.5m", "-£500", "£0", "£750", "£12.5k", "£3.4m", "£1.2bn", "£9bn"]


@pytest.mark.parametrize("name", list(SPECS))
def test_every_chart_states_what_it_shows_in_words(name):
    """Each chart's text alternative (``charts.described``, read by a screen reader as the chart's name) says what
    it shows and gives figures: money, a share or a number, never only 'a chart'."""
    text = charts.text_alternative(SPECS[name])
    assert len(text) > 40 and re.search(r"\d", text), (name, text)

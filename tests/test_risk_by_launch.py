"""The Monte Carlo split by launch, the two-way chart's caption and round axes (issue 19, "Help that works").

Most trials of an early-stage product end with a failed stage, so a histogram of every trial is one spike at the
failed trials' value. The Risk page shows the chance of launch, the spread given launch (a histogram of the launched
trials only) and the failed trials' share and value. Expectations are worked by hand on test_engine_golden's base
deal (tests/builders.py): stage A succeeds with 0.5 and stage B with 0.8, so a trial fails at A with chance 0.5,
fails at B with chance 0.5 × 0.2 = 0.1 and launches with chance 0.5 × 0.8 = 0.4.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from apptest_support import expand, open_page, tables, texts
from builders import deal

from ui import charts
from ui.montecarlo import LaunchOutcome, launch_sentence, summarise
from ui.sensitivity import _break_even_note
from valueshare import load_deal, value_deal
from valueshare.engine.montecarlo import Spread, simulate
from valueshare.scenario import example_paths
from valueshare.sensitivity import TwoWay

IMAGING = next(p for p in example_paths() if p.stem == "ai-imaging-device")
N = 20_000


def test_each_trial_says_whether_the_product_launched_at_the_chance_worked_by_hand():
    s = simulate(deal(), trials=N, seed=3)
    split = s.by_launch("partner")
    assert s.launched is not None and s.launched.dtype == bool and s.launched.shape == (N,)
    se = math.sqrt(0.4 * 0.6 / N)
    assert abs(split.launch_probability - 0.4) < 3 * se
    assert split.standard_error == pytest.approx(se, rel=0.05)
    # The base deal's partner makes money only once it sells: every launched trial is above £0, every failed one
    # below (it paid for stage A, or A and B). The failed trials take two values: failed at A (0.5 of all
    # trials) or at B (0.1 of all trials).
    assert (split.launched > 0).all() and (split.not_launched < 0).all()
    values, counts = np.unique(np.round(split.not_launched, 6), return_counts=True)
    assert len(values) == 2
    at_b, at_a = counts / N  # failing at B costs more: the lower value
    assert abs(at_a - 0.5) < 3 * math.sqrt(0.25 / N) and abs(at_b - 0.1) < 3 * math.sqrt(0.09 / N)


def test_the_split_keeps_every_trial_on_one_side_and_a_deal_without_a_route_has_none():
    s = simulate(deal(), trials=2_000, seed=1)
    split = s.by_launch("nhs")
    assert split.launched.size + split.not_launched.size == 2_000
    assert sorted([*split.launched, *split.not_launched]) == sorted(s.nhs_npv)
    no_route = next(p for p in example_paths() if p.stem == "life-sciences-cluster")
    plain = simulate(load_deal(no_route), trials=500, seed=1)
    assert plain.launched is None and plain.by_launch("nhs") is None
    assert summarise(plain).by_launch == {} and not summarise(plain).launched_only


@pytest.mark.parametrize("path", [p for p in example_paths() if p.stem != "life-sciences-cluster"],
                         ids=lambda p: p.stem)
def test_the_chance_of_launch_over_the_trials_agrees_with_the_deterministic_one_within_3_standard_errors(path):
    d = load_deal(path)
    outcome = summarise(simulate(d, trials=N, seed=1)).by_launch[charts.NHS]
    p = value_deal(d).launch_probability
    assert abs(outcome.launch_probability - p) <= 3 * math.sqrt(p * (1 - p) / N) + 1e-12


def test_the_histogram_holds_only_the_launched_trials_when_some_fail():
    s = simulate(load_deal(IMAGING), trials=N, seed=1)
    summary = summarise(s)
    assert summary.launched_only
    for side, key in ((charts.NHS, "nhs"), (charts.PARTNER, "partner")):
        bins = summary.histograms[summary.histograms[charts.SIDE] == side]
        split = s.by_launch(key)
        assert bins[charts.TRIALS].sum() == split.launched.size == int(s.launched.sum())  # no failed trial in it
        assert bins[charts.SHARE].sum() == pytest.approx(1.0)  # shares of the launched trials
        assert bins[charts.FROM].min() == split.launched.min() and bins[charts.TO].max() == split.launched.max()
    chart = charts.histogram_chart(summary.histograms, charts.NHS, of="launched trials")
    assert chart["layer"][0]["encoding"]["y"]["title"] == "Share of launched trials"


def test_the_launch_sentence_states_the_chance_the_spread_given_launch_and_the_failed_trials_value():
    given = Spread(1e6, 1, 1, 200_000, 800_000, 1_900_000, 0.0)
    one_value = LaunchOutcome(0.25, 0.004, 2_500, 10_000, given, (-5_000, -5_000, -5_000))
    assert launch_sentence("NHS", one_value) == (
        "Chance of launch 25.0% (2,500 of 10,000 trials). If it launches, NHS NPV ranges from £200.0k (P10) to £1.90m "
        "(P90), median £800.0k. In the other 75.0% of trials it does not launch, and NHS NPV is -£5,000.")
    several = LaunchOutcome(0.25, 0.004, 2_500, 10_000, given, (-5_000, -1_000, 0.0))
    assert launch_sentence("Partner", several).endswith(
        "it does not launch, and Partner NPV is between -£5,000 and £0 (median -£1,000).")
    never = LaunchOutcome(0.0, 0.0, 0, 10_000, None, (-5_000, -5_000, -5_000))
    assert launch_sentence("NHS", never).endswith("The product launches in none of the trials.")
    always = LaunchOutcome(1.0, 0.0, 10_000, 10_000, given, None)
    assert "does not launch" not in launch_sentence("NHS", always)


def test_the_risk_page_states_the_chance_of_launch_beside_each_sides_outcome_given_launch():
    at = open_page("app_pages/risk.py", IMAGING)
    assert not at.exception
    shown = texts(at)
    assert shown.count("Chance of launch") >= 2  # above each side's histogram
    assert "If it launches, NHS NPV ranges from" in shown and "If it launches, Partner NPV ranges from" in shown
    assert re.search(r"In the other \d+\.\d% of trials it does not launch", shown)
    expand(at, "risk:figures:histogram")  # the histogram's figures are drawn once their box is opened
    histogram = next(t for t in tables(at) if "NPV range" in t.columns)
    summary = summarise(simulate(load_deal(IMAGING), trials=10_000, seed=1))
    launched = summary.by_launch[charts.NHS].launched
    assert histogram[histogram[charts.SIDE] == charts.NHS][charts.TRIALS].sum() == launched
    assert any(e.label == "Histogram figures (launched trials)" for e in at.expander)


# -- the two-way chart: its caption names the outline's colour, its axes have round ticks ----------------------

def _table(partner: list[list[float]]) -> TwoWay:
    return TwoWay("terms[0].rate", "Rate", np.array([0.1, 0.1417, 0.1833, 0.225]), "route_to_market.sales."
                  "peak_uptake", "Uptake", np.array([0.0833, 0.125, 0.1667, 0.2083, 0.25]),
                  nhs_npv=np.ones((4, 5)), partner_npv=np.array(partner))


def test_the_two_way_caption_names_the_colour_the_chart_outlines_losses_in():
    frame = charts.two_way_frame(_table([[-1.0] * 5] * 4))
    chart = charts.two_way_chart(frame, charts.break_even_frame([], "r", "c"), row_title="R", col_title="C")
    colour = charts.COLOUR_NAMES[chart["layer"][1]["mark"]["stroke"]]
    assert colour == "orange-red"  # #D55E00, Okabe-Ito's vermillion: orange more than red
    note = _break_even_note(_table([[-1.0] * 5] * 4), charts.break_even_frame([], "r", "c"))
    assert f"outlined in {colour}" in note and "outlined in red" not in note
    crossing = _table([[-1.0, 1.0, 1.0, 1.0, 1.0]] * 4)
    breaks = charts.break_even_frame(crossing.break_even(), "r", "c")
    assert f"Cells outlined in {colour}" in _break_even_note(crossing, breaks)


def test_a_percent_axis_of_the_two_way_chart_reads_round_steps():
    frame = charts.two_way_frame(_table([[1.0] * 5] * 4))
    chart = charts.two_way_chart(frame, charts.break_even_frame([], "r", "c"), row_title="R", col_title="C",
                                 row_format=charts.PERCENT, col_format=charts.PERCENT)
    x = chart["layer"][0]["encoding"]["x"]["axis"]
    y = chart["layer"][0]["encoding"]["y"]["axis"]
    assert x["values"] == [0.1, 0.15, 0.2, 0.25] and x["format"] == ".0%"  # not 8.33%, 12.5%, 16.67%, ...
    assert y["values"] == [0.1, 0.15, 0.2] and y["format"] == ".0%"
    assert charts.percent_format([0.01, 0.015, 0.02]) == ".1%"


def test_the_histogram_share_axis_never_repeats_a_label():
    axis = charts.histogram_chart(charts.histogram_frame(np.arange(100.0), "NHS"), "NHS")["layer"][0]["encoding"]
    assert axis["y"]["axis"]["format"] == ".0%" and axis["y"]["axis"]["tickMinStep"] == 0.01

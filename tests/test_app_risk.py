"""The Risk and Compare pages, driven headless by AppTest, and the pure helpers behind their charts and tables.

Charts have no AppTest element, so each chart's data is checked twice: the frame builder on tiny inputs whose
answer can be worked out by hand, and the same figures in the table the page shows under the chart.
"""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from apptest_support import tables
from builders import base_data
from streamlit.testing.v1 import AppTest

from ui import charts
from ui.compare import figures_frame, inputs_frame, unique
from ui.montecarlo import DEFAULT_SEED, DEFAULT_TRIALS, spread_frame, summarise
from ui.results import STALE
from ui.sensitivity import tornado_table
from ui.text import md
from valueshare.compare import compare, variants_of
from valueshare.distributions import new_uncertain, reshape
from valueshare.engine.montecarlo import simulate
from valueshare.format import money, percent
from valueshare.inputs import label_in, may_be_uncertain, uncertain_paths, write
from valueshare.scenario import deal_from_data, deal_to_data, deal_to_yaml, example_paths, load_deal
from valueshare.sensitivity import Driver, TornadoBar, TwoWay, default_pair, grid, tornado, two_way_inputs

APP = str(Path(__file__).resolve().parents[1] / "app.py")
EXAMPLES = example_paths()
IMAGING = next(p for p in EXAMPLES if p.name == "ai-imaging-device.yaml")
RISK, COMPARE = "app_pages/risk.py", "app_pages/compare.py"


def open_page(page: str, example: Path | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if example is not None and str(example) != at.session_state["start:example"]:
        at.sidebar.selectbox(key="start:example").select(str(example)).run()
    return at.switch_page(page).run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def table(at: AppTest, *columns: str):
    """The first table on the page that has these columns."""
    return next(t for t in tables(at) if all(c in t.columns for c in columns))


def expected_summary(deal, trials=DEFAULT_TRIALS, seed=DEFAULT_SEED):
    return summarise(simulate(deal, trials=trials, seed=seed))


# -- pure frame builders, with figures worked by hand -------------------------------------------------------------

def test_histogram_frame_puts_each_trial_in_one_bin_and_gives_each_bin_its_share():
    frame = charts.histogram_frame(np.array([0.0, 1.0, 2.0, 3.0]), "NHS", bins=2)
    # Two bins over 0..3: [0, 1.5) holds 0 and 1, [1.5, 3] holds 2 and 3.
    assert frame[[charts.FROM, charts.TO, charts.TRIALS, charts.SHARE]].values.tolist() == [
        [0.0, 1.5, 2, 0.5], [1.5, 3.0, 2, 0.5]]
    assert frame["Share"].tolist() == ["50.0%", "50.0%"]
    assert frame["NPV range"].iloc[0] == "£0 to £2"
    assert set(frame[charts.SIDE]) == {"NHS"}


def test_histogram_frame_sends_only_its_bins_however_many_trials():
    values = np.random.default_rng(0).normal(0, 1e6, 300_000)
    frame = charts.histogram_frame(values, "Partner", bins=40)
    assert len(frame) == 40 and frame[charts.TRIALS].sum() == 300_000
    assert frame[charts.SHARE].sum() == pytest.approx(1.0)


def test_histogram_frame_of_a_certain_value_has_every_trial_in_one_bin():
    frame = charts.histogram_frame(np.full(10, 5000.0), "NHS", bins=4)
    assert frame[charts.TRIALS].max() == 10 and frame[charts.SHARE].sum() == pytest.approx(1.0)


def test_fan_frame_has_one_row_per_year_with_its_three_percentiles():
    fan = np.array([[-10.0, 0.0, 5.0], [0.0, 10.0, 20.0], [5.0, 30.0, 2_000_000.0]])
    frame = charts.fan_frame(np.array([0, 1, 2]), fan, "Partner")
    assert frame[[charts.YEAR, charts.P10, charts.P50, charts.P90]].values.tolist() == [
        [0, -10.0, 0.0, 5.0], [1, 0.0, 10.0, 30.0], [2, 5.0, 20.0, 2_000_000.0]]
    assert frame["P90"].tolist() == ["£5", "£30", "£2.00m"]
    assert frame["P10"].iloc[0] == "-£10"


def _bar(path, low, high, nhs, partner):
    return TornadoBar(Driver(path, path, (low + high) / 2, low, high, "default swing"), nhs[0], nhs[1], partner[0],
                      partner[1])


def test_tornado_frame_runs_from_the_base_to_each_end_widest_swing_first_for_the_chosen_side():
    narrow_nhs = _bar("a", 1, 3, nhs=(90, 110), partner=(0, 1000))     # NHS swing 20, partner swing 1000
    wide_nhs = _bar("b", 1, 3, nhs=(150, 50), partner=(400, 500))      # NHS swing 100, partner swing 100
    frame = charts.tornado_frame([narrow_nhs, wide_nhs], "NHS", 100.0)
    assert frame["Driver"].tolist() == ["b", "b", "a", "a"]
    assert frame[[charts.FROM, charts.TO]].values.tolist() == [[100, 150], [100, 50], [100, 90], [100, 110]]
    assert frame["Input at"].tolist() == ["Low", "High", "Low", "High"]
    partner = charts.tornado_frame([narrow_nhs, wide_nhs], "Partner", 450.0)
    assert partner["Driver"].tolist()[:2] == ["a", "a"]
    assert partner[charts.TO].tolist()[:2] == [0, 1000]
    assert charts.tornado_chart(partner, "Partner")["layer"][0]["mark"]["color"] == "#E69F00"


def test_two_way_frame_gives_each_cell_edges_halfway_to_its_neighbours_and_marks_partner_losses():
    t = TwoWay("r", "R", np.array([1.0, 3.0]), "c", "C", np.array([10.0, 20.0]),
               nhs_npv=np.array([[5.0, 6.0], [7.0, 8.0]]), partner_npv=np.array([[-10.0, 30.0], [-20.0, -5.0]]))
    frame = charts.two_way_frame(t)
    first = frame.iloc[0]
    assert (first["Row from"], first["Row to"], first["Column from"], first["Column to"]) == (0.0, 2.0, 5.0, 15.0)
    assert frame["Partner negative"].tolist() == [True, False, True, True]
    # Row 1: partner NPV goes from -10 at 10 to 30 at 20, so zero at 10 + 10 * 10/40 = 12.5; row 3 never crosses.
    breaks = charts.break_even_frame(t.break_even(), "r", "c")
    assert breaks[["Row", "Column"]].values.tolist() == [[1.0, 12.5]]
    grid_nhs = charts.two_way_grid(t, "NHS")
    assert grid_nhs.columns.tolist() == ["", "10", "20"]
    assert grid_nhs.values.tolist() == [["1", "£5", "£6"], ["3", "£7", "£8"]]
    chart = charts.two_way_chart(frame, breaks, row_title="R", col_title="C")
    assert [layer["mark"]["type"] for layer in chart["layer"]] == ["rect", "rect", "line", "text"]
    assert chart["layer"][1]["mark"]["stroke"] == charts.NEGATIVE  # the partner's losses are outlined
    assert chart["datasets"]["breaks"][["Row", "Column"]].values.tolist() == [[1.0, 12.5]]


def test_csv_for_excel_keeps_the_pound_sign_and_defuses_formulas():
    frame = charts.tornado_frame([_bar("=HYPERLINK(1)", 1, 2, (1, 2), (3, 4))], "NHS", 0.0)
    data = charts.csv_bytes(frame[["Driver", "NPV", charts.TO]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "£1" in text and "'=HYPERLINK(1)" in text
    assert "\n=" not in text and ",=" not in text


def test_spread_frame_lays_each_sides_percentiles_beside_the_deterministic_value():
    deal = deal_from_data(base_data())
    summary = expected_summary(deal, trials=2000)
    frame = spread_frame(summary)
    rows = dict(zip(frame["Figure"], zip(frame["NHS"], frame["Partner"], strict=False), strict=False))
    assert rows["Mean of the trials"] == (summary.nhs.mean, summary.partner.mean)
    assert rows["Risk-adjusted NPV (the Valuation page)"] == (summary.expected_nhs, summary.expected_partner)
    assert rows["P90: one trial in ten is above"] == (summary.nhs.p90, summary.partner.p90)
    assert frame["Partner "].iloc[-1] == percent(summary.partner.probability_negative)
    assert len(summary.histograms) == 80 and len(summary.fans) == 2 * 6  # two sides; years 0 to 5


# -- inputs: names, values, defaults ----------------------------------------------------------------------------

def test_inputs_are_written_in_their_units_and_named_for_people():
    deal = load_deal(IMAGING)
    assert write("route_to_market.sales.peak_uptake", 0.139174) == "13.92%"
    assert write("terms[0].amount_gbp", 60000.0) == "£60,000"  # an input is written exactly, as typed
    assert write("route_to_market.stages[1].duration_years", 1.5) == "1.5 years"
    assert write("partner.kind", "large_company") == "Large company"
    assert write("terms[3].kind", "royalty") == "Royalty"
    assert label_in("terms[4].tiers[1].rate", [deal]).endswith(", tier 2")
    assert label_in("assumptions.nhs_discount_rate", [deal]).startswith("NHS discount rate")
    assert label_in("route_to_market.stages[0].duration_years", [deal]).startswith("Stage '")
    assert label_in("contribution.expertise[0].hours_per_year", [deal]) == "Contribution, expertise 1, hours per year"
    assert label_in("terms[99].amount_gbp", [deal]) == "Terms 100, amount (£)"  # no such term: from the path


def test_every_input_offered_as_uncertain_is_one_the_model_allows():
    draft = deal_to_data(load_deal(IMAGING))
    offered = uncertain_paths(draft)
    assert all(may_be_uncertain(p) for p in offered)
    assert "route_to_market.sales.price_gbp" in offered and "route_to_market.stages[3].duration_years" in offered
    assert uncertain_paths({"terms": [{"kind": "equity"}]}) == ["terms[0].exit_value_gbp"]


def test_a_new_uncertain_input_is_a_triangle_around_the_deals_value_within_its_limits():
    assert new_uncertain("route_to_market.sales.price_gbp", 10.0)["distribution"] == {
        "dist": "triangular", "low": 8.0, "mode": 10.0, "high": 12.0}
    certain = new_uncertain("route_to_market.stages[0].probability_of_success", 1.0)["distribution"]
    assert certain["high"] == 1.0 and certain["low"] == 0.8


def test_switching_distribution_keeps_the_centre_and_the_range():
    pert = {"dist": "pert", "low": 1.0, "mode": 2.0, "high": 5.0}
    assert reshape(pert, "triangular") == {**pert, "dist": "triangular"}
    assert reshape(pert, "uniform") == {"dist": "uniform", "low": 1.0, "high": 5.0}
    assert reshape(pert, "lognormal") == {"dist": "lognormal", "mean": 2.0, "sd": 1.0}
    assert reshape(pert, "fixed") == {"dist": "fixed", "value": 2.0}


def test_two_way_inputs_cover_stages_sales_terms_and_rates_but_not_descriptions():
    deal = load_deal(IMAGING)
    options = two_way_inputs(deal)
    for path in ("route_to_market.stages[0].probability_of_success", "route_to_market.sales.price_gbp",
                 "terms[4].tiers[1].rate", "terms[0].amount_gbp", "terms[2].amount_gbp",
                 "assumptions.nhs_discount_rate", "assumptions.partner_discount_rate"):
        assert path in options
    assert not [p for p in options if p.startswith(("uncertainty", "contribution.data_assets"))]
    assert "assumptions.price_base_year" not in options and "terms[4].tiers[0].from_gbp" not in options
    assert default_pair(options) == ("terms[4].tiers[0].rate", "route_to_market.sales.peak_uptake")
    assert grid("terms[0].years", 1, 4, 7) == [1, 2, 3, 4]
    assert grid("route_to_market.sales.peak_uptake", 0.1, 0.3, 3) == [0.1, 0.2, 0.3]


def test_tornado_table_names_each_drivers_values_and_source():
    deal = load_deal(IMAGING)
    bars = tornado(deal)
    frame = tornado_table(bars, "Partner")
    assert len(frame) == len(bars)
    swings = [abs(h - lo) for lo, h in zip(frame["Partner NPV at low (£)"], frame["Partner NPV at high (£)"],
                                           strict=False)]
    assert swings == sorted(swings, reverse=True)
    assert set(frame["Source"]) <= {b.driver.source for b in bars}


# -- the Risk page ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_risk_page_shows_the_simulation_tornado_and_two_way_table_of_every_example(path):
    at = open_page(RISK, path)
    deal = load_deal(path)
    assert not at.exception and not errors(at)
    want = expected_summary(deal)
    assert metric(at, "NHS NPV, mean of trials") == money(want.nhs.mean)
    assert metric(at, "Partner NPV, mean of trials") == money(want.partner.mean)
    assert metric(at, "NHS NPV below £0") == percent(want.nhs_loses_money)
    assert metric(at, "Partner NPV below £0") == percent(want.partner.probability_negative)
    assert not [d for d in at.dataframe if "NPV range" in d.value.columns]  # the charts' figures, when opened:
    expand(at, *FIGURES)
    histogram = table(at, "NPV range", "Share")
    assert histogram["NPV range"].tolist() == want.histograms["NPV range"].tolist()
    fan = table(at, "P10", "P50", "P90")
    assert len(fan) == 2 * (deal.assumptions.horizon_years + 1)
    assert fan["P50"].tolist() == want.fans["P50"].tolist()
    assert table(at, "Figure", "NHS", "Partner")["NHS"].iloc[1] == money(want.expected_nhs)
    # Only the tab on screen is computed: the tornado and the two-way table appear when their tab is chosen.
    assert not [d for d in at.dataframe if "Driver" in d.value.columns]
    open_tab(at, "Tornado")
    assert not at.exception and not errors(at)
    drivers = table(at, "Driver", "Low", "High", "Source")
    assert len(drivers) == len(tornado(deal))
    assert not [m for m in at.metric if m.label == "NHS NPV, mean of trials"]
    open_tab(at, "Two-way table")
    assert not at.exception and not errors(at)
    grids = [d.value for d in at.dataframe if "" in d.value.columns]
    assert len(grids) == 2 and all(len(g) == 7 for g in grids)


def expand(at: AppTest, *keys: str) -> AppTest:
    """Open the Risk page's expanders ``keys``, as a click on each does: what is in one is drawn only while it is
    open."""
    for key in keys:
        at.session_state[key] = True
    return at.run()


UNCERTAIN = "risk:uncertain"
FIGURES = ("risk:figures:histogram", "risk:figures:fan", "risk:figures:two-way")


def open_tab(at: AppTest, label: str) -> AppTest:
    """Choose a tab of the Risk page, as a click on it does (the tabs rerun the page)."""
    at.session_state["risk:tab"] = label
    return at.run()


def test_the_chosen_tab_is_kept_when_the_user_comes_back_to_the_risk_page():
    at = open_page(RISK, IMAGING)
    open_tab(at, "Tornado")
    at.switch_page("app_pages/valuation.py").run()
    at.switch_page(RISK).run()
    assert at.session_state["risk:tab"] == "Tornado"
    assert table(at, "Driver", "Low", "High", "Source") is not None


def test_the_same_seed_gives_the_same_figures_and_another_seed_or_trial_count_others():
    at = open_page(RISK, IMAGING)
    deal = load_deal(IMAGING)
    first = metric(at, "Partner NPV, mean of trials")
    at.number_input(key="risk:seed").set_value(2).run()
    second = metric(at, "Partner NPV, mean of trials")
    assert second != first and second == money(expected_summary(deal, seed=2).partner.mean)
    at.number_input(key="risk:trials").set_value(20_000).run()
    assert metric(at, "Partner NPV, mean of trials") == money(expected_summary(deal, 20_000, 2).partner.mean)
    at.number_input(key="risk:trials").set_value(DEFAULT_TRIALS)
    at.number_input(key="risk:seed").set_value(DEFAULT_SEED).run()
    assert metric(at, "Partner NPV, mean of trials") == first
    at.number_input(key="risk:seed").set_value(3).run()
    third = metric(at, "Partner NPV, mean of trials")
    at.switch_page("app_pages/valuation.py").run()  # Streamlit forgets the widgets of a page it does not draw...
    at.switch_page(RISK).run()
    assert at.number_input(key="risk:seed").value == 3  # ...but the choice was kept, and so are its figures
    assert metric(at, "Partner NPV, mean of trials") == third
    assert not errors(at)


def test_the_uncertain_inputs_are_named_and_their_editor_is_drawn_only_when_opened():
    at = open_page(RISK, IMAGING)
    deal = load_deal(IMAGING)
    names = [md(label_in(u.input, [deal])) for u in deal.uncertainty]
    assert f"Drawn from a distribution in each trial: {'; '.join(names)}." in [c.value for c in at.caption]
    assert not at.session_state[UNCERTAIN] and not [b for b in at.button if b.key == "do:add:uncertainty"]
    expand(at, UNCERTAIN)
    assert at.button(key="do:add:uncertainty") and not errors(at)
    at.switch_page("app_pages/valuation.py").run()
    at.switch_page(RISK).run()  # kept open, as the tab is
    assert at.session_state[UNCERTAIN] and at.button(key="do:add:uncertainty")


def test_an_impossible_uncertain_input_is_named_at_its_field_and_the_last_results_stay():
    at = expand(open_page(RISK, IMAGING), UNCERTAIN)
    before = metric(at, "NHS NPV, mean of trials")
    peak = next(i for i, u in enumerate(at.session_state["draft"]["uncertainty"])
                if u["input"] == "route_to_market.sales.peak_uptake")
    key = f"w:uncertainty[{peak}].distribution.low"
    at.number_input(key=key).set_value(50.0).run()  # a lowest uptake of 50% above the most likely 25%
    assert "Must lie between low and high" in errors(at)  # at its field, as a sentence
    assert STALE in [w.value for w in at.warning]
    assert metric(at, "NHS NPV, mean of trials") == before
    assert at.session_state["draft"]["uncertainty"][peak]["distribution"]["low"] == 0.5  # kept as typed
    at.number_input(key=key).set_value(15.0).run()
    assert not errors(at) and not at.warning
    assert metric(at, "NHS NPV, mean of trials") == money(expected_summary(
        deal_from_data(at.session_state["draft"])).nhs.mean)


def test_a_distribution_that_can_draw_impossible_values_is_refused_with_the_reason():
    at = expand(open_page(RISK, IMAGING), UNCERTAIN)
    peak = next(i for i, u in enumerate(at.session_state["draft"]["uncertainty"])
                if u["input"] == "route_to_market.sales.peak_uptake")
    at.selectbox(key=f"w:uncertainty[{peak}].distribution.dist").select("normal").run()
    assert not errors(at)
    assert at.session_state["draft"]["uncertainty"][peak]["distribution"]["mean"] == 0.25
    at.selectbox(key=f"w:uncertainty[{peak}].distribution.dist").select("lognormal").run()
    assert any("a lognormal has no upper limit" in e for e in errors(at))


def test_an_uncertain_input_can_be_added_and_removed():
    at = expand(open_page(RISK, IMAGING), UNCERTAIN)
    original = copy.deepcopy(at.session_state["draft"])
    at.selectbox(key="add:uncertainty").select("route_to_market.stages[0].partner_cost_gbp")
    at.button(key="do:add:uncertainty").click().run()
    added = at.session_state["draft"]["uncertainty"][-1]
    assert added["input"] == "route_to_market.stages[0].partner_cost_gbp" and not errors(at)
    index = len(at.session_state["draft"]["uncertainty"]) - 1
    assert at.number_input(key=f"w:uncertainty[{index}].distribution.mode").value == 600_000
    at.button(key=f"do:remove:uncertainty[{index}]").click().run()
    assert at.session_state["draft"] == original and not errors(at)


def test_the_two_way_table_shows_the_engines_figures_for_the_chosen_inputs():
    at = open_tab(expand(open_page(RISK, IMAGING), *FIGURES), "Two-way table")
    at.selectbox(key="risk:row").select("assumptions.partner_discount_rate").run()
    deal = load_deal(IMAGING)
    rows, cols = grid("assumptions.partner_discount_rate", 0.075, 0.225, 7), grid(
        "route_to_market.sales.peak_uptake", 0.125, 0.375, 7)
    assert at.number_input(key="risk:row:from").value == 7.5  # around 15%, in percent
    from valueshare.sensitivity import two_way

    want = two_way(deal, "assumptions.partner_discount_rate", rows, "route_to_market.sales.peak_uptake", cols)
    partner = next(d.value for d in at.dataframe if "" in d.value.columns and d.value.iloc[0, 1] == money(
        want.partner_npv[0, 0]))
    assert partner.iloc[6, 7] == money(want.partner_npv[6, 6])
    assert not errors(at)


# -- the Compare page -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_compare_page_lines_up_every_examples_variants_and_marks_what_differs(path):
    at = open_page(COMPARE, path)
    assert not at.exception and not errors(at)
    deal = load_deal(path)
    want = compare(variants_of(deal))
    figures = table(at, "Figure", "Differs")
    difference = ["Difference"] if len(deal.variants) == 1 else []  # an offer and one alternative: the change too
    assert figures.columns.tolist() == ["Figure", "Base", *[v.name for v in deal.variants], *difference, "Differs"]
    assert figures["Differs"].tolist() == ["Yes" if r.differs else "" for r in want.figures]
    assert "Yes" in figures["Differs"].tolist()
    assert figures.iloc[0, 1] == money(want.figures[0].values[0])
    inputs = table(at, "Input", "Field path")
    assert inputs["Field path"].tolist() == [r.path for r in want.inputs]


def test_compare_frames_mark_differing_rows_and_name_inputs_for_people():
    deal = load_deal(IMAGING)
    comparison = compare(variants_of(deal))
    frame = figures_frame(comparison)
    assert frame["Differs"].tolist() == ["Yes" if r.differs else "" for r in comparison.figures]
    inputs = inputs_frame(comparison)
    row = inputs[inputs["Field path"] == "route_to_market.sales.peak_uptake"].iloc[0]
    assert row["Input"] == "Sales: peak uptake (%)" and (row["Base"], row["Downside"], row["Upside"]) == (
        "25%", "15%", "35%")
    assert unique(["A", "A", "B"]) == ["A", "A (2)", "B"]


def test_the_deal_can_be_compared_with_another_example_and_a_counter_offer_file():
    at = open_page(COMPARE, IMAGING)
    at.segmented_control(key="compare:mode").set_value("example").run()
    figures = table(at, "Figure", "Differs")
    assert figures.columns.tolist()[1] == "This deal" and figures.columns.tolist()[3:] == ["Difference", "Differs"]
    assert not errors(at)
    at.segmented_control(key="compare:mode").set_value("file").run()
    counter = deal_to_data(load_deal(IMAGING))
    counter["name"] = "Counter-offer <b>from</b> **SME**"
    counter["terms"][0]["amount_gbp"] = 40_000.0
    uploader = next(u for u in at.file_uploader if u.key.startswith("compare:upload"))
    uploader.set_value(("counter.yaml", deal_to_yaml(deal_from_data(counter)).encode(), "application/x-yaml")).run()
    figures = table(at, "Figure", "Differs")
    assert figures.columns.tolist()[1:3] == ["This deal", "Counter-offer <b>from</b> **SME**"]  # plain text
    inputs = table(at, "Input", "Field path")
    assert "terms[0].amount_gbp" in inputs["Field path"].tolist() and "name" in inputs["Field path"].tolist()
    # Each term and each figure with its difference: the fee falls by £20,000, so does the NHS's NPV (at signature).
    fee = inputs[inputs["Field path"] == "terms[0].amount_gbp"].iloc[0]
    assert (fee["This deal"], fee["Difference"]) == ("£60,000", "-£20,000")  # inputs are written exactly
    nhs = figures[figures["Figure"] == "NHS NPV"].iloc[0]
    assert nhs["Difference"] == "-£20.0k"
    assert not errors(at)


def test_a_counter_offer_file_with_problems_is_refused_with_its_reasons():
    at = open_page(COMPARE, IMAGING)
    at.segmented_control(key="compare:mode").set_value("file").run()
    broken = deal_to_yaml(load_deal(IMAGING)).replace("rate: 0.03", "rate: 3")
    uploader = next(u for u in at.file_uploader if u.key.startswith("compare:upload"))
    uploader.set_value(("broken.yaml", broken.encode(), "application/x-yaml")).run()
    shown = " ".join(errors(at))
    assert "broken.yaml could not be read" in shown and "terms[4].tiers[2].rate" in shown
    assert not at.exception


def test_markup_in_a_variant_name_reaches_the_table_as_plain_text():
    data = deal_to_data(load_deal(IMAGING))
    data["variants"][0]["name"] = ":red[Downside] <i>x</i>"
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.file_uploader[0].set_value(("v.yaml", deal_to_yaml(deal_from_data(data)).encode(),
                                           "application/x-yaml")).run()
    at.switch_page(COMPARE).run()
    assert ":red[Downside] <i>x</i>" in table(at, "Figure", "Differs").columns
    assert not errors(at)


def test_two_way_frame_accepts_a_lone_value():
    t = SimpleNamespace(row_path="r", row_values=np.array([2.0]), col_path="c", col_values=np.array([0.0]),
                        nhs_npv=np.array([[1.0]]), partner_npv=np.array([[1.0]]))
    first = charts.two_way_frame(t).iloc[0]
    assert (first["Row from"], first["Row to"], first["Column from"], first["Column to"]) == (1.8, 2.2, -0.5, 0.5)

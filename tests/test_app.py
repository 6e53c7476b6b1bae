"""The Streamlit app, driven headless by AppTest, and the pure helpers behind its tables and charts.

Tables (``st.data_editor``) are edited the way AppTest allows: by assigning the editor's edit state
(``edited_rows``, ``added_rows``, ``deleted_rows``) to its key before a run, which is what the browser sends.
"""

from __future__ import annotations

import copy
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from apptest_support import show
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from ui.charts import NHS, PARTNER, cash_flow_chart, cash_flow_frame, present_value_frame
from ui.fields import shown, specs, stored
from ui.form import table_frame, table_rows
from ui.results import STALE
from ui.terms import ALL_KINDS, new_term
from ui.text import md
from valueshare.engine.valuation import value_deal
from valueshare.format import money
from valueshare.inputs import read_money
from valueshare.model import RoyaltyTier, Stage
from valueshare.scenario import deal_from_data, deal_to_data, deal_to_yaml, example_paths, load_deal

APP = str(Path(__file__).resolve().parents[1] / "app.py")
EXAMPLES = example_paths()
IMAGING = next(p for p in EXAMPLES if p.name == "ai-imaging-device.yaml")


def open_app(example: Path | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    if example is not None and str(example) != at.session_state["start:example"]:
        at.sidebar.selectbox(key="start:example").select(str(example)).run()
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def edit_table(at: AppTest, path: str, *, edited=None, added=None, deleted=None) -> AppTest:
    """An edit of the table at ``path``, as the user makes it: the table is touched (its on_change, which setting its
    state here does not call), so that its problems are shown as errors."""
    at.session_state[f"t:{path}"] = {"edited_rows": edited or {}, "added_rows": added or [],
                                     "deleted_rows": deleted or []}
    at.session_state["touched"] = {*at.session_state.get("touched", ()), path}
    return at.run()


def expected_nhs_npv(data: dict) -> str:
    return money(value_deal(deal_from_data(data)).nhs_npv)


# -- opening deals -----------------------------------------------------------------------------------------------

def test_the_app_opens_on_the_imaging_example_and_shows_its_nhs_npv():
    at = open_app()
    first = load_deal(IMAGING)
    assert not at.exception and not errors(at)
    assert at.session_state["draft"] == deal_to_data(first)
    assert metric(at, "NHS NPV") == money(value_deal(first).nhs_npv)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_opens_without_error_on_both_pages_with_its_nhs_npv(path):
    at = open_app(path)
    want = money(value_deal(load_deal(path)).nhs_npv)
    assert not at.exception and not errors(at)
    assert metric(at, "NHS NPV") == want
    # Drawing the widgets must not change the deal: every figure survives the trip through its widget.
    assert at.session_state["draft"] == deal_to_data(load_deal(path))
    at.switch_page("app_pages/valuation.py").run()
    assert not at.exception and not errors(at)
    assert metric(at, "NHS NPV") == want


def test_a_broken_upload_shows_its_problems_and_keeps_the_deal_being_edited():
    at = open_app()
    before = copy.deepcopy(at.session_state["draft"])
    broken = deal_to_yaml(load_deal(IMAGING)).replace("rate: 0.03", "rate: lots")
    at.sidebar.file_uploader[0].set_value(("broken.yaml", broken.encode(), "application/x-yaml")).run()
    shown_errors = " ".join(errors(at))
    assert "broken.yaml could not be opened" in shown_errors.replace("\\", "")
    assert "terms[4].tiers[2].rate" in shown_errors.replace("\\", "")
    assert at.session_state["draft"] == before
    assert not at.exception


def test_an_upload_that_is_not_yaml_is_refused_with_a_reason():
    at = open_app()
    at.sidebar.file_uploader[0].set_value(("bad.yaml", b"name: [unclosed", "application/x-yaml")).run()
    assert "not valid YAML" in " ".join(errors(at))
    assert not at.exception


def test_a_valid_upload_replaces_the_deal():
    at = open_app()
    text = deal_to_yaml(load_deal(IMAGING))
    at.sidebar.file_uploader[0].set_value(("imaging.yaml", text.encode(), "application/x-yaml")).run()
    assert not errors(at)
    assert at.session_state["draft"] == deal_to_data(load_deal(IMAGING))
    assert metric(at, "NHS NPV") == money(value_deal(load_deal(IMAGING)).nhs_npv)


def test_an_upload_in_an_older_format_opens_migrated_and_says_so_once():
    from valueshare import formats

    # The real steps from format 1 to the current one (the app's script runs in its own thread, which sees
    # MIGRATIONS itself).
    at = open_app()
    old_path = Path(__file__).parent / "corpus" / "format1" / "ai-imaging-device.yaml"
    at.sidebar.file_uploader[0].set_value(("old.yaml", old_path.read_bytes(), "application/x-yaml")).run()
    notes = [i.value.replace("\\", "") for i in at.sidebar.info]
    steps = "; ".join(f"{k} to {k + 1}: {formats.MIGRATIONS[k].description}" for k in range(1, formats.CURRENT_FORMAT))
    assert notes == [f"old.yaml: written in format 1, read as format {formats.CURRENT_FORMAT} ({steps}). "
                     "Download or save the deal to keep it in the current format."]
    assert not errors(at) and at.session_state["draft"] == deal_to_data(load_deal(old_path))
    at.run()
    assert not at.sidebar.info  # said once


# -- editing -----------------------------------------------------------------------------------------------------

def test_changing_a_royalty_tier_rate_changes_the_nhs_npv():
    at = open_app(IMAGING)
    before = metric(at, "NHS NPV")
    show(at, "Terms")
    edit_table(at, "terms[4].tiers", edited={0: {"rate": 5.0}})  # the table shows 1% as 1.0; 5.0 is 5%
    assert at.session_state["draft"]["terms"][4]["tiers"][0]["rate"] == 0.05
    after = metric(at, "NHS NPV")
    assert after != before
    assert after == expected_nhs_npv(at.session_state["draft"])
    assert not errors(at)


def test_an_impossible_stage_probability_is_named_and_the_last_valuation_stays_on_screen():
    at = open_app(IMAGING)
    before = metric(at, "NHS NPV")
    show(at, "Route to market")
    edit_table(at, "route_to_market.stages", edited={0: {"probability_of_success": 150.0}})
    assert any("Stage 1, Probability of success" in e.replace("\\", "") for e in errors(at))
    assert STALE in [w.value for w in at.warning]
    assert metric(at, "NHS NPV") == before
    assert at.session_state["draft"]["route_to_market"]["stages"][0]["probability_of_success"] == 1.5
    assert not at.exception


def test_an_invalid_number_stays_in_its_widget_until_it_is_fixed():
    at = open_app(IMAGING)
    before = metric(at, "NHS NPV")
    show(at, "Assumptions")
    at.number_input(key="w:assumptions.partner_discount_rate").set_value(150.0).run()
    # in the unit typed in the form (%), not the fraction the deal file holds
    assert "Must be between 0% and 100%" in errors(at)  # at its field
    assert not any("between 0 and 1" in e for e in errors(at))
    assert at.number_input(key="w:assumptions.partner_discount_rate").value == 150.0
    assert metric(at, "NHS NPV") == before and STALE in [w.value for w in at.warning]
    at.number_input(key="w:assumptions.partner_discount_rate").set_value(12.0).run()
    assert not errors(at) and not at.warning
    assert at.session_state["draft"]["assumptions"]["partner_discount_rate"] == 0.12


def test_an_edit_survives_a_visit_to_another_page():
    at = open_app(IMAGING)
    at.text_input(key="w:partner.name").input("Renamed Ltd").run()
    show(at, "Terms")
    at.text_input(key="w:terms[0].amount_gbp").input("£70,000").run()
    at.switch_page("app_pages/valuation.py").run()
    assert metric(at, "NHS NPV") == expected_nhs_npv(at.session_state["draft"])
    at.switch_page("app_pages/deal.py").run()
    show(at, "Parties")
    assert at.text_input(key="w:partner.name").value == "Renamed Ltd"
    show(at, "Terms")
    assert read_money(at.text_input(key="w:terms[0].amount_gbp").value) == 70_000.0


def test_adding_a_mechanism_asks_for_its_figures_and_removing_it_restores_the_deal():
    at = open_app(IMAGING)
    original = copy.deepcopy(at.session_state["draft"])
    before = metric(at, "NHS NPV")
    show(at, "Terms")
    at.selectbox(key="add:terms").select("equity")
    at.button(key="do:add:terms").click().run()
    terms = at.session_state["draft"]["terms"]
    assert len(terms) == len(original["terms"]) + 1 and terms[-1]["kind"] == "equity"
    index = len(terms) - 1
    # The stake, exit value... are the user's to enter: listed as still to fill in, not as errors, until touched.
    assert not errors(at)
    checklist = " ".join(i.value for i in at.info).replace("\\", "")
    assert "To complete this deal, fill in" in checklist and f"Term {index + 1} (Equity), stake" in checklist
    at.number_input(key=f"w:terms[{index}].stake").set_value(5.0)
    at.text_input(key=f"w:terms[{index}].exit_value_gbp").input("£20,000,000")
    at.number_input(key=f"w:terms[{index}].exit_year").set_value(8)
    at.number_input(key=f"w:terms[{index}].exit_probability").set_value(20.0).run()
    assert not errors(at)
    assert metric(at, "NHS NPV") == expected_nhs_npv(at.session_state["draft"]) != before
    at.button(key=f"do:remove:terms[{index}]").click().run()
    assert at.session_state["draft"] == original
    assert metric(at, "NHS NPV") == before and not errors(at)


def test_removing_a_term_moves_the_next_terms_figures_into_its_place():
    at = open_app(IMAGING)
    second = at.session_state["draft"]["terms"][1]
    show(at, "Terms")
    at.button(key="do:remove:terms[0]").click().run()
    assert at.session_state["draft"]["terms"][0] == second
    assert read_money(at.text_input(key="w:terms[0].amount_gbp").value) == second["amount_gbp"]
    assert not errors(at)


def test_a_term_inside_the_consent_clause_can_be_added_and_removed():
    at = open_app(EXAMPLES[0])
    clause = next(i for i, t in enumerate(at.session_state["draft"]["terms"])
                  if t["kind"] == "consent_to_commercialise")
    inner = f"terms[{clause}].terms"
    count = len(at.session_state["draft"]["terms"][clause]["terms"])
    show(at, "Terms")
    at.selectbox(key=f"add:{inner}").select("revenue_share")
    at.button(key=f"do:add:{inner}").click().run()
    assert at.session_state["draft"]["terms"][clause]["terms"][-1]["kind"] == "revenue_share"
    at.button(key=f"do:remove:{inner}[{count}]").click().run()
    assert len(at.session_state["draft"]["terms"][clause]["terms"]) == count
    assert not errors(at)


def test_a_milestone_on_a_stage_that_no_longer_exists_is_reported_on_its_card():
    at = open_app(IMAGING)
    show(at, "Route to market")
    edit_table(at, "route_to_market.stages", edited={2: {"name": "Regulatory clearance"}})
    assert any("no stage is called" in e.replace("\\", "") for e in errors(at))
    show(at, "Terms")
    at.selectbox(key="w:terms[2].stage").select("Regulatory clearance").run()
    assert not errors(at)


def test_a_new_table_row_with_empty_cells_is_reported_row_by_row():
    at = open_app(IMAGING)
    show(at, "Route to market")
    edit_table(at, "route_to_market.stages", added=[{"name": "Post-market study"}])
    shown_errors = " ".join(errors(at)).replace("\\", "")
    assert "Stage 5, Duration (years): is required" in shown_errors
    assert at.session_state["draft"]["route_to_market"]["stages"][-1] == {"name": "Post-market study"}


def test_user_text_is_shown_as_text_not_markup():
    at = open_app()
    at.text_input(key="w:name").input("**Bold** :red[deal] <b>x</b>").run()
    at.switch_page("app_pages/valuation.py").run()
    captions = [c.value for c in at.caption]
    assert md("**Bold** :red[deal] <b>x</b>") in captions


# -- pure helpers ----------------------------------------------------------------------------------------------

def test_cash_flow_frame_has_one_row_per_year_and_side_with_the_engines_figures():
    valuation = value_deal(load_deal(IMAGING))
    frame = cash_flow_frame(valuation)
    years = len(valuation.years)
    assert len(frame) == 2 * years
    nhs = frame[frame["Side"] == NHS]
    partner = frame[frame["Side"] == PARTNER]
    assert nhs["Year"].tolist() == list(range(years))
    assert nhs["Cash flow (£)"].tolist() == pytest.approx(valuation.nhs_cash_flow.tolist())
    assert partner["Cash flow (£)"].tolist() == pytest.approx(valuation.partner_cash_flow.tolist())
    assert nhs["Cash flow"].iloc[0] == money(valuation.nhs_cash_flow[0])
    for side in (NHS, PARTNER):
        assert cash_flow_chart(frame, side)["layer"][0]["mark"]["color"] in ("#0072B2", "#E69F00")


def test_present_value_frame_lists_each_line_and_ends_with_the_sides_npv():
    valuation = value_deal(load_deal(IMAGING))
    frame = present_value_frame(valuation, NHS)
    assert frame["Line"].tolist()[:-1] == [line.label for line in valuation.nhs_lines]
    assert frame.iloc[-1].tolist() == ["NHS NPV", money(valuation.nhs_npv)]


def test_fractions_are_shown_as_percentages_and_stored_back_unchanged():
    rate = specs(RoyaltyTier)["rate"]
    assert shown(0.02, rate) == 2.0
    assert stored(2.5, rate) == 0.025
    for value in (0.289, 0.035, 0.0125, 0.906, 0.1):
        assert stored(shown(value, rate), rate, before=value) == value
        assert math.isclose(stored(shown(value, rate), rate), value)


def test_empty_table_cells_become_missing_fields_for_the_model_to_report():
    columns = list(specs(Stage).values())
    frame = table_frame([{"name": "A", "duration_years": 1.0, "probability_of_success": 0.5}], columns)
    assert frame["probability_of_success"].tolist() == [50.0]
    frame.loc[0, "duration_years"] = float("nan")
    frame = pd.concat([frame, pd.DataFrame([{"name": None}])], ignore_index=True)
    rows = table_rows(frame, columns)
    assert rows[0] == {"name": "A", "probability_of_success": 0.5}
    assert rows[1] == {}


def test_every_new_term_has_its_kind_and_only_real_defaults():
    draft = deal_to_data(load_deal(IMAGING))
    for kind in ALL_KINDS:
        term = new_term(kind, draft)
        assert term["kind"] == kind
    assert new_term("milestone", draft)["stage"] == draft["route_to_market"]["stages"][0]["name"]
    assert new_term("royalty", draft)["tiers"] == [{"from_gbp": 0.0}]


def test_markup_in_user_text_is_escaped():
    assert md("R&D <Ltd> **x**") == r"R\&D \<Ltd\> \*\*x\*\*"


def test_the_document_downloads_build_the_documents_of_the_last_valid_deal():
    import openpyxl

    from ui.documents import brief_bytes, excel_bytes, term_sheet_bytes
    from ui.state import Valid

    deal = load_deal(IMAGING)
    valid = Valid(deal, deal.model_dump_json(), value_deal(deal))
    from valueshare.reports.termsheet_content import DEFAULTS

    for build, kind in ((term_sheet_bytes, "Term sheet"), (brief_bytes, "Negotiation brief")):
        pdf = build(valid, DEFAULTS)
        assert pdf.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert deal.name in text and kind in text
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes(valid, DEFAULTS)))
    assert {"Summary", "Inputs", "Cash flows"} <= set(book.sheetnames)


def test_switching_off_the_route_to_market_keeps_it_to_bring_back():
    at = open_app(IMAGING)
    original = copy.deepcopy(at.session_state["draft"])
    show(at, "Route to market")
    at.toggle(key="w:route_to_market?").set_value(False).run()
    assert "route_to_market" not in at.session_state["draft"]
    # named in the form's words (the CLI's message names the path route_to_market.sales)
    assert any("the product's sales (Route to market) must be filled in" in e.replace("\\", "") for e in errors(at))
    at.toggle(key="w:route_to_market?").set_value(True).run()
    assert at.session_state["draft"] == original
    assert not errors(at)


def test_each_document_is_built_when_asked_for_and_only_for_the_current_deal():
    at = open_app(IMAGING)
    at.switch_page("app_pages/documents.py").run()
    labels = [b.label for b in at.download_button]
    assert labels == ["Deal file (YAML)", "Deal file for the partner (YAML)"]
    for name in ("term sheet", "negotiation brief", "Excel model"):
        next(b for b in at.button if b.label == f"Prepare the {name}").click().run()
        assert not errors(at) and not at.exception
    assert [b.label for b in at.download_button][2:] == ["Download the term sheet (PDF)",
                                                         "Download the negotiation brief (PDF)",
                                                         "Download the Excel model (XLSX)"]
    at.switch_page("app_pages/deal.py").run()
    show(at, "Terms")
    at.text_input(key="w:terms[0].amount_gbp").input("£61,000").run()  # a new version needs new documents
    at.switch_page("app_pages/documents.py").run()
    assert [b.label for b in at.download_button] == ["Deal file (YAML)", "Deal file for the partner (YAML)"]


def test_the_deal_file_for_the_partner_is_the_cores_partner_file_and_leaves_out_the_nhss_position(monkeypatch):
    import streamlit
    from test_hardening import SECRETS, _deal_with_secrets_everywhere

    from valueshare.sharing import partner_yaml

    downloads: dict[str, object] = {}
    original = streamlit.download_button

    def recorded(label, data, *args, **kwargs):  # what each download would hand the browser
        downloads[label] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recorded)
    deal = _deal_with_secrets_everywhere()  # a secret planted in every internal place the format has
    at = open_app()
    at.session_state["pending_load"] = (deal_to_data(deal), "secret.yaml")
    at.run()
    at.switch_page("app_pages/documents.py").run()
    text = downloads["Deal file for the partner (YAML)"]
    assert text == partner_yaml(deal)
    assert not [secret for secret in SECRETS if secret in text]
    assert "313131" in deal_to_yaml(deal)  # (the NHS's cost of access, in the full deal file)
    at.checkbox(key="documents:with-nhs-costs").check().run()
    assert not at.exception
    assert downloads["Deal file for the partner (YAML)"] == partner_yaml(deal, with_nhs_costs=True)
    assert "313131" in downloads["Deal file for the partner (YAML)"]


def test_a_table_edit_survives_a_visit_to_another_page():
    at = open_app(IMAGING)
    show(at, "Terms")
    edit_table(at, "terms[4].tiers", edited={1: {"rate": 2.5}})
    at.switch_page("app_pages/valuation.py").run()
    assert "t:terms[4].tiers" not in at.session_state  # Streamlit forgot the editor...
    at.switch_page("app_pages/deal.py").run()
    table = at.data_editor(key="t:terms[4].tiers").value  # ...so it was rebuilt from the draft
    assert table["rate"].tolist() == [1.0, 2.5, 3.0]
    assert at.session_state["draft"]["terms"][4]["tiers"][1]["rate"] == 0.025


def test_the_sidebar_names_the_deal_as_edited_and_where_it_was_opened_from():
    at = open_app(IMAGING)
    example = load_deal(IMAGING).name
    assert f"Editing: {md(example)}" in [c.value for c in at.sidebar.caption]
    at.text_input(key="w:name").input("Sepsis alert <AI> & Co").run()
    assert f"Editing: {md('Sepsis alert <AI> & Co')}  \nOpened from: {md(example)}" in \
        [c.value for c in at.sidebar.caption]


def test_a_problem_shown_on_another_page_names_its_field_in_words_without_its_path():
    at = open_app(IMAGING)
    show(at, "Assumptions")
    at.number_input(key="w:assumptions.partner_discount_rate").set_value(150.0).run()
    show(at, "Terms")
    at.selectbox(key="add:terms").select("revenue_share").run()
    at.button(key="do:add:terms").click().run()
    at.switch_page("app_pages/valuation.py").run()
    box = errors(at)[0].replace("\\", "")  # markdown escapes
    assert "This deal has 1 problem" in box
    # in the unit the form shows, without the field's path (that is for the deal file and the command line)
    assert "- **Assumptions, partner discount rate (%)**: must be between 0% and 100%" in box
    assert "assumptions.partner_discount_rate" not in box and "(0% to 100%)" not in box
    # the new term's rate, not yet touched, is on the checklist by the catalogue's label, not an error
    checklist = " ".join(i.value for i in at.info).replace("\\", "")
    assert "To complete this deal, fill in 1 field:**\n\n- **Term 7 (Revenue share), rate (%)**" in checklist
    assert "terms[6].rate" not in checklist


@pytest.mark.parametrize(("page", "after"), [
    ("deal", "Valuation"), ("valuation", "Risk"), ("risk", "Framework check"), ("framework", "Contribution value"),
    ("contribution", "Negotiation"), ("negotiation", "Compare"), ("compare", "Documents"), ("documents", "Register"),
    ("register", "Portfolio"), ("portfolio", None), ("guide", None)])
def test_each_page_of_the_journey_ends_with_a_link_to_the_next_in_the_sidebars_order(page, after):
    at = open_app(IMAGING)
    if page != "deal":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    labels = [link.proto.label for link in at.get("page_link")]  # a page may link elsewhere too; the step is last
    assert [t for t in labels if t.startswith("Next: ")] == ([f"Next: {after}"] if after else [])
    assert not after or labels[-1] == f"Next: {after}"


def test_a_new_deal_asks_for_each_required_field_and_values_once_they_are_filled_in():
    at = open_app(IMAGING)
    at.sidebar.button(key="start:new").click().run()
    assert not at.exception and at.session_state["start:example"] is None
    assert "Editing: a new deal" in [c.value for c in at.sidebar.caption]
    # Each required field is listed, neutrally, as one to fill in, and no error is shown before anything is typed; no
    # figures are shown, since no version of this deal was ever valid.
    assert not at.metric and "No valid version" in " ".join(i.value for i in at.info)
    assert not errors(at) and "To complete this deal, fill in 6 fields:" in " ".join(i.value for i in at.info)
    # A visit to the register lists what to fill in before saving, and is not yet a save: back on the Deal page the
    # fields are still a checklist, not errors.
    at.switch_page("app_pages/register.py").run()
    assert "Fix the deal's problems before saving it" in " ".join(i.value for i in at.info) and not errors(at)
    at.switch_page("app_pages/deal.py").run()
    assert not errors(at) and "To complete this deal, fill in 6 fields:" in " ".join(i.value for i in at.info)
    # Inputs with a default in the model show it, so what is on screen is what the valuation uses.
    show(at, "Assumptions")
    assert at.number_input(key="w:assumptions.horizon_years").value == 20
    assert at.number_input(key="w:assumptions.nhs_discount_rate").value == 3.5
    show(at, "Parties")
    at.text_input(key="w:name").input("Sepsis alert AI").run()
    at.text_input(key="w:nhs.name").input("Northshire Hospitals NHS Foundation Trust").run()
    at.selectbox(key="w:nhs.kind").select("trust").run()
    at.text_input(key="w:partner.name").input("Acme Analytics Ltd").run()
    at.selectbox(key="w:partner.kind").select("sme").run()
    checklist = " ".join(i.value for i in at.info)
    assert not errors(at) and "fill in 1 field:**\n\n- **Use**" in checklist
    at.selectbox(key="w:use").select("commercial_product_development").run()
    assert not errors(at) and "To complete this deal" not in " ".join(i.value for i in at.info)
    # Nothing is contributed, paid or sold yet: every flow is zero (worked by hand), so both NPVs are £0.
    assert metric(at, "NHS NPV") == "£0" and metric(at, "Partner NPV") == "£0"
    show(at, "Contribution")
    at.text_input(key="w:contribution.access_costs.preparation_gbp").input("£20,000").run()
    # The NHS's preparation cost falls at signature (year 0, undiscounted): NHS NPV -£20,000.
    assert metric(at, "NHS NPV") == "-£20.0k"


@pytest.mark.parametrize("page", ["valuation", "risk", "framework", "contribution", "negotiation", "compare",
                                  "documents", "register"])
def test_every_page_of_a_new_deal_says_what_is_missing_and_shows_no_other_deals_figures(page):
    at = open_app(IMAGING)
    at.sidebar.button(key="start:new").click().run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    shown = errors(at)
    assert not [e for e in shown if "Something went wrong" in e]
    if page == "register":  # only a valid deal is saved; the six fields still to fill in are listed
        saving = next(i.value for i in at.info if "Fix the deal's problems before saving it" in i.value)
        assert saving.count("\n- ") == 6 and "**Name of the deal**" in saving
    elif page == "documents":  # a document needs the whole deal: what is still to fill in is now a problem
        assert "This deal has 6 problems" in shown[0]
    else:  # listed as still to fill in, each with a button to the section that edits it; not yet an error
        assert not shown and "To complete this deal, fill in 6 fields:" in " ".join(i.value for i in at.info)
        assert [b.label for b in at.button if b.key == "deal:open:Parties"] == ["Open Parties (6 to fill in)"]
    imaging = value_deal(load_deal(IMAGING))
    assert not [m for m in at.metric if m.value in (money(imaging.nhs_npv), money(imaging.partner_npv))]


def test_an_apptest_run_takes_over_the_main_module():
    # Streamlit's AppTest runs app.py as __main__ and does not put the old one back; conftest.py does, after
    # each test, so that a process started later by multiprocessing does not import app.py (as the register's
    # concurrency tests do). The test after this one checks that.
    import sys

    open_app()
    assert sys.modules["__main__"].__file__ == APP


def test_the_next_test_finds_the_main_module_put_back():
    import sys

    assert getattr(sys.modules["__main__"], "__file__", None) != APP


def _filled_new_deal() -> AppTest:
    at = open_app(IMAGING)
    at.sidebar.button(key="start:new").click().run()
    for key, value in (("w:name", "Sepsis alert AI"), ("w:nhs.name", "Northshire Trust"),
                       ("w:partner.name", "Acme Analytics Ltd")):
        at.text_input(key=key).input(value).run()
    for key, value in (("w:nhs.kind", "trust"), ("w:partner.kind", "sme"), ("w:use", "commercial_product_development")):
        at.selectbox(key=key).select(value).run()
    return at


def test_a_new_deal_with_only_its_names_and_use_builds_every_document():
    at = _filled_new_deal()
    at.switch_page("app_pages/documents.py").run()
    for name in ("term sheet", "negotiation brief", "Excel model"):
        next(b for b in at.button if b.label == f"Prepare the {name}").click().run()
        assert not errors(at) and not at.exception, name
    assert len(at.download_button) == 5


@pytest.mark.parametrize("page", ["valuation", "risk", "framework", "contribution", "negotiation", "compare",
                                  "register", "portfolio"])
def test_every_page_shows_a_new_deal_with_nothing_paid_or_sold_without_an_error(page):
    at = _filled_new_deal()
    at.switch_page(f"app_pages/{page}.py").run()
    tabs = ["Monte Carlo", "Tornado", "Two-way table"] if page == "risk" else [None]
    for tab in tabs:
        if tab:
            at.session_state["risk:tab"] = tab
            at.run()
        assert not at.exception and not errors(at), (page, tab, errors(at))


def test_the_documents_page_warns_of_characters_the_pdfs_cannot_print():
    from valueshare.reports.glyphs import missing_glyphs

    data = deal_to_data(load_deal(IMAGING))
    data["partner"]["name"] = "Acme 🏥 Ltd"       # an emoji: not in the PDFs' font
    data["nhs"]["name"] = "Ysbyty Gwynedd ŵ ŷ"   # Welsh: in the font, so no warning
    at = open_app()
    at.session_state["pending_load"] = (data, "emoji.yaml")
    at.run()
    at.switch_page("app_pages/documents.py").run()
    assert not at.exception
    warnings = [w.value for w in at.warning if "cannot be printed" in w.value]
    assert len(warnings) == 1
    shown = warnings[0].replace("\\", "")
    assert "partner.name: U+1F3E5 (HOSPITAL) at character 6" in shown
    assert "nhs.name" not in shown
    assert missing_glyphs(deal_from_data(data)) == [
        "partner.name: U+1F3E5 (HOSPITAL) at character 6 cannot be printed in the PDF's font; it shows as an "
        "empty box"]

"""The app on issue 16's partnerships, driven headless by AppTest: a consortium on the NHS side and its split, a grant,
another user of the platform, the two new mechanisms, and the new example deals on every page.

Tables are edited as in tests/test_app.py: by giving the editor's key the edit state the browser would send.
"""

from __future__ import annotations

import copy

import pytest
from apptest_support import errors, expand, metrics, open_page, show, tables
from streamlit.testing.v1 import AppTest

from ui.form import table_columns, table_frame, table_rows
from ui.partnership import new_platform_user
from ui.terms import USER_KINDS
from valueshare.inputs import read_money
from valueshare.model.parties import Member
from valueshare.scenario import SCENARIO_DIR, deal_from_data, deal_to_data, load_deal

#: A plain deal to build on, every flow at signature (year 0) so that nothing is discounted: the partner pays a
#: one-off access fee of £120,000 and the NHS spends £30,000 preparing the data. NHS NPV £90,000.
BASE = {
    "name": "Linked record access", "nhs": {"name": "Northshire ICS", "kind": "icb"},
    "partner": {"name": "Acme Analytics Ltd", "kind": "sme"}, "use": "commercial_product_development",
    "access_route": "extract", "contribution": {"access_costs": {"preparation_gbp": 30_000}},
    "terms": [{"kind": "access_fee", "amount_gbp": 120_000}],
}

#: Three members as the table takes them (shares in %, own costs in their own columns): two NHS bodies with their
#: own preparation costs, and a university that co-owns the data.
MEMBERS = [
    {"name": "Northshire Hospitals NHS FT", "is_nhs": True, "records": 0.0, "share": 50.0,
     "own_costs.preparation_gbp": 10_000.0},
    {"name": "Northshire Community NHS Trust", "is_nhs": True, "records": 0.0, "share": 30.0,
     "own_costs.preparation_gbp": 3_000.0},
    {"name": "University of Northshire", "is_nhs": False, "records": 0.0, "share": 20.0},
]

PAGES = ["deal", "valuation", "risk", "framework", "contribution", "negotiation", "compare", "documents", "register",
         "portfolio"]
#: The examples issue 16 adds; each is tested if another change has put it in scenarios/.
NEW_EXAMPLES = ["national-ai-adoption.yaml", "ics-linked-record.yaml", "cancer-data-platform.yaml",
                "life-sciences-cluster.yaml", "ai-retinopathy-newborns.yaml", "ai-prognosis-cancer-centre.yaml",
                "value-based-pathways.yaml", "child-health-hubs.yaml"]


def open_deal(data: dict) -> AppTest:
    at = open_page()
    at.session_state["pending_load"] = (deal_to_data(deal_from_data(data)), "partnership.yaml")
    return at.run()


def edit_table(at: AppTest, path: str, *, edited=None, added=None, deleted=None) -> AppTest:
    """An edit of the table at ``path``, as the user makes it: the table is touched (its on_change, which setting its
    state here does not call), so that its problems are shown as errors."""
    at.session_state[f"t:{path}"] = {"edited_rows": edited or {}, "added_rows": added or [],
                                     "deleted_rows": deleted or []}
    at.session_state["touched"] = {*at.session_state.get("touched", ()), path}
    return at.run()


def table_with(at: AppTest, column: str):
    return next(t for t in tables(at) if column in t.columns)


def after(at: AppTest, key: str):
    """The element the page draws right after the widget or table with ``key``."""
    found: list = []

    def walk(node) -> None:
        found.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    index = next(i for i, node in enumerate(found) if getattr(node, "key", None) == key)
    return found[index + 1]


# -- a consortium ------------------------------------------------------------------------------------------------

def test_a_consortium_of_three_with_a_fixed_split_shows_each_members_figures_on_the_valuation_page():
    at = open_deal(BASE)
    assert metrics(at)["NHS NPV"] == "£90.0k" and not errors(at)
    edit_table(at, "nhs.members", added=MEMBERS)
    # Shares are given but the split is not yet fixed: the model says so, row by row.
    assert any("Member 1, Fixed share (%): a fixed share is used only with split: fixed" in e for e in errors(at))
    at.selectbox(key="w:nhs.split").select("fixed").run()
    assert not errors(at) and not at.exception
    members = at.session_state["draft"]["nhs"]["members"]
    assert members[0] == {"name": "Northshire Hospitals NHS FT", "is_nhs": True, "records": 0.0, "share": 0.5,
                          "own_costs": {"preparation_gbp": 10_000.0}}
    # Worked by hand, every flow in year 0 (no discounting). The consortium receives the £120,000 fee and bears
    # £30,000 of shared costs; each member takes its share of both and bears its own costs alone:
    #   hospitals  50%: receipts £60,000, shared costs £15,000, own £10,000 -> NPV £35,000; recovery 60/25 = 2.40x
    #   community  30%: receipts £36,000, shared costs  £9,000, own  £3,000 -> NPV £24,000; recovery 36/12 = 3.00x
    #   university 20%: receipts £24,000, shared costs  £6,000, own      £0 -> NPV £18,000; recovery 24/6  = 4.00x
    # The NHS's NPV is its NHS members': £35,000 + £24,000 = £59,000 (120,000 - 30,000 - 13,000 - 18,000).
    assert metrics(at)["NHS NPV"] == "£59.0k"
    at.switch_page("app_pages/valuation.py").run()
    assert not errors(at) and not at.exception
    table = table_with(at, "Member")
    assert table.to_dict("records") == [
        {"Member": "Northshire Hospitals NHS FT", "NHS body": "yes", "Share": "50.0%", "Receipts": "£60.0k",
         "Shared costs": "£15.0k", "Own costs": "£10.0k", "NPV": "£35.0k", "Cost recovery": "2.40×"},
        {"Member": "Northshire Community NHS Trust", "NHS body": "yes", "Share": "30.0%", "Receipts": "£36.0k",
         "Shared costs": "£9,000", "Own costs": "£3,000", "NPV": "£24.0k", "Cost recovery": "3.00×"},
        {"Member": "University of Northshire", "NHS body": "no", "Share": "20.0%", "Receipts": "£24.0k",
         "Shared costs": "£6,000", "Own costs": "£0", "NPV": "£18.0k", "Cost recovery": "4.00×"},
    ]
    assert metrics(at)["NHS NPV"] == "£59.0k"


def test_members_without_an_agreed_split_are_listed_with_the_reason_there_are_no_figures_per_member():
    data = copy.deepcopy(BASE)
    data["nhs"]["members"] = [{"name": "Northshire Hospitals NHS FT"}, {"name": "Northshire Community NHS Trust"}]
    at = open_deal(data)
    assert at.selectbox(key="w:nhs.split").value == "not_agreed"
    at.switch_page("app_pages/valuation.py").run()
    assert not errors(at)
    assert "The members have not agreed how to split the receipts, so there are no figures per member." in \
        [c.value.replace("\\", "") for c in at.caption]
    assert not [t for t in tables(at) if "Member" in t.columns]


def test_fixed_shares_that_do_not_add_up_are_reported_at_the_members_table_and_kept_as_typed():
    at = open_deal(BASE)
    before = metrics(at)["NHS NPV"]
    short = [dict(MEMBERS[0]), dict(MEMBERS[1]), {**MEMBERS[2], "share": 10.0}]  # 50 + 30 + 10 = 90%
    edit_table(at, "nhs.members", added=short)
    at.selectbox(key="w:nhs.split").select("fixed").run()
    # The problem sits right under the table it is about (the box at the top names it too) ...
    assert errors(at)[0] == ("**This deal has 1 problem.**\n\n- **NHS, consortium members**: the fixed shares must "
                             "add up to 100%; they add up to 90%\n\nIt is also shown next to its field below.")
    assert after(at, "t:nhs.members").value == "The fixed shares must add up to 100%; they add up to 90%"
    # ... what was typed stays in the draft, and the last valid figures stay on screen ...
    assert [m["share"] for m in at.session_state["draft"]["nhs"]["members"]] == [0.5, 0.3, 0.1]
    assert metrics(at)["NHS NPV"] == before
    # ... and in the table, rebuilt from the draft after a visit to another page, with the problem under it.
    at.switch_page("app_pages/valuation.py").run()
    at.switch_page("app_pages/deal.py").run()
    assert at.data_editor(key="t:nhs.members").value["share"].tolist() == [50.0, 30.0, 10.0]
    assert after(at, "t:nhs.members").value == "The fixed shares must add up to 100%; they add up to 90%"
    edit_table(at, "nhs.members", edited={2: {"share": 20.0}})
    assert not errors(at) and metrics(at)["NHS NPV"] == "£59.0k"  # the consortium of the first test


def test_a_members_own_costs_are_separate_columns_that_read_back_as_its_own_costs():
    columns = table_columns(Member)
    names = [c.name for c in columns]
    assert names[-3:] == ["own_costs.preparation_gbp", "own_costs.yearly_gbp", "own_costs.years"]
    assert [c.label for c in columns[-3:]] == ["Preparation cost (£)", "Yearly cost (£)", "Years"]
    rows = [{"name": "A", "is_nhs": True, "records": 10.0, "own_costs": {"preparation_gbp": 5.0, "yearly_gbp": 2.0,
                                                                         "years": 3}}]
    frame = table_frame(rows, columns)
    assert frame["own_costs.years"].tolist() == [3.0]
    assert table_rows(frame, columns) == rows


# -- grants and other platform users -------------------------------------------------------------------------------

def test_a_grant_and_another_platform_user_show_the_nhss_money_and_each_users_share_of_the_costs():
    at = open_deal(BASE)
    show(at, "Contribution")
    edit_table(at, "funding", added=[{"funder": "NIHR i4i", "kind": "nihr", "towards": "nhs",
                                      "amount_gbp": 10_000.0, "start_year": 0, "years": 1}])
    assert not errors(at)
    # The grant is NHS money: NHS NPV £90,000 + £10,000 = £100,000.
    assert metrics(at)["NHS NPV"] == "£100.0k"
    show(at, "Platform users")
    at.button(key="do:add:platform_users").click().run()
    # the new user's name is the user's to type: on the checklist, not yet an error
    assert not errors(at)
    assert "fill in 1 field:**\n\n- **Other platform users 1, name**" in " ".join(i.value for i in at.info)
    at.text_input(key="w:platform_users[0].name").input("Beta Health Ltd").run()
    assert at.selectbox(key="add:platform_users[0].terms").options == [
        "Access fee", "Subscription", "In-kind benefit", "Secure data environment charges", "Trial and service income"]
    at.selectbox(key="add:platform_users[0].terms").select("access_fee")
    at.button(key="do:add:platform_users[0].terms").click().run()
    at.text_input(key="w:platform_users[0].terms[0].amount_gbp").input("£40,000").run()
    assert not errors(at) and not at.exception
    # the term sheet's sentences name the partner as the payer, so the user's card words none
    assert not [c for c in at.caption if "£40,000" in c.value]
    # Worked by hand, all in year 0: the NHS receives £120,000 + £40,000 = £160,000 and a £10,000 grant, and bears
    # £30,000: NHS NPV £140,000. Its costs less the grant, £20,000, are shared equally by the two users: £10,000
    # each, the partner's being the NHS costs of access. Cost recovery 160/20 = 8.00x (the partner 12.00x, Beta 4.00x).
    shown = metrics(at)
    assert shown["NHS NPV"] == "£140.0k" and shown["NHS costs of access"] == "£10.0k"
    assert shown["Cost recovery"] == "8.00×"
    at.switch_page("app_pages/valuation.py").run()
    assert not errors(at) and not at.exception
    shown = metrics(at)
    assert shown["NHS receipts"] == "£160.0k" and shown["Grants towards the NHS's costs"] == "£10.0k"
    assert "NHS NPV with the product" not in shown  # it buys no product and saves nothing
    assert table_with(at, "Platform user").to_dict("records") == [
        {"Platform user": "Acme Analytics Ltd", "Pays": "£120.0k", "Of which fees": "£120.0k",
         "Cost share": "£10.0k", "Cost recovery": "12.00×"},
        {"Platform user": "Beta Health Ltd", "Pays": "£40.0k", "Of which fees": "£40.0k", "Cost share": "£10.0k",
         "Cost recovery": "4.00×"},
    ]


def test_removing_a_platform_user_moves_the_next_one_into_its_place():
    data = copy.deepcopy(BASE)
    data["platform_users"] = [{"name": "Beta Health Ltd", "terms": [{"kind": "access_fee", "amount_gbp": 40_000}]},
                              {"name": "Gamma Bio plc", "terms": [{"kind": "access_fee", "amount_gbp": 25_000}]}]
    at = open_deal(data)
    show(at, "Platform users")
    assert at.text_input(key="w:platform_users[1].name").value == "Gamma Bio plc"
    at.button(key="do:remove:platform_users[0]").click().run()
    assert [u["name"] for u in at.session_state["draft"]["platform_users"]] == ["Gamma Bio plc"]
    assert at.text_input(key="w:platform_users[0].name").value == "Gamma Bio plc"
    assert read_money(at.text_input(key="w:platform_users[0].terms[0].amount_gbp").value) == 25_000.0
    # £120,000 + £25,000 - £30,000, all in year 0.
    assert not errors(at) and metrics(at)["NHS NPV"] == "£115.0k"


def test_a_new_platform_user_starts_with_the_models_default_kind_and_no_terms():
    assert new_platform_user() == {"name": "", "kind": "large_company", "terms": []}
    assert USER_KINDS == ["access_fee", "subscription", "in_kind_benefit", "sde_charges", "service_income"]


# -- the two new mechanisms --------------------------------------------------------------------------------------

def test_secure_data_environment_charges_are_added_as_a_term_and_need_the_sde_route():
    at = open_deal(BASE)
    show(at, "Terms")
    at.selectbox(key="add:terms").select("sde_charges")
    at.button(key="do:add:terms").click().run()
    # in the app, the rule names the field by its label and section, not by its path (the CLI's message does)
    shown = [e.replace("\\", "") for e in errors(at)]
    assert any("Secure data environment charges need the deal's access route (Parties) to be 'Secure data "
               "environment'" in e for e in shown), shown
    assert not [e for e in shown if "access_route" in e]
    show(at, "Parties")
    at.selectbox(key="w:access_route").select("secure_data_environment").run()  # entered before its tab is left
    show(at, "Terms")
    at.text_input(key="w:terms[1].per_user_per_month_gbp").input("£500")
    at.number_input(key="w:terms[1].users").set_value(2)
    at.selectbox(key="w:terms[1].indexation").select("indexed").run()
    assert not errors(at) and not at.exception
    # 2 users x 12 months x £500 = £12,000 in year 1 (indexed: already real), discounted one year at 3.5%:
    # 12,000 / 1.035 = £11,594.20; NHS NPV £90,000 + £11,594.20 = £101,594.20.
    assert metrics(at)["NHS NPV"] == "£101.6k"
    assert "£500 per user per month for 2 users" in " ".join(c.value.replace("\\", "") for c in at.caption)


def test_trial_and_service_income_is_added_as_a_term_with_the_nhss_cost_of_delivering_it():
    at = open_deal(BASE)
    show(at, "Terms")
    at.selectbox(key="add:terms").select("service_income")
    at.button(key="do:add:terms").click().run()
    checklist = " ".join(i.value for i in at.info).replace("\\", "")
    # its figures are the user's to enter: on the checklist, not yet errors
    assert not errors(at) and "fill in 2 fields:**\n\n- **Term 2 (Trial and service income), units a year**\n" \
        "- **Term 2 (Trial and service income), price per unit (£)**" in checklist
    at.text_input(key="w:terms[1].description").input("trial recruitment")
    at.number_input(key="w:terms[1].units_per_year").set_value(10.0)
    at.text_input(key="w:terms[1].price_per_unit_gbp").input("£2,000")
    at.text_input(key="w:terms[1].nhs_cost_per_unit_gbp").input("£1,500")
    at.selectbox(key="w:terms[1].indexation").select("indexed").run()
    assert not errors(at) and not at.exception
    # Year 1: 10 x £2,000 = £20,000 in, 10 x £1,500 = £15,000 out; net £5,000 / 1.035 = £4,830.92.
    # NHS NPV £90,000 + £4,830.92 = £94,830.92.
    assert metrics(at)["NHS NPV"] == "£94.8k"


# -- sections of their own -----------------------------------------------------------------------------------------

def test_shared_curation_is_switched_on_with_its_defaults_and_off_again_without_losing_it():
    at = open_deal(BASE)
    show(at, "Contribution")
    at.toggle(key="w:contribution.curation?").set_value(True).run()
    assert at.session_state["draft"]["contribution"]["curation"] == {
        "description": "", "already_spent_gbp": 0.0, "yearly_gbp": 0.0, "start_year": 1, "years": 1,
        "expected_users": 1}
    at.text_input(key="w:contribution.curation.already_spent_gbp").input("£200,000")
    at.number_input(key="w:contribution.curation.expected_users").set_value(10).run()
    # This deal's one user bears 1/10 of the £200,000 already spent, at signature: NHS NPV 90,000 - 20,000.
    assert not errors(at) and metrics(at)["NHS NPV"] == "£70.0k"
    at.toggle(key="w:contribution.curation?").set_value(False).run()
    assert "curation" not in at.session_state["draft"]["contribution"] and metrics(at)["NHS NPV"] == "£90.0k"
    at.toggle(key="w:contribution.curation?").set_value(True).run()
    assert at.session_state["draft"]["contribution"]["curation"]["already_spent_gbp"] == 200_000.0


def test_the_sales_inputs_of_issue_16_are_on_the_deal_page():
    at = open_page("app_pages/deal.py")  # the imaging example, which has sales
    for name in ("nhs_share_of_sales", "nhs_party_purchase_share", "starting_uptake"):
        show(at, "Route to market")
        assert at.number_input(key=f"w:route_to_market.sales.{name}") is not None


def test_outcomes_beyond_qalys_are_edited_beside_the_patient_benefit():
    at = open_deal(BASE)
    expand(at.switch_page("app_pages/framework.py").run(), "framework:inputs")  # drawn only when open
    row = {"name": "Outpatient appointments avoided", "kind": "appointments_avoided", "unit": "appointments",
           "per_year": 1_000.0, "start_year": 0, "years": 1, "value_per_unit_gbp": 120.0, "cash_releasing": True}
    edit_table(at, "patient_benefit.outcomes", added=[row])
    assert any("a money value per unit needs its source" in e.replace("\\", "") for e in errors(at))
    # (a row added in this visit is still an added row when its next cell is typed in)
    edit_table(at, "patient_benefit.outcomes", added=[{**row, "value_source": "NHS National Cost Collection"}])
    assert not errors(at) and not at.exception
    # 1,000 appointments x £120 in year 0, cash-releasing: NHS savings £120,000, beside (not in) the NHS NPV.
    at.switch_page("app_pages/valuation.py").run()
    shown = metrics(at)
    assert shown["NHS savings"] == "£120.0k" and shown["NHS NPV"] == "£90.0k"
    assert shown["NHS NPV with the product"] == "£210.0k"


# -- the new examples ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NEW_EXAMPLES)
def test_each_new_example_opens_on_every_page_without_an_error(name):
    path = SCENARIO_DIR / name
    if not path.exists():
        pytest.skip(f"{name} is not in scenarios/ yet")
    at = open_page(example=path)
    # Drawing the widgets (the members' table with its own-cost columns, the users' cards) leaves the deal as read.
    assert at.session_state["draft"] == deal_to_data(load_deal(path))
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        assert not errors(at), (page, errors(at))

"""The catalogue of mechanisms (valueshare.mechanisms): one record per kind of the model's Term, each record's parts
exercised on a sample term, its flags as valueshare has always treated each mechanism, and no kind named elsewhere.

Every sample is one term on the base deal of tests/builders.py, worked by hand as in test_engine_golden (its module
docstring has the deal: P(launch) 0.4, launch at the end of year 2, sales given launch £5,000 a year in years 3-5,
UK share 50%, stage B ends in year 2 with P(A and B succeed) 0.5 × 0.8 = 0.4).
"""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import typing
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from builders import base_data

from valueshare import deal_from_data, value_deal
from valueshare.engine.mechanisms import Timing
from valueshare.engine.route import expected_route
from valueshare.engine.valuation import total_price_discount
from valueshare.errors import DealInvalid
from valueshare.mechanisms import MECHANISMS, Benefit, closing_defaults, mechanism, of
from valueshare.model import SALES_LINKED, TERM_LABELS, CommercialTerm, Term
from valueshare.model.uncertainty import Fixed
from valueshare.negotiation.equivalents import CONTINGENT, COST_RECOVERY
from valueshare.reports.excel import deal_workbook
from valueshare.wording import term_sentence, term_title

ROOT = Path(__file__).resolve().parent.parent


def _models(union) -> tuple[type, ...]:
    return typing.get_args(typing.get_args(union)[0])


def _clause(*terms):
    return {"use": "non_commercial_research",
            "terms": [{"kind": "consent_to_commercialise", "probability": 0.25, "year": 2, "terms": list(terms)}]}


# kind -> (changes to the base deal, the line's key, NHS receipt by year (by hand), partner's cost by year,
#          its title, its sentence)
SAMPLES = {
    "access_fee": (
        {"terms": [{"kind": "access_fee", "amount_gbp": 1000}]}, "terms[0]",
        # one-off, at signature (year 0)
        [1000, 0, 0, 0, 0, 0], [-1000, 0, 0, 0, 0, 0], "Access fee (one-off)",
        "The partner pays a one-off access fee of £1,000 at signature. The amount is indexed to CPI."),
    "subscription": (
        {"terms": [{"kind": "subscription", "amount_gbp_per_year": 100, "start_year": 1, "years": 3,
                    "escalation_rate": 0.1}]}, "terms[0]",
        # 100, 100 × 1.1 = 110, 100 × 1.1² = 121 in years 1 to 3
        [0, 100, 110, 121, 0, 0], [0, -100, -110, -121, 0, 0], "Subscription",
        "The partner pays a subscription of £100 a year, rising by 10% a year, in years 1 to 3 after signature."
        " The amount is indexed to CPI."),
    "milestone": (
        {"terms": [{"kind": "milestone", "stage": "B", "amount_gbp": 1000}]}, "terms[0]",
        # 1,000 × P(A and B succeed) 0.4, in year 2 when B ends
        [0, 0, 400, 0, 0, 0], [0, 0, -400, 0, 0, 0], "Milestone payment: B",
        ("The partner pays £1,000 when the stage 'B' succeeds. Nothing is due if the stage fails. The amount is "
         "indexed to CPI.")),
    "royalty": (
        {"terms": [{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.01}, {"from_gbp": 3000, "rate": 0.02}]}]},
        "terms[0]",
        # given launch: 1% × 3,000 + 2% × 2,000 = 70 a year; × P(launch) 0.4 = 28 in years 3 to 5
        [0, 0, 0, 28, 28, 28], [0, 0, 0, -28, -28, -28], "Royalty (tiered)",
        ("The partner pays a royalty of 1% on yearly sales £0 to £3,000; 2% on yearly sales above £3,000, on "
         "net sales worldwide until sales end. The tiers' thresholds are indexed to CPI.")),
    "revenue_share": (
        {"terms": [{"kind": "revenue_share", "rate": 0.05}]}, "terms[0]",
        # 5% × 5,000 × 0.4 = 100 in years 3 to 5
        [0, 0, 0, 100, 100, 100], [0, 0, 0, -100, -100, -100], "Revenue share",
        "The partner pays the NHS 5% of its revenue from the product, on net sales worldwide until sales end."),
    "equity": (
        {"terms": [{"kind": "equity", "stake": 0.1, "exit_value_gbp": 1_000_000, "exit_year": 4,
                    "exit_probability": 0.2}]}, "terms[0]",
        # 0.1 × 1,000,000 × 0.2 = 20,000 in the exit year
        [0, 0, 0, 0, 20_000, 0], [0, 0, 0, 0, -20_000, 0], "Equity",
        ("The NHS holds 10% of the partner's equity. Valued at an exit worth £1,000,000 in year 4, with a 20% chance "
         "of that exit. The exit value is indexed to CPI. Each party values the stake at its own discount rate.")),
    "nhs_price_discount": (
        {"terms": [{"kind": "nhs_price_discount", "price_discount": 0.2}]}, "terms[0]",
        # 20% × (5,000 × 50% UK) × 0.4 = 200 in years 3 to 5
        [0, 0, 0, 200, 200, 200], [0, 0, 0, -200, -200, -200], "NHS price discount",
        "The NHS buys the product at 20% off the list price."),
    "in_kind_benefit": (
        {"terms": [{"kind": "in_kind_benefit", "description": "training", "value_gbp_per_year": 1000,
                    "partner_cost_gbp_per_year": 400, "start_year": 1, "years": 2}]}, "terms[0]",
        # its worth to the NHS, and its own cost to the partner, in years 1 and 2
        [0, 1000, 1000, 0, 0, 0], [0, -400, -400, 0, 0, 0], "In-kind benefit: training",
        ("The partner provides training, worth £1,000 a year to the NHS (costing the partner £400 a year), in years 1 "
         "to 2 after signature. Its value is indexed to CPI.")),
    "sde_charges": (
        {"terms": [{"kind": "sde_charges", "setup_gbp": 500, "per_user_per_month_gbp": 100, "users": 2,
                    "per_project_gbp": 50, "projects_per_year": 3, "years": 2}]}, "terms[0]",
        # set-up £500 at signature; then 2 users × 12 months × £100 + 3 projects × £50 = £2,550 in years 1 and 2
        [500, 2550, 2550, 0, 0, 0], [-500, -2550, -2550, 0, 0, 0], "Secure data environment charges",
        ("The partner pays the secure data environment's charges: a set-up charge of £500 at signature; then £100 per "
         "user per month for 2 users and £50 per project for 3 projects a year, in years 1 to 2 after signature. The "
         "charges are indexed to CPI.")),
    "service_income": (
        {"terms": [{"kind": "service_income", "description": "trial recruitment", "units_per_year": 10,
                    "price_per_unit_gbp": 300, "nhs_cost_per_unit_gbp": 200, "years": 2}]}, "terms[0]",
        # 10 patients × £300 = £3,000 in years 1 and 2 (the NHS's delivery cost, 10 × £200, is its own cost line)
        [0, 3000, 3000, 0, 0, 0], [0, -3000, -3000, 0, 0, 0], "Trial and service income: trial recruitment",
        ("The NHS delivers trial recruitment: 10 patients recruited a year in years 1 to 2 after signature, for which "
         "the partner pays £300 each (the NHS's cost of delivering one: £200). The price and cost are indexed to "
         "CPI.")),
    "consent_to_commercialise": (
        _clause({"kind": "access_fee", "amount_gbp": 800}), "terms[0].terms[0]",
        # the clause's own fee falls at the switch (year 2), weighted by its chance: 800 × 0.25 = 200
        [0, 0, 200, 0, 0, 0], [0, 0, -200, 0, 0, 0], "Consent-to-commercialise clause",
        ("If the work becomes commercial (assumed 25% likely, in year 2 after signature), these terms apply from that "
         "switch: The partner pays a one-off access fee of £800 at the switch."
         " The amount is indexed to CPI.")),
}


def _sample(kind: str):
    changes, key, nhs, partner, title, sentence = SAMPLES[kind]
    return deal_from_data(base_data(**changes)), key, nhs, partner, title, sentence


def _line(lines, key):
    return next(x for x in lines if x.key == key)


# ------------------------------------------------------------------------------------------ one record per kind

def test_every_kind_of_the_term_union_has_exactly_one_record_in_the_unions_order():
    kinds = [m.model_fields["kind"].default for m in _models(Term)]
    assert list(MECHANISMS) == kinds
    assert [m.model for m in MECHANISMS.values()] == list(_models(Term))
    assert all(m.kind == kind and mechanism(kind) is m for kind, m in MECHANISMS.items())
    assert set(SAMPLES) == set(MECHANISMS)


def test_a_record_reads_its_kind_label_and_flags_from_the_model():
    for kind, m in MECHANISMS.items():
        assert m.label == TERM_LABELS[kind] == m.model.label
        assert m.sales_linked is m.model.sales_linked
        assert m.in_clause is (m.model in _models(CommercialTerm))
        assert of(m.model) is m


def test_an_unknown_kind_is_refused_naming_the_kinds():
    with pytest.raises(ValueError, match="unknown kind 'barter'; the kinds are: access_fee, subscription"):
        mechanism("barter")


# ------------------------------------------------------------------------------- each record on a sample term

@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_records_model_and_engine_function_give_the_hand_worked_flows(kind):
    deal, key, nhs, partner, _, _ = _sample(kind)
    term = deal.terms[0]
    assert isinstance(term, MECHANISMS[kind].model) and of(term) is MECHANISMS[kind]
    v = value_deal(deal)
    assert _line(v.nhs_lines, key).yearly.tolist() == pytest.approx(nhs)
    assert _line(v.partner_lines, key).yearly.tolist() == pytest.approx(partner)
    flows = MECHANISMS[kind].flows
    if flows is None:  # the clause: its lines are its own terms', each valued by its own record
        assert kind == "consent_to_commercialise"
        return
    route = expected_route(deal)
    got = flows(term, route, Timing(0, np.ones(1), deal.assumptions.horizon_years, total_price_discount(deal)))
    assert got.nhs[0].tolist() == pytest.approx(nhs) and (-got.partner[0]).tolist() == pytest.approx(partner)


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_records_sentence_and_title_word_the_sample(kind):
    deal, _, _, _, title, sentence = _sample(kind)
    term = deal.terms[0]
    m = MECHANISMS[kind]
    assert m.title(term) == term_title(term) == title
    assert m.sentence(term, "signature") == term_sentence(term) == sentence


def _term_inputs(model, term, where: str) -> set[str]:
    """Every input of a term, by its scenario path: its fields, each item's fields for a list of parts."""
    out = set()
    for name in model.model_fields:
        if name == "kind":
            continue
        value = getattr(term, name)
        if isinstance(value, list):
            out |= {f"{where}.{name}[{k}].{sub}" for k, item in enumerate(value) for sub in type(item).model_fields}
        else:
            out.add(f"{where}.{name}")
    return out


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_records_excel_rows_hold_every_input_and_a_formula_equal_to_the_engine(kind):
    deal, key, nhs, partner, _, _ = _sample(kind)
    inner = deal.terms[0].terms[0] if kind == "consent_to_commercialise" else deal.terms[0]  # type: ignore[union-attr]
    rows = of(inner).excel
    assert rows is not None
    assert (MECHANISMS[kind].excel is None) is (kind == "consent_to_commercialise")  # the clause has no line
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)), data_only=True)
    fields = {row[4].value for row in book["Inputs"].iter_rows() if isinstance(row[4].value, str)}
    assert _term_inputs(type(inner), inner, key) <= fields
    found = {}
    section = ""
    for row in book["Cash flows"].iter_rows(min_row=5):
        label = row[0].value or ""
        if label.startswith(("NHS:", "Partner:", "Workings:")):
            section = label.split(":")[0]
        elif row[1].value == key:
            found[section] = ([c.value for c in row[4:]], row[2].value)
    assert found["NHS"][0] == pytest.approx(nhs) and found["Partner"][0] == pytest.approx(partner)
    assert found["NHS"][1].endswith(rows.how)
    assert found["NHS"][1].startswith("clause's chance × ") is (kind == "consent_to_commercialise"
                                                               and rows.clause_weighted)


def test_a_service_incomes_delivery_cost_is_an_nhs_cost_that_its_income_must_recover():
    deal = _sample("service_income")[0]
    v = value_deal(deal)
    # 10 patients × £200 delivery cost in years 1 and 2
    assert _line(v.nhs_lines, "costs.delivery.terms[0]").yearly.tolist() == pytest.approx([0, -2000, -2000, 0, 0, 0])
    # base_data's access costs are none, so recovery is income over delivery: 3,000 / 2,000 in each year, at any rate
    assert v.cost_recovery_ratio == pytest.approx(1.5)


def test_a_secure_environments_charges_need_the_secure_environment_route():
    with pytest.raises(DealInvalid, match="secure data environment charges need access_route"):
        deal_from_data(base_data(access_route="extract", terms=SAMPLES["sde_charges"][0]["terms"]))


def test_the_monte_carlo_draws_equity_exits_with_its_records_world_and_values_them_with_its_drawn_flows():
    deal, _, _, _, _, _ = _sample("equity")
    term, m = deal.terms[0], MECHANISMS["equity"]
    assert m.world is not None and m.flows_drawn is not None
    assert [k for k, x in MECHANISMS.items() if x.world is not None] == ["equity"]
    exited, value = m.world(term, 20_000, np.random.default_rng(1), {})
    assert exited.mean() == pytest.approx(0.2, abs=0.01) and (value == 1_000_000).all()
    flow = m.flows_drawn(term, (exited, value), None, Timing(0, np.ones(20_000), 5, 0.0))  # no route to tie to
    # in each world: 0.1 × 1,000,000 = 100,000 in year 4 if the exit happens, else nothing
    assert set(flow.nhs[:, 4].tolist()) == {0.0, 100_000.0} and not flow.nhs[:, [0, 1, 2, 3, 5]].any()
    _, drawn_value = m.world(term, 10, np.random.default_rng(1), {"exit_value_gbp": Fixed(value=2e6)})
    assert (drawn_value == 2e6).all()


# ---------------------------------------------------------------------------------- flags, as they always were

def test_the_flags_agree_with_how_each_mechanism_has_been_treated():
    flagged = {flag: {k for k, m in MECHANISMS.items() if getattr(m, flag)}
               for flag in ("sales_linked", "contingent", "fee_like", "minority_case", "in_clause")}
    assert flagged["sales_linked"] == set(SALES_LINKED) == {"royalty", "revenue_share", "nhs_price_discount"}
    assert flagged["contingent"] == set(CONTINGENT) == {"milestone", "royalty", "revenue_share", "nhs_price_discount",
                                                        "equity"}
    # charges for access or for a service the NHS delivers: each must recover what it costs the NHS (issue 16)
    assert flagged["fee_like"] == set(COST_RECOVERY) == {"access_fee", "subscription", "sde_charges",
                                                         "service_income"}
    # the framework's minority case (practical applications, 2023), which principle 3 tags
    assert flagged["minority_case"] == {"royalty", "revenue_share"}
    # a secure environment's charges and a service's income are paid for access or a service given now, not on a
    # switch to commercial use
    assert flagged["in_clause"] == set(MECHANISMS) - {"consent_to_commercialise", "sde_charges", "service_income"}
    assert {k: m.benefit for k, m in MECHANISMS.items() if m.benefit is not Benefit.CASH} == {
        "nhs_price_discount": Benefit.PRICE_DISCOUNT, "in_kind_benefit": Benefit.IN_KIND}


def test_the_closing_fields_are_those_the_framework_and_the_solver_have_always_moved():
    assert {k: m.closing_fields for k, m in MECHANISMS.items()} == {
        "access_fee": ("amount_gbp",), "subscription": ("amount_gbp_per_year",), "milestone": ("amount_gbp",),
        "royalty": ("tiers[*].rate",), "revenue_share": ("rate",), "equity": ("stake",),
        "nhs_price_discount": ("price_discount",), "in_kind_benefit": ("value_gbp_per_year",),
        "sde_charges": ("per_user_per_month_gbp",), "service_income": ("price_per_unit_gbp",),
        "consent_to_commercialise": ()}
    # the framework's usual mechanisms (upfront, subscription, milestones) before its minority case (issue 15)
    assert [(m.kind, m.default_closing_field()) for m in closing_defaults()] == [
        ("access_fee", "amount_gbp"), ("subscription", "amount_gbp_per_year"), ("milestone", "amount_gbp"),
        ("revenue_share", "rate"), ("royalty", "tiers[0].rate")]
    royalty = _sample("royalty")[0].terms[0]
    assert MECHANISMS["royalty"].closing(royalty) == ["tiers[0].rate", "tiers[1].rate"]


def test_a_new_term_starts_with_what_its_record_gives_it():
    draft = {"route_to_market": {"stages": [{"name": "Trial"}]}}
    assert MECHANISMS["milestone"].starter(draft) == {"stage": "Trial"}
    assert MECHANISMS["milestone"].starter({}) == {}
    assert MECHANISMS["royalty"].starter({}) == {"tiers": [{"from_gbp": 0.0}]}


# ------------------------------------------------------------------------------------- no kind named elsewhere

#: String constants that equal a kind but are not one: (file, text) -> how many times, and why.
NOT_KINDS = {
    ("valueshare/framework/principles.py", "consent_to_commercialise"): 2,   # the key of the check for the clause
    #                                                                          and of its source
    ("valueshare/negotiation/equivalents.py", "subscription"): 1,   # the key of a structure of equivalent offers,
    ("valueshare/negotiation/equivalents.py", "royalty"): 1,        # named once, after the instrument it adds
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_no_source_file_outside_the_catalogue_and_the_model_names_a_kind():
    kinds = set(MECHANISMS)
    sources = [*ROOT.glob("valueshare/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("app_pages/**/*.py"),
               ROOT / "app.py"]
    counted: dict[tuple[str, str], int] = {}
    for path in sources:
        name = path.relative_to(ROOT).as_posix()
        if name in ("valueshare/mechanisms.py", "valueshare/model/terms.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in kinds and id(node) not in docs:
                counted[(name, node.value)] = counted.get((name, node.value), 0) + 1
    assert counted == NOT_KINDS


# ------------------------------------------------------------------------------------------------ import order

@pytest.mark.parametrize("first", ["valueshare.mechanisms", "valueshare.wording", "valueshare.engine.mechanisms",
                                   "valueshare.engine.valuation", "valueshare.reports.excel.terms",
                                   "valueshare.model", "valueshare.errors"])
def test_any_module_can_be_imported_first_and_the_engine_loads_no_spreadsheet_library(first):
    code = (f"import sys, json, {first}, valueshare.engine, valueshare.mechanisms; "
            "print(json.dumps([len(valueshare.mechanisms.MECHANISMS), 'xlsxwriter' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [len(MECHANISMS), False]

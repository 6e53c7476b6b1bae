"""The Excel model: its formulas give the engine's figures, its text is never a formula, its inputs are live.

Two kinds of check. Without a spreadsheet program: the value cached beside every formula (worked out by the same
expression that wrote the formula, see valueshare/reports/excel/formula.py) must equal the engine's line by line.
With LibreOffice (headless, forced to recalculate every formula on load): the recalculated Summary must give the
engine's NHS NPV, partner NPV (within £1) and IRR (within 1e-6), for every example and for a small deal per
mechanism, and changing an input on the Inputs sheet must give the engine's figures for the changed deal. Every
expected figure comes from ``value_deal``; the few worked by hand say so.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from builders import base_data
from hypothesis import HealthCheck, given, settings
from strategies import deals

from valueshare import Deal, deal_from_data, load_deal, value_deal
from valueshare.cli_export import add_export_parser, export_command
from valueshare.reports.excel import deal_workbook
from valueshare.reports.excel.book import needs_quote_prefix
from valueshare.reports.excel.formula import DIV0, IF, IFERROR, ISBLANK, MAX, MIN, ROUNDUP, ref
from valueshare.scenario import example_paths, new_deal_data

# ----------------------------------------------------------------------------------------------- the deals

FEE = {"kind": "access_fee", "amount_gbp": 1000}
EVERY_INNER_TERM = [
    {"kind": "access_fee", "amount_gbp": 5000},
    {"kind": "subscription", "amount_gbp_per_year": 300, "start_year": 1, "years": 3, "escalation_rate": 0.05},
    {"kind": "milestone", "stage": "B", "amount_gbp": 700},
    {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.02}, {"from_gbp": 2000, "rate": 0.04}],
     "term_years": 2.5, "cap_gbp": 250},
    {"kind": "revenue_share", "rate": 0.03, "territory": "uk"},
    {"kind": "equity", "stake": 0.05, "exit_value_gbp": 100000, "exit_year": 3, "exit_probability": 0.4},
    {"kind": "nhs_price_discount", "price_discount": 0.1},
    {"kind": "in_kind_benefit", "description": "Licences", "value_gbp_per_year": 400, "years": 2},
]
COSTS = {"access_costs": {"preparation_gbp": 2000, "yearly_gbp": 800, "years": 3},
         "expertise": [{"kind": "clinical", "description": "Labelling", "hours_per_year": 50, "cost_per_hour_gbp": 90,
                        "start_year": 1, "years": 2},
                       {"kind": "analytical", "hours_per_year": 20, "cost_per_hour_gbp": 60, "start_year": 0}]}
SLOW_SALES = {"volume_per_year": 2000, "price_gbp": 12.5, "peak_uptake": 0.4, "years_to_peak": 2.5,
              "uk_share": 0.3, "operating_margin": 0.35, "end_year": 9}


def _with_route(stages=None, sales=None) -> dict:
    data = base_data()["route_to_market"]
    return {"stages": data["stages"] if stages is None else stages, "sales": data["sales"] if sales is None else sales}


MECHANISM_DATA: dict[str, dict] = {
    "access fees, one-off and yearly": base_data(terms=[FEE, {"kind": "access_fee", "amount_gbp": 500,
                                                               "frequency": "yearly", "start_year": 2, "years": 3}]),
    "escalating subscription and NHS costs": base_data(
        contribution=COSTS, terms=[{"kind": "subscription", "amount_gbp_per_year": 900, "start_year": 1, "years": 4,
                                    "escalation_rate": -0.1}]),
    "milestones on fractional stages": base_data(
        route_to_market=_with_route(stages=[
            {"name": "A", "duration_years": 0.5, "partner_cost_gbp": 100, "probability_of_success": 0.6},
            {"name": "B", "duration_years": 1.25, "partner_cost_gbp": 300, "probability_of_success": 0.7},
            {"name": "C", "duration_years": 0.75, "partner_cost_gbp": 50, "probability_of_success": 0.9}],
            sales=SLOW_SALES),
        terms=[{"kind": "milestone", "stage": s, "amount_gbp": 100 * (k + 1)} for k, s in enumerate("ABC")],
        assumptions={"horizon_years": 10}),
    "tiered, capped UK royalty within a window, with a price discount": base_data(
        route_to_market=_with_route(sales=SLOW_SALES),
        terms=[{"kind": "royalty", "territory": "uk", "term_years": 3.5, "cap_gbp": 300,
                "tiers": [{"from_gbp": 0, "rate": 0.05}, {"from_gbp": 1000, "rate": 0.1},
                          {"from_gbp": 2500, "rate": 0.2}]},
               {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.01}]},
               {"kind": "nhs_price_discount", "price_discount": 0.15}],
        assumptions={"horizon_years": 10, "partner_discount_rate": 0.08}),
    "revenue shares worldwide and UK": base_data(
        terms=[{"kind": "revenue_share", "rate": 0.04, "term_years": 1.5},
               {"kind": "revenue_share", "rate": 0.02, "territory": "uk"},
               {"kind": "nhs_price_discount", "price_discount": 0.05},
               {"kind": "nhs_price_discount", "price_discount": 0.1}]),
    "equity and in-kind benefits": base_data(
        terms=[{"kind": "equity", "stake": 0.1, "exit_value_gbp": 50000, "exit_year": 4, "exit_probability": 0.25},
               {"kind": "in_kind_benefit", "description": "Training", "value_gbp_per_year": 300,
                "partner_cost_gbp_per_year": 120, "start_year": 1, "years": 3},
               {"kind": "in_kind_benefit", "description": "Free licences", "value_gbp_per_year": 200, "years": 2}]),
    "consent-to-commercialise clause with every mechanism": base_data(
        use="non_commercial_research", contribution=COSTS,
        terms=[FEE, {"kind": "consent_to_commercialise", "probability": 0.3, "year": 1, "terms": EVERY_INNER_TERM}],
        assumptions={"horizon_years": 8, "partner_discount_rate": 0.12}),
    "Green Book step after year 30": base_data(
        route_to_market=_with_route(sales={**SLOW_SALES, "end_year": 38}), contribution=COSTS,
        terms=[FEE, {"kind": "access_fee", "amount_gbp": 100, "frequency": "yearly", "start_year": 1, "years": 45},
               {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.03}]}],
        assumptions={"horizon_years": 40, "nhs_discount_rate": 0.035, "nhs_discount_rate_after_30": 0.03}),
    # Issue 15's engine: the Green Book's third step after year 75, amounts fixed in cash against indexed ones, the
    # stake at each party's own rate, an exit not tied to the programme and counted in the IRR, and corporation tax
    # with losses carried forward (the early stage costs) on a capped, cash-fixed royalty.
    "Green Book third step after year 75, fixed and indexed amounts": base_data(
        route_to_market=_with_route(sales={**SLOW_SALES, "end_year": 85}), contribution=COSTS,
        terms=[{**FEE, "indexation": "indexed"},
               {"kind": "access_fee", "amount_gbp": 100, "frequency": "yearly", "start_year": 1, "years": 90},
               {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.03}, {"from_gbp": 1500, "rate": 0.05}],
                "cap_gbp": 900, "indexation": "fixed"}],
        assumptions={"horizon_years": 90, "inflation_rate": 0.03, "partner_tax_rate": 0.25}),
    "equity at the parties' own rates, exit whatever the programme, in the IRR": base_data(
        terms=[{"kind": "equity", "stake": 0.1, "exit_value_gbp": 50000, "exit_year": 4, "exit_probability": 0.25,
                "equity_discount_rate": None, "exit_requires_launch": False, "in_partner_irr": True},
               {"kind": "milestone", "stage": "B", "amount_gbp": 80, "indexation": "indexed"}],
        assumptions={"partner_tax_rate": 0.19}),
    "equity tied to the programme, left out of the IRR, partner before tax": base_data(
        terms=[{"kind": "equity", "stake": 0.1, "exit_value_gbp": 50000, "exit_year": 2, "exit_probability": 0.5},
               {"kind": "subscription", "amount_gbp_per_year": 300, "years": 3, "escalation_rate": 0.02,
                "indexation": "fixed"}],
        assumptions={"partner_tax_rate": 0}),
    # Issue 16's mechanisms, which a consent clause cannot hold: a secure data environment's itemised charges, and
    # service income with the NHS's cost of delivering it (a cost line of its own).
    "secure data environment charges and service income": base_data(
        access_route="secure_data_environment", contribution=COSTS,
        terms=[{"kind": "sde_charges", "setup_gbp": 1500, "per_user_per_month_gbp": 120, "users": 3,
                "per_project_gbp": 2000, "projects_per_year": 1.5, "start_year": 1, "years": 3},
               {"kind": "service_income", "description": "Trial recruitment", "units_per_year": 20,
                "price_per_unit_gbp": 450, "nhs_cost_per_unit_gbp": 300, "years": 2, "indexation": "indexed"}]),
    "no route to market (no IRR)": base_data(route_to_market=None, contribution=COSTS, terms=[FEE]),
    "route without stages": base_data(route_to_market=_with_route(stages=[], sales=SLOW_SALES),
                                      terms=[{"kind": "revenue_share", "rate": 0.05}]),
    "route without sales": base_data(route_to_market={"stages": base_data()["route_to_market"]["stages"]},
                                     terms=[FEE, {"kind": "milestone", "stage": "B", "amount_gbp": 50}]),
    "cash flow changing sign twice": base_data(
        terms=[{"kind": "subscription", "amount_gbp_per_year": 800, "start_year": 5, "years": 1}]),
    # The app's Start a new deal with only what has no default filled in: no line flows to the partner at all.
    "a new deal, nothing paid or sold yet": {**new_deal_data(), "name": "New", "use": "commercial_product_development",
                                             "nhs": {"name": "Trust", "kind": "trust"},
                                             "partner": {"name": "Ltd", "kind": "sme"}},
}
MECHANISM_DEALS: dict[str, Deal] = {name: deal_from_data(data) for name, data in MECHANISM_DATA.items()}
ALL_DEALS: dict[str, Deal] = {**{p.stem: load_deal(p) for p in example_paths()}, **MECHANISM_DEALS}
HOSTILE = ['=HYPERLINK("http://evil.example/","Click")', "+44 20 7946 0000", "-1 Ltd", "@SUM(A1:A9)",
           "\tTabbed Trust", "\r\nNew line", "=1+1"]


def test_the_mechanism_deals_cover_every_mechanism_top_level_and_inside_a_clause():
    kinds = {t.kind for d in MECHANISM_DEALS.values() for t in d.terms}
    inner = {t.kind for d in MECHANISM_DEALS.values() for c in d.terms if c.kind == "consent_to_commercialise"
             for t in c.terms}
    from valueshare.model import TERM_LABELS
    assert kinds == set(TERM_LABELS)
    assert inner == set(TERM_LABELS) - {"consent_to_commercialise", "sde_charges", "service_income"}
    several = value_deal(MECHANISM_DEALS["cash flow changing sign twice"]).partner_irr
    assert several.value is not None and several.several_possible
    assert value_deal(MECHANISM_DEALS["no route to market (no IRR)"]).partner_irr.value is None


# ----------------------------------------------------------------------------------------------- reading back

def read_lines(book: openpyxl.Workbook) -> dict[tuple[str, str], list]:
    """(section, engine key) -> the yearly cells of that line on the Cash flows sheet."""
    sheet = book["Cash flows"]
    lines: dict[tuple[str, str], list] = {}
    section = ""
    for row in sheet.iter_rows(min_row=5):
        label = row[0].value or ""
        if label.startswith(("NHS:", "Partner:", "Workings:")):
            section = label.split(":")[0]
        elif row[1].value and section in ("NHS", "Partner"):
            lines[(section, row[1].value)] = [c.value for c in row[4:]]
    return lines


def named(book: openpyxl.Workbook, name: str):
    (sheet, cell), = book.defined_names[name].destinations
    return book[sheet][cell.replace("$", "")].value


def assert_matches_engine(book: openpyxl.Workbook, deal: Deal, *, tolerance: float) -> None:
    """Every line, year by year, and the Summary's figures equal ``value_deal(deal)``."""
    v = value_deal(deal)
    lines = read_lines(book)
    for section, items in (("NHS", v.nhs_lines), ("Partner", v.partner_lines)):
        assert [k for s, k in lines if s == section] == [x.key for x in items]
        for item in items:
            got = np.array(lines[(section, item.key)], dtype=float)
            assert got == pytest.approx(item.yearly, abs=tolerance), (section, item.key)
    assert named(book, "nhs_npv") == pytest.approx(v.nhs_npv, abs=tolerance)
    assert named(book, "partner_npv") == pytest.approx(v.partner_npv, abs=tolerance)
    irr = named(book, "partner_irr")
    if v.partner_irr.value is None:
        assert isinstance(irr, str) and irr.startswith("no IRR"), irr
    else:
        assert irr == pytest.approx(v.partner_irr.value, abs=1e-6)


def workbook(deal: Deal) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)), data_only=True)


# ----------------------------------------------------------------------------------------------- without Excel

@pytest.mark.parametrize("name", list(ALL_DEALS))
def test_cached_values_equal_the_engine_line_by_line(name):
    assert_matches_engine(workbook(ALL_DEALS[name]), ALL_DEALS[name], tolerance=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deals())
def test_cached_values_equal_the_engine_on_generated_deals(data):
    deal = deal_from_data(data)
    assert_matches_engine(workbook(deal), deal, tolerance=1e-6 + 1e-9 * abs(value_deal(deal).partner_npv))


def test_the_summary_opens_first_and_the_other_sheets_follow_the_calculation():
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(ALL_DEALS["ai-imaging-device"])))
    assert book.sheetnames == ["Summary", "Inputs", "Workings", "Cash flows"]


def test_inputs_are_constants_and_every_figure_elsewhere_is_a_formula():
    deal = MECHANISM_DEALS["consent-to-commercialise clause with every mechanism"]
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)))
    assert not [c.coordinate for row in book["Inputs"].iter_rows() for c in row if c.data_type == "f"]
    flows = book["Cash flows"]
    for row in flows.iter_rows(min_row=6):
        if row[1].value:  # a line of the valuation: every year is a formula, and so is its present value
            assert all(c.data_type == "f" for c in row[3:]), row[0].value
    workings = [c for row in book["Workings"].iter_rows(min_row=5) for c in row[1:2] if c.value is not None]
    assert workings and all(c.data_type == "f" for c in workings)
    for name in ("nhs_npv", "partner_npv", "partner_irr"):
        assert str(named(book, name)).startswith("=")


def test_a_valuation_of_another_deal_is_refused():
    with pytest.raises(ValueError, match="not the valuation of this deal"):
        deal_workbook(MECHANISM_DEALS["equity and in-kind benefits"], value_deal(ALL_DEALS["ai-imaging-device"]))


# ----------------------------------------------------------------------------------------------- text safety

@pytest.mark.parametrize("text, expected", [
    ('=HYPERLINK("x")', True), ("+44", True), ("-1 Ltd", True), ("@SUM(A1)", True), ("\tx", True), ("\rx", True),
    ("\nx", True), ("Trust = good", False), ("", False), ("Smith & Sons <Ltd>", False), (" =1", False),
])
def test_only_text_beginning_with_a_formula_character_needs_the_quote_prefix(text, expected):
    assert needs_quote_prefix(text) is expected


def hostile_deal() -> Deal:
    # one-line fields may not hold CR or LF (the model refuses them), so "\r\nNew line" goes in prose (description)
    data = base_data(
        name=HOSTILE[0], description=HOSTILE[5], purpose=HOSTILE[2],
        nhs={"name": HOSTILE[3], "kind": "trust", "consortium_members": [HOSTILE[4]]},
        partner={"name": HOSTILE[0], "kind": "sme"},
        contribution={"data_assets": [{"name": HOSTILE[1], "data_type": "ehr", "patients": 10, "history_years": 1}],
                      "expertise": [{"kind": "clinical", "description": HOSTILE[6], "hours_per_year": 1,
                                     "cost_per_hour_gbp": 1}]},
        terms=[{"kind": "milestone", "stage": HOSTILE[3], "amount_gbp": 10},
               {"kind": "in_kind_benefit", "description": HOSTILE[1], "value_gbp_per_year": 5}])
    data["route_to_market"]["stages"][0]["name"] = HOSTILE[3]
    data["route_to_market"]["sales"]["unit"] = HOSTILE[2]
    return deal_from_data(data)


def test_user_text_that_looks_like_a_formula_is_kept_exactly_as_text_with_the_quote_prefix():
    deal = hostile_deal()
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)))
    strings, formulas, quoted = [], [], {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "s" and cell.value:
                    # the file stores CR as the escape _x000D_ (OOXML); Excel decodes it, openpyxl leaves it
                    text = cell.value.replace("_x000D_", "\r")
                    strings.append(text)
                    quoted.setdefault(text, set()).add(bool(cell.quotePrefix))
                elif cell.data_type == "f":
                    formulas.append(cell.value)
    for text in HOSTILE:
        assert text in strings, text                       # exactly as typed: no apostrophe added to the text
        assert quoted[text] == {True}, text                # and every cell holding it has Excel's quote prefix
        assert "'" + text not in strings, text
    # no other text that could start a formula goes without the prefix
    assert not [t for t, marks in quoted.items() if needs_quote_prefix(t) and False in marks]
    assert not [f for f in formulas if "HYPERLINK" in f.upper() or "SUM(A1:A9)" in f]
    assert f"Milestone payment: {HOSTILE[3]}" in strings
    assert_matches_engine(openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)), data_only=True), deal,
                          tolerance=1e-6)


# ----------------------------------------------------------------------------------------------- the formula language

def test_formula_text_brackets_by_excel_precedence():
    a, b, c = ref("A1", 2.0), ref("B1", 3.0), ref("C1", 4.0)
    assert (a - (b - c)).text == "A1-(B1-C1)"
    assert (a - b - c).text == "A1-B1-C1"
    assert (a * (b + c)).text == "A1*(B1+C1)"
    assert ((1 + a) ** -b).text == "(1+A1)^(-B1)"   # never Excel's -x^2 = (-x)^2 surprise
    assert (-a ** 2).text == "-(A1^2)"
    # by hand: 2 - (3 - 4) = 3; (1 + 2)^-3 = 1/27; -(2^2) = -4
    assert ((a - (b - c)).value, ((1 + a) ** -b).value, (-a ** 2).value) == (3.0, pytest.approx(1 / 27), -4.0)


def test_formula_values_follow_excel_on_blanks_errors_and_rounding():
    blank = ref("B2", None)
    assert (blank + 5).value == 5.0                        # a blank cell is 0
    assert IF(ISBLANK(blank), 7, blank).value == 7.0
    assert (ref("A1", 1.0) / 0).value == DIV0
    assert IFERROR(ref("A1", 1.0) / 0, "n/a").value == "n/a"
    assert IF(ref("A1", 0.0).le(0), "n/a", ref("A1", 1.0) / 0).value == "n/a"  # the unused branch may be an error
    assert ROUNDUP(2.0000001, 0).value == 3.0 and ROUNDUP(2.0, 0).value == 2.0
    assert MIN(3, MAX(1, 2)).value == 2.0
    assert ref("A1", "UK").eq("uk").value is True           # Excel compares text without regard to case


# ----------------------------------------------------------------------------------------------- the command

def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["export", *argv])


def test_export_writes_the_workbook_of_the_base_deal_or_a_variant(tmp_path):
    path = example_paths()[0]
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "model.xlsx"
    variant = load_deal(path).variants[0].name
    assert export_command(parse(str(path), "--xlsx", str(target), "--variant", variant), out, err) == 0
    assert err.getvalue() == "" and str(target) in out.getvalue()
    book = openpyxl.load_workbook(target, data_only=True)
    assert named(book, "nhs_npv") == pytest.approx(value_deal(load_deal(path).variant(variant)).nhs_npv, abs=0.01)


def test_export_reports_bad_input_in_one_line_each_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert export_command(parse(str(bad), "--xlsx", str(tmp_path / "x.xlsx")), out, err) == 1
    assert "bad.yaml" in err.getvalue() and "Traceback" not in err.getvalue()
    err = io.StringIO()
    assert export_command(parse(str(example_paths()[0]), "--xlsx", str(tmp_path / "x.xlsx"), "--variant", "Nope"),
                          out, err) == 1
    assert "no variant is called 'Nope'" in err.getvalue()
    err = io.StringIO()
    assert export_command(parse(str(example_paths()[0]), "--xlsx", str(tmp_path / "no" / "such" / "x.xlsx")),
                          out, err) == 1
    assert "cannot write the workbook" in err.getvalue()


# ----------------------------------------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (no soffice binary): the recalculation tests need it "
                            "(apt-get install -y --no-install-recommends libreoffice-calc-nogui)")

# A throwaway LibreOffice profile that recalculates every formula of an .xlsx on load (by default LibreOffice keeps
# the values cached in the file, which would make these tests pass without ever running a formula).
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculate(files: dict[str, bytes], work: Path) -> dict[str, openpyxl.Workbook]:
    """Open every workbook in one LibreOffice run, recalculate it and save it again; read the results back."""
    (work / "profile" / "user").mkdir(parents=True)
    (work / "profile" / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    (work / "in").mkdir()
    paths = []
    for name, data in files.items():
        paths.append(work / "in" / f"{name}.xlsx")
        paths[-1].write_bytes(data)
    started = time.perf_counter()
    subprocess.run([SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(work / "out"), *map(str, paths)],
                   check=True, capture_output=True, timeout=600)
    print(f"LibreOffice recalculated {len(paths)} workbooks in {time.perf_counter() - started:.1f} s")
    return {name: openpyxl.load_workbook(work / "out" / f"{name}.xlsx", data_only=True) for name in files}


def canary() -> bytes:
    """A workbook whose formula's cached value is wrong on purpose: =1+1 stored with the value 0."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("S").write_formula("A1", "=1+1", None, 0)
    book.close()
    return buffer.getvalue()


def stale(deal: Deal) -> bytes:
    """The deal's workbook with every cached value set to 0, so that only a recalculation can give the figures."""
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)))  # openpyxl saves formulas without cached values
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edited(deal: Deal, changes: dict[str, float]) -> bytes:
    """The deal's workbook with inputs changed on the Inputs sheet, found by their scenario field (column E)."""
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)))
    sheet = book["Inputs"]
    cells = {row[4].value: row[1] for row in sheet.iter_rows(min_row=5) if row[4].value}
    for path, value in changes.items():
        cells[path].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VARIANTS = [(p.stem, v.name) for p in example_paths() for v in load_deal(p).variants]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, openpyxl.Workbook]:
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (no soffice binary)")
    files = {"canary": canary()}
    files.update({f"deal{k}": deal_workbook(deal) for k, deal in enumerate(ALL_DEALS.values())})
    files["stale"] = stale(ALL_DEALS["pharma-genomic-discovery"])
    for k, (stem, variant) in enumerate(VARIANTS):
        deal = ALL_DEALS[stem]
        files[f"variant{k}"] = edited(deal, deal.variants[[v.name for v in deal.variants].index(variant)].overrides)
    return recalculate(files, tmp_path_factory.mktemp("libreoffice"))


@needs_soffice
def test_libreoffice_recalculates_on_load(recalculated):
    assert recalculated["canary"]["S"]["A1"].value == 2


@needs_soffice
@pytest.mark.parametrize("k, name", list(enumerate(ALL_DEALS)), ids=list(ALL_DEALS))
def test_recalculated_summary_and_lines_equal_the_engine(recalculated, k, name):
    assert_matches_engine(recalculated[f"deal{k}"], ALL_DEALS[name], tolerance=1.0)


@needs_soffice
def test_a_workbook_without_cached_values_recalculates_to_the_engine(recalculated):
    assert_matches_engine(recalculated["stale"], ALL_DEALS["pharma-genomic-discovery"], tolerance=1.0)


@needs_soffice
@pytest.mark.parametrize("k, stem, variant", [(k, s, v) for k, (s, v) in enumerate(VARIANTS)],
                         ids=[f"{s}: {v}" for s, v in VARIANTS])
def test_changing_inputs_on_the_inputs_sheet_gives_the_engines_figures_for_the_changed_deal(
        recalculated, k, stem, variant):
    assert_matches_engine(recalculated[f"variant{k}"], ALL_DEALS[stem].variant(variant), tolerance=1.0)


# ----------------------------------------------------------------------------------------------- docs and imports

def test_the_excel_doc_maps_every_mechanism_to_its_formula():
    from valueshare.model import TERM_LABELS
    text = (Path(__file__).resolve().parent.parent / "docs" / "excel-model.md").read_text(encoding="utf-8")
    for label in set(TERM_LABELS.values()) - {"Consent-to-commercialise clause"}:
        assert f"| {label}" in text, label
    assert "consent-to-commercialise" in text and "If commercialised" in text


def test_the_command_loads_xlsxwriter_only_when_it_writes_a_workbook():
    code = "import sys, valueshare.cli_export; print('xlsxwriter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

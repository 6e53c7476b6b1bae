"""The Excel model of issue 16's partnerships: consortia with their split and a co-owner outside the NHS, grants to
either side, a data platform with other users and shared curation, a product already on the market with uptake at
launch bought partly by other NHS bodies, secure-data-environment charges and service income.

Each deal's workbook is recalculated by LibreOffice (headless, forced to recalculate on load, as tests/test_excel.py
does) and every line of the Cash flows sheet, every figure of the Summary and every cell of the Members and users
sheet must equal ``value_deal`` to the penny; a few cells are also worked out by hand (each says how). Changing inputs
on the Inputs sheet must give the engine's figures for the changed deal.
"""

from __future__ import annotations

import copy
import io

import openpyxl
import pytest
from builders import base_data
from test_excel import SOFFICE, assert_matches_engine, canary, needs_soffice, read_lines, recalculate, stale

from valueshare import Deal, deal_from_data, value_deal
from valueshare.engine import Valuation
from valueshare.figures import FIGURES
from valueshare.reports.excel import deal_workbook
from valueshare.reports.excel.partnership import MEMBER_COLUMNS, SHEET_NAME, USER_COLUMNS
from valueshare.reports.excel.summary import NO_MIRR, SUMMARY_FIGURES

PENNY = 0.005
SALES = {"volume_per_year": 2000, "price_gbp": 12.5, "peak_uptake": 0.4, "years_to_peak": 2.5,
         "nhs_share_of_sales": 0.3, "operating_margin": 0.35, "end_year": 9}
COSTS = {"access_costs": {"preparation_gbp": 2000, "yearly_gbp": 800, "years": 3},
         "expertise": [{"kind": "clinical", "hours_per_year": 50, "cost_per_hour_gbp": 90, "start_year": 1,
                        "years": 2}]}
STAGES = base_data()["route_to_market"]["stages"]   # A: 1 year, p 0.5; B: 1 year, p 0.8


def data(**changes) -> dict:
    """base_data (tests/builders.py) in format 3, with ``changes``."""
    out = base_data(**changes)
    out["format_version"] = 3
    route = out.get("route_to_market")
    if route and "uk_share" in route.get("sales", {}):
        route["sales"] = {**route["sales"], "nhs_share_of_sales": route["sales"]["uk_share"]}
        del route["sales"]["uk_share"]
    return out


DATA: dict[str, dict] = {
    "a consortium with a co-owner outside the NHS and a fixed split": data(
        nhs={"name": "Consortium", "kind": "icb", "split": "fixed", "members": [
            {"name": "Trust A", "share": 0.5, "own_costs": {"preparation_gbp": 300, "yearly_gbp": 100, "years": 2}},
            {"name": "Trust B", "share": 0.3},
            {"name": "University", "is_nhs": False, "share": 0.2, "own_costs": {"yearly_gbp": 50, "years": 3}}]},
        contribution=COSTS, route_to_market={"stages": STAGES, "sales": SALES},
        terms=[{"kind": "access_fee", "amount_gbp": 2000}, {"kind": "royalty", "tiers": [{"from_gbp": 0,
                                                                                        "rate": 0.05}]}],
        assumptions={"horizon_years": 10}),
    "a consortium split by contribution": data(
        nhs={"name": "Consortium", "kind": "icb", "split": "by_contribution", "members": [
            {"name": "Trust A", "own_costs": {"preparation_gbp": 300, "yearly_gbp": 100, "years": 2}},
            {"name": "University", "is_nhs": False, "own_costs": {"yearly_gbp": 80, "years": 4}}]},
        contribution=COSTS, terms=[{"kind": "subscription", "amount_gbp_per_year": 900, "years": 4}]),
    "a consortium split by records": data(
        nhs={"name": "Consortium", "kind": "icb", "split": "by_records", "members": [
            {"name": "Trust A", "records": 3000}, {"name": "University", "is_nhs": False, "records": 1000}]},
        contribution=COSTS, terms=[{"kind": "access_fee", "amount_gbp": 5000}]),
    "grants towards both sides, the partner taxed": data(
        funding=[{"funder": "NIHR", "kind": "nihr", "towards": "nhs", "amount_gbp": 500, "start_year": 1,
                  "years": 2},
                 {"funder": "Innovate UK", "towards": "partner", "amount_gbp": 1000}],
        contribution=COSTS, terms=[{"kind": "access_fee", "amount_gbp": 1500}],
        assumptions={"horizon_years": 5, "partner_tax_rate": 0.25}),
    "a grant covering all the NHS's costs": data(
        funding=[{"funder": "Charity", "kind": "charity", "towards": "nhs", "amount_gbp": 5000}],
        contribution={"access_costs": {"preparation_gbp": 2000}}, terms=[{"kind": "access_fee", "amount_gbp": 100}]),
    "a platform with two other users and shared curation": data(
        access_route="secure_data_environment",
        contribution={**COSTS, "curation": {"already_spent_gbp": 10000, "yearly_gbp": 1000, "start_year": 1,
                                            "years": 3, "expected_users": 5}},
        platform_users=[
            {"name": "User One", "terms": [{"kind": "subscription", "amount_gbp_per_year": 400, "years": 3}]},
            {"name": "User Two", "terms": [
                {"kind": "access_fee", "amount_gbp": 700},
                {"kind": "sde_charges", "setup_gbp": 100, "per_user_per_month_gbp": 10, "users": 2},
                {"kind": "service_income", "description": "Recruiting", "units_per_year": 5,
                 "price_per_unit_gbp": 100, "nhs_cost_per_unit_gbp": 60},
                {"kind": "in_kind_benefit", "description": "Training", "value_gbp_per_year": 50}]}],
        terms=[{"kind": "access_fee", "amount_gbp": 3000}]),
    "a product on the market, bought partly by other NHS bodies": data(
        route_to_market={"stages": [], "sales": {**SALES, "starting_uptake": 0.15, "nhs_share_of_sales": 0.6,
                                                 "nhs_party_purchase_share": 0.4}},
        patient_benefit={"patients_per_unit": 1.5, "cost_offset_per_patient_gbp": 4,
                         "outcomes": [{"name": "Bed days", "unit": "bed days", "per_year": 30,
                                       "value_per_unit_gbp": 350, "value_source": "NHS reference costs",
                                       "cash_releasing": True, "years": 4},
                                      {"name": "PROM", "unit": "points", "per_year": 10}]},
        terms=[{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.03}, {"from_gbp": 2000, "rate": 0.06}],
                "cap_gbp": 900, "indexation": "indexed"},
               {"kind": "revenue_share", "rate": 0.02, "territory": "uk"},
               {"kind": "nhs_price_discount", "price_discount": 0.1}],
        assumptions={"horizon_years": 10, "partner_tax_rate": 0.19}),
    "a consent clause's royalty and discount, bought partly by other NHS bodies": data(
        use="non_commercial_research",
        route_to_market={"stages": STAGES, "sales": {**SALES, "nhs_party_purchase_share": 0.7}},
        patient_benefit={"patients_per_year": 40, "start_year": 2, "years": 3, "cost_offset_per_patient_gbp": -2,
                         "cost_offset_basis": "net_of_price"},
        terms=[{"kind": "access_fee", "amount_gbp": 100},
               {"kind": "consent_to_commercialise", "probability": 0.4, "year": 1, "terms": [
                   {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.04}]},
                   {"kind": "nhs_price_discount", "price_discount": 0.2}]}],
        assumptions={"horizon_years": 10}),
    "secure data environment charges and service income": data(
        access_route="secure_data_environment", contribution=COSTS,
        terms=[{"kind": "sde_charges", "setup_gbp": 1500, "per_user_per_month_gbp": 120, "users": 3,
                "per_project_gbp": 2000, "projects_per_year": 1.5, "start_year": 0, "years": 3,
                "indexation": "fixed"},
               {"kind": "service_income", "description": "Trial recruitment", "units_per_year": 20,
                "price_per_unit_gbp": 450, "nhs_cost_per_unit_gbp": 300, "start_year": 1, "years": 2,
                "indexation": "indexed"}],
        assumptions={"inflation_rate": 0.02}),
}
DEALS: dict[str, Deal] = {name: deal_from_data(d) for name, d in DATA.items()}
NAMES = list(DEALS)

#: Inputs changed on the Inputs sheet (found by their scenario field), per deal: the workbook must then give the
#: engine's figures for the deal with the same changes.
EDITS: dict[str, dict[str, float]] = {
    "a consortium with a co-owner outside the NHS and a fixed split": {
        "nhs.members[0].share": 0.4, "nhs.members[2].share": 0.3, "nhs.members[0].own_costs.yearly_gbp": 250},
    "a consortium split by contribution": {"nhs.members[1].own_costs.yearly_gbp": 20},
    "grants towards both sides, the partner taxed": {"funding[0].amount_gbp": 800, "funding[1].years": 3},
    "a platform with two other users and shared curation": {"contribution.curation.expected_users": 4,
                                                            "platform_users[1].terms[2].nhs_cost_per_unit_gbp": 90},
    "a product on the market, bought partly by other NHS bodies": {
        "route_to_market.sales.starting_uptake": 0.3, "route_to_market.sales.nhs_party_purchase_share": 0.9,
        "patient_benefit.outcomes[0].value_per_unit_gbp": 200},
    "secure data environment charges and service income": {"terms[0].users": 5, "terms[1].units_per_year": 12},
}


def set_path(data: dict, path: str, value: float) -> None:
    """Set a scenario field such as ``nhs.members[0].share`` in plain deal data."""
    node: object = data
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]  # type: ignore[index]
    last = parts[-1]
    node[int(last) if last.isdigit() else last] = value  # type: ignore[index]


def changed(name: str) -> Deal:
    out = copy.deepcopy(DATA[name])
    for path, value in EDITS[name].items():
        set_path(out, path, value)
    return deal_from_data(out)


def edited_workbook(name: str) -> bytes:
    """The deal's workbook with the EDITS typed into the Inputs sheet (found by the scenario field, column E)."""
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(DEALS[name])))
    sheet = book["Inputs"]
    cells = {row[4].value: row[1] for row in sheet.iter_rows(min_row=5) if row[4].value}
    for path, value in EDITS[name].items():
        cells[path].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------- reading back

def summary_rows(book: openpyxl.Workbook) -> list[tuple[str, object, object, str]]:
    """(label, formula's value, valueshare's value at export, number format) of each figure on the Summary."""
    sheet = book["Summary"]
    out = []
    for row in sheet.iter_rows(min_row=8):
        if row[0].value == "Provenance":
            break
        if row[0].value and row[4].value:
            out.append((row[0].value, row[1].value, row[2].value, row[1].number_format))
    return out


def table(book: openpyxl.Workbook, first: str) -> list[dict[str, object]]:
    """The rows of the Members and users sheet's table whose header starts with ``first``, by column heading."""
    sheet = book[SHEET_NAME]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(k for k, r in enumerate(rows) if r[0] == first)
    head = [h for h in rows[start] if h]
    out = []
    for r in rows[start + 1:]:
        if not r[0] or r[1] is None:
            break
        out.append(dict(zip(head, r, strict=False)))
    return out


def engine_summary(v: Valuation) -> dict[str, object]:
    """What each Summary row must show, by its label, from the engine: each headline figure's value, or "n/a: " and
    its note when it has none; the IRR's note, the MIRR, the two NPV() checks and the costs across all users."""
    out: dict[str, object] = {}
    for key in SUMMARY_FIGURES:
        figure = FIGURES[key]
        value = figure.value(v)
        out[figure.label] = value if value is not None or key == "partner_irr" else f"n/a: {figure.note(v)}"
        if key == "partner_irr":
            out[f"{figure.label}: note"] = "one of several possible rates (the cash flow changes sign more than " \
                "once)" if v.partner_irr.several_possible else None
            mirr = v.partner_irr.mirr
            out["Partner MIRR, at the partner's rate"] = NO_MIRR if mirr is None else mirr
            out[f"{FIGURES['nhs_npv'].label}, by Excel's NPV() (check)"] = v.nhs_npv
            out[f"{FIGURES['partner_npv'].label}, by Excel's NPV() (check)"] = v.partner_npv
        if key == "nhs_access_costs":
            out["NHS costs of access less grants, all users of the data"] = v.platform_access_costs
    return out


def assert_everything_matches(book: openpyxl.Workbook, deal: Deal, tolerance: float) -> None:
    """Every line (tests/test_excel.py), every Summary figure and the Members and users sheet equal the engine."""
    assert_matches_engine(book, deal, tolerance=tolerance)
    v = value_deal(deal)
    rows = summary_rows(book)
    # 23 figures and checks (NPVs, IRR and its note, MIRR, two NPV() checks, the value shared and costs of access,
    # the seven of where the NHS party's money comes from, receipts undiscounted), and the two of launch with a route
    assert len(rows) == 23 + 2 * (deal.route_to_market is not None), [r[0] for r in rows]
    expected = engine_summary(v)
    assert [r[0] for r in rows] == [label for label in expected if label in dict((r[0], 0) for r in rows)]
    for label, formula, _at_export, fmt in rows:
        engine = expected[label]
        if label == FIGURES["partner_irr"].label and engine is None:
            assert isinstance(formula, str) and formula.startswith("no IRR"), (label, formula)
        elif isinstance(engine, (int, float)):
            money = "£" in fmt
            assert formula == pytest.approx(engine, abs=tolerance if money else 1e-9, rel=0 if money else 1e-9), \
                (label, formula, engine)
        else:
            assert (formula or "") == (engine or ""), (label, formula, engine)
    if v.members:
        got = table(book, MEMBER_COLUMNS[0])
        assert [g["Member"] for g in got] == [m.name for m in v.members]
        for g, m in zip(got, v.members, strict=True):
            assert g["Share"] == pytest.approx(m.share, abs=1e-12)
            for column, value in (("Receipts and grants", m.receipts), ("Shared costs", m.shared_costs),
                                  ("Own costs", m.own_costs), ("NPV", m.npv)):
                assert g[column] == pytest.approx(value, abs=tolerance), (m.name, column)
            if m.cost_recovery is None:
                assert str(g["Cost recovery"]).startswith("n/a")
            else:
                assert g["Cost recovery"] == pytest.approx(m.cost_recovery, rel=1e-9)
    if v.users:
        got = table(book, USER_COLUMNS[0])
        assert [g["User"] for g in got] == [u.name for u in v.users]
        for g, u in zip(got, v.users, strict=True):
            for column, value in (("Receipts", u.receipts), ("Of which charges for access", u.fees),
                                  ("Share of the costs", u.cost_share)):
                assert g[column] == pytest.approx(value, abs=tolerance), (u.name, column)
            if u.cost_recovery is None:
                assert str(g["Cost recovery"]).startswith("n/a")
            else:
                assert g["Cost recovery"] == pytest.approx(u.cost_recovery, rel=1e-9)


def workbook(deal: Deal) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)), data_only=True)


# ----------------------------------------------------------------------------------------------- without LibreOffice

def test_each_deal_has_the_structure_it_is_named_for():
    keys = {name: {x.key for x in value_deal(deal).nhs_lines} for name, deal in DEALS.items()}
    partner = {name: {x.key for x in value_deal(deal).partner_lines} for name, deal in DEALS.items()}
    consortium = "a consortium with a co-owner outside the NHS and a fixed split"
    assert {"co_owners", "costs.members[0]"} <= keys[consortium] and "costs.members[2]" not in keys[consortium]
    assert "co_owners" in keys["a consortium split by contribution"]
    assert "co_owners" in keys["a consortium split by records"]
    assert "funding[0]" in keys["grants towards both sides, the partner taxed"]
    assert {"partner.funding[1]", "partner.corporation_tax"} <= partner["grants towards both sides, the partner taxed"]
    platform = keys["a platform with two other users and shared curation"]
    assert {"costs.curation_done", "costs.curation", "platform_users[0].terms[0]", "platform_users[1].terms[3]",
            "costs.delivery.platform_users[1].terms[2]"} <= platform
    assert value_deal(DEALS["a product on the market, bought partly by other NHS bodies"]).other_nhs_bodies > 0
    assert value_deal(DEALS["a consent clause's royalty and discount, bought partly by other NHS bodies"]
                      ).other_nhs_bodies > 0
    assert "costs.delivery.terms[1]" in keys["secure data environment charges and service income"]
    assert value_deal(DEALS["a grant covering all the NHS's costs"]).cost_recovery_ratio is None


@pytest.mark.parametrize("name", NAMES)
def test_cached_values_equal_the_engine(name):
    assert_everything_matches(workbook(DEALS[name]), DEALS[name], tolerance=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_every_line_figure_and_member_cell_is_a_formula(name):
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(DEALS[name])))
    for row in book["Cash flows"].iter_rows(min_row=6):
        if row[1].value:
            assert all(c.data_type == "f" for c in row[3:]), row[0].value
    for row in book["Summary"].iter_rows(min_row=8):
        if row[0].value == "Provenance":
            break
        if row[0].value and row[4].value:
            assert row[1].data_type == "f", row[0].value
    if SHEET_NAME in book.sheetnames:
        sheet = book[SHEET_NAME]
        numbers = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))]
        # the only constants: the engine's NPV or receipts at export, beside the formula's difference from it
        engine_columns = {MEMBER_COLUMNS.index("NPV (valueshare, at export)") + 1,
                          USER_COLUMNS.index("Receipts (valueshare, at export)") + 1}
        assert {c.column for c in numbers} <= engine_columns


def test_the_inputs_sheet_lists_the_new_inputs_by_their_scenario_field():
    fields = set()
    for name in NAMES:
        book = openpyxl.load_workbook(io.BytesIO(deal_workbook(DEALS[name])))
        fields |= {row[4].value for row in book["Inputs"].iter_rows(min_row=5) if row[4].value}
    for path in ("nhs.split", "nhs.members[2].is_nhs", "nhs.members[0].share", "nhs.members[0].records",
                 "nhs.members[0].own_costs.preparation_gbp", "funding[1].towards", "funding[0].amount_gbp",
                 "contribution.curation.expected_users", "contribution.curation.already_spent_gbp",
                 "platform_users[1].terms[1].per_user_per_month_gbp", "route_to_market.sales.starting_uptake",
                 "route_to_market.sales.nhs_party_purchase_share", "patient_benefit.outcomes[0].cash_releasing",
                 "patient_benefit.cost_offset_basis", "terms[1].nhs_cost_per_unit_gbp", "terms[1].unit"):
        assert path in fields, path


def test_without_members_or_other_users_the_workbook_keeps_its_four_sheets():
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(DEALS["grants towards both sides, the partner taxed"])))
    assert book.sheetnames == ["Summary", "Inputs", "Workings", "Cash flows"]
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(DEALS["a consortium split by records"])))
    assert book.sheetnames == ["Summary", "Inputs", "Workings", "Cash flows", SHEET_NAME]


# ----------------------------------------------------------------------------------------------- LibreOffice

@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, openpyxl.Workbook]:
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (no soffice binary)")
    files = {"canary": canary()}
    for k, name in enumerate(NAMES):
        files[f"deal{k}"] = deal_workbook(DEALS[name])
        files[f"stale{k}"] = stale(DEALS[name])
    for k, name in enumerate(EDITS):
        files[f"edited{k}"] = edited_workbook(name)
    return recalculate(files, tmp_path_factory.mktemp("libreoffice"))


@needs_soffice
def test_libreoffice_recalculates_on_load(recalculated):
    assert recalculated["canary"]["S"]["A1"].value == 2


@needs_soffice
@pytest.mark.parametrize("k, name", list(enumerate(NAMES)), ids=NAMES)
def test_recalculated_lines_summary_and_members_equal_the_engine_to_the_penny(recalculated, k, name):
    assert_everything_matches(recalculated[f"deal{k}"], DEALS[name], tolerance=PENNY)


@needs_soffice
@pytest.mark.parametrize("k, name", list(enumerate(NAMES)), ids=NAMES)
def test_a_workbook_without_cached_values_recalculates_to_the_engine(recalculated, k, name):
    assert_everything_matches(recalculated[f"stale{k}"], DEALS[name], tolerance=PENNY)


@needs_soffice
@pytest.mark.parametrize("k, name", list(enumerate(EDITS)), ids=list(EDITS))
def test_changing_the_new_inputs_on_the_inputs_sheet_gives_the_engines_figures(recalculated, k, name):
    assert_everything_matches(recalculated[f"edited{k}"], changed(name), tolerance=PENNY)


def line(book: openpyxl.Workbook, section: str, key: str) -> list[float]:
    return [float(x) for x in read_lines(book)[(section, key)]]


@needs_soffice
def test_recalculated_lines_worked_by_hand(recalculated):
    book = recalculated[f"deal{NAMES.index('a consortium with a co-owner outside the NHS and a fixed split')}"]
    # Year 1: no receipt yet (the fee is at signature, the royalty starts at launch in year 2); shared costs are the
    # yearly £800 and the expertise 50 h × £90 = £4,500; the co-owner's 20% of −£5,300 leaves the NHS's cash flow:
    # +£1,060. Year 0: fee £2,000 − preparation £2,000 = 0. Trust A's own costs: £300 at signature, £100 in years 1-2.
    assert line(book, "NHS", "co_owners")[:2] == pytest.approx([0.0, 1060.0], abs=PENNY)
    assert line(book, "NHS", "costs.members[0]")[:4] == pytest.approx([-300, -100, -100, 0], abs=PENNY)

    book = recalculated[f"deal{NAMES.index('grants towards both sides, the partner taxed')}"]
    assert line(book, "NHS", "funding[0]") == pytest.approx([0, 500, 500, 0, 0, 0], abs=PENNY)
    assert line(book, "Partner", "partner.funding[1]") == pytest.approx([1000, 0, 0, 0, 0, 0], abs=PENNY)

    book = recalculated[f"deal{NAMES.index('a platform with two other users and shared curation')}"]
    # this deal's share of the curation: (1 + 2 users) / 5 expected = 0.6: £10,000 × 0.6 at signature, £1,000 × 0.6
    # in years 1 to 3; User Two's service: 5 units × £60 delivery cost in year 1, fixed in cash (the default) at the
    # default 2% inflation: 300 / 1.02
    assert line(book, "NHS", "costs.curation_done")[:2] == pytest.approx([-6000, 0], abs=PENNY)
    assert line(book, "NHS", "costs.curation")[:5] == pytest.approx([0, -600, -600, -600, 0], abs=PENNY)
    assert line(book, "NHS", "costs.delivery.platform_users[1].terms[2]")[:3] == pytest.approx([0, -300 / 1.02, 0],
                                                                                               abs=PENNY)

    book = recalculated[f"deal{NAMES.index('a product on the market, bought partly by other NHS bodies')}"]
    # Year 1, launch at 0, ramp over 2.5 years: R(1) = 1² / (2 × 2.5) = 0.2; units = 2,000 × ((0.4 − 0.15) × 0.2 +
    # 0.15 × 1) = 400; list-price sales 400 × £12.5 = £5,000. NHS share s = 0.6, discount d = 0.1, party p = 0.4.
    # Discount: saving 0.1 × 5,000 × 0.6 = £300; the NHS party's line 300 × 0.4 = £120; the partner gives up £300.
    assert line(book, "NHS", "terms[2]")[1] == pytest.approx(120, abs=PENNY)
    assert line(book, "Partner", "terms[2]")[1] == pytest.approx(-300, abs=PENNY)
    # UK revenue share: 2% × 5,000 × 0.6 × 0.9 = £54, all on NHS purchases; other NHS bodies' 54 × 0.6 = £32.40
    assert line(book, "NHS", "terms[1]")[1] == pytest.approx(54 - 32.4, abs=PENNY)
    # Worldwide royalty: net sales 5,000 × (1 − 0.06) = £4,700: 3% of 2,000 + 6% of 2,700 = £222; NHS fraction
    # 0.6 × 0.9 / 0.94; other NHS bodies' part 222 × 0.54 / 0.94 × 0.6 = £76.519149
    assert line(book, "NHS", "terms[0]")[1] == pytest.approx(222 - 222 * 0.54 / 0.94 * 0.6, abs=PENNY)
    assert line(book, "Partner", "terms[0]")[1] == pytest.approx(-222, abs=PENNY)

    book = recalculated[f"deal{NAMES.index('secure data environment charges and service income')}"]
    # set-up £1,500 at signature; then 3 users × 12 × £120 + 1.5 projects × £2,000 = £7,320 a year, fixed in cash:
    # ÷ 1.02^t; service income 20 × £450 = £9,000 (indexed) in years 1-2, delivery 20 × £300 = £6,000
    assert line(book, "NHS", "terms[0]")[:5] == pytest.approx([1500, 7320 / 1.02, 7320 / 1.02 ** 2,
                                                               7320 / 1.02 ** 3, 0], abs=PENNY)
    assert line(book, "NHS", "terms[1]")[:4] == pytest.approx([0, 9000, 9000, 0], abs=PENNY)
    assert line(book, "NHS", "costs.delivery.terms[1]")[:4] == pytest.approx([0, -6000, -6000, 0], abs=PENNY)


@needs_soffice
def test_recalculated_cost_recovery_after_grants_worked_by_hand(recalculated):
    # the grant's £5,000 at signature covers the £2,000 preparation: nothing is left for the fee to recover
    k = NAMES.index("a grant covering all the NHS's costs")
    book = recalculated[f"deal{k}"]
    rows = {label: formula for label, formula, _engine, _fmt in summary_rows(book)}
    assert rows["Cost recovery"] == "n/a: grants cover all of the NHS's costs of access"
    assert rows["NHS costs of access"] == pytest.approx(0, abs=PENNY)
    assert rows["Grants towards the NHS's costs"] == pytest.approx(5000, abs=PENNY)

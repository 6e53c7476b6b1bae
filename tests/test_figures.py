"""One label and one written value per headline figure, on every surface that shows it (valueshare.figures).

For two example deals, each figure a surface shows has the registry's label and the registry's text in the CLI's
``value`` and ``compare`` output, on the app's Valuation page, in the term sheet's and the brief's text, on the Excel
model's Summary sheet and in the register's record of a version. Each written value is then checked against the
figure computed another way: from the valuation's cash flows and lines with numpy-financial (as
tests/test_engine_golden.py does), from the deal's own stage probabilities and durations, and on a small deal whose
figures are worked by hand below.

The hand-worked deal is test_engine_golden's base deal (tests/builders.py) with a £1,000 access fee at signature
and a £500 preparation cost at signature:
- NHS NPV: 1,000 - 500 = £500 (both in year 0, not discounted).
- partner's value before payments, at 10%: -100/1.1 - 100/1.21 + 600/1.331 + 600/1.4641 + 600/1.61051
  = -90.91 - 82.64 + 450.79 + 409.81 + 372.55 = £1,059.60; value to the NHS £1,000 (the fee, year 0).
- Partner NPV 1,059.60 - 1,000 = £59.60, written £60; partner IRR: the rate that zeroes -1000, -100, -100, 600, 600,
  600: 11.48% (numpy_financial.irr), written 11.5%.
- cost recovery 1,000 / 500 = 2.00×; NHS share 1,000 / 1,059.60 = 94.4%; chance of launch 0.5 × 0.8 = 40.0%;
  launch at the end of year 2; NHS receipts, not discounted, £1,000.
"""

from __future__ import annotations

import datetime
import io
import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import numpy_financial as npf
import openpyxl
import pytest
from apptest_support import metrics, open_page
from builders import base_data
from pypdf import PdfReader

from ui.results import HEADLINES as APP_FIGURES
from valueshare import Deal, deal_from_data, load_deal, value_deal
from valueshare.basecase import base_case
from valueshare.cli import main
from valueshare.compare import FIGURE_KEYS as COMPARE_FIGURES
from valueshare.contribution import value_contribution
from valueshare.contribution.text import span
from valueshare.figures import FIGURES, NHS_MONEY, nhs_money, select
from valueshare.format import money, number, percent, ratio
from valueshare.model import ConsentToCommercialise
from valueshare.register.records import HEADLINE_KEYS, Headlines
from valueshare.reports.brief import SUMMARY_FIGURES as BRIEF_FIGURES
from valueshare.reports.brief import brief_pdf
from valueshare.reports.excel import deal_workbook
from valueshare.reports.excel.summary import SUMMARY_FIGURES as EXCEL_FIGURES
from valueshare.reports.termsheet import term_sheet_pdf
from valueshare.reports.termsheet_content import SUMMARY_FIGURES as TERM_SHEET_FIGURES
from valueshare.reports.termsheet_content import TermSheetOptions
from valueshare.reports.text import VALUE_FIGURES
from valueshare.scenario import deal_to_yaml, example_paths

ISSUED = datetime.date(2026, 11, 22)
EXAMPLES = [p for p in example_paths() if p.stem in ("ai-imaging-device", "pharma-genomic-discovery",
                                                       "rwd-network-teaching-trust")]
#: The term sheet's figures are in its valuation annex, which the user adds (issue 17).
VALUATION_ANNEX = TermSheetOptions(with_valuation=True)
SURFACES = {"CLI value": VALUE_FIGURES, "app": APP_FIGURES, "term sheet": TERM_SHEET_FIGURES, "brief": BRIEF_FIGURES,
            "Excel summary": EXCEL_FIGURES, "compare": COMPARE_FIGURES, "register": HEADLINE_KEYS,
            "CLI value, the brief and the app: the NHS party's money": NHS_MONEY}
NO_ANSWER = {"route_to_market": None, "terms": [{"kind": "access_fee", "amount_gbp": 1000}]}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(pdf: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@cache
def example(path: Path):
    deal = load_deal(path)
    return deal, value_deal(deal)


def cli(*argv: str, capsys) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def hand_deal() -> Deal:
    return deal_from_data(base_data(terms=[{"kind": "access_fee", "amount_gbp": 1000}],
                                    contribution={"access_costs": {"preparation_gbp": 500}}))


# -- the registry ------------------------------------------------------------------------------------------------

def test_each_figure_has_a_label_of_its_own_and_a_one_sentence_help():
    labels = [f.label for f in FIGURES.values()]
    assert len(set(labels)) == len(labels)
    for figure in FIGURES.values():
        assert figure.help.endswith(".") and figure.help.count(". ") == 0, figure.key


def test_every_surface_names_known_figures_and_every_figure_is_shown_somewhere():
    for surface, keys in SURFACES.items():
        assert len(select(*keys)) == len(keys), surface
    assert set().union(*SURFACES.values()) == set(FIGURES)


def test_an_unknown_key_is_refused_naming_the_figures():
    with pytest.raises(KeyError, match="no headline figure is called 'launch'; the figures are: nhs_npv"):
        select("nhs_npv", "launch")


def test_the_chance_of_launch_has_one_label_everywhere():
    assert FIGURES["launch_probability"].label == "Chance of launch"
    for path in EXAMPLES[:2]:
        deal, v = example(path)
        texts = [pdf_text(term_sheet_pdf(deal, v, options=VALUATION_ANNEX, issued=ISSUED)),
                 " ".join(str(c.value) for row in openpyxl.load_workbook(io.BytesIO(deal_workbook(deal, v)))
                          ["Summary"].iter_rows() for c in row if c.value is not None)]
        for text in texts:
            assert "Chance of launch" in text
            assert "Probability of reaching market" not in text
            assert "Chance the product reaches the market" not in text


# -- the same label and text on every surface ------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_cli_value_summary_shows_each_figure_with_its_label_and_text(path, capsys):
    _, v = example(path)
    lines = cli("value", str(path), capsys=capsys).splitlines()
    for figure in select(*VALUE_FIGURES):
        assert any(re.fullmatch(rf"{re.escape(figure.label)} +{re.escape(figure.noted(v))}", line) for line in lines), \
            figure.key


def test_cli_compare_shows_each_figure_with_its_label_and_each_deals_text(capsys):
    paths = EXAMPLES[:2]
    data = json.loads(cli("compare", *map(str, paths), "--json", capsys=capsys))
    valuations = [example(p)[1] for p in paths]
    assert [(row["label"], row["texts"]) for row in data["figures"]] == [
        (figure.label, [figure.text(v) for v in valuations]) for figure in select(*COMPARE_FIGURES)]


@pytest.mark.parametrize("path", EXAMPLES[:2], ids=lambda p: p.stem)
def test_the_apps_valuation_page_shows_each_figure_with_its_label_text_and_help(path):
    _, v = example(path)
    at = open_page("app_pages/valuation.py", path)
    assert not at.exception
    # the headline figures, then the NHS party's money that applies to this deal (issue 16)
    shown = select(*APP_FIGURES) + [f for f in nhs_money(v) if f.key not in APP_FIGURES]
    assert metrics(at) == {f.label: f.text(v) for f in shown}
    helps = {m.label: m.help for m in at.metric}
    for figure in shown:
        assert helps[figure.label].startswith(figure.help), figure.key


@pytest.mark.parametrize("path", EXAMPLES[:2], ids=lambda p: p.stem)
def test_the_term_sheet_shows_each_figure_with_its_label_and_text(path):
    deal, v = example(path)
    text = pdf_text(term_sheet_pdf(deal, v, options=VALUATION_ANNEX, issued=ISSUED))
    for figure in select(*TERM_SHEET_FIGURES):
        assert f"{figure.label} {figure.text(v)}" in text, figure.key


@pytest.mark.parametrize("path", EXAMPLES[:2], ids=lambda p: p.stem)
def test_the_brief_shows_each_figure_with_its_label_and_text(path):
    deal, v = example(path)
    cv = value_contribution(deal, v)
    text = pdf_text(brief_pdf(deal, v, issued=ISSUED))
    for figure in select(*BRIEF_FIGURES):
        assert f"{figure.label} {figure.text(figure.of(v, cv))}" in text, figure.key


@pytest.mark.parametrize("path", EXAMPLES[:2], ids=lambda p: p.stem)
def test_the_excel_summary_labels_each_figure_and_its_formula_writes_as_the_cli_does(path):
    deal, v = example(path)
    data = deal_workbook(deal, v)
    formulas = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Summary"]
    rows = {row[0].value: row[0].row for row in formulas.iter_rows(min_row=8) if row[0].value}
    for figure in select(*EXCEL_FIGURES):
        assert figure.label in rows, figure.key
        row = rows[figure.label]
        assert str(formulas.cell(row, 2).value).startswith("="), figure.key  # a formula, not a pasted number
        engine, formula = cached.cell(row, 3).value, cached.cell(row, 2).value
        # xlsx keeps 16 significant figures: a relative tolerance at that precision
        assert engine == pytest.approx(figure.value(v), rel=1e-15, abs=1e-9), figure.key
        assert figure.write(formula) == figure.text(v), figure.key


@pytest.mark.parametrize("path", EXAMPLES[:2], ids=lambda p: p.stem)
def test_the_register_records_and_shows_each_figure_with_its_label_and_text(path, tmp_path, capsys):
    _, v = example(path)
    assert Headlines.of(v).texts() == {f.label: f.text(v) for f in select(*HEADLINE_KEYS)}
    register = str(tmp_path / "register.sqlite")
    cli("save", str(path), "--note", "first", "--author", "Ana", "--register", register, capsys=capsys)
    deal_name = load_deal(path).name
    shown = cli("show", deal_name, "--register", register, capsys=capsys).splitlines()
    for figure in select(*HEADLINE_KEYS):
        assert f"  {figure.label}: {figure.text(v)}" in shown, figure.key


# -- each written value against the figure computed another way ------------------------------------------------

def nhs_factors(deal: Deal) -> np.ndarray:
    """The Green Book schedule by hand: the NHS rate to year 30, the lower rate after it."""
    a = deal.assumptions
    t = np.arange(a.horizon_years + 1)
    early, late = np.minimum(t, 30), np.maximum(t - 30, 0)
    return (1 + a.nhs_discount_rate) ** -early * (1 + a.nhs_discount_rate_after_30) ** -late


def independently(deal: Deal) -> dict[str, str]:
    """Each figure of ``deal`` written from numpy-financial over its cash-flow lines and from the deal's own stages,
    not from the valuation's figures."""
    v = value_deal(deal)
    rate = deal.assumptions.partner_discount_rate
    nhs_pv = {x.key: float(x.yearly @ nhs_factors(deal)) for x in v.nhs_lines}
    partner = {x.key: x.yearly for x in v.partner_lines}
    before = sum(npf.npv(rate, partner[k]) for k in ("partner.operating_profit", "partner.stage_costs") if k in partner)
    given = -sum(npf.npv(rate, y) for k, y in partner.items() if k.startswith("terms["))
    fees = sum(nhs_pv[f"terms[{i}]"] for i, t in enumerate(deal.terms) if t.kind in ("access_fee", "subscription"))
    costs = -sum(pv for k, pv in nhs_pv.items() if k.startswith("costs."))
    # the headline reads the base case: each uncertain input (a triangular duration...) at its mean
    route, clause = base_case(deal).route_to_market, deal.consent_clause
    launch = math.prod(s.probability_of_success for s in route.stages) * (clause.probability if clause else 1)
    cv = value_contribution(deal, v)
    # The concluded value from the approaches' own figures and the deal's starting weights (docs/method.md 11):
    # an approach without a positive value gets no weight, the market's is × its comparables' mean closeness.
    rec = deal.contribution_value.reconciliation
    start = {"cost": rec.cost_weight, "market": rec.market_weight, "income": rec.income_weight}
    closeness = sum(x.closeness for x in cv.market.rows) / len(cv.market.rows) if cv.market.rows else 0.0
    raw = {a.key: 0.0 if not a.central or a.central <= 0 else
           start[a.key] * (closeness if a.key == "market" else 1.0) for a in cv.approaches}
    w = {k: x / sum(raw.values()) for k, x in raw.items()}
    floor = cv.cost.access_total
    central, low, high = (max(floor, sum(w[a.key] * (getattr(a, end) or 0.0) for a in cv.approaches))
                          for end in ("central", "low", "high"))
    concluded = money(central) if span(low, high) == money(central) else f"{money(central)} ({span(low, high)})"
    return {
        "nhs_npv": money(sum(nhs_pv.values())),
        "partner_npv": money(npf.npv(rate, v.partner_cash_flow)),
        "partner_irr": percent(float(npf.irr(v.partner_cash_flow))),
        "cost_recovery": ratio(fees / costs),
        "nhs_share": percent(given / before),
        "nhs_access_costs": money(costs),
        "value_share_gbp": money(given - costs),
        "value_share": percent((given - costs) / before),
        "value_to_nhs": money(given),
        "partner_value_before_payments": money(before),
        "nhs_receipts_undiscounted": money(sum(x.yearly.sum() for x in v.nhs_lines if x.key.startswith("terms["))),
        "launch_probability": percent(launch),
        "launch_year": number(sum(s.duration_years for s in route.stages) + (clause.year if clause else 0)),
        "contribution_value": concluded,
        **nhs_money_independently(deal, v, nhs_pv, sum(nhs_pv.values())),
    }


def nhs_money_independently(deal, v, nhs_pv, nhs_npv):
    """The NHS party's money (issue 16) from the lines and the deal's inputs: a royalty or revenue share on the NHS's
    purchases (s of units, after the discount d: s(1 − d) / (1 − s d) of net sales worldwide, all of UK sales) and a
    price discount come back to the party (its share p of the NHS's purchases) as rebates; its spend is its share
    of the expected sales at list price; its savings, patients (1 per unit here) × cost offset × p."""
    sales = deal.route_to_market.sales if deal.route_to_market else None
    s_, p_ = (sales.nhs_share_of_sales, sales.nhs_party_purchase_share) if sales else (0.0, 1.0)
    d = sum(t.price_discount for t in deal.terms if t.kind == "nhs_price_discount")
    rebates = other = 0.0
    for i, t in enumerate(deal.terms):
        pv = nhs_pv.get(f"terms[{i}]", 0.0)
        if t.kind == "nhs_price_discount":
            rebates += pv  # the party's own share of the saving is the line (p of it)
            other += pv * (1 - p_) / p_
        elif t.kind in ("royalty", "revenue_share"):
            on_nhs = 1.0 if t.territory.value == "uk" else s_ * (1 - d) / (1 - s_ * d)
            whole = pv / (1 - on_nhs * (1 - p_))
            rebates += whole * on_nhs * p_
            other += whole * on_nhs * (1 - p_)
    factors = nhs_factors(deal)
    list_spend = float(v.expected_sales * s_ * p_ @ factors)
    b = deal.patient_benefit
    units = v.expected_sales / sales.price_gbp * s_ if sales else v.expected_sales * 0
    savings = float(units * b.patients_per_unit * b.cost_offset_per_patient_gbp * p_ @ factors)
    grants = sum(pv for k, pv in nhs_pv.items() if k.startswith("funding["))
    receipts = sum(pv for k, pv in nhs_pv.items() if k.startswith(("terms[", "platform_users["))) - rebates
    spend_counted = list_spend if b.cost_offset_basis.value == "gross_of_price" else 0.0
    return {"nhs_receipts": money(receipts), "nhs_grants": money(grants), "nhs_price_terms": money(rebates),
            "nhs_product_spend": money(-(list_spend - rebates)), "nhs_savings": money(savings),
            "nhs_npv_with_product": money(nhs_npv + savings - spend_counted), "other_nhs_bodies": money(other)}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_written_value_equals_the_figure_computed_from_the_cash_flows(path):
    deal, v = example(path)
    assert not any(isinstance(t, ConsentToCommercialise) for t in deal.terms)  # launch_year above has no clause
    cv = value_contribution(deal, v)
    want = independently(deal)
    assert {f.key: f.text(f.of(v, cv)) for f in FIGURES.values()} == want


def test_on_a_deal_worked_by_hand_each_figure_is_written_as_on_paper():
    deal = hand_deal()
    v = value_deal(deal)
    got = {f.key: f.text(v) for f in FIGURES.values() if f.source is type(v)}
    assert got == {"nhs_npv": "£500", "value_to_nhs": "£1,000", "partner_npv": "£60", "partner_irr": "11.5%",
                   "cost_recovery": "2.00×", "nhs_share": "94.4%", "launch_probability": "40.0%",
                   # £500 of costs recovered first; £1,000 − £500 = £500 beyond them, 500 / 1,060 of its value
                   "nhs_access_costs": "£500", "value_share_gbp": "£500", "value_share": "47.2%",
                   "partner_value_before_payments": "£1,060", "nhs_receipts_undiscounted": "£1,000",
                   "launch_year": "2", **{k: want for k, want in independently(deal).items() if k in NHS_MONEY}}
    assert got == {k: want for k, want in independently(deal).items() if k in got}


def test_a_figure_with_no_answer_is_written_n_a_with_the_reason_beside_it(capsys, tmp_path):
    deal = deal_from_data(base_data(**NO_ANSWER))
    v = value_deal(deal)
    noted = {f.key: f.noted(v) for f in select(*VALUE_FIGURES)}
    assert noted == {
        "nhs_npv": "£1,000", "partner_npv": "-£1,000",
        "partner_irr": "n/a (the cash flows never change sign)",
        "cost_recovery": "n/a (no NHS access costs are entered)",
        "nhs_share": "n/a (the partner's value before payments to the NHS is not positive, so a share of it has no "
                     "meaning)",
        "nhs_access_costs": "£0", "value_share_gbp": "£1,000",
        "value_share": "n/a (the partner's value before payments to the NHS is not positive, so a share of it has "
                       "no meaning)",
        "launch_probability": "n/a (the deal has no route to market)"}
    text = pdf_text(term_sheet_pdf(deal, v, options=VALUATION_ANNEX, issued=ISSUED))
    for figure in select(*TERM_SHEET_FIGURES):
        if figure.value(v) is None:
            assert f"{figure.label} n/a {flat(figure.note(v))}" in text, figure.key


def test_one_of_several_possible_rates_is_a_note_beside_the_irr_on_every_surface(capsys, tmp_path):
    # A subscription paid in year 5 only, after the partner's profits of years 3 and 4: its cash flow goes -, +, -
    # and may have two IRRs (test_excel's "cash flow changing sign twice").
    deal = deal_from_data(base_data(terms=[{"kind": "subscription", "amount_gbp_per_year": 800, "start_year": 5,
                                            "years": 1}]))
    v = value_deal(deal)
    irr = FIGURES["partner_irr"]
    assert v.partner_irr.several_possible
    # 139.9%: above 100% a year, so the note goes on to say what such a rate means (tests/test_irr.py)
    assert v.partner_irr.caveat().startswith("one of several possible rates")
    assert irr.noted(v) == f"{percent(v.partner_irr.value)} ({v.partner_irr.caveat()})"
    path = tmp_path / "deal.yaml"
    path.write_text(deal_to_yaml(deal), encoding="utf-8")
    lines = cli("value", str(path), capsys=capsys).splitlines()
    assert any(line.startswith("Partner IRR ") and line.endswith(f" {irr.noted(v)}") for line in lines)
    sheet = pdf_text(term_sheet_pdf(deal, v, options=VALUATION_ANNEX, issued=ISSUED))
    assert f"Partner IRR {irr.text(v)} one of several possible rates" in sheet

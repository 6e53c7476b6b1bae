"""The Summary sheet: the headline figures as formulas over the Cash flows sheet, beside valueshare's own figures.

NPVs are ``SUMPRODUCT(cash flows, discount factors)``: year 0 undiscounted, as the engine does. Excel's ``NPV()``
discounts its first value by a year, so the check rows use ``year 0 + NPV(rate, years 1..)`` (and, for the NHS past
year 30, the Green Book step) and must agree with the main figures.
"""

from __future__ import annotations

from valueshare.engine import Valuation
from valueshare.mechanisms import of
from valueshare.model import Deal
from valueshare.reports.excel.book import DIFFERENCE, FACTOR, GBP, PERCENT, YEARS, Sheet
from valueshare.reports.excel.flows import PV, Layout
from valueshare.reports.excel.formula import IF, IFERROR, SUM, SUMPRODUCT, ExcelError, Range, X, call, lift
from valueshare.reports.excel.inputs import Cells

NO_SIGN_CHANGE = "no IRR: the cash flows never change sign"
NO_ROOT = "no IRR: no real rate makes the present value zero"


def _npv_value(rate: float, values: tuple) -> float:
    return sum(float(v) / (1 + rate) ** (k + 1) for k, v in enumerate(values))


def write_summary(sheet: Sheet, deal: Deal, valuation: Valuation, cells: Cells, lay: Layout) -> None:
    """Fill the Summary sheet (made first, so that it opens first, and filled last, as it needs the others)."""
    book = sheet.book
    f = book.formats
    flows = lay.sheet
    ws = sheet.ws
    for col, width in ((0, 46), (1, 20), (2, 24), (3, 14), (4, 80)):
        ws.set_column(col, col, width)
    sheet.text(0, 0, "Summary", f.get(bold=True, size=14))
    sheet.text(1, 0, deal.name, f.get(bold=True))
    sheet.text(2, 0, "NHS organisation", f.get(grey=True))
    sheet.text(2, 1, deal.nhs.name)
    sheet.text(3, 0, "Partner", f.get(grey=True))
    sheet.text(3, 1, deal.partner.name)
    sheet.text(4, 0, f"Money in £ of {deal.assumptions.price_base_year}; every flow risk-adjusted (weighted by its "
                     "chance). The formulas recalculate from the Inputs sheet; the third column is what valueshare "
                     "computed when the workbook was made.", f.get(italic=True))
    for col, head in enumerate(("Figure", "Formula", "valueshare (at export)", "Difference", "How")):
        sheet.text(6, col, head, f.get(bold=True, top_border=True))
    row = 7

    def put(label: str, expr: X, num_format: str, engine: float | str | None, how: str, name: str = "") -> X:
        nonlocal row
        sheet.text(row, 0, label)
        cell = sheet.formula(row, 1, expr, f.get(num_format, bold=bool(name)))
        if isinstance(engine, (int, float)):
            engine_cell = sheet.number(row, 2, engine, f.get(num_format))
            if isinstance(expr.value, (int, float)) and not isinstance(expr.value, ExcelError):
                sheet.formula(row, 3, IFERROR(cell - engine_cell, ""), f.get("0.00" if num_format == GBP else DIFFERENCE))
        elif engine is not None:
            sheet.text(row, 2, engine)
        sheet.text(row, 4, how, f.get(grey=True))
        if name:
            book.name(name, sheet, row, 1)
        row += 1
        return cell

    def pv(rows: list[int]) -> X:
        return SUM(*(flows.ref(r, PV, other=sheet) for r in rows)) if rows else lift(0)

    v = valuation
    nhs_net, partner_net = lay.row(lay.nhs_net, other=sheet), lay.row(lay.partner_net, other=sheet)
    put("NHS NPV", SUMPRODUCT(nhs_net, lay.row(lay.nhs_df, other=sheet)), GBP, v.nhs_npv,
        "SUMPRODUCT(NHS net cash flow, NHS discount factor): Green Book rate, year 0 undiscounted", "nhs_npv")
    put("Partner NPV", SUMPRODUCT(partner_net, lay.row(lay.partner_df, other=sheet)), GBP, v.partner_npv,
        "SUMPRODUCT(partner net cash flow, partner discount factor): year 0 undiscounted", "partner_npv")

    changes_range = lay.row(lay.sign_changes, other=sheet)
    changes = SUM(changes_range)
    guess = book.names["irr_guess"]
    irr_value: float | str | ExcelError = v.partner_irr.value if v.partner_irr.value is not None \
        else ExcelError("#NUM!")
    irr = IF(changes.eq(0), NO_SIGN_CHANGE, IFERROR(call("IRR", [partner_net, guess], irr_value), NO_ROOT))
    engine_irr = v.partner_irr.value if v.partner_irr.value is not None else v.partner_irr.text()
    put("Partner IRR", irr, PERCENT, engine_irr, "IRR(partner net cash flow, starting guess on Inputs); the rate at "
        "which the partner's expected cash flow has NPV 0", "partner_irr")
    put("Partner IRR: note", IF(changes.gt(1), "one of several possible rates (the cash flow changes sign "
                                               "more than once)", ""), PERCENT,
        "one of several possible rates" if v.partner_irr.several_possible else None,
        "Descartes: as many possible rates as the cash flow has sign changes (counted in the Cash flows workings)")

    # Checks with Excel's own NPV(): first value at year 0, NPV() over years 1..H discounts from year 1.
    a = deal.assumptions
    cols = lay.cols

    def span(first: int, last: int) -> Range:
        return flows.row_range(lay.nhs_net, cols[first], cols[last], other=sheet)

    year0 = flows.ref(lay.nhs_net, cols[0], other=sheet)
    step = min(30, a.horizon_years)
    nhs_rate, after = cells["assumptions.nhs_discount_rate"], cells["assumptions.nhs_discount_rate_after_30"]
    early = span(1, step)
    check = year0 + call("NPV", [nhs_rate, early], _npv_value(a.nhs_discount_rate, early.values))
    if a.horizon_years > 30:
        late = span(31, a.horizon_years)
        check = check + call("NPV", [after, late], _npv_value(a.nhs_discount_rate_after_30, late.values)) \
            / (1 + nhs_rate) ** 30
    put("NHS NPV, by Excel's NPV() (check)", check, GBP, v.nhs_npv,
        "year 0 + NPV(NHS rate, years 1 to 30)" + (" + NPV(rate after 30, years 31 on) / (1 + NHS rate)^30"
                                                    if a.horizon_years > 30 else "")
        + ": NPV() discounts its first value by a year, so year 0 is added outside it")
    partner_rest = flows.row_range(lay.partner_net, cols[1], cols[-1], other=sheet)
    put("Partner NPV, by Excel's NPV() (check)",
        flows.ref(lay.partner_net, cols[0], other=sheet)
        + call("NPV", [cells["assumptions.partner_discount_rate"], partner_rest],
               _npv_value(a.partner_discount_rate, partner_rest.values)),
        GBP, v.partner_npv, "year 0 + NPV(partner rate, years 1 on)")

    operating = [lay.partner_rows[k] for k in ("partner.operating_profit", "partner.stage_costs")
                 if k in lay.partner_rows]
    payments = [r for k, r in lay.partner_rows.items() if k.startswith("terms[")]
    before = put("Partner's value before payments to the NHS", pv(operating), GBP,
                 v.partner_value_before_payments, "PV at the partner's rate of operating profit and stage costs")
    given = put("Everything the partner gives the NHS (at the partner's rate)", -pv(payments), GBP,
                v.payments_to_nhs_partner_pv, "−(sum of the PVs of the partner's payment lines)")
    put("NHS share of value", IF(before.le(1e-9), "n/a: the partner's value before payments to the NHS is not "
                                 "positive", given / before), PERCENT,
        v.nhs_share if v.nhs_share is not None else f"n/a: {v.nhs_share_note}",
        "what the partner gives the NHS ÷ its value before payments")
    fees = [lay.nhs_rows[f"terms[{i}]"] for i, t in enumerate(deal.terms) if of(t).fee_like]
    costs = [r for k, r in lay.nhs_rows.items() if k.startswith("costs.")]
    fees_pv, costs_pv = pv(fees), -pv(costs)
    put("Cost recovery", IF(costs_pv.le(1e-9), "n/a: no NHS access costs are entered", fees_pv / costs_pv), "0.00x",
        v.cost_recovery_ratio if v.cost_recovery_ratio is not None else f"n/a: {v.cost_recovery_note}",
        "PV of top-level access fees and subscriptions ÷ PV of the NHS's costs, both at the NHS rate")
    receipts = [r for k, r in lay.nhs_rows.items() if k.startswith("terms[")]
    if receipts:
        block = Range(f"{flows.ref(receipts[0], cols[0], other=sheet).text}:"
                      f"{flows.ref(receipts[-1], cols[-1]).text}",
                      tuple(flows.values[(r, c)] for r in receipts for c in cols))
        total: X = SUM(block)
    else:
        total = lift(0)
    put("NHS receipts, undiscounted", total, GBP, v.nhs_receipts_undiscounted,
        "sum over the years of every NHS receipt line (not its costs)")
    if deal.route_to_market is not None:
        put("Chance the product reaches the market", cells["launch_probability"], FACTOR, v.launch_probability,
            "from the Workings sheet: the product of the stages' probabilities (× the clause's chance)")
        put("Launch, years from signature", cells["launch_time"], YEARS, v.launch_year,
            "the end of the last stage")
    row += 1
    sheet.text(row, 0, "Sheets: Inputs (every input, as constants) → Workings (stage timing and chances) → Cash flows "
                       "(one row per line, one column per year) → this Summary. docs/excel-model.md explains each "
                       "formula.", f.get(italic=True))
    ws.activate()

"""The Summary sheet: the headline figures as formulas over the Cash flows sheet, beside valueshare's own figures.

NPVs are ``SUMPRODUCT(cash flows, discount factors)``: year 0 undiscounted, as the engine does. Excel's ``NPV()``
discounts its first value by a year, so the check rows use ``year 0 + NPV(rate, years 1..)`` (and, for the NHS past
year 30, the Green Book step) and must agree with the main figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from valueshare.engine import Valuation
from valueshare.engine.finance import SMALL_OUTLAY
from valueshare.engine.valuation import ON_THE_MARKET, fee_line_keys
from valueshare.figures import FIGURES, NHS_MONEY
from valueshare.model import Deal
from valueshare.provenance import Provenance
from valueshare.reports.excel.book import DIFFERENCE, FACTOR, GBP, PERCENT, YEARS, Sheet
from valueshare.reports.excel.flows import PV, Layout
from valueshare.reports.excel.formula import (
    AND,
    DIV0,
    IF,
    IFERROR,
    MAX,
    SUM,
    SUMPRODUCT,
    ExcelError,
    Range,
    X,
    call,
    lift,
)
from valueshare.reports.excel.inputs import Cells

NO_SIGN_CHANGE = "no IRR: the cash flows never change sign"
NO_ROOT = "no IRR: no real rate makes the present value zero"
FINANCING = "no IRR: money comes in before it goes out (a financing profile, not an investment); see the NPV and MIRR"
NO_MIRR = "no MIRR: the cash flow needs money both in and out"

#: The headline figures (``valueshare.figures``) the sheet writes, in order, each as a formula beside the engine's
#: own value under the figure's label; the last two only when the deal has a route to market.
SUMMARY_FIGURES = ("nhs_npv", "partner_npv", "partner_irr", "partner_value_before_payments", "value_to_nhs",
                   "nhs_share", "cost_recovery", "nhs_access_costs", "value_share_gbp", "value_share", *NHS_MONEY,
                   "nhs_receipts_undiscounted", "launch_probability", "launch_year")
NO_COSTS = "n/a: no NHS access costs are entered"
GRANTS_COVER = "n/a: grants cover all of the NHS's costs of access"


def _npv_value(rate: float, values: tuple) -> float:
    return sum(float(v) / (1 + rate) ** (k + 1) for k, v in enumerate(values))


def write_summary(sheet: Sheet, deal: Deal, valuation: Valuation, cells: Cells, lay: Layout, *,
                  provenance: Provenance | None = None) -> None:
    """Fill the Summary sheet (made first, so that it opens first, and filled last, as it needs the others).
    ``provenance`` is what its last rows record (default: that of ``deal``)."""
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
                difference = f.get("0.00" if num_format == GBP else DIFFERENCE)
                sheet.formula(row, 3, IFERROR(cell - engine_cell, ""), difference)
        elif engine is not None:
            sheet.text(row, 2, engine)
        sheet.text(row, 4, how, f.get(grey=True))
        if name:
            book.name(name, sheet, row, 1)
        row += 1
        return cell

    def figure(key: str, expr: X, num_format: str, how: str, name: str = "", *, none: str | None = None) -> X:
        """The row of the headline figure ``key``: its label, and the engine's value (``none`` when it has no
        answer), from ``valueshare.figures``; the formula, its format and how it works are the sheet's own."""
        assert key in SUMMARY_FIGURES, key
        value = FIGURES[key].value(v)
        return put(FIGURES[key].label, expr, num_format, none if value is None else value, how, name)

    def pv(rows: list[int]) -> X:
        return SUM(*(flows.ref(r, PV, other=sheet) for r in rows)) if rows else lift(0)

    v = valuation
    nhs_net, partner_net = lay.row(lay.nhs_net, other=sheet), lay.row(lay.partner_net, other=sheet)
    figure("nhs_npv", SUMPRODUCT(nhs_net, lay.row(lay.nhs_df, other=sheet)), GBP,
           "SUMPRODUCT(NHS net cash flow, NHS discount factor): Green Book rate, year 0 undiscounted", "nhs_npv")
    figure("partner_npv", SUMPRODUCT(partner_net, lay.row(lay.partner_df, other=sheet)), GBP,
           "SUMPRODUCT(partner net cash flow, partner discount factor): year 0 undiscounted", "partner_npv")

    changes_range = lay.row(lay.sign_changes, other=sheet)
    changes = SUM(changes_range)
    guess = book.names["irr_guess"]
    irr_value: float | str | ExcelError = v.partner_irr.value if v.partner_irr.value is not None \
        else ExcelError("#NUM!")
    project = lay.row(lay.partner_project, other=sheet)
    opening = flows.ref(lay.first_sign, lay.cols[-1], other=sheet)
    irr = IF(changes.eq(0), NO_SIGN_CHANGE,
             IF(opening.gt(0), FINANCING, IFERROR(call("IRR", [project, guess], irr_value), NO_ROOT)))
    route = deal.route_to_market
    if route is not None and not route.stages:  # already on the market: no IRR on almost nothing put in
        flows_np = v.partner_cash_flow  # the values only; the test is a formula on the project row
        put_in = -call("SUMIF", [project, "<0"], float(flows_np[flows_np < 0].sum()))
        back = call("SUMIF", [project, ">0"], float(flows_np[flows_np > 0].sum()))
        irr = IF(put_in.lt(lift(SMALL_OUTLAY) * back), f"no IRR: {ON_THE_MARKET}", irr)
    figure("partner_irr", irr, PERCENT, "IRR(partner project cash flow, starting guess on Inputs); the rate at which "
           "the partner's expected project cash flow (its net without any stake left out of its IRR) has NPV 0; none "
           "when money comes in first (the first non-zero project cash flow is positive: a higher rate would read "
           "better, as for a loan)",
           "partner_irr", none=v.partner_irr.text())
    put(f"{FIGURES['partner_irr'].label}: note",
        IF(changes.gt(1), "one of several possible rates (the cash flow changes sign more than once)", ""), PERCENT,
        "one of several possible rates" if v.partner_irr.several_possible else None,
        "Descartes: as many possible rates as the cash flow has sign changes (counted in the Cash flows workings)")
    partner_rate = cells["assumptions.partner_discount_rate"]
    mirr = v.partner_irr.mirr
    put("Partner MIRR, at the partner's rate",
        IFERROR(call("MIRR", [project, partner_rate, partner_rate], DIV0 if mirr is None else mirr), NO_MIRR),
        PERCENT, NO_MIRR if mirr is None else mirr,
        "MIRR(partner project cash flow, partner rate, partner rate): outflows brought to year 0 and inflows carried "
        "to the horizon at the partner's rate; one answer, above the partner's rate exactly when its NPV is positive")

    # Checks with Excel's own NPV(): first value at year 0, NPV() over years 1..H discounts from year 1.
    a = deal.assumptions
    cols = lay.cols

    def span(first: int, last: int) -> Range:
        return flows.row_range(lay.nhs_net, cols[first], cols[last], other=sheet)

    year0 = flows.ref(lay.nhs_net, cols[0], other=sheet)
    h = a.horizon_years
    nhs_rate, after = cells["assumptions.nhs_discount_rate"], cells["assumptions.nhs_discount_rate_after_30"]
    after_75 = cells["assumptions.nhs_discount_rate_after_75"]
    early = span(1, min(30, h))
    check = year0 + call("NPV", [nhs_rate, early], _npv_value(a.nhs_discount_rate, early.values))
    how = "year 0 + NPV(NHS rate, years 1 to 30)"
    if h > 30:
        late = span(31, min(75, h))
        check = check + call("NPV", [after, late], _npv_value(a.nhs_discount_rate_after_30, late.values)) \
            / (1 + nhs_rate) ** 30
        how += " + NPV(rate after 30, years 31 to 75) / (1 + NHS rate)^30"
    if h > 75:
        latest = span(76, h)
        check = check + call("NPV", [after_75, latest], _npv_value(a.nhs_discount_rate_after_75, latest.values)) \
            / ((1 + nhs_rate) ** 30 * (1 + after) ** 45)
        how += " + NPV(rate after 75, years 76 on) / ((1 + NHS rate)^30 × (1 + rate after 30)^45)"
    put(f"{FIGURES['nhs_npv'].label}, by Excel's NPV() (check)", check, GBP, v.nhs_npv,
        how + ": NPV() discounts its first value by a year, so year 0 is added outside it")
    partner_rest = flows.row_range(lay.partner_net, cols[1], cols[-1], other=sheet)
    put(f"{FIGURES['partner_npv'].label}, by Excel's NPV() (check)",
        flows.ref(lay.partner_net, cols[0], other=sheet)
        + call("NPV", [cells["assumptions.partner_discount_rate"], partner_rest],
               _npv_value(a.partner_discount_rate, partner_rest.values)),
        GBP, v.partner_npv, "year 0 + NPV(partner rate, years 1 on)")

    operating = [r for k, r in lay.partner_rows.items()
                 if k.startswith("partner.funding[") or k in ("partner.operating_profit", "partner.stage_costs")]
    payments = [r for k, r in lay.partner_rows.items() if k.startswith("terms[")]
    before = figure("partner_value_before_payments", pv(operating), GBP,
                    "PV at the partner's rate of grants towards its costs, operating profit and stage costs")
    given = figure("value_to_nhs", -pv(payments), GBP, "everything the partner gives the NHS, at the partner's "
                   "rate: −(sum of the PVs of the partner's payment lines)")
    figure("nhs_share", IF(before.le(1e-9), "n/a: the partner's value before payments to the NHS is not positive",
                           given / before), PERCENT,
           "what the partner gives the NHS ÷ its value before payments", none=f"n/a: {v.nhs_share_note}")
    access = access_costs(sheet, lay, cells, deal)
    fees_pv = pv([lay.nhs_rows[k] for k in lay.nhs_rows if k in fee_line_keys(deal)])
    figure("cost_recovery", IF(AND(access.all_costs.gt(1e-9), access.platform.le(1e-9)), GRANTS_COVER,
                               IF(access.platform.le(1e-9), NO_COSTS, fees_pv / access.platform)),
           "0.00x", "PV of the charges for access (top-level access fees, subscriptions, secure-environment charges "
           "and service income, and other platform users' own) ÷ the NHS's costs of access less grants, both at the "
           "NHS rate", none=f"n/a: {v.cost_recovery_note}")
    shared = "" if access.share is None else " × the partner's share of them (Workings)"
    costs = figure("nhs_access_costs", access.partner, GBP,
                   "MAX(−(sum of the PVs of the NHS's cost lines) − PVs of the grants towards them, 0), at the NHS "
                   "rate" + shared)
    put("NHS costs of access less grants, all users of the data", access.platform, GBP, v.platform_access_costs,
        "MAX(−(sum of the PVs of the NHS's cost lines) − PVs of the grants towards the NHS, 0)")
    beyond = figure("value_share_gbp", given - costs, GBP, "value to the NHS − NHS costs of access")
    figure("value_share", IF(before.le(1e-9), "n/a: the partner's value before payments to the NHS is not positive",
                             beyond / before), PERCENT, "value share beyond cost recovery ÷ the partner's value "
           "before payments", none=f"n/a: {v.nhs_share_note}")

    # Where the NHS party's money comes from and goes (engine/valuation.py, engine/adoption.py).
    df = lay.row(lay.nhs_df, other=sheet)

    def work_pv(name: str) -> X:
        return SUMPRODUCT(lay.row(lay.buyer[name], other=sheet), df) if name in lay.buyer else lift(0)
    receipt_rows = [r for k, r in lay.nhs_rows.items() if k.startswith(("terms[", "platform_users["))]
    price_terms = work_pv("rebates")
    list_spend = work_pv("list_spend")
    savings = work_pv("savings")
    figure("nhs_receipts", pv(receipt_rows) - price_terms, GBP,
           "PVs of the NHS's receipt lines − the rebates on its own purchases (Cash flows workings), at the NHS rate")
    figure("nhs_grants", access.grants, GBP, "sum of the PVs of the grants towards the NHS's costs")
    figure("nhs_price_terms", price_terms, GBP, "SUMPRODUCT(rebates on the deal's NHS party's own purchases, NHS "
           "discount factor): the price discount and royalties or revenue shares on them")
    figure("nhs_product_spend", -(list_spend - price_terms), GBP,
           "−(PV of the NHS party's purchases at list price − PV of the rebates on them): not in the NHS NPV")
    figure("nhs_savings", savings, GBP, "SUMPRODUCT(the NHS party's savings from using the product, NHS discount "
           "factor): not in the NHS NPV")
    figure("nhs_npv_with_product",
           book.names["nhs_npv"] + savings - IF(cells["patient_benefit.cost_offset_basis"].eq("gross_of_price"),
                                                list_spend, 0), GBP,
           "NHS NPV + NHS savings − the PV of its purchases at list price (not when the cost offsets are entered "
           "net of the price)")
    figure("other_nhs_bodies", work_pv("other_nhs"), GBP, "SUMPRODUCT(other NHS bodies' part of the sales-linked "
           "terms, NHS discount factor): theirs, not in the NHS's lines")
    if receipt_rows:
        block = Range(f"{flows.ref(receipt_rows[0], cols[0], other=sheet).text}:"
                      f"{flows.ref(receipt_rows[-1], cols[-1]).text}",
                      tuple(flows.values[(r, c)] for r in receipt_rows for c in cols))
        total: X = SUM(block)
    else:
        total = lift(0)
    figure("nhs_receipts_undiscounted", total, GBP, "sum over the years of every NHS receipt line (not its grants "
           "or costs)")
    if deal.route_to_market is not None:
        figure("launch_probability", cells["launch_probability"], FACTOR,
               "from the Workings sheet: the product of the stages' probabilities (× the clause's chance)")
        figure("launch_year", cells["launch_time"], YEARS, "the end of the last stage")
    row += 1
    sheet.text(row, 0, "Sheets: Inputs (every input, as constants) → Workings (stage timing and chances) → Cash flows "
                       "(one row per line, one column per year) → this Summary. docs/excel-model.md explains each "
                       "formula.", f.get(italic=True))
    write_provenance(sheet, row + 2, provenance or Provenance.of(deal))
    ws.activate()


@dataclass(frozen=True)
class AccessCosts:
    """The NHS's costs of access as the Summary and the Members and users sheet work them out, at the NHS rate
    (engine/valuation.py ``CostBasis``)."""

    all_costs: X           # every cost the fees recover: the cost lines, and co-owners' own costs outside the NHS
    grants: X              # sum of the PVs of the grants towards the NHS
    platform: X            # MAX(all costs − grants, 0): across every user of the data
    share: X | None        # the partner's share of the shared costs (None: the partner is the only user)
    partner: X             # the partner's costs: its share of the shared costs less grants, and its own services'
    users: tuple[X, ...]   # each other platform user's, the same way


def access_costs(sheet: Sheet, lay: Layout, cells: Cells, deal: Deal) -> AccessCosts:
    """The NHS's costs of access less grants, and each user's part of them (engine/valuation.py ``CostBasis``):
    formulas over the Cash flows sheet's present values, to be written in ``sheet``."""
    def pv(rows: list[int]) -> X:
        return SUM(*(lay.sheet.ref(r, PV, other=sheet) for r in rows)) if rows else lift(0)
    rows = lay.nhs_rows
    outside = [cells[f"members[{k}].own_pv"] for k, m in enumerate(deal.nhs.members) if not m.is_nhs
               and f"members[{k}].own_pv" in cells.by_key]
    shared = -pv([r for k, r in rows.items() if k.startswith("costs.") and not k.startswith("costs.delivery.")])
    if outside:
        shared = shared + SUM(*outside)
    partner_delivery = -pv([r for k, r in rows.items() if k.startswith("costs.delivery.terms[")])
    users_delivery = [-pv([r for k, r in rows.items() if k.startswith(f"costs.delivery.platform_users[{j}].")])
                      for j in range(len(deal.platform_users))]
    delivery = partner_delivery + SUM(*users_delivery) if users_delivery else partner_delivery
    all_costs = shared + delivery
    grants = pv([r for k, r in rows.items() if k.startswith("funding[")])
    platform = MAX(all_costs - grants, 0)
    share = cells.by_key.get("partner_cost_share")
    equal = MAX(shared - grants, 0) * (1 if share is None else share)
    # grants beyond the shared costs pay for part of the services' delivery, in proportion
    kept = IF(delivery.gt(1e-9), MAX(delivery - MAX(grants - shared, 0), 0) / delivery, 0)
    return AccessCosts(all_costs, grants, platform, share, equal + partner_delivery * kept,
                       tuple(equal + d * kept for d in users_delivery))


def write_provenance(sheet: Sheet, row: int, made: Provenance) -> int:
    """The rows saying what made the workbook (``valueshare.provenance``), from ``row``; the row after them."""
    f = sheet.book.formats
    sheet.text(row, 0, "Provenance", f.get(bold=True, top_border=True))
    digest = made.deal_digest if isinstance(made.deal_digest, str) else ", ".join(made.deal_digest)
    rows = (("valueshare version", made.valueshare_version, "the version that made this workbook"),
            ("Rule set", made.rule_set, made.rule_set_name),
            ("Deal file format", str(made.format_version), "format_version of the deal as valueshare writes it"),
            ("Deal content digest", digest, "sha256 of the deal's canonical JSON: the same digest as "
                                            "provenance.deal_digest in 'python -m valueshare value FILE --json'"))
    for k, (label, value, how) in enumerate(rows, start=row + 1):
        sheet.text(k, 0, label)
        sheet.text(k, 1, value)
        sheet.text(k, 4, how, f.get(grey=True))
    return row + 1 + len(rows)

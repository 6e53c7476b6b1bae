"""The Members and users sheet: each consortium member's share, receipts, costs and NPV, and each user of a data
platform's payments and share of the NHS's costs, as formulas over the Cash flows sheet's present values.

The members' figures follow engine/valuation.py ``member_results``: a member's share (Workings) of the receipts and
grants, and of the costs the consortium shares (every cost line but members' own), less its own costs; its cost
recovery is its share of the charges for access over the costs it bears. The users' follow ``user_results``: what
each pays the NHS, of which charges for access, over an equal share of the NHS's costs of access less grants.
"""

from __future__ import annotations

from valueshare.engine import Valuation
from valueshare.engine.valuation import fee_line_keys
from valueshare.model import Deal
from valueshare.reports.excel.book import DIFFERENCE, FACTOR, GBP, Sheet
from valueshare.reports.excel.flows import PV, Layout
from valueshare.reports.excel.formula import IF, IFERROR, SUM, X, lift
from valueshare.reports.excel.inputs import Cells
from valueshare.reports.excel.summary import access_costs

SHEET_NAME = "Members and users"
NO_COST_BORNE = "n/a: it bears no cost"
#: The columns of the members' table, and of the users' table.
MEMBER_COLUMNS = ("Member", "NHS body", "Share", "Receipts and grants", "Shared costs", "Own costs", "NPV",
                  "Cost recovery", "NPV (valueshare, at export)", "Difference")
USER_COLUMNS = ("User", "Receipts", "Of which charges for access", "Share of the costs", "Cost recovery",
                "Receipts (valueshare, at export)", "Difference")


def needs_sheet(deal: Deal) -> bool:
    """Whether the deal has consortium members or other platform users, so that the workbook has this sheet."""
    return bool(deal.nhs.members or deal.platform_users)


def write_partnership(sheet: Sheet, deal: Deal, valuation: Valuation, cells: Cells, lay: Layout) -> None:
    """Fill the Members and users sheet (made after the Cash flows sheet, whose present values it reads)."""
    f = sheet.book.formats
    ws = sheet.ws
    ws.set_column(0, 0, 46)
    ws.set_column(1, 9, 17)
    sheet.text(0, 0, SHEET_NAME, f.get(bold=True, size=14))
    sheet.text(1, 0, "Present values at the NHS rate, as formulas over the Cash flows sheet's column D; the members' "
                     "shares are on the Workings sheet.", f.get(italic=True))
    row = 3
    if deal.nhs.members:
        row = _members(sheet, deal, valuation, cells, lay, row) + 1
    if deal.platform_users:
        _users(sheet, deal, valuation, cells, lay, row)


def _pv(sheet: Sheet, lay: Layout, rows: list[int]) -> X:
    return SUM(*(lay.sheet.ref(r, PV, other=sheet) for r in rows)) if rows else lift(0)


def _header(sheet: Sheet, row: int, columns: tuple[str, ...]) -> None:
    for col, head in enumerate(columns):
        sheet.text(row, col, head, sheet.book.formats.get(bold=True, top_border=True, wrap=True))


def _members(sheet: Sheet, deal: Deal, v: Valuation, cells: Cells, lay: Layout, row: int) -> int:
    f = sheet.book.formats
    sheet.text(row, 0, "Consortium members", f.get(bold=True, fill="#E8EEF7"))
    row += 1
    if not v.members:
        sheet.text(row, 0, f"No figures per member: {v.members_note}.", f.get(italic=True))
        row += 1
        for member in deal.nhs.members:
            sheet.text(row, 0, member.name)
            sheet.text(row, 1, "yes" if member.is_nhs else "no")
            row += 1
        return row
    rows = lay.nhs_rows
    fees = fee_line_keys(deal)
    totals = (
        ("Receipts the consortium shares", _pv(sheet, lay, [r for k, r in rows.items()
                                                            if k.startswith(("terms[", "platform_users["))]),
         "sum of the PVs of the NHS's receipt lines"),
        ("Costs the consortium shares, less grants", -_pv(sheet, lay, [r for k, r in rows.items()
                                                                       if k.startswith("costs.")
                                                                       and not k.startswith("costs.members[")])
         - _pv(sheet, lay, [r for k, r in rows.items() if k.startswith("funding[")]),
         "−(sum of the PVs of every cost line but the members' own) − (sum of the PVs of the grants towards them)"),
        ("Charges for access it receives", _pv(sheet, lay, [r for k, r in rows.items() if k in fees]),
         "sum of the PVs of the access fees, subscriptions, secure-environment charges and service income"),
    )
    shared: list[X] = []
    for label, expr, how in totals:
        sheet.text(row, 0, label)
        shared.append(sheet.formula(row, 1, expr, f.get(GBP)))
        sheet.text(row, 2, how, f.get(grey=True))
        row += 1
    shared_in, shared_costs, fees_pv = shared
    row += 1
    _header(sheet, row, MEMBER_COLUMNS)
    row += 1
    for k, (member, result) in enumerate(zip(deal.nhs.members, v.members, strict=True)):
        share = cells[f"members[{k}].share"]
        sheet.text(row, 0, member.name)
        sheet.text(row, 1, "yes" if member.is_nhs else "no")
        s = sheet.formula(row, 2, share, f.get(FACTOR))
        receipts = sheet.formula(row, 3, s * shared_in, f.get(GBP))
        costs = sheet.formula(row, 4, s * shared_costs, f.get(GBP))
        own = sheet.formula(row, 5, cells[f"members[{k}].own_pv"], f.get(GBP))
        npv = sheet.formula(row, 6, receipts - costs - own, f.get(GBP))
        borne = costs + own
        sheet.formula(row, 7, IF(borne.le(1e-9), NO_COST_BORNE, s * fees_pv / borne), f.get("0.00x"))
        engine = sheet.number(row, 8, result.npv, f.get(GBP))
        sheet.formula(row, 9, IFERROR(npv - engine, ""), f.get(DIFFERENCE))
        row += 1
    sheet.text(row, 0, "Share: Workings sheet. Receipts and shared costs: share × the totals above. Own costs: "
                       "SUMPRODUCT(its own costs, NHS discount factor). NPV: receipts − shared costs − own costs. "
                       "Cost recovery: share × charges for access ÷ (shared + own costs).", f.get(grey=True))
    if any(not m.is_nhs for m in deal.nhs.members):
        row += 1
        sheet.text(row, 0, "The co-owners outside the NHS take their share out of the NHS's cash flow (the Cash "
                           "flows line Share of co-owners outside the NHS): the NHS's figures are its members'.",
                   f.get(grey=True))
    return row + 1


def _users(sheet: Sheet, deal: Deal, v: Valuation, cells: Cells, lay: Layout, row: int) -> int:
    f = sheet.book.formats
    sheet.text(row, 0, "Users of the data platform", f.get(bold=True, fill="#E8EEF7"))
    row += 1
    access = access_costs(sheet, lay, cells, deal)
    assert access.share is not None  # the Workings sheet has the partner's share whenever there are other users
    sheet.text(row, 0, "NHS costs of access less grants, all users")
    sheet.formula(row, 1, access.platform, f.get(GBP))
    sheet.text(row, 2, "MAX(−(sum of the PVs of the NHS's cost lines) − PVs of the grants towards the NHS, 0)",
               f.get(grey=True))
    row += 1
    sheet.text(row, 0, "Each user's costs")
    sheet.text(row, 2, "an equal share of the shared costs less grants (Workings: partner_cost_share) [ours], plus "
                       "the delivery of its own services (service income), which is its alone", f.get(grey=True))
    row += 2
    _header(sheet, row, USER_COLUMNS)
    row += 1
    fees = fee_line_keys(deal)
    names = [deal.partner.name] + [u.name for u in deal.platform_users]
    prefixes = ["terms["] + [f"platform_users[{k}]." for k in range(len(deal.platform_users))]
    costs = (access.partner, *access.users)
    for name, prefix, result, cost in zip(names, prefixes, v.users, costs, strict=True):
        mine = [(k, r) for k, r in lay.nhs_rows.items() if k.startswith(prefix)]
        sheet.text(row, 0, name)
        receipts = sheet.formula(row, 1, _pv(sheet, lay, [r for _k, r in mine]), f.get(GBP))
        paid = sheet.formula(row, 2, _pv(sheet, lay, [r for k, r in mine if k in fees]), f.get(GBP))
        share = sheet.formula(row, 3, cost, f.get(GBP))
        sheet.formula(row, 4, IF(share.le(1e-9), "n/a: no costs to share", paid / share), f.get("0.00x"))
        engine = sheet.number(row, 5, result.receipts, f.get(GBP))
        sheet.formula(row, 6, IFERROR(receipts - engine, ""), f.get(DIFFERENCE))
        row += 1
    sheet.text(row, 0, "Receipts: sum of the PVs of the user's lines (the partner's: every term's NHS line). Cost "
                       "recovery: charges for access ÷ its share of the costs.", f.get(grey=True))
    return row + 1

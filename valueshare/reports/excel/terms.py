"""Each mechanism's part of the Excel model: its inputs on the Inputs sheet and its formula on the Cash flows sheet.

One ``ExcelRows`` per mechanism, which valueshare.mechanisms gives its record; the sheets' builders
(``inputs.py``, ``flows.py``) call them and hold nothing per mechanism. Each formula mirrors the mechanism's
function in ``engine/mechanisms.py`` line for line; docs/excel-model.md maps each one to the method.

This module loads no spreadsheet library and none of the engine (the registry, which the engine imports, imports it):
the sheets it writes on are only type hints here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from valueshare.model.terms import (
    AccessFee,
    Equity,
    InKindBenefit,
    Milestone,
    NhsPriceDiscount,
    RevenueShare,
    Royalty,
    SdeCharges,
    ServiceIncome,
    Subscription,
)
from valueshare.reports.excel.formula import AND, IF, ISBLANK, MAX, MIN, SUM, X, lift

if TYPE_CHECKING:
    from valueshare.reports.excel.flows import Builder
    from valueshare.reports.excel.inputs import InputsSheet

Cell = Callable[[int], X]   # column -> the formula for that year
FACTOR = "0.000000"         # book.FACTOR, written here: importing book would load XlsxWriter with the registry


@dataclass(frozen=True)
class ExcelRows:
    """A mechanism's rows in the workbook.

    ``inputs(sheet, term, where, name, year_note)`` writes the term's inputs (``where`` is its scenario path,
    ``name`` the prefix of its cells' names, ``year_note`` says where its years count from); ``cells(builder, term,
    where, inner)`` gives the formula of the NHS's receipt in a year, and of the partner's cost when that is not
    simply the receipt; ``how`` says it in words (``partner_how`` that of the partner's own cell). ``clause_weighted``:
    inside a consent clause its formula carries the clause's chance itself (a term on the route carries it through
    the route's chances). ``workings``, when given, first writes the rows its formula reads (a sales-linked term's
    base). ``delivery`` gives what the NHS spends to deliver the term in a year (>= 0; its line is
    ``costs.delivery.<key>``). ``by_buyer``: what the partner pays is split by who bought what it is paid on
    (engine/mechanisms.py ``_split_by_buyer``): the part on the NHS's purchases is ``−partner × NHS fraction``, the
    NHS fraction being the Workings cell ``<key>.nhs_fraction`` when the term has one, else 1.
    """

    inputs: Callable[[InputsSheet, Any, str, str, str], None]
    cells: Callable[[Builder, Any, str, bool], tuple[Cell, Cell | None]]
    how: str
    clause_weighted: bool = False
    workings: Callable[[Builder, Any, str, str], None] | None = None
    partner_how: str = ""
    delivery: Callable[[Builder, Any, str, bool], Cell] | None = None
    by_buyer: bool = False


def in_years(t: X, start: X, count: X) -> X:
    return AND(t.ge(start), t.le(start + count - 1))


def _start(b: Builder, where: str, key: str, inner: bool) -> X:
    """A year of the term, counted from signature (inside a clause, its years count from the clause's year)."""
    s = b.c[f"{where}.{key}"]
    return b.c["clause_year"] + s if inner else s


def _weighted(b: Builder, x: X, inner: bool) -> X:
    return b.c["clause_probability"] * x if inner else x


def indexation_input(s: InputsSheet, term: Any, where: str, name: str) -> None:
    """The term's indexation: whether its amounts are fixed in cash (deflated to real pounds) or rise with CPI."""
    s.choice("Indexation", term.indexation.value, ["fixed", "indexed"], f"{name}_indexation", f"{where}.indexation",
             "fixed: the pounds written are paid, worth 1/(1 + inflation)^year of the price base year's pounds; "
             "indexed: rise with CPI, already real.")


def nhs_factor(c: Any, t: X) -> X:
    """The NHS's discount factor for year ``t``, the Green Book's three steps (HM Treasury Green Book 2022, table 8
    [pub]; engine/timeline.py ``discount_factors``): ``(1 + r)^−MIN(t, 30) × (1 + r30)^−MAX(MIN(t, 75) − 30, 0) ×
    (1 + r75)^−MAX(t − 75, 0)``."""
    step, step2 = c["green_book_step_year"], c["green_book_step_year_2"]
    return ((1 + c["assumptions.nhs_discount_rate"]) ** -MIN(t, step)
            * (1 + c["assumptions.nhs_discount_rate_after_30"]) ** -MAX(MIN(t, step2) - step, 0)
            * (1 + c["assumptions.nhs_discount_rate_after_75"]) ** -MAX(t - step2, 0))


def partner_factor(c: Any, t: X) -> X:
    """The partner's discount factor for year ``t``: ``(1 + partner rate)^−t``."""
    return (1 + c["assumptions.partner_discount_rate"]) ** -t


def real(b: Builder, where: str, t: X) -> X:
    """What £1 of the term, paid in year ``t``, is worth in the price base year's pounds: ``(1 + inflation)^−t`` when
    its amounts are fixed in cash, 1 when they are indexed to CPI (engine/mechanisms.py ``deflators``)."""
    return IF(b.c[f"{where}.indexation"].eq("fixed"), (1 + b.c["assumptions.inflation_rate"]) ** -t, 1)


# ------------------------------------------------------------------------------------------------- access fee

def access_fee_inputs(s: InputsSheet, term: AccessFee, where: str, name: str, year_note: str) -> None:
    s.number("Fee", term.amount_gbp, "gbp", f"{name}_amount", f"{where}.amount_gbp", "Each year, if yearly.")
    s.choice("Frequency", term.frequency.value, ["one_off", "yearly"], f"{name}_frequency", f"{where}.frequency",
             "one_off: paid once, in the first year; yearly: in each of the years.")
    s.number("First year paid", term.start_year, "year", f"{name}_start", f"{where}.start_year", year_note)
    s.number("Years paid (if yearly)", term.years, "whole_years", f"{name}_years", f"{where}.years",
             "A one-off fee is paid once whatever this says.")
    indexation_input(s, term, where, name)


def access_fee_cells(b: Builder, term: AccessFee, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    years = IF(c[f"{where}.frequency"].eq("one_off"), 1, c[f"{where}.years"])
    start = _start(b, where, "start_year", inner)
    return (lambda col: _weighted(b, IF(in_years(g.t(col), start, years), c[f"{where}.amount_gbp"]
                                        * real(b, where, g.t(col)), 0), inner)), None


ACCESS_FEE = ExcelRows(access_fee_inputs, access_fee_cells,
                       "fee × deflator in each year from its first year for its years (one year if one-off)",
                       clause_weighted=True)


# ----------------------------------------------------------------------------------------------- subscription

def subscription_inputs(s: InputsSheet, term: Subscription, where: str, name: str, year_note: str) -> None:
    s.number("Subscription in its first year", term.amount_gbp_per_year, "gbp_year", f"{name}_amount",
             f"{where}.amount_gbp_per_year")
    s.number("First year paid", term.start_year, "year", f"{name}_start", f"{where}.start_year", year_note)
    s.number("Years paid", term.years, "whole_years", f"{name}_years", f"{where}.years")
    s.number("Yearly rise", term.escalation_rate, "growth", f"{name}_escalation", f"{where}.escalation_rate")
    indexation_input(s, term, where, name)


def subscription_cells(b: Builder, term: Subscription, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    s, amount, rise = _start(b, where, "start_year", inner), c[f"{where}.amount_gbp_per_year"], \
        c[f"{where}.escalation_rate"]
    return (lambda col: _weighted(b, IF(in_years(g.t(col), s, c[f"{where}.years"]),
                                        amount * (1 + rise) ** (g.t(col) - s) * real(b, where, g.t(col)), 0),
                                  inner)), None


SUBSCRIPTION = ExcelRows(subscription_inputs, subscription_cells,
                         "first-year amount × (1 + yearly rise)^(year − first year) × deflator, in its years",
                         clause_weighted=True)


# -------------------------------------------------------------------------------------------------- milestone

def milestone_inputs(s: InputsSheet, term: Milestone, where: str, name: str, year_note: str) -> None:
    s.text("Stage whose success triggers it", term.stage, f"{where}.stage",
           "Which stage is fixed when the workbook is made; export again to change it.")
    s.number("Payment", term.amount_gbp, "gbp", f"{name}_amount", f"{where}.amount_gbp")
    indexation_input(s, term, where, name)


def milestone_cells(b: Builder, term: Milestone, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    i = [st.name for st in b.deal.route_to_market.stages].index(term.stage)  # type: ignore[union-attr]
    return (lambda col: IF(g.t(col).eq(c[f"stages[{i}].year"]),
                           c[f"{where}.amount_gbp"] * c[f"stages[{i}].passed"] * real(b, where, g.t(col)), 0)), None


MILESTONE = ExcelRows(milestone_inputs, milestone_cells,
                      "payment × chance the stage succeeds × deflator, in the year the stage ends")


# ---------------------------------------------------------------------------------- royalty and revenue share

def _sales_linked_inputs(s: InputsSheet, term: Royalty | RevenueShare, where: str, name: str) -> None:
    s.choice("Paid on", term.territory.value, ["worldwide", "uk"], f"{name}_territory", f"{where}.territory",
             "worldwide: all net sales; uk: net UK sales only.")
    s.number("Years after launch it is due", term.term_years, "duration", f"{name}_term_years",
             f"{where}.term_years", "Empty: until sales end.")


def royalty_inputs(s: InputsSheet, term: Royalty, where: str, name: str, year_note: str) -> None:
    for k, tier in enumerate(term.tiers):
        s.number(f"Tier {k + 1}: applies to yearly net sales above", tier.from_gbp, "gbp",
                 f"{name}_tier{k + 1}_from", f"{where}.tiers[{k}].from_gbp",
                 "The first tier starts at £0." if k == 0 else "")
        s.number(f"Tier {k + 1}: royalty rate", tier.rate, "fraction", f"{name}_tier{k + 1}_rate",
                 f"{where}.tiers[{k}].rate")
    _sales_linked_inputs(s, term, where, name)
    s.number("Cap on total royalties", term.cap_gbp, "gbp", f"{name}_cap", f"{where}.cap_gbp",
             "Empty: no cap. The cap applies to royalties given launch, before the chance of launch.")
    indexation_input(s, term, where, name)


def royalty_workings(b: Builder, term: Royalty, where: str, name: str) -> None:
    """Net sales, the tiered royalty on them and the royalty after the cap, all given launch."""
    g, c = b.g, b.c
    base = b.net_sales_base(where, name)
    tiers = term.tiers

    deflator = g.work(f"{name}: deflator of its thresholds and cap", "fixed in cash: (1 + inflation)^−year; "
                      "indexed: 1", lambda col: real(b, where, g.t(col)), FACTOR)

    def tiered(col: int) -> X:
        sales, scale = g.at(base, col), g.at(deflator, col)
        total: X | None = None
        for k in range(len(tiers)):
            rate, start = c[f"{where}.tiers[{k}].rate"], c[f"{where}.tiers[{k}].from_gbp"] * scale
            if k + 1 < len(tiers):
                part = rate * MIN(MAX(sales - start, 0), c[f"{where}.tiers[{k + 1}].from_gbp"] * scale - start)
            else:
                part = rate * MAX(sales - start, 0)
            total = part if total is None else total + part
        assert total is not None
        return total
    before = g.work(f"{name}: royalty given launch, before any cap",
                    "Σ tiers: rate × MIN(MAX(net sales − tier start × deflator, 0), (next tier start − tier start) "
                    "× deflator)", tiered)
    cash = g.work(f"{name}: the same in the pounds paid (what the cap counts)", "royalty before the cap ÷ deflator",
                  lambda col: g.at(before, col) / g.at(deflator, col))
    cap = c[f"{where}.cap_gbp"]
    first = g.cols[0]

    def capped(col: int) -> X:
        so_far = SUM(g.sheet.row_range(cash, first, col, col_abs_first=True))
        return IF(ISBLANK(cap), g.at(before, col),
                  (MIN(so_far, cap) - MIN(so_far - g.at(cash, col), cap)) * g.at(deflator, col))
    b.base[where] = g.work(f"{name}: royalty given launch, after the cap",
                           "no cap: as above; else (MIN(paid to date, cap) − MIN(paid before this year, cap)) × "
                           "deflator", capped)


def less_other_nhs_bodies(b: Builder, where: str, paid: X) -> X:
    """What the deal's NHS party keeps of a sales-linked payment (engine/mechanisms.py ``_split_by_buyer``): all of
    it less the part paid on other NHS bodies' purchases, ``paid × NHS fraction × (1 − party's share)``."""
    return paid - paid * b.c[f"{where}.nhs_fraction"] * (1 - b.c["route_to_market.sales.nhs_party_purchase_share"])


#: What the NHS line of a royalty or revenue share says after its own formula.
LESS_OTHER_NHS = ("; less the part on other NHS bodies' purchases: × NHS fraction × (1 − share bought by the deal's "
                  "NHS party)")
PAID_ON_ALL_SALES = "−(what it pays on all the net sales the term covers, before any part goes to other NHS bodies)"


def royalty_cells(b: Builder, term: Royalty, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    def paid(col: int) -> X:
        return b.g.at(b.base[where], col) * b.c["launch_probability"]
    return (lambda col: less_other_nhs_bodies(b, where, paid(col))), (lambda col: -paid(col))


ROYALTY = ExcelRows(royalty_inputs, royalty_cells,
                    "royalty given launch (after any cap) × chance of launch" + LESS_OTHER_NHS,
                    workings=royalty_workings, partner_how=PAID_ON_ALL_SALES, by_buyer=True)


def revenue_share_inputs(s: InputsSheet, term: RevenueShare, where: str, name: str, year_note: str) -> None:
    s.number("Share of net sales", term.rate, "fraction", f"{name}_rate", f"{where}.rate")
    _sales_linked_inputs(s, term, where, name)


def revenue_share_workings(b: Builder, term: RevenueShare, where: str, name: str) -> None:
    b.base[where] = b.net_sales_base(where, name)


def revenue_share_cells(b: Builder, term: RevenueShare, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c = b.c

    def paid(col: int) -> X:
        return c[f"{where}.rate"] * b.g.at(b.base[where], col) * c["launch_probability"]
    return (lambda col: less_other_nhs_bodies(b, where, paid(col))), (lambda col: -paid(col))


REVENUE_SHARE = ExcelRows(revenue_share_inputs, revenue_share_cells,
                          "share × net sales it is paid on × chance of launch" + LESS_OTHER_NHS,
                          workings=revenue_share_workings, partner_how=PAID_ON_ALL_SALES, by_buyer=True)


# ----------------------------------------------------------------------------------------------------- equity

def equity_inputs(s: InputsSheet, term: Equity, where: str, name: str, year_note: str) -> None:
    s.number("Stake held at exit", term.stake, "fraction", f"{name}_stake", f"{where}.stake")
    s.number("Value of the company at exit", term.exit_value_gbp, "gbp", f"{name}_exit_value",
             f"{where}.exit_value_gbp")
    s.number("Year of the exit", term.exit_year, "year", f"{name}_exit_year", f"{where}.exit_year", year_note)
    s.number("Chance of that exit", term.exit_probability, "probability", f"{name}_exit_probability",
             f"{where}.exit_probability")
    s.choice("Exit needs the programme to succeed", "yes" if term.exit_requires_launch else "no", ["yes", "no"],
             f"{name}_exit_requires_launch", f"{where}.exit_requires_launch",
             "yes: only if no stage has failed by the exit year (launched, if the route ends before it); "
             "no: whatever becomes of the programme.")
    s.number("Equity discount rate", term.equity_discount_rate, "rate", f"{name}_equity_rate",
             f"{where}.equity_discount_rate", "Empty: each party values the stake at its own rate.")
    s.choice("Stake counted in the partner's IRR", "yes" if term.in_partner_irr else "no", ["yes", "no"],
             f"{name}_in_partner_irr", f"{where}.in_partner_irr",
             "no: the partner's IRR is its project's, without the stake (it still counts in its NPV).")
    indexation_input(s, term, where, name)


def alive_in(b: Builder, year: X) -> X:
    """The chance the programme is still alive at the end of ``year`` (engine/mechanisms.py ``alive_in``): the chance
    the last stage ended by then succeeds (its outcome is known in the year it ends), or the chance the route is
    taken if none has ended. Stage years never fall, so the last stage whose year is at most ``year`` is that one."""
    c = b.c
    alive = c["route_weight"]
    for i, _stage in enumerate(b.deal.route_to_market.stages):  # type: ignore[union-attr]
        alive = IF(c[f"stages[{i}].year"].le(year), c[f"stages[{i}].passed"], alive)
    return alive


def equity_cells(b: Builder, term: Equity, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    worth = c[f"{where}.stake"] * c[f"{where}.exit_value_gbp"] * c[f"{where}.exit_probability"]
    year = _start(b, where, "exit_year", inner)
    own = c["clause_probability"] if inner else lift(1)
    weight = own if b.deal.route_to_market is None else \
        IF(c[f"{where}.exit_requires_launch"].eq("yes"), alive_in(b, year), own)
    rate = c[f"{where}.equity_discount_rate"]

    def cash(col: int) -> X:
        return IF(g.t(col).eq(year), worth * weight * real(b, where, year), 0)

    def at_equity_rate(factor: X) -> X:
        return IF(ISBLANK(rate), 1, (1 + rate) ** -year / factor)
    return ((lambda col: cash(col) * at_equity_rate(nhs_factor(c, year))),
            (lambda col: -(cash(col) * at_equity_rate(partner_factor(c, year)))))


EQUITY = ExcelRows(equity_inputs, equity_cells,
                   "stake × exit value × chance of exit × chance the programme is alive (if the exit needs it) × "
                   "deflator, in the exit year, × (1 + equity rate)^−year ÷ the party's discount factor then",
                   clause_weighted=True)


# ----------------------------------------------------------------------------------------- NHS price discount

def nhs_price_discount_inputs(s: InputsSheet, term: NhsPriceDiscount, where: str, name: str, year_note: str) -> None:
    s.number("Discount off the list price", term.price_discount, "fraction", f"{name}_discount",
             f"{where}.price_discount", "On the NHS's purchases.",
             validation={"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 0.999999})


def nhs_price_discount_cells(b: Builder, term: NhsPriceDiscount, where: str, inner: bool
                             ) -> tuple[Cell, Cell | None]:
    c = b.c

    def saving(col: int) -> X:
        return (c[f"{where}.price_discount"] * b.g.at(b.rows["sales"], col)
                * c["route_to_market.sales.nhs_share_of_sales"] * c["launch_probability"])
    return ((lambda col: saving(col) * c["route_to_market.sales.nhs_party_purchase_share"]),
            (lambda col: -saving(col)))


NHS_PRICE_DISCOUNT = ExcelRows(
    nhs_price_discount_inputs, nhs_price_discount_cells,
    "discount × list-price sales given launch × share of sales to the NHS × chance of launch (the NHS's saving) × "
    "share bought by the deal's NHS party",
    partner_how="−(the saving on every NHS body's purchases: the revenue the partner gives up)", by_buyer=True)


# -------------------------------------------------------------------------------------------- in-kind benefit

def in_kind_benefit_inputs(s: InputsSheet, term: InKindBenefit, where: str, name: str, year_note: str) -> None:
    s.text("What the benefit is", term.description, f"{where}.description")
    s.number("Worth to the NHS", term.value_gbp_per_year, "gbp_year", f"{name}_value", f"{where}.value_gbp_per_year")
    s.number("Cost to the partner", term.partner_cost_gbp_per_year, "gbp_year", f"{name}_partner_cost",
             f"{where}.partner_cost_gbp_per_year", "Empty: the same as its worth to the NHS.")
    s.number("First year given", term.start_year, "year", f"{name}_start", f"{where}.start_year", year_note)
    s.number("Years given", term.years, "whole_years", f"{name}_years", f"{where}.years")
    indexation_input(s, term, where, name)


def in_kind_benefit_cells(b: Builder, term: InKindBenefit, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    s, years = _start(b, where, "start_year", inner), c[f"{where}.years"]
    value, cost = c[f"{where}.value_gbp_per_year"], c[f"{where}.partner_cost_gbp_per_year"]
    return ((lambda col: _weighted(b, IF(in_years(g.t(col), s, years), value * real(b, where, g.t(col)), 0), inner)),
            (lambda col: -_weighted(b, IF(in_years(g.t(col), s, years),
                                          IF(ISBLANK(cost), value, cost) * real(b, where, g.t(col)), 0), inner)))


IN_KIND_BENEFIT = ExcelRows(in_kind_benefit_inputs, in_kind_benefit_cells,
                            "its yearly worth to the NHS × deflator, in its years",
                            clause_weighted=True)


# ------------------------------------------------------------------------------- secure data environment charges

def sde_charges_inputs(s: InputsSheet, term: SdeCharges, where: str, name: str, year_note: str) -> None:
    s.number("Set-up charge", term.setup_gbp, "gbp", f"{name}_setup", f"{where}.setup_gbp", "Paid in the start year.")
    s.number("Charge per user per month", term.per_user_per_month_gbp, "gbp", f"{name}_per_user_month",
             f"{where}.per_user_per_month_gbp", unit_text="£ a user a month")
    s.number("Users", term.users, "count", f"{name}_users", f"{where}.users", unit_text="users",
             validation={"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 100_000})
    s.number("Charge per project", term.per_project_gbp, "gbp", f"{name}_per_project", f"{where}.per_project_gbp",
             unit_text="£ a project")
    s.number("Projects a year", term.projects_per_year, "count", f"{name}_projects", f"{where}.projects_per_year",
             unit_text="projects a year")
    s.number("Start year (set-up)", term.start_year, "year", f"{name}_start", f"{where}.start_year", year_note)
    s.number("Years of use", term.years, "whole_years", f"{name}_years", f"{where}.years",
             "The monthly and project charges fall in the years after the start year.")
    indexation_input(s, term, where, name)


def sde_charges_cells(b: Builder, term: SdeCharges, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    start = _start(b, where, "start_year", inner)
    usage = (c[f"{where}.users"] * 12 * c[f"{where}.per_user_per_month_gbp"]
             + c[f"{where}.projects_per_year"] * c[f"{where}.per_project_gbp"])
    return (lambda col: _weighted(b, (IF(g.t(col).eq(start), c[f"{where}.setup_gbp"], 0)
                                      + IF(in_years(g.t(col), start + 1, c[f"{where}.years"]), usage, 0))
                                  * real(b, where, g.t(col)), inner)), None


SDE_CHARGES = ExcelRows(sde_charges_inputs, sde_charges_cells,
                        "set-up charge in the start year; then users × 12 × monthly charge + projects × project "
                        "charge in each year of use; × deflator", clause_weighted=True)


# ---------------------------------------------------------------------------------- trial and service income

def service_income_inputs(s: InputsSheet, term: ServiceIncome, where: str, name: str, year_note: str) -> None:
    s.text("What the NHS delivers", term.description, f"{where}.description")
    s.text("What one unit is", term.unit, f"{where}.unit")
    s.number("Units a year", term.units_per_year, "count", f"{name}_units", f"{where}.units_per_year",
             unit_text=f"{term.unit} a year")
    s.number("Price per unit", term.price_per_unit_gbp, "gbp", f"{name}_price", f"{where}.price_per_unit_gbp")
    s.number("NHS delivery cost per unit", term.nhs_cost_per_unit_gbp, "gbp", f"{name}_cost",
             f"{where}.nhs_cost_per_unit_gbp", "Counted among the NHS's costs.")
    s.number("First year", term.start_year, "year", f"{name}_start", f"{where}.start_year", year_note)
    s.number("Years", term.years, "whole_years", f"{name}_years", f"{where}.years")
    indexation_input(s, term, where, name)


def service_income_cells(b: Builder, term: ServiceIncome, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    s = _start(b, where, "start_year", inner)
    return (lambda col: _weighted(b, IF(in_years(g.t(col), s, c[f"{where}.years"]),
                                        c[f"{where}.units_per_year"] * c[f"{where}.price_per_unit_gbp"]
                                        * real(b, where, g.t(col)), 0), inner)), None


def service_income_delivery(b: Builder, term: ServiceIncome, where: str, inner: bool) -> Cell:
    """What delivering the service costs the NHS in a year (positive): units × NHS cost per unit × deflator."""
    c, g = b.c, b.g
    s = _start(b, where, "start_year", inner)
    return lambda col: _weighted(b, IF(in_years(g.t(col), s, c[f"{where}.years"]),
                                       c[f"{where}.units_per_year"] * c[f"{where}.nhs_cost_per_unit_gbp"]
                                       * real(b, where, g.t(col)), 0), inner)


SERVICE_INCOME = ExcelRows(service_income_inputs, service_income_cells,
                           "units a year × price per unit × deflator, in its years", clause_weighted=True,
                           delivery=service_income_delivery)

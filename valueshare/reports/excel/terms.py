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
    Subscription,
)
from valueshare.reports.excel.formula import AND, IF, ISBLANK, MAX, MIN, SUM, X

if TYPE_CHECKING:
    from valueshare.reports.excel.flows import Builder
    from valueshare.reports.excel.inputs import InputsSheet

Cell = Callable[[int], X]   # column -> the formula for that year


@dataclass(frozen=True)
class ExcelRows:
    """A mechanism's rows in the workbook.

    ``inputs(sheet, term, where, name, year_note)`` writes the term's inputs (``where`` is its scenario path,
    ``name`` the prefix of its cells' names, ``year_note`` says where its years count from); ``cells(builder, term,
    where, inner)`` gives the formula of the NHS's receipt in a year, and of the partner's cost when that is not
    simply the receipt; ``how`` says it in words. ``clause_weighted``: inside a consent clause its formula carries
    the clause's chance itself (a term on the route carries it through the route's chances). ``workings``, when
    given, first writes the rows its formula reads (a sales-linked term's base).
    """

    inputs: Callable[[InputsSheet, Any, str, str, str], None]
    cells: Callable[[Builder, Any, str, bool], tuple[Cell, Cell | None]]
    how: str
    clause_weighted: bool = False
    workings: Callable[[Builder, Any, str, str], None] | None = None


def in_years(t: X, start: X, count: X) -> X:
    return AND(t.ge(start), t.le(start + count - 1))


def _start(b: Builder, where: str, key: str, inner: bool) -> X:
    """A year of the term, counted from signature (inside a clause, its years count from the clause's year)."""
    s = b.c[f"{where}.{key}"]
    return b.c["clause_year"] + s if inner else s


def _weighted(b: Builder, x: X, inner: bool) -> X:
    return b.c["clause_probability"] * x if inner else x


# ------------------------------------------------------------------------------------------------- access fee

def access_fee_inputs(s: InputsSheet, term: AccessFee, where: str, name: str, year_note: str) -> None:
    s.number("Fee", term.amount_gbp, "gbp", f"{name}_amount", f"{where}.amount_gbp", "Each year, if yearly.")
    s.choice("Frequency", term.frequency.value, ["one_off", "yearly"], f"{name}_frequency", f"{where}.frequency",
             "one_off: paid once, in the first year; yearly: in each of the years.")
    s.number("First year paid", term.start_year, "year", f"{name}_start", f"{where}.start_year", year_note)
    s.number("Years paid (if yearly)", term.years, "whole_years", f"{name}_years", f"{where}.years",
             "A one-off fee is paid once whatever this says.")


def access_fee_cells(b: Builder, term: AccessFee, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    years = IF(c[f"{where}.frequency"].eq("one_off"), 1, c[f"{where}.years"])
    start = _start(b, where, "start_year", inner)
    return (lambda col: _weighted(b, IF(in_years(g.t(col), start, years), c[f"{where}.amount_gbp"], 0), inner)), None


ACCESS_FEE = ExcelRows(access_fee_inputs, access_fee_cells,
                       "fee in each year from its first year for its years (one year if one-off)", clause_weighted=True)


# ----------------------------------------------------------------------------------------------- subscription

def subscription_inputs(s: InputsSheet, term: Subscription, where: str, name: str, year_note: str) -> None:
    s.number("Subscription in its first year", term.amount_gbp_per_year, "gbp_year", f"{name}_amount",
             f"{where}.amount_gbp_per_year")
    s.number("First year paid", term.start_year, "year", f"{name}_start", f"{where}.start_year", year_note)
    s.number("Years paid", term.years, "whole_years", f"{name}_years", f"{where}.years")
    s.number("Yearly rise", term.escalation_rate, "growth", f"{name}_escalation", f"{where}.escalation_rate")


def subscription_cells(b: Builder, term: Subscription, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    s, amount, rise = _start(b, where, "start_year", inner), c[f"{where}.amount_gbp_per_year"], \
        c[f"{where}.escalation_rate"]
    return (lambda col: _weighted(b, IF(in_years(g.t(col), s, c[f"{where}.years"]),
                                        amount * (1 + rise) ** (g.t(col) - s), 0), inner)), None


SUBSCRIPTION = ExcelRows(subscription_inputs, subscription_cells,
                         "first-year amount × (1 + yearly rise)^(year − first year), in its years",
                         clause_weighted=True)


# -------------------------------------------------------------------------------------------------- milestone

def milestone_inputs(s: InputsSheet, term: Milestone, where: str, name: str, year_note: str) -> None:
    s.text("Stage whose success triggers it", term.stage, f"{where}.stage",
           "Which stage is fixed when the workbook is made; export again to change it.")
    s.number("Payment", term.amount_gbp, "gbp", f"{name}_amount", f"{where}.amount_gbp")


def milestone_cells(b: Builder, term: Milestone, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    i = [st.name for st in b.deal.route_to_market.stages].index(term.stage)  # type: ignore[union-attr]
    return (lambda col: IF(g.t(col).eq(c[f"stages[{i}].year"]),
                           c[f"{where}.amount_gbp"] * c[f"stages[{i}].passed"], 0)), None


MILESTONE = ExcelRows(milestone_inputs, milestone_cells,
                      "payment × chance the stage succeeds, in the year the stage ends")


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


def royalty_workings(b: Builder, term: Royalty, where: str, name: str) -> None:
    """Net sales, the tiered royalty on them and the royalty after the cap, all given launch."""
    g, c = b.g, b.c
    base = b.net_sales_base(where, name)
    tiers = term.tiers

    def tiered(col: int) -> X:
        sales = g.at(base, col)
        total: X | None = None
        for k in range(len(tiers)):
            rate, start = c[f"{where}.tiers[{k}].rate"], c[f"{where}.tiers[{k}].from_gbp"]
            if k + 1 < len(tiers):
                part = rate * MIN(MAX(sales - start, 0), c[f"{where}.tiers[{k + 1}].from_gbp"] - start)
            else:
                part = rate * MAX(sales - start, 0)
            total = part if total is None else total + part
        assert total is not None
        return total
    before = g.work(f"{name}: royalty given launch, before any cap",
                    "Σ tiers: rate × MIN(MAX(net sales − tier start, 0), next tier start − tier start)", tiered)
    cap = c[f"{where}.cap_gbp"]
    first = g.cols[0]

    def capped(col: int) -> X:
        so_far = SUM(g.sheet.row_range(before, first, col, col_abs_first=True))
        return IF(ISBLANK(cap), g.at(before, col), MIN(so_far, cap) - MIN(so_far - g.at(before, col), cap))
    b.base[where] = g.work(f"{name}: royalty given launch, after the cap",
                           "no cap: as above; else MIN(total to date, cap) − MIN(total before this year, cap)",
                           capped)


def royalty_cells(b: Builder, term: Royalty, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    return (lambda col: b.g.at(b.base[where], col) * b.c["launch_probability"]), None


ROYALTY = ExcelRows(royalty_inputs, royalty_cells, "royalty given launch (after any cap) × chance of launch",
                    workings=royalty_workings)


def revenue_share_inputs(s: InputsSheet, term: RevenueShare, where: str, name: str, year_note: str) -> None:
    s.number("Share of net sales", term.rate, "fraction", f"{name}_rate", f"{where}.rate")
    _sales_linked_inputs(s, term, where, name)


def revenue_share_workings(b: Builder, term: RevenueShare, where: str, name: str) -> None:
    b.base[where] = b.net_sales_base(where, name)


def revenue_share_cells(b: Builder, term: RevenueShare, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c = b.c
    return (lambda col: c[f"{where}.rate"] * b.g.at(b.base[where], col) * c["launch_probability"]), None


REVENUE_SHARE = ExcelRows(revenue_share_inputs, revenue_share_cells,
                          "share × net sales it is paid on × chance of launch", workings=revenue_share_workings)


# ----------------------------------------------------------------------------------------------------- equity

def equity_inputs(s: InputsSheet, term: Equity, where: str, name: str, year_note: str) -> None:
    s.number("Stake held at exit", term.stake, "fraction", f"{name}_stake", f"{where}.stake")
    s.number("Value of the company at exit", term.exit_value_gbp, "gbp", f"{name}_exit_value",
             f"{where}.exit_value_gbp")
    s.number("Year of the exit", term.exit_year, "year", f"{name}_exit_year", f"{where}.exit_year", year_note)
    s.number("Chance of that exit", term.exit_probability, "probability", f"{name}_exit_probability",
             f"{where}.exit_probability")


def equity_cells(b: Builder, term: Equity, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    worth = c[f"{where}.stake"] * c[f"{where}.exit_value_gbp"] * c[f"{where}.exit_probability"]
    year = _start(b, where, "exit_year", inner)
    return (lambda col: _weighted(b, IF(g.t(col).eq(year), worth, 0), inner)), None


EQUITY = ExcelRows(equity_inputs, equity_cells, "stake × exit value × chance of exit, in the exit year",
                   clause_weighted=True)


# ----------------------------------------------------------------------------------------- NHS price discount

def nhs_price_discount_inputs(s: InputsSheet, term: NhsPriceDiscount, where: str, name: str, year_note: str) -> None:
    s.number("Discount off the list price", term.price_discount, "fraction", f"{name}_discount",
             f"{where}.price_discount", "On NHS (UK) purchases.",
             validation={"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 0.999999})


def nhs_price_discount_cells(b: Builder, term: NhsPriceDiscount, where: str, inner: bool
                             ) -> tuple[Cell, Cell | None]:
    c = b.c
    return (lambda col: c[f"{where}.price_discount"] * b.g.at(b.rows["sales"], col)
            * c["route_to_market.sales.uk_share"] * c["launch_probability"]), None


NHS_PRICE_DISCOUNT = ExcelRows(
    nhs_price_discount_inputs, nhs_price_discount_cells,
    "discount × list-price sales given launch × UK share × chance of launch (the NHS's saving)")


# -------------------------------------------------------------------------------------------- in-kind benefit

def in_kind_benefit_inputs(s: InputsSheet, term: InKindBenefit, where: str, name: str, year_note: str) -> None:
    s.text("What the benefit is", term.description, f"{where}.description")
    s.number("Worth to the NHS", term.value_gbp_per_year, "gbp_year", f"{name}_value", f"{where}.value_gbp_per_year")
    s.number("Cost to the partner", term.partner_cost_gbp_per_year, "gbp_year", f"{name}_partner_cost",
             f"{where}.partner_cost_gbp_per_year", "Empty: the same as its worth to the NHS.")
    s.number("First year given", term.start_year, "year", f"{name}_start", f"{where}.start_year", year_note)
    s.number("Years given", term.years, "whole_years", f"{name}_years", f"{where}.years")


def in_kind_benefit_cells(b: Builder, term: InKindBenefit, where: str, inner: bool) -> tuple[Cell, Cell | None]:
    c, g = b.c, b.g
    s, years = _start(b, where, "start_year", inner), c[f"{where}.years"]
    value, cost = c[f"{where}.value_gbp_per_year"], c[f"{where}.partner_cost_gbp_per_year"]
    return ((lambda col: _weighted(b, IF(in_years(g.t(col), s, years), value, 0), inner)),
            (lambda col: -_weighted(b, IF(in_years(g.t(col), s, years), IF(ISBLANK(cost), value, cost), 0), inner)))


IN_KIND_BENEFIT = ExcelRows(in_kind_benefit_inputs, in_kind_benefit_cells, "its yearly worth to the NHS, in its years",
                            clause_weighted=True)

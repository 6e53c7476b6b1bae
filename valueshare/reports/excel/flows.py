"""The Cash flows sheet: one row per line of the engine's valuation, one column per year, every cell a formula.

Rows follow ``Valuation.nhs_lines`` and ``partner_lines`` (same order, same labels, the engine's key beside each),
then each party's net cash flow, discount factor and discounted cash flow; below them, the workings the lines are
built from (sales given launch, each stage's cost, each sales-linked term's base). The formulas mirror
``engine/route.py`` and ``engine/mechanisms.py`` line for line; docs/excel-model.md maps each one to the method.
Each mechanism's own rows are its record's ``excel`` (valueshare.mechanisms, written in ``excel/terms.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from valueshare.engine import Valuation
from valueshare.engine.consortium import member_shares
from valueshare.engine.valuation import TAX_KEY
from valueshare.mechanisms import of
from valueshare.model import ConsentToCommercialise, Deal
from valueshare.model.partnership import FundingFor
from valueshare.reports.excel.book import COUNT, FACTOR, GBP, WHOLE, YEARS, Book, Sheet
from valueshare.reports.excel.formula import ABS, IF, ISBLANK, MAX, MIN, SIGN, SUM, SUMPRODUCT, Range, X, lift
from valueshare.reports.excel.inputs import Cells, WorkingsSheet, write_member_shares
from valueshare.reports.excel.terms import Cell, ExcelRows, in_years, nhs_factor, partner_factor

LABEL, KEY, HOW, PV = 0, 1, 2, 3
#: How the engine works out each line the sheet writes as its values (docs/method.md, engine/tax.py).
ENGINE_HOW = {TAX_KEY: "−(tax rate × the yearly rise in the highest cumulative taxable profit so far, floored at 0: "
                       "losses carried forward), worked out for each outcome of the route and weighted by its chance"}
FIRST_YEAR = 4          # column of year 0
HEADER = 3              # row holding the years
TOP = 5                 # first row of the NHS section
#: What the "How" column says of a line written as the engine's yearly values rather than rebuilt by formulas.
ENGINE_VALUES = "values from valueshare's engine, not recomputed here"
ENGINE_FILL = "#EDEDED"  # such a line's cells are grey, so they stand apart from the formulas


@dataclass
class Layout:
    """Where everything is, for the Summary sheet and the tests."""

    sheet: Sheet
    cols: list[int]
    nhs_rows: dict[str, int] = field(default_factory=dict)       # engine key -> row
    partner_rows: dict[str, int] = field(default_factory=dict)
    nhs_net: int = 0
    nhs_df: int = 0
    partner_net: int = 0
    partner_df: int = 0
    partner_project: int = 0
    sign_changes: int = 0
    first_sign: int = 0
    engine_rows: list[int] = field(default_factory=list)  # rows written as the engine's values, not formulas
    on_nhs: int = 0                                       # workings: sales-linked payments on the NHS's purchases
    buyer: dict[str, int] = field(default_factory=dict)   # workings rows: rebates, other_nhs, list_spend, savings

    def row(self, row: int, *, other: Sheet | None = None) -> Range:
        return self.sheet.row_range(row, self.cols[0], self.cols[-1], other=other)


class Grid:
    """Writes rows of yearly formulas on the Cash flows sheet."""

    def __init__(self, book: Book, horizon: int):
        self.book = book
        self.sheet = book.sheet("Cash flows", one_page_wide=False)
        self.cols = list(range(FIRST_YEAR, FIRST_YEAR + horizon + 1))
        f = book.formats
        ws = self.sheet.ws
        ws.set_column(LABEL, LABEL, 46)
        ws.set_column(KEY, KEY, 18)
        ws.set_column(HOW, HOW, 52)
        ws.set_column(PV, PV, 15)
        ws.set_column(self.cols[0], self.cols[-1], 13)
        self.sheet.text(HEADER, LABEL, "Year", f.get(bold=True, top_border=True))
        self.sheet.text(HEADER, KEY, "Engine line", f.get(bold=True, top_border=True))
        self.sheet.text(HEADER, HOW, "How each year is worked out", f.get(bold=True, top_border=True))
        self.sheet.text(HEADER, PV, "Present value", f.get(bold=True, top_border=True))
        for t, col in enumerate(self.cols):
            self.sheet.number(HEADER, col, t, f.get(WHOLE, bold=True, top_border=True))
        ws.freeze_panes(HEADER + 1, FIRST_YEAR)
        ws.repeat_rows(HEADER)
        ws.repeat_columns(LABEL)
        self.next_work = 0

    def t(self, col: int) -> X:
        """The year of a column, from the header row."""
        return self.sheet.ref(HEADER, col, row_abs=True)

    def at(self, row: int, col: int) -> X:
        return self.sheet.ref(row, col)

    def title(self, row: int, text: str, *, size: int | None = None) -> None:
        self.sheet.text(row, LABEL, text, self.book.formats.get(bold=True, size=size, fill=None if size else "#E8EEF7"))
        if not size:
            for col in range(1, self.cols[-1] + 1):
                self.sheet.ws.write_blank(row, col, None, self.book.formats.get(fill="#E8EEF7"))

    def write(self, row: int, label: str, key: str, how: str, cell: Cell, num_format: str = GBP, *,
              bold: bool = False, work: bool = False) -> int:
        f = self.book.formats
        self.sheet.text(row, LABEL, label, f.get(bold=bold, italic=work, top_border=bold))
        if key:
            self.sheet.text(row, KEY, key, f.get(grey=True))
        self.sheet.text(row, HOW, how, f.get(grey=True))
        for col in self.cols:
            self.sheet.formula(row, col, cell(col), f.get(num_format, bold=bold, top_border=bold))
        return row

    def constants(self, row: int, label: str, key: str, how: str, values: list[float]) -> int:
        """A line the sheet does not rebuild by formulas: the engine's yearly values, as constants, said so."""
        f = self.book.formats
        self.sheet.text(row, LABEL, label, f.get())
        self.sheet.text(row, KEY, key, f.get(grey=True))
        self.sheet.text(row, HOW, f"{ENGINE_VALUES}: {how}", f.get(grey=True))
        for col, value in zip(self.cols, values, strict=True):
            self.sheet.number(row, col, float(value), f.get(GBP, fill=ENGINE_FILL))
        return row

    def work(self, label: str, how: str, cell: Cell, num_format: str = GBP) -> int:
        row = self.next_work
        self.next_work += 1
        return self.write(row, label, "", how, cell, num_format, work=True)

    def present_value(self, row: int, df_row: int, *, bold: bool = False) -> None:
        f = self.book.formats
        first, last = self.cols[0], self.cols[-1]
        expr = SUMPRODUCT(self.sheet.row_range(row, first, last), self.sheet.row_range(df_row, first, last))
        self.sheet.formula(row, PV, expr, f.get(GBP, bold=bold, top_border=bold))


def ramp(x: X, years: X) -> X:
    """∫0^x min(u / n, 1) du for x ≥ 0 (0 below): with s = max(x, 0) and m = min(s, n), m²/(2n) + (s − m)."""
    s = MAX(x, 0)
    m = MIN(s, years)
    return m ** 2 / (2 * years) + (s - m)


class Builder:
    """Writes every row of the Cash flows sheet for one deal."""

    def __init__(self, book: Book, deal: Deal, valuation: Valuation, cells: Cells):
        self.book, self.deal, self.v, self.c = book, deal, valuation, cells
        self.g = Grid(book, deal.assumptions.horizon_years)
        self.layout = Layout(self.g.sheet, self.g.cols)
        self.base: dict[str, int] = {}        # term path -> row of its (capped) royalty or net sales base
        self.rows: dict[str, int] = {}        # working name -> row
        self.all_terms: dict[str, tuple[Any, bool]] = {}  # engine key -> (term, inside the clause?), users' too
        self.workings: WorkingsSheet | None = None          # the Workings sheet, for the members' shares

    # ------------------------------------------------------------------ workings
    def sales_workings(self) -> None:
        g, c = self.g, self.c
        route = self.deal.route_to_market
        if route is None:
            return
        if route.sales is not None:
            L, E, n = c["launch_time"], c["route_to_market.sales.end_year"], c["ramp_years"]
            lo = g.work("Sales part of the year: starts (years after launch)", "MAX(year − 1, launch) − launch",
                        lambda col: MAX(g.t(col) - 1, L) - L, YEARS)
            hi = g.work("Sales part of the year: ends (years after launch)",
                        "MAX(MIN(year, last year with sales), MAX(year − 1, launch)) − launch",
                        lambda col: MAX(MIN(g.t(col), E), MAX(g.t(col) - 1, L)) - L, YEARS)
            rlo = g.work("Uptake ramp R(start)", "R(s) = m²/(2n) + (s − m), s = MAX(x, 0), m = MIN(s, n), n = years "
                         "to peak: the integral of the ramp MIN(u/n, 1)", lambda col: ramp(g.at(lo, col), n), YEARS)
            rhi = g.work("Uptake ramp R(end)", "the same at the end of the sales part of the year",
                         lambda col: ramp(g.at(hi, col), n), YEARS)
            units = g.work("Units sold given launch", "volume × ((peak uptake − uptake at launch) × (R(end) − "
                           "R(start)) + uptake at launch × (end − start)): the rise to peak on the ramp, the uptake "
                           "at launch for all the time on the market",
                           lambda col: self.units(col, lo, hi, rlo, rhi), COUNT)
            sales = g.work("List-price sales given launch", "units × list price",
                           lambda col: g.at(units, col) * c["route_to_market.sales.price_gbp"])
            expected = g.work("Expected sales", "list-price sales given launch × chance of launch",
                              lambda col: g.at(sales, col) * c["launch_probability"])
            self.rows.update(lo=lo, rlo=rlo, units=units, sales=sales, expected=expected)
        stage_rows = []
        for i, _stage in enumerate(route.stages):
            number = i + 1

            def cell(col: int, i: int = i, reach: X = c[f"stages[{i}].reach"]) -> X:
                return self.stage_share(i, col, reach)
            stage_rows.append(g.work(f"Stage {number} cost, weighted by the chance it is reached",
                                     "cost × chance reached × (share of the stage elapsed by the year's end − by its "
                                     "start); share elapsed = MIN(MAX(t − start, 0), duration) / duration", cell))
        self.rows["stages"] = stage_rows  # type: ignore[assignment]

    def units(self, col: int, lo: int, hi: int, rlo: int, rhi: int) -> X:
        """Units sold in a year given launch (engine/route.py ``RouteDraw._units``), from the rows of the start and
        end of its sales part and the ramp at each: volume × ((peak − at launch) × (R(end) − R(start)) + at launch ×
        (end − start))."""
        g, c = self.g, self.c
        volume, peak, start = (c[f"route_to_market.sales.{k}"] for k in ("volume_per_year", "peak_uptake",
                                                                          "starting_uptake"))
        return volume * ((peak - start) * (g.at(rhi, col) - g.at(rlo, col)) + start * (g.at(hi, col) - g.at(lo, col)))

    def stage_share(self, i: int, col: int, reach: X | None = None) -> X:
        """Stage ``i``'s cost falling in a year: cost (× ``reach``, the chance it is reached, when given) × the share
        of the stage elapsed in the year."""
        c, where = self.c, f"route_to_market.stages[{i}]"
        start, dur, cost = c[f"stages[{i}].start"], c[f"{where}.duration_years"], c[f"{where}.partner_cost_gbp"]
        t = self.g.t(col)
        done = MIN(MAX(t - start, 0), dur) - MIN(MAX(t - 1 - start, 0), dur)
        return (cost if reach is None else cost * reach) * done / dur

    def tax_workings(self, terms: dict, grants: list[Cell]) -> Cell:
        """The partner's corporation tax (engine/tax.py): for each outcome of the route (the programme stops at stage
        1, 2, ... or launches; a consent clause switches on or not), its taxable profit (``grants``, towards the
        partner's costs, in every outcome), the highest cumulative
        taxable profit so far (floored at 0: losses carried forward), and its chance; the expected tax is
        −rate × Σ outcomes chance × the yearly rise of that highest cumulative profit."""
        g, c, deal = self.g, self.c, self.deal
        route = deal.route_to_market
        clause = deal.consent_clause
        stages = route.stages if route else []
        switches = [(0, 1 - c["clause_probability"]), (1, c["clause_probability"])] if clause else [(0, lift(1))]
        worlds: list[tuple[str, int, list[int], X]] = []   # (what happens, clause on, stage successes, chance)
        for on, p_switch in switches:
            head = ("the clause switches on" if on else "the clause does not switch on") if clause else ""
            if route is None or (clause is not None and not on):
                worlds.append((head or "the deal as it stands", on, [1] * len(stages), p_switch))
                continue
            reach = p_switch
            for k, stage in enumerate(stages):
                p = c[f"route_to_market.stages[{k}].probability_of_success"]
                worlds.append(((head + ", " if head else "") + f"stage {k + 1} ({stage.name}) fails", on,
                               [1] * k + [0] + [1] * (len(stages) - k - 1), reach * (1 - p)))
                reach = reach * p
            worlds.append(((head + ", " if head else "") + "the product launches", on, [1] * len(stages), reach))
        deductible = [(key, term, inner) for key, (term, _name, inner) in terms.items() if not of(term).ownership]
        rate = c["assumptions.partner_tax_rate"]
        first = g.cols[0]
        parts: list[tuple[int, int]] = []   # (chance row, highest-cumulative row) per outcome
        for n, (what, on, success, chance) in enumerate(worlds, start=1):
            branch = (on if clause is not None else 1) if route is not None else 1
            alive, reach_w, passed_w = branch, [], []
            for ok in success:
                reach_w.append(alive)
                alive = alive * ok
                passed_w.append(alive)
            world = Cells(dict(c.by_key))
            world.by_key.update({"clause_probability": lift(on), "route_weight": lift(branch),
                                 "launch_probability": lift(alive)})
            for i in range(len(stages)):
                world.by_key[f"stages[{i}].reach"] = lift(reach_w[i])
                world.by_key[f"stages[{i}].passed"] = lift(passed_w[i])
            wb = Builder.__new__(Builder)
            wb.__dict__.update(self.__dict__)
            wb.c = world
            cells: list[Cell] = []
            for key, term, inner in deductible:
                nhs, partner = _excel(term).cells(wb, term, key, inner)
                cells.append(partner if partner is not None else _negated(nhs))
            launched, reached = alive, list(reach_w)

            def taxable(col: int, cells: list[Cell] = cells, launched: int = launched, reached: list[int] = reached
                        ) -> X:
                total: X = lift(0)
                if launched and "sales" in self.rows:
                    total = c["route_to_market.sales.operating_margin"] * g.at(self.rows["sales"], col)
                for i, on_i in enumerate(reached):
                    if on_i:
                        total = total - self.stage_share(i, col)
                for each in cells + grants:
                    total = total + each(col)
                return total
            p_row = g.work(f"Tax, outcome {n} ({what}): its chance", "the chance of this outcome of the route",
                           _constant(chance), FACTOR)
            t_row = g.work(f"Tax, outcome {n}: the partner's taxable profit",
                           "grants to it + operating profit − stage costs − what it pays the NHS (not a stake in "
                           "its shares), in this outcome", taxable)
            top = g.next_work

            def highest(col: int, r: int = t_row, top: int = top) -> X:
                return MAX(0 if col == first else g.at(top, col - 1),
                           SUM(g.sheet.row_range(r, first, col, col_abs_first=True)))
            g.work(f"Tax, outcome {n}: highest cumulative taxable profit so far, at least 0",
                   "MAX(the year before's, taxable profit to date): losses are carried forward", highest)
            parts.append((p_row, top))

        def tax(col: int) -> X:
            total: X | None = None
            for p_row, top in parts:
                rise = g.at(top, col) - (lift(0) if col == first else g.at(top, col - 1))
                total = g.at(p_row, col) * rise if total is None else total + g.at(p_row, col) * rise
            assert total is not None
            return -(rate * total)
        return tax

    def net_sales_base(self, where: str, name: str) -> int:
        """The rows of a sales-linked term's base: net sales within its term, given launch, in its territory; the
        row of that base."""
        g, c = self.g, self.c
        L, E, n = c["launch_time"], c["route_to_market.sales.end_year"], c["ramp_years"]
        window = c[f"{where}.term_years"]
        price, uk = c["route_to_market.sales.price_gbp"], c["route_to_market.sales.nhs_share_of_sales"]
        d = c["total_discount"]
        hi = g.work(f"{name}: sales part of the year within its term: ends",
                    "MAX(MIN(year, last year with sales, launch + years due (if given)), "
                    "MAX(year − 1, launch)) − launch",
                    lambda col: MAX(MIN(g.t(col), E, IF(ISBLANK(window), E, L + window)), MAX(g.t(col) - 1, L)) - L,
                    YEARS)
        rhi = g.work(f"{name}: uptake ramp R(end within its term)", "as R(end) above",
                     lambda col: ramp(g.at(hi, col), n), YEARS)
        gross = g.work(f"{name}: list-price sales within its term, given launch",
                       "units sold as above, to the end within its term, × list price",
                       lambda col: self.units(col, self.rows["lo"], hi, self.rows["rlo"], rhi) * price)
        territory = c[f"{where}.territory"]
        return g.work(f"{name}: net sales it is paid on, given launch",
                      "uk: sales × share of sales to the NHS × (1 − total discount); worldwide: sales × (1 − share "
                      "of sales to the NHS × total discount)",
                      lambda col: g.at(gross, col) * IF(territory.eq("uk"), uk * (1 - d), 1 - uk * d))

    # ------------------------------------------------------------------ lines
    def cost_cell(self, key: str) -> Cell | None:
        """The formula of the NHS's cost line ``key`` (negative), or None for a line no formula here rebuilds."""
        c, g = self.c, self.g
        if key == "costs.preparation":
            return lambda col: -IF(g.t(col).eq(0), c["contribution.access_costs.preparation_gbp"], 0)
        if key == "costs.yearly":
            return lambda col: -IF(in_years(g.t(col), lift(1), c["contribution.access_costs.years"]),
                                   c["contribution.access_costs.yearly_gbp"], 0)
        if key == "costs.curation_done":
            return lambda col: -IF(g.t(col).eq(0), c["contribution.curation.already_spent_gbp"] * c["curation_share"],
                                   0)
        if key == "costs.curation":
            where = "contribution.curation"
            return lambda col: -IF(in_years(g.t(col), c[f"{where}.start_year"], c[f"{where}.years"]),
                                   c[f"{where}.yearly_gbp"] * c["curation_share"], 0)
        if key.startswith("costs.members["):
            own = self.rows[f"members[{key[len('costs.members['):-1]}].own"]
            return lambda col: -g.at(own, col)
        if key.startswith("costs.delivery."):
            term_key = key[len("costs.delivery."):]
            term, inner = self.all_terms[term_key]
            delivery = _excel(term).delivery
            if delivery is None:
                return None
            cost = delivery(self, term, term_key, inner)
            return lambda col: -cost(col)
        if key.startswith("costs.expertise["):
            where = f"contribution.expertise[{key[len('costs.expertise['):-1]}]"
            return lambda col: -IF(in_years(g.t(col), c[f"{where}.start_year"], c[f"{where}.years"]),
                                   c[f"{where}.hours_per_year"] * c[f"{where}.cost_per_hour_gbp"], 0)
        return None

    def grant_cell(self, k: int) -> Cell:
        """Grant ``k``: its amount a year in its years, in real pounds (engine/valuation.py ``funding_row``)."""
        c, g, where = self.c, self.g, f"funding[{k}]"
        return lambda col: IF(in_years(g.t(col), c[f"{where}.start_year"], c[f"{where}.years"]),
                              c[f"{where}.amount_gbp"], 0)

    def member_workings(self) -> list[X]:
        """Each member's own costs (positive) a year, and their present value at the NHS rate (read by the member
        shares on the Workings sheet; the NHS discount factor row is written first)."""
        g, c, lay = self.g, self.c, self.layout
        pvs = []
        for k, _member in enumerate(self.deal.nhs.members):
            where, n = f"nhs.members[{k}].own_costs", k + 1

            def own(col: int, where: str = where) -> X:
                t = g.t(col)
                return (IF(t.eq(0), c[f"{where}.preparation_gbp"], 0)
                        + IF(in_years(t, lift(1), c[f"{where}.years"]), c[f"{where}.yearly_gbp"], 0))
            row = g.work(f"Member {n}: its own costs (positive)", "preparation at signature; its yearly cost in years "
                         "1 to its years", own)
            self.rows[f"members[{k}].own"] = row
            assert self.workings is not None
            on = self.workings.sheet
            pvs.append(SUMPRODUCT(lay.row(row, other=on), lay.row(lay.nhs_df, other=on)))
        return pvs

    def buyer_workings(self) -> None:
        """The NHS party as a buyer and user of the product (engine/adoption.py): its purchases at list price, the
        patients who benefit and what using the product saves it."""
        g, c, deal = self.g, self.c, self.deal
        route = deal.route_to_market
        has_sales = route is not None and route.sales is not None
        party = c["route_to_market.sales.nhs_party_purchase_share"] if has_sales else lift(1)
        s = c["route_to_market.sales.nhs_share_of_sales"] if has_sales else lift(0)
        if has_sales:
            self.rows["list_spend"] = g.work(
                "NHS party's purchases of the product at list price",
                "list-price sales given launch × chance of launch × share of sales to the NHS × share the deal's NHS "
                "party buys", lambda col: g.at(self.rows["sales"], col) * c["launch_probability"] * s * party)
        b = "patient_benefit"

        def patients(col: int) -> X:
            from_sales: X = lift(0)
            if has_sales:
                from_sales = g.at(self.rows["units"], col) * c["launch_probability"] * s * c[f"{b}.patients_per_unit"]
            entered = IF(in_years(g.t(col), c[f"{b}.start_year"], c[f"{b}.years"]), c[f"{b}.patients_per_year"], 0)
            return IF(ISBLANK(c[f"{b}.patients_per_year"]), from_sales, entered)
        self.rows["patients"] = g.work(
            "Patients who benefit (across the NHS)", "patients per year entered: in its years; else units given "
            "launch × chance of launch × share of sales to the NHS × patients per unit", patients, COUNT)

        def savings(col: int) -> X:
            total = g.at(self.rows["patients"], col) * c[f"{b}.cost_offset_per_patient_gbp"] * party
            for k, _outcome in enumerate(deal.patient_benefit.outcomes):
                at = f"{b}.outcomes[{k}]"
                value = c[f"{at}.value_per_unit_gbp"]
                amount = IF(in_years(g.t(col), c[f"{at}.start_year"], c[f"{at}.years"]), c[f"{at}.per_year"], 0)
                total = total + IF(ISBLANK(value), 0, IF(c[f"{at}.cash_releasing"].eq("yes"), amount * value, 0))
            return total
        self.rows["savings"] = g.work(
            "NHS party's savings from using the product", "patients × cost offset per patient × share the deal's NHS "
            "party buys + each outcome that saves NHS money: its amount a year × value per unit", savings)


def _negated(cell: Cell) -> Cell:
    return lambda col: -cell(col)


def _constant(x: X) -> Cell:
    return lambda col: x


def _excel(term) -> ExcelRows:
    rows = of(term).excel
    assert rows is not None  # every mechanism but the clause has rows, and the clause's own terms are written instead
    return rows


def _terms(deal: Deal):
    """(engine key, term, name prefix, inside the clause?) for every term that has a line, in the engine's order."""
    for i, term in enumerate(deal.terms):
        if isinstance(term, ConsentToCommercialise):
            for j, inner in enumerate(term.terms):
                yield f"terms[{i}].terms[{j}]", inner, f"Term {i + 1}.{j + 1}", True
        else:
            yield f"terms[{i}]", term, f"Term {i + 1}", False


def _user_terms(deal: Deal):
    """(engine key, term, name prefix) for each other platform user's terms, in the engine's order."""
    for k, user in enumerate(deal.platform_users):
        for j, term in enumerate(user.terms):
            yield f"platform_users[{k}].terms[{j}]", term, f"User {k + 1}, term {j + 1}"


def nhs_line_keys(deal: Deal, valuation: Valuation) -> list[str]:
    """The NHS's lines the engine gives this deal, in order (engine/valuation.py ``deal_flows``)."""
    terms = [key for key, *_ in _terms(deal)] + [key for key, *_ in _user_terms(deal)]
    delivery = [f"costs.delivery.{key}" for key, term, *_ in [*_terms(deal), *_user_terms(deal)]
                if _excel(term).delivery is not None]
    grants = [f"funding[{k}]" for k, g in enumerate(deal.funding) if g.towards is FundingFor.NHS]
    shares = member_shares(deal, valuation.nhs_discount_factors)
    outside = shares is not None and sum(float(x) for x, m in zip(shares, deal.nhs.members, strict=True)
                                         if not m.is_nhs) != 0.0
    curation = deal.contribution.curation
    costs = ["costs.preparation", "costs.yearly"] + [f"costs.expertise[{k}]" for k in
                                                     range(len(deal.contribution.expertise))]
    if curation is not None:
        costs += ["costs.curation_done"] * bool(curation.already_spent_gbp) + \
            ["costs.curation"] * bool(curation.yearly_gbp)
    costs += [f"costs.members[{k}]" for k, m in enumerate(deal.nhs.members)
              if m.is_nhs and (m.own_costs.preparation_gbp or m.own_costs.yearly_gbp)]
    return terms + grants + ["co_owners"] * outside + costs + delivery


def write_cash_flows(book: Book, deal: Deal, valuation: Valuation, cells: Cells, workings: WorkingsSheet) -> Layout:
    b = Builder(book, deal, valuation, cells)
    b.workings = workings
    g, lay = b.g, b.layout
    f = book.formats
    terms = {key: (term, name, inner) for key, term, name, inner in _terms(deal)}
    user_terms = {key: (term, name) for key, term, name in _user_terms(deal)}
    b.all_terms = {**{k: (t, inner) for k, (t, _n, inner) in terms.items()},
                   **{k: (t, False) for k, (t, _n) in user_terms.items()}}
    nhs_keys = [x.key for x in valuation.nhs_lines]
    partner_keys = [x.key for x in valuation.partner_lines]
    if nhs_keys != nhs_line_keys(deal, valuation):
        raise ValueError("the valuation given is not the valuation of this deal")

    g.title(0, f"Cash flows (£ of {deal.assumptions.price_base_year}), risk-adjusted: money to each party is "
               "positive, money it pays out negative", size=14)
    g.sheet.text(1, LABEL, "Year 0 is signature and is not discounted; year t is the year ending at t. Every figure "
                           "is an expected value: weighted by the chance that it happens.", f.get(italic=True))
    nhs_top = TOP + 1
    lay.nhs_net = nhs_top + len(nhs_keys)
    lay.nhs_df, nhs_disc = lay.nhs_net + 1, lay.nhs_net + 2
    partner_head = nhs_disc + 2
    partner_top = partner_head + 1
    lay.partner_net = partner_top + len(partner_keys)
    lay.partner_df, partner_disc = lay.partner_net + 1, lay.partner_net + 2
    work_head = partner_disc + 2
    g.next_work = work_head + 1

    g.title(TOP, "NHS: receipts and savings (+), costs of giving access (−); present values at the NHS rate")
    g.title(partner_head, "Partner: operating profit (+), stage costs and everything given to the NHS (−); present "
                          "values at the partner's rate")
    g.title(work_head, "Workings: how the lines above are built")
    # the NHS discount factor first: the members' shares by contribution read it through their own costs' PVs
    g.write(lay.nhs_df, "NHS discount factor", "", NHS_DF_HOW, lambda col: nhs_factor(cells, g.t(col)), FACTOR)

    b.sales_workings()
    for key, (term, name, _inner) in terms.items():
        workings_of = _excel(term).workings
        if workings_of is not None:
            workings_of(b, term, key, name)
    write_member_shares(workings, deal, b.member_workings())
    b.buyer_workings()

    partner_costs: dict[str, tuple[Cell, str]] = {}
    partner_grants = {f"partner.funding[{k}]": b.grant_cell(k) for k, grant in enumerate(deal.funding)
                      if grant.towards is FundingFor.PARTNER}
    tax_cell = b.tax_workings(terms, list(partner_grants.values())) if TAX_KEY in partner_keys else None
    line_rows = {line.key: row for row, line in enumerate(valuation.nhs_lines, start=nhs_top)}
    lay.nhs_rows.update(line_rows)
    for line in valuation.nhs_lines:
        row, key = line_rows[line.key], line.key
        nhs: Cell | None
        if key in terms or key in user_terms:
            term, inner = b.all_terms[key]
            excel = _excel(term)
            nhs, partner = excel.cells(b, term, key, inner)
            how = ("clause's chance × " if inner and excel.clause_weighted else "") + excel.how
            if partner is not None and key in terms:
                partner_costs[key] = (partner, excel.partner_how or IN_KIND_PARTNER_HOW)
        elif key.startswith("funding["):
            nhs, how = b.grant_cell(int(key[len("funding["):-1])), "the grant a year, in its years"
        elif key == "co_owners":
            continue  # written last: it reads every receipt and shared cost line
        else:
            nhs, how = b.cost_cell(key), "−(cost in each year it falls)"
        if nhs is None:
            g.constants(row, line.label, key, "a line of the NHS's", list(line.yearly))
            lay.engine_rows.append(row)
        else:
            g.write(row, line.label, key, how, nhs)
    if "co_owners" in line_rows:
        shared = [r for k, r in line_rows.items() if k != "co_owners" and not k.startswith("costs.members[")]
        g.write(line_rows["co_owners"], valuation.nhs_lines[nhs_keys.index("co_owners")].label, "co_owners",
                "−co-owners' share (Workings) × (receipts + grants towards the NHS − the costs shared by the "
                "consortium, that is every cost but members' own)",
                lambda col: -(cells["co_owners_share"] * _sum_rows(g, shared, col)))
    _totals(g, lay.nhs_net, lay.nhs_df, nhs_disc, nhs_top, "NHS", None, "")

    for row, line in enumerate(valuation.partner_lines, start=partner_top):
        key = line.key
        cell: Cell
        if key in partner_grants:
            how, cell = "the grant a year, in its years (taxable)", partner_grants[key]
        elif key == "partner.operating_profit":
            how = "operating margin × expected sales"
            margin = cells["route_to_market.sales.operating_margin"] if "expected" in b.rows else None
            def profit(col: int, m: X | None = margin) -> X:
                return m * g.at(b.rows["expected"], col) if m is not None else lift(0)
            cell = profit
        elif key == "partner.stage_costs":
            how = "−(sum of the stages' weighted costs in the workings)"
            stage_rows: list[int] = b.rows["stages"]  # type: ignore[assignment]
            def stage_costs(col: int, rows: list[int] = stage_rows) -> X:
                if not rows:
                    return lift(0)
                return -SUM(Range(f"{g.at(rows[0], col).text}:{g.at(rows[-1], col).text}",
                                  tuple(g.at(r, col).value for r in rows)))
            cell = stage_costs
        elif key == TAX_KEY and tax_cell is not None:
            how, cell = "−(tax rate × Σ outcomes: chance × the yearly rise of its highest cumulative taxable profit; " \
                "see the tax workings)", tax_cell
        elif key in partner_costs:
            cell, how = partner_costs[key]
        elif key in terms and key in lay.nhs_rows:
            nhs_row = lay.nhs_rows[key]
            how = "−(the NHS's receipt above)"
            def receipt(col: int, r: int = nhs_row) -> X:
                return -g.at(r, col)
            cell = receipt
        else:
            # a line of the partner's own that no formula here rebuilds: the engine's values
            g.constants(row, line.label, key, ENGINE_HOW.get(key, "a line of the partner's own"), list(line.yearly))
            lay.partner_rows[key] = row
            lay.engine_rows.append(row)
            continue
        g.write(row, line.label, key, how, cell)
        lay.partner_rows[key] = row
    _totals(g, lay.partner_net, lay.partner_df, partner_disc, partner_top, "Partner",
            lambda col: partner_factor(cells, g.t(col)), "(1 + partner rate)^−t")

    for rows, df in ((lay.nhs_rows, lay.nhs_df), (lay.partner_rows, lay.partner_df)):
        for row in rows.values():
            g.present_value(row, df)
    g.present_value(lay.nhs_net, lay.nhs_df, bold=True)
    g.present_value(lay.partner_net, lay.partner_df, bold=True)
    _by_buyer(b, terms)
    for name in ("list_spend", "savings"):
        if name in b.rows:
            lay.buyer[name] = b.rows[name]

    # The project cash flow the IRR is worked on: the net without each stake given in the partner's shares that is
    # not counted in its IRR (engine/valuation.py DealFlows.partner_project).
    stakes = [(key, row) for key, row in lay.partner_rows.items() if key in terms and of(terms[key][0]).ownership]

    def project(col: int) -> X:
        net = g.at(lay.partner_net, col)
        for key, row in stakes:
            net = net - IF(cells[f"{key}.in_partner_irr"].eq("no"), g.at(row, col), 0)
        return net
    lay.partner_project = g.work("Partner: project cash flow (what its IRR and MIRR are worked on)",
                                 "net cash flow − each equity stake not counted in the partner's IRR", project)
    first = g.cols[0]
    sign = g.next_work
    g.work("Partner: sign of the latest non-zero project cash flow",
           "SIGN(project) where |project| > 1E-9, else the sign carried from the year before",
           lambda col: IF(ABS(g.at(lay.partner_project, col)).gt(1e-9), SIGN(g.at(lay.partner_project, col)),
                          0 if col == first else g.at(sign, col - 1)), WHOLE)
    lay.sign_changes = g.work("Partner: the project cash flow changes sign", "1 where the sign differs from the year "
                              "before's (ignoring years near zero)",
                              lambda col: lift(0) if col == first else IF((g.at(sign, col) * g.at(sign, col - 1)).lt(0),
                                                                          1, 0), WHOLE)
    opening = g.next_work
    lay.first_sign = g.work("Partner: sign of the first non-zero project cash flow",
                            "the year before's, once it is not 0; else this year's sign above (the last year's is the "
                            "first sign: +1 when money comes in before it goes out)",
                            lambda col: g.at(sign, col) if col == first else
                            IF(ABS(g.at(opening, col - 1)).gt(0), g.at(opening, col - 1), g.at(sign, col)), WHOLE)
    return lay


def _by_buyer(b: Builder, terms: dict) -> None:
    """The part of each sales-linked payment on the NHS's purchases, split into the rebate on the deal's NHS party's
    own purchases and other NHS bodies' part (engine/mechanisms.py ``_split_by_buyer``, ``nhs_price_discount``):
    with P what the partner pays (−its line) and f the term's NHS fraction, rebate = P × f × p and other NHS bodies'
    = P × f × (1 − p), p the share of the NHS's purchases its party makes."""
    g, c, lay = b.g, b.c, b.layout
    split = [key for key, (term, _n, _i) in terms.items() if _excel(term).by_buyer]
    if not split:
        return
    p = c["route_to_market.sales.nhs_party_purchase_share"]

    def on_nhs(col: int) -> X:
        total: X | None = None
        for key in split:
            fraction = c[f"{key}.nhs_fraction"] if f"{key}.nhs_fraction" in c else lift(1)
            part = -g.at(lay.partner_rows[key], col) * fraction
            total = part if total is None else total + part
        assert total is not None
        return total
    lay.on_nhs = g.work("Sales-linked terms: paid on the NHS's purchases",
                        "Σ royalties, revenue shares and price discounts: −(the partner's line) × its NHS fraction "
                        "(Workings; 1 for a price discount)", on_nhs)
    lay.buyer["rebates"] = g.work("Of which rebates on the deal's NHS party's own purchases",
                                  "paid on the NHS's purchases × share the deal's NHS party buys",
                                  lambda col: g.at(lay.on_nhs, col) * p)
    lay.buyer["other_nhs"] = g.work("Of which other NHS bodies' part (not in the NHS's lines)",
                                    "paid on the NHS's purchases × (1 − share the deal's NHS party buys)",
                                    lambda col: g.at(lay.on_nhs, col) * (1 - p))


def _sum_rows(g: Grid, rows: list[int], col: int) -> X:
    """SUM of the column's cells in ``rows``, as ranges over each run of adjacent rows."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    if not runs:
        return lift(0)
    return SUM(*(Range(f"{g.at(run[0], col).text}:{g.at(run[-1], col).text}",
                       tuple(g.at(r, col).value for r in run)) if len(run) > 1 else g.at(run[0], col)
                 for run in runs))


#: How the NHS discount factor row is worked out.
NHS_DF_HOW = ("(1 + NHS rate)^−MIN(t, 30) × (1 + rate after 30)^−MAX(MIN(t, 75) − 30, 0) × (1 + rate after 75)"
              "^−MAX(t − 75, 0): the Green Book schedule")
#: How an in-kind benefit's (or any term's own) partner line is worked out.
IN_KIND_PARTNER_HOW = "−(its cost to the partner in each of its years: its worth unless a cost is given)"


def _totals(g: Grid, net: int, df: int, disc: int, top: int, who: str, factor: Cell | None, how: str) -> None:
    """A side's net cash flow, its discount factor (unless ``factor`` is None: written already) and its discounted
    cash flow."""
    if net == top:  # no line flows to this side (a new deal with nothing sold or paid yet): its net is zero
        g.write(net, f"{who} net cash flow", "", "no lines: nothing flows to this side", lambda col: lift(0),
                bold=True)
    else:
        g.write(net, f"{who} net cash flow", "", "sum of the lines above",
                lambda col: SUM(Range(f"{g.at(top, col).text}:{g.at(net - 1, col).text}",
                                      tuple(g.at(r, col).value for r in range(top, net)))), bold=True)
    if factor is not None:
        g.write(df, f"{who} discount factor", "", how, factor, FACTOR)
    g.write(disc, f"{who} discounted cash flow", "", "net cash flow × discount factor",
            lambda col: g.at(net, col) * g.at(df, col))

"""The Inputs sheet (every input the cash flows use, one labelled cell each, as constants) and the Workings sheet
(the scalars derived from them: when each stage starts and ends, the chance of reaching and passing it, launch).

Each input cell gets a workbook-wide name (``partner_rate``, ``stage2_duration``, ``term5_tier1_rate``), listed
beside it, so the formulas on the other sheets read as the method does. Names count stages and terms from 1; the
scenario field beside each input counts from 0, as the YAML does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from valueshare import inputs
from valueshare.engine.timeline import GREEN_BOOK_SECOND_STEP_YEAR, GREEN_BOOK_STEP_YEAR
from valueshare.figures import FIGURES
from valueshare.mechanisms import of
from valueshare.model import ConsentToCommercialise, Deal, NhsPriceDiscount, RevenueShare, Royalty
from valueshare.model.parties import SplitRule
from valueshare.reports.excel.book import COUNT, FACTOR, GBP, GBP_INPUT, PERCENT, WHOLE, YEARS, Book, Sheet
from valueshare.reports.excel.formula import IF, MAX, ROUND, ROUNDUP, SUM, X, lift
from valueshare.wording import term_title

# unit kind -> (number format, unit text, data validation)
UNITS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "gbp": (GBP_INPUT, "£", {"validate": "decimal", "criteria": ">=", "value": 0}),
    "gbp_year": (GBP_INPUT, "£ a year", {"validate": "decimal", "criteria": ">=", "value": 0}),
    "gbp_unit": (GBP_INPUT, "£ a unit", {"validate": "decimal", "criteria": ">=", "value": 0}),
    "gbp_hour": (GBP_INPUT, "£ an hour", {"validate": "decimal", "criteria": ">=", "value": 0}),
    "fraction": (PERCENT, "% (a fraction: 0.1 is 10%)",
                 {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}),
    "rate": (PERCENT, "% a year", {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}),
    "growth": (PERCENT, "% a year", {"validate": "decimal", "criteria": "between", "minimum": -0.99, "maximum": 1}),
    "duration": (YEARS, "years", {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100}),
    "year": (WHOLE, "year (0 is signature)",
             {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 100}),
    "whole_years": (WHOLE, "years", {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 100}),
    "calendar_year": (WHOLE, "calendar year", None),
    "count": (COUNT, "a year", {"validate": "decimal", "criteria": ">=", "value": 0}),
    "hours": (COUNT, "hours a year", {"validate": "decimal", "criteria": ">=", "value": 0}),
    "probability": (PERCENT, "% (a fraction: 0.7 is 70%)",
                    {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}),
    "guess": (PERCENT, "% a year", None),
    "signed_gbp": (GBP_INPUT, "£ (negative: a cost)", {"validate": "decimal", "criteria": "between",
                                                        "minimum": -1e12, "maximum": 1e12}),
    "users": (WHOLE, "users", {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 100_000}),
}

LABEL, VALUE, UNIT, NAME, FIELD, NOTE = range(6)


@dataclass
class Cells:
    """Named cells by key: inputs by their scenario field path, workings by a short key."""

    by_key: dict[str, X] = field(default_factory=dict)

    def __getitem__(self, key: str) -> X:
        return self.by_key[key]

    def __contains__(self, key: str) -> bool:
        return key in self.by_key


class InputsSheet:
    """Writes the Inputs sheet row by row; every number gets a name and goes into ``cells``."""

    def __init__(self, book: Book, cells: Cells):
        self.book, self.cells = book, cells
        self.sheet: Sheet = book.sheet("Inputs")
        self.row = 0
        self.data: dict[str, Any] = {}  # the deal's plain data, for the catalogue's labels
        self._aside = ""  # the sheet's own wording of the row being written, when the catalogue's label replaced it
        f = book.formats
        ws = self.sheet.ws
        for col, width in ((LABEL, 46), (VALUE, 18), (UNIT, 24), (NAME, 28), (FIELD, 40), (NOTE, 60)):
            ws.set_column(col, col, width)
        self.sheet.text(0, 0, "Inputs", f.get(bold=True, size=14))
        self.sheet.text(1, 0, "Every input the cash flows use. Blue cells on yellow are inputs; change them and "
                              "every other sheet recalculates. Other sheets hold only formulas.", f.get(italic=True))
        for col, head in ((LABEL, "Input"), (VALUE, "Value"), (UNIT, "Unit"), (NAME, "Name in formulas"),
                          (FIELD, "Scenario field"), (NOTE, "Note")):
            self.sheet.text(3, col, head, f.get(bold=True, top_border=True))
        ws.freeze_panes(4, 0)
        self.row = 4

    def section(self, title: str) -> None:
        self.row += 1
        self.sheet.text(self.row, LABEL, title, self.book.formats.get(bold=True, fill="#E8EEF7"))
        for col in range(1, NOTE + 1):
            self.sheet.ws.write_blank(self.row, col, None, self.book.formats.get(fill="#E8EEF7"))
        self.row += 1

    def heading(self, title: str) -> None:
        self.sheet.text(self.row, LABEL, title, self.book.formats.get(bold=True))
        self.row += 1

    def _label(self, label: str, path: str) -> str:
        """An input with a scenario field is named by the catalogue of inputs, as the app and the PDFs name it;
        ``label`` names only the sheet's own settings."""
        self._aside = ""
        if not path or inputs.entry(path, self.data) is None:
            return label
        named = inputs.label(path, self.data)
        if "(" in label or len(label.split()) > 5:
            self._aside = label  # the sheet's own explanation of the row stays beside it, in the Note column
        return named

    def text(self, label: str, value: str, path: str = "", note: str = "") -> None:
        f = self.book.formats
        self.sheet.text(self.row, LABEL, self._label(label, path))
        # no unit and no wrapping: a long text runs on over the empty cells to its right (click it to read all)
        self.sheet.text(self.row, VALUE, value, f.get(kind="input"))
        self._describe(path, note)
        self.row += 1

    def choice(self, label: str, value: str, options: list[str], name: str, path: str, note: str = "") -> X:
        """A text input that formulas read (e.g. one_off or yearly), limited to its options by data validation."""
        f = self.book.formats
        self.sheet.text(self.row, LABEL, self._label(label, path))
        self.sheet.text(self.row, VALUE, value, f.get(kind="input"))
        self.sheet.values[(self.row, VALUE)] = value
        self.sheet.ws.data_validation(self.row, VALUE, self.row, VALUE, {"validate": "list", "source": options})
        self.sheet.text(self.row, UNIT, "one of: " + ", ".join(options), f.get(grey=True))
        return self._named(name, path, note)

    def number(self, label: str, value: float | None, unit: str, name: str, path: str, note: str = "",
               *, validation: dict[str, Any] | None = None, unit_text: str | None = None) -> X:
        f = self.book.formats
        num_format, text, check = UNITS[unit]
        self.sheet.text(self.row, LABEL, self._label(label, path))
        self.sheet.number(self.row, VALUE, value, f.get(num_format, kind="input"))
        self.sheet.text(self.row, UNIT, unit_text or text, f.get(grey=True))
        check = validation or check
        if check is not None:
            rule = dict(check)
            if value is None:
                rule["ignore_blank"] = True
            self.sheet.ws.data_validation(self.row, VALUE, self.row, VALUE, rule)
        return self._named(name, path, note)

    def _named(self, name: str, path: str, note: str) -> X:
        cell = self.book.name(name, self.sheet, self.row, VALUE)
        self.sheet.text(self.row, NAME, name, self.book.formats.get(grey=True))
        self._describe(path, note)
        self.cells.by_key[path or name] = cell  # inputs with no scenario field (fixed rules) go by their name
        self.row += 1
        return cell

    def _describe(self, path: str, note: str) -> None:
        f = self.book.formats
        note = note or self._aside
        self._aside = ""
        if path:
            self.sheet.text(self.row, FIELD, path, f.get(grey=True))
        if note:
            self.sheet.text(self.row, NOTE, note, f.get(grey=True))


def write_inputs(book: Book, deal: Deal, cells: Cells, *, irr_guess: float) -> None:
    """The Inputs sheet: the deal's parties and text, settings, route to market, terms and NHS costs."""
    s = InputsSheet(book, cells)
    s.data = deal.model_dump(mode="json")
    s.section("The deal")
    s.text("Deal name", deal.name, "name")
    if deal.description:
        s.text("Description", deal.description, "description")
    s.text("Illustrative figures", "yes" if deal.illustrative else "no", "illustrative")
    s.text("NHS organisation", deal.nhs.name, "nhs.name")
    s.text("NHS organisation kind", deal.nhs.kind.label, "nhs.kind")
    s.text("Partner", deal.partner.name, "partner.name")
    s.text("Partner kind", deal.partner.kind.label, "partner.kind")
    s.text("Use of the data", deal.use.label, "use")
    if deal.purpose:
        s.text("Purpose", deal.purpose, "purpose")
    s.text("Access route", deal.access_route.label, "access_route")
    for k, asset in enumerate(deal.contribution.data_assets):
        s.text(f"Data asset {k + 1}", asset.name, f"contribution.data_assets[{k}].name",
               "Described for the record; data assets do not enter the cash flows.")

    a = deal.assumptions
    s.section("Valuation settings")
    s.number("Horizon: last year valued", a.horizon_years, "whole_years", "horizon_years", "assumptions.horizon_years",
             f"The Cash flows sheet lays out years 0 to {a.horizon_years}; to value another horizon, export again.",
             validation={"validate": "integer", "criteria": "between", "minimum": a.horizon_years,
                         "maximum": a.horizon_years, "error_message": "The sheets lay out a fixed number of years: "
                         "export the deal again from valueshare to change the horizon."})
    s.number("NHS discount rate, years 1 to 30", a.nhs_discount_rate, "rate", "nhs_rate",
             "assumptions.nhs_discount_rate", "HM Treasury Green Book social time preference rate: 3.5% real.")
    s.number("NHS discount rate after year 30", a.nhs_discount_rate_after_30, "rate", "nhs_rate_after_30",
             "assumptions.nhs_discount_rate_after_30", "Green Book: 3.0% real, years 31 to 75.")
    s.number("NHS discount rate after year 75", a.nhs_discount_rate_after_75, "rate", "nhs_rate_after_75",
             "assumptions.nhs_discount_rate_after_75", "Green Book: 2.5% real, years 76 to 125.")
    s.number("Year after which the NHS rate steps down", GREEN_BOOK_STEP_YEAR, "year", "green_book_step_year", "",
             "Fixed by the Green Book's schedule; valueshare does not change it.")
    s.number("Year after which the NHS rate steps down again", GREEN_BOOK_SECOND_STEP_YEAR, "year",
             "green_book_step_year_2", "", "Fixed by the Green Book's schedule; valueshare does not change it.")
    s.number("Partner's discount rate (hurdle rate)", a.partner_discount_rate, "rate", "partner_rate",
             "assumptions.partner_discount_rate", "Market risk only: stage probabilities carry the technical risk.")
    s.number("Price base year", a.price_base_year, "calendar_year", "price_base_year", "assumptions.price_base_year",
             "Every money figure is in pounds of this year (real terms).")
    s.text("Currency", a.currency, "assumptions.currency")
    s.number("Inflation rate (CPI)", a.inflation_rate, "growth", "inflation_rate", "assumptions.inflation_rate",
             "Deflates amounts fixed in cash: £1 paid in year t is worth 1/(1 + this)^t of the price base year's "
             "pounds.")
    s.number("Partner's corporation tax rate", a.partner_tax_rate, "fraction", "partner_tax_rate",
             "assumptions.partner_tax_rate", "On the partner's yearly taxable profit from the deal, losses carried "
             "forward; 0 values the partner before tax.")
    s.text("Base case", a.base_case.value, "assumptions.base_case",
           "expected: each uncertain input at its distribution's mean; entered: the deal's own values. The inputs "
           "on this sheet are already that base case; the workbook does not simulate.")

    route = deal.route_to_market
    if route is not None:
        s.section("Route to market")
        for i, stage in enumerate(route.stages):
            where, n = f"route_to_market.stages[{i}]", i + 1
            s.heading(f"Stage {n}")
            s.text(f"Stage {n} name", stage.name, f"{where}.name")
            s.number(f"Stage {n} duration", stage.duration_years, "duration", f"stage{n}_duration",
                     f"{where}.duration_years")
            s.number(f"Stage {n} cost to the partner", stage.partner_cost_gbp, "gbp", f"stage{n}_cost",
                     f"{where}.partner_cost_gbp", "In total, spread evenly over the stage.")
            s.number(f"Stage {n} probability of success", stage.probability_of_success, "probability",
                     f"stage{n}_probability", f"{where}.probability_of_success", "Given that the stage starts.")
        if not route.stages:
            s.heading("No development stages: the product is on the market from the start of the route.")
        sales = route.sales
        if sales is not None:
            where = "route_to_market.sales"
            s.heading("Sales")
            s.text("Unit of volume", sales.unit, f"{where}.unit")
            s.number("Addressable volume", sales.volume_per_year, "count", "sales_volume", f"{where}.volume_per_year",
                     unit_text=f"{sales.unit} a year")
            s.number("List price", sales.price_gbp, "gbp_unit", "sales_price", f"{where}.price_gbp")
            s.number("Peak uptake", sales.peak_uptake, "fraction", "peak_uptake", f"{where}.peak_uptake",
                     "Share of the addressable volume reached at peak.")
            s.number("Years from launch to peak uptake", sales.years_to_peak, "duration", "years_to_peak",
                     f"{where}.years_to_peak", "Uptake rises in a straight line until then; 0 is peak from launch.",
                     validation={"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100})
            s.number("Uptake at launch", sales.starting_uptake, "fraction", "starting_uptake",
                     f"{where}.starting_uptake", "Rises in a straight line to the peak uptake; 0 for a new product, "
                     "today's uptake for one already on the market.")
            s.number("Share of sales to the NHS", sales.nhs_share_of_sales, "fraction", "nhs_share_of_sales",
                     f"{where}.nhs_share_of_sales", "The share of units sold that the NHS buys.")
            s.number("Share of the NHS's purchases the deal's NHS party makes", sales.nhs_party_purchase_share,
                     "fraction", "nhs_party_purchase_share", f"{where}.nhs_party_purchase_share",
                     "The rest are other NHS bodies' purchases: a discount or royalty on them is theirs.")
            s.number("Partner's operating margin", sales.operating_margin, "fraction", "operating_margin",
                     f"{where}.operating_margin", "What the partner keeps of list-price sales, before paying the NHS.")
            s.number("Last year with sales", sales.end_year, "year", "sales_end_year", f"{where}.end_year")

    if deal.terms:
        s.section("Value-sharing terms")
    for i, term in enumerate(deal.terms):
        if isinstance(term, ConsentToCommercialise):
            s.heading(f"Term {i + 1}: {term_title(term)}")
            cells.by_key["clause_probability"] = s.number(
                "Chance the work becomes commercial", term.probability, "probability", "clause_probability",
                f"terms[{i}].probability", "Every flow of the clause is weighted by it.")
            cells.by_key["clause_year"] = s.number(
                "Year it would become commercial", term.year, "year", "clause_year", f"terms[{i}].year",
                "The clause's terms count their years from it, and the route to market starts then.")
            for j, inner in enumerate(term.terms):
                s.heading(f"Term {i + 1}.{j + 1}: if commercialised, {term_title(inner)}")
                _term_inputs(s, inner, f"terms[{i}].terms[{j}]", f"clause_term{j + 1}", origin="the switch")
        else:
            s.heading(f"Term {i + 1}: {term_title(term)}")
            _term_inputs(s, term, f"terms[{i}]", f"term{i + 1}", origin="signature")

    costs = deal.contribution.access_costs
    s.section("NHS costs of giving access")
    s.number("Preparing data and environment (at signature)", costs.preparation_gbp, "gbp", "nhs_preparation_cost",
             "contribution.access_costs.preparation_gbp")
    s.number("Hosting, governance and support", costs.yearly_gbp, "gbp_year", "nhs_yearly_cost",
             "contribution.access_costs.yearly_gbp")
    s.number("Years of access (yearly costs fall in years 1 to this)", costs.years, "whole_years",
             "nhs_yearly_cost_years", "contribution.access_costs.years")
    for k, item in enumerate(deal.contribution.expertise):
        where, n = f"contribution.expertise[{k}]", k + 1
        s.heading(f"Expertise {n}: {item.kind.label}")
        if item.description:
            s.text(f"Expertise {n}: what the staff will do", item.description, f"{where}.description")
        s.number(f"Expertise {n}: hours", item.hours_per_year, "hours", f"expertise{n}_hours",
                 f"{where}.hours_per_year")
        s.number(f"Expertise {n}: full cost of an hour", item.cost_per_hour_gbp, "gbp_hour",
                 f"expertise{n}_cost_per_hour", f"{where}.cost_per_hour_gbp")
        s.number(f"Expertise {n}: first year", item.start_year, "year", f"expertise{n}_start", f"{where}.start_year")
        s.number(f"Expertise {n}: years", item.years, "whole_years", f"expertise{n}_years", f"{where}.years")
    curation = deal.contribution.curation
    if curation is not None:
        where = "contribution.curation"
        s.heading("Shared curation (this deal bears its users' share)")
        if curation.description:
            s.text("What the curation is", curation.description, f"{where}.description")
        s.number("Curation already done (sunk, counted at signature)", curation.already_spent_gbp, "gbp",
                 "curation_already_spent", f"{where}.already_spent_gbp")
        s.number("Curation still to do, a year", curation.yearly_gbp, "gbp_year", "curation_yearly",
                 f"{where}.yearly_gbp")
        s.number("First year of the curation to do", curation.start_year, "year", "curation_start",
                 f"{where}.start_year")
        s.number("Years of the curation to do", curation.years, "whole_years", "curation_years", f"{where}.years")
        s.number("Users the curation is expected to serve", curation.expected_users, "users",
                 "curation_expected_users", f"{where}.expected_users", "Including this deal's users.")
    _partnership_inputs(s, deal)

    s.section("Spreadsheet settings")
    s.number("IRR search starts at", irr_guess, "guess", "irr_guess", "",
             "Where IRR() starts looking; set to valueshare's rate (rounded). With several possible rates, IRR() "
             "finds the one nearest this guess; valueshare reports the one nearest zero.")


def _partnership_inputs(s: InputsSheet, deal: Deal) -> None:
    """The consortium's members and split, third-party funding, other platform users' terms, and what the NHS
    party's use of the product saves it (issue 16)."""
    nhs = deal.nhs
    if nhs.members:
        s.section("Consortium members")
        s.text("Split of receipts", nhs.split.value, "nhs.split",
               "Which rule the shares follow is fixed when the workbook is made; export again to change it.")
        for k, member in enumerate(nhs.members):
            where, n = f"nhs.members[{k}]", k + 1
            s.heading(f"Member {n}")
            s.text(f"Member {n} name", member.name, f"{where}.name")
            s.text(f"Member {n} is an NHS body", "yes" if member.is_nhs else "no", f"{where}.is_nhs",
                   "no: a co-owner outside the NHS, whose share is not the NHS's. Fixed when the workbook is made.")
            s.number(f"Member {n} patient records", member.records, "count", f"member{n}_records",
                     f"{where}.records", unit_text="records")
            if member.share is not None:
                s.number(f"Member {n} fixed share", member.share, "fraction", f"member{n}_share", f"{where}.share")
            costs = member.own_costs
            s.number(f"Member {n} own preparation cost (at signature)", costs.preparation_gbp, "gbp",
                     f"member{n}_preparation", f"{where}.own_costs.preparation_gbp")
            s.number(f"Member {n} own yearly cost", costs.yearly_gbp, "gbp_year", f"member{n}_yearly",
                     f"{where}.own_costs.yearly_gbp")
            s.number(f"Member {n} years of its yearly cost (years 1 to this)", costs.years, "whole_years",
                     f"member{n}_years", f"{where}.own_costs.years")
    if deal.funding:
        s.section("Third-party funding")
        for k, grant in enumerate(deal.funding):
            where, n = f"funding[{k}]", k + 1
            s.heading(f"Grant {n}")
            s.text(f"Grant {n} funder", grant.funder, f"{where}.funder")
            s.text(f"Grant {n} kind of funder", grant.kind.label, f"{where}.kind")
            s.text(f"Grant {n} towards", grant.towards.value, f"{where}.towards",
                   "nhs: a line of the NHS's; partner: of the partner's (taxable). Fixed when the workbook is made.")
            s.number(f"Grant {n} amount a year", grant.amount_gbp, "gbp_year", f"grant{n}_amount",
                     f"{where}.amount_gbp", "In real terms (pounds of the price base year).")
            s.number(f"Grant {n} first year", grant.start_year, "year", f"grant{n}_start", f"{where}.start_year")
            s.number(f"Grant {n} years", grant.years, "whole_years", f"grant{n}_years", f"{where}.years")
            if grant.conditions:
                s.text(f"Grant {n} conditions", grant.conditions, f"{where}.conditions")
    if deal.platform_users:
        s.section("Other platform users")
        for k, user in enumerate(deal.platform_users):
            s.heading(f"User {k + 1}")
            s.text(f"User {k + 1} name", user.name, f"platform_users[{k}].name")
            s.text(f"User {k + 1} kind", user.kind.label, f"platform_users[{k}].kind")
            for j, term in enumerate(user.terms):
                s.heading(f"User {k + 1}, term {j + 1}: {term_title(term)}")
                _term_inputs(s, term, f"platform_users[{k}].terms[{j}]", f"user{k + 1}_term{j + 1}",
                             origin="signature")
    b = deal.patient_benefit
    where = "patient_benefit"
    s.section("The NHS party as a user of the product (not in the NHS NPV)")
    s.number("Patients per unit", b.patients_per_unit, "count", "patients_per_unit", f"{where}.patients_per_unit",
             "Used when patients per year is empty: patients follow the NHS's units.", unit_text="patients a unit")
    s.number("Patients per year", b.patients_per_year, "count", "patients_per_year", f"{where}.patients_per_year",
             "Empty: patients follow the NHS's units sold.", unit_text="patients a year")
    s.number("First year patients benefit (patients per year entered)", b.start_year, "year", "patients_start",
             f"{where}.start_year")
    s.number("Years patients benefit (patients per year entered)", b.years, "whole_years", "patients_years",
             f"{where}.years")
    s.number("NHS cost offset per patient", b.cost_offset_per_patient_gbp, "signed_gbp", "cost_offset_per_patient",
             f"{where}.cost_offset_per_patient_gbp")
    s.choice("Cost offsets are", b.cost_offset_basis.value, ["gross_of_price", "net_of_price"], "cost_offset_basis",
             f"{where}.cost_offset_basis", "gross_of_price: the NPV with the product subtracts the list-price spend; "
                                           "net_of_price: it does not.")
    for k, outcome in enumerate(b.outcomes):
        at, n = f"{where}.outcomes[{k}]", k + 1
        s.heading(f"Outcome {n}")
        s.text(f"Outcome {n} name", outcome.name, f"{at}.name")
        s.text(f"Outcome {n} unit", outcome.unit, f"{at}.unit")
        s.number(f"Outcome {n} amount a year", outcome.per_year, "count", f"outcome{n}_per_year", f"{at}.per_year",
                 unit_text=f"{outcome.unit} a year")
        s.number(f"Outcome {n} first year", outcome.start_year, "year", f"outcome{n}_start", f"{at}.start_year")
        s.number(f"Outcome {n} years", outcome.years, "whole_years", f"outcome{n}_years", f"{at}.years")
        s.number(f"Outcome {n} value per unit", outcome.value_per_unit_gbp, "gbp", f"outcome{n}_value",
                 f"{at}.value_per_unit_gbp", "Empty: kept in its own units.")
        if outcome.value_source:
            s.text(f"Outcome {n} source of the value", outcome.value_source, f"{at}.value_source")
        s.choice(f"Outcome {n} saves NHS money", "yes" if outcome.cash_releasing else "no", ["yes", "no"],
                 f"outcome{n}_cash_releasing", f"{at}.cash_releasing",
                 "yes: its value is counted among the NHS party's savings.")


def _term_inputs(s: InputsSheet, term: Any, where: str, name: str, *, origin: str) -> None:
    """One term's inputs (its mechanism's ``excel.inputs``); ``name`` prefixes their names (term3, clause_term1)."""
    rows = of(term).excel
    assert rows is not None  # a clause's inputs are written by the caller, then each of its terms'
    rows.inputs(s, term, where, name, f"Counted from {origin}.")


class WorkingsSheet:
    """Scalars derived from the inputs, each a named formula with a line saying how it is worked out."""

    def __init__(self, book: Book, cells: Cells):
        self.book, self.cells = book, cells
        self.sheet = book.sheet("Workings")
        f = book.formats
        for col, width in ((0, 52), (1, 16), (2, 22), (3, 22), (4, 70)):
            self.sheet.ws.set_column(col, col, width)
        self.sheet.text(0, 0, "Workings", f.get(bold=True, size=14))
        self.sheet.text(1, 0, "When each stage starts and ends and how likely it is: every cell a formula over the "
                              "Inputs sheet.", f.get(italic=True))
        for col, head in enumerate(("Working", "Value", "Unit", "Name in formulas", "How")):
            self.sheet.text(3, col, head, f.get(bold=True, top_border=True))
        self.row = 4

    def heading(self, title: str) -> None:
        self.row += 1
        self.sheet.text(self.row, 0, title, self.book.formats.get(bold=True))
        self.row += 1

    def put(self, key: str, label: str, expr: X, num_format: str, unit: str, name: str, how: str) -> X:
        f = self.book.formats
        self.sheet.text(self.row, 0, label)
        self.sheet.formula(self.row, 1, expr, f.get(num_format))
        self.sheet.text(self.row, 2, unit, f.get(grey=True))
        cell = self.book.name(name, self.sheet, self.row, 1)
        self.sheet.text(self.row, 3, name, f.get(grey=True))
        self.sheet.text(self.row, 4, how, f.get(grey=True))
        self.cells.by_key[key] = cell
        self.row += 1
        return cell


def write_workings(book: Book, deal: Deal, cells: Cells) -> WorkingsSheet:
    """Route timing and weights (as ``engine/route.py`` builds them), the total NHS price discount, each sales-linked
    term's NHS fraction and the platform's shares; the consortium's shares come later (``write_member_shares``), as
    they read the Cash flows sheet."""
    w = WorkingsSheet(book, cells)
    discounts = [f"{where}.price_discount" for where in _discount_paths(deal)]
    w.heading("Prices")
    d = w.put("total_discount", "Total NHS price discount",
              SUM(*(cells[p] for p in discounts)) if discounts else lift(0),
              PERCENT, "% off list price", "total_price_discount",
              "Sum of every NHS price discount term, including any inside a consent clause; net sales are list-price "
              "sales × (1 − share of sales to the NHS × this).")
    for where, title, name in _sales_linked(deal):
        s = cells["route_to_market.sales.nhs_share_of_sales"]
        w.put(f"{where}.nhs_fraction", f"{title}: share of its net sales bought by the NHS",
              IF(cells[f"{where}.territory"].eq("uk"), 1, s * (1 - d) / (1 - s * d)), FACTOR, "fraction",
              f"{name}_nhs_fraction",
              "uk: 1 (every UK sale is to the NHS); worldwide: s × (1 − d) / (1 − s × d), s the share of sales to the "
              "NHS, d the total discount: the NHS's purchases at their discounted price over all net sales")
    _platform_workings(w, deal)
    route = deal.route_to_market
    if route is None:
        return w
    clause = deal.consent_clause
    w.heading("Route to market")
    if clause is not None:
        start = w.put("route_start", "The route to market starts in year", cells["clause_year"], YEARS, "years",
                      "route_start", "Non-commercial use with a consent-to-commercialise clause: the route is the "
                      "path the work takes once commercial, from the clause's year.")
        weight = w.put("route_weight", "Chance the route is taken at all", cells["clause_probability"], PERCENT,
                       "probability", "route_weight", "The clause's chance of commercial use.")
    else:
        start = w.put("route_start", "The route to market starts in year", lift(0), YEARS, "years", "route_start",
                      "At signature (there is no consent-to-commercialise clause).")
        weight = w.put("route_weight", "Chance the route is taken at all", lift(1), PERCENT, "probability",
                       "route_weight", "Certain (there is no consent-to-commercialise clause).")
    durations: list[X] = []
    reach = weight
    end = start
    passed = weight
    for i, stage in enumerate(route.stages):
        n = i + 1
        where = f"route_to_market.stages[{i}]"
        durations.append(cells[f"{where}.duration_years"])
        w.heading(f"Stage {n}: {stage.name}")
        end = w.put(f"stages[{i}].end", f"Stage {n} ends", start + SUM(*durations), YEARS, "years from signature",
                    f"stage{n}_end", "route start + the durations of stages 1 to this one")
        w.put(f"stages[{i}].start", f"Stage {n} starts", end - durations[-1], YEARS, "years from signature",
              f"stage{n}_start", "its end − its duration")
        reach = w.put(f"stages[{i}].reach", f"Chance stage {n} is reached", passed if i else weight, FACTOR,
                      "probability", f"stage{n}_reach",
                      "chance the stage before succeeds" if i else "chance the route is taken")
        passed = w.put(f"stages[{i}].passed", f"Chance stage {n} succeeds",
                       reach * cells[f"{where}.probability_of_success"],
                       FACTOR, "probability", f"stage{n}_passed", "chance it is reached × its probability of success")
        w.put(f"stages[{i}].year", f"Year stage {n} ends (its milestone falls due)", ROUNDUP(ROUND(end, 9), 0), WHOLE,
              "year", f"stage{n}_year", "the year whose end the stage's end falls in: ⌈end⌉ (rounded to 9 places "
              "first, so 2.0000000001 is year 2)")
    w.heading("Launch")
    w.put("launch_time", "Launch", end, YEARS, "years from signature", "launch_time",
          "the end of the last stage" if route.stages else "the start of the route (no stages)")
    w.put("launch_probability", FIGURES["launch_probability"].label, passed, FACTOR, "probability",
          "launch_probability", "chance the last stage succeeds" if route.stages else "chance the route is taken")
    if route.sales is not None:
        w.put("ramp_years", "Years to peak, as used in the uptake ramp",
              MAX(cells["route_to_market.sales.years_to_peak"], 1e-12), YEARS, "years", "ramp_years",
              "years to peak, floored at 1E-12 so that 0 means peak from launch (changes sales by under a "
              "millionth of a penny)")
    return w


def _sales_linked(deal: Deal) -> list[tuple[str, str, str]]:
    """(scenario path, title as on the sheets, prefix of its names) of each royalty and revenue share, those in a
    consent clause included."""
    found = []
    for i, term in enumerate(deal.terms):
        if isinstance(term, ConsentToCommercialise):
            found += [(f"terms[{i}].terms[{j}]", f"Term {i + 1}.{j + 1}", f"clause_term{j + 1}")
                      for j, t in enumerate(term.terms) if isinstance(t, (Royalty, RevenueShare))]
        elif isinstance(term, (Royalty, RevenueShare)):
            found.append((f"terms[{i}]", f"Term {i + 1}", f"term{i + 1}"))
    return found


def _platform_workings(w: WorkingsSheet, deal: Deal) -> None:
    """The partner's share of the platform's costs and this deal's share of the shared curation."""
    others = len(deal.platform_users)
    curation = deal.contribution.curation
    if not others and curation is None:
        return
    w.heading("Platform")
    users = w.put("platform_users", "Users of the data in this deal", lift(1) + others, WHOLE, "users",
                  "platform_users", f"the partner and the {others} other platform users listed on the Inputs sheet "
                                    "(how many is fixed when the workbook is made)")
    if others:
        w.put("partner_cost_share", "The partner's share of the NHS's costs of access", 1 / users, FACTOR,
              "fraction", "partner_cost_share", "an equal share with each other user [ours]: 1 ÷ users")
    if curation is not None:
        w.put("curation_share", "This deal's share of the shared curation",
              users / w.cells["contribution.curation.expected_users"], FACTOR, "fraction", "curation_share",
              "users of the data in this deal ÷ users the curation is expected to serve")


def write_member_shares(w: WorkingsSheet, deal: Deal, own_pv: list[X]) -> None:
    """Each consortium member's share of the receipts and shared costs (engine/consortium.py ``member_shares``) and
    the co-owners' share outside the NHS; ``own_pv`` is each member's own costs at present value (the NHS rate), read
    from the Cash flows sheet. Nothing without members or with no split agreed."""
    members, split = deal.nhs.members, deal.nhs.split
    if not members or split is SplitRule.NOT_AGREED:
        return
    c = w.cells
    w.heading(f"Consortium: shares by the split '{split.value}'")
    records = [c[f"nhs.members[{k}].records"] for k in range(len(members))]
    shares = []
    for k in range(len(members)):
        n = k + 1
        w.put(f"members[{k}].own_pv", f"Member {n}: its own costs at present value", own_pv[k], GBP, "£",
              f"member{n}_own_costs_pv", "SUMPRODUCT(its own costs on the Cash flows sheet, NHS discount factor)")
    pvs = [c[f"members[{k}].own_pv"] for k in range(len(members))]
    for k, member in enumerate(members):
        n = k + 1
        if split is SplitRule.FIXED:
            expr, how = c[f"nhs.members[{k}].share"], "the fixed share agreed"
        elif split is SplitRule.BY_RECORDS:
            expr, how = records[k] / SUM(*records), "its patient records ÷ all members' records"
        else:
            expr, how = pvs[k] / SUM(*pvs), "its own costs at present value ÷ all members' [ours]"
        shares.append(w.put(f"members[{k}].share", f"Member {n} ({'NHS' if member.is_nhs else 'outside the NHS'}): "
                            "its share of receipts and shared costs", expr, FACTOR, "fraction", f"member{n}_split",
                            how))
    outside = [x for x, m in zip(shares, members, strict=True) if not m.is_nhs]
    w.put("co_owners_share", "Share of the co-owners outside the NHS", SUM(*outside) if outside else lift(0), FACTOR,
          "fraction", "co_owners_share", "sum of the shares of the members that are not NHS bodies: taken out of the "
                                         "NHS's cash flow (the line Share of co-owners outside the NHS)")


def _discount_paths(deal: Deal) -> list[str]:
    found = []
    for i, term in enumerate(deal.terms):
        if isinstance(term, NhsPriceDiscount):
            found.append(f"terms[{i}]")
        if isinstance(term, ConsentToCommercialise):
            found += [f"terms[{i}].terms[{j}]" for j, t in enumerate(term.terms) if isinstance(t, NhsPriceDiscount)]
    return found


"""The term sheet: a PDF a commercial lead can send to the partner, setting out the deal and what it is worth.

Every figure is written with ``valueshare.format`` and every term with ``valueshare.wording``, so the PDF says what
the app and the CLI say. User text reaches the page only through ``pdfkit.para``, which escapes it. The last
section, on a page of its own, shows how the deal meets the NHS Value Sharing Framework (``framework_page``).
"""

from __future__ import annotations

import datetime
import math

import numpy as np
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from valueshare.engine.valuation import LineSummary, Valuation
from valueshare.figures import select
from valueshare.format import money, number, percent, years
from valueshare.framework import Assessment, assess
from valueshare.model import GREEN_BOOK_RATE, ConsentToCommercialise, Deal, Sales
from valueshare.model.deal import GREEN_BOOK_RATE_AFTER_30, OTHER_USERS
from valueshare.model.partnership import FundingFor
from valueshare.provenance import Provenance, partner_digest
from valueshare.reports.framework_page import TITLE as FRAMEWORK_TITLE
from valueshare.reports.framework_page import framework_page
from valueshare.reports.pdfkit import (
    CONTENT_WIDTH,
    NHS_COLOUR,
    PARTNER_COLOUR,
    Keep,
    Series,
    cash_flow_chart,
    heading,
    para,
    render,
    table,
)
from valueshare.wording import SWITCH, clause_intro, term_sentence, term_title

KIND = "Term sheet"
W = CONTENT_WIDTH / 170  # one "column unit": widths below are in millimetres of a 170 mm text width
NONE = "–"


def term_sheet_pdf(deal: Deal, valuation: Valuation, *, issued: datetime.date | None = None,
                   assessment: Assessment | None = None) -> bytes:
    """The term sheet as PDF bytes. ``issued`` is printed on every page (default: today); the same deal, valuation
    and date always give the same bytes. ``assessment`` is the deal's framework assessment (default: made here with
    ``assess(deal, valuation)``); pass one in to reuse it, or to choose the term that would close a fair-share gap."""
    day = issued or datetime.date.today()
    framework = assessment if assessment is not None else assess(deal, valuation)
    # the digest of the deal as shared with the partner, which it can check: nothing of the NHS's position is in it
    made = Provenance(partner_digest(deal))
    about = made.about("the deal as shared with the partner (export --partner-yaml --with-nhs-costs)")
    return render(lambda: _story(deal, valuation, framework, about), title=deal.name, kind=KIND, issued=day,
                  provenance=made.footer())


def _story(deal: Deal, v: Valuation, framework: Assessment, about: str) -> list[Flowable]:
    return [
        *_opening(deal), *_parties(deal), *_purpose(deal), *_contribution(deal, v), *_route(deal, v),
        *_terms(deal), *_valuation(deal, v), *_present_values(v), *_chart(v), *_assumptions(deal),
        *_still_to_agree(), para(about, "small", lead="About this document."), PageBreak(),
        *framework_page(deal, v, framework, title=f"11. {FRAMEWORK_TITLE}"),
    ]


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _span(start: int, count: int) -> str:
    return f"year {start}" if count == 1 else f"years {start} to {start + count - 1}"


def _opening(deal: Deal) -> list[Flowable]:
    out: list[Flowable] = [para(deal.name, "title"),
                           para(f"{KIND}: proposed terms for an NHS data partnership", "subtitle")]
    if deal.illustrative:
        out.append(para("The figures in this term sheet are made up for illustration; they are not the terms of a "
                        "real deal.", "notice", lead="Illustrative figures."))
    out.append(para("This term sheet sets out the terms proposed for discussion. It is not a binding agreement; "
                    "the parties will be bound only by a signed contract.", "small", lead="Subject to contract."))
    if deal.description:
        out.append(para(deal.description))
    return out


def _parties(deal: Deal) -> list[Flowable]:
    nhs = deal.nhs
    lead = "NHS (a consortium)" if nhs.members else "NHS"
    rows = [[lead, nhs.name, nhs.kind.label]]
    rows += [["Consortium member" if m.is_nhs else "Co-owner outside the NHS", m.name, "NHS body" if m.is_nhs else ""]
             for m in nhs.members]
    rows.append(["Partner", deal.partner.name, deal.partner.kind.label])
    return [heading("1. Parties"), table(["Role", "Organisation", "Kind"], rows, [45 * W, 85 * W, 40 * W])]


def _purpose(deal: Deal) -> list[Flowable]:
    out: list[Flowable] = [heading("2. Purpose and use")]
    if deal.purpose:
        out.append(para(deal.purpose, lead="Purpose and patient benefit:"))
    out.append(para(deal.use.label + ".", lead="Use of the data:"))
    out.append(para(deal.access_route.label + ".", lead="Access route:"))
    return out


def _contribution(deal: Deal, v: Valuation) -> list[Flowable]:
    c = deal.contribution
    out: list[Flowable] = [heading("3. What the NHS contributes"), heading("Data assets", 1)]
    if c.data_assets:
        rows = [[a.name, a.data_type.label, number(a.patients), years(a.history_years), a.curation.label,
                 _yes(a.linked), _yes(a.unique)] for a in c.data_assets]
        out.append(table(["Data asset", "Type", "Patients", "History", "Curation", "Linked", "Unique"], rows,
                         [40 * W, 26 * W, 19 * W, 19 * W, 34 * W, 16 * W, 16 * W], numeric=(2, 3)))
    else:
        out.append(para("No data assets are listed."))
    if c.expertise:
        rows = [[x.kind.label, x.description or NONE, number(x.hours_per_year),
                 money(x.cost_per_hour_gbp, exact=True), _span(x.start_year, x.years)] for x in c.expertise]
        out += [heading("Expertise", 1),
                table(["Expertise", "What the staff will do", "Hours a year", "Cost an hour", "When"], rows,
                      [24 * W, 76 * W, 20 * W, 20 * W, 30 * W], numeric=(2, 3))]
    out += [heading("The NHS's costs of providing access", 1), *_costs(deal, v)]
    return out


def _costs(deal: Deal, v: Valuation) -> list[Flowable]:
    costs = deal.contribution.access_costs
    amounts = {"costs.preparation": (money(costs.preparation_gbp, exact=True), "year 0 (signature)"),
               "costs.yearly": (f"{money(costs.yearly_gbp, exact=True)} a year", _span(1, costs.years))}
    for i, x in enumerate(deal.contribution.expertise):
        amounts[f"costs.expertise[{i}]"] = (f"{money(x.hours_per_year * x.cost_per_hour_gbp, exact=True)} a year",
                                           _span(x.start_year, x.years))
    lines = [line for line in v.nhs_lines if line.key in amounts]
    rows = [[line.label, *amounts[line.key], money(-line.present_value)] for line in lines]
    rows.append(["Total", "", "", money(-sum(line.present_value for line in lines))])
    return [table(["Cost", "Amount", "When", "Present value"], rows, [70 * W, 35 * W, 35 * W, 30 * W],
                  numeric=(1, 3), total=True),
            para("The fees must at least recover these costs (the framework's second principle).", "small")]


def _route(deal: Deal, v: Valuation) -> list[Flowable]:
    out: list[Flowable] = [heading("4. Route to market")]
    route = deal.route_to_market
    if route is None:
        return out + [para("There is no product: the deal has no route to market.")]
    if route.stages:
        rows, reach = [], 1.0
        for stage in route.stages:
            reach *= stage.probability_of_success
            rows.append([stage.name, years(stage.duration_years), money(stage.partner_cost_gbp, exact=True),
                         percent(stage.probability_of_success, 0), percent(reach)])
        out.append(table(["Development stage", "Duration", "Cost to the partner", "Chance it succeeds",
                          "Chance of getting this far"], rows, [60 * W, 22 * W, 30 * W, 28 * W, 30 * W],
                         numeric=(1, 2, 3, 4)))
    else:
        out.append(para("There are no development stages: the product is on the market from the start."))
    if route.sales is not None:
        out.append(para(_sales_text(route.sales), lead="Sales:"))
    if v.launch_probability is not None and v.launch_year is not None and math.isfinite(v.launch_year):
        out.append(para(f"The product reaches the market with a {percent(v.launch_probability)} chance, in year "
                        f"{number(v.launch_year)} if every stage succeeds."))
    return [Keep(out)]


def _sales_text(s: Sales) -> str:
    return (f"up to {number(s.volume_per_year)} {s.unit} a year at {money(s.price_gbp, exact=True)} each "
            f"(list price). Uptake rises to {percent(s.peak_uptake, 0)} of that volume over "
            f"{years(s.years_to_peak)} after launch. {percent(s.nhs_share_of_sales, 0)} of sales are to the NHS. "
            f"The partner keeps an operating margin of {percent(s.operating_margin, 0)} of sales before any payment "
            f"to the NHS. "
            f"Sales end in year {s.end_year}.")


def _terms(deal: Deal) -> list[Flowable]:
    out: list[Flowable] = [heading("5. Value-sharing terms")]
    if not deal.terms:
        out.append(para("No value-sharing terms are set: the NHS receives nothing beyond its costs being met."))
    for n, term in enumerate(deal.terms, start=1):
        if isinstance(term, ConsentToCommercialise):
            out += _clause(n, term)
        else:
            out.append(KeepTogether([heading(f"5.{n} {term_title(term)}", 1), para(term_sentence(term))]))
    out.append(heading(f"5.{len(deal.terms) + 1} Non-exclusivity", 1))
    if deal.exclusive_raw_data_access:
        out.append(para("this deal gives the partner exclusive access to raw NHS data. The 2019 guiding principles "
                        "forbid exclusive rights of access to or use of raw data; this must change before the deal "
                        "is signed.", "warning", lead="Warning:"))
    else:
        out.append(para("The partner has no exclusive access to raw data. The NHS remains free to use its data and "
                        "to give others access to it, as the 2019 guiding principles require."))
    grants = [g for g in deal.funding if g.towards is FundingFor.PARTNER]
    if grants:  # a grant towards the partner binds it by its conditions; grants towards the NHS are the NHS's (their
        # line in the table of present values goes with the NHS's costs, which this term sheet still shows)
        out.append(heading(f"5.{len(deal.terms) + 2} Third-party funding", 1))
        for grant in grants:
            out.append(para(f"{grant.funder} ({grant.kind.label}) pays {money(grant.amount_gbp, exact=True)} a "
                            f"year towards the partner's costs, in {_span(grant.start_year, grant.years)}."
                            + (f" Conditions: {grant.conditions}" if grant.conditions else "")))
    return out


def _clause(n: int, clause: ConsentToCommercialise) -> list[Flowable]:
    """The clause's opening sentence, then each inner term set out under it with its title."""
    out: list[Flowable] = [heading(f"5.{n} {term_title(clause)}", 1), para(clause_intro(clause))]
    for k, term in enumerate(clause.terms, start=1):
        out.append(para(term_sentence(term, origin=SWITCH), "indented", lead=f"5.{n}.{k} {term_title(term)}:"))
    return out


#: The headline figures (``valueshare.figures``) the valuation summary shows, in order. The term sheet is shared
#: with the partner: add none that would disclose a position of the NHS's own.
SUMMARY_FIGURES = ("nhs_npv", "partner_npv", "partner_irr", "cost_recovery", "nhs_share", "launch_probability",
                   "nhs_receipts_undiscounted")


def _bases(deal: Deal) -> dict[str, str]:
    """What each figure in the summary is based on, for this deal (a figure's own note, when it has one, wins)."""
    a = deal.assumptions
    reach = "that the work becomes commercial and " if deal.consent_clause else ""
    return {
        "nhs_npv": f"receipts and savings less the NHS's costs, at {percent(a.nhs_discount_rate)}",
        "partner_npv": f"after every payment to the NHS, at {percent(a.partner_discount_rate)}",
        "cost_recovery": "charges for access ÷ the NHS's costs less grants towards them, in present values",
        "nhs_share": "payments to the NHS ÷ the partner's value before them",
        "launch_probability": f"chance {reach}that every development stage succeeds",
        "nhs_receipts_undiscounted": "expected total over the horizon",
    }


def _valuation(deal: Deal, v: Valuation) -> list[Flowable]:
    bases = _bases(deal)
    rows = [[figure.label, figure.text(v), figure.note(v) or bases.get(figure.key, "")]
            for figure in select(*SUMMARY_FIGURES)]
    return [Keep([
        heading("6. Valuation summary"),
        para("Every figure is risk-adjusted: each flow is weighted by the chance that it happens.", "small"),
        table(["Measure", "Figure", "Basis"], rows, [55 * W, 30 * W, 85 * W], numeric=(1,))])]


def _present_values(v: Valuation) -> list[Flowable]:
    nhs = {line.key: line for line in v.nhs_lines if OTHER_USERS not in line.key}
    others = [line for line in v.nhs_lines if OTHER_USERS in line.key]
    if others:  # other users' terms (and the NHS's cost of serving them) are theirs: only the net sum, unnamed
        nhs[OTHER_USERS] = LineSummary(OTHER_USERS, "Other users of the platform, together, net",
                                       np.sum([x.yearly for x in others], axis=0), sum(x.present_value for x in others))
    partner = {line.key: line for line in v.partner_lines}
    keys = [line.key for line in v.nhs_lines if line.key.startswith("terms")]
    keys += [k for k in nhs if k not in keys] + [k for k in partner if k not in nhs]

    def cell(line: LineSummary | None) -> str:
        return NONE if line is None else money(line.present_value)

    rows = [[(nhs.get(k) or partner[k]).label, cell(nhs.get(k)), cell(partner.get(k))] for k in keys]
    rows.append(["Net present value", money(v.nhs_npv), money(v.partner_npv)])
    return [Keep([
        heading("7. Present value of each term, for each party"),
        para("Money to a party is positive, money it pays or gives up is negative. The NHS's figures are "
             "discounted at its rate, the partner's at its own.", "small"),
        table(["Term or line", "NHS", "Partner"], rows, [100 * W, 35 * W, 35 * W], numeric=(1, 2), total=True)])]


def _chart(v: Valuation) -> list[Flowable]:
    yrs = [int(y) for y in v.years]
    series = [Series("NHS", list(v.nhs_cash_flow), NHS_COLOUR),
              Series("Partner", list(v.partner_cash_flow), PARTNER_COLOUR)]
    if not any(any(item.values) for item in series):
        return [heading("8. Expected cash flow each year"), para("Neither party has any cash flow to show.")]
    return [KeepTogether([heading("8. Expected cash flow each year"),
                          para("Risk-adjusted and not discounted, in the price base year's pounds. Each party has "
                               "its own scale.", "small"),
                          Spacer(1, 2 * mm), cash_flow_chart(yrs, series)])]


def _nhs_rate_text(deal: Deal) -> tuple[str, str]:
    a = deal.assumptions
    rate = percent(a.nhs_discount_rate)
    if a.horizon_years > 30:
        rate += f" to year 30, then {percent(a.nhs_discount_rate_after_30)}"
    green_book = (a.nhs_discount_rate == GREEN_BOOK_RATE
                  and (a.horizon_years <= 30 or a.nhs_discount_rate_after_30 == GREEN_BOOK_RATE_AFTER_30))
    source = ("HM Treasury Green Book social time preference rate (real)" if green_book else
              f"set for this deal; the HM Treasury Green Book rate is {percent(GREEN_BOOK_RATE)}")
    return rate, source


def _assumptions(deal: Deal) -> list[Flowable]:
    a = deal.assumptions
    rows = [
        ["Horizon", f"years 0 to {a.horizon_years}", "flows after the horizon are not counted"],
        ["NHS discount rate", *_nhs_rate_text(deal)],
        ["Partner discount rate", percent(a.partner_discount_rate),
         "the partner's hurdle rate; it carries market risk, as stage chances carry technical risk"],
        ["Price base year", f"{a.price_base_year} prices", f"all money in real terms, {a.currency}"],
        ["Inflation (CPI)", f"{percent(a.inflation_rate)} a year",
         "amounts fixed in cash are valued in the price base year's pounds at this rate (Bank of England 2% CPI "
         "target); amounts indexed to CPI are already real. Each term says which it is."],
        ["Partner's corporation tax", percent(a.partner_tax_rate),
         "the partner's figures are after tax on its taxable profit, losses carried forward (UK main rate 25% "
         "from 1 April 2023)" if a.partner_tax_rate > 0 else "the partner's figures are before tax"],
        ["Timing", "year 0 is signature", "year 0 is signature; other flows at the end of each year"],
        ["Risk adjustment", "stage probabilities",
         "each flow is weighted by the chance that the development stages before it succeed"
         + (" and, for the consent-to-commercialise clause, that the work becomes commercial"
            if deal.consent_clause else "")],
    ]
    return [heading("9. Key assumptions"),
            table(["Assumption", "Value", "Source or meaning"], rows, [38 * W, 42 * W, 90 * W])]


def _still_to_agree() -> list[Flowable]:
    heads = ["ownership of background and foreground intellectual property",
             "publication, and transparency to patients and the public (the data-use register)",
             "duration, review points, reporting and audit rights",
             "information governance and security",
             "termination, and what then happens to the data and to any models trained on it"]
    return [Keep([
        heading("10. Still to be agreed"),
        para("The contract will also cover the following, which this term sheet does not set out:"),
        *[para(item, "indented", lead="•") for item in heads]])]

"""What the term sheet says, as plain blocks (``blocks``) that the PDF and the Word document both print.

The term sheet goes to the partner. By default it holds the terms and what a contract needs around them, and nothing
from which the NHS's walk-away, target, fair band or internal judgement can be read, nor the partner's own
projections: no NHS cost of giving access (its default walk-away is full cost recovery), no valuation, no framework
verdict and no [ours] reading. Three annexes go in only when the user chooses each (:data:`DISCLOSURES` says what
each discloses; the Documents page and the CLI's help repeat it):

- A, the NHS's costs of giving access (``with_nhs_costs``);
- B, a valuation for both sides (``with_valuation``): route to market with the partner's projections, both sides'
  figures, each term's present value, the yearly cash flows and the assumptions;
- C, the framework statement (``with_framework``): the three aims, the principles checked and the fair band.

Blanks for the parties to fill are in square brackets, and listed at the top of the document.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

import numpy as np

from valueshare.contract import SIGNATURE, SWITCH, clause
from valueshare.engine.valuation import LineSummary, Valuation
from valueshare.figures import select
from valueshare.format import money, number, percent, years
from valueshare.framework import Assessment, assess
from valueshare.framework import text as framework_words
from valueshare.mechanisms import of
from valueshare.model import GREEN_BOOK_RATE, ConsentToCommercialise, Deal
from valueshare.model.deal import GREEN_BOOK_RATE_AFTER_30, OTHER_USERS, AccessRoute, Use
from valueshare.model.partnership import FundingFor
from valueshare.model.terms import Indexation
from valueshare.reports.blocks import (
    Block,
    Bullets,
    CashFlows,
    Heading,
    Keep,
    NewPage,
    Para,
    Signatures,
    table,
)
from valueshare.scenario import unchanged_example
from valueshare.wording import term_title

KIND = "Term sheet"
NONE = "–"
#: How the document marks a blank for the parties to fill.
BLANK = "[{}]"


@dataclass(frozen=True)
class Disclosure:
    """An annex the user may add to the term sheet, and what it tells the partner."""

    key: str
    label: str
    discloses: str


DISCLOSURES = (
    Disclosure("with_nhs_costs", "Annex A: the NHS's costs of giving access",
               "what the NHS spends to give access. The fees must at least recover these costs, so the partner can "
               "read from them the least the NHS can accept (full cost recovery, its default walk-away)."),
    Disclosure("with_valuation", "Annex B: a valuation for both sides",
               "both sides' NPVs, the partner's IRR, cost recovery and the NHS's share of the partner's value, and "
               "the partner's own projections (sales, margin, stage costs and chances). From them the partner can "
               "work out how far the terms sit above the NHS's costs."),
    Disclosure("with_framework", "Annex C: the framework statement",
               "the Value Sharing Framework's verdicts on the deal, the fair band (its low end, centre and high end) "
               "and valueshare's own [ours] readings. The band's low end and centre are the NHS's default "
               "walk-away and target."),
)


@dataclass(frozen=True)
class TermSheetOptions:
    """What goes in beyond the terms (each annex is off by default), and the document's reference.

    ``reference`` and ``version`` come from the register when the deal is saved there (``version_changed``: the
    deal has been edited since that version was saved), and ``standing`` from the deal's life there ("offered;
    version 3 approved by ... on ..."); without it the term sheet is a draft. ``valid_days`` is how long the offer
    stays open."""

    with_nhs_costs: bool = False
    with_valuation: bool = False
    with_framework: bool = False
    reference: str | None = None
    version: int | None = None
    version_changed: bool = False
    standing: str | None = None
    valid_days: int = 60


#: Nothing disclosed beyond the terms, no reference yet: what a term sheet is unless the user chooses otherwise.
DEFAULTS = TermSheetOptions()


def _span(start: int, count: int) -> str:
    return f"year {start}" if count == 1 else f"years {start} to {start + count - 1}"


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def term_sheet_blocks(deal: Deal, valuation: Valuation, *, issued: datetime.date,
                      options: TermSheetOptions = DEFAULTS,
                      assessment: Assessment | None = None) -> list[Block]:
    """The whole term sheet, as blocks. The framework's assessment is made only for its annex."""
    out = _numbered([*_opening(deal, issued, options), *_parties(deal), *_purpose(deal), *_data(deal),
                     *_definitions(deal), *_terms(deal), *_payment(deal), *_reporting(deal),
                     *_term_and_termination(deal), *_ip(deal), *_publication(deal), *_governance(deal),
                     *_confidentiality(), *_law(), *_signatures(deal)])
    # each annex keeps its letter whichever others are chosen, as the Documents page and the CLI name them
    if options.with_nhs_costs:
        out += annex_costs(deal, valuation, "A")
    if options.with_valuation:
        out += annex_valuation(deal, valuation, "B")
    if options.with_framework:
        framework = assessment if assessment is not None else assess(deal, valuation)
        out += annex_framework(deal, valuation, framework, "C")
    return out


#: The number of the financial terms' section, which numbers their clauses (5.1, 5.2, ...).
TERMS_SECTION = 5


def _numbered(blocks: list[Block]) -> list[Block]:
    """The sections numbered in order: each top-level heading (in a Keep or not) gets its number."""
    count = 0

    def number_(block: Block) -> Block:
        nonlocal count
        if isinstance(block, Heading) and block.level == 0:
            count += 1
            return Heading(f"{count}. {block.text}")
        if isinstance(block, Keep):
            return Keep(tuple(number_(b) for b in block.blocks))
        return block

    out = [number_(b) for b in blocks]
    assert any(isinstance(b, Heading) and b.text == f"{TERMS_SECTION}. Financial terms" for b in out)
    return out


# ------------------------------------------------------------------------------------------------- the opening

def illustrative_notice(deal: Deal) -> bool:
    """Whether the term sheet says its figures are made up: only while the deal is still an example as shipped."""
    return deal.illustrative and unchanged_example(deal)


def _reference(options: TermSheetOptions) -> tuple[str, str]:
    reference = options.reference or BLANK.format("reference")
    if options.version is None:
        version = BLANK.format("version")
    elif options.version_changed:
        version = f"draft changed since version {options.version}"
    else:
        version = f"version {options.version}"
    return reference, version


def _opening(deal: Deal, issued: datetime.date, options: TermSheetOptions) -> list[Block]:
    reference, version = _reference(options)
    valid = issued + datetime.timedelta(days=options.valid_days)
    out: list[Block] = [Para(deal.name, style="title"),
                        Para(f"{KIND}: heads of terms for an NHS data partnership", style="subtitle")]
    if illustrative_notice(deal):
        out.append(Para("The figures in this term sheet are made up for illustration; they are not the terms of "
                        "a real deal.", "Illustrative figures.", "notice"))
    out += [
        table(["Reference", "Version", "Date", "Open for acceptance until"],
              [[reference, version, _date(issued), _date(valid)]], [45, 45, 35, 45]),
        Para(_standing(options), "Status:"),
        Para("This term sheet sets out the principal terms proposed for a data partnership. It is not binding, "
             "except for the section on confidentiality, which binds the parties from the date they receive it. "
             "The parties will be bound by the rest only when they sign a full contract.",
             "Subject to contract.", "notice"),
        Para("Amounts are in pounds sterling (GBP) and exclude VAT. Blanks for the parties to fill are shown in "
             "square brackets, such as [address].", style="small"),
    ]
    if deal.description:
        out.append(Para(deal.description))
    return out


def _standing(options: TermSheetOptions) -> str:
    """Where the deal stands, from the register: a draft until a version is saved, offered and approved."""
    if options.standing is None or options.version_changed:
        return "draft for discussion, not yet approved by the NHS party."
    return options.standing[:1].upper() + options.standing[1:] + "."


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _parties(deal: Deal) -> list[Block]:
    nhs = deal.nhs
    address = BLANK.format("address")
    rows = [["NHS party" + (" (a consortium)" if nhs.members else ""), nhs.name, nhs.kind.label, address]]
    rows += [["Consortium member" if m.is_nhs else "Co-owner outside the NHS", m.name,
              "NHS body" if m.is_nhs else "Other organisation", address] for m in nhs.members]
    rows.append(["Partner", deal.partner.name, deal.partner.kind.label, address])
    out: list[Block] = [Heading("Parties"), table(["Role", "Organisation", "Kind", "Registered address"], rows,
                                                     [34, 62, 34, 40])]
    if nhs.members:
        out.append(Para(f"{nhs.name} signs for the consortium and receives every payment under this agreement on "
                        "its members' behalf; how the members share what they receive is a matter between them."))
    return out


USES = {
    Use.COMMERCIAL_PRODUCT: "the research, development, regulatory approval and sale of the Product",
    Use.COMMERCIAL_RESEARCH: "commercial research for the Purpose, whose results the Partner may use in its business",
    Use.NON_COMMERCIAL_RESEARCH: "non-commercial research for the Purpose only",
}


def _purpose(deal: Deal) -> list[Block]:
    out: list[Block] = [Heading("Purpose and permitted use")]
    if deal.purpose:
        out.append(Para(deal.purpose, "Purpose:"))
    out.append(Para(f"{deal.use.label}: {USES[deal.use]}. Any other use needs the NHS party's prior written "
                    "consent.", "Permitted use:"))
    out.append(Para("re-identifying any individual; linking the data to other data except as the Purpose needs "
                    "and the NHS party approves; passing the data, or access to it, to anyone else; and any use "
                    "outside the Purpose.", "Not permitted:"))
    return out


ROUTES = {
    AccessRoute.SDE: "The data stay in the NHS party's secure data environment. The Partner's "
    "named and approved users work on them there; only aggregate outputs that pass the environment's output checks "
    "leave it.",
    AccessRoute.NHS_ANALYSIS: "The NHS party's own staff analyse the data; the Partner receives the results only, "
    "never record-level data.",
    AccessRoute.EXTRACT: "The NHS party gives the Partner a pseudonymised or anonymised extract, held and used under "
    "the data-sharing agreement's security terms and deleted when the agreement ends.",
}


def _data(deal: Deal) -> list[Block]:
    c = deal.contribution
    out: list[Block] = [Heading("The data and how it is accessed")]
    if c.data_assets:
        rows = [[a.name, a.data_type.label, number(a.patients), years(a.history_years), a.curation.label,
                 _yes(a.linked)] for a in c.data_assets]
        out.append(table(["Data", "Type", "Patients", "History", "Preparation", "Linked"], rows,
                         [52, 28, 22, 20, 32, 16], numeric=(2, 3)))
    else:
        out.append(Para("No data assets are listed."))
    if c.expertise:
        out.append(Para("; ".join(f"{x.kind.label.lower()}: {x.description}" if x.description else x.kind.label
                                  for x in c.expertise) + ".", "The NHS party's staff also contribute:"))
    out.append(Para(ROUTES[deal.access_route], "Access route:"))
    if deal.exclusive_raw_data_access:
        out.append(Para("this draft gives the Partner exclusive access to raw NHS data. The 2019 guiding principles "
                        "forbid exclusive rights of access to or use of raw data; this must change before the "
                        "agreement is signed.", "Warning:", "warning"))
    else:
        out.append(Para("The Partner's access is not exclusive. The NHS party remains free to use the data and to "
                        "give others access to them.", "Non-exclusive:"))
    ex = deal.exclusivity
    if ex.derived_exclusive:
        scope = f" in the field of {ex.field_of_use}" if ex.field_of_use else ""
        span = f" for {years(ex.years)} from the Effective Date" if ex.years is not None else ""
        out.append(Para(f"The Partner has exclusive rights to data derived from the NHS party's data, and to models "
                        f"trained on them{scope}{span}.", "Derived data and models:"))
    return out


def _sales_linked(deal: Deal) -> bool:
    inner = [t for c in deal.terms if isinstance(c, ConsentToCommercialise) for t in c.terms]
    return any(of(t).sales_linked for t in [*deal.terms, *inner])


def _indexed(deal: Deal) -> bool:
    inner = [t for c in deal.terms if isinstance(c, ConsentToCommercialise) for t in c.terms]
    return any(getattr(t, "indexation", None) is Indexation.INDEXED for t in [*deal.terms, *inner])


def _definitions(deal: Deal) -> list[Block]:
    rows = [["Effective Date", "the date the last party signs the agreement; years are counted from it"]]
    if deal.route_to_market is not None:
        rows.append(["Product", "any product, service or model that the Partner develops, in whole or in part, "
                                "with the data or the NHS party's expertise"])
        rows.append(["Launch", "the first sale of the Product in any country after any approval it needs"])
    if _sales_linked(deal):
        rows.append(["Net Sales", "the amounts invoiced for the Product by the Partner, its affiliates and "
                                  "licensees, less VAT and sales taxes, credited returns and trade discounts "
                                  "actually given"])
        rows.append(["Territory", "where each term applies: worldwide unless the term says the UK"])
    if deal.consent_clause:
        rows.append(["Commercial Use Date", "the date the NHS party gives written consent to commercial use"])
    if _indexed(deal):
        rows.append(["CPI", "the UK Consumer Prices Index (all items, 2015 = 100) published by the Office for "
                            "National Statistics"])
    return [Keep((Heading("Definitions"), table(["Term", "Meaning"], rows, [35, 135])))]


def _terms(deal: Deal) -> list[Block]:
    out: list[Block] = [Heading("Financial terms")]
    if not deal.terms:
        out.append(Para("No payments are set: the Partner pays nothing for access."))
    for n, term in enumerate(deal.terms, start=1):
        out += _clause(f"{TERMS_SECTION}.{n}", term, SIGNATURE)
        if isinstance(term, ConsentToCommercialise):
            for k, inner in enumerate(term.terms, start=1):
                out += _clause(f"{TERMS_SECTION}.{n}.{k}", inner, SWITCH)
    grants = [g for g in deal.funding if g.towards is FundingFor.PARTNER]
    for k, grant in enumerate(grants, start=len(deal.terms) + 1):
        out += [Heading(f"{TERMS_SECTION}.{k} Third-party funding: {grant.funder}", 1),
                Para(f"{grant.funder} ({grant.kind.label.lower()}) funds the Partner's costs with "
                     f"{money(grant.amount_gbp, exact=True)} a year in {_span(grant.start_year, grant.years)} after "
                     "the Effective Date. The Partner shall meet the funder's conditions"
                     + (f": {grant.conditions}" if grant.conditions else ".")
                     + ("" if not grant.conditions or grant.conditions.endswith(".") else "."))]
    return out


def _clause(number_: str, term: object, origin: str) -> list[Block]:
    c = clause(term, origin)  # type: ignore[arg-type]
    return [Keep((Heading(f"{number_} {term_title(term)}", 1), Para(c.text),  # type: ignore[arg-type]
                  Para(f"{c.trigger}. Payment: {c.timing}. Indexation: {c.indexation}.", "Trigger:", "indented")))]


def _payment(deal: Deal) -> list[Block]:
    items = ["The NHS party invoices each amount when it falls due; the Partner pays each invoice within "
             f"{BLANK.format('30')} days of receiving it, in pounds sterling, by bank transfer to the account on "
             "the invoice.",
             "Amounts exclude VAT. Where VAT is chargeable, the Partner pays it in addition, against a valid VAT "
             "invoice.",
             "Late payments carry interest under the Late Payment of Commercial Debts (Interest) Act 1998."]
    if _indexed(deal):
        items.append("An amount indexed to CPI is increased (or reduced) on each anniversary of the Effective Date "
                     "by the change in CPI over the twelve months to the latest published month; an amount fixed "
                     "in cash is paid as written.")
    return [Heading("Invoicing, payment and VAT"), Bullets(tuple(items))]


def _reporting(deal: Deal) -> list[Block]:
    if not _sales_linked(deal):
        return []
    items = ("Within 45 days of the end of each calendar quarter after Launch, the Partner sends the NHS party a "
             "report of Net Sales in the quarter, by country and by product, with the royalty or share due, and "
             "pays it.",
             "The Partner keeps complete records of its sales for six years after the year they concern.",
             "Once a year, on 30 days' notice, an independent accountant appointed by the NHS party may inspect those "
             "records. If the inspection finds an underpayment of more than 5% for any year, the Partner pays the "
             "shortfall with interest and the cost of the inspection.")
    return [Heading("Royalty reports and audit"), Bullets(items)]


def _access_years(deal: Deal) -> int | None:
    ends = [t.start_year + t.years - 1 for t in deal.terms if hasattr(t, "years") and hasattr(t, "start_year")
            and not of(t).sales_linked]
    return max(ends) if ends else None


def _term_and_termination(deal: Deal) -> list[Block]:
    span = _access_years(deal)
    length = (f"{years(span)} from the Effective Date" if span else BLANK.format("number of years")
              + " from the Effective Date")
    items = [f"The agreement runs for {length}. Obligations to pay on sales, to report and to allow audit continue "
             "for as long as any amount can fall due." if _sales_linked(deal) else
             f"The agreement runs for {length}.",
             "Either party may end the agreement by notice if the other commits a material breach that it does not "
             "remedy within 30 days of being asked to, or becomes insolvent. The NHS party may suspend access at "
             "once where it reasonably believes the data are at risk.",
             "When the agreement ends, the Partner's access ends, the Partner deletes any NHS data it holds and "
             "confirms so in writing, and amounts already due remain payable. What happens to models trained on "
             f"the data: {BLANK.format('to agree')}."]
    return [Heading("Term and termination"), Bullets(tuple(items))]


def _ip(deal: Deal) -> list[Block]:
    items = ["Each party keeps the intellectual property it had before the agreement or creates outside it. The data "
             "remain the NHS party's; the agreement gives the Partner a licence to use them only as it permits.",
             f"Intellectual property in what the work creates belongs to {BLANK.format('the Partner / jointly')}, "
             "and the NHS party may use the results for the care of patients and for non-commercial research."]
    if deal.consent_clause:
        items.append("The data and results may be used commercially only with the NHS party's prior written "
                     "consent, on the terms in section 5 that apply from the Commercial Use Date.")
    return [Heading("Intellectual property"), Bullets(tuple(items))]


def _publication(deal: Deal) -> list[Block]:
    t = deal.transparency
    items = []
    if t.data_use_register:
        items.append("The NHS party lists the partnership in its public data-use register.")
    if t.public_summary:
        items.append("The parties publish a plain-language summary of the partnership and of how its value is "
                     "shared.")
    if t.results_published:
        items.append("The Partner publishes the results of the work, and may delay publication by up to 90 days to "
                     "protect its intellectual property.")
    if not items:
        items.append(f"What the parties publish about the partnership: {BLANK.format('to agree')}.")
    items.append("Neither party names the other in publicity without its consent, except as the law or the "
                 "transparency commitments above require.")
    return [Heading("Publication and transparency"), Bullets(tuple(items))]


def _governance(deal: Deal) -> list[Block]:
    items = ("The parties comply with UK data protection law (UK GDPR and the Data Protection Act 2018) and the "
             "common-law duty of confidentiality, and respect the national data opt-out where it applies.",
             "The Partner keeps the data secure to the standard of the Data Security and Protection Toolkit, lets "
             "only named and approved people use them, and reports any breach to the NHS party within 24 hours.")
    return [Heading("Data protection and information governance"), Bullets(items)]


def _confidentiality() -> list[Block]:
    return [Heading("Confidentiality (binding)"),
            Para("Each party keeps this term sheet, the negotiation and the other's information confidential, and "
                 "uses them only to consider the partnership, except as the law (including the Freedom of "
                 "Information Act 2000) requires. This obligation binds the parties from receipt and lasts for "
                 "two years.")]


def _law() -> list[Block]:
    return [Heading("Governing law"),
            Para(f"This term sheet and the agreement are governed by the law of {BLANK.format('England and Wales')}, "
                 "and its courts have exclusive jurisdiction.")]


def _signatures(deal: Deal) -> list[Block]:
    parties = ((f"For the NHS party{' (for the consortium)' if deal.nhs.members else ''}", deal.nhs.name),
               ("For the Partner", deal.partner.name))
    return [Keep((Heading("Signatures"),
                  Para("Signed to record that the parties intend to negotiate a contract on these terms."),
                  Signatures(parties)))]


# -------------------------------------------------------------------------------------------------- the annexes

def annex_costs(deal: Deal, v: Valuation, letter: str) -> list[Block]:
    """The NHS's costs of giving access, each with its amount, timing and present value at the NHS's rate."""
    costs = deal.contribution.access_costs
    amounts = {"costs.preparation": (money(costs.preparation_gbp, exact=True), "year 0 (signature)"),
               "costs.yearly": (f"{money(costs.yearly_gbp, exact=True)} a year", _span(1, costs.years))}
    for i, x in enumerate(deal.contribution.expertise):
        amounts[f"costs.expertise[{i}]"] = (f"{money(x.hours_per_year * x.cost_per_hour_gbp, exact=True)} a year",
                                           _span(x.start_year, x.years))
    lines = [line for line in v.nhs_lines if line.key in amounts]
    rows = [[line.label, *amounts[line.key], money(-line.present_value)] for line in lines]
    rows.append(["Total", "", "", money(-sum(line.present_value for line in lines))])
    return [NewPage(), Heading(f"Annex {letter}. The NHS's costs of giving access"),
            Para("Disclosed by the NHS party so that the Partner can see what its charges for access recover. "
                 f"Present values at the NHS's discount rate of {percent(deal.assumptions.nhs_discount_rate)}."),
            table(["Cost", "Amount", "When", "Present value"], rows, [70, 35, 35, 30], numeric=(1, 3), total=True),
            Para("The framework asks that the charges for access at least recover these costs (its second "
                 "principle).", style="small")]


#: The headline figures (``valueshare.figures``) of the valuation annex, in order.
SUMMARY_FIGURES = ("nhs_npv", "partner_npv", "partner_irr", "cost_recovery", "nhs_share", "launch_probability",
                   "nhs_receipts_undiscounted")


def _bases(deal: Deal) -> dict[str, str]:
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


def annex_valuation(deal: Deal, v: Valuation, letter: str) -> list[Block]:
    """Route to market with the partner's projections, both sides' figures, each line's present value, the yearly
    cash flows and the assumptions."""
    out: list[Block] = [NewPage(), Heading(f"Annex {letter}. Valuation for both sides"),
                        Para("Every figure is risk-adjusted: each flow is weighted by the chance that it happens. "
                             "The figures are estimates made to inform the negotiation, not terms.", style="small")]
    out += _route(deal, v)
    bases = _bases(deal)
    rows = [[figure.label, figure.text(v), figure.note(v) or bases.get(figure.key, "")]
            for figure in select(*SUMMARY_FIGURES)]
    out.append(Keep((Heading("Figures", 1), table(["Measure", "Figure", "Basis"], rows, [55, 30, 85], numeric=(1,)))))
    out.append(Keep((Heading("Present value of each term, for each party", 1),
                     Para("Money to a party is positive, money it pays or gives up is negative. The NHS's figures "
                          "are discounted at its rate, the partner's at its own.", style="small"),
                     _present_values(v))))
    yrs = tuple(int(y) for y in v.years)
    out.append(Keep((Heading("Expected cash flow each year", 1),
                     Para("Risk-adjusted and not discounted, in the price base year's pounds.", style="small"),
                     CashFlows(yrs, tuple(float(x) for x in v.nhs_cash_flow),
                               tuple(float(x) for x in v.partner_cash_flow)))))
    out += _assumptions(deal)
    return out


def _route(deal: Deal, v: Valuation) -> list[Block]:
    route = deal.route_to_market
    if route is None:
        return [Heading("Route to market", 1), Para("There is no product: the deal has no route to market.")]
    out: list[Block] = [Heading("Route to market", 1)]
    if route.stages:
        rows, reach = [], 1.0
        for stage in route.stages:
            reach *= stage.probability_of_success
            rows.append([stage.name, years(stage.duration_years), money(stage.partner_cost_gbp, exact=True),
                         percent(stage.probability_of_success, 0), percent(reach)])
        out.append(table(["Development stage", "Duration", "Cost to the partner", "Chance it succeeds",
                          "Chance of getting this far"], rows, [60, 22, 30, 28, 30], numeric=(1, 2, 3, 4)))
    else:
        out.append(Para("There are no development stages: the product is on the market from the start."))
    s = route.sales
    if s is not None:
        out.append(Para(f"up to {number(s.volume_per_year)} {s.unit} a year at {money(s.price_gbp, exact=True)} "
                        f"each (list price). Uptake rises to {percent(s.peak_uptake, 0)} of that volume over "
                        f"{years(s.years_to_peak)} after launch. {percent(s.nhs_share_of_sales, 0)} of sales are to "
                        f"the NHS. The partner keeps an operating margin of {percent(s.operating_margin, 0)} of "
                        f"sales before any payment to the NHS. Sales end in year {s.end_year}.", "Sales:"))
    if v.launch_probability is not None and v.launch_year is not None and math.isfinite(v.launch_year):
        out.append(Para(f"The product reaches the market with a {percent(v.launch_probability)} chance, in year "
                        f"{number(v.launch_year)} if every stage succeeds."))
    return [Keep(tuple(out))]


def _present_values(v: Valuation) -> Block:
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
    return table(["Term or line", "NHS", "Partner"], rows, [100, 35, 35], numeric=(1, 2), total=True)


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


def _assumptions(deal: Deal) -> list[Block]:
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
        ["Timing", "year 0 is signature", "other flows at the end of each year"],
        ["Risk adjustment", "stage probabilities",
         "each flow is weighted by the chance that the development stages before it succeed"
         + (" and, for the consent-to-commercialise clause, that the work becomes commercial"
            if deal.consent_clause else "")],
    ]
    return [Keep((Heading("Assumptions", 1),
                  table(["Assumption", "Value", "Source or meaning"], rows, [38, 42, 90])))]


def annex_framework(deal: Deal, v: Valuation, a: Assessment, letter: str) -> list[Block]:
    """The three aims in their own units, each principle checked with its source, and the fair band."""
    aims = framework_words.aim_rows(a.pillars)
    notes = framework_words.aim_notes(deal, a)
    out: list[Block] = [NewPage(), Heading(f"Annex {letter}. How the deal meets the NHS Value Sharing Framework"),
                        Para(f"Assessed against the {a.rules.name}. Patient benefit comes first, then UK economic "
                             "growth, then the NHS's financial return: the framework's order. Each aim is shown in "
                             "its own units, never added into one score.")]
    out += [Para(flag, "Patient-first flag:", "warning") for flag in a.patient_first]
    for aim in framework_words.AIMS:
        out.append(Keep((Heading(aim, 1), table(["Figure", "Value"], [[r.label, r.text] for r in aims[aim]],
                                                [110, 60], numeric=(1,)),
                         Para(notes[aim], style="small"))))
    rows = [[c.title, c.status.label, c.reason, "; ".join(f"{k}: {x}" for k, x in c.figures.items()) or NONE,
             c.source] for c in a.checks]
    out += [Heading("The framework's principles, checked", 1),
            table(["Principle", "Status", "Why", "Key figures", "Source"], rows, [32, 21, 50, 37, 30]),
            Heading("Fair share for the NHS (principle 4) [ours]", 1), Para(framework_words.band_text(a.fair_share, v))]
    fair = a.fair_share
    rows = [[f.side, f.factor.label, str(f.score), f.basis if not f.note else
             f"{f.basis} (your score; default {f.default_score})"] for f in fair.factors]
    out.append(table(["Side", "Factor", "Score", "Basis of the default"], rows, [20, 45, 15, 90], numeric=(2,)))
    out += [Para(f.note, f"{f.factor.label} ({f.side}), your score {f.score} (default {f.default_score}):",
                 "small") for f in fair.factors if f.note]
    if a.closing is not None:
        out.append(Para(framework_words.closing_text(deal, a.closing), "To close the gap:"))
    elif a.closing_note:
        out.append(Para(f"{a.closing_note}.", "No single change closes the gap:"))
    out.append(Para(framework_words.footnote(a), style="small"))
    return out

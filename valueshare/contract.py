"""Each term in contract language, as the term sheet sets it out for both parties to sign.

``wording`` says a term in the app's plain words, with the valuation's assumptions beside it (how likely a
consent-to-commercialise switch is, what an in-kind benefit is worth to the NHS, what a service costs the NHS to
deliver). A term sheet is the offer itself: it states what each party must do, when, how the amounts move with prices
and in which currency, and nothing of either party's own valuation. Each mechanism's ``clause`` (the catalogue,
``valueshare.mechanisms``) words it as a :class:`Clause`; the text is plain, never markup.

>>> from valueshare.model import AccessFee
>>> c = access_fee_clause(AccessFee(amount_gbp=60_000), "the Effective Date")
>>> c.text
'The Partner shall pay the NHS a one-off access fee of £60,000 on the Effective Date.'
>>> c.trigger, c.timing, c.indexation
('signature of the agreement', 'invoiced on the Effective Date', 'fixed in cash')
"""

from __future__ import annotations

from dataclasses import dataclass

from valueshare.format import years
from valueshare.inputs import field_input
from valueshare.model.terms import (
    AccessFee,
    CommercialTerm,
    ConsentToCommercialise,
    Equity,
    Frequency,
    Indexation,
    InKindBenefit,
    Milestone,
    NhsPriceDiscount,
    RevenueShare,
    Royalty,
    SdeCharges,
    ServiceIncome,
    Subscription,
    Term,
    Territory,
)

#: Where a term's years are counted from, in the contract's defined words.
SIGNATURE = "the Effective Date"
SWITCH = "the Commercial Use Date"
#: When a royalty or revenue share is paid, and with what report (the term sheet's reporting section says the rest).
QUARTERLY = "quarterly in arrears, with the royalty report, within 45 days of the end of each calendar quarter"


@dataclass(frozen=True)
class Clause:
    """A term as the contract states it: the obligation, what triggers it, when it is paid and how it moves with
    prices (the currency is the deal's, stated once)."""

    text: str
    trigger: str
    timing: str
    indexation: str


def clause(term: Term | CommercialTerm, origin: str = SIGNATURE) -> Clause:
    """The term in contract language; years count from ``origin``. Each mechanism's ``clause`` words it."""
    from valueshare.mechanisms import of  # the registry holds the functions below: importing it first is circular
    return of(term).clause(term, origin)


def _w(term: object, name: str) -> str:
    """The term's value of ``name``, written as the catalogue of inputs writes that field."""
    return field_input(type(term), name).write(getattr(term, name))  # type: ignore[arg-type]


def _indexation(term: object) -> str:
    indexation = getattr(term, "indexation", None)
    if indexation is None:
        return "not applicable (a rate)"
    return "fixed in cash" if indexation is Indexation.FIXED else "indexed to CPI each year (see Indexation)"


def _year(start: int, origin: str) -> str:
    return origin if start == 0 else f"the {_ordinal(start)} anniversary of {origin}"


def _years(start: int, count: int, origin: str) -> str:
    """When a yearly amount falls due, in the contract's words.

    >>> _years(1, 3, SIGNATURE)
    'on the 1st to the 3rd anniversaries of the Effective Date'
    >>> _years(0, 2, SIGNATURE)
    'on the Effective Date and its 1st anniversary'
    """
    if count == 1:
        return f"on {_year(start, origin)}"
    if start == 0:
        last = "its 1st anniversary" if count == 2 else f"its 1st to {_ordinal(count - 1)} anniversaries"
        return f"on {origin} and {last}"
    return f"on the {_ordinal(start)} to the {_ordinal(start + count - 1)} anniversaries of {origin}"


def _ordinal(n: int) -> str:
    """
    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _sales(territory: Territory, term_years: float | None) -> str:
    where = "Net Sales in the Territory" + (" (worldwide)" if territory is Territory.WORLDWIDE else " (the UK)")
    if term_years is not None:
        return f"{where} for {years(round(term_years, 2))} from Launch"
    return f"{where} for as long as the Product is sold"


def access_fee_clause(term: AccessFee, origin: str) -> Clause:
    if term.frequency is Frequency.ONE_OFF:
        return Clause(f"The Partner shall pay the NHS a one-off access fee of {_w(term, 'amount_gbp')} on "
                      f"{_year(term.start_year, origin)}.",
                      "signature of the agreement" if origin == SIGNATURE else "the Commercial Use Date",
                      f"invoiced on {_year(term.start_year, origin)}", _indexation(term))
    return Clause(f"The Partner shall pay the NHS an access fee of {_w(term, 'amount_gbp')} a year for "
                  f"{years(term.years)}.", "access to the data for the year",
                  f"invoiced yearly, {_years(term.start_year, term.years, origin)}", _indexation(term))


def subscription_clause(term: Subscription, origin: str) -> Clause:
    rise = (f", rising by {_w(term, 'escalation_rate')} each year after the first" if term.escalation_rate else "")
    return Clause(f"The Partner shall pay the NHS a subscription of {_w(term, 'amount_gbp_per_year')} in its first "
                  f"year{rise}, for {years(term.years)}.", "continued access to the data",
                  f"invoiced yearly, {_years(term.start_year, term.years, origin)}", _indexation(term))


def milestone_clause(term: Milestone, origin: str) -> Clause:
    return Clause(f"The Partner shall pay the NHS {_w(term, 'amount_gbp')} on the successful completion of the "
                  f"development stage '{term.stage}'. Nothing is payable if that stage is not completed.",
                  f"completion of '{term.stage}', which the Partner shall notify to the NHS within 30 days",
                  "invoiced on notice of completion", _indexation(term))


def royalty_clause(term: Royalty, origin: str) -> Clause:
    if len(term.tiers) == 1:
        rates = f"{_w(term.tiers[0], 'rate')} of {_sales(term.territory, term.term_years)}"
    else:
        bands = []
        for k, tier in enumerate(term.tiers):
            if k + 1 == len(term.tiers):
                band = f"above {_w(tier, 'from_gbp')}"
            elif k == 0:
                band = f"up to {_w(term.tiers[1], 'from_gbp')}"
            else:
                band = f"from {_w(tier, 'from_gbp')} up to {_w(term.tiers[k + 1], 'from_gbp')}"
            bands.append(f"{_w(tier, 'rate')} of the Net Sales in a year {band}")
        rates = "; ".join(bands) + f"; on {_sales(term.territory, term.term_years)}"
    cap = f" Royalties in total shall not exceed {_w(term, 'cap_gbp')}." if term.cap_gbp is not None else ""
    amounts = [what for what, has in (("thresholds", len(term.tiers) > 1), ("cap", term.cap_gbp is not None)) if has]
    if not amounts:
        index = "not applicable (a rate)"
    elif term.indexation is Indexation.FIXED:
        index = f"the {' and '.join(amounts)} fixed in cash"
    else:
        index = f"the {' and '.join(amounts)} indexed to CPI each year (see Indexation)"
    return Clause(f"The Partner shall pay the NHS a royalty of {rates}.{cap}", "Net Sales of the Product",
                  QUARTERLY, index)


def revenue_share_clause(term: RevenueShare, origin: str) -> Clause:
    return Clause(f"The Partner shall pay the NHS {_w(term, 'rate')} of its revenue from the Product, being "
                  f"{_sales(term.territory, term.term_years)}.", "Net Sales of the Product", QUARTERLY,
                  "not applicable (a rate)")


def equity_clause(term: Equity, origin: str) -> Clause:
    return Clause(f"The Partner shall issue to the NHS shares amounting to {_w(term, 'stake')} of its fully "
                  "diluted share capital, on terms set out in a subscription agreement to be agreed.",
                  "signature of the agreement", "issued on the Effective Date", "not applicable (a share of equity)")


def nhs_price_discount_clause(term: NhsPriceDiscount, origin: str) -> Clause:
    return Clause(f"The Partner shall supply the Product to NHS bodies in the UK at {_w(term, 'price_discount')} "
                  "below its list price in force at the time of each order.", "each order by an NHS body",
                  "applied on each invoice", "the discount is a rate on the list price in force")


def in_kind_benefit_clause(term: InKindBenefit, origin: str) -> Clause:
    count = f"for {years(term.years)}, from {_year(term.start_year, origin)}"
    return Clause(f"The Partner shall provide {term.description} to the NHS at no charge, {count}.",
                  "the agreement's terms", "as the parties' plan of work sets out", "not applicable (in kind)")


def sde_charges_clause(term: SdeCharges, origin: str) -> Clause:
    parts = []
    if term.setup_gbp:
        parts.append(f"a set-up charge of {_w(term, 'setup_gbp')} on {_year(term.start_year, origin)}")
    if term.per_user_per_month_gbp:
        parts.append(f"{_w(term, 'per_user_per_month_gbp')} for each named user per month of access")
    if term.per_project_gbp:
        parts.append(f"{_w(term, 'per_project_gbp')} for each project approved")
    charges = "; ".join(parts) or "no charges"
    span = f", for {years(term.years)} of access" if term.per_user_per_month_gbp or term.per_project_gbp else ""
    return Clause(f"The Partner shall pay the secure data environment's charges: {charges}{span}.",
                  "set-up, each user's month of access and each approved project",
                  "set-up invoiced on the Effective Date; usage invoiced monthly in arrears"
                  if origin == SIGNATURE else "set-up invoiced on the Commercial Use Date; usage monthly in arrears",
                  _indexation(term))


def service_income_clause(term: ServiceIncome, origin: str) -> Clause:
    return Clause(f"The NHS shall deliver {term.description} and the Partner shall pay "
                  f"{_w(term, 'price_per_unit_gbp')} for each of the {term.unit}, for {years(term.years)} from "
                  f"{_year(term.start_year, origin)}.", f"each of the {term.unit}, as recorded by the NHS",
                  "invoiced monthly in arrears", _indexation(term))


def consent_clause(term: ConsentToCommercialise, origin: str) -> Clause:
    return Clause("The data and the results of the work may be used only for non-commercial research. The Partner "
                  "shall not use them, or any model, product or know-how derived from them, for a commercial "
                  "purpose without the NHS's prior written consent. If the NHS consents, the date of its consent is "
                  "the Commercial Use Date, and from it the following terms apply:",
                  "the NHS's written consent to commercial use", "as each term below says",
                  "as each term below says")

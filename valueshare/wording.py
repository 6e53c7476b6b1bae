"""Each term in plain words, with its figures: what the app, the term sheet and the brief all say.

The text here is plain (never markup): whoever prints it escapes it for its medium.
"""

from __future__ import annotations

from valueshare.format import number, years
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


def term_title(term: Term | CommercialTerm) -> str:
    """A short name: the mechanism's label, with what tells two of a kind apart (each mechanism's ``title``)."""
    from valueshare.mechanisms import of  # the registry holds the functions below: importing it first is circular
    return of(term).title(term)


def term_sentence(term: Term | CommercialTerm, *, origin: str = "signature") -> str:
    """One or two sentences that state the term and its figures; years count from ``origin`` (signature, or the
    switch to commercial use inside a consent-to-commercialise clause). Each mechanism's ``sentence`` words it."""
    from valueshare.mechanisms import of
    return of(term).sentence(term, origin)


# ---------------------------------------------------------------------------------------------------------- titles

def label_title(term: Term | CommercialTerm) -> str:
    """The mechanism's label alone: for a mechanism of which a deal rarely holds two."""
    return type(term).label


def access_fee_title(term: AccessFee) -> str:
    return f"{term.label} ({term.frequency.label.lower()})"


def milestone_title(term: Milestone) -> str:
    return f"{term.label}: {term.stage}"


def royalty_title(term: Royalty) -> str:
    return f"{term.label} (tiered)" if len(term.tiers) > 1 else term.label


def in_kind_benefit_title(term: InKindBenefit) -> str:
    return f"{term.label}: {term.description}"


# ------------------------------------------------------------------------------------------------------- sentences
# Every value a term holds is written by the catalogue of inputs (valueshare.inputs), as the app, the Excel model
# and the docs write it: a rate 2% or 16.73%, money exactly (£60,000), a per-year amount '£60,000 a year'.


def _w(term: object, field: str) -> str:
    """The term's value of ``field``, written as the catalogue of inputs writes that field."""
    return field_input(type(term), field).write(getattr(term, field))  # type: ignore[arg-type]

def indexation_sentence(term: object, what: str = "The amount is") -> str:
    """How the term's amounts move with prices, as a sentence (empty for a term that holds no amount).

    >>> indexation_sentence(AccessFee(amount_gbp=1_000))
    ' The amount is fixed in cash.'
    """
    indexation = getattr(term, "indexation", None)
    if indexation is None:
        return ""
    how = "fixed in cash" if indexation is Indexation.FIXED else "indexed to CPI"
    return f" {what} {how}."


def _year_span(start: int, count: int, origin: str) -> str:
    if count == 1:
        return f"in year {start} after {origin}"
    return f"in years {start} to {start + count - 1} after {origin}"


def _when(start: int, origin: str) -> str:
    return f"at {origin}" if start == 0 else f"in year {start} after {origin}"


def _sales_basis(territory: Territory, term_years: float | None) -> str:
    basis = "net sales worldwide" if territory is Territory.WORLDWIDE else "net sales in the UK"
    if term_years is not None:
        basis += f" for {years(round(term_years, 2))} after launch"
    else:
        basis += " until sales end"
    return basis


#: How years are counted inside a consent-to-commercialise clause.
SWITCH = "the switch"


def clause_intro(clause: ConsentToCommercialise) -> str:
    """The sentence that opens a consent-to-commercialise clause, before its own terms."""
    return (f"If the work becomes commercial (assumed {_w(clause, 'probability')} likely, in year "
            f"{number(clause.year)} after signature), these terms apply from that switch:")


def access_fee_sentence(term: AccessFee, origin: str) -> str:
    if term.frequency is Frequency.ONE_OFF:
        return (f"The partner pays a one-off access fee of {_w(term, 'amount_gbp')} {_when(term.start_year, origin)}."
                + indexation_sentence(term))
    return (f"The partner pays an access fee of {_w(term, 'amount_gbp')} a year, "
            f"{_year_span(term.start_year, term.years, origin)}." + indexation_sentence(term))


def subscription_sentence(term: Subscription, origin: str) -> str:
    rise = f", rising by {_w(term, 'escalation_rate')} a year" if term.escalation_rate else ""
    return (f"The partner pays a subscription of {_w(term, 'amount_gbp_per_year')}{rise}, "
            f"{_year_span(term.start_year, term.years, origin)}." + indexation_sentence(term))


def milestone_sentence(term: Milestone, origin: str) -> str:
    return (f"The partner pays {_w(term, 'amount_gbp')} when the stage '{term.stage}' succeeds. "
            f"Nothing is due if the stage fails." + indexation_sentence(term))


def royalty_sentence(term: Royalty, origin: str) -> str:
    if len(term.tiers) == 1:
        rates = f"{_w(term.tiers[0], 'rate')} of {_sales_basis(term.territory, term.term_years)}"
    else:
        bands = []
        for k, tier in enumerate(term.tiers):
            if k + 1 < len(term.tiers):
                band = f"{_w(tier, 'from_gbp')} to {_w(term.tiers[k + 1], 'from_gbp')}"
            else:
                band = f"above {_w(tier, 'from_gbp')}"
            bands.append(f"{_w(tier, 'rate')} on yearly sales {band}")
        rates = "; ".join(bands) + f", on {_sales_basis(term.territory, term.term_years)}"
    cap = f" Total royalties are capped at {_w(term, 'cap_gbp')}." if term.cap_gbp is not None else ""
    amounts = {(True, True): "The cap and the tiers' thresholds are", (True, False): "The cap is",
               (False, True): "The tiers' thresholds are"}.get((term.cap_gbp is not None, len(term.tiers) > 1))
    index = indexation_sentence(term, amounts) if amounts else ""
    return f"The partner pays a royalty of {rates}.{cap}{index}"


def revenue_share_sentence(term: RevenueShare, origin: str) -> str:
    return (f"The partner pays the NHS {_w(term, 'rate')} of its revenue from the product, on "
            f"{_sales_basis(term.territory, term.term_years)}.")


def equity_sentence(term: Equity, origin: str) -> str:
    alive = " if the programme is still alive then" if term.exit_requires_launch else ""
    rate = (f" Both parties value the stake at {_w(term, 'equity_discount_rate')} a year."
            if term.equity_discount_rate is not None else " Each party values the stake at its own discount rate.")
    return (f"The NHS holds {_w(term, 'stake')} of the partner's equity. Valued at an exit worth "
            f"{_w(term, 'exit_value_gbp')} in year {term.exit_year}, with a {_w(term, 'exit_probability')} "
            f"chance of that exit{alive}." + indexation_sentence(term, "The exit value is") + rate)


def nhs_price_discount_sentence(term: NhsPriceDiscount, origin: str) -> str:
    return f"The NHS buys the product at {_w(term, 'price_discount')} off the list price."


def in_kind_benefit_sentence(term: InKindBenefit, origin: str) -> str:
    cost = ""
    if term.partner_cost_gbp_per_year is not None:
        cost = f" (costing the partner {_w(term, 'partner_cost_gbp_per_year')})"
    return (f"The partner provides {term.description}, worth {_w(term, 'value_gbp_per_year')} to "
            f"the NHS{cost}, {_year_span(term.start_year, term.years, origin)}."
            + indexation_sentence(term, "Its value is"))


def sde_charges_sentence(term: SdeCharges, origin: str) -> str:
    parts = []
    if term.per_user_per_month_gbp:
        parts.append(f"{_w(term, 'per_user_per_month_gbp')} per user per month for {number(term.users)} "
                     f"user{'s' if term.users != 1 else ''}")
    if term.per_project_gbp:
        parts.append(f"{_w(term, 'per_project_gbp')} per project for {number(term.projects_per_year)} "
                     f"project{'s' if term.projects_per_year != 1 else ''} a year")
    setup = f"a set-up charge of {_w(term, 'setup_gbp')} {_when(term.start_year, origin)}" if term.setup_gbp else ""
    usage = (" and ".join(parts) + f", {_year_span(term.start_year + 1, term.years, origin)}") if parts else ""
    charges = "; then ".join(x for x in (setup, usage) if x) or "no charges"
    return (f"The partner pays the secure data environment's charges: {charges}." + indexation_sentence(
        term, "The charges are"))


def service_income_sentence(term: ServiceIncome, origin: str) -> str:
    return (f"The NHS delivers {term.description}: {number(term.units_per_year)} {term.unit} a year "
            f"{_year_span(term.start_year, term.years, origin)}, for which the partner pays "
            f"{_w(term, 'price_per_unit_gbp')} each (the NHS's cost of delivering one: "
            f"{_w(term, 'nhs_cost_per_unit_gbp')})." + indexation_sentence(term, "The price and cost are"))


def service_income_title(term: ServiceIncome) -> str:
    return f"{term.label}: {term.description}"


def consent_sentence(term: ConsentToCommercialise, origin: str) -> str:
    inner = " ".join(term_sentence(t, origin=SWITCH) for t in term.terms)
    return f"{clause_intro(term)} {inner}"

"""Earlier deals of an organisation, from the deal register, as comparables for the market approach.

An earlier deal says what a partner paid for access to comparable data: its access fees and subscriptions over its
years of access, per year (value-sharing terms such as royalties are left out: they pay for the product, not the
access), for the data of its largest asset. Each becomes a comparable tagged [user], dated the day the version was
saved and sourced to the register, so it is scaled to this deal like any other: a commercial licence when the
earlier deal's use was commercial (what a company paid for access for commercial use), a cost-recovery tariff
when it was not.
"""

from __future__ import annotations

import datetime

from valueshare.contribution.approaches import is_commercial
from valueshare.model import AccessFee, Comparable, ConsentToCommercialise, Deal, Frequency, PriceUnit, Subscription
from valueshare.model.contribution_value import ComparableKind
from valueshare.register import service
from valueshare.register.access import LOCAL, Actor
from valueshare.register.repository import Repository


def access_charges(deal: Deal) -> float:
    """Everything the deal's access fees and subscriptions charge, not discounted, over their years (payments past
    the horizon included: a licence price is what was agreed, not its present value).

    >>> from valueshare.scenario import example_paths, load_deal
    >>> access_charges(load_deal(example_paths()[1]))   # £60,000 once + £25,000 a year for 3 years
    135000.0
    """
    total = 0.0
    for term in deal.terms:
        if isinstance(term, AccessFee):
            total += term.amount_gbp * (1 if term.frequency is Frequency.ONE_OFF else term.years)
        elif isinstance(term, Subscription):
            total += sum(term.amount_gbp_per_year * (1 + term.escalation_rate) ** k for k in range(term.years))
        elif isinstance(term, ConsentToCommercialise):
            continue  # paid only if the work turns commercial: not a price of access
    return float(total)


def comparable_from_deal(deal: Deal, *, saved: datetime.date, source: str) -> Comparable | None:
    """The deal as a comparable: its access charges per year of access, for its largest asset's data; None when it
    charged nothing for access or lists no data asset."""
    assets = deal.contribution.data_assets
    charges = access_charges(deal)
    if not assets or charges <= 0:
        return None
    asset = max(assets, key=lambda a: a.patients)
    years = deal.contribution.access_costs.years
    return Comparable(
        name=f"Earlier deal: {deal.name}"[:200], source=source[:400], published=saved,
        price_gbp=charges / years, unit=PriceUnit.PER_YEAR, records=asset.patients, history_years=asset.history_years,
        data_type=asset.data_type, exclusive=deal.exclusive_raw_data_access, tag="user",
        kind=ComparableKind.COMMERCIAL_LICENCE if is_commercial(deal) else ComparableKind.TARIFF,
        notes=f"Access fees and subscriptions of {deal.partner.name}'s deal ({deal.use.label.lower()}), per year "
              f"over {years} year(s) of access; royalties and other value-sharing terms not counted."[:600])


def comparables_from_register(repo: Repository, *, organisation: str, exclude: str | None = None,
                              actor: Actor = LOCAL) -> list[Comparable]:
    """The latest version of every deal in the register whose NHS side is ``organisation`` (archived deals left
    out), other than the deal ``exclude`` (its register key or name), as comparables; only the deals ``actor`` may
    read whole (another organisation's deals never become its comparables)."""
    exclude_key = service.key_for(exclude) if exclude else None
    out = []
    for info in service.find(repo, actor=actor):
        if info.latest.nhs_name != organisation or info.key == exclude_key:
            continue
        opened = service.open_version(repo, info.key, actor=actor)
        c = comparable_from_deal(opened.deal, saved=info.latest.saved_at.date(),
                                 source=f"valueshare register: '{info.name}', version {info.latest.number}, saved by "
                                        f"{info.latest.author} on {info.latest.when()}")
        if c is not None:
            out.append(c)
    return out

"""Reservation points and the zone of possible agreement.

One scale for both sides, the framework's own (principle 4): the *value to the NHS* of an offer is the present value,
at the partner's rate, of everything the partner gives the NHS (fees, milestones, royalties, discounts, in-kind,
equity); as a share, that value over the partner's value before any payment to the NHS (V). The partner's NPV is
V less that value, so the partner walks away when the value to the NHS passes V (or, with a minimum IRR, V at that
rate: what it could pay at signature and still earn it).

Defaults [ours, reading the framework's "cost recovery plus a value share" (principle 3) and principle 4]: the
NHS needs its costs of access back (principle 2) *and* a value share beyond them at the fair band's low end, so its
walk-away is their sum: costs + band low × V. Its target is the ask on the contribution value's anchor (by default
costs + the band's centre × V), never below the walk-away.
"""

from __future__ import annotations

from dataclasses import dataclass

from valueshare import inputs
from valueshare.contribution import ContributionValue
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import NoAnswer, ValueshareError
from valueshare.format import money, percent
from valueshare.framework.fairshare import FairShare, fair_share
from valueshare.model import Deal, Use
from valueshare.sensitivity import default_drivers
from valueshare.solver import deal_with, solve_deal


@dataclass(frozen=True)
class Position:
    """A point on the value-to-the-NHS scale: £ (present value at the partner's rate) and share of V."""

    name: str
    value: float
    share: float | None
    basis: str        # how it was set
    applies: bool = True   # False for the partner's walk-away in a non-commercial deal


@dataclass(frozen=True)
class Opener:
    """An assumption that, changed on its own, would open a zone: the input, its value now and the value needed."""

    path: str
    label: str
    current: float
    needed: float


@dataclass(frozen=True)
class Zone:
    partner_value: float             # V: the partner's value before any payment to the NHS, at its rate
    offer: Position                  # the deal as drafted
    nhs_walk_away: Position
    nhs_target: Position
    partner_walk_away: Position      # the most the partner can give
    exists: bool
    verdict: str                     # one plain sentence on where things stand
    openers: list[Opener]            # when there is no zone: single changes that would open one

    @property
    def low(self) -> float | None:
        return self.nhs_walk_away.value if self.exists else None

    @property
    def high(self) -> float | None:
        return self.partner_walk_away.value if self.exists else None

    @property
    def offer_inside(self) -> bool:
        """Whether both sides could sign the deal as drafted: there is a zone and the offer lies in it, worth at
        least the NHS's walk-away to the NHS and at most the partner's walk-away (never for a non-commercial use,
        which has no zone)."""
        return self.exists and self.nhs_walk_away.value <= self.offer.value <= self.partner_walk_away.value


def _share(value: float, v: float) -> float | None:
    return value / v if v > 0 else None


def _walk_away(deal: Deal, v: float, fair: FairShare, costs: float) -> Position:
    n = deal.negotiation
    if n.nhs_walk_away_gbp is not None:
        return Position("NHS walk-away", n.nhs_walk_away_gbp, _share(n.nhs_walk_away_gbp, v), "set for this deal")
    if n.nhs_walk_away_share is not None:
        value = n.nhs_walk_away_share * max(v, 0.0)
        return Position("NHS walk-away", value, n.nhs_walk_away_share if v > 0 else None,
                        f"set for this deal as {percent(n.nhs_walk_away_share)} of the partner's value")
    band = fair.low * v if v > 0 else 0.0
    value = costs + band
    basis = (f"full cost recovery ({money(costs)}) plus the fair band's low end of value share "
             f"({percent(fair.low)} of the partner's value, {money(band)})" if v > 0 else
             f"full cost recovery ({money(costs)}): the partner's value is not positive, so there is no share of it "
             f"to add")
    return Position("NHS walk-away", value, _share(value, v), basis)


def _target(deal: Deal, v: float, walk_away: Position, worth: ContributionValue) -> Position:
    n = deal.negotiation
    if n.nhs_target_gbp is not None:
        return Position("NHS target", n.nhs_target_gbp, _share(n.nhs_target_gbp, v), "set for this deal")
    if n.nhs_target_share is not None:
        value = n.nhs_target_share * max(v, 0.0)
        return Position("NHS target", value, n.nhs_target_share if v > 0 else None,
                        f"set for this deal as {percent(n.nhs_target_share)} of the partner's value")
    ask = worth.ask
    if ask is None or ask < walk_away.value:
        why = f"no ask on the {worth.anchor.label.lower()} anchor" if ask is None else \
            f"the ask on the {worth.anchor.label.lower()} anchor ({money(ask)}) is below the walk-away"
        return Position("NHS target", walk_away.value, walk_away.share, f"{why}: the walk-away")
    return Position("NHS target", ask, _share(ask, v), f"the NHS's ask, anchored on {worth.anchor.label.lower()}")


def partner_limit(deal: Deal, v: Valuation) -> Position:
    """The most the partner can give the NHS: V at its hurdle rate, or V at its minimum IRR."""
    judged = deal.negotiation.partner_walk_away_gbp
    if judged is not None:
        return Position("Partner walk-away", judged, _share(judged, v.partner_value_before_payments),
                        "set for this deal, as the NHS judges it")
    r = deal.negotiation.partner_min_irr
    if r is None or r == deal.assumptions.partner_discount_rate:
        return Position("Partner walk-away", v.partner_value_before_payments, 1.0 if v.partner_value_before_payments > 0
                        else None, f"its NPV at its {percent(deal.assumptions.partner_discount_rate)} discount rate "
                                   f"falls to zero")
    limit = value_deal(deal_with(deal, "assumptions.partner_discount_rate", r)).partner_value_before_payments
    return Position("Partner walk-away", limit, _share(limit, v.partner_value_before_payments),
                    f"its IRR falls to its minimum of {percent(r)} (paid at signature)")


def zone(deal: Deal, valuation: Valuation, worth: ContributionValue, *, fair: FairShare | None = None,
         openers: bool = True) -> Zone:
    """Both sides' reservation points, the NHS's target and the deal's own offer on one scale, and the zone."""
    v = valuation.partner_value_before_payments
    fair = fair or fair_share(deal, valuation)
    walk = _walk_away(deal, v, fair, valuation.nhs_access_costs)
    target = _target(deal, v, walk, worth)
    limit = partner_limit(deal, valuation)
    offer = Position("This offer", valuation.payments_to_nhs_partner_pv, valuation.nhs_share,
                     "the deal as drafted")
    if deal.use is Use.NON_COMMERCIAL_RESEARCH:
        # No commercial partner to walk away on its NPV: the NHS charges its costs and shares in value through the
        # consent-to-commercialise clause if the work turns commercial.
        limit = Position("Partner walk-away", limit.value, None, "not applicable: a non-commercial use", False)
        return Zone(v, offer, walk, target, limit, False, NON_COMMERCIAL, [])
    if deal.route_to_market is None and deal.negotiation.partner_walk_away_gbp is None and v <= 0:
        limit = Position("Partner walk-away", limit.value, None, "not modelled: there is no product to value", False)
        return Zone(v, offer, walk, target, limit, False, no_product_verdict(walk), [])
    exists = walk.value <= limit.value and limit.value > 0
    return Zone(v, offer, walk, target, limit, exists, _verdict(offer, walk, target, limit, exists),
                [] if exists or not openers else _openers(deal, walk.value))


NON_COMMERCIAL = ("Non-commercial use: there is no commercial zone to negotiate. The NHS charges at least its costs "
                  "of access (principle 2) and shares in value through the consent-to-commercialise clause if the work "
                  "turns commercial.")


def no_product_verdict(walk: Position) -> str:
    """What a partnership without a product says of its zone: the partner's side of it is not modelled [ours]."""
    return (f"There is no product, so the partner's value, and the most it would give, is not modelled: the zone of "
            f"agreement cannot be drawn. The NHS's walk-away is {money(walk.value)} ({walk.basis}). Enter the "
            f"partner's walk-away as the NHS judges it (negotiation inputs) to see the zone.")


def _verdict(offer: Position, walk: Position, target: Position, limit: Position, exists: bool) -> str:
    if not exists:
        return (f"There is no zone of agreement: the partner can give the NHS at most {money(limit.value)}, but the "
                f"NHS will not accept less than {money(walk.value)}.")
    where = ("below the NHS's walk-away: the NHS should not accept it" if offer.value < walk.value else
             "beyond the partner's walk-away: the partner would lose money" if offer.value > limit.value else
             "inside the zone")
    aim = "" if target.value <= limit.value else (f" The NHS's target ({money(target.value)}) is beyond what the "
                                                  f"partner can bear.")
    return (f"The zone of agreement runs from {money(walk.value)} (the NHS's walk-away) to {money(limit.value)} (the "
            f"partner's). This offer gives the NHS {money(offer.value)}: {where}.{aim}")


def _gap(walk_away_set: bool, fixed_walk_away: float):
    """The room between the partner's limit and the NHS's walk-away in a changed deal."""
    def measure(deal: Deal, v: Valuation) -> float:
        if walk_away_set:
            walk = fixed_walk_away
        else:
            walk = _walk_away(deal, v.partner_value_before_payments, fair_share(deal, v), v.nhs_access_costs).value
        return partner_limit(deal, v).value - walk
    return measure


def _openers(deal: Deal, walk_away: float, most: int = 4) -> list[Opener]:
    """Single inputs whose change would make the partner's limit reach the NHS's walk-away: each default driver of
    the tornado, and the NHS's costs of access; the smallest relative changes first."""
    n = deal.negotiation
    measure = _gap(n.nhs_walk_away_gbp is not None or n.nhs_walk_away_share is not None, walk_away)
    paths = [d.path for d in default_drivers(deal)]
    paths += ["contribution.access_costs.preparation_gbp", "contribution.access_costs.yearly_gbp"]
    found = []
    for path in dict.fromkeys(paths):
        try:
            s = solve_deal(deal, path, measure, 0.0, tolerance=1e-6, max_iterations=60)
        except (NoAnswer, ValueshareError):
            continue
        if s.current or s.value:
            found.append(Opener(path, inputs.label(path, deal), s.current, s.value))
    found.sort(key=lambda o: abs(o.needed - o.current) / max(abs(o.current), 1e-9))
    return found[:most]

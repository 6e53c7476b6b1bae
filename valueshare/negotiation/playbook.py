"""The negotiation playbook: one ask, the opening, the walk-away and what moves it, a priced concessions ladder,
the red lines, the partner's likely objections with their answers, the fallback and the sign-off.

Pure logic over a :class:`~valueshare.negotiation.Negotiation`: every £ figure is read from a full valuation of a
complete deal (``value_deal``), never estimated. The rules are in docs/brief.md; those marked [ours] are this
tool's, since the Value Sharing Framework (NHS England, 2023) sets no opening, ladder or approval thresholds.

One scale, the framework's (principle 4): the *value to the NHS* of a deal is the present value, at the partner's
rate, of everything the partner gives the NHS, risk-adjusted by stage (section 12 of docs/method.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from valueshare import inputs
from valueshare.contribution import value_contribution
from valueshare.engine.finance import Irr
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import NoAnswer, ValueshareError
from valueshare.format import money, percent
from valueshare.model import AccessFee, Deal, Milestone, Royalty, Subscription, Use
from valueshare.negotiation import Negotiation
from valueshare.negotiation.equivalents import (
    COST_RECOVERY,
    MILESTONES,
    ROYALTY,
    SUBSCRIPTION,
    UPFRONT,
    available,
    contingent_share,
    structured,
)
from valueshare.negotiation.redlines import RedLine, SignOff, fallback, red_lines, sign_off
from valueshare.negotiation.zone import Position, zone
from valueshare.solver import deal_with

#: The opening's structure [ours]: the shares of the value beyond the fees paid upfront, by subscription and by the
#: contingent instrument (milestones, else a royalty): the equivalent offers' default mix.
OPENING_MIX = (0.3, 0.2, 0.5)
#: The ladder [ours]: two trades at the opening's value that move the upfront into payments made only if the
#: product succeeds (the deferral the framework suggests for a partner short of cash, principle 1), then two
#: concessions, to the ask and to the walk-away, taken from the subscription first and from the contingent
#: payments only when the subscription is gone.
LADDER = (("Trade: half the upfront into {c}, at the same value to the NHS", "opening"),
          ("Trade: the rest of the upfront into {c}, at the same value to the NHS", "opening"),
          ("Concede to the ask: from the subscription first, then {c}", "ask"),
          ("Concede to the walk-away: the last step", "walk_away"))
#: The opening is never more than this fraction of the way from the ask to the partner's walk-away [ours]: the
#: partner must see room to agree.
OPENING_CAP = 0.5
#: How far the NHS's costs of access are moved to show what moves its walk-away [ours].
COST_SWING = 0.2


@dataclass(frozen=True)
class Structure:
    """What a rung adds beyond the cost-recovery fees: an upfront fee (£ at signature), a subscription (£ a year,
    for ``subscription_years``), a milestone on each of ``stages`` stages (£ each) and a royalty (a rate)."""

    upfront: float = 0.0
    subscription: float = 0.0
    subscription_years: int = 0
    milestone: float = 0.0
    stages: int = 0
    royalty: float = 0.0

    def parts(self) -> dict[str, tuple[float, str, str]]:
        """Each instrument: (its size, its name, its size in words)."""
        each = f" on each of {self.stages} stages" if self.stages > 1 else ""
        return {UPFRONT: (self.upfront, "upfront fee", money(self.upfront)),
                SUBSCRIPTION: (self.subscription, "yearly subscription",
                               f"{money(self.subscription)} a year for {self.subscription_years} years"),
                MILESTONES: (self.milestone, "milestone payments" if self.stages > 1 else "milestone payment",
                             f"{money(self.milestone)}{each}"),
                ROYALTY: (self.royalty, "royalty on sales", f"{percent(self.royalty, 2)} of worldwide net sales")}

    def text(self) -> str:
        said = [f"{name} {words}" for size, name, words in self.parts().values() if size > 0.5e-4]
        return ", ".join(said) if said else "no terms beyond the fees"


@dataclass(frozen=True)
class Rung:
    """A complete deal on the ladder, valued in full."""

    deal: Deal
    valuation: Valuation
    structure: Structure

    @property
    def value(self) -> float:
        return self.valuation.payments_to_nhs_partner_pv

    @property
    def share(self) -> float | None:
        return self.valuation.nhs_share

    @property
    def early_payments(self) -> float:
        """What the partner pays the NHS in years 0 to 2, expected (as the equivalent offers measure it)."""
        return -sum(float(line.yearly[:3].sum()) for line in self.valuation.partner_lines
                    if line.key.startswith("terms["))


@dataclass(frozen=True)
class Ask:
    value: float
    share: float | None
    basis: str
    relation: str    # how the contribution's value and its own "ask" relate to this one


@dataclass(frozen=True)
class Opening:
    value: float
    share: float | None
    rung: Rung | None     # None when the opening is the deal as drafted (no ladder applies)
    why: str
    basis: str = ""       # how it was set, in a few words


@dataclass(frozen=True)
class Mover:
    """An input that moves the NHS's walk-away: the walk-away with it at its low and its high value."""

    label: str
    low_text: str
    high_text: str
    walk_low: float
    walk_high: float


@dataclass(frozen=True)
class WalkAway:
    value: float
    share: float | None
    basis: str
    movers: list[Mover]
    note: str


@dataclass(frozen=True)
class Step:
    number: int
    move: str
    gives: str
    gets: str
    rung: Rung
    change: float        # the value to the NHS after the step less before it


@dataclass(frozen=True)
class Objection:
    objection: str
    answer: str


@dataclass(frozen=True)
class Playbook:
    commercial: bool            # a commercial use with a partner's value to share (positive) and a zone
    why_not: str                # what does not apply, and why, when not
    ask: Ask
    opening: Opening
    walk_away: WalkAway
    partner_walk_away: str      # the partner's walk-away in words (worded honestly above 100% of its value)
    steps: list[Step]
    ladder_note: str
    red_lines: list[RedLine]
    objections: list[Objection]
    fallback: list[str]
    sign_off: SignOff


# ---------------------------------------------------------------------------------------------------------------
# figures


def contingent_instrument(deal: Deal) -> str | None:
    """The instrument paid only if the product succeeds that the ladder trades towards: milestones on the deal's
    stages, else a royalty on its sales, else none."""
    free = available(deal)
    return MILESTONES if not free[MILESTONES] else ROYALTY if not free[ROYALTY] else None


def _weights(parts: tuple[float, float, float], contingent: str | None) -> dict[str, float]:
    up, sub, cont = parts
    if contingent is None:  # no stages and no sales: what would be contingent goes to the subscription
        return {UPFRONT: up, SUBSCRIPTION: sub + cont}
    return {UPFRONT: up, SUBSCRIPTION: sub, contingent: cont}


def structure_of(original: Deal, deal: Deal) -> Structure:
    """The instruments ``deal`` adds to ``original``'s cost-recovery fees (``structured`` puts them after)."""
    added = deal.terms[sum(1 for t in original.terms if t.kind in COST_RECOVERY):]
    up = sub = ms = roy = 0.0
    years = stages = 0
    for t in added:
        if isinstance(t, AccessFee):
            up += t.amount_gbp
        elif isinstance(t, Subscription):
            sub, years = t.amount_gbp_per_year, t.years
        elif isinstance(t, Milestone):
            ms, stages = t.amount_gbp, stages + 1
        elif isinstance(t, Royalty):
            roy = t.tiers[0].rate
    return Structure(up, sub, years, ms, stages, roy)


def rung(deal: Deal, target: float, parts: tuple[float, float, float]) -> Rung:
    """The deal's fees plus an upfront fee, a subscription and the contingent instrument, each sized to its part
    of the value beyond the fees (``parts``, in any unit: only their proportions count), to give the NHS
    ``target``; valued in full."""
    made = structured(deal, target, _weights(parts, contingent_instrument(deal)))
    return Rung(made, value_deal(made), structure_of(deal, made))


def ladder_parts(opening: float, fees: float, targets: dict[str, float]) -> list[tuple[float, float, float]]:
    """The value beyond the fees that each rung puts in the upfront, the subscription and the contingent
    instrument (present values at the partner's rate): the opening, then each step of ``LADDER``.

    >>> ladder_parts(1000, 100, {"opening": 1000, "ask": 800, "walk_away": 500})
    [(270.0, 180.0, 450.0), (135.0, 180.0, 585.0), (0.0, 180.0, 720.0), (0.0, 0.0, 700.0), (0.0, 0.0, 400.0)]
    """
    extra = opening - fees
    up, sub, cont = (w * extra for w in OPENING_MIX)
    out = [(up, sub, cont), (up / 2, sub, cont + up / 2), (0.0, sub, cont + up)]
    held = cont + up
    for _, at in LADDER[2:]:
        room = float(max(targets[at] - fees, 0.0))
        kept = min(held, room)
        out.append((0.0, room - kept, kept))
    return out


def opening_value(n: Negotiation) -> tuple[float, str, str]:
    """The opening's value to the NHS and why [ours]: cost recovery plus the fair band's high end of the partner's
    value (the most the NHS's contribution supports on the framework's measure, principle 4), at least the ask,
    and never more than halfway from the ask to the partner's walk-away."""
    z, fair = n.zone, n.assessment.fair_share
    ask, limit, v = z.nhs_target.value, z.partner_walk_away.value, z.partner_value
    top = n.valuation.nhs_access_costs + fair.high * v
    cap = ask + OPENING_CAP * (limit - ask)
    if top <= ask:
        return ask, "the ask: the fair band's top is not above it", (
            f"the top of the fair band ({money(top)}) is not above the ask, so the NHS opens at the ask and holds it")
    if top > cap:
        return cap, "halfway from the ask to the partner's walk-away", (
            f"the top of the fair band ({money(top)}) is more than halfway from the ask to the partner's walk-away, "
            f"so the opening is halfway ({money(cap)}): the partner must see room to agree")
    return top, f"full cost recovery plus the fair band's high end ({percent(fair.high)})", (
        f"full cost recovery ({money(n.valuation.nhs_access_costs)}) plus the fair band's high end of value share "
        f"({percent(fair.high)} of the partner's value): the most the NHS's contribution supports on the "
        f"framework's measure, leaving room to concede to the ask")


def _walk_at(deal: Deal, path: str, x: float) -> float:
    changed = deal_with(deal, path, x)
    v = value_deal(changed)
    return zone(changed, v, value_contribution(changed, v), openers=False).nhs_walk_away.value


def movers(n: Negotiation, most: int = 4) -> list[Mover]:
    """What moves the NHS's default walk-away (costs of access plus the fair band's low end × the partner's
    value): its costs of access 20% either way [ours], and each of the main sensitivities at its low and high
    value; the widest swing first. Each walk-away is a full revaluation of the changed deal."""
    deal = n.deal
    options: list[tuple[str, float, float]] = []
    costs = deal.contribution.access_costs
    for path, now in (("contribution.access_costs.preparation_gbp", costs.preparation_gbp),
                      ("contribution.access_costs.yearly_gbp", costs.yearly_gbp)):
        if now > 0:
            options.append((path, now * (1 - COST_SWING), now * (1 + COST_SWING)))
    options += [(b.driver.path, b.driver.low, b.driver.high) for b in n.tornado]
    found = []
    for path, low, high in dict.fromkeys(options):
        try:
            walk_low, walk_high = _walk_at(deal, path, low), _walk_at(deal, path, high)
        except ValueshareError:
            continue
        if abs(walk_high - walk_low) >= 1.0:
            found.append(Mover(inputs.label(path, deal), inputs.write(path, low), inputs.write(path, high),
                               walk_low, walk_high))
    found.sort(key=lambda m: -abs(m.walk_high - m.walk_low))
    return found[:most]


def irr_text(irr: Irr) -> str:
    """'an IRR of 18.8%', or why there is none."""
    if irr.value is None:
        return f"no IRR ({irr.reason})" if irr.reason else "no IRR"
    return f"an IRR of {percent(irr.value)}"


def partner_walk_away_text(deal: Deal, z_partner: Position, v: float) -> str:
    """The partner's walk-away in words; above 100% of its value it says why, since 'more than all of its value'
    reads as nonsense [ours]: a minimum IRR below its discount rate, or a walk-away the NHS judges above the value
    the model gives the product."""
    p = z_partner
    if not p.applies:
        return f"Partner walk-away: {p.basis}."
    if p.share is None or p.share <= 1.0:
        share = f", {percent(p.share)} of its value" if p.share is not None else ""
        return f"Partner walk-away: {money(p.value)}{share} ({p.basis})."
    if deal.negotiation.partner_walk_away_gbp is not None:
        why = ("the NHS judges the partner would give more than the model values the whole product at "
               f"({money(v)} at its rate): check the partner's projections, which the model may understate")
    else:
        r = deal.negotiation.partner_min_irr
        why = (f"its minimum IRR ({percent(r)}) is below its discount rate "
               f"({percent(deal.assumptions.partner_discount_rate)}), so it would accept a deal that loses money at "
               f"its own rate; paid at signature, {money(p.value)} leaves it exactly that IRR")
    return (f"Partner walk-away: {money(p.value)}, more than its whole value before payments at its own rate "
            f"({money(v)}; {percent(p.share)}) because {why}.")


def the_ask(n: Negotiation) -> Ask:
    """The one ask: the NHS's target on the zone, and how the contribution's own figures relate to it."""
    z, cv = n.zone, n.worth
    target = z.nhs_target
    rec = cv.reconciled
    shares = target.share is not None and n.deal.use is not Use.NON_COMMERCIAL_RESEARCH
    adds = ("the ask adds the value share beyond cost recovery that the framework expects of a commercial use "
            "(principle 3)" if shares else "with no partner's value to share here, the ask is the NHS's floor")
    worth = (f"The NHS's contribution is worth {money(rec.value)} on the cost, market and income approaches "
             f"reconciled: what the data and expertise are worth, not what the NHS asks; {adds}."
             if rec.value is not None else "")
    if cv.ask is None or abs(cv.ask - target.value) < 0.5:
        same = "The contribution section's ask is this same figure. " if cv.ask is not None else ""
    else:
        same = (f"The contribution section's figure on its {cv.anchor.label.lower()} anchor ({money(cv.ask)}) is "
                f"not the ask: {target.basis}. ")
    return Ask(target.value, target.share, target.basis, (same + worth).strip())


def _change_text(before: Structure, after: Structure) -> tuple[str, str]:
    """(what the NHS gives, what it gets) going from one structure to the next: the instruments that fall and
    those that rise."""
    gives, gets = [], []
    b, a = before.parts(), after.parts()
    for key in b:
        (was, name, was_text), (now, _, now_text) = b[key], a[key]
        tolerance = 0.5e-4 if key == ROYALTY else 0.5
        if now < was - tolerance:
            gives.append(f"{name} {was_text} → {now_text}" if now > tolerance else f"{name} {was_text} (dropped)")
        elif now > was + tolerance:
            gets.append(f"{name} {was_text} → {now_text}" if was > tolerance else f"{name} {now_text}")
    return ("; ".join(gives) or "nothing", "; ".join(gets) or "no priced term: concede it only for agreement")


def ladder(n: Negotiation, opening: float) -> tuple[Rung | None, list[Step], str]:
    """The opening structure and the steps from it to the walk-away, each a complete deal valued in full; or why
    there is no ladder."""
    deal, z = n.deal, n.zone
    targets = {"opening": opening, "ask": z.nhs_target.value, "walk_away": z.nhs_walk_away.value}
    contingent = contingent_instrument(deal)
    named = {MILESTONES: "milestones", ROYALTY: "a royalty on sales", None: "the subscription"}[contingent]
    try:
        fees = rung(deal, 0.0, (0.0, 0.0, 1.0)).value   # the cost-recovery fees alone
        parts = ladder_parts(opening, fees, targets)
        first = rung(deal, opening, parts[0])
        steps: list[Step] = []
        before = first
        for (move, at), part in zip(LADDER, parts[1:], strict=True):
            if sum(part) <= 0:  # the fees alone give this rung's value: nothing to concede from
                continue
            after = rung(deal, targets[at], part)
            if after.structure == before.structure:
                continue
            gives, gets = _change_text(before.structure, after.structure)
            steps.append(Step(len(steps) + 1, move.format(c=named), gives, gets, after, after.value - before.value))
            before = after
    except (NoAnswer, ValueshareError) as error:
        return None, [], f"The engine cannot build the ladder for this deal: {error}."
    note = ("Each step is a complete deal valued by the engine: the cost-recovery fees as drafted plus the "
            "instruments shown. The trades keep the value to the NHS on the partner's scale and ease its early cash; "
            "the NHS's own NPV still moves, since it discounts at a lower rate. Offer one step at a time, and a "
            "concession only for something the NHS wants in return (agreement on the red lines, review and audit "
            "rights, a signature).")
    return first, steps, note


def objections(n: Negotiation, opening: Rung, steps: list[Step]) -> list[Objection]:
    """The partner's likely objections, each answered from its own figures at the opening and at the ask."""
    deal, z, fair = n.deal, n.zone, n.assessment.fair_share
    rate = percent(deal.assumptions.partner_discount_rate)
    at_ask = next((s.rung for s in steps if abs(s.rung.value - z.nhs_target.value) < 1.0), opening)
    o, a = opening.valuation, at_ask.valuation
    keeps = 1 - o.nhs_share if o.nhs_share is not None else None
    out = [Objection("The terms make the product uneconomic.",
                     f"At the opening terms your NPV is {money(o.partner_npv)} at your {rate} rate, with "
                     f"{irr_text(o.partner_irr)}; you keep {percent(keeps)} of the value before payments to the NHS. "
                     f"At the ask your NPV is {money(a.partner_npv)}, with {irr_text(a.partner_irr)}.")]
    trades = [s for s in steps if abs(s.change) < 1.0]
    eased = trades[-1] if trades else None
    cash = (f"The opening asks {money(opening.early_payments)} in your first three years (years 0 to 2). Moving the "
            f"upfront into later payments (step {eased.number}) brings that to {money(eased.rung.early_payments)}, "
            f"at the same value at your rate." if eased is not None and eased.rung.early_payments
            < opening.early_payments - 0.5 else f"The opening asks {money(opening.early_payments)} in years 0 to 2.")
    out.append(Objection("We cannot find the cash up front.", cash))
    if z.nhs_target.share is not None:
        out.append(Objection("The NHS's share is out of line with what it brings.",
                             f"The ask is {percent(z.nhs_target.share)} of your value before payments: cost recovery "
                             f"plus a value share inside the fair band of {percent(fair.low)} to {percent(fair.high)} "
                             f"that this contribution supports (principle 4). "
                             + (f"The contribution alone is worth {money(n.worth.reconciled.value)} on the cost, "
                                f"market and income approaches." if n.worth.reconciled.value is not None else "")))
    costs = n.valuation.nhs_access_costs
    out.append(Objection("Cost recovery is all the NHS should charge.",
                         f"Cost recovery ({money(costs)}) is the floor, not the price: a commercial use pays cost "
                         f"recovery plus a value share agreed at the outset (principles 2 and 3)."))
    last = steps[-1].rung if steps else None
    if last is not None and contingent_instrument(deal) is not None:
        out.append(Objection("The development risk is all ours.",
                             f"Not at the later steps: at step {steps[-1].number}, "
                             f"{percent(contingent_share(last.deal, last.valuation), 0)} of the value to the NHS is "
                             f"paid only if the product succeeds, so the NHS shares that risk."))
    return out


def _not_commercial(n: Negotiation) -> str:
    """Why the ladder, the opening and the objections do not apply, or ''."""
    z = n.zone
    if n.deal.use is Use.NON_COMMERCIAL_RESEARCH:
        return ("This is a non-commercial use: the NHS charges its costs of access (principle 2) and shares in value "
                "through the consent-to-commercialise clause if the work turns commercial (principle 3). There is no "
                "value share to negotiate now, so there is no opening above the ask, no concessions ladder and no "
                "objection on the partner's returns.")
    if z.partner_value <= 0 or not z.partner_walk_away.applies:
        return ("The partner's value is not modelled (there is no product to value), so neither its walk-away nor "
                "its NPV after the terms can be measured: there is no priced opening, ladder or answer from its own "
                "figures. The ask is the NHS's own floor; enter the partner's walk-away as the NHS judges it to "
                "draw the zone.")
    if not z.exists:
        return (f"There is no zone of agreement: {z.verdict} The ladder would take the NHS below what it can accept; "
                f"first change one of the inputs that would open a zone.")
    return ""


def playbook(negotiation: Negotiation) -> Playbook:
    """The whole playbook for a deal's negotiation; never NaN, never an exception for a deal the engine values."""
    n = negotiation
    deal, z, v = n.deal, n.zone, n.valuation
    qalys = n.assessment.pillars.patient.qalys_discounted
    ask = the_ask(n)
    why_not = _not_commercial(n)
    walk = WalkAway(z.nhs_walk_away.value, z.nhs_walk_away.share, z.nhs_walk_away.basis,
                    movers(n) if not why_not else [],
                    "Set for this deal: it moves only if the NHS resets it; the inputs below move the default."
                    if deal.negotiation.nhs_walk_away_gbp is not None or deal.negotiation.nhs_walk_away_share
                    is not None else "")
    partner = partner_walk_away_text(deal, z.partner_walk_away, z.partner_value)
    lines = red_lines(deal, qalys)
    signs = sign_off(deal, ask.value)
    if why_not:
        opening = Opening(z.offer.value, z.offer.share, None,
                          f"The deal as drafted: its terms give the NHS {money(z.offer.value)}, against costs of "
                          f"access of {money(v.nhs_access_costs)}.", "the deal as drafted: no value share to open on")
        return Playbook(False, why_not, ask, opening, walk, partner, [],
                        "Not applicable: see 'What does not apply' under the ask and the opening.", lines,
                        _plain_objections(n), fallback(deal, None, qalys), signs)
    value, basis, why = opening_value(n)
    first, steps, note = ladder(n, value)
    opening = Opening(value, first.share if first else z.nhs_target.share, first, why, basis)
    answers = objections(n, first, steps) if first is not None else _plain_objections(n)
    walk_npv = steps[-1].rung.valuation.nhs_npv if steps and abs(steps[-1].rung.value - walk.value) < 1.0 else None
    return Playbook(True, "", ask, opening, walk, partner, steps, note, lines, answers,
                    fallback(deal, walk_npv, qalys), signs)


def _plain_objections(n: Negotiation) -> list[Objection]:
    """The objections a deal without a partner's value to answer from still meets: the fees against the costs."""
    v = n.valuation
    recovery = v.cost_recovery_ratio
    times = f"{recovery:.2f}×" if recovery is not None else "n/a"
    return [Objection("The fees are too high.",
                      f"The fees recover the NHS's costs of giving access ({money(v.nhs_access_costs)}; cost recovery "
                      f"{times}): the framework requires at least that (principle 2), so the frontline does not "
                      f"pay for the partner's work.")]

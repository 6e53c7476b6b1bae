"""Negotiation: where each side walks away, the zone between, the term values that reach a position, equivalent
offers and the main sensitivities, for the brief, the app and the CLI.

``negotiate(deal)`` is the whole answer for one deal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from valueshare import inputs
from valueshare.contribution import ContributionValue, value_contribution
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import NoAnswer, ValueshareError
from valueshare.format import money, percent
from valueshare.framework import Assessment, assess, closing_candidates, closing_term
from valueshare.model import Deal, Use
from valueshare.negotiation.equivalents import STRUCTURES, Offer, equivalent_offers
from valueshare.negotiation.zone import Opener, Position, Zone, partner_limit, zone
from valueshare.sensitivity import TornadoBar, tornado
from valueshare.solver import Solution, deal_with, search_bounds, solve, solve_deal

__all__ = ["Goal", "Negotiation", "Offer", "Opener", "Position", "STRUCTURES", "TermResult", "Zone", "commercial",
           "default_goal", "default_term", "goal_solution", "negotiate", "solvable_terms", "zone"]

#: What a term can be solved for.
GOALS = {"value": "a value to the NHS of", "share": "an NHS share of", "nhs_npv": "an NHS NPV of",
         "partner_walk_away": "the partner's walk-away"}


@dataclass(frozen=True)
class Goal:
    kind: str                 # value, share, nhs_npv or partner_walk_away
    target: float = 0.0       # £ for value and nhs_npv; a fraction for share; unused for partner_walk_away


def default_goal(zone: Zone, kind: str) -> Goal:
    """The goal of ``kind`` a term is solved for until someone sets another: the NHS's target, on the goal's own
    scale. A value to the NHS, and an NHS NPV, start at the target's value (£); a share at the target's share of
    the partner's value (0 when there is none: the partner's value is not positive); the partner's walk-away needs
    no figure."""
    target = zone.nhs_target
    if kind == "share":
        return Goal(kind, target.share or 0.0)
    if kind == "partner_walk_away":
        return Goal(kind)
    if kind in ("value", "nhs_npv"):
        return Goal(kind, target.value)
    raise ValueError(f"{kind!r} is not a goal: choose one of {', '.join(GOALS)}")


def commercial(deal: Deal) -> bool:
    """Whether the deal is a commercial use, with a partner that walks away on its NPV and structures to compare.
    A non-commercial research use has neither: the NHS charges its costs and shares in value through the
    consent-to-commercialise clause if the work turns commercial."""
    return deal.use is not Use.NON_COMMERCIAL_RESEARCH


def default_term(deal: Deal) -> str | None:
    """The term to solve for until someone picks another: the framework's closing term when the solver can move
    it, else the first term it can move; ``None`` when it can move none."""
    options = solvable_terms(deal)
    preferred = closing_term(deal)
    return preferred if preferred in options else (options[0] if options else None)


def solvable_terms(deal: Deal) -> list[str]:
    """Every term field the solver can move: each royalty tier's rate, fees, subscriptions, milestones, equity
    stakes, price discounts, revenue shares and in-kind values (the framework's closing candidates)."""
    return closing_candidates(deal)


def goal_solution(deal: Deal, path: str, goal: Goal) -> Solution:
    """The value of the term at ``path`` that reaches the goal, other terms unchanged; ``NoAnswer`` says why, in the
    goal's own money, when no value within the term's range does."""
    try:
        return _solve_goal(deal, path, goal)
    except NoAnswer:
        raise NoAnswer(_why_not(deal, path, goal)) from None


def _solve_goal(deal: Deal, path: str, goal: Goal) -> Solution:
    if goal.kind == "value":
        return solve(deal, path, lambda v: v.payments_to_nhs_partner_pv, goal.target)
    if goal.kind == "share":
        return solve(deal, path, lambda v: v.nhs_share, goal.target)
    if goal.kind == "nhs_npv":
        return solve(deal, path, lambda v: v.nhs_npv, goal.target)
    if goal.kind == "partner_walk_away" and deal.negotiation.partner_walk_away_gbp is not None:
        # The partner's walk-away as the NHS judges it: a value to the NHS, like any other.
        return solve(deal, path, lambda v: v.payments_to_nhs_partner_pv, deal.negotiation.partner_walk_away_gbp)
    if goal.kind == "partner_walk_away":
        # The partner's NPV, at its minimum IRR when it has one, falls to zero.
        r = deal.negotiation.partner_min_irr
        priced = deal if r is None else deal_with(deal, "assumptions.partner_discount_rate", r)
        found = solve(priced, path, lambda v: v.partner_npv, 0.0)
        return replace(found, achieved=value_deal(deal_with(deal, path, found.value)).payments_to_nhs_partner_pv)
    raise ValueError(goal.kind)


@dataclass(frozen=True)
class TermResult:
    """One term solved for one position: the value it needs, or why no value of it reaches the position."""

    position: str
    target: float
    solution: Solution | None
    note: str


@dataclass(frozen=True)
class Negotiation:
    deal: Deal
    valuation: Valuation
    assessment: Assessment
    worth: ContributionValue
    zone: Zone
    term: str | None                 # the term solved for each position
    term_results: list[TermResult]
    offers: list[Offer]              # equivalent offers at the NHS's target
    offers_target: float
    tornado: list[TornadoBar]        # the main sensitivities, widest NHS swing first

    @property
    def commercial(self) -> bool:
        """Whether the deal is a commercial use (``commercial``): a non-commercial one has no equivalent offers."""
        return commercial(self.deal)

    def to_dict(self) -> dict[str, Any]:
        z = self.zone

        def pos(p: Position) -> dict[str, Any]:
            return {"value_gbp": round(p.value, 2), "share": None if p.share is None else round(p.share, 6),
                    "basis": p.basis}
        return {
            "zone": {"partner_value_before_payments_gbp": round(z.partner_value, 2), "offer": pos(z.offer),
                     "nhs_walk_away": pos(z.nhs_walk_away), "nhs_target": pos(z.nhs_target),
                     "partner_walk_away": pos(z.partner_walk_away), "exists": z.exists,
                     "low_gbp": None if z.low is None else round(z.low, 2),
                     "high_gbp": None if z.high is None else round(z.high, 2), "verdict": z.verdict,
                     "openers": [{"input": o.path, "label": o.label, "current": o.current, "needed": round(o.needed, 8)}
                                 for o in z.openers]},
            "term": self.term,
            "term_results": [{"position": r.position, "target_gbp": round(r.target, 2),
                              "value": None if r.solution is None else round(r.solution.value, 8),
                              "current": None if r.solution is None else r.solution.current, "note": r.note}
                             for r in self.term_results],
            "equivalent_offers": {"target_gbp": round(self.offers_target, 2), "offers": [_offer_dict(o)
                                                                                         for o in self.offers]},
            "sensitivities": [{"input": b.driver.path, "label": b.driver.label, "nhs_low_gbp": round(b.nhs_low, 2),
                               "nhs_high_gbp": round(b.nhs_high, 2), "partner_low_gbp": round(b.partner_low, 2),
                               "partner_high_gbp": round(b.partner_high, 2)} for b in self.tornado],
        }


def _offer_dict(o: Offer) -> dict[str, Any]:
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 2)
    return {"structure": o.key, "name": o.name, "available": o.deal is not None, "note": o.note,
            "value_to_nhs_gbp": r(o.value_to_nhs), "nhs_npv_gbp": r(o.nhs_npv), "nhs_npv_p10_gbp": r(o.nhs_p10),
            "nhs_npv_p50_gbp": r(o.nhs_p50), "nhs_npv_p90_gbp": r(o.nhs_p90), "partner_npv_gbp": r(o.partner_npv),
            "partner_payments_years_0_2_gbp": r(o.early_payments),
            "share_contingent_on_development": None if o.contingent is None else round(o.contingent, 6),
            "development_risk": o.risk, "framework": o.framework,
            "patient_benefit": {"qalys_discounted": None if o.qalys is None else round(o.qalys, 4),
                                "at_risk": o.patient_benefit_at_risk},
            "terms": None if o.deal is None else [t.model_dump(mode="json") for t in o.deal.terms]}


def _why_not(deal: Deal, path: str, goal: Goal) -> str:
    """Why no value of the term reaches the goal, in the goal's own terms: where the figure stands at the end of
    the term's range that comes nearest."""
    lo, hi = search_bounds(path)
    top = hi if hi is not None else 1e12
    if goal.kind == "partner_walk_away" and deal.negotiation.partner_walk_away_gbp is None:
        r = deal.negotiation.partner_min_irr
        priced = deal if r is None else deal_with(deal, "assumptions.partner_discount_rate", r)
        at_lo, at_top = (value_deal(deal_with(priced, path, x)).partner_npv for x in (lo, top))
        if at_lo < 0:
            return f"even at {inputs.write(path, lo)}, the partner's NPV is {money(at_lo)}: it loses money already"
        where = f"at {inputs.write(path, top)}" if hi is not None else "however large it is"
        return f"{where}, the partner still keeps a positive NPV ({money(at_top)})"
    kind = "value" if goal.kind == "partner_walk_away" else goal.kind
    read = {"value": lambda v: v.payments_to_nhs_partner_pv, "share": lambda v: v.nhs_share,
            "nhs_npv": lambda v: v.nhs_npv}[kind]
    name = {"value": "the value to the NHS", "share": "the NHS's share", "nhs_npv": "the NHS's NPV"}[kind]
    write = percent if goal.kind == "share" else money
    at_lo, at_top = (read(value_deal(deal_with(deal, path, x))) for x in (lo, top))
    if at_lo is None or at_top is None:
        return f"{name} cannot be measured (the partner's value is not positive)"
    if at_lo > goal.target:
        return (f"even at {inputs.write(path, lo)}, {name} is {write(at_lo)}, already above {write(goal.target)}: "
                f"the other terms give more than that")
    where = f"at {inputs.write(path, top)}" if hi is not None else "however large it is"
    return f"{where}, {name} is only {write(at_top)}, below {write(goal.target)}"


def _term_results(deal: Deal, z: Zone, path: str | None) -> list[TermResult]:
    if path is None:
        return []
    goals = [(z.nhs_walk_away, Goal("value", z.nhs_walk_away.value)),
             (z.nhs_target, Goal("value", z.nhs_target.value))]
    if z.partner_walk_away.applies:
        goals.append((z.partner_walk_away, Goal("partner_walk_away")))
    out = []
    for position, goal in goals:
        try:
            out.append(TermResult(position.name, position.value, goal_solution(deal, path, goal), ""))
        except ValueshareError as error:
            out.append(TermResult(position.name, position.value, None, str(error)))
    return out


def negotiate(deal: Deal, *, term: str | None = None, target: float | None = None,
              mix: dict[str, float] | None = None, trials: int = 10_000, seed: int = 1,
              top: int = 5, offers: bool = True, sensitivities: bool = True) -> Negotiation:
    """The negotiation picture of a deal: ``term`` is the term to solve for each position (default: the
    framework's closing term); ``target`` overrides the NHS's target value (£) for the equivalent offers. Without
    ``offers`` or ``sensitivities`` those parts (a Monte Carlo per structure; a tornado) are left empty."""
    v = value_deal(deal)
    a = assess(deal, v)
    worth = value_contribution(deal, v)
    z = zone(deal, v, worth, fair=a.fair_share)
    path = term or closing_term(deal)
    goal = target if target is not None else z.nhs_target.value
    made = equivalent_offers(deal, goal, mix=mix, trials=trials, seed=seed) if commercial(deal) and offers else []
    return Negotiation(deal, v, a, worth, z, path, _term_results(deal, z, path), made, goal,
                       tornado(deal)[:top] if sensitivities else [])


# re-exported for the app and the CLI
__all__ += ["GOALS", "partner_limit", "solve_deal"]

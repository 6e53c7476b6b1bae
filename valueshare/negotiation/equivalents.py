"""Equivalent offers: value-sharing structures that give the NHS the same value, so that the sides can choose on
what else differs (when the partner pays, who carries the development risk, how the framework sees it).

Every structure keeps the deal's own cost-recovery terms (access fees and subscriptions: the NHS always charges at
least its costs) and adds one instrument, or a mix, sized so that the value to the NHS (present value at the
partner's rate of what the partner gives it, as in the zone of agreement) equals the target. At the same value to
the NHS the partner's NPV is the same in every structure; what differs is the NHS's own value at its rate and its
risk, the partner's cash in its first years, and who carries the risk that the product never reaches the market.

The instruments are linear in their size (an amount, or a flat royalty's rate), so each is sized exactly from two
valuations (at nothing and at one unit) rather than searched for; the result is then valued in full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from valueshare.engine.montecarlo import simulate
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import DealInvalid, NoAnswer
from valueshare.format import money, percent
from valueshare.framework import Assessment, Status, assess
from valueshare.mechanisms import MECHANISMS
from valueshare.model import AccessFee, Deal, Milestone, Royalty, Subscription, kind_of
from valueshare.scenario import deal_from_data
from valueshare.sensitivity import base_data

#: The cost-recovery mechanisms every structure keeps (the fee-like ones).
COST_RECOVERY = frozenset(k for k, m in MECHANISMS.items() if m.fee_like)
#: Mechanisms paid only if development stages succeed (or the product sells): the NHS shares that risk.
CONTINGENT = frozenset(k for k, m in MECHANISMS.items() if m.contingent)
#: The structures, by the key the CLI and the app name them with (each named after the instrument it adds).
UPFRONT, SUBSCRIPTION, MILESTONES, ROYALTY, MIX = "upfront", "subscription", "milestones", "royalty", "mix"
STRUCTURES = {UPFRONT: "All upfront", SUBSCRIPTION: "Subscription", MILESTONES: "Milestones",
              ROYALTY: "Royalty", MIX: "Your mix"}
RISK = {UPFRONT: "the partner: the fee is paid at signature whether or not the product succeeds",
        SUBSCRIPTION: "the partner: it pays every year of access whether or not the product succeeds",
        MILESTONES: "shared: each payment falls due only if its stage succeeds",
        ROYALTY: "shared fully: the NHS is paid only on sales, if the product reaches the market",
        MIX: "shared, in proportion to the mix"}
#: The default mix [ours]: the mechanisms the framework's practical applications name as usual (upfront,
#: subscription, milestones); a royalty only if someone gives it a weight, since the framework expects royalties in
#: a minority of cases, mainly where the partner prefers them [pub: Practical applications, 2023].
DEFAULT_MIX = {UPFRONT: 0.3, SUBSCRIPTION: 0.2, MILESTONES: 0.5, ROYALTY: 0.0}


def _instrument(kind: str, size: float, deal: Deal) -> list[dict[str, Any]]:
    """The terms one instrument of ``size`` adds (an amount in £; a royalty's rate)."""
    if kind == UPFRONT:
        return [{"kind": kind_of(AccessFee), "amount_gbp": size, "frequency": "one_off", "start_year": 0}]
    if kind == SUBSCRIPTION:
        return [{"kind": kind_of(Subscription), "amount_gbp_per_year": size, "start_year": 1,
                 "years": deal.contribution.access_costs.years}]
    if kind == MILESTONES:
        stages = deal.route_to_market.stages if deal.route_to_market else []
        return [{"kind": kind_of(Milestone), "stage": s.name, "amount_gbp": size} for s in stages]
    if kind == ROYALTY:
        return [{"kind": kind_of(Royalty), "tiers": [{"from_gbp": 0, "rate": size}], "territory": "worldwide"}]
    raise ValueError(kind)


def available(deal: Deal) -> dict[str, str]:
    """Each instrument's reason it cannot be used in this deal ("" when it can)."""
    route = deal.route_to_market
    return {UPFRONT: "", SUBSCRIPTION: "",
            MILESTONES: "" if route and route.stages else "the deal has no development stages",
            ROYALTY: "" if route and route.sales else "the deal has no sales to pay a royalty on"}


def _with_terms(deal: Deal, terms: list[dict[str, Any]]) -> Deal:
    """The deal with these terms instead of its own (and without its variants, or uncertain inputs of its terms,
    which name terms that are no longer there)."""
    data = base_data(deal)
    data["terms"] = terms
    data["uncertainty"] = [u for u in data.get("uncertainty", []) if not u["input"].startswith("terms[")]
    return deal_from_data(data)


def _value_to_nhs(deal: Deal) -> float:
    return value_deal(deal).payments_to_nhs_partner_pv


def _sized(deal: Deal, base: list[dict[str, Any]], kind: str, value: float) -> list[dict[str, Any]]:
    """The terms of instrument ``kind`` that add ``value`` to the NHS on top of ``base``."""
    if value <= 0:
        return []
    nothing = _value_to_nhs(_with_terms(deal, base))
    unit = _value_to_nhs(_with_terms(deal, base + _instrument(kind, 1.0 if kind != ROYALTY else 0.01, deal)))
    per_unit = (unit - nothing) / (1.0 if kind != ROYALTY else 0.01)
    if per_unit <= 0:
        raise NoAnswer(f"{STRUCTURES[kind]}: in this deal it adds nothing to the NHS's value "
                       f"(e.g. it falls after the horizon)")
    size = value / per_unit
    if kind == ROYALTY and size > 1:
        raise NoAnswer(f"{STRUCTURES[kind]}: reaching {money(value)} would take a royalty of {percent(size)} of sales")
    return _instrument(kind, size, deal)


def structured(deal: Deal, target: float, weights: dict[str, float]) -> Deal:
    """The deal with its cost-recovery fees kept and its other terms replaced by instruments that add ``target``
    less the fees' value to the NHS, split by ``weights`` (instrument key to weight; each sized exactly, as in the
    equivalent offers). ``NoAnswer`` when an instrument with weight cannot be used here or cannot reach its part;
    ``DealInvalid`` when the result is a deal no file could hold (an amount beyond the largest allowed).

    The fees alone reach a target at or below their own value: then nothing is added.
    """
    base = [t.model_dump(mode="json") for t in deal.terms if t.kind in COST_RECOVERY]
    reasons = available(deal)
    used = {k: w for k, w in weights.items() if w > 0}
    blocked = [f"{STRUCTURES[k]} ({reasons[k]})" for k in used if reasons[k]]
    if blocked:
        raise NoAnswer("; ".join(blocked))
    total = sum(used.values())
    extra = target - _value_to_nhs(_with_terms(deal, base))
    terms = list(base)
    for k, w in used.items():
        terms += _sized(deal, base, k, extra * w / total)
    return _with_terms(deal, terms)


@dataclass(frozen=True)
class Offer:
    """One structure at the target, valued."""

    key: str
    name: str
    deal: Deal | None                # None when the structure cannot reach the target here
    note: str                        # why not, or what the structure is
    value_to_nhs: float | None = None
    nhs_npv: float | None = None
    nhs_p10: float | None = None
    nhs_p50: float | None = None
    nhs_p90: float | None = None
    partner_npv: float | None = None
    early_payments: float | None = None      # what the partner pays the NHS in years 0-2, expected
    contingent: float | None = None          # share of the value to the NHS that depends on development succeeding
    risk: str = ""
    framework: list[str] = field(default_factory=list)   # the checks that are not a pass, and any framework note
    qalys: float | None = None               # patient benefit (the first aim): QALYs gained, discounted
    patient_benefit_at_risk: bool = False    # its terms take the partner below its hurdle (the first aim at risk)


def contingent_share(deal: Deal, v: Valuation) -> float:
    """The share of what the partner gives the NHS (present value at its rate) that is paid only if development
    succeeds or the product sells (the terms of contingent mechanisms)."""
    kinds = {f"terms[{i}]": t.kind for i, t in enumerate(deal.terms)}
    lines = [line for line in v.partner_lines if line.key in kinds]
    total = -sum(line.present_value for line in lines)
    at_risk = -sum(line.present_value for line in lines if kinds[line.key] in CONTINGENT)
    return at_risk / total if total > 0 else 0.0


def _framework(key: str, a: Assessment, royalty_weight: float) -> list[str]:
    out = [f"Patient-first flag: {flag}" for flag in a.patient_first]
    out += [f"{c.title}: {c.status.label.lower()}. {c.reason}" for c in a.checks
            if c.status in (Status.WARNING, Status.FAIL)]
    if key == ROYALTY or (key == MIX and royalty_weight > 0):
        out.append("Royalties are expected only in a minority of deals, mainly where the partner prefers them "
                   "(NHS England, Practical applications of the Value Sharing Framework, 2023) [pub].")
    return out


def build_offer(deal: Deal, key: str, target: float, *, mix: dict[str, float] | None = None,
                trials: int = 10_000, seed: int = 1) -> Offer:
    """The structure ``key`` at the target value to the NHS, valued deterministically and by a Monte Carlo."""
    base = [t.model_dump(mode="json") for t in deal.terms if t.kind in COST_RECOVERY]
    reasons = available(deal)
    try:
        if key == MIX:
            given = mix or DEFAULT_MIX
            weights = {k: given[k] for k in STRUCTURES if given.get(k, 0) > 0}
            total = sum(weights.values())
            if not total:
                raise NoAnswer("Your mix: give at least one instrument a weight")
            blocked = [f"{STRUCTURES[k]} ({reasons[k]})" for k in weights if reasons[k]]
            if blocked:
                raise NoAnswer("Your mix: " + "; ".join(blocked))
            extra = target - _value_to_nhs(_with_terms(deal, base))
            terms = list(base)
            for k, w in weights.items():
                terms += _sized(deal, base, k, extra * w / total)
            note = ", ".join(f"{STRUCTURES[k].lower()} {percent(w / total, 0)}" for k, w in weights.items())
        else:
            if reasons[key]:
                raise NoAnswer(f"{STRUCTURES[key]}: {reasons[key]}")
            extra = target - _value_to_nhs(_with_terms(deal, base))
            terms = base + _sized(deal, base, key, extra)
            note = "the cost-recovery fees alone reach the target" if extra <= 0 else ""
    except NoAnswer as error:
        return Offer(key, STRUCTURES[key], None, str(error))
    try:
        offer = _with_terms(deal, terms)
    except DealInvalid as error:  # e.g. an upfront beyond the largest amount a deal may hold
        return Offer(key, STRUCTURES[key], None, f"{STRUCTURES[key]}: the target needs terms no deal can hold "
                                                 f"({error.problems[0].line()})")
    v = value_deal(offer)
    a = assess(offer, v)
    sim = simulate(offer, trials=trials, seed=seed)
    p10, p50, p90 = (float(x) for x in np.percentile(sim.nhs_npv, (10, 50, 90)))
    early = -sum(float(line.yearly[:3].sum()) for line in v.partner_lines if line.key.startswith("terms["))
    return Offer(key, STRUCTURES[key], offer, note, v.payments_to_nhs_partner_pv, v.nhs_npv, p10, p50, p90,
                 v.partner_npv, early, contingent_share(offer, v), RISK[key],
                 _framework(key, a, (mix or DEFAULT_MIX).get(ROYALTY, 0.0)), a.pillars.patient.qalys_discounted,
                 bool(a.patient_first))


def equivalent_offers(deal: Deal, target: float, *, mix: dict[str, float] | None = None, trials: int = 10_000,
                      seed: int = 1, progress: Callable[[float], None] | None = None) -> list[Offer]:
    """Every structure at the target: all upfront, subscription, milestones, royalty, and the mix."""
    out = []
    for k, key in enumerate(STRUCTURES):
        out.append(build_offer(deal, key, target, mix=mix, trials=trials, seed=seed))
        if progress is not None:
            progress((k + 1) / len(STRUCTURES))
    return out

"""The Value Sharing Framework inside valueshare: three pillars, four principles and a fair-share estimate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import NoAnswer
from valueshare.format import money, number
from valueshare.framework.fairshare import FairShare, fair_share
from valueshare.framework.pillars import Pillars, pillars
from valueshare.framework.principles import VSF_2023, Check, RuleSet, Status, check_principles
from valueshare.mechanisms import closing_defaults, of
from valueshare.model import ConsentToCommercialise, Deal, Use
from valueshare.solver import Solution, solve

__all__ = ["Aims", "Assessment", "Check", "FairShare", "Pillars", "RuleSet", "Status", "VSF_2023", "aims_of",
           "assess", "closing_candidates", "closing_term", "patient_first_flags"]


@dataclass(frozen=True)
class Assessment:
    rules: RuleSet
    pillars: Pillars
    checks: list[Check]
    fair_share: FairShare
    patient_first: list[str]          # sentences flagging patient benefit put at risk for NHS revenue
    closing: Solution | None          # the change to one term that brings the share up to the band
    closing_note: str                 # why there is no closing change, when there is none

    def to_dict(self) -> dict[str, Any]:
        closing = None
        if self.closing is not None:
            closing = {"path": self.closing.path, "current": self.closing.current,
                       "value": round(self.closing.value, 8), "share_reached": round(self.closing.achieved, 6)}
        return {"rule_set": self.rules.name, "pillars": self.pillars.to_dict(),
                "principles": [c.to_dict() for c in self.checks],
                "fair_share": {**self.fair_share.to_dict(), "closing_change": closing,
                               "closing_note": self.closing_note},
                "patient_first_flags": self.patient_first}


def closing_term(deal: Deal) -> str | None:
    """The term whose change closes a fair-share gap by default: an access fee (upfront), a subscription, a
    milestone, a revenue share's rate or a royalty's first rate, whichever comes first in that order (each
    mechanism's ``default_closing``: the framework's usual mechanisms before royalties)."""
    top = [(i, t) for i, t in enumerate(deal.terms) if not isinstance(t, ConsentToCommercialise)]
    for m in closing_defaults():
        for i, term in top:
            if of(term) is m:
                return f"terms[{i}].{m.default_closing_field()}"
    return None


def closing_candidates(deal: Deal) -> list[str]:
    """Every term field that could close a fair-share gap on its own: each royalty tier's rate, a revenue share's
    rate, each fee, subscription, milestone, equity stake, price discount and in-kind value (terms inside a consent
    clause are left out: they count only if the work turns commercial). Each mechanism's ``closing_fields`` say
    which; ``closing_term`` is the default among them.

    >>> from valueshare.scenario import example_paths, load_deal
    >>> closing_candidates(load_deal(example_paths()[1]))[:3]
    ['terms[0].amount_gbp', 'terms[1].amount_gbp', 'terms[2].amount_gbp']
    """
    return [f"terms[{i}].{name}" for i, term in enumerate(deal.terms) for name in of(term).closing(term)]


def _no_closing_term() -> str:
    """Why no closing change is offered when the deal has no term of a default kind."""
    labels = [m.label.lower() for m in closing_defaults()]
    return f"no {', '.join(labels[:-1])} or {labels[-1]} to change"


@dataclass(frozen=True)
class Aims:
    """One alternative (a deal, a variant, an offer) on the framework's three aims, in their order, and whether its
    patient benefit is at risk because its terms take the partner below its hurdle: a partner that would not pursue
    the deal delivers no patient benefit [ours, reading the framework's first aim]."""

    name: str
    pillars: Pillars
    partner_npv: float
    commercial: bool

    @property
    def patient_benefit_at_risk(self) -> bool:
        p = self.pillars.patient
        return self.commercial and self.partner_npv < 0 and (p.total_patients > 0 or p.qalys_discounted > 0)

    @property
    def qalys_delivered(self) -> float:
        """The QALYs the alternative can be counted on to deliver: none if the partner would walk away."""
        return 0.0 if self.patient_benefit_at_risk else self.pillars.patient.qalys_discounted

    def to_dict(self) -> dict[str, Any]:
        p = self.pillars
        return {"name": self.name, "patient_benefit": {
                    "qalys_discounted": round(p.patient.qalys_discounted, 4),
                    "expected_patients": round(p.patient.total_patients, 4),
                    "at_risk": self.patient_benefit_at_risk},
                "economic_growth": {"additional_gva_gbp": round(p.growth.additional_gva, 2),
                                    "uk_sales_gbp": round(p.growth.uk_sales, 2)},
                "nhs_financial_return": {"nhs_npv_gbp": round(p.nhs_return.total, 2)}}


def aims_of(name: str, deal: Deal, v: Valuation, p: Pillars | None = None) -> Aims:
    """An alternative's three aims, from its deal and valuation."""
    commercial = deal.use is not Use.NON_COMMERCIAL_RESEARCH
    return Aims(name, p if p is not None else pillars(deal, v), v.partner_npv, commercial)


def _at_risk_sentence(a: Aims) -> str:
    p = a.pillars.patient
    return (f"The terms leave the partner with a negative NPV at its hurdle rate ({money(a.partner_npv)}); if it "
            f"walks away, the {number(round(p.total_patients))} expected patients (and "
            f"{number(round(p.qalys_discounted, 1))} QALYs) are lost with the NHS's revenue. Patient benefit comes "
            f"first.")


def _patient_first_in_deal(aims: Aims) -> list[str]:
    return [_at_risk_sentence(aims)] if aims.patient_benefit_at_risk else []


def patient_first_flags(named: list[Aims]) -> list[str]:
    """Flag every alternative that lowers patient benefit against the first: it puts patient benefit at risk (its
    terms take the partner below its hurdle) where the first does not, or it delivers fewer QALYs. Patient benefit
    comes first, whatever the alternative does for the NHS's return."""
    base, flags = named[0], []
    for other in named[1:]:
        if other.patient_benefit_at_risk and not base.patient_benefit_at_risk:
            flags.append(f"'{other.name}' puts patient benefit at risk: it leaves the partner a negative NPV at its "
                         f"hurdle ({money(other.partner_npv)}), where '{base.name}' does not, and a partner that walks "
                         f"away delivers none of its {number(round(other.pillars.patient.qalys_discounted, 1))} "
                         f"QALYs. Patient benefit comes first.")
        elif other.qalys_delivered < base.qalys_delivered - 1e-9:
            gain = other.pillars.nhs_return.total - base.pillars.nhs_return.total
            more = f", though it raises the NHS's return by {money(gain)}" if gain > 0.5 else ""
            flags.append(f"'{other.name}' lowers patient benefit against '{base.name}' "
                         f"({number(round(other.qalys_delivered, 1))} against "
                         f"{number(round(base.qalys_delivered, 1))} QALYs){more}: patient benefit comes first.")
    return flags


def assess(deal: Deal, valuation: Valuation | None = None, *, rules: RuleSet = VSF_2023,
           term_path: str | None = None) -> Assessment:
    """Pillars, principle checks and fair share for a deal; ``term_path`` chooses the term that would close a
    fair-share gap (default: ``closing_term``)."""
    v = valuation if valuation is not None else value_deal(deal)
    p = pillars(deal, v)
    fair = fair_share(deal, v)
    checks = check_principles(deal, v, fair, rules, expected_patients=p.patient.total_patients)
    closing, note = None, ""
    if fair.position == "below":
        path = term_path or closing_term(deal)
        if path is None:
            note = _no_closing_term()
        else:
            try:
                closing = solve(deal, path, lambda x: x.value_share, fair.low)
            except NoAnswer as error:
                note = str(error)
    return Assessment(rules, p, checks, fair, _patient_first_in_deal(aims_of(deal.name, deal, v, p)), closing, note)

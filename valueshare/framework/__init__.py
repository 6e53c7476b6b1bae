"""The Value Sharing Framework inside valueshare: three pillars, four principles and a fair-share estimate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import NoAnswer
from valueshare.framework.fairshare import FairShare, fair_share
from valueshare.framework.pillars import Pillars, pillars
from valueshare.framework.principles import VSF_2023, Check, RuleSet, Status, check_principles
from valueshare.mechanisms import closing_defaults, of
from valueshare.model import ConsentToCommercialise, Deal, Use
from valueshare.solver import Solution, solve

__all__ = ["Assessment", "Check", "FairShare", "Pillars", "RuleSet", "Status", "VSF_2023", "assess",
           "closing_candidates", "closing_term", "patient_first_flags"]


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
    """The term whose change closes a fair-share gap by default: a royalty's first rate, a revenue share's rate,
    an access fee or a subscription, whichever comes first in that order (each mechanism's ``default_closing``)."""
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


def _patient_first_in_deal(deal: Deal, v: Valuation, p: Pillars) -> list[str]:
    if deal.use is not Use.NON_COMMERCIAL_RESEARCH and p.patient.total_patients > 0 and v.partner_npv < 0:
        return ["The terms leave the partner with a negative NPV at its hurdle rate; if it walks away, the "
                f"{p.patient.total_patients:,.0f} expected patients (and {p.patient.qalys_discounted:,.1f} QALYs) "
                "are lost with the NHS's revenue. Patient benefit comes first."]
    return []


def patient_first_flags(named: list[tuple[str, Pillars]]) -> list[str]:
    """Flag every alternative that raises the NHS's return while lowering patient benefit, against the first."""
    (base_name, base), flags = named[0], []
    for name, other in named[1:]:
        if other.nhs_return.total > base.nhs_return.total + 0.5 and \
                other.patient.qalys_discounted < base.patient.qalys_discounted - 1e-9:
            flags.append(f"'{name}' raises the NHS's return over '{base_name}' but lowers patient benefit "
                         f"({other.patient.qalys_discounted:,.1f} against {base.patient.qalys_discounted:,.1f} "
                         f"QALYs): patient benefit comes first.")
    return flags


def assess(deal: Deal, valuation: Valuation | None = None, *, rules: RuleSet = VSF_2023,
           term_path: str | None = None) -> Assessment:
    """Pillars, principle checks and fair share for a deal; ``term_path`` chooses the term that would close a
    fair-share gap (default: ``closing_term``)."""
    v = valuation if valuation is not None else value_deal(deal)
    p = pillars(deal, v)
    fair = fair_share(deal, v)
    checks = check_principles(deal, v, fair, rules)
    closing, note = None, ""
    if fair.position == "below":
        path = term_path or closing_term(deal)
        if path is None:
            note = _no_closing_term()
        else:
            try:
                closing = solve(deal, path, lambda x: x.nhs_share, fair.low)
            except NoAnswer as error:
                note = str(error)
    return Assessment(rules, p, checks, fair, _patient_first_in_deal(deal, v, p), closing, note)

"""The four principles of the Value Sharing Framework and the 2019 guiding principles, checked on a deal.

Each check gives pass, warning or fail (or not applicable) with its figures, one sentence of reason and the
source of its rule (``Check.source``: the framework's principle, the 2023 practical applications, or DHSC's 2019
guiding principle). The rules are the framework's [pub]; the thresholds that turn them into pass/warning/fail are
valueshare's own [ours], kept in one named, dated rule set so that a later framework can sit beside this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from valueshare.engine.valuation import Valuation
from valueshare.format import money, number, percent, points, ratio
from valueshare.framework.fairshare import FairShare
from valueshare.mechanisms import of
from valueshare.model import Deal, PartnerKind, Use


class Status(IntEnum):
    """Ordered so that a better status is a larger number."""

    FAIL = 0
    WARNING = 1
    PASS = 2
    NOT_APPLICABLE = 3

    @property
    def label(self) -> str:
        return {0: "Fail", 1: "Warning", 2: "Pass", 3: "Not applicable"}[self.value]


@dataclass(frozen=True)
class RuleSet:
    """Thresholds that turn the framework's principles into checks [ours], with the framework's date."""

    name: str = "NHS Value Sharing Framework (CIDC, July 2023, updated November 2023)"
    short_name: str = "VSF-2023"
    #: Principle 1: charging a non-commercial or academic/charity user more than this × its costs is warned/failed.
    non_commercial_recovery_warning: float = 1.10
    non_commercial_recovery_fail: float = 1.50
    #: Principle 1: an SME's payments due in years 0–2, as a share of its own spend in those years plus them.
    sme_early_burden_warning: float = 0.25
    early_years: int = 2
    #: Principles 3 and 4: a value share below this fraction of the band's low end fails principle 4 (between it and
    #: the band, a warning) and, for commercial use, falls short of the value share principle 3 asks for.
    fail_below_band_fraction: float = 0.5
    #: Principle 3: curation and linkage scores from this one up (curated, labelled or linked data) make a missing
    #: value share a fail rather than a warning for commercial use.
    rich_data_score: int = 3


#: Where each rule comes from [pub]; the thresholds are the rule set's [ours].
#: Short citations (docs/method.md's Sources give the full titles).
VSF = "NHS England, Value Sharing Framework (2023)"
PRACTICAL = "NHS England, Practical applications of the framework (Nov 2023)"
DHSC_2019 = "DHSC, Creating the right framework (July 2019)"
SOURCES = {
    "principle_1": f"{VSF}, principle 1",
    "principle_2": f"{VSF}, principle 2",
    "principle_3": f"{VSF}, principle 3; {PRACTICAL} (mechanisms)",
    "principle_4": f"{VSF}, principle 4",
    "patient_benefit_aim": f"{DHSC_2019}, guiding principle 1",
    "no_exclusivity": f"{DHSC_2019}, guiding principle 3",
    "transparency": f"{DHSC_2019}, guiding principle 4",
    "consent_to_commercialise": f"{VSF}, principle 3; {PRACTICAL}",
}


VSF_2023 = RuleSet()


@dataclass(frozen=True)
class Check:
    key: str                  # "principle_1" ... "principle_4", "no_exclusivity", "consent_to_commercialise"
    title: str
    status: Status
    reason: str
    figures: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """Where the rule comes from [pub]."""
        return SOURCES[self.key]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "status": self.status.label.lower().replace(" ", "_"),
                "reason": self.reason, "figures": self.figures, "source": self.source}


def _early_payments(deal: Deal, valuation: Valuation, years: int) -> tuple[float, float]:
    """(what the partner pays the NHS in years 0..years, its own development spend in those years), expected."""
    paid = sum(-line.yearly[: years + 1].sum() for line in valuation.partner_lines if line.key.startswith("terms["))
    spend = sum(-line.yearly[: years + 1].sum() for line in valuation.partner_lines
                if line.key == "partner.stage_costs")
    return float(paid), float(spend)


def principle_1(deal: Deal, v: Valuation, rules: RuleSet) -> Check:
    title = "Cost of access should not prevent good use of data"
    non_commercial = deal.use is Use.NON_COMMERCIAL_RESEARCH
    if non_commercial or deal.partner.kind in (PartnerKind.ACADEMIC, PartnerKind.CHARITY):
        who = "a non-commercial use" if non_commercial else f"an {deal.partner.kind.label.lower()} partner" \
            if deal.partner.kind is PartnerKind.ACADEMIC else "a charity partner"
        r = v.cost_recovery_ratio
        figures = {"Cost recovery": ratio(r)}
        if r is None or r <= rules.non_commercial_recovery_warning:
            return Check("principle_1", title, Status.PASS,
                         f"Fees for {who} stay at about the cost of access.", figures)
        status = Status.FAIL if r > rules.non_commercial_recovery_fail else Status.WARNING
        return Check("principle_1", title, status,
                     f"Fees are {ratio(r)} the NHS's costs for {who}: above cost recovery, they may block research "
                     f"that could improve care; consider charging costs and moving the rest into a "
                     f"consent-to-commercialise clause.", figures)
    if deal.partner.kind is PartnerKind.SME and deal.route_to_market is None:
        return Check("principle_1", title, Status.NOT_APPLICABLE,
                     "There is no product, so the SME's own spending is not modelled and the share of its early cash "
                     "going to the NHS cannot be measured: check the charges against what the work is worth to it.")
    if deal.partner.kind is PartnerKind.SME:
        paid, spend = _early_payments(deal, v, rules.early_years)
        burden = paid / (paid + spend) if paid + spend > 0 else 0.0
        figures = {f"Payments to the NHS, years 0–{rules.early_years}": money(paid),
                   f"Partner's development spend, years 0–{rules.early_years}": money(spend),
                   "Share of early cash going to the NHS": percent(burden)}
        if burden > rules.sme_early_burden_warning:
            return Check("principle_1", title, Status.WARNING,
                         f"{percent(burden)} of the SME's early cash would go to the NHS; deferring part of it to "
                         f"milestones or royalties would lower the barrier to access.", figures)
        return Check("principle_1", title, Status.PASS,
                     "Early payments are a modest part of the SME's early spending.", figures)
    return Check("principle_1", title, Status.PASS,
                 f"A {deal.partner.kind.label.lower()} using data commercially can bear the access charges.")


def principle_2(deal: Deal, v: Valuation, rules: RuleSet) -> Check:
    title = "The NHS always charges, at least to recover its costs"
    # a fee charges something when its amount (the field a closing change would raise) is not zero
    fees = [t for t in deal.terms if of(t).fee_like and any(getattr(t, name) for name in of(t).closing(t))]
    r = v.cost_recovery_ratio
    figures = {"Cost recovery": ratio(r) if r is not None else f"n/a ({v.cost_recovery_note})"}
    if v.nhs_grants > 0:
        figures["Grants towards the NHS's costs"] = money(v.nhs_grants)
    if deal.platform_users:
        figures["Users sharing the costs"] = f"{len(deal.platform_users) + 1} (the partner and the platform's others)"
    if not fees:
        return Check("principle_2", title, Status.FAIL, "The deal charges no access fee or subscription.", figures)
    if r is None and v.nhs_grants > 0 and v.platform_access_costs <= 1e-9:
        return Check("principle_2", title, Status.PASS,
                     "Grants cover the NHS's costs of access, and the partner still pays a charge for access.",
                     figures)
    if r is None:
        return Check("principle_2", title, Status.WARNING,
                     "A fee is charged, but no NHS access costs are entered, so recovery cannot be checked.", figures)
    if r < 1.0:  # milestones, royalties and the like are contingent: they cannot make sure costs come back [ours]
        return Check("principle_2", title, Status.FAIL,
                     f"Fees recover only {percent(r, 0)} of what giving access costs the NHS, in present value.",
                     figures)
    across = " across the platform's users" if deal.platform_users else ""
    net = " (less the grants towards them)" if v.nhs_grants > 0 else ""
    return Check("principle_2", title, Status.PASS,
                 f"The charges for access recover the NHS's costs of access{net}{across}.", figures)


def _value_share_figures(v: Valuation, fair: FairShare) -> dict[str, str]:
    """What recovers costs and the value share beyond it, in £ and as a share of the partner's value."""
    share = "" if v.value_share is None else f" ({percent(v.value_share)} of the partner's value)"
    return {"Costs of access, recovered first": money(v.nhs_access_costs),
            "Value share beyond them": money(v.value_share_gbp) + share,
            "Fair band": f"{percent(fair.low)} to {percent(fair.high)}"}


#: Uses for which cost recovery alone is the right charge, and why [pub].
COST_RECOVERY_ONLY = ("non-commercial use: the framework's principle 3 asks for cost recovery plus a "
                      "consent-to-commercialise clause, with value shared only if the work turns commercial")


def principle_3(deal: Deal, v: Valuation, fair: FairShare, rules: RuleSet) -> Check:
    """The charge follows the data and its use, judged by value whatever the mechanism: commercial use owes cost
    recovery plus a value share (an upfront payment, a subscription, milestones, a royalty... all count, by what
    they are worth, at the partner's rate); non-commercial use owes cost recovery and a consent-to-commercialise
    clause."""
    title = "The charge depends on the type of data and how it is used"
    richness = next(f.score for f in fair.factors if f.factor.value == "curation_and_linkage")
    rich = richness >= rules.rich_data_score
    figures = {"Use": deal.use.label, "Curation and linkage score": f"{richness}/5"}
    if deal.use is Use.NON_COMMERCIAL_RESEARCH:
        figures["Costs of access"] = money(v.nhs_access_costs)
        if deal.consent_clause is None:
            return Check("principle_3", title, Status.WARNING,
                         "Non-commercial use should pair cost recovery with a consent-to-commercialise clause, so the "
                         "NHS shares in value if the work turns commercial.", figures)
        return Check("principle_3", title, Status.PASS,
                     f"Cost recovery only is the right charge here ({COST_RECOVERY_ONLY}); the clause is in place.",
                     figures)
    if v.value_share is not None:
        figures["Value share beyond cost recovery"] = (f"{money(v.value_share_gbp)} ({percent(v.value_share)} of "
                                                       f"the partner's value)")
    royalties = [t for t in deal.terms if of(t).minority_case]
    minority = (" Royalties and revenue shares suit a minority of deals, mainly where the partner prefers them "
                f"({PRACTICAL}) [pub]." if royalties else "")
    data = "curated or linked data" if rich else "this data"
    if v.value_share is None and v.value_share_gbp > 0.5:
        figures["Value share beyond cost recovery"] = money(v.value_share_gbp)
        return Check("principle_3", title, Status.PASS,
                     f"Commercial use carries cost recovery plus {money(v.value_share_gbp)} beyond it, whatever the "
                     f"mechanism; it cannot be set against the partner's value ({v.nhs_share_note})." + minority,
                     figures)
    enough = fair.low * rules.fail_below_band_fraction
    if v.value_share_gbp <= 0.5:  # less than 50p beyond costs: nothing is shared
        status = Status.FAIL if rich else Status.WARNING
        return Check("principle_3", title, status,
                     f"Commercial use of {data} should carry cost recovery plus a value share agreed at the outset; "
                     f"what the partner gives does not go beyond the NHS's costs of access (a rate of 0% or a term "
                     f"worth nothing shares no value)." + minority, figures)
    if v.value_share is not None and v.value_share < enough:
        return Check("principle_3", title, Status.WARNING,
                     f"Commercial use of {data} carries a value share beyond cost recovery, but a small one: "
                     f"{percent(v.value_share)} of the partner's value, under half the fair band's low end "
                     f"({percent(fair.low)}).", figures)
    return Check("principle_3", title, Status.PASS,
                 f"Commercial use carries cost recovery plus a value share of {percent(v.value_share or 0.0)} of the "
                 f"partner's value ({money(v.value_share_gbp)}), whatever the mechanism." + minority, figures)


def principle_4(deal: Deal, v: Valuation, fair: FairShare, rules: RuleSet) -> Check:
    """The value share beyond cost recovery against the fair band: below it short, above it a risk to the partner,
    and never so much that the partner's NPV at its hurdle turns negative."""
    title = "The NHS shares in value in proportion to its contribution"
    figures = _value_share_figures(v, fair)
    if deal.use is Use.NON_COMMERCIAL_RESEARCH:
        return Check("principle_4", title, Status.NOT_APPLICABLE,
                     "Non-commercial use: the NHS's share is set by the consent-to-commercialise clause if the work "
                     "turns commercial.", figures)
    if fair.actual is None and deal.route_to_market is None:
        return Check("principle_4", title, Status.NOT_APPLICABLE,
                     "There is no product, so the partner's value is not modelled and there is no share of it to set "
                     "against the fair band: judge the deal on cost recovery (principle 2), the value shared beyond "
                     "it and the three aims [ours].", figures)
    if fair.actual is None:
        return Check("principle_4", title, Status.WARNING,
                     f"The NHS's value share cannot be measured: {v.nhs_share_note}.", figures)
    if v.partner_npv < 0:
        figures["Partner NPV at its hurdle"] = money(v.partner_npv)
        return Check("principle_4", title, Status.FAIL,
                     f"The terms take {percent(v.nhs_share)} of the partner's value, leaving it an NPV of "
                     f"{money(v.partner_npv)} at its {percent(deal.assumptions.partner_discount_rate)} hurdle: a share "
                     f"the partner cannot bear is not proportionate, and it would walk away.", figures)
    if fair.position == "below":
        status = Status.FAIL if fair.actual < fair.low * rules.fail_below_band_fraction else Status.WARNING
        return Check("principle_4", title, status,
                     f"The value share is below the fair band for what the NHS contributes, by "
                     f"{points(fair.low - fair.actual).lstrip('+')} of the partner's value.", figures)
    if fair.position == "above":
        figures["Partner NPV at its hurdle"] = money(v.partner_npv)
        return Check("principle_4", title, Status.WARNING,
                     f"The value share is above the fair band, by {points(fair.actual - fair.high).lstrip('+')} of the "
                     f"partner's value: the partner keeps {money(v.partner_npv)} of NPV, and a share beyond what the "
                     f"NHS contributed may deter it or other partners (principle 1).", figures)
    return Check("principle_4", title, Status.PASS, "The value share lies within the fair band.", figures)


def _patient_benefit_aim(deal: Deal, expected_patients: float) -> Check:
    title = "An explicit aim to improve care, with quantified patient benefit (2019)"
    b = deal.patient_benefit
    purpose = bool(deal.purpose.strip())
    outcomes = [o for o in b.outcomes if o.per_year > 0]
    quantified = b.qalys_per_patient > 0 or b.cost_offset_per_patient_gbp != 0 or bool(outcomes)
    figures = {"Purpose stated": "yes" if purpose else "no", "QALYs per patient": number(b.qalys_per_patient),
               "NHS savings per patient": money(b.cost_offset_per_patient_gbp),
               "Expected patients reached": number(round(expected_patients))}
    if outcomes:
        figures["Outcomes beyond QALYs"] = "; ".join(f"{o.name}: {number(o.per_year)} {o.unit} a year"
                                                     for o in outcomes)
    if purpose and quantified and (expected_patients > 0 or outcomes):
        return Check("patient_benefit_aim", title, Status.PASS,
                     "The deal states its purpose and quantifies the benefit to patients.", figures)
    if not purpose and not quantified:
        return Check("patient_benefit_aim", title, Status.WARNING,
                     "The deal states no purpose and quantifies no patient benefit (no QALYs, no NHS savings): say "
                     "how it will improve care, with figures where possible.", figures)
    if not purpose:
        return Check("patient_benefit_aim", title, Status.WARNING,
                     "The patient benefit is quantified, but the deal states no purpose: say how it will improve "
                     "care.", figures)
    return Check("patient_benefit_aim", title, Status.WARNING,
                 "The purpose is stated, but no patient benefit is quantified (no QALYs, NHS savings or patients "
                 "reached): add figures where possible.", figures)


def _exclusivity(deal: Deal) -> Check:
    title = "No exclusive rights over raw NHS data, nor beyond it unbounded (2019)"
    x = deal.exclusivity
    if deal.exclusive_raw_data_access:
        return Check("no_exclusivity", title, Status.FAIL,
                     "The deal gives the partner exclusive access to raw data, which the 2019 principles forbid.")
    if not x.derived_exclusive:
        return Check("no_exclusivity", title, Status.PASS,
                     "Access is non-exclusive, and so are the rights to derived data and models.")
    limits = {"Field of use": x.field_of_use or "not limited",
              "Exclusive for": "no end" if x.years is None else f"{x.years} years"}
    if x.field_of_use and x.years is not None:
        return Check("no_exclusivity", title, Status.PASS,
                     f"Raw data stays non-exclusive; the partner's exclusive rights to derived data and models are "
                     f"limited to a field of use and to {x.years} years, leaving the NHS's national use of its "
                     f"data intact [ours].", limits)
    missing = " and ".join(w for w, bad in (("to a field of use", not x.field_of_use),
                                            ("in time", x.years is None)) if bad)
    return Check("no_exclusivity", title, Status.WARNING,
                 f"Raw data stays non-exclusive, but the exclusive rights to derived data and models are not limited "
                 f"{missing}: unbounded, they can undermine the NHS's national use of its data [ours].", limits)


def _transparency(deal: Deal) -> Check:
    title = "Transparency to patients and the public (2019)"
    t = deal.transparency
    published = [label for label, done in (("an entry in a public data-use register", t.data_use_register),
                                           ("a plain-language public summary", t.public_summary),
                                           ("the results", t.results_published)) if done]
    figures = {"Published": ", ".join(published) or "nothing"}
    if not published:
        return Check("transparency", title, Status.WARNING,
                     "The deal publishes nothing: list it in a data-use register or publish a plain-language summary "
                     "so that it can be explained to patients and the public.", figures)
    return Check("transparency", title, Status.PASS, f"The deal publishes {', '.join(published)}.", figures)


def guiding_principles(deal: Deal, v: Valuation, expected_patients: float = 0.0) -> list[Check]:
    """Checks from the DHSC 2019 guiding principles behind the framework (aim, exclusivity, transparency), then the
    consent-to-commercialise clause a non-commercial use needs (the framework's principle 3 and the 2023 practical
    applications)."""
    checks = [_patient_benefit_aim(deal, expected_patients), _exclusivity(deal), _transparency(deal)]
    if deal.use is Use.NON_COMMERCIAL_RESEARCH:
        has = deal.consent_clause is not None
        checks.append(Check("consent_to_commercialise", "Consent to commercialise for non-commercial use",
                            Status.PASS if has else Status.WARNING,
                            "The clause is in place." if has else
                            "Without the clause, the NHS would share in nothing if the work became commercial."))
    return checks


def check_principles(deal: Deal, v: Valuation, fair: FairShare, rules: RuleSet = VSF_2023, *,
                     expected_patients: float = 0.0) -> list[Check]:
    """The four principles, then the 2019 guiding-principle checks; ``expected_patients`` is the patient-benefit
    aim's count of patients reached (the pillars')."""
    return [principle_1(deal, v, rules), principle_2(deal, v, rules), principle_3(deal, v, fair, rules),
            principle_4(deal, v, fair, rules), *guiding_principles(deal, v, expected_patients)]

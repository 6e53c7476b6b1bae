"""The four principles of the Value Sharing Framework and the 2019 guiding principles, checked on a deal.

Each check gives pass, warning or fail (or not applicable) with its figures and one sentence of reason. The rules
are the framework's; the thresholds that turn them into pass/warning/fail are valueshare's own [ours], kept in one
named, dated rule set so that a later framework can sit beside this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from valueshare.engine.valuation import Valuation
from valueshare.format import money, percent, ratio
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
    #: Principle 4: a share below this fraction of the band's low end fails (between it and the band, a warning).
    fail_below_band_fraction: float = 0.5


VSF_2023 = RuleSet()


@dataclass(frozen=True)
class Check:
    key: str                  # "principle_1" ... "principle_4", "no_exclusivity", "consent_to_commercialise"
    title: str
    status: Status
    reason: str
    figures: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "status": self.status.label.lower().replace(" ", "_"),
                "reason": self.reason, "figures": self.figures}


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
    if not fees:
        return Check("principle_2", title, Status.FAIL, "The deal charges no access fee or subscription.", figures)
    if r is None:
        return Check("principle_2", title, Status.WARNING,
                     "A fee is charged, but no NHS access costs are entered, so recovery cannot be checked.", figures)
    if r < 1.0:
        return Check("principle_2", title, Status.FAIL,
                     f"Fees recover only {percent(r, 0)} of what giving access costs the NHS, in present value.",
                     figures)
    return Check("principle_2", title, Status.PASS, "Fees and subscriptions recover the NHS's costs of access.",
                 figures)


def principle_3(deal: Deal, v: Valuation, fair: FairShare, rules: RuleSet) -> Check:
    title = "The charge depends on the type of data and how it is used"
    shares = [t.kind for t in deal.terms if of(t).value_share]
    richness = next(f.score for f in fair.factors if f.factor.value == "curation_and_linkage")
    figures = {"Use": deal.use.label, "Value-sharing mechanisms beyond cost recovery": str(len(shares)),
               "Curation and linkage score": f"{richness}/5"}
    if deal.use is Use.NON_COMMERCIAL_RESEARCH:
        if deal.consent_clause is None:
            return Check("principle_3", title, Status.WARNING,
                         "Non-commercial use should pair cost recovery with a consent-to-commercialise clause.",
                         figures)
        return Check("principle_3", title, Status.PASS,
                     "Non-commercial use: cost recovery now, value sharing agreed if the work turns commercial.",
                     figures)
    if not shares:
        status = Status.FAIL if richness >= 3 else Status.WARNING
        return Check("principle_3", title, status,
                     "Commercial use should carry a value share agreed at the outset, beyond cost recovery"
                     + (", all the more for curated or linked data." if richness >= 3 else "."), figures)
    return Check("principle_3", title, Status.PASS,
                 "Commercial use carries cost recovery plus a value share agreed at the outset.", figures)


def principle_4(deal: Deal, v: Valuation, fair: FairShare, rules: RuleSet) -> Check:
    title = "The NHS shares in value in proportion to its contribution"
    figures = {"NHS share of value": percent(fair.actual) if fair.actual is not None else "n/a",
               "Fair band": f"{percent(fair.low)} to {percent(fair.high)}"}
    if deal.use is Use.NON_COMMERCIAL_RESEARCH:
        return Check("principle_4", title, Status.NOT_APPLICABLE,
                     "Non-commercial use: the NHS's share is set by the consent-to-commercialise clause if the work "
                     "turns commercial.", figures)
    if fair.actual is None:
        return Check("principle_4", title, Status.WARNING,
                     f"The NHS's share cannot be measured: {v.nhs_share_note}.", figures)
    if fair.position == "below":
        status = Status.FAIL if fair.actual < fair.low * rules.fail_below_band_fraction else Status.WARNING
        return Check("principle_4", title, status,
                     f"The NHS's share is below the fair band for what it contributes, by "
                     f"{percent(fair.low - fair.actual)} of the partner's value.", figures)
    if fair.position == "above":
        return Check("principle_4", title, Status.PASS,
                     "The NHS's share is above the fair band: proportionate at least, but check it does not deter "
                     "the partner (principle 1).", figures)
    return Check("principle_4", title, Status.PASS, "The NHS's share lies within the fair band.", figures)


def guiding_principles(deal: Deal) -> list[Check]:
    """Checks from the DHSC 2019 guiding principles behind the framework."""
    checks = []
    if deal.exclusive_raw_data_access:
        checks.append(Check("no_exclusivity", "No exclusive access to raw NHS data (2019)", Status.FAIL,
                            "The deal gives the partner exclusive access to raw data, which the 2019 principles "
                            "forbid."))
    else:
        checks.append(Check("no_exclusivity", "No exclusive access to raw NHS data (2019)", Status.PASS,
                            "Access is non-exclusive."))
    if deal.use is Use.NON_COMMERCIAL_RESEARCH:
        has = deal.consent_clause is not None
        checks.append(Check("consent_to_commercialise", "Consent to commercialise for non-commercial use",
                            Status.PASS if has else Status.WARNING,
                            "The clause is in place." if has else
                            "Without the clause, the NHS would share in nothing if the work became commercial."))
    return checks


def check_principles(deal: Deal, v: Valuation, fair: FairShare, rules: RuleSet = VSF_2023) -> list[Check]:
    """The four principles, then the 2019 guiding-principle checks."""
    return [principle_1(deal, v, rules), principle_2(deal, v, rules), principle_3(deal, v, fair, rules),
            principle_4(deal, v, fair, rules), *guiding_principles(deal)]

"""What the NHS does not trade for money, what it does if there is no deal, and who signs the deal off.

The red lines come from the deal and two sources: DHSC, *Creating the right framework to realise the benefits for
patients and the NHS where data underpins innovation* (2019), whose guiding principles still stand (an aim to
improve care, fair terms, no exclusive rights to raw data, transparency, legal compliance), and NHS England's Value
Sharing Framework (2023), which makes consent-to-commercialise the instrument for non-commercial uses and secure
data environments the default route. The approval thresholds are ours: the framework sets none.
"""

from __future__ import annotations

from dataclasses import dataclass

from valueshare.format import money, number
from valueshare.model import AccessRoute, ConsentToCommercialise, Deal, Use
from valueshare.model.parties import NhsKind

DHSC_2019 = "DHSC, Creating the right framework (2019)"
VSF_2023 = "NHS England, Value Sharing Framework (2023)"

#: The approval thresholds on the value to the NHS at the ask [ours: the framework sets none; set them from the
#: NHS body's own scheme of delegation].
COMMERCIAL_DIRECTOR_UP_TO = 500_000.0
DIRECTOR_OF_FINANCE_UP_TO = 5_000_000.0


@dataclass(frozen=True)
class RedLine:
    title: str
    text: str
    source: str
    breached: bool = False   # the deal as drafted crosses it: the draft must change before it is signed


@dataclass(frozen=True)
class Approver:
    role: str
    why: str


@dataclass(frozen=True)
class SignOff:
    size: float        # the value to the NHS at the ask, the figure the thresholds read
    rule: str
    approvers: list[Approver]


def red_lines(deal: Deal, qalys: float | None) -> list[RedLine]:
    """The terms the NHS does not trade for money, read from the deal: each says what the draft does now."""
    out = []
    raw = deal.exclusive_raw_data_access
    out.append(RedLine("No exclusive access to raw data",
                       "The partner gets no exclusive right of access to, or use of, the NHS's raw data: other users "
                       "may be given access on the same terms. "
                       + ("The draft grants exclusive raw-data access: remove it before anything else is agreed."
                          if raw else "The draft grants none."), DHSC_2019 + ", principle 3", raw))
    ex = deal.exclusivity
    if ex.derived_exclusive:
        limited = (f"limited to {ex.field_of_use}" if ex.field_of_use else "not limited to a field of use") + (
            f" and to {ex.years} years" if ex.years else ", with no end date")
        out.append(RedLine("Exclusivity over derived data and models only within a field and a term",
                           f"The draft gives the partner exclusive rights to derived data or models, {limited}. "
                           f"Hold both limits [ours].", "[ours], reading " + DHSC_2019 + ", principle 3",
                           not (ex.field_of_use and ex.years)))
    purpose = deal.purpose.strip()
    benefit = (f" The model counts {number(round(qalys, 1))} QALYs (discounted) from it." if qalys else "")
    out.append(RedLine("The patient benefit is a commitment, not a hope",
                       (f"The deal states its aim: {purpose}" if purpose else
                        "The draft states no aim to improve care: write one, with the benefit it is to bring.")
                       + benefit + " The partner reports on it at each review, and the NHS may end the deal if the "
                                   "work leaves that aim.", DHSC_2019 + ", principle 1", not purpose))
    if deal.access_route is AccessRoute.SDE:
        out.append(RedLine("The data stays in the secure data environment",
                           "The partner analyses the data inside the secure data environment; only outputs that "
                           "pass its checks leave it, and no record-level extract is made.", VSF_2023 + " (the guide's "
                           "access routes)"))
    elif deal.access_route is AccessRoute.NHS_ANALYSIS:
        out.append(RedLine("The data stays with the NHS",
                           "NHS staff run the analysis and the partner receives aggregate results only.",
                           VSF_2023 + " (the guide's access routes)"))
    else:
        out.append(RedLine("An extract only with its justification written down",
                           "The draft gives the partner an extract, which the guide expects to be rare: record why a "
                           "secure data environment will not do, and the controls on the extract.",
                           VSF_2023 + " (the guide's access routes)", True))
    t = deal.transparency
    missing = [name for name, done in (("listing in a public data-use register", t.data_use_register),
                                       ("a plain-language public summary", t.public_summary),
                                       ("publication of results", t.results_published)) if not done]
    out.append(RedLine("Publication and transparency",
                       "The partnership can be explained to patients and the public. "
                       + ("The draft commits to every one of a data-use register listing, a public summary and "
                          "publication of results." if not missing else
                          "The draft does not yet commit to " + ", ".join(missing) + ": ask for them."),
                       DHSC_2019 + ", principle 4", bool(missing)))
    if deal.use is Use.NON_COMMERCIAL_RESEARCH:
        has = any(isinstance(term, ConsentToCommercialise) for term in deal.terms)
        out.append(RedLine("Consent to commercialise",
                           "If the work turns commercial, the partner must seek the NHS's consent and agree a value "
                           "share first. " + ("The draft has the clause." if has else
                                              "The draft has no such clause: add it."),
                           VSF_2023 + ", principle 3", not has))
    return out


def fallback(deal: Deal, walk_npv: float | None, qalys: float | None) -> list[str]:
    """What the NHS does if there is no deal, as far as the model knows it."""
    out = [f"No deal: the NHS receives nothing from {deal.partner.name} and spends nothing on giving access, so its "
           f"NPV of no deal is £0 on this model."
           + (f" At its walk-away the deal is worth {money(walk_npv)} to the NHS at its own rate: below that, no deal "
              f"is better." if walk_npv is not None else "")]
    if deal.platform_users:
        out.append(f"The platform keeps its other {len(deal.platform_users)} user(s) on their own terms; access is "
                   f"non-exclusive, so the data stays open to them and to new users.")
    else:
        out.append("Access is non-exclusive: the data stays open to other partners on the same terms. The model does "
                   "not value them, so weigh any other interested partner yourselves.")
    if deal.use is not Use.NON_COMMERCIAL_RESEARCH:
        out.append("A non-commercial use of the same data (academic research) remains possible at cost recovery with a "
                   "consent-to-commercialise clause (the framework's route for it).")
    if qalys:
        out.append(f"What no deal costs patients: the {number(round(qalys, 1))} QALYs the model counts are lost unless "
                   f"the product reaches them another way; the model cannot say whether it would.")
    return out


def sign_off(deal: Deal, size: float) -> SignOff:
    """Who approves the deal, by the value to the NHS at the ask [ours: the framework sets no thresholds]."""
    rule = (f"[ours] Up to {money(COMMERCIAL_DIRECTOR_UP_TO)} of value to the NHS at the ask: the commercial "
            f"director; up to {money(DIRECTOR_OF_FINANCE_UP_TO)}: with the director of finance; above that: the "
            f"board. Data held nationally: NHS England too. Replace these with the body's own scheme of delegation. "
            f"A step below the ask is offered only with the approvers' consent.")
    lead = "the lead body's" if deal.nhs.members else "the NHS body's"
    approvers = [Approver(f"Commercial director ({deal.nhs.name})", f"owns the negotiation and {lead} terms")]
    if size > COMMERCIAL_DIRECTOR_UP_TO:
        approvers.append(Approver("Director of finance", f"the ask ({money(size)}) is above "
                                                         f"{money(COMMERCIAL_DIRECTOR_UP_TO)}"))
    if size > DIRECTOR_OF_FINANCE_UP_TO:
        approvers.append(Approver("Board", f"the ask ({money(size)}) is above {money(DIRECTOR_OF_FINANCE_UP_TO)}"))
    approvers.append(Approver("Caldicott Guardian", "the use of patient data: the purpose and the access route"))
    if deal.nhs.kind is NhsKind.NATIONAL_BODY:
        approvers.append(Approver("NHS England", "the data is held nationally"))
    return SignOff(size, rule, approvers)

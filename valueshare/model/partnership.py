"""Who else pays for a partnership: third-party funding, and other users of the same data platform (issue 16).

Each is optional and empty by default, so a deal between one NHS body and one partner reads as before. Consortium
members and shared curation are parts of the NHS side (``valueshare.model.parties``).
"""

from __future__ import annotations

from pydantic import Field

from valueshare.model.base import Choice, Model, labels
from valueshare.model.parties import PartnerKind
from valueshare.model.terms import UserTerm
from valueshare.model.types import Gbp, Name, Prose, WholeYears, YearIndex


class FunderKind(Choice):
    GOVERNMENT_RESEARCH_FUND = "government_research_fund"
    NIHR = "nihr"
    NHS_ENGLAND = "nhs_england"
    CHARITY = "charity"
    CO_INVESTOR = "co_investor"
    OTHER = "other"


labels("FunderKind", {
    "government_research_fund": "Government research fund (e.g. UKRI, Innovate UK)", "nihr": "NIHR",
    "nhs_england": "NHS England innovation payment", "charity": "Charity", "co_investor": "Co-investor",
    "other": "Other",
})


class FundingFor(Choice):
    NHS = "nhs"
    PARTNER = "partner"


labels("FundingFor", {"nhs": "Towards the NHS's costs", "partner": "Towards the partner's costs"})


class Funding(Model):
    """Money from a third party (a grant or co-investment) towards one side's costs of the partnership.

    Funding towards the NHS's costs reduces what the NHS itself bears, and so the costs its fees must recover;
    funding towards the partner's costs adds to the partner's value (and is taxable, as a grant to a company
    usually is [ours])."""

    funder: Name = Field(title="Funder", description="Who gives the money.", max_length=200)
    kind: FunderKind = Field(title="Kind of funder", default=FunderKind.OTHER, description="What kind of funder.")
    towards: FundingFor = Field(title="Towards", description="Whose costs the money pays for.")
    amount_gbp: Gbp = Field(title="Amount a year", description="The money given each year, in £ (real terms).")
    start_year: YearIndex = Field(title="Start year", default=0,
        description="First year the money is paid; year 0 is signature.")
    years: WholeYears = Field(title="Years", default=1, description="For how many years it is paid.")
    conditions: Prose = Field(title="Conditions", default="", max_length=1000,
        description="The funder's conditions (match funding, publication, open access, claw-back...).")


class PlatformUser(Model):
    """Another paying user of the same data asset (a platform or data environment), with its own terms."""

    name: Name = Field(title="Name", description="Name of the user organisation.", max_length=200)
    kind: PartnerKind = Field(title="Kind", default=PartnerKind.LARGE_COMPANY,
        description="What kind of organisation the user is.")
    terms: list[UserTerm] = Field(title="Terms", default_factory=list, max_length=10,
        description="The user's own terms: fees, subscriptions, secure-environment charges, in-kind benefits.")

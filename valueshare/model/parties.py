"""Who is in the deal, and what the NHS side brings to it: data assets, expertise and its own costs of access."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from valueshare.errors import Invalid, Problem
from valueshare.model.base import Choice, Model, labels
from valueshare.model.types import (
    Count,
    Fraction,
    Gbp,
    Hours,
    Name,
    Prose,
    WholeYears,
    YearIndex,
    YearsNonNegative,
    bounded,
)


class NhsKind(Choice):
    TRUST = "trust"
    ICB = "icb"
    SDE = "secure_data_environment"
    NATIONAL_BODY = "national_body"


labels("NhsKind", {"trust": "NHS trust", "icb": "Integrated care board", "secure_data_environment":
                   "Secure data environment", "national_body": "National body"})


class PartnerKind(Choice):
    SME = "sme"
    LARGE_COMPANY = "large_company"
    ACADEMIC = "academic"
    CHARITY = "charity"


labels("PartnerKind", {"sme": "SME", "large_company": "Large company", "academic": "Academic", "charity": "Charity"})


class SplitRule(Choice):
    BY_CONTRIBUTION = "by_contribution"
    BY_RECORDS = "by_records"
    FIXED = "fixed"
    NOT_AGREED = "not_agreed"


labels("SplitRule", {
    "by_contribution": "By contribution: each member's own costs of giving access, at present value [ours]",
    "by_records": "By records: each member's share of the patient records contributed",
    "fixed": "Fixed shares agreed between the members",
    "not_agreed": "Not agreed yet: no figures per member",
})


class MemberCosts(Model):
    """What one member of a consortium spends itself to give access, beyond the consortium's shared costs."""

    preparation_gbp: Gbp = Field(title="Preparation cost", default=0.0,
        description="The member's one-off cost of preparing its data, paid at signature, in £.")
    yearly_gbp: Gbp = Field(title="Yearly cost", default=0.0,
        description="The member's yearly cost (extracts, governance, support), in £.")
    years: WholeYears = Field(title="Years", default=1,
        description="How many years the member bears its yearly cost (years 1 to this).")


class Member(Model):
    """One member of a consortium on the NHS side: an NHS body, or a non-NHS co-owner of the data (a university)."""

    name: Name = Field(title="Name", description="Name of the member organisation.", max_length=200)
    is_nhs: bool = Field(title="NHS body", default=True,
        description="True for an NHS body; false for a co-owner outside the NHS (a university, a charity), whose "
                    "share is its own and not counted in the NHS's figures.")
    records: Count = Field(title="Patient records", default=0.0,
        description="Patient records the member contributes (used when the split is by records).")
    share: Fraction | None = Field(title="Fixed share", default=None,
        description="With a fixed split: the member's share of the consortium's receipts (0.4 is 40%).")
    own_costs: MemberCosts = Field(title="Own costs", default_factory=MemberCosts,
        description="What the member spends itself to give access, beyond the consortium's shared costs.")


def member_problems(members: list[Member], split: SplitRule):
    """Yield (field, rule, message) for each way the members and their split do not fit together."""
    seen: set[str] = set()
    for k, member in enumerate(members):
        if member.name in seen:
            yield f"members[{k}].name", "member_names_unique", f"'{member.name}' is listed twice"
        seen.add(member.name)
        if member.share is not None and split is not SplitRule.FIXED:
            yield (f"members[{k}].share", "share_only_when_fixed",
                   f"a fixed share is used only with split: fixed; this split is {split.value}")
    if not members:
        return
    if split is SplitRule.FIXED:
        missing = [k for k, m in enumerate(members) if m.share is None]
        if missing:
            yield (f"members[{missing[0]}].share", "fixed_shares_given",
                   "with split: fixed, every member needs its share")
        elif abs(sum(m.share or 0.0 for m in members) - 1.0) > 1e-6:
            total = sum(m.share or 0.0 for m in members)
            yield "members", "fixed_shares_add_to_one", f"the fixed shares must add up to 100%; they add up to " \
                                                        f"{total * 100:.4g}%"
    if split is SplitRule.BY_RECORDS and sum(m.records for m in members) <= 0:
        yield "members", "records_given", "with split: by_records, at least one member needs its patient records"
    if split is SplitRule.BY_CONTRIBUTION and not any(
            m.own_costs.preparation_gbp > 0 or m.own_costs.yearly_gbp > 0 for m in members):
        yield ("members", "contributions_given",
               "with split: by_contribution, at least one member needs its own costs (the split follows them)")


class NhsParty(Model):
    """The NHS side: one organisation, or a consortium (an ICS, a secure data environment, several trusts) with its
    members, their own costs and the agreed split of what the partner pays."""

    name: Name = Field(
        title="Name", description="Name of the NHS organisation, or of the consortium.", max_length=200)
    kind: NhsKind = Field(title="Kind", description="What kind of NHS body it is (for a consortium, its lead's).")
    members: list[Member] = Field(title="Consortium members",
        default_factory=list, max_length=101,  # format 2's 100 consortium members and its lead
        description="Every member of the consortium, each with its own records and costs; a non-NHS co-owner (a "
                    "university) is a member with NHS body false. Leave empty for a single organisation.")
    split: SplitRule = Field(title="Split of receipts", default=SplitRule.NOT_AGREED,
        description="How the members share what the partner pays (and the consortium's shared costs): by "
                    "contribution (each member's own costs), by records, fixed shares, or not agreed yet.")

    @model_validator(mode="after")
    def _members_fit_the_split(self) -> NhsParty:
        problems = [Problem(where, message, rule) for where, rule, message in member_problems(self.members,
                                                                                                self.split)]
        if problems:
            raise Invalid(*problems)
        return self


class Partner(Model):
    """The organisation that uses the NHS data and expertise."""

    name: Name = Field(title="Name", description="Name of the partner organisation.", max_length=200)
    kind: PartnerKind = Field(title="Kind", description="What kind of organisation the partner is.")


class DataType(Choice):
    EHR = "ehr"
    IMAGING = "imaging"
    GENOMICS = "genomics"
    PATHOLOGY = "pathology"
    PROMS = "patient_reported_outcomes"
    OTHER = "other"


labels("DataType", {"ehr": "Electronic health records", "imaging": "Imaging", "genomics": "Genomics",
                    "pathology": "Pathology", "patient_reported_outcomes": "Patient-reported outcomes",
                    "other": "Other"})


class Curation(Choice):
    RAW = "raw"
    STANDARDISED = "standardised"
    CURATED = "curated"
    LABELLED = "labelled"


labels("Curation", {"raw": "Raw extract", "standardised": "Standardised (coded to a common model)",
                    "curated": "Curated (cleaned and quality-assured)",
                    "labelled": "Labelled or annotated by clinicians"})


class DataAsset(Model):
    """One data asset the NHS makes available."""

    name: Name = Field(
        title="Name", description="A short name for the data asset, e.g. 'Retinal images 2010-2024'.", max_length=200)
    data_type: DataType = Field(title="Data type", description="The kind of data.")
    patients: Count = Field(title="Patients", description="Number of patients whose data is included.")
    history_years: YearsNonNegative = Field(title="History", description="Years of history the data covers.")
    curation: Curation = Field(
        title="Curation", default=Curation.CURATED, description="How far the data has been prepared for use.")
    linked: bool = Field(
        title="Linked", default=False, description="Whether the asset links several sources for the same patients.")
    unique: bool = Field(
        title="Unique", default=False, description="Whether comparable data is hard to obtain elsewhere.")


class ExpertiseKind(Choice):
    CLINICAL = "clinical"
    ANALYTICAL = "analytical"


class Expertise(Model):
    """Clinical or analytical staff time the NHS commits to the partnership."""

    kind: ExpertiseKind = Field(
        title="Kind", description="Clinical (e.g. labelling, advice) or analytical (e.g. data preparation).")
    description: Prose = Field(title="Description", default="", max_length=500, description="What the staff will do.")
    hours_per_year: Hours = Field(title="Hours per year", description="Staff hours committed each year.")
    cost_per_hour_gbp: Gbp = Field(
        title="Cost per hour", description="Full cost to the NHS of one hour of that staff time, in £.")
    start_year: YearIndex = Field(
        title="Start year", default=1, description="First year the time is given (year 0 is signature).")
    years: WholeYears = Field(title="Years", default=1, description="How many years the time is given for.")


class AccessCosts(Model):
    """What it costs the NHS to give access: the floor that the fees must at least recover."""

    preparation_gbp: Gbp = Field(title="Preparation cost",
        default=0.0, description="One-off cost of preparing the data and the environment, paid at signature, in £.")
    yearly_gbp: Gbp = Field(title="Yearly cost",
        default=0.0, description="Yearly cost of hosting in a secure data environment, governance and support, in £.")
    years: WholeYears = Field(
        title="Years", default=1,
        description="How many years access is provided (yearly costs fall in years 1 to this).")


class CurationCosts(Model):
    """Curation of the data asset that serves more than this deal: done before signature (sunk) or over several
    years, and amortised over the users expected to use it. This deal bears, and may recover, its users' share."""

    description: Prose = Field(title="Description", default="", max_length=500,
        description="What the curation is (cleaning, coding, linkage, annotation...).")
    already_spent_gbp: Gbp = Field(title="Curation already done", default=0.0,
        description="What curation before signature cost, in £. Sunk: it is not a new cash flow, but the framework "
                    "lets the NHS recover its costs of making data usable, so this deal's share is counted at "
                    "signature [ours].")
    yearly_gbp: Gbp = Field(title="Curation a year", default=0.0,
        description="Curation still to do each year, in £.")
    start_year: YearIndex = Field(title="Start year", default=1, description="First year of the curation to do.")
    years: WholeYears = Field(title="Years", default=1, description="How many years the curation to do lasts.")
    expected_users: Annotated[int, *bounded("count", 1, 100_000)] = Field(title="Expected users", default=1,
        description="How many users (deals) the curation is expected to serve, including this deal's: each bears "
                    "an equal share.")


class Contribution(Model):
    """Everything the NHS side contributes: data, expertise, and the costs it bears to provide them."""

    data_assets: list[DataAsset] = Field(title="Data assets",
        default_factory=list, max_length=50, description="The data assets the NHS makes available.")
    expertise: list[Expertise] = Field(title="Expertise",
        default_factory=list, max_length=50, description="Clinical or analytical staff time the NHS commits.")
    access_costs: AccessCosts = Field(title="Access costs",
        default_factory=AccessCosts, description="The NHS's own costs of providing access.")
    curation: CurationCosts | None = Field(title="Shared curation", default=None,
        description="Curation that serves more than this deal (done before signature, or over several years), "
                    "amortised over its expected users; empty if the access costs above hold every cost.")

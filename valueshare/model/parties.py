"""Who is in the deal, and what the NHS side brings to it: data assets, expertise and its own costs of access."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from valueshare.model.base import Choice, Model, labels
from valueshare.model.types import Count, Gbp, Hours, Name, Prose, WholeYears, YearIndex, YearsNonNegative


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


class NhsParty(Model):
    """The NHS side: one organisation, or a consortium led by one."""

    name: Name = Field(
        title="Name", description="Name of the NHS organisation (or the lead of a consortium).", max_length=200)
    kind: NhsKind = Field(title="Kind", description="What kind of NHS body it is.")
    consortium_members: list[Annotated[Name, Field(max_length=200)]] = Field(title="Consortium members",
        default_factory=list, max_length=100,
        description="Other NHS organisations in the consortium, if any. Leave empty for a single organisation.")


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


class Contribution(Model):
    """Everything the NHS side contributes: data, expertise, and the costs it bears to provide them."""

    data_assets: list[DataAsset] = Field(title="Data assets",
        default_factory=list, max_length=50, description="The data assets the NHS makes available.")
    expertise: list[Expertise] = Field(title="Expertise",
        default_factory=list, max_length=50, description="Clinical or analytical staff time the NHS commits.")
    access_costs: AccessCosts = Field(title="Access costs",
        default_factory=AccessCosts, description="The NHS's own costs of providing access.")

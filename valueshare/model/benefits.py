"""Inputs for the Value Sharing Framework's first two aims and the fair-share estimate.

Defaults carry their source in the description: [pub] a published figure, [ours] valueshare's own proposal.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from valueshare.errors import invalid
from valueshare.model.base import Choice, Model, labels
from valueshare.model.types import (
    Count,
    DiscountRate,
    Fraction,
    Gbp,
    Name,
    SignedGbp,
    WholeYears,
    YearIndex,
    bounded,
)

#: A score on the fair-share scale: 1 (very little) to 5 (a great deal).
Score = Annotated[int, *bounded("score", 1, 5)]
#: A weight given to one fair-share factor.
Weight = Annotated[float, *bounded("weight", 0.0, 10.0)]


class PatientBenefit(Model):
    """What the product does for patients: the framework's first aim."""

    patients_per_unit: Annotated[float, *bounded("count", 0.0, 1e6)] = Field(title="Patients per unit",
        default=1.0, description="UK patients who benefit from each unit sold (e.g. 1 per scan). Used when patients "
                                 "per year is left empty: patients then follow the UK sales of the route to market.")
    patients_per_year: Count | None = Field(title="Patients per year",
        default=None, description="UK patients who benefit each year, if you would rather enter it than derive it "
                                  "from sales.")
    start_year: YearIndex = Field(
        title="Start year", default=1, description="With patients per year entered: the first year they "
                                                         "benefit.")
    years: WholeYears = Field(
        title="Years", default=10, description="With patients per year entered: for how many years.")
    qalys_per_patient: Annotated[float, *bounded("qalys", 0.0, 50.0)] = Field(
        title="QALYs per patient",
        default=0.0, description="Health gain for each patient who benefits, in quality-adjusted life years (QALYs).")
    cost_offset_per_patient_gbp: SignedGbp = Field(title="NHS cost offset per patient",
        default=0.0, description="NHS costs saved for each patient who benefits (fewer appointments, admissions), "
                                 "in £; negative if the product adds NHS costs beyond its price.")
    value_per_qaly_gbp: Gbp = Field(title="Value of a QALY, NHS lens",
        default=20_000.0, description="Value of one QALY under the NHS lens. NICE threshold for HealthTech and "
                                      "devices £20,000–£30,000 [pub]; DHSC's estimate of NHS opportunity cost "
                                      "£15,000 [pub].")
    societal_value_per_qaly_gbp: Gbp = Field(title="Value of a QALY, societal lens",
        default=70_000.0, description="Value of one QALY under the societal lens: HM Treasury Green Book £70,000 "
                                      "(2020-21 prices) [pub].")
    health_discount_rate: DiscountRate = Field(title="Health discount rate",
        default=0.015, description="Discount rate for health effects: Green Book 1.5% [pub] (NICE reference case "
                                   "3.5%, with 1.5% as sensitivity).")


class EconomicGrowth(Model):
    """What the partnership does for the UK economy: the framework's second aim."""

    uk_jobs_fte: Annotated[float, *bounded("fte", 0.0, 1e7)] = Field(title="UK jobs (FTE)",
        default=0.0, description="Direct UK jobs the partnership creates or keeps, in full-time equivalents.")
    jobs_start_year: YearIndex = Field(title="Jobs start year", default=1, description="First year of those jobs.")
    jobs_years: WholeYears = Field(title="Jobs last", default=5, description="How many years the jobs last.")
    gva_per_fte_gbp: Gbp = Field(title="GVA per FTE a year",
        default=104_000.0, description="Gross value added by one life-sciences job a year: about £104,000 "
                                       "(2015 prices; PwC 2017) [pub].")
    additionality: Fraction = Field(title="Additionality",
        default=0.35, description="Share of the jobs and output that would not have happened anyway in the UK "
                                  "(Green Book additionality) [ours: 25%–50%].")
    uk_investment_gbp: Gbp = Field(title="UK investment",
        default=0.0, description="The partner's new investment in the UK because of the partnership, in £.")


class ContributionFactor(Choice):
    DATA_VOLUME = "data_volume"
    DATA_DEPTH = "data_depth"
    CURATION_AND_LINKAGE = "curation_and_linkage"
    UNIQUENESS = "uniqueness"
    EXPERTISE = "expertise"
    DATA_CRITICALITY = "data_criticality"
    CAPITAL_AT_RISK = "capital_at_risk"
    DEVELOPMENT_STAGE = "development_stage"
    PARTNER_IP = "partner_ip"
    COMMERCIALISATION = "commercialisation"


labels("ContributionFactor", {
    "data_volume": "Data volume", "data_depth": "Depth of history", "curation_and_linkage": "Curation and linkage",
    "uniqueness": "Uniqueness", "expertise": "Clinical and analytical expertise",
    "data_criticality": "How critical the data is to the product", "capital_at_risk": "Partner's capital at risk",
    "development_stage": "Development risk the partner carries", "partner_ip": "Partner's own IP",
    "commercialisation": "Partner's commercialisation work",
})

NHS_FACTORS = (ContributionFactor.DATA_VOLUME, ContributionFactor.DATA_DEPTH, ContributionFactor.CURATION_AND_LINKAGE,
               ContributionFactor.UNIQUENESS, ContributionFactor.EXPERTISE, ContributionFactor.DATA_CRITICALITY)
PARTNER_FACTORS = (ContributionFactor.CAPITAL_AT_RISK, ContributionFactor.DEVELOPMENT_STAGE,
                   ContributionFactor.PARTNER_IP, ContributionFactor.COMMERCIALISATION)


class FactorOverride(Model):
    """A user's own score for one fair-share factor, with the reason (shown in the brief)."""

    factor: ContributionFactor = Field(title="Factor", description="Which factor.")
    score: Score = Field(title="Score", description="Score from 1 (very little) to 5 (a great deal).")
    note: Name = Field(
        title="Note", description="Why this score: it appears beside the factor in the brief.", max_length=500)


class FairShareInputs(Model):
    """Judgements the fair-share estimate needs, and any overrides of its default scores."""

    data_criticality: Score = Field(title="How critical the data is (1-5)",
        default=3, description="How critical the NHS data is to the product, 1 (could use other data) to 5 (the "
                               "product cannot exist without it).")
    partner_ip: Score = Field(
        title="Partner's own IP (1-5)", default=3,
        description="How much of the product rests on the partner's own IP, 1 to 5.")
    partner_commercialisation: Score = Field(title="Partner's commercialisation work (1-5)",
        default=3, description="How much commercialisation work (regulatory, sales, support) falls to the partner, "
                               "1 to 5.")
    overrides: list[FactorOverride] = Field(title="Overrides", default_factory=list, max_length=10,
                                            description="Scores you set yourself, each with a note.")
    share_at_equal_contribution: Fraction = Field(title="Fair share at equal contributions",
        default=0.15, description="Fair NHS share of the partner's value when both sides contribute equally "
                                  "[ours: between a data-only royalty and the 25% rule of thumb for a full "
                                  "IP licence].")
    band_width: Annotated[float, *bounded("fraction", 0.0, 0.9)] = Field(title="Band half-width",
        default=0.33, description="Half-width of the fair band, as a share of its centre (0.33: a third either "
                                  "side) [ours].")

    @model_validator(mode="after")
    def _one_override_per_factor(self) -> FairShareInputs:
        seen: set[str] = set()
        for k, item in enumerate(self.overrides):
            if item.factor in seen:
                raise invalid(f"overrides[{k}].factor", "factor_once", f"'{item.factor.value}' is overridden twice")
            seen.add(item.factor)
        return self

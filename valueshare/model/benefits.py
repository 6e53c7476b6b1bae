"""Inputs for the Value Sharing Framework's first two aims and the fair-share estimate.

Defaults carry their source in the description: [pub] a published figure, [ours] valueshare's own proposal.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from valueshare import prices
from valueshare.errors import Problem, invalid
from valueshare.model.base import Choice, Model, labels
from valueshare.model.types import (
    Count,
    DiscountRate,
    Fraction,
    Gbp,
    Name,
    Prose,
    SignedGbp,
    WholeYears,
    YearIndex,
    bounded,
)

#: A score on the fair-share scale: 1 (very little) to 5 (a great deal).
Score = Annotated[int, *bounded("score", 1, 5)]
#: A weight given to one fair-share factor.
Weight = Annotated[float, *bounded("weight", 0.0, 10.0)]


#: HM Treasury Green Book discount rates for health effects (the social time preference rate without its wealth
#: effect): 1.5% to year 30, 1.29% for years 31 to 75, 1.07% for years 76 to 125 (its discounting annex) [pub].
GREEN_BOOK_HEALTH_RATE = 0.015
GREEN_BOOK_HEALTH_RATE_AFTER_30 = 0.0129
GREEN_BOOK_HEALTH_RATE_AFTER_75 = 0.0107
#: NICE reference case discount rate for health effects (and costs): 3.5% a year, with 1.5% as a sensitivity
#: analysis when a technology's benefits last long (NICE health technology evaluations manual, PMG36, 2022) [pub].
NICE_HEALTH_RATE = 0.035
#: The price year (financial year starting in it) of the Green Book's social value of a QALY, £70,000 in 2020-21
#: prices (HM Treasury Green Book, 2022) [pub], and of £104,000 GVA per life-sciences job, in 2015 prices (PwC, 2017)
#: [pub], read as financial year 2015-16 (valueshare.prices).
SOCIETAL_QALY_PRICE_YEAR = 2020
GVA_PER_FTE_PRICE_YEAR = 2015
#: A price year: the financial year starting in it (2020 is 2020-21), as the deal's price base year is read.
PriceYear = Annotated[int, *bounded("calendar_year", 2000, 2100)]


class CostOffsetBasis(Choice):
    GROSS_OF_PRICE = "gross_of_price"
    NET_OF_PRICE = "net_of_price"


labels("CostOffsetBasis", {
    "gross_of_price": "Gross: NHS costs saved before paying for the product",
    "net_of_price": "Net: NHS costs saved after paying for the product",
})


class JobsBasis(Choice):
    PER_UK_SALES = "per_uk_sales"
    FIXED = "fixed"


labels("JobsBasis", {
    "per_uk_sales": "Follow UK sales: jobs per £1m of expected UK sales",
    "fixed": "Fixed: the jobs entered, for the years entered",
})


class OutcomeKind(Choice):
    PATIENT_REPORTED = "patient_reported_outcome"
    APPOINTMENTS_AVOIDED = "appointments_avoided"
    BED_DAYS_AVOIDED = "bed_days_avoided"
    CAPACITY_RELEASED = "capacity_released"
    EQUITY_OF_ACCESS = "equity_of_access"
    OTHER = "other"


labels("OutcomeKind", {
    "patient_reported_outcome": "Patient-reported outcome", "appointments_avoided": "Appointments avoided",
    "bed_days_avoided": "Bed days avoided", "capacity_released": "Capacity released",
    "equity_of_access": "Equity of access", "other": "Other outcome",
})


class Outcome(Model):
    """A benefit to patients or the NHS counted in its own units beside QALYs (the framework's patient-benefit aim),
    with a money value only where a sourced one exists."""

    name: Name = Field(title="Name", max_length=200,
        description="What is counted, e.g. 'Outpatient appointments avoided'.")
    kind: OutcomeKind = Field(title="Kind", default=OutcomeKind.OTHER, description="What kind of outcome it is.")
    unit: Name = Field(title="Unit", max_length=60, description="Its unit, e.g. 'appointments', 'patients'.")
    per_year: Annotated[float, *bounded("count", 0.0, 1e12)] = Field(title="Amount a year",
        description="How much of it each year, in its unit.")
    start_year: YearIndex = Field(title="Start year", default=1, description="First year it is counted.")
    years: WholeYears = Field(title="Years", default=10, description="For how many years.")
    value_per_unit_gbp: Gbp | None = Field(title="Value per unit", default=None,
        description="What one unit is worth in £, only where a published value exists (give its source); empty "
                    "keeps the outcome in its own units.")
    value_source: Prose = Field(title="Source of the value", default="", max_length=500,
        description="Where the value per unit comes from (a published unit cost, an evaluation).")
    cash_releasing: bool = Field(title="Saves NHS money", default=False,
        description="True if the value is NHS spending saved (cash-releasing), counted among the NHS party's "
                    "savings; false if it is capacity freed for other patients, valued but not cash.")

    @model_validator(mode="after")
    def _money_needs_a_source(self) -> Outcome:
        if self.value_per_unit_gbp is not None and not self.value_source.strip():
            raise invalid("value_source", "value_has_a_source",
                          "a money value per unit needs its source (or leave the value empty)")
        if self.cash_releasing and self.value_per_unit_gbp is None:
            raise invalid("value_per_unit_gbp", "saving_has_a_value",
                          "an outcome that saves NHS money needs its value per unit, with its source")
        return self


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
                                 "in £; negative if the product adds NHS costs. Gross or net of the product's "
                                 "price as the cost offset basis says.")
    cost_offset_basis: CostOffsetBasis = Field(title="Cost offsets are",
        default=CostOffsetBasis.GROSS_OF_PRICE,
        description="Whether the cost offset per patient is before (gross) or after (net) what the NHS pays for "
                    "the product. Gross: net monetary benefit subtracts the NHS's spend on the product; net: it "
                    "does not, since the offset already has [ours].")
    value_per_qaly_gbp: Gbp = Field(title="Value of a QALY, NHS lens",
        default=20_000.0, description="Value of one QALY under the NHS lens. NICE threshold for HealthTech and "
                                      "devices £20,000–£30,000 [pub]; DHSC's estimate of NHS opportunity cost "
                                      "£15,000 [pub].")
    nhs_health_discount_rate: DiscountRate = Field(title="Health discount rate, NHS lens",
        default=NICE_HEALTH_RATE,
        description="Discount rate for QALYs under the NHS lens: NICE reference case 3.5% a year, every year; 1.5% "
                    "as its sensitivity analysis for long-lasting benefits (NICE PMG36) [pub].")
    societal_value_per_qaly_gbp: Gbp = Field(title="Value of a QALY, societal lens",
        default=70_000.0, description="Value of one QALY under the societal lens, in the prices of its price year: "
                                      "HM Treasury Green Book £70,000 (2020-21 prices) [pub].")
    societal_value_per_qaly_price_year: PriceYear = Field(title="Price year of the societal QALY value",
        default=SOCIETAL_QALY_PRICE_YEAR,
        description="The financial year whose prices the societal value of a QALY is in (2020 is 2020-21); it is "
                    "brought into the price base year with HM Treasury's GDP deflators [pub].")
    societal_health_discount_rate: DiscountRate = Field(title="Health discount rate, societal lens",
        default=GREEN_BOOK_HEALTH_RATE,
        description="Discount rate for QALYs under the societal lens, years 1 to 30: HM Treasury Green Book 1.5% "
                    "[pub].")
    societal_health_discount_rate_after_30: DiscountRate = Field(
        title="Health discount rate after year 30, societal lens", default=GREEN_BOOK_HEALTH_RATE_AFTER_30,
        description="Societal-lens health discount rate for years 31 to 75: Green Book 1.29% [pub].")
    societal_health_discount_rate_after_75: DiscountRate = Field(
        title="Health discount rate after year 75, societal lens", default=GREEN_BOOK_HEALTH_RATE_AFTER_75,
        description="Societal-lens health discount rate for years 76 on: Green Book 1.07% (to year 125) [pub].")
    outcomes: list[Outcome] = Field(title="Outcomes beyond QALYs", default_factory=list, max_length=20,
        description="Patient-reported outcomes, appointments and bed days avoided, capacity released, equity of "
                    "access: each in its own units, valued in £ only with a source.")


#: A multiplier on net local output (supply-chain and income effects): 1 is none.
Multiplier = Annotated[float, *bounded("factor", 1.0, 5.0)]


class EconomicGrowth(Model):
    """What the partnership does for the UK economy: the framework's second aim. Gross jobs and GVA become net
    additional through the Additionality Guide's factors (leakage, deadweight, displacement, substitution and a
    multiplier)."""

    jobs_basis: JobsBasis = Field(title="Jobs basis", default=JobsBasis.PER_UK_SALES,
        description="How direct UK jobs are counted: following the product's expected UK sales (jobs per £1m), or "
                    "fixed as entered (jobs, start year, years) whatever the sales [ours].")
    uk_jobs_per_gbp_m_uk_sales: Annotated[float, *bounded("fte", 0.0, 1000.0)] = Field(
        title="UK jobs per £1m of UK sales", default=0.0,
        description="With jobs following UK sales: direct UK jobs (FTE) for each £1m a year of expected UK sales. "
                    "For scale, the UK life-sciences sector employed 359,600 people on £146.9bn turnover in 2023/24, "
                    "about 2.4 per £1m [pub]; a product sold in the UK but made abroad supports fewer.")
    uk_jobs_fte: Annotated[float, *bounded("fte", 0.0, 1e7)] = Field(title="UK jobs (FTE)",
        default=0.0, description="With fixed jobs: direct UK jobs the partnership creates or keeps, in full-time "
                                 "equivalents.")
    jobs_start_year: YearIndex = Field(title="Jobs start year", default=1,
                                       description="With fixed jobs: first year of those jobs.")
    jobs_years: WholeYears = Field(title="Jobs last", default=5,
                                   description="With fixed jobs: how many years the jobs last.")
    gva_per_fte_gbp: Gbp = Field(title="GVA per FTE a year",
        default=104_000.0, description="Gross value added by one life-sciences job a year, in the prices of its "
                                       "price year: about £104,000 (2015 prices; PwC 2017) [pub].")
    gva_per_fte_price_year: PriceYear = Field(title="Price year of GVA per FTE",
        default=GVA_PER_FTE_PRICE_YEAR,
        description="The financial year whose prices GVA per FTE is in (2015 is 2015-16); it is brought into the "
                    "price base year with HM Treasury's GDP deflators [pub].")
    leakage: Fraction = Field(title="Leakage",
        default=0.10, description="Share of the gross jobs and output that benefit people outside the UK (e.g. "
                                  "staff based abroad). Additionality Guide ready reckoner 'low' 10% [ours].")
    deadweight: Fraction = Field(title="Deadweight",
        default=0.50, description="Share that would have happened in the UK anyway, without the partnership (the "
                                  "reference case). Additionality Guide ready reckoner 'medium' 50% [ours].")
    displacement: Fraction = Field(title="Displacement",
        default=0.25, description="Share of the net output taken from other UK firms (the same staff or market "
                                  "moving). Additionality Guide ready reckoner 'low' 25% [ours].")
    substitution: Fraction = Field(title="Substitution",
        default=0.0, description="Share where a firm swaps one activity for a similar one to benefit from the "
                                 "partnership. The Additionality Guide gives no ready reckoner; none assumed [ours].")
    multiplier: Multiplier = Field(title="Multiplier",
        default=1.1, description="Supply-chain and income effects of the net jobs and output: Additionality Guide "
                                 "composite multiplier 'low' 1.1 [ours].")
    uk_investment_gbp: Gbp = Field(title="UK investment",
        default=0.0, description="The partner's new investment in the UK because of the partnership, in £.")

    @model_validator(mode="after")
    def _jobs_by_one_basis(self) -> EconomicGrowth:
        if self.jobs_basis is JobsBasis.PER_UK_SALES and self.uk_jobs_fte > 0:
            raise invalid("uk_jobs_fte", "jobs_by_one_basis",
                          "UK jobs (FTE) are counted only when jobs_basis is 'fixed'; with jobs following UK sales, "
                          "give uk_jobs_per_gbp_m_uk_sales, or set jobs_basis: fixed")
        if self.jobs_basis is JobsBasis.FIXED and self.uk_jobs_per_gbp_m_uk_sales > 0:
            raise invalid("uk_jobs_per_gbp_m_uk_sales", "jobs_by_one_basis",
                          "jobs per £1m of UK sales are counted only when jobs_basis is 'per_uk_sales'")
        return self

    @property
    def net_additional_ratio(self) -> float:
        """Net additional ÷ gross: (1 − leakage)(1 − deadweight)(1 − displacement)(1 − substitution) × multiplier."""
        return ((1.0 - self.leakage) * (1.0 - self.deadweight) * (1.0 - self.displacement)
                * (1.0 - self.substitution) * self.multiplier)


def price_year_problems(benefit: PatientBenefit, growth: EconomicGrowth, base_year: int):
    """Yield a problem for each published value whose price year differs from the deal's price base year and that
    HM Treasury's deflator table cannot bring into it."""
    for where, year in (("patient_benefit.societal_value_per_qaly_price_year",
                         benefit.societal_value_per_qaly_price_year),
                        ("economic_growth.gva_per_fte_price_year", growth.gva_per_fte_price_year)):
        if year == base_year:
            continue
        try:
            prices.uplift(year, base_year)
        except prices.OutsideTable as error:
            yield Problem(where, f"{error}: set this price year to the price base year ({base_year}) with the value "
                                 f"in its prices, or choose a price base year the table covers",
                          "price_year_in_deflator_table")


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

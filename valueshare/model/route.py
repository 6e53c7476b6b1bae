"""The product's route to market: ordered development stages, then sales."""

from __future__ import annotations

from pydantic import Field, model_validator

from valueshare.errors import invalid
from valueshare.model.base import Model
from valueshare.model.types import (
    Count,
    DurationYears,
    Fraction,
    Gbp,
    Line,
    Name,
    Probability,
    YearIndex,
    YearsNonNegative,
)


class Stage(Model):
    """One development stage: it takes time, costs the partner money, and may fail."""

    name: Name = Field(
        title="Name", description="Name of the stage, e.g. 'External validation'. Milestones refer to it by this name.",
                      max_length=100)
    duration_years: DurationYears = Field(json_schema_extra={"x-uncertain": True, "x-swing": [0.75, 1.5]},
        title="Duration", description="How long the stage takes, in years (six months is 0.5).")
    partner_cost_gbp: Gbp = Field(json_schema_extra={"x-uncertain": True},
        title="Partner cost", default=0.0, description="What the stage costs the partner in total, in £.")
    probability_of_success: Probability = Field(json_schema_extra={"x-uncertain": True, "x-swing": [0.8, 1.2]},
        title="Probability of success",
        description="Chance the stage succeeds, given that it starts (0.7 is 70%).")


class Sales(Model):
    """What the product sells once it reaches the market (all figures in the price base year)."""

    volume_per_year: Count = Field(json_schema_extra={"x-uncertain": True, "x-swing": [0.8, 1.2]},
        title="Volume per year",
        description="Yearly addressable volume: units, tests, scans or licences that could be sold each year.")
    unit: Line = Field(
        title="Unit of volume", default="units", max_length=40, description="What one unit of volume is, e.g. 'scans'.")
    price_gbp: Gbp = Field(json_schema_extra={"x-uncertain": True, "x-swing": [0.8, 1.2]},
        title="Price per unit", description="List price of one unit, in £.")
    peak_uptake: Fraction = Field(json_schema_extra={"x-uncertain": True, "x-swing": [0.8, 1.2]},
        title="Peak uptake", description="Share of the addressable volume reached at peak (0.3 is 30%).")
    years_to_peak: YearsNonNegative = Field(json_schema_extra={"x-uncertain": True, "x-swing": [0.5, 1.5]},
        title="Years to peak",
        default=3.0, description="Years from launch to peak uptake; uptake rises in a straight line until then.")
    nhs_share_of_sales: Fraction = Field(json_schema_extra={"x-uncertain": True}, title="Share of sales to the NHS",
        default=1.0, description="Share of the units sold that the NHS buys, in the UK (1 means all sales are to the "
                                 "NHS; format 2 called it uk_share). UK-only royalties and shares, the NHS price "
                                 "discount and UK jobs follow these sales.")
    nhs_party_purchase_share: Fraction = Field(title="Bought by the deal's NHS party",
        default=1.0, description="Share of the NHS's purchases that the deal's NHS party (or its consortium) makes "
                                 "itself. The rest are other NHS bodies' purchases: a discount or royalty on them is "
                                 "theirs, shown apart and not credited to this deal's NHS party.")
    starting_uptake: Fraction = Field(title="Uptake at launch", default=0.0,
        description="Uptake when the product reaches the market (0.3 is 30%), rising in a straight line to peak: "
                    "0 for a new product; for one already on the market (no stages), its uptake today.")
    operating_margin: Fraction = Field(json_schema_extra={"x-uncertain": True, "x-swing": [0.8, 1.2]},
        title="Operating margin", default=0.3,
        description="Share of sales the partner keeps after its costs of making, selling and supporting the "
                    "product, before any payment to the NHS (0.3 is 30%).")
    end_year: YearIndex = Field(title="Last year of sales",
        description="Last year with sales, counted from signature (year 0); sales stop at the end of this year.")


    @model_validator(mode="after")
    def _uptake_rises_to_peak(self) -> Sales:
        if self.starting_uptake > self.peak_uptake:
            raise invalid("starting_uptake", "starting_uptake_at_most_peak",
                          "the uptake at launch cannot be above the peak uptake")
        return self


class RouteToMarket(Model):
    """Stages in order, then sales. With no stages, the product is on the market from the start."""

    stages: list[Stage] = Field(title="Stages", default_factory=list, max_length=20,
                                description="Development stages in the order they happen.")
    sales: Sales | None = Field(title="Sales", default=None, description="Sales once the product reaches the market.")

    @model_validator(mode="after")
    def _stage_names_unique(self) -> RouteToMarket:
        seen: set[str] = set()
        for stage in self.stages:
            if stage.name in seen:
                raise invalid("", "stage_names_unique", f"stage names must be unique: '{stage.name}' appears twice")
            seen.add(stage.name)
        return self

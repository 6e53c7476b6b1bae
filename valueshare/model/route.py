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
    uk_share: Fraction = Field(json_schema_extra={"x-uncertain": True}, title="UK share",
        default=1.0, description="Share of sales made in the UK, to the NHS (1 means all sales are to the NHS).")
    operating_margin: Fraction = Field(json_schema_extra={"x-uncertain": True, "x-swing": [0.8, 1.2]},
        title="Operating margin", default=0.3,
        description="Share of sales the partner keeps after its costs of making, selling and supporting the "
                    "product, before any payment to the NHS (0.3 is 30%).")
    end_year: YearIndex = Field(title="Last year of sales",
        description="Last year with sales, counted from signature (year 0); sales stop at the end of this year.")


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

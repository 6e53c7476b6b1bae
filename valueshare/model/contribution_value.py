"""Inputs for valuing what the NHS contributes: its costs of making the data usable, comparables, the scaling
factors that adjust them to this deal, the relief-from-royalty rate, and which approach anchors the NHS's ask.

Defaults carry their source in the description: [pub] a published figure, [ours] valueshare's own proposal.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from valueshare.errors import invalid
from valueshare.model.base import Choice, Model, labels
from valueshare.model.parties import DataType
from valueshare.model.types import Count, Fraction, Gbp, Hours, Name, Prose, YearsNonNegative, bounded

#: A multiplier, above zero.
Factor = Annotated[float, *bounded("factor", 0.0, 1000.0, lo_open=True)]
#: An elasticity: how far a price follows a quantity (1: in proportion; 0: not at all).
Elasticity = Annotated[float, *bounded("elasticity", 0.0, 1.0)]


class CostActivity(Choice):
    COLLECTION_AND_CODING = "collection_and_coding"
    CURATION = "curation"
    LINKAGE = "linkage"
    LABELLING = "labelling"
    DE_IDENTIFICATION = "de_identification"
    ENVIRONMENT_AND_GOVERNANCE = "environment_and_governance"
    OTHER = "other"


labels("CostActivity", {"collection_and_coding": "Collection and coding", "curation": "Curation",
                        "linkage": "Linkage", "labelling": "Labelling or annotation",
                        "de_identification": "De-identification",
                        "environment_and_governance": "Secure environment set-up and governance",
                        "other": "Other"})


class PreparationCost(Model):
    """One cost the NHS bore, or would bear again, to make the data usable: the cost approach's building block.

    Give what was spent (historical), what it would cost to do again today (replacement), or staff time (hours at a
    cost per hour, e.g. clinicians labelling images), which is then the replacement cost."""

    activity: CostActivity = Field(title="Activity", description="What the money or time was spent on.")
    description: Prose = Field(title="Description", default="", max_length=300, description="A few words on the work.")
    historical_gbp: Gbp | None = Field(title="Historical cost",
        default=None, description="What the NHS actually spent on it, in £ of the price base year; empty if not "
                                  "known (the replacement cost is then used).")
    replacement_gbp: Gbp | None = Field(title="Replacement cost",
        default=None, description="What doing it again today would cost, in £; empty to use the staff time below, "
                                  "or the historical cost.")
    hours: Hours | None = Field(title="Hours", default=None, description="Staff hours the work took or would take.")
    cost_per_hour_gbp: Gbp | None = Field(
        title="Cost per hour", default=None, description="Full cost of one hour of that staff time, in £.")

    @model_validator(mode="after")
    def _some_cost(self) -> PreparationCost:
        if (self.hours is None) != (self.cost_per_hour_gbp is None):
            missing = "cost_per_hour_gbp" if self.cost_per_hour_gbp is None else "hours"
            raise invalid(missing, "staff_time_complete", "staff time needs both its hours and its cost per hour")
        if self.hours is not None and self.replacement_gbp is not None:
            raise invalid("replacement_gbp", "one_replacement_basis",
                          "give either a replacement cost or staff time, not both")
        if self.historical_gbp is None and self.replacement_gbp is None and self.hours is None:
            raise invalid("historical_gbp", "a_cost_basis", "give a historical cost, a replacement cost or staff time")
        return self

    @property
    def replacement(self) -> float:
        """What doing the work again would cost: the replacement cost, else staff time, else the historical cost."""
        if self.replacement_gbp is not None:
            return self.replacement_gbp
        if self.hours is not None and self.cost_per_hour_gbp is not None:
            return self.hours * self.cost_per_hour_gbp
        assert self.historical_gbp is not None
        return self.historical_gbp

    @property
    def historical(self) -> float:
        """What was spent: the historical cost, else (not known) the replacement cost."""
        return self.historical_gbp if self.historical_gbp is not None else self.replacement


class PriceUnit(Choice):
    PER_YEAR = "per_year"
    ONE_OFF = "one_off"
    PER_RECORD = "per_record"
    PER_PATIENT_YEAR = "per_patient_year"


labels("PriceUnit", {"per_year": "a year", "one_off": "one-off", "per_record": "a patient record, once",
                     "per_patient_year": "a patient-year of history, once"})

#: The units whose price already counts the data's volume: not scaled by records (per record) or by records and
#: history (per patient-year), but multiplied by the asset's patients (and its years of history).
VOLUME_UNITS = frozenset({PriceUnit.PER_RECORD, PriceUnit.PER_PATIENT_YEAR})


class ComparableKind(Choice):
    TARIFF = "tariff"
    COMMERCIAL_LICENCE = "commercial_licence"


labels("ComparableKind", {"tariff": "Cost-recovery tariff", "commercial_licence": "Commercial licence"})


class Comparable(Model):
    """What comparable access to health data sells for, with what it covers, so it can be scaled to this deal.

    Two kinds, kept apart: a cost-recovery tariff (a charge built to recover the costs of giving access, such as NHS
    England's secure data environment charges or CPRD's research licences), which is a floor; and a commercial
    licence (what a company paid for data for commercial use, e.g. AI training or real-world evidence, per record,
    per patient-year, a year or once). The same fields describe valueshare's own table and the ones a user adds."""

    name: Name = Field(
        title="Name", max_length=200, description="What was bought, e.g. 'CPRD research licence, lowest price'.")
    source: Name = Field(title="Source", max_length=400, description="Who published the price, and where.")
    published: datetime.date = Field(
        title="Published", description="When the price was published or took effect (YYYY-MM-DD).")
    price_gbp: Gbp = Field(title="Price per unit", description="The price, in £ of its own date (not uprated).")
    unit: PriceUnit = Field(title="Unit of volume",
        description="What the price is for: a year of access, once, each patient record (once), or each "
                    "patient-year of history (once).")
    kind: ComparableKind = Field(title="Kind", default=ComparableKind.COMMERCIAL_LICENCE,
        description="Cost-recovery tariff (a floor: a charge built to recover costs) or commercial licence (what "
                    "commercial use of the data was sold for). Commercial use is valued on commercial licences, "
                    "non-commercial use on tariffs.")
    setup_gbp: Gbp = Field(
        title="Set-up", default=0.0, description="A one-off charge at the start, on top of a yearly price, in £.")
    records: Count | None = Field(title="Records",
        default=None, description="Patients whose data the price covers; empty when the price does not depend on "
                                  "it (a service charge), so it is not scaled by records.")
    history_years: YearsNonNegative | None = Field(title="History",
        default=None, description="Years of history the data covers; empty to leave it unscaled by history.")
    data_type: DataType | None = Field(title="Data type",
        default=None, description="The kind of data; empty to leave it unscaled by data type.")
    exclusive: bool = Field(title="Exclusive", default=False, description="Whether the price buys exclusive access.")
    tag: Literal["pub", "ours", "user"] = Field(title="Tag",
        default="user", description="pub: a published figure; ours: valueshare's reading of one; user: your own.")
    notes: Prose = Field(
        title="Notes", default="", max_length=600, description="What the price includes, and any caveat.")


class MarketScaling(Model):
    """How a comparable's price is scaled to this deal [ours]: value grows with records and history less than in
    proportion (an elasticity below 1), richer data types are worth more, exclusivity carries a premium."""

    records_elasticity: Elasticity = Field(title="Records elasticity (0-1)",
        default=0.5, description="Price ∝ records^e: 0.5 means four times the records is worth twice as much "
                                 "[ours].")
    history_elasticity: Elasticity = Field(title="History elasticity (0-1)",
        default=0.5, description="Price ∝ years of history^e (at least one year counts) [ours].")
    ehr_factor: Factor = Field(
        title="EHR factor", default=1.0, description="Worth of a record of this type against an EHR record: "
                                                        "electronic health records, the reference (1).")
    imaging_factor: Factor = Field(title="Imaging factor", default=2.0, description="Imaging against EHR [ours].")
    genomics_factor: Factor = Field(title="Genomics factor",
        default=10.0, description="Genomics against EHR: EY (2019) put an EHR record at over £100 and a genomic and "
                                  "phenotypic record at £1,000-£5,000; 10 is the low end of that ratio [ours, "
                                  "anchored on pub].")
    pathology_factor: Factor = Field(title="Pathology factor", default=2.0, description="Pathology against EHR [ours].")
    patient_reported_outcomes_factor: Factor = Field(title="Patient-reported outcomes factor",
        default=1.0, description="Patient-reported outcomes against EHR [ours].")
    other_factor: Factor = Field(title="Other factor", default=1.0, description="Other data against EHR [ours].")
    exclusivity_premium: Annotated[float, *bounded("factor", 1.0, 100.0)] = Field(
        title="Exclusivity premium",
        default=2.0, description="How much more exclusive access is worth than non-exclusive access [ours].")

    def factor(self, data_type: DataType) -> float:
        return float(getattr(self, f"{data_type.value}_factor"))


class Anchor(Choice):
    FAIR_SHARE = "fair_share"
    COST = "cost"
    MARKET = "market"
    INCOME = "income"
    RECONCILED = "reconciled"


labels("Anchor", {"fair_share": "Fair share (costs of access plus the band's centre)", "cost": "Cost (replacement)",
                  "market": "Market (middle of the comparables)", "income": "Income (relief from royalty)",
                  "reconciled": "Reconciled value (the approaches weighted)"})


class MarketBasis(Choice):
    BY_USE = "by_use"
    EVERY_COMPARABLE = "every_comparable"


labels("MarketBasis", {"by_use": "Comparables of the deal's use (tariffs only as the floor of commercial use)",
                       "every_comparable": "Every comparable in one range (tariffs and licences together)"})

#: An approach's weight before valueshare normalises the weights to sum to 1.
Weight = Annotated[float, *bounded("weight", 0.0, 1.0)]


class Reconciliation(Model):
    """How the three approaches are weighted into one concluded value [ours, on valuation practice: a valuer
    reconciles the approaches with weights and gives a reason for each]. The weights here are the starting weights:
    an approach with no value gets none, the market's is multiplied by how close its comparables are to the deal's
    data, and the rest are scaled to sum to 1."""

    cost_weight: Weight = Field(title="Cost weight", default=0.2,
        description="Starting weight of the cost approach [ours]: the lowest, because what making the data usable "
                    "cost is sunk and says what the data cost, not what it earns.")
    market_weight: Weight = Field(title="Market weight", default=0.3,
        description="Starting weight of the market approach [ours], multiplied by how close its comparables are "
                    "to the deal's data (same data type, similar size).")
    income_weight: Weight = Field(title="Income weight", default=0.5,
        description="Starting weight of the income approach [ours]: the highest when the route to market is "
                    "modelled, since it values what the data helps the product earn; none without sales.")
    weigh_market_by_closeness: bool = Field(title="Weigh the market by closeness", default=True,
        description="Multiply the market's weight by how close its comparables are (1 for the same data type and a "
                    "size within 10×; less when the type or size had to be scaled) [ours].")
    wide_spread: Annotated[float, *bounded("factor", 1.0, 1000.0)] = Field(title="Wide spread (×)", default=5.0,
        description="Flag the approaches when the highest is more than this many times the lowest [ours].")

    @model_validator(mode="after")
    def _some_weight(self) -> Reconciliation:
        if self.cost_weight + self.market_weight + self.income_weight <= 0:
            raise invalid("cost_weight", "some_weight", "give at least one approach a weight above zero")
        return self


class ContributionValueInputs(Model):
    """What the value of the NHS's contribution rests on, and which approach anchors the NHS's ask."""

    preparation_costs: list[PreparationCost] = Field(title="Preparation costs",
        default_factory=list, max_length=50,
        description="What the NHS spent, or would spend again, to make the data usable.")
    comparables: list[Comparable] = Field(title="Comparables",
        default_factory=list, max_length=50, description="Your own comparables: prices you know of access to "
                                                         "comparable data, e.g. your organisation's earlier deals.")
    use_published_comparables: bool = Field(title="Use published comparables",
        default=True, description="Include valueshare's table of published comparables (docs/method.md lists it).")
    scaling: MarketScaling = Field(title="Scaling", default_factory=MarketScaling,
                                   description="How comparables are scaled to this deal [ours].")
    relief_from_royalty_rate: Fraction = Field(title="Relief from royalty rate",
        default=0.02, description="The royalty on sales a partner would pay to licence this contribution: the "
                                  "income approach applies it to the product's risk-adjusted sales. Default 2%, "
                                  "the middle of the 1%-3% range for a non-exclusive, data-only NHS contribution "
                                  "[ours].")
    relief_from_royalty_spread: Fraction = Field(title="Relief from royalty range (±, of the rate)",
        default=0.5, description="The income approach's range: the rate × (1 ± this). Default 0.5: 1% to 3% around "
                                 "2%, the range valueshare uses for a non-exclusive, data-only NHS contribution "
                                 "[ours]; 0 gives one figure.")
    market_basis: MarketBasis = Field(title="Market basis", default=MarketBasis.BY_USE,
        description="by_use: commercial use is valued on commercial licences, with cost-recovery tariffs only as "
                    "its floor, and non-commercial use on tariffs [ours, on the framework: tariffs recover costs]; "
                    "every_comparable: every comparable in one range (how format-1 files were valued).")
    reconciliation: Reconciliation = Field(title="Reconciliation", default_factory=Reconciliation,
        description="How the approaches are weighted into one concluded value [ours].")
    anchor: Anchor = Field(title="Anchor", default=Anchor.FAIR_SHARE,
                           description="Which approach anchors the NHS's ask in a negotiation.")

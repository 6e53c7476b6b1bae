"""The value-sharing terms: one validated type per mechanism, told apart by ``kind``.

Timing convention (the same everywhere): year 0 is signature; every other flow falls at the end of its year.
A term with ``start_year`` and ``years`` pays in years ``start_year`` to ``start_year + years - 1``.

Cash and real terms: valueshare values everything in pounds of the price base year (real terms). A contract writes
its amounts in cash, so each term that holds an amount says how it moves with prices (``indexation``): ``fixed``
(the pounds written are the pounds paid, whatever inflation does: the engine deflates them into the price base year
at ``assumptions.inflation_rate``) or ``indexed`` (the amount rises with CPI, so it is already in real terms).
Rates on sales (a royalty's rates, a revenue share, a price discount) act on real sales and need no indexation.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import Field, model_validator

from valueshare.errors import invalid
from valueshare.model.base import Choice, Model, labels
from valueshare.model.types import (
    Count,
    DiscountFraction,
    DiscountRate,
    DurationYears,
    Fraction,
    Gbp,
    GrowthRate,
    Name,
    Prose,
    WholeYears,
    YearIndex,
    bounded,
)

#: The rate at which both parties value an equity stake by default [conv]: the cost of equity of an early-stage,
#: venture-backed company. Venture capitalists' target returns run from 50-70% at start-up to 25-35% near exit
#: (A. Damodaran, "Valuing Young, Start-up and Growth Companies", NYU Stern, 2009, table of VC target rates,
#: after Scherlis and Sahlman, 1987), but those rates also price the chance of failure; valueshare already weights
#: the exit by the programme's survival, so it uses a cost of equity for the remaining market and illiquidity risk,
#: 20%, the middle of the 15-25% range the issue names [ours, within the conv range].
EQUITY_DISCOUNT_RATE = 0.20


class Frequency(Choice):
    ONE_OFF = "one_off"
    YEARLY = "yearly"


labels("Frequency", {"one_off": "One-off", "yearly": "Yearly"})


class Territory(Choice):
    WORLDWIDE = "worldwide"
    UK = "uk"


labels("Territory", {"worldwide": "Worldwide sales", "uk": "UK sales only"})


class Indexation(Choice):
    FIXED = "fixed"
    INDEXED = "indexed"


labels("Indexation", {"fixed": "Fixed in cash", "indexed": "Indexed to CPI"})


def _indexation(what: str) -> Any:
    return Field(
        title="Indexation", default=Indexation.FIXED,
        description=f"How {what} moves with prices: fixed (the pounds written are paid, so inflation erodes them; "
                    "valued in the price base year's pounds at the deal's inflation rate) or indexed (rises with "
                    "CPI, so already in real terms).")


class AccessFee(Model):
    """A fee for access to the data: the cost-recovery charge the NHS always makes."""

    kind: Literal["access_fee"] = "access_fee"
    label: ClassVar[str] = "Access fee"
    sales_linked: ClassVar[bool] = False
    amount_gbp: Gbp = Field(title="Amount", description="The fee, in £ (each year, if yearly).")
    frequency: Frequency = Field(title="Frequency", default=Frequency.ONE_OFF, description="Paid once, or every year.")
    start_year: YearIndex = Field(
        title="Start year", default=0, description="Year of the (first) payment; year 0 is signature.")
    years: WholeYears = Field(title="Years", default=1, description="For a yearly fee: how many years it is paid.")
    indexation: Indexation = _indexation("the fee")

    @model_validator(mode="after")
    def _one_off_is_one_year(self) -> AccessFee:
        if self.frequency is Frequency.ONE_OFF and self.years != 1:
            raise invalid("years", "one_off_is_one_year",
                          "a one-off fee is paid once, so years must be 1 (or choose frequency: yearly)")
        return self


class Subscription(Model):
    """A yearly subscription for ongoing access, optionally rising each year."""

    kind: Literal["subscription"] = "subscription"
    label: ClassVar[str] = "Subscription"
    sales_linked: ClassVar[bool] = False
    amount_gbp_per_year: Gbp = Field(title="Amount per year", description="The subscription in its first year, in £.")
    start_year: YearIndex = Field(
        title="Start year", default=1, description="First year it is paid; year 0 is signature.")
    years: WholeYears = Field(title="Years", description="How many years it is paid.")
    escalation_rate: GrowthRate = Field(
        title="Escalation rate", default=0.0,
        description="Yearly rise in the subscription (0.03 is 3%), in cash if fixed, above CPI if indexed.")
    indexation: Indexation = _indexation("the subscription")


class Milestone(Model):
    """A payment due when a named stage of the route to market succeeds."""

    kind: Literal["milestone"] = "milestone"
    label: ClassVar[str] = "Milestone payment"
    sales_linked: ClassVar[bool] = False
    stage: Name = Field(
        title="Stage", description="Name of the stage whose success triggers the payment.", max_length=100)
    amount_gbp: Gbp = Field(title="Amount", description="The payment, in £.")
    indexation: Indexation = _indexation("the payment")


class RoyaltyTier(Model):
    """One band of a tiered royalty: the rate applies to yearly net sales above ``from_gbp``."""

    from_gbp: Gbp = Field(
        title="From yearly sales", description="Yearly net sales at which this tier's rate starts to apply, in £.")
    rate: Fraction = Field(title="Rate", description="Royalty rate on net sales in this band (0.02 is 2%).")


class Royalty(Model):
    """A royalty on net sales, in bands like income tax: each rate applies only to sales within its band."""

    kind: Literal["royalty"] = "royalty"
    label: ClassVar[str] = "Royalty"
    sales_linked: ClassVar[bool] = True
    tiers: list[RoyaltyTier] = Field(title="Tiers", min_length=1, max_length=10,
                                     description="The bands, lowest first; the first starts at £0.")
    territory: Territory = Field(
        title="Territory", default=Territory.WORLDWIDE, description="Which sales the royalty is paid on.")
    term_years: DurationYears | None = Field(title="Years after launch",
        default=None, description="Years after launch for which the royalty is due; empty means until sales end.")
    cap_gbp: Gbp | None = Field(
        title="Cap", default=None, description="Most the royalty can pay in total, in £; empty for no cap.")
    indexation: Indexation = _indexation("the cap and the tiers' thresholds (cash sales figures)")

    @model_validator(mode="after")
    def _tiers_ascend_from_zero(self) -> Royalty:
        if self.tiers[0].from_gbp != 0:
            raise invalid("tiers[0].from_gbp", "first_tier_at_zero", "the first tier must start at 0")
        for i in range(1, len(self.tiers)):
            if self.tiers[i].from_gbp <= self.tiers[i - 1].from_gbp:
                raise invalid(f"tiers[{i}].from_gbp", "tiers_ascend", "each tier must start above the one before it")
        return self


class RevenueShare(Model):
    """A flat share of the partner's revenue from the product."""

    kind: Literal["revenue_share"] = "revenue_share"
    label: ClassVar[str] = "Revenue share"
    sales_linked: ClassVar[bool] = True
    rate: Fraction = Field(title="Rate", description="Share of net sales paid to the NHS (0.05 is 5%).")
    territory: Territory = Field(
        title="Territory", default=Territory.WORLDWIDE, description="Which sales the share is paid on.")
    term_years: DurationYears | None = Field(title="Years after launch",
        default=None, description="Years after launch for which the share is due; empty means until sales end.")


class Equity(Model):
    """A stake in the partner, worth something only if there is an exit (a sale or listing)."""

    kind: Literal["equity"] = "equity"
    label: ClassVar[str] = "Equity"
    sales_linked: ClassVar[bool] = False
    stake: Fraction = Field(
        title="Stake", description="Share of the partner's equity held by the NHS at exit (0.05 is 5%).")
    exit_value_gbp: Gbp = Field(json_schema_extra={"x-uncertain": True},
        title="Exit value", description="Value of the whole partner company at exit, in £.")
    exit_year: YearIndex = Field(title="Exit year", description="Year of the exit, counted from signature.")
    exit_probability: Fraction = Field(
        title="Exit probability", description="Chance that an exit happens in that year (0.2 is 20%).")
    exit_requires_launch: bool = Field(
        title="Exit needs the programme to succeed", default=True,
        description="True: the exit happens only in worlds where the programme is still alive in the exit year "
                    "(no stage has failed by then; launched, if the route ends before it), and the exit probability "
                    "applies on top. False: the exit may happen whatever becomes of the programme (the partner's "
                    "other business).")
    equity_discount_rate: DiscountRate | None = Field(
        title="Equity discount rate", default=EQUITY_DISCOUNT_RATE,
        description="Rate at which both parties value the stake (an early-stage company's cost of equity; "
                    "default 20%, the middle of the 15-25% range for a venture past proof of concept). Empty: each "
                    "party values it at its own discount rate.")
    in_partner_irr: bool = Field(
        title="Stake counted in the partner's IRR", default=False,
        description="False: the partner's IRR is its project's, without the stake (given in shares, not paid from "
                    "the project's cash); the stake still counts in its NPV. True: the stake counts as a cash flow in "
                    "the IRR too (format 1's reading).")
    indexation: Indexation = _indexation("the exit value")


class NhsPriceDiscount(Model):
    """A discount off the list price of the product when the NHS buys it."""

    kind: Literal["nhs_price_discount"] = "nhs_price_discount"
    label: ClassVar[str] = "NHS price discount"
    sales_linked: ClassVar[bool] = True
    price_discount: DiscountFraction = Field(
        title="Price discount", description="Discount off the list price on NHS purchases (0.2 is 20%).")


class InKindBenefit(Model):
    """A benefit given in kind, e.g. free licences, training or trial access."""

    kind: Literal["in_kind_benefit"] = "in_kind_benefit"
    label: ClassVar[str] = "In-kind benefit"
    sales_linked: ClassVar[bool] = False
    description: Prose = Field(title="Description", description="What the benefit is.", max_length=300)
    value_gbp_per_year: Gbp = Field(
        title="Value per year", description="What the benefit is worth to the NHS each year, in £.")
    partner_cost_gbp_per_year: Gbp | None = Field(title="Partner cost per year",
        default=None, description="What it costs the partner each year, in £; empty means the same as its value.")
    start_year: YearIndex = Field(title="Start year", default=1, description="First year it is given.")
    years: WholeYears = Field(title="Years", default=1, description="How many years it is given.")
    indexation: Indexation = _indexation("its value and cost")


class SdeCharges(Model):
    """A secure data environment's charges, itemised as such environments publish them: a set-up charge, a charge
    per user per month, and a charge per project."""

    kind: Literal["sde_charges"] = "sde_charges"
    label: ClassVar[str] = "Secure data environment charges"
    sales_linked: ClassVar[bool] = False
    setup_gbp: Gbp = Field(title="Set-up charge", default=0.0,
        description="One-off charge for setting up the project's workspace, paid in the start year, in £.")
    per_user_per_month_gbp: Gbp = Field(title="Charge per user per month", default=0.0,
        description="Charge for each named user of the environment, each month, in £.")
    users: Annotated[int, *bounded("count", 0, 100_000)] = Field(title="Users", default=1,
        description="How many of the partner's staff use the environment.")
    per_project_gbp: Gbp = Field(title="Charge per project", default=0.0,
        description="Charge for each approved project (or data release), in £.")
    projects_per_year: Annotated[float, *bounded("count", 0.0, 10_000.0)] = Field(title="Projects a year",
        default=1.0, description="How many projects the partner runs each year.")
    start_year: YearIndex = Field(title="Start year", default=0,
        description="Year of the set-up charge; the monthly and project charges fall in the years after it.")
    years: WholeYears = Field(title="Years", default=1,
        description="For how many years the monthly and project charges are paid.")
    indexation: Indexation = _indexation("the charges")


class ServiceIncome(Model):
    """Income for a service the NHS delivers to the partner, such as recruiting patients to trials, against the
    NHS's cost of delivering it: the usual return of a partnership without a product."""

    kind: Literal["service_income"] = "service_income"
    label: ClassVar[str] = "Trial and service income"
    sales_linked: ClassVar[bool] = False
    description: Prose = Field(title="Description", description="What the NHS delivers.", max_length=300)
    units_per_year: Count = Field(title="Units a year",
        description="How many units the NHS delivers each year (patients recruited, studies set up...).")
    unit: Annotated[str, Field(max_length=40)] = Field(title="Unit", default="patients recruited",
        description="What one unit is.")
    price_per_unit_gbp: Gbp = Field(title="Price per unit", description="What the partner pays per unit, in £.")
    nhs_cost_per_unit_gbp: Gbp = Field(title="NHS delivery cost per unit", default=0.0,
        description="What delivering one unit costs the NHS, in £ (staff, tests, overheads).")
    start_year: YearIndex = Field(title="Start year", default=1, description="First year of the service.")
    years: WholeYears = Field(title="Years", default=1, description="For how many years the service runs.")
    indexation: Indexation = _indexation("the price and cost")


#: The mechanisms that may appear inside a consent-to-commercialise clause.
CommercialTerm = Annotated[
    AccessFee | Subscription | Milestone | Royalty | RevenueShare | Equity | NhsPriceDiscount | InKindBenefit,
    Field(discriminator="kind"),
]


class ConsentToCommercialise(Model):
    """For a non-commercial use: terms that switch on if the work later becomes commercial.

    Inside the clause, time starts at the switch: a term's ``start_year`` or ``exit_year`` counts from ``year``, and
    the route to market begins at ``year``. Every flow of the clause is weighted by its ``probability``.
    """

    kind: Literal["consent_to_commercialise"] = "consent_to_commercialise"
    label: ClassVar[str] = "Consent-to-commercialise clause"
    sales_linked: ClassVar[bool] = False
    probability: Fraction = Field(
        title="Chance it becomes commercial", description="Chance that the work becomes commercial (0.1 is 10%).")
    year: YearIndex = Field(
        title="Year it would become commercial",
        description="Year in which it would become commercial, counted from signature.")
    terms: list[CommercialTerm] = Field(title="Terms",
        min_length=1, max_length=20, description="The value-sharing terms that then apply.")


Term = Annotated[
    AccessFee | Subscription | Milestone | Royalty | RevenueShare | Equity | NhsPriceDiscount | InKindBenefit
    | SdeCharges | ServiceIncome | ConsentToCommercialise,
    Field(discriminator="kind"),
]

#: The mechanisms another user of a data platform may pay by (``valueshare.model.partnership.PlatformUser``): those
#: that need no route to market of their own.
UserTerm = Annotated[
    AccessFee | Subscription | SdeCharges | ServiceIncome | InKindBenefit,
    Field(discriminator="kind"),
]

#: Every mechanism's model, in the order of ``Term`` (the order the app, the docs and valueshare.mechanisms list them).
TERM_MODELS: tuple[type[Model], ...] = get_args(get_args(Term)[0])
#: The models that may appear inside a consent-to-commercialise clause.
COMMERCIAL_MODELS: tuple[type[Model], ...] = get_args(get_args(CommercialTerm)[0])


def kind_of(model: type[Model]) -> str:
    """The ``kind`` tag a scenario file gives a term of this model.

    >>> kind_of(Royalty)
    'royalty'
    """
    return model.model_fields["kind"].default


#: Every ``kind``, in the order of ``Term``.
TERM_KINDS: tuple[str, ...] = tuple(kind_of(m) for m in TERM_MODELS)

#: The people-facing name of each mechanism, by ``kind`` (each model's ``label``); the app, the PDF and the docs all
#: use these.
TERM_LABELS: dict[str, str] = {kind_of(m): m.label for m in TERM_MODELS}  # type: ignore[attr-defined]

#: Mechanisms whose payments depend on the product's sales (each model's ``sales_linked``).
SALES_LINKED = frozenset(kind_of(m) for m in TERM_MODELS if m.sales_linked)  # type: ignore[attr-defined]

"""The deal: parties, use, contribution, route to market, terms and assumptions, checked as a whole."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from valueshare import paths
from valueshare.errors import DealInvalid, Invalid, Problem, problems_from_validation
from valueshare.model.base import Choice, Model, labels
from valueshare.model.benefits import EconomicGrowth, FairShareInputs, PatientBenefit, price_year_problems
from valueshare.model.contribution_value import ContributionValueInputs
from valueshare.model.governance import Exclusivity, Transparency
from valueshare.model.negotiation import NegotiationInputs
from valueshare.model.parties import Contribution, NhsParty, Partner
from valueshare.model.partnership import Funding, PlatformUser
from valueshare.model.route import RouteToMarket
from valueshare.model.terms import ConsentToCommercialise, Equity, Milestone, NhsPriceDiscount, SdeCharges, Term
from valueshare.model.types import DiscountRate, Fraction, GrowthRate, Name, Prose, WholeYears, bounded
from valueshare.model.uncertainty import UncertainInput, Variant

#: HM Treasury Green Book social time preference rate (real), years 0 to 30, its rate for years 31 to 75 and its
#: rate for years 76 to 125 (the Green Book's discounting annex) [pub].
GREEN_BOOK_RATE = 0.035
GREEN_BOOK_RATE_AFTER_30 = 0.030
GREEN_BOOK_RATE_AFTER_75 = 0.025
#: CPI inflation assumed for contract amounts fixed in cash [pub]: the Bank of England's 2% CPI inflation target
#: (HM Treasury's remit for the Monetary Policy Committee, CPI since December 2003, restated each year, e.g. the
#: remit of March 2025); the Office for Budget Responsibility's Economic and fiscal outlooks forecast CPI back at
#: the target in their later years, so 2% is the medium-term path over a deal's horizon. Dated: as at 2026.
CPI_INFLATION = 0.02
#: UK corporation tax main rate [pub]: 25% on profits over £250,000 from 1 April 2023 (Finance Act 2021, s. 6;
#: HMRC, "Rates and allowances: Corporation Tax"), the rate for a partner large enough to be a data partner.
UK_CORPORATION_TAX_MAIN_RATE = 0.25


class Use(Choice):
    COMMERCIAL_PRODUCT = "commercial_product_development"
    COMMERCIAL_RESEARCH = "commercial_research"
    NON_COMMERCIAL_RESEARCH = "non_commercial_research"


labels("Use", {"commercial_product_development": "Commercial product development",
               "commercial_research": "Commercial research",
               "non_commercial_research": "Non-commercial research"})


class AccessRoute(Choice):
    NHS_ANALYSIS = "nhs_analysis"
    SDE = "secure_data_environment"
    EXTRACT = "extract"


labels("AccessRoute", {"nhs_analysis": "NHS staff analyse, partner receives results",
                       "secure_data_environment": "Secure data environment",
                       "extract": "Pseudonymised or anonymised extract"})


class BaseCase(Choice):
    EXPECTED = "expected"
    ENTERED = "entered"


labels("BaseCase", {"expected": "Expected value: each uncertain input at its distribution's mean",
                    "entered": "Entered values: each input as the deal gives it"})


class Assumptions(Model):
    """Valuation settings: how far ahead to look and how to discount."""

    horizon_years: WholeYears = Field(
        title="Horizon", default=20, description="Years valued after signature (year 0 to this year).")
    nhs_discount_rate: DiscountRate = Field(json_schema_extra={"x-swing-points": 0.005}, title="NHS discount rate",
        default=GREEN_BOOK_RATE,
        description="Real discount rate for the NHS's cash flows, years 1 to 30 (HM Treasury Green Book: 3.5%).")
    nhs_discount_rate_after_30: DiscountRate = Field(title="NHS discount rate after year 30",
        default=GREEN_BOOK_RATE_AFTER_30,
        description="NHS discount rate for years 31 to 75 (HM Treasury Green Book: 3.0%).")
    nhs_discount_rate_after_75: DiscountRate = Field(title="NHS discount rate after year 75",
        default=GREEN_BOOK_RATE_AFTER_75,
        description="NHS discount rate for years 76 on (HM Treasury Green Book: 2.5% to year 125).")
    partner_discount_rate: DiscountRate = Field(json_schema_extra={"x-swing-points": 0.02},
        title="Partner discount rate", default=0.10,
        description="The partner's hurdle rate. Stage probabilities already carry technical risk, so this should "
                    "carry market risk only (industry practice: 8-12%; 15% for a start-up).")
    price_base_year: Annotated[int, *bounded("calendar_year", 2000, 2100)] = Field(
        title="Price base year",
        default=2026, description="The year whose prices all money figures are in (real terms).")
    currency: Literal["GBP"] = Field(title="Currency", default="GBP", description="Currency of every money figure.")
    inflation_rate: GrowthRate = Field(json_schema_extra={"x-swing-points": 0.01},
        title="Inflation rate (CPI)", default=CPI_INFLATION,
        description="Yearly CPI inflation assumed over the deal, used to bring amounts fixed in cash into the price "
                    "base year's pounds (Bank of England's 2% CPI target, the OBR's medium-term CPI assumption).")
    partner_tax_rate: Fraction = Field(
        title="Partner corporation tax rate", default=UK_CORPORATION_TAX_MAIN_RATE,
        description="Corporation tax on the partner's yearly taxable profit from the deal, so that its NPV and IRR "
                    "are after tax, as its hurdle rate usually is (UK main rate: 25% from 1 April 2023). 0 values "
                    "the partner before tax.")
    base_case: BaseCase = Field(
        title="Base case", default=BaseCase.EXPECTED,
        description="The value of each uncertain input that the headline figures use: 'expected', its "
                    "distribution's mean, so that the headline is the expected value the Monte Carlo estimates "
                    "(conventional in risk-adjusted valuation); or 'entered', the deal's own value (a format-1 file's "
                    "reading). Inputs without a distribution always use the deal's value.")


class Deal(Model):
    """A data partnership between an NHS organisation and a partner, with its value-sharing terms."""

    name: Name = Field(title="Name of the deal", description="Name of the deal.", max_length=200)
    description: Prose = Field(
        title="Description", default="", max_length=4000, description="A short description of the partnership.")
    illustrative: bool = Field(title="Illustrative figures",
        default=False, description="True when the figures are made up for illustration, not from a real deal.")
    nhs: NhsParty = Field(title="NHS", description="The NHS side of the deal.")
    partner: Partner = Field(title="Partner", description="The partner.")
    use: Use = Field(title="Use", description="What the data will be used for: commercial or non-commercial.")
    purpose: Prose = Field(title="Purpose", default="", max_length=4000,
                         description="The purpose, and the benefit to patients that the partnership aims at.")
    access_route: AccessRoute = Field(
        title="Access route", default=AccessRoute.SDE, description="How the partner reaches the data.")
    exclusive_raw_data_access: bool = Field(title="Exclusive access to raw data",
        default=False, description="True if the partner gets exclusive access to raw NHS data (the 2019 principles "
                                   "forbid this).")
    exclusivity: Exclusivity = Field(title="Exclusivity", default_factory=Exclusivity,
        description="Exclusive rights beyond raw data: to derived data and models, their field of use and term.")
    transparency: Transparency = Field(title="Transparency", default_factory=Transparency,
        description="What the deal makes public (2019 principle 4).")
    contribution: Contribution = Field(
        title="Contribution", default_factory=Contribution, description="What the NHS contributes.")
    route_to_market: RouteToMarket | None = Field(title="Route to market",
        default=None, description="The product's path to market: development stages, then sales. Empty if there is "
                                  "no product.")
    terms: list[Term] = Field(
        title="Terms", default_factory=list, max_length=30, description="The value-sharing terms.")
    assumptions: Assumptions = Field(
        title="Assumptions", default_factory=Assumptions, description="Valuation settings.")
    patient_benefit: PatientBenefit = Field(title="Patient benefit",
        default_factory=PatientBenefit, description="What the product does for patients (the framework's first aim).")
    economic_growth: EconomicGrowth = Field(title="Economic growth",
        default_factory=EconomicGrowth, description="What the partnership does for UK growth (the second aim).")
    fair_share: FairShareInputs = Field(title="Fair share",
        default_factory=FairShareInputs, description="Judgements and overrides for the fair-share estimate.")
    contribution_value: ContributionValueInputs = Field(title="Contribution value",
        default_factory=ContributionValueInputs,
        description="What the value of the NHS's contribution rests on: costs, comparables, a royalty rate.")
    negotiation: NegotiationInputs = Field(title="Negotiation",
        default_factory=NegotiationInputs,
        description="The NHS's walk-away and target and the partner's walk-away. Internal: the negotiation brief "
                    "shows them, the term sheet never does.")
    funding: list[Funding] = Field(title="Third-party funding", default_factory=list, max_length=20,
        description="Grants and co-investment towards the NHS's or the partner's costs, with their conditions.")
    platform_users: list[PlatformUser] = Field(title="Other platform users", default_factory=list, max_length=50,
        description="Other paying users of the same data asset (a platform or data environment), each with its "
                    "own terms; the NHS's costs are shared across the partner and them.")
    uncertainty: list[UncertainInput] = Field(title="Uncertainty",
        default_factory=list, max_length=50,
        description="Inputs whose value is uncertain, each with a distribution for the Monte Carlo. The headline "
                    "figures use each one's mean (or the deal's own value, as assumptions.base_case says).")
    variants: list[Variant] = Field(title="Variants",
        default_factory=list, max_length=20,
        description="Named variants of the deal (upside, downside, counter-offer...), each as changes to the base.")

    @model_validator(mode="after")
    def _parts_fit_the_deal(self) -> Deal:
        problems = list(term_problems(self)) + list(platform_problems(self)) + list(uncertainty_problems(self)) + \
            list(price_year_problems(
            self.patient_benefit, self.economic_growth, self.assumptions.price_base_year))
        if not problems:
            problems = list(variant_problems(self))
        if problems:
            raise Invalid(*problems)
        return self

    def variant(self, name: str) -> Deal:
        """The deal as its variant ``name`` describes it (without variants of its own)."""
        for variant in self.variants:
            if variant.name == name:
                return Deal.model_validate(apply_overrides(self, variant))
        known = ", ".join(f"'{v.name}'" for v in self.variants) or "none"
        raise DealInvalid([Problem("variants", f"no variant is called '{name}' (variants: {known})")])

    @property
    def consent_clause(self) -> ConsentToCommercialise | None:
        return next((t for t in self.terms if isinstance(t, ConsentToCommercialise)), None)


def term_problems(deal: Deal):
    """Yield one message per term that does not fit the rest of the deal, each starting with its place."""
    stage_names = [s.name for s in deal.route_to_market.stages] if deal.route_to_market else []
    has_sales = deal.route_to_market is not None and deal.route_to_market.sales is not None
    clauses = [i for i, t in enumerate(deal.terms) if isinstance(t, ConsentToCommercialise)]
    if len(clauses) > 1:
        yield Problem(f"terms[{clauses[1]}]", "a deal has at most one consent-to-commercialise clause", "one_clause")
    if clauses and deal.use is not Use.NON_COMMERCIAL_RESEARCH:
        yield Problem(f"terms[{clauses[0]}]", f"a consent-to-commercialise clause is for non-commercial use; this "
                      f"deal's use is {deal.use.label.lower()}", "clause_for_non_commercial_use")
    discounts = [(where, t.price_discount) for where, t in _all_terms(deal) if isinstance(t, NhsPriceDiscount)]
    if sum(d for _, d in discounts) >= 1:
        yield Problem(f"{discounts[-1][0]}.price_discount", "the NHS price discounts add up to 100% or more",
                      "discounts_below_100_percent")
    for where, term in _all_terms(deal):
        if isinstance(term, Milestone) and term.stage not in stage_names:
            known = ", ".join(f"'{n}'" for n in stage_names) or "none"
            yield Problem(f"{where}.stage", f"no stage is called '{term.stage}' (stages: {known})", "milestone_stage")
        if isinstance(term, SdeCharges) and deal.access_route is not AccessRoute.SDE:
            yield Problem(where, f"secure data environment charges need access_route: secure_data_environment; this "
                                 f"deal's route is {deal.access_route.label.lower()}", "sde_charges_need_sde",
                          _SDE_IN_FORM + f"; this deal's route is {deal.access_route.label.lower()}")
        if term.sales_linked and not has_sales:
            yield Problem(where, "this term is paid on sales, so route_to_market.sales must be filled in",
                          "sales_linked_needs_sales",
                          "this term is paid on sales, so the product's sales (Route to market) must be filled in")


#: The form's words for the rule that secure data environment charges need that route: the field named by its label.
_SDE_IN_FORM = ("secure data environment charges need the deal's access route (Parties) to be "
                f"'{AccessRoute.SDE.label}'")


def platform_problems(deal: Deal):
    """Yield a message when the platform's users outnumber the users its shared curation is amortised over."""
    curation = deal.contribution.curation
    users = 1 + len(deal.platform_users)
    if curation is not None and users > curation.expected_users:
        yield Problem("contribution.curation.expected_users",
                      f"this deal has {users} users (the partner and {users - 1} other platform users), more than "
                      f"the {curation.expected_users} the curation is expected to serve", "users_within_expected")
    for k, user in enumerate(deal.platform_users):
        for j, term in enumerate(user.terms):
            if isinstance(term, SdeCharges) and deal.access_route is not AccessRoute.SDE:
                yield Problem(f"platform_users[{k}].terms[{j}]", "secure data environment charges need "
                              "access_route: secure_data_environment", "sde_charges_need_sde", _SDE_IN_FORM)


def _all_terms(deal: Deal):
    for i, term in enumerate(deal.terms):
        if isinstance(term, ConsentToCommercialise):
            for j, inner in enumerate(term.terms):
                yield f"terms[{i}].terms[{j}]", inner
        else:
            yield f"terms[{i}]", term


def uncertainty_problems(deal: Deal):
    """Yield one message per uncertain input that names nothing in this deal, or is named twice."""
    route = deal.route_to_market
    seen: set[str] = set()
    for k, item in enumerate(deal.uncertainty):
        where = f"uncertainty[{k}].input"
        if item.input in seen:
            yield Problem(where, f"'{item.input}' is already uncertain above", "uncertain_once")
        seen.add(item.input)
        keys = paths.parse(item.input)  # UncertainInput checked it is an input that may be uncertain
        stage = keys[2] if keys[:2] == ["route_to_market", "stages"] else None
        term = keys[1] if keys[0] == "terms" else None
        if stage is not None and (route is None or int(stage) >= len(route.stages)):
            yield Problem(where, f"this deal has no stage {stage} (stages are numbered from 0)",
                          "uncertain_input_exists")
        elif item.input.startswith("route_to_market.sales") and (route is None or route.sales is None):
            yield Problem(where, "this deal has no sales to make uncertain", "uncertain_input_exists")
        elif term is not None and (int(term) >= len(deal.terms) or not isinstance(deal.terms[int(term)], Equity)):
            yield Problem(where, f"terms[{term}] is not an equity term", "uncertain_input_exists")


def apply_overrides(deal: Deal, variant: Variant) -> dict:
    """The deal's data with the variant's overrides applied, and no variants of its own; an uncertain input the
    variant gives a value is certain at that value in it (``valueshare.basecase.fixing``)."""
    from valueshare.basecase import fixing

    data = deal.model_dump(mode="json", exclude={"variants"})
    for path, value in variant.overrides.items():
        if path.split(".")[0].split("[")[0] == "variants":
            raise DealInvalid([Problem(path, "a variant cannot change the variants")])
        data = paths.with_value(data, path, value)
    return fixing(data, list(variant.overrides))


#: The parts of a deal that are the NHS's own: its negotiating position and notes, its judgement of a fair share,
#: its case for what the contribution is worth, and (``NHS_COST_BASIS``) its costs, from which its default walk-away
#: (full cost recovery) is read. Other platform users' terms (``OTHER_USERS``) are theirs, confidential to the NHS and
#: them. The partner's deal file (``valueshare.sharing``) holds none of them.
INTERNAL_SECTIONS = ("negotiation", "fair_share", "contribution_value")
OTHER_USERS = "platform_users"
NHS_COST_BASIS = "contribution.access_costs"
#: Every part the NHS's costs can be read from: its access costs, shared curation, and consortium members' own
#: costs and shares (issue 16).
NHS_COST_PATHS = (NHS_COST_BASIS, "contribution.curation")
_MEMBER_INTERNALS = re.compile(r"^nhs\.members(\[\d+\]\.(own_costs|share)(\..*)?)?$|^nhs\.split$")


def is_internal_path(path: str) -> bool:
    """Whether a field path names an internal part of the deal (or a part of one).

    >>> is_internal_path("negotiation.nhs_walk_away_gbp"), is_internal_path("contribution.access_costs.years")
    (True, True)
    >>> is_internal_path("terms[0].amount_gbp"), is_internal_path("contribution")
    (False, True)
    >>> is_internal_path("platform_users[0].terms"), is_internal_path("nhs.members[1].own_costs.yearly_gbp")
    (True, True)
    """
    root = path.split(".")[0].split("[")[0]
    if root in INTERNAL_SECTIONS or root == OTHER_USERS or path in ("contribution", "nhs"):
        return True
    if _MEMBER_INTERNALS.match(path):
        return True
    return any(path == p or path.startswith((p + ".", p + "[")) for p in NHS_COST_PATHS)


def variant_problems(deal: Deal):
    """Yield one message per variant whose name repeats or whose changes do not make a valid deal."""
    names: set[str] = set()
    for k, variant in enumerate(deal.variants):
        if variant.name in names:
            yield Problem(f"variants[{k}].name", f"'{variant.name}' is used by another variant", "variant_name_unique")
        names.add(variant.name)
        if variant.shared:
            for path in variant.overrides:
                if is_internal_path(path):
                    yield Problem(f"variants[{k}].overrides",
                                  f"{path}: a variant shared with the partner cannot change the NHS's internal figures "
                                  f"or its costs; set shared: false to keep the variant internal",
                                  "shared_variant_not_internal")
        try:
            Deal.model_validate(apply_overrides(deal, variant))
        except DealInvalid as error:
            for p in error.problems:
                yield Problem(f"variants[{k}].overrides", p.line(), p.rule or "variant_makes_a_deal")
        except ValidationError as error:
            for p in problems_from_validation(error):
                yield Problem(f"variants[{k}].overrides", p.line(), p.rule or "variant_makes_a_deal")

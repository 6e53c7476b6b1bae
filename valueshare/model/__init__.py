"""The deal model: pydantic v2 types that validate every input at the boundary."""

from valueshare.model.contribution_value import (
    Anchor,
    Comparable,
    ContributionValueInputs,
    CostActivity,
    MarketScaling,
    PreparationCost,
    PriceUnit,
)
from valueshare.model.deal import GREEN_BOOK_RATE, AccessRoute, Assumptions, Deal, Use
from valueshare.model.negotiation import NegotiationInputs
from valueshare.model.parties import (
    AccessCosts,
    Contribution,
    Curation,
    DataAsset,
    DataType,
    Expertise,
    ExpertiseKind,
    NhsKind,
    NhsParty,
    Partner,
    PartnerKind,
)
from valueshare.model.route import RouteToMarket, Sales, Stage
from valueshare.model.terms import (
    SALES_LINKED,
    TERM_KINDS,
    TERM_LABELS,
    AccessFee,
    CommercialTerm,
    ConsentToCommercialise,
    Equity,
    Frequency,
    InKindBenefit,
    Milestone,
    NhsPriceDiscount,
    RevenueShare,
    Royalty,
    RoyaltyTier,
    Subscription,
    Term,
    Territory,
    kind_of,
)

__all__ = [
    "Anchor", "Comparable", "NegotiationInputs", "ContributionValueInputs", "CostActivity", "MarketScaling",
    "PreparationCost", "PriceUnit",
    "GREEN_BOOK_RATE", "SALES_LINKED", "TERM_KINDS", "TERM_LABELS", "AccessCosts", "AccessFee", "AccessRoute",
    "Assumptions",
    "CommercialTerm", "ConsentToCommercialise", "Contribution", "Curation", "DataAsset", "DataType", "Deal", "Equity",
    "Expertise", "ExpertiseKind", "Frequency", "InKindBenefit", "Milestone", "NhsKind", "NhsParty",
    "NhsPriceDiscount", "Partner", "PartnerKind", "RevenueShare", "RouteToMarket", "Royalty", "RoyaltyTier", "Sales",
    "Stage", "Subscription", "Term", "Territory", "Use", "kind_of",
]

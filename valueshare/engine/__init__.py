"""The valuation engine: small pure functions over numpy arrays of (worlds × years)."""

from valueshare.engine.finance import Irr, irr, npv
from valueshare.engine.timeline import discount_factors
from valueshare.engine.valuation import DealFlows, Line, LineSummary, Valuation, deal_flows, value_deal

__all__ = ["DealFlows", "Irr", "Line", "LineSummary", "Valuation", "deal_flows", "discount_factors", "irr", "npv",
           "value_deal"]

"""valueshare: model, value and document NHS data partnerships under the NHS Value Sharing Framework.

>>> from valueshare import load_deal, value_deal
>>> from valueshare.scenario import example_paths
>>> result = value_deal(load_deal(example_paths()[0]))
>>> isinstance(result.nhs_npv, float)
True
"""

from valueshare.engine import Valuation, value_deal
from valueshare.errors import DealInvalid, Problem, ValueshareError
from valueshare.model import Deal
from valueshare.scenario import deal_from_data, deal_from_yaml, deal_to_yaml, load_deal

__all__ = ["Deal", "DealInvalid", "Problem", "Valuation", "ValueshareError", "deal_from_data", "deal_from_yaml",
           "deal_to_yaml", "load_deal", "value_deal"]
__version__ = "0.1.0"

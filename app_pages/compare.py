"""Compare: the deal side by side with its variants, another example or a counter-offer."""

from ui import compare as view
from ui import results
from valueshare.compare import compare

valid = results.deal_page("Compare", nothing="No valid version of this deal yet: fix the problems shown to compare "
                                             "it.")
view.show(compare(view.chosen_deals(valid)))

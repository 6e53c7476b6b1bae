"""Contribution value: what the NHS's data and expertise are worth, by cost, market and income, as one range."""

from ui import contribution, results, state

valid = results.deal_page(
    "Contribution value", nothing="No valid version of this deal yet: fix the problems shown to value its "
                                  "contribution.",
    editor=lambda form, draft: contribution.inputs_editor(form, draft, state.check()))
worth = contribution.value(valid)
contribution.approaches(worth)
contribution.details(worth)

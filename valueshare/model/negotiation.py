"""The NHS side's negotiating position and the partner's walk-away: internal figures that the negotiation brief
shows and the term sheet never does.

Positions are measured as the framework measures the NHS's share (principle 4): what the partner gives the NHS, in
present value at the partner's own rate, as an amount in £ or as a share of the partner's value before any payment
to the NHS. Leave a position empty to take valueshare's default (docs/method.md, section 12).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from valueshare.errors import invalid
from valueshare.model.base import Model
from valueshare.model.types import DiscountRate, Fraction, Gbp, Prose


class NegotiationInputs(Model):
    """Where the NHS will walk away, what it aims for, and when the partner walks away. Internal: never printed in
    the term sheet."""

    nhs_walk_away_gbp: Gbp | None = Field(title="NHS's walk-away",
        default=None, description="The least value to the NHS it will accept, in £ (present value, at the partner's "
                                  "rate, of what the partner gives it). Empty: full cost recovery plus a value share "
                                  "at the low end of the fair-share band.")
    nhs_walk_away_share: Fraction | None = Field(title="NHS's walk-away as a share",
        default=None, description="The same walk-away as a share of the partner's value before payments (0.1 is "
                                  "10%); give it in £ or as a share, not both.")
    nhs_target_gbp: Gbp | None = Field(title="NHS's target",
        default=None, description="The value to the NHS it aims for, in £. Empty: the NHS's ask on the contribution "
                                  "value's anchor (by default the middle of the fair-share band), never below the "
                                  "walk-away.")
    nhs_target_share: Fraction | None = Field(title="NHS's target as a share",
        default=None, description="The same target as a share of the partner's value; in £ or as a share, not both.")
    partner_min_irr: DiscountRate | None = Field(title="Partner's minimum IRR",
        default=None, description="The partner walks away below this internal rate of return (0.15 is 15%). Empty: "
                                  "it walks away when its NPV at its discount rate falls below zero.")
    partner_walk_away_gbp: Gbp | None = Field(title="Partner's walk-away",
        default=None, description="The most the NHS judges the partner will give it, in £ (present value at the "
                                  "partner's rate). Empty: the partner's value before payments (at its minimum IRR, "
                                  "if one is set). Give it where that value is not modelled, as in a partnership "
                                  "without a product, to see the zone of agreement.")
    notes: Prose = Field(title="Notes", default="", max_length=4000,
                       description="Internal notes for the negotiation brief; never printed in the term sheet.")

    @model_validator(mode="after")
    def _one_way_each(self) -> NegotiationInputs:
        for name in ("walk_away", "target"):
            if getattr(self, f"nhs_{name}_gbp") is not None and getattr(self, f"nhs_{name}_share") is not None:
                raise invalid(f"nhs_{name}_share", "pounds_or_share",
                              f"give the {name.replace('_', '-')} in £ or as a share, not both")
        return self

"""What a deal grants beyond access to raw data, and what it publishes: the 2019 guiding principles' exclusivity
and transparency (DHSC, *Creating the right framework...*, July 2019, guiding principles 3 and 4)."""

from __future__ import annotations

from pydantic import Field

from valueshare.model.base import Model
from valueshare.model.types import Prose, WholeYears


class Exclusivity(Model):
    """Exclusive rights the partner gets beyond raw data: to data derived from it and to models trained on it."""

    derived_exclusive: bool = Field(title="Exclusive rights to derived data and models", default=False,
        description="True if the partner gets exclusive rights to data derived from the NHS's data, or to models "
                    "trained on it. Raw data can never be exclusive (the 2019 principles); derived rights should be "
                    "limited to a field of use and in time [ours].")
    field_of_use: Prose = Field(title="Field of use of the exclusivity", default="", max_length=300,
        description="The field the exclusive rights are limited to (e.g. 'diabetic retinopathy screening'); empty "
                    "if they are not limited to one.")
    years: WholeYears | None = Field(title="Years of exclusivity", default=None,
        description="For how many years after signature the exclusive rights last; empty if they have no end.")


class Transparency(Model):
    """What the deal makes public, so that it can be explained to patients and the public (2019 principle 4)."""

    data_use_register: bool = Field(title="Listed in a public data-use register", default=False,
        description="True if the partnership is listed in a public data-use register (research secure data "
                    "environments publish one).")
    public_summary: bool = Field(title="Plain-language public summary", default=False,
        description="True if a plain-language summary of the partnership and its value sharing is published.")
    results_published: bool = Field(title="Results published", default=False,
        description="True if the partnership commits to publishing its results.")

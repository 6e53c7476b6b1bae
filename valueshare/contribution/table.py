"""valueshare's table of published comparables and per-record ceilings, validated when it is loaded.

The table is data inside the package (``valueshare/data/comparables.yaml``): dated, sourced, each figure tagged as
published [pub] or our reading of published figures [ours]. A table that breaks a rule (no source, no date, an
unknown unit) is refused with one message per problem, as a deal file is.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from valueshare.errors import DealInvalid, Problem, problems_from_validation
from valueshare.model.base import Model
from valueshare.model.contribution_value import Comparable, ComparableKind
from valueshare.model.parties import DataType
from valueshare.model.types import Gbp, Name, Prose

TABLE = Path(__file__).resolve().parent.parent / "data" / "comparables.yaml"


class Ceiling(Model):
    """A published value per record of one data type: an upper bound to check a valuation against, never a price."""

    data_type: DataType = Field(description="The kind of data.")
    per_record_gbp: Gbp = Field(description="Value of one patient's record, in £ of its date.")
    source: Name = Field(max_length=400, description="Who published it, and where.")
    published: datetime.date = Field(description="When it was published (YYYY-MM-DD).")
    tag: Literal["pub", "ours"] = Field(description="pub: as published; ours: our reading of published figures.")
    notes: Prose = Field(default="", max_length=600, description="What the figure means.")


class PublishedComparable(Comparable):
    """A comparable in valueshare's own table: published, or our reading of published figures, and always saying
    whether it is a cost-recovery tariff or a commercial licence."""

    tag: Literal["pub", "ours"] = Field(description="pub: as published; ours: our reading of published figures.")
    kind: ComparableKind = Field(description="tariff (a cost-recovery charge: a floor) or commercial_licence.")


class Table(Model):
    """The whole file: its version (the day it was last reviewed), the comparables and the ceilings."""

    version: datetime.date = Field(description="The day the table was last reviewed.")
    comparables: list[PublishedComparable] = Field(min_length=1, description="Published comparables: "
                                                   "cost-recovery tariffs and commercial licences, each saying which.")
    ceilings: list[Ceiling] = Field(min_length=1, description="Published per-record values.")


def parse_table(text: str, source: str = str(TABLE)) -> Table:
    """Validate a comparables table from its YAML text; ``DealInvalid`` lists every problem with its place."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DealInvalid([Problem("", f"not valid YAML: {getattr(error, 'problem', None) or error}")],
                          source) from None
    except ValueError as error:  # a date that does not exist, e.g. 2023-13-01
        raise DealInvalid([Problem("", f"not valid YAML: a date that does not exist ({error})")], source) from None
    if not isinstance(data, dict):
        raise DealInvalid([Problem("", "the table must be a section with version, comparables and ceilings")],
                          source)
    try:
        return Table.model_validate(data)
    except ValidationError as error:
        raise DealInvalid(problems_from_validation(error), source) from None


@cache
def published_table() -> Table:
    """The table shipped with valueshare, read and validated once."""
    return parse_table(TABLE.read_text(encoding="utf-8"))


def ceiling_for(data_type: DataType, table: Table) -> Ceiling | None:
    return next((c for c in table.ceilings if c.data_type is data_type), None)

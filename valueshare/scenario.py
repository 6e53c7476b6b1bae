"""Deals in and out of YAML scenario files: safe loading only, every problem reported with its field.

Every way in migrates the file's data to the current format first (``valueshare.formats``): a file written in an
older format reads as the same deal, and the ``read_*`` functions say so (``Loaded.note``) for the caller to show
once. Every way out writes ``format_version`` as the first key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from valueshare.errors import DealInvalid, Problem, problems_from_validation
from valueshare.formats import Migrated, migrate, stamped
from valueshare.model import Deal, NhsKind, PartnerKind, Use
from valueshare.textio import MAX_FILE_BYTES, load_json, load_yaml, read_file  # noqa: F401 - MAX_FILE_BYTES re-exported

#: The example deals that ship with valueshare.
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


@dataclass(frozen=True)
class Loaded:
    """A deal read from a file (or its data), with what reading it took: ``migrated`` says which format it was
    written in and which steps brought it to the current one."""

    deal: Deal
    migrated: Migrated
    source: str | None = None

    @property
    def note(self) -> str | None:
        """The one line to show when the file was written in an older format (None when it was current), e.g.
        ``deal.yaml: written in format 1, read as format 2 (1 to 2: ...)``."""
        return self.migrated.note(self.source)


def read_deal_data(data: Any, source: str | None = None) -> Loaded:
    """Migrate already-parsed data (a dict, as from YAML or JSON) to the current format and validate it into a
    ``Deal``. Raises ``DealInvalid`` listing every problem, each with its field path."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise DealInvalid([Problem("", f"a deal must be a section of named fields (name, nhs, partner, ...); "
                                       f"this is {kind}")], source)
    migrated = migrate(data, source)
    try:
        return Loaded(Deal.model_validate(migrated.data), migrated, source)
    except ValidationError as error:
        raise DealInvalid(problems_from_validation(error), source) from None


def read_deal_content(content: str | bytes, name: str) -> Loaded:
    """A deal file's content (an upload, say), read as ``read_deal_data`` reads data: JSON when ``name`` ends
    ``.json``, else YAML."""
    if Path(name).suffix.lower() == ".json":
        return read_deal_data(load_json(content, name), name)
    return read_deal_data(load_yaml(content, name), name)


def read_deal(path: str | Path) -> Loaded:
    """Read, migrate and validate a scenario file: YAML, or JSON when its name ends ``.json``."""
    return read_deal_content(read_file(path), str(path))


def deal_from_data(data: Any, source: str | None = None) -> Deal:
    """Validate already-parsed data (a dict, as from YAML or JSON) into a ``Deal``, migrated from an older format
    if it was written in one (``read_deal_data`` also says whether it was).

    Raises ``DealInvalid`` listing every problem, each with its field path.
    """
    return read_deal_data(data, source).deal


def deal_from_yaml(text: str | bytes, source: str | None = None) -> Deal:
    """Parse YAML text (or UTF-8 bytes) and validate it into a ``Deal``; ``valueshare.textio`` says what it refuses."""
    return deal_from_data(load_yaml(text, source), source)


def deal_from_file_content(content: bytes, name: str) -> Deal:
    """Validate a deal file's content (an upload, say): JSON when ``name`` ends ``.json``, else YAML."""
    return read_deal_content(content, name).deal


def load_deal(path: str | Path) -> Deal:
    """Read and validate a scenario file: YAML, or JSON when its name ends ``.json``."""
    return read_deal(path).deal


def deal_to_data(deal: Deal) -> dict[str, Any]:
    """The deal as plain data, in the scenario file's layout (empty optional fields left out), with
    ``format_version`` as its first key.

    >>> from valueshare.scenario import example_paths
    >>> list(deal_to_data(load_deal(example_paths()[0])))[:2]
    ['format_version', 'name']
    """
    return stamped(_without_empty_optionals(deal, deal.model_dump(mode="json")))


def _without_empty_optionals(model: BaseModel, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (``model`` dumped) without the fields that are empty and empty by default: an empty field whose
    default is not empty (an equity rate left empty means "each party's own rate", where format 2's default is a
    rate) is written, so that the file reads back to the same deal."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None:
            if info.default is None and name in data:
                del data[name]
        elif isinstance(value, BaseModel):
            _without_empty_optionals(value, data[name])
        elif isinstance(value, list):
            for item, dumped in zip(value, data[name], strict=True):
                if isinstance(item, BaseModel):
                    _without_empty_optionals(item, dumped)
    return data


def deal_to_yaml(deal: Deal) -> str:
    """The deal as a YAML scenario file that ``deal_from_yaml`` reads back to an equal deal."""
    return _yaml(deal_to_data(deal))


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


#: The inputs of a deal that have no default: a new deal leaves them empty for its author to fill in.
NO_DEFAULT = ("name", "nhs.name", "nhs.kind", "partner.name", "partner.kind", "use")


def new_deal_data() -> dict[str, Any]:
    """A new deal as plain data: every input at the model's default (the discount rates, the horizon, the price base
    year, the fair-share scales...) and the inputs with no default (``NO_DEFAULT``) empty, so that validating it
    names each one. Nothing is contributed, paid or sold yet.

    >>> data = new_deal_data()
    >>> data["name"], data["nhs"]["name"], "use" in data, data["assumptions"]["horizon_years"]
    ('', '', False, 20)
    >>> data["assumptions"]["partner_tax_rate"], data["assumptions"]["base_case"]  # today's defaults, not format 1's
    (0.25, 'expected')
    >>> try:
    ...     deal_from_data(data)
    ... except DealInvalid as error:
    ...     sorted(p.path for p in error.problems) == sorted(NO_DEFAULT)
    True
    """
    # Stamped with the current format: data without a format version is read as format 1, whose migration would
    # write format 1's old settings (before tax, NICE at 1.5%, the entered base case) into the new deal.
    named = stamped({"name": "-", "nhs": {"name": "-", "kind": NhsKind.TRUST},
                     "partner": {"name": "-", "kind": PartnerKind.SME}, "use": Use.COMMERCIAL_PRODUCT})
    data = deal_to_data(deal_from_data(named))
    for path in NO_DEFAULT:
        *parents, field = path.split(".")
        part = data
        for name in parents:
            part = part[name]
        if field == "name":
            part[field] = ""  # a name stays in the file, empty, for its author to type in
        else:
            del part[field]
    return data


def new_deal_yaml() -> str:
    """A new deal as a scenario file to fill in, with a first comment saying what it still needs."""
    head = ("# A new valueshare deal. Fill in what has no default: " + ", ".join(NO_DEFAULT) + "; then add what the\n"
            "# NHS contributes, the route to market and the terms. docs/scenario-format.md explains every field, and\n"
            "# 'python -m valueshare validate THIS-FILE' lists what is still missing.\n")
    return head + _yaml(new_deal_data())


def example_paths() -> list[Path]:
    """The shipped example scenarios, sorted by file name."""
    return sorted(SCENARIO_DIR.glob("*.yaml"))


@functools.cache
def _example_deals() -> tuple[Deal, ...]:
    return tuple(load_deal(path) for path in example_paths())


def unchanged_example(deal: Deal) -> bool:
    """Whether ``deal`` is one of the shipped examples exactly as shipped (an edited copy is not)."""
    return any(deal == example for example in _example_deals())

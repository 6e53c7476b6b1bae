"""Deals in and out of YAML scenario files: safe loading only, every problem reported with its field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from valueshare.errors import DealInvalid, Problem, problems_from_validation
from valueshare.model import Deal, NhsKind, PartnerKind, Use

#: The example deals that ship with valueshare.
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"

MAX_FILE_BYTES = 1_000_000

#: libyaml's safe loader when PyYAML has it (ten times faster than the pure-Python one, measured in bench/), else
#: the pure-Python safe loader; both build only plain data, never Python objects.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def deal_from_data(data: Any, source: str | None = None) -> Deal:
    """Validate already-parsed data (a dict, as from YAML or JSON) into a ``Deal``.

    Raises ``DealInvalid`` listing every problem, each with its field path.
    """
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise DealInvalid([Problem("", f"a deal must be a section of named fields (name, nhs, partner, ...); "
                                       f"this is {kind}")], source)
    try:
        return Deal.model_validate(data)
    except ValidationError as error:
        raise DealInvalid(problems_from_validation(error), source) from None


def deal_from_yaml(text: str | bytes, source: str | None = None) -> Deal:
    """Parse YAML text and validate it into a ``Deal``."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise DealInvalid([Problem("", f"the file is larger than {MAX_FILE_BYTES:,} bytes")], source)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DealInvalid([Problem("", "not a text file (it must be YAML saved as UTF-8)")], source) from None
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, only the C one when available
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or "it could not be read"
        raise DealInvalid([Problem("", f"not valid YAML{where}: {reason}")], source) from None
    except ValueError as error:  # PyYAML reads 2023-13-01 as a date and raises a plain ValueError for it
        raise DealInvalid([Problem("", f"not valid YAML: a date that does not exist ({error})")], source) from None
    return deal_from_data(data, source)


def load_deal(path: str | Path) -> Deal:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DealInvalid([Problem("", f"cannot read the file ({error.strerror or error})")], str(path)) from None
    return deal_from_yaml(raw, str(path))


def deal_to_data(deal: Deal) -> dict[str, Any]:
    """The deal as plain data, in the scenario file's layout (empty optional fields left out)."""
    return deal.model_dump(mode="json", exclude_none=True)


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
    >>> try:
    ...     deal_from_data(data)
    ... except DealInvalid as error:
    ...     sorted(p.path for p in error.problems) == sorted(NO_DEFAULT)
    True
    """
    named = {"name": "-", "nhs": {"name": "-", "kind": NhsKind.TRUST},
             "partner": {"name": "-", "kind": PartnerKind.SME}, "use": Use.COMMERCIAL_PRODUCT}
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

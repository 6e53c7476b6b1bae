"""Format 1 to format 2: the fields format 2 added, filled in so that a format-1 file keeps its meaning.

Format 2 (issue 15) added settings whose defaults follow the framework, finance and public-sector conventions
more faithfully than format 1's implicit assumptions did. A format-1 file was written, and valued, under those
implicit assumptions; ``to_format_2`` writes each of them out explicitly, so that the file values to the same
money as it did with the valueshare that wrote it (``tests/corpus/format1``), and its reader sees, and may change,
what it assumed. A file written in format 2 without these keys takes format 2's defaults.

Each ``_keep_*`` function below works on the plain data in place, for one area of the model.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data[key]`` as a section, created empty when the file left it out (a non-section is left for the
    validator to report)."""
    value = data.get(key)
    if value is None:
        value = data[key] = {}
    return value if isinstance(value, dict) else {}


def _keep_discounting(data: dict[str, Any]) -> None:
    """Discount rates and the value of health and growth (owner: health economics)."""


def _keep_payment_terms(data: dict[str, Any]) -> None:
    """Indexation of payment terms, equity exits, the partner's tax (owner: finance)."""


def _keep_base_case(data: dict[str, Any]) -> None:
    """The base case the headline figures use (owner: base case).

    Format 1 valued each uncertain input at the deal's own value of it; format 2 takes its distribution's mean
    unless ``assumptions.base_case`` says ``entered``. A variant that replaces the whole ``assumptions`` section
    keeps format 1's reading too.

    >>> data = {"assumptions": {"horizon_years": 10}, "variants": [{"overrides": {"assumptions": {}}}]}
    >>> _keep_base_case(data); data["assumptions"]["base_case"], data["variants"][0]["overrides"]["assumptions"]
    ('entered', {'base_case': 'entered'})
    """
    _section(data, "assumptions").setdefault("base_case", "entered")
    variants = data.get("variants")
    for variant in variants if isinstance(variants, list) else ():
        overrides = variant.get("overrides") if isinstance(variant, dict) else None
        section = overrides.get("assumptions") if isinstance(overrides, dict) else None
        if isinstance(section, dict):
            section.setdefault("base_case", "entered")


KEEPERS: tuple[Callable[[dict[str, Any]], None], ...] = (_keep_discounting, _keep_payment_terms, _keep_base_case)


def to_format_2(data: dict[str, Any]) -> dict[str, Any]:
    """A format-1 deal's plain data in format 2, with the same meaning."""
    data = copy.deepcopy(data)
    for keep in KEEPERS:
        keep(data)
    return data

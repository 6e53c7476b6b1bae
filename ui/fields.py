"""What the app needs to know about a model field to draw a widget for it, read from the model itself.

The help text is the field's description and the unit is its ``x-unit``, so the app uses the same words and units
as the scenario files and the docs. Fractions are shown as percentages: the conversion happens here, at the widget
boundary, and nowhere else.
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from valueshare import inputs
from valueshare.inputs import field_input
from valueshare.model.base import Choice


@dataclass(frozen=True)
class Spec:
    """One field of a model as the app sees it."""

    name: str
    label: str
    help: str
    kind: str                       # number, text, bool, choice, date, list, model or fixed
    unit: str | None = None         # x-unit: fraction, gbp, years, year, count, hours
    whole: bool = False             # an int field
    optional: bool = False          # may be empty (None)
    choice: type[Choice] | None = None
    item: Any = None                # a list's item type, or a section's model
    default: Any = None             # None when the field has no default

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional


def path_words(path: str, draft: Any = None) -> str:
    """A field's path in people's words (the catalogue of inputs' ``where``); with the draft, a term is named by
    its kind and a stage by its name.

    >>> path_words("terms[1].rate", {"terms": [{"kind": "access_fee"}, {"kind": "revenue_share"}]})
    'Term 2 (Revenue share), rate (%)'
    """
    return inputs.where(path, draft)


#: The pages other than the Deal page that edit parts of the deal (their files), by the first part of a field's path.
#: The Deal page's sections are ``ui.editor.section_of``.
PAGE_OF: dict[str, str] = {
    **dict.fromkeys(("patient_benefit", "economic_growth", "exclusivity", "transparency", "fair_share"),
                    "app_pages/framework.py"),
    "contribution_value": "app_pages/contribution.py", "negotiation": "app_pages/negotiation.py",
    "uncertainty": "app_pages/risk.py", "variants": "app_pages/compare.py",
}


def page_of(path: str) -> str | None:
    """The page (its file) other than the Deal page where the field at ``path`` is edited; None for the Deal page's
    fields and the deal as a whole.

    >>> page_of("negotiation.partner_min_irr"), page_of("route_to_market.stages[0].duration_years"), page_of("")
    ('app_pages/negotiation.py', None, None)
    """
    return PAGE_OF.get(path.split(".", 1)[0].split("[", 1)[0]) if path else None


def _spec(model: type[BaseModel], name: str, info: FieldInfo) -> Spec:
    """The widget's view of a field: its label, unit, kind and bounds as the catalogue of inputs reads them."""
    found = field_input(model, name)
    default = None
    if info.default is not PydanticUndefined and info.default is not None:
        default = info.default
    common = {"name": name, "label": found.label, "help": found.help, "optional": found.optional, "default": default}
    bare = found.bare
    if found.kind == "choice":
        return Spec(kind="choice", choice=bare, **common)
    if found.kind == "number":
        return Spec(kind="number", unit=found.unit, whole=found.whole, **common)
    if found.kind == "list":
        item = typing.get_args(bare)[0]
        while typing.get_origin(item) is typing.Annotated:  # a bounded text type, e.g. list[Annotated[Name, ...]]
            item = typing.get_args(item)[0]
        return Spec(kind="list", item=item, **common)
    if found.kind == "model" and isinstance(bare, type):
        return Spec(kind="model", item=bare, **common)
    if found.kind in ("fixed", "bool", "text", "date"):
        return Spec(kind=found.kind, **common)
    raise TypeError(f"no widget for field {name!r} of type {bare!r}")


#: The section of the method notes (docs/method.md, the app's Method page) that explains each part of the deal.
METHOD_SECTIONS: dict[str, tuple[int, str]] = {
    "Deal": (5, "the mechanisms"), "NhsParty": (10, "the framework"), "Partner": (10, "the framework"),
    "DataAsset": (10, "the fair-share factors"), "Expertise": (6, "the NHS's costs"), "Contribution": (6, "the "
    "NHS's costs"), "AccessCosts": (6, "the NHS's costs"), "Stage": (3, "risk adjustment by stage"),
    "RouteToMarket": (3, "risk adjustment by stage"), "Sales": (4, "sales"), "Assumptions": (2, "discounting"),
    "AccessFee": (5, "the mechanisms"), "Subscription": (5, "the mechanisms"), "Milestone": (5, "the mechanisms"),
    "Royalty": (5, "the mechanisms"), "RoyaltyTier": (5, "the mechanisms"), "RevenueShare": (5, "the mechanisms"),
    "Equity": (5, "the mechanisms"), "NhsPriceDiscount": (5, "the mechanisms"), "InKindBenefit": (5, "the "
    "mechanisms"), "ConsentToCommercialise": (5, "the mechanisms"), "PatientBenefit": (10, "the three aims"),
    "EconomicGrowth": (10, "the three aims"), "FairShareInputs": (10, "the fair-share estimate"),
    "FactorOverride": (10, "the fair-share estimate"), "ContributionValueInputs": (11, "the contribution's value"),
    "PreparationCost": (11, "the cost approach"), "Comparable": (11, "the market approach"),
    "MarketScaling": (11, "the market approach"), "NegotiationInputs": (12, "negotiation"),
    "UncertainInput": (8, "the Monte Carlo"), "Fixed": (8, "distributions"), "Uniform": (8, "distributions"),
    "Triangular": (8, "distributions"), "Pert": (8, "distributions"), "Normal": (8, "distributions"),
    "Lognormal": (8, "distributions"), "Exclusivity": (10, "the 2019 guiding principles"),
    "Transparency": (10, "the 2019 guiding principles"), "Reconciliation": (11, "the contribution's value"),
    "Member": (14, "a consortium"), "MemberCosts": (14, "a consortium"),
    "CurationCosts": (16, "platform users and shared curation"), "Funding": (15, "third-party funding"),
    "PlatformUser": (16, "platform users and shared curation"),
    "SdeCharges": (18, "secure-environment charges and service income"),
    "ServiceIncome": (18, "secure-environment charges and service income"), "Outcome": (17, "outcomes beyond QALYs"),
}


def method_link(model: type[BaseModel]) -> str:
    """A markdown link to the method section on ``model``'s part of the deal, or '' when there is none.

    >>> from valueshare.model import Sales
    >>> method_link(Sales)
    '[Method, section 4: sales](method#s4)'
    """
    found = METHOD_SECTIONS.get(model.__name__)
    return section_link(*found) if found else ""


def section_link(number: int, words: str) -> str:
    """A markdown link to section ``number`` of the method notes, for a help text.

    >>> section_link(8, "the Monte Carlo")
    '[Method, section 8: the Monte Carlo](method#s8)'
    """
    return f"[Method, section {number}: {words}](method#s{number})"


@cache
def specs(model: type[BaseModel]) -> dict[str, Spec]:
    """Every field of ``model`` in declaration order, keyed by name; each help text ends with a link to the method
    section that explains it."""
    link = method_link(model)
    out = {}
    for name, info in model.model_fields.items():
        spec = _spec(model, name, info)
        if link and spec.help:
            spec = replace(spec, help=f"{spec.help} {link}")
        out[name] = spec
    return out


def shown(value: Any, spec: Spec) -> Any:
    """The stored value as the widget shows it: 0.02 -> 2.0 for a fraction; None stays None."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if spec.unit == "fraction":
        return round(value * 100, 10)
    if spec.whole:
        return int(value) if float(value).is_integer() else float(value)
    return float(value)


def stored(value: Any, spec: Spec, before: Any = None) -> Any:
    """The widget's value as the draft stores it: 2.0 -> 0.02 for a fraction; empty is None.

    When the widget still shows ``before``, ``before`` is kept as it was, so that showing a figure never changes it.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if before is not None and shown(before, spec) == value:
        return before
    if spec.unit == "fraction":
        return round(float(value) / 100, 12)
    if spec.whole and float(value).is_integer():
        return int(value)
    return float(value)

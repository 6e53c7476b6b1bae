"""Making and changing a deal's variants: add one, change one, remove one, or make one from an edited copy of the deal.

Every function takes a valid ``Deal`` and returns a new one, validated whole (each variant must itself make a valid
deal, a shared one may not change the NHS's internal figures: ``valueshare.model.deal.variant_problems``), or raises
``DealInvalid`` whose problems name the field, e.g. ``variants[2].name``, and the rule. The deal passed in is never
changed. A variant is found by its name, which the model keeps unique.

Values typed as text are read as YAML (``parse_value``): ``0.15`` is a number, ``true`` a yes, ``[1, 2]`` a list,
anything else text; the deal's validation then decides whether the value fits its field.
"""

from __future__ import annotations

import copy
import datetime
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from pydantic import ValidationError

from valueshare.compare import leaves
from valueshare.errors import DealInvalid, Problem, problems_from_validation
from valueshare.model import Deal
from valueshare.model.deal import apply_overrides
from valueshare.textio import load_yaml

_KEY = re.compile(r"^[A-Za-z_]\w*$")  # a section's key that a field path can name


# -- values typed as text ------------------------------------------------------------------------------------------

def parse_value(text: str, path: str, *, where: str = "") -> Any:
    """The value ``text`` means, read as YAML; ``DealInvalid`` at ``where`` naming ``path`` when it cannot be read.

    YAML 1.1's rules hold (the deal file's own): ``no`` is false and ``1e3`` is text, so the deal's validation
    names such a value at its field.

    >>> parse_value("0.15", "p"), parse_value("[1, 2]", "p"), parse_value("Downside", "p"), parse_value("true", "p")
    (0.15, [1, 2], 'Downside', True)
    >>> parse_value("2024-04-01", "p")
    '2024-04-01'
    >>> parse_value("  ", "terms[0].amount_gbp", where="variants[0].overrides")
    Traceback (most recent call last):
    ...
    valueshare.errors.DealInvalid: variants[0].overrides: terms[0].amount_gbp: needs a value (a number, text, true \
or false, or a list such as [1, 2])
    """
    if not text.strip():
        raise DealInvalid([Problem(where, f"{path}: needs a value (a number, text, true or false, or a list such as "
                                          f"[1, 2])", "value_required")])
    try:
        return _plain(load_yaml(text))
    except DealInvalid as error:
        raise DealInvalid([Problem(where, f"{path}: {p.message}", "value_is_yaml") for p in error.problems]) from None


def parse_overrides(texts: Mapping[str, str], *, where: str = "") -> dict[str, Any]:
    """Each path's value read from its text (``parse_value``), every problem reported at once."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for path, text in texts.items():
        try:
            values[path] = parse_value(text, path, where=where)
        except DealInvalid as error:
            problems += error.problems
    if problems:
        raise DealInvalid(problems)
    return values


def value_text(value: Any) -> str:
    """A value as the text ``parse_value`` reads back to it (YAML on one line).

    >>> value_text(0.15), value_text("no"), value_text([1, 2]), value_text(True), value_text(None)
    ('0.15', "'no'", '[1, 2]', 'true', 'null')
    """
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=math.inf)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _plain(value: Any) -> Any:
    """YAML's dates as the text a deal file holds (the deal's data is JSON-like)."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# -- adding, changing and removing ---------------------------------------------------------------------------------

def add_variant(deal: Deal, name: str, *, overrides: Mapping[str, Any], description: str = "",
                shared: bool = False) -> Deal:
    """The deal with a new variant last: ``name``, what it assumes, whether it is shared with the partner, and the
    inputs it changes by field path.

    >>> from valueshare.scenario import example_paths, load_deal
    >>> deal = load_deal(next(p for p in example_paths() if p.name == "ai-imaging-device.yaml"))
    >>> new = add_variant(deal, "Cheaper", overrides={"route_to_market.sales.price_gbp": 8})
    >>> [v.name for v in new.variants], new.variant("Cheaper").route_to_market.sales.price_gbp
    (['Downside', 'Upside', 'Cheaper'], 8.0)
    >>> add_variant(deal, "Upside", overrides={"route_to_market.sales.price_gbp": 8})
    Traceback (most recent call last):
    ...
    valueshare.errors.DealInvalid: variants[2].name: 'Upside' is used by another variant
    """
    variants = _dumped(deal)
    variants.append({"name": name, "description": description, "shared": shared, "overrides": dict(overrides)})
    _refuse_a_repeated_name(deal, len(variants) - 1, name)
    return _with_variants(deal, variants)


def change_variant(deal: Deal, name: str, *, rename: str | None = None, description: str | None = None,
                   shared: bool | None = None, set_overrides: Mapping[str, Any] | None = None,
                   remove_overrides: Iterable[str] = ()) -> Deal:
    """The deal with its variant ``name`` changed: renamed, described again, shared or not, some inputs set (a new
    path or a new value for one it already changes) and some no longer changed. What is not given stays.

    >>> from valueshare.scenario import example_paths, load_deal
    >>> deal = load_deal(next(p for p in example_paths() if p.name == "ai-imaging-device.yaml"))
    >>> new = change_variant(deal, "Upside", rename="Best case", set_overrides={"route_to_market.sales.price_gbp": 11},
    ...                      remove_overrides=["route_to_market.sales.peak_uptake"])
    >>> new.variants[1].name, new.variants[1].overrides
    ('Best case', {'route_to_market.sales.price_gbp': 11})
    >>> change_variant(deal, "Upside", set_overrides={"route_to_market.sales.peak_uptake": 1.5})
    Traceback (most recent call last):
    ...
    valueshare.errors.DealInvalid: variants[1].overrides: route_to_market.sales.peak_uptake: must be between 0 and 1 \
(0% to 100%)
    """
    k = _index(deal, name)
    variants = _dumped(deal)
    variant = variants[k]
    if rename is not None:
        _refuse_a_repeated_name(deal, k, rename)
        variant["name"] = rename
    if description is not None:
        variant["description"] = description
    if shared is not None:
        variant["shared"] = shared
    overrides = dict(variant["overrides"])
    for path in remove_overrides:
        if path not in overrides:
            raise DealInvalid([Problem(f"variants[{k}].overrides", f"{path}: the variant does not change this input",
                                       "override_exists")])
        del overrides[path]
    overrides.update(set_overrides or {})
    if not overrides:
        raise DealInvalid([Problem(f"variants[{k}].overrides", "a variant changes at least one input; to keep none "
                                   "of its changes, delete the variant", "override_required")])
    variant["overrides"] = overrides
    return _with_variants(deal, variants)


def remove_variant(deal: Deal, name: str) -> Deal:
    """The deal without its variant ``name``.

    >>> from valueshare.scenario import example_paths, load_deal
    >>> deal = load_deal(next(p for p in example_paths() if p.name == "ai-imaging-device.yaml"))
    >>> [v.name for v in remove_variant(deal, "Downside").variants]
    ['Upside']
    """
    k = _index(deal, name)
    variants = _dumped(deal)
    del variants[k]
    return _with_variants(deal, variants)


# -- a variant from an edited copy of the deal ---------------------------------------------------------------------

def overrides_between(base: Deal, edited: Deal) -> dict[str, Any]:
    """The overrides that turn ``base`` into ``edited`` (their variants aside): each changed value by its own path
    where the two have the same shape, a whole list where its length differs, a whole section where its fields
    differ (a term of another kind, an optional section switched on).

    >>> from valueshare.scenario import deal_from_data, deal_to_data, example_paths, load_deal
    >>> deal = load_deal(next(p for p in example_paths() if p.name == "ai-imaging-device.yaml"))
    >>> data = deal_to_data(deal)
    >>> data["route_to_market"]["sales"]["price_gbp"] = 9
    >>> data["contribution"]["expertise"].append(dict(data["contribution"]["expertise"][0], start_year=3))
    >>> sorted(overrides_between(deal, deal_from_data(data)))
    ['contribution.expertise', 'route_to_market.sales.price_gbp']
    """
    out: dict[str, Any] = {}
    _differences(_data(base), _data(edited), "", out)
    return out


def variant_from_edit(base: Deal, edited: Deal, name: str, *, description: str = "", shared: bool = False) -> Deal:
    """``base`` with a new variant ``name`` that holds every change ``edited`` makes to it (``overrides_between``),
    refused unless applying that variant to ``base`` gives ``edited`` again.

    It cannot when ``edited`` changes an input that is uncertain in ``base`` (under the expected-value base case): a
    variant that gives an uncertain input a value makes it certain at that value, where the edited deal keeps its
    distribution.
    """
    k = len(base.variants)
    where = f"variants[{k}].overrides"
    overrides = overrides_between(base, edited)
    if not overrides:
        raise DealInvalid([Problem(where, "the edited deal is the same as the base deal: there is no change to keep "
                                          "as a variant", "variant_changes_something")])
    new = add_variant(base, name, overrides=overrides, description=description, shared=shared)
    made = Deal.model_validate(apply_overrides(base, new.variants[k]))
    if _data(made) != _data(edited):
        lost = sorted(set(_uncertain_inputs(base)) & set(overrides))
        if lost:
            raise DealInvalid([Problem(where, f"{path}: is uncertain in the base deal, and a variant that changes it "
                                              f"makes it certain at the new value, which the edited deal does not; "
                                              f"change it in the variant only, or make it certain in the edit",
                                       "variant_reproduces_edit") for path in lost])
        missed = ", ".join(sorted(overrides_between(made, edited)))
        raise DealInvalid([Problem(where, f"applying these changes does not give the edited deal ({missed})",
                                   "variant_reproduces_edit")])
    return new


def editable_paths(deal: Deal) -> list[str]:
    """Every input of the deal a variant can change, by its leaf field path, in the deal's order.

    >>> from valueshare.scenario import example_paths, load_deal
    >>> paths = editable_paths(load_deal(next(p for p in example_paths() if p.name == "ai-imaging-device.yaml")))
    >>> "route_to_market.sales.peak_uptake" in paths, any(p.startswith("variants") for p in paths)
    (True, False)
    """
    return list(leaves(_data(deal)))


# -- helpers -------------------------------------------------------------------------------------------------------

def _data(deal: Deal) -> dict[str, Any]:
    return deal.model_dump(mode="json", exclude={"variants"})


def _dumped(deal: Deal) -> list[dict[str, Any]]:
    return [v.model_dump(mode="json") for v in deal.variants]


def _index(deal: Deal, name: str) -> int:
    for k, variant in enumerate(deal.variants):
        if variant.name == name:
            return k
    known = ", ".join(f"'{v.name}'" for v in deal.variants) or "none"
    raise DealInvalid([Problem("variants", f"no variant is called '{name}' (variants: {known})", "variant_exists")])


def _refuse_a_repeated_name(deal: Deal, k: int, name: str) -> None:
    """The model names a repeated name at the later variant; here it is named at the variant being made."""
    if any(v.name == name for i, v in enumerate(deal.variants) if i != k):
        raise DealInvalid([Problem(f"variants[{k}].name", f"'{name}' is used by another variant",
                                   "variant_name_unique")])


def _with_variants(deal: Deal, variants: list[dict[str, Any]]) -> Deal:
    data = deal.model_dump(mode="json")
    data["variants"] = variants
    try:
        return Deal.model_validate(data)
    except ValidationError as error:
        raise DealInvalid(problems_from_validation(error)) from None


def _uncertain_inputs(deal: Deal) -> list[str]:
    return [u.input for u in deal.uncertainty]


def _differences(a: Any, b: Any, path: str, out: dict[str, Any]) -> None:
    if a == b and type(a) is type(b):
        return
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(_KEY.match(k) for k in a):
        for key in a:
            _differences(a[key], b[key], f"{path}.{key}" if path else key, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and path:
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _differences(x, y, f"{path}[{i}]", out)
    else:
        out[path] = copy.deepcopy(b)

"""Format 2 to format 3: the names issue 16 changed, moved so that a format-2 file keeps its meaning.

- ``route_to_market.sales.uk_share`` is ``nhs_share_of_sales``: it always meant the share of sales the NHS buys
  (the NHS price discount and UK-only royalties act on it), and format 3 says so. Every place that names it moves
  with it: an uncertain input, a variant's override of it, and the sales inside a whole ``route_to_market`` or
  ``route_to_market.sales`` (or a whole uncertain input, or the whole list of them) that a variant puts in.
- ``nhs.consortium_members`` (names only) becomes ``nhs.members``: the lead (``nhs.name``), unless it is listed
  already, then each listed member once, every one an NHS body, with no split agreed (``split: not_agreed``), so
  that the NHS's figures are, as before, the whole consortium's and nothing is shared out that the file did not
  agree. An empty list is no members. A variant's override of the list, of one member's name, or of the whole
  ``nhs`` section moves the same way.

Everything format 3 added (members' costs and split, third-party funding, other platform users, shared curation,
outcomes beyond QALYs, the NHS party's share of the NHS's purchases, the uptake at launch, two new mechanisms) has
a default that means what a format-2 file meant: none of it, a party that makes all the NHS's purchases, a product
that starts from no uptake. A value of the wrong kind (a list of members that is not a list, say) is moved to its
new place untouched, for the validator to report there.

>>> data = {"nhs": {"name": "Lead Trust", "kind": "trust", "consortium_members": ["Second Trust"]},
...         "route_to_market": {"sales": {"uk_share": 0.3}},
...         "uncertainty": [{"input": "route_to_market.sales.uk_share"}],
...         "variants": [{"overrides": {"route_to_market.sales.uk_share": 0.5}}]}
>>> moved = to_format_3(data)
>>> moved["nhs"]
{'name': 'Lead Trust', 'kind': 'trust', 'members': [{'name': 'Lead Trust'}, {'name': 'Second Trust'}], \
'split': 'not_agreed'}
>>> moved["route_to_market"], moved["uncertainty"][0]["input"], moved["variants"][0]["overrides"]
({'sales': {'nhs_share_of_sales': 0.3}}, 'route_to_market.sales.nhs_share_of_sales', \
{'route_to_market.sales.nhs_share_of_sales': 0.5})
"""

from __future__ import annotations

import copy
import re
from typing import Any

OLD_SALES_KEY = "uk_share"
NEW_SALES_KEY = "nhs_share_of_sales"
OLD_MEMBERS_KEY = "consortium_members"
NEW_MEMBERS_KEY = "members"
#: What a format-2 consortium had agreed about splitting its receipts: nothing (its figures were the whole
#: consortium's).
NO_SPLIT = "not_agreed"

_SALES = "route_to_market.sales"
_OLD_SHARE_PATH = f"{_SALES}.{OLD_SALES_KEY}"
_NEW_SHARE_PATH = f"{_SALES}.{NEW_SALES_KEY}"
_OLD_MEMBERS_PATH = f"nhs.{OLD_MEMBERS_KEY}"
_OLD_MEMBER_PATH = re.compile(rf"^nhs\.{OLD_MEMBERS_KEY}\[(\d+)\]$")
_UNCERTAIN_INPUT = re.compile(r"^uncertainty\[\d+\]$")
_UNCERTAIN_INPUT_PATH = re.compile(r"^uncertainty\[\d+\]\.input$")


def _renamed_key(section: dict[str, Any], old: str, new: str, value: Any) -> None:
    """``section`` with its key ``old`` replaced, in place, by ``new`` holding ``value``, keeping the keys' order (a
    file rewritten by ``upgrade_file`` keeps its layout)."""
    items = [(new, value) if key == old else (key, v) for key, v in section.items()]
    section.clear()
    section.update(items)


def _rename_sales(sales: Any) -> None:
    """A sales section's ``uk_share`` as ``nhs_share_of_sales``. A section holding both (never valid in format 2)
    is left as it is, for the validator to report the old key."""
    if isinstance(sales, dict) and OLD_SALES_KEY in sales and NEW_SALES_KEY not in sales:
        _renamed_key(sales, OLD_SALES_KEY, NEW_SALES_KEY, sales[OLD_SALES_KEY])


def _rename_route(route: Any) -> None:
    if isinstance(route, dict):
        _rename_sales(route.get("sales"))


def _renamed_path(path: Any) -> Any:
    return _NEW_SHARE_PATH if path == _OLD_SHARE_PATH else path


def _rename_uncertain_input(item: Any) -> None:
    if isinstance(item, dict) and "input" in item:
        item["input"] = _renamed_path(item["input"])


def _rename_uncertainty(items: Any) -> None:
    for item in items if isinstance(items, list) else ():
        _rename_uncertain_input(item)


def _listed(names: list[Any], lead: Any) -> list[Any]:
    """The members' names in format 3: the lead first unless the file listed it, then each listed name once (format 2
    let a name repeat; a member listed twice is one member)."""
    listed: list[Any] = []
    for name in names:
        if name not in listed:
            listed.append(name)
    return ([lead] if isinstance(lead, str) and lead not in listed else []) + listed


def _members(names: Any, lead: Any) -> Any:
    """Format 2's ``consortium_members`` as format 3's ``members``: an empty list is none; a value that is not a
    list is passed on for the validator to report at its new place."""
    if not isinstance(names, list):
        return names
    return [{"name": name} for name in _listed(names, lead)] if names else []


def _keep_nhs_section(nhs: Any) -> None:
    """An ``nhs`` section's ``consortium_members`` as ``members``, with ``split: not_agreed``. A section that also
    holds ``members`` (never valid in format 2) is left for the validator to report."""
    if not isinstance(nhs, dict) or OLD_MEMBERS_KEY not in nhs or NEW_MEMBERS_KEY in nhs:
        return
    names = nhs[OLD_MEMBERS_KEY]
    if isinstance(names, list) and not names:
        del nhs[OLD_MEMBERS_KEY]
        return
    _renamed_key(nhs, OLD_MEMBERS_KEY, NEW_MEMBERS_KEY, _members(names, nhs.get("name")))
    if isinstance(names, list):
        nhs.setdefault("split", NO_SPLIT)


def _member_places(nhs: Any) -> list[int]:
    """Where each of the file's ``consortium_members`` (by its index) is in format 3's ``members``."""
    names = nhs.get(OLD_MEMBERS_KEY) if isinstance(nhs, dict) else None
    if not isinstance(names, list) or not names:
        return []
    listed = _listed(names, nhs.get("name"))
    return [next(k for k, found in enumerate(listed) if found == name) for name in names]


def _override(path: Any, value: Any, overrides: dict[str, Any], lead: Any, places: list[int]) -> tuple[Any, Any]:
    """One of a variant's overrides, ``path: value``, in format 3's names (``overrides`` are the variant's own,
    ``lead`` and ``places`` the file's)."""
    if not isinstance(path, str):
        return path, value
    if path == _OLD_SHARE_PATH:
        return _NEW_SHARE_PATH, value
    if path == _SALES:
        _rename_sales(value)
    elif path == "route_to_market":
        _rename_route(value)
    elif path == "nhs":
        _keep_nhs_section(value)
    elif path == "uncertainty":
        _rename_uncertainty(value)
    elif _UNCERTAIN_INPUT.match(path):
        _rename_uncertain_input(value)
    elif _UNCERTAIN_INPUT_PATH.match(path):
        return path, _renamed_path(value)
    elif path == _OLD_MEMBERS_PATH:
        return f"nhs.{NEW_MEMBERS_KEY}", _members(value, overrides.get("nhs.name", lead))
    elif found := _OLD_MEMBER_PATH.match(path):
        index = int(found.group(1))
        # A member the file does not list stays out of range at its new place, as it was at its old one.
        place = places[index] if index < len(places) else index + (1 if places else 0)
        return f"nhs.{NEW_MEMBERS_KEY}[{place}].name", value
    return path, value


def _keep_variants(data: dict[str, Any]) -> None:
    nhs = data.get("nhs")
    lead = nhs.get("name") if isinstance(nhs, dict) else None
    places = _member_places(nhs)
    variants = data.get("variants")
    for variant in variants if isinstance(variants, list) else ():
        overrides = variant.get("overrides") if isinstance(variant, dict) else None
        if isinstance(overrides, dict):
            variant["overrides"] = dict(_override(path, value, overrides, lead, places)
                                        for path, value in overrides.items())


def to_format_3(data: dict[str, Any]) -> dict[str, Any]:
    """A format-2 deal's plain data in format 3, with the same meaning (the module's docstring says what moves).
    ``data`` is not changed: the step works on a copy."""
    data = copy.deepcopy(data)
    _keep_variants(data)  # first: it reads the file's own list of members, as the variants' indices do
    _rename_route(data.get("route_to_market"))
    _rename_uncertainty(data.get("uncertainty"))
    _keep_nhs_section(data.get("nhs"))
    return data

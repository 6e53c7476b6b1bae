"""Format 2 to format 3: the names issue 16 changed, moved so that a format-2 file keeps its meaning.

- ``route_to_market.sales.uk_share`` is ``nhs_share_of_sales``: it always meant the share of sales the NHS buys
  (the NHS price discount and UK-only royalties act on it), and format 3 says so. Paths that name it (an uncertain
  input, a variant's override) are renamed with it.
- ``nhs.consortium_members`` (names only) becomes ``nhs.members``: the lead (``nhs.name``) and each listed member,
  every one an NHS body, with no split agreed (``split: not_agreed``), so that the NHS's figures are, as before, the
  whole consortium's and nothing is shared out that the file did not agree.

Everything format 3 added (members' costs and split, third-party funding, other platform users, shared curation,
outcomes beyond QALYs, the NHS party's share of the NHS's purchases, the uptake at launch, two new mechanisms) has
a default that means what a format-2 file meant: none of it, a party that makes all the NHS's purchases, a product
that starts from no uptake.
"""

from __future__ import annotations

import copy
import re
from typing import Any

OLD_SALES_KEY = "uk_share"
NEW_SALES_KEY = "nhs_share_of_sales"
_OLD_PATH = re.compile(r"^(route_to_market\.sales\.)uk_share$")


def _renamed_path(path: Any) -> Any:
    return _OLD_PATH.sub(rf"\g<1>{NEW_SALES_KEY}", path) if isinstance(path, str) else path


def _rename_sales(sales: Any) -> None:
    if isinstance(sales, dict) and OLD_SALES_KEY in sales:
        value = sales.pop(OLD_SALES_KEY)
        sales.setdefault(NEW_SALES_KEY, value)


def _keep_sales(data: dict[str, Any]) -> None:
    route = data.get("route_to_market")
    if isinstance(route, dict):
        _rename_sales(route.get("sales"))
    for item in data.get("uncertainty") or []:
        if isinstance(item, dict) and "input" in item:
            item["input"] = _renamed_path(item["input"])
    for variant in data.get("variants") or []:
        if isinstance(variant, dict) and isinstance(variant.get("overrides"), dict):
            variant["overrides"] = {_renamed_path(k): _renamed_sales_value(k, v)
                                    for k, v in variant["overrides"].items()}


def _renamed_sales_value(path: Any, value: Any) -> Any:
    """A variant that overrides a whole section holding the old key gets it renamed inside."""
    if isinstance(value, dict):
        if path == "route_to_market.sales":
            _rename_sales(value)
        elif path == "route_to_market":
            _rename_sales(value.get("sales"))
        elif path == "nhs":
            _keep_nhs_section(value)
    return value


def _keep_nhs_section(nhs: Any) -> None:
    if not isinstance(nhs, dict) or "consortium_members" not in nhs:
        return
    names = nhs.pop("consortium_members")
    if not isinstance(names, list):
        nhs["members"] = names  # not a list: the validator reports it at its new place
        return
    if not names:
        return
    lead = nhs.get("name")
    listed = [{"name": n} for n in names]
    nhs["members"] = ([{"name": lead}] if isinstance(lead, str) and lead not in names else []) + listed
    nhs.setdefault("split", "not_agreed")


def to_format_3(data: dict[str, Any]) -> dict[str, Any]:
    """A format-2 deal's plain data in format 3, with the same meaning (the module's docstring says what moves)."""
    data = copy.deepcopy(data)
    _keep_sales(data)
    _keep_nhs_section(data.get("nhs"))
    return data

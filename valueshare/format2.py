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


#: The kinds of term that hold cash amounts, so carry an ``indexation`` (valueshare.model.terms).
_INDEXED_KINDS = frozenset({"access_fee", "subscription", "milestone", "royalty", "equity", "in_kind_benefit"})
#: What format 1 assumed of an equity term: the exit happens whatever becomes of the programme, and each party
#: values it at its own discount rate, and the partner's IRR counts the stake.
_EQUITY_FORMAT_1 = {"exit_requires_launch": False, "equity_discount_rate": None, "in_partner_irr": True}


def _keep_term(term: Any) -> None:
    """One term (or a consent clause, and each of its terms) as format 1 valued it: amounts in real terms."""
    if not isinstance(term, dict):
        return
    kind = term.get("kind")
    if kind in _INDEXED_KINDS:
        term.setdefault("indexation", "indexed")
    if kind == "equity":
        for key, value in _EQUITY_FORMAT_1.items():
            term.setdefault(key, value)
    if kind == "consent_to_commercialise" and isinstance(term.get("terms"), list):
        for inner in term["terms"]:
            _keep_term(inner)


def _keep_override(path: str, value: Any) -> None:
    """A variant's override that replaces a whole term, a list of terms or the assumptions section."""
    last = path.rsplit(".", 1)[-1]
    if last == "terms" and isinstance(value, list):
        for term in value:
            _keep_term(term)
    elif last.startswith("terms[") and isinstance(value, dict):
        _keep_term(value)
    elif path == "assumptions" and isinstance(value, dict):
        value.setdefault("partner_tax_rate", 0.0)


def _keep_payment_terms(data: dict[str, Any]) -> None:
    """Indexation of payment terms, equity exits, the partner's tax (owner: finance).

    Format 1 read every amount as real (price base year) pounds, let an equity exit happen whatever became of the
    programme, valued it at each party's own rate, and valued the partner before tax. Format 2's defaults are
    amounts fixed in cash, an exit that needs the programme alive, an equity rate and UK corporation tax; a format-1
    file states format 1's reading instead: every term holding an amount is ``indexed`` (top level, inside a consent
    clause, and any whole term a variant puts in), equity keeps ``exit_requires_launch: false``,
    ``equity_discount_rate: null`` and ``in_partner_irr: true``, and ``assumptions.partner_tax_rate`` is 0 (also
    in a variant's whole ``assumptions``).

    >>> data = {"terms": [{"kind": "milestone"}, {"kind": "revenue_share"},
    ...                   {"kind": "consent_to_commercialise", "terms": [{"kind": "equity"}]}],
    ...         "variants": [{"overrides": {"terms[0]": {"kind": "access_fee"}, "assumptions": {}}}]}
    >>> _keep_payment_terms(data)
    >>> data["terms"][0]["indexation"], "indexation" in data["terms"][1], data["terms"][2]["terms"][0]
    ('indexed', False, {'kind': 'equity', 'indexation': 'indexed', 'exit_requires_launch': False, \
'equity_discount_rate': None, 'in_partner_irr': True})
    >>> data["assumptions"], data["variants"][0]["overrides"]
    ({'partner_tax_rate': 0.0}, {'terms[0]': {'kind': 'access_fee', 'indexation': 'indexed'}, \
'assumptions': {'partner_tax_rate': 0.0}})
    """
    _section(data, "assumptions").setdefault("partner_tax_rate", 0.0)
    terms = data.get("terms")
    for term in terms if isinstance(terms, list) else ():
        _keep_term(term)
    variants = data.get("variants")
    for variant in variants if isinstance(variants, list) else ():
        overrides = variant.get("overrides") if isinstance(variant, dict) else None
        for path, value in overrides.items() if isinstance(overrides, dict) else ():
            if isinstance(path, str):
                _keep_override(path, value)


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

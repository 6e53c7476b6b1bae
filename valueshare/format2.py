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

from valueshare.model.terms import TERM_MODELS, ConsentToCommercialise, Equity, kind_of


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data[key]`` as a section, created empty when the file left it out (a non-section is left for the
    validator to report)."""
    value = data.get(key)
    if value is None:
        value = data[key] = {}
    return value if isinstance(value, dict) else {}


#: Format 1's defaults for the keys format 2 replaces or reads differently.
_F1_AFTER_30 = 0.03
_F1_HEALTH_RATE = 0.015
_F1_ADDITIONALITY = 0.35
_F1_PRICE_BASE_YEAR = 2026
_HEALTH_RATES = ("nhs_health_discount_rate", "societal_health_discount_rate",
                 "societal_health_discount_rate_after_30", "societal_health_discount_rate_after_75")
_QALY_PRICE_YEAR = "societal_value_per_qaly_price_year"
_GVA_PRICE_YEAR = "gva_per_fte_price_year"


def _deadweight(additionality: Any) -> Any:
    """Format 1's single additionality as format 2's deadweight (the rest of the split being none): a number gives
    1 − it; anything else is passed on for the validator to report at its new place."""
    if isinstance(additionality, (int, float)) and not isinstance(additionality, bool):
        return 1.0 - additionality
    return additionality


def _keep_patient_benefit(section: dict[str, Any], price_year: Any) -> None:
    """A ``patient_benefit`` section as format 1 valued it: one health rate, unstepped, for both lenses; the
    societal QALY value already in the price base year's prices; cost offsets gross of the product's price."""
    rate = section.pop("health_discount_rate", _F1_HEALTH_RATE)
    for key in _HEALTH_RATES:
        section.setdefault(key, rate)
    section.setdefault(_QALY_PRICE_YEAR, price_year)
    section.setdefault("cost_offset_basis", "gross_of_price")


def _keep_economic_growth(section: dict[str, Any], price_year: Any) -> None:
    """An ``economic_growth`` section as format 1 valued it: the single additionality as deadweight, no leakage,
    displacement or substitution and a multiplier of 1; fixed jobs; GVA per FTE in the price base year's prices."""
    section.setdefault("deadweight", _deadweight(section.pop("additionality", _F1_ADDITIONALITY)))
    for key in ("leakage", "displacement", "substitution"):
        section.setdefault(key, 0.0)
    section.setdefault("multiplier", 1.0)
    section.setdefault("jobs_basis", "fixed")
    section.setdefault(_GVA_PRICE_YEAR, price_year)


def _keep_discounting_override(overrides: dict[str, Any], file_base_year: Any) -> None:
    """A variant's overrides in format 2's terms: old paths rewritten to the new ones with the same values, and
    whole sections (or a new price base year) completed as the file's own sections are."""
    rewritten: dict[str, Any] = {}
    for path, value in overrides.items():
        if path == "patient_benefit.health_discount_rate":
            rewritten.update({f"patient_benefit.{key}": value for key in _HEALTH_RATES})
        elif path == "economic_growth.additionality":
            rewritten["economic_growth.deadweight"] = _deadweight(value)
        else:
            rewritten[path] = value
            if path == "assumptions.nhs_discount_rate_after_30":
                rewritten.setdefault("assumptions.nhs_discount_rate_after_75", value)
    overrides.clear()
    overrides.update(rewritten)
    whole = overrides.get("assumptions")
    if isinstance(whole, dict):
        whole.setdefault("nhs_discount_rate_after_75", whole.get("nhs_discount_rate_after_30", _F1_AFTER_30))
        base_year = whole.get("price_base_year", _F1_PRICE_BASE_YEAR)
    else:
        base_year = overrides.get("assumptions.price_base_year", file_base_year)
    for section, keep, key in (("patient_benefit", _keep_patient_benefit, _QALY_PRICE_YEAR),
                               ("economic_growth", _keep_economic_growth, _GVA_PRICE_YEAR)):
        value = overrides.get(section)
        if isinstance(value, dict):
            keep(value, base_year)
        elif base_year != file_base_year:
            # Format 1 never uprated: a variant with another price base year had its values in that year's prices.
            overrides.setdefault(f"{section}.{key}", base_year)


def _keep_discounting(data: dict[str, Any]) -> None:
    """Discount rates and the value of health and growth (owner: health economics).

    Format 1 discounted the NHS's money at its after-30 rate for every year after 30, discounted QALYs at one health
    rate (1.5% by default) for both lenses, took the societal QALY value and GVA per FTE as already in the price base
    year's prices, applied one additionality factor to GVA, kept jobs fixed whatever the sales and counted cost
    offsets gross of the product's price. A format-1 file states all of that: ``nhs_discount_rate_after_75`` = its
    after-30 rate, each lens's health rate (and the societal steps) = its ``health_discount_rate``, the price years
    = its price base year, ``deadweight`` = 1 − its ``additionality`` (no leakage, displacement or substitution; a
    multiplier of 1), ``jobs_basis: fixed`` and ``cost_offset_basis: gross_of_price``. The old keys go. A variant's
    overrides naming the old paths are rewritten to the new ones, and a whole section or a new price base year in a
    variant is completed the same way.

    >>> data = {"assumptions": {"nhs_discount_rate_after_30": 0.02},
    ...         "economic_growth": {"additionality": 0.5, "uk_jobs_fte": 3},
    ...         "variants": [{"overrides": {"patient_benefit.health_discount_rate": 0.035}}]}
    >>> _keep_discounting(data)
    >>> data["assumptions"]["nhs_discount_rate_after_75"], data["patient_benefit"]["societal_health_discount_rate"]
    (0.02, 0.015)
    >>> data["economic_growth"]["deadweight"], data["economic_growth"]["jobs_basis"]
    (0.5, 'fixed')
    >>> sorted(data["variants"][0]["overrides"])[0]
    'patient_benefit.nhs_health_discount_rate'
    """
    assumptions = _section(data, "assumptions")
    assumptions.setdefault("nhs_discount_rate_after_75",
                           assumptions.get("nhs_discount_rate_after_30", _F1_AFTER_30))
    base_year = assumptions.get("price_base_year", _F1_PRICE_BASE_YEAR)
    _keep_patient_benefit(_section(data, "patient_benefit"), base_year)
    _keep_economic_growth(_section(data, "economic_growth"), base_year)
    variants = data.get("variants")
    for variant in variants if isinstance(variants, list) else ():
        overrides = variant.get("overrides") if isinstance(variant, dict) else None
        if isinstance(overrides, dict):
            _keep_discounting_override(overrides, base_year)


#: The kinds of term that hold cash amounts, so carry an ``indexation`` (read from the model, so that no kind is
#: named outside the catalogue of mechanisms and the model).
_INDEXED_KINDS = frozenset(kind_of(m) for m in TERM_MODELS if "indexation" in m.model_fields)
_EQUITY, _CLAUSE = kind_of(Equity), kind_of(ConsentToCommercialise)
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
    if kind == _EQUITY:
        for key, value in _EQUITY_FORMAT_1.items():
            term.setdefault(key, value)
    if kind == _CLAUSE and isinstance(term.get("terms"), list):
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


#: What format 1 assumed of the contribution's value: every comparable (tariffs included) in one market range, and
#: the income approach as one figure at the relief-from-royalty rate.
_CONTRIBUTION_FORMAT_1 = {"market_basis": "every_comparable", "relief_from_royalty_spread": 0.0}


def _keep_contribution(data: dict[str, Any]) -> None:
    """The contribution's value (owner: contribution value).

    Format 1 counted every comparable, cost-recovery tariffs included, in the market range, and gave the income
    approach one figure; format 2 values commercial use on commercial licences with the tariffs as its floor, and
    gives the income approach a range. A variant that replaces the whole ``contribution_value`` section keeps
    format 1's reading too. (The reconciled value is new in format 2 and changes none of format 1's figures.)

    >>> data = {"variants": [{"overrides": {"contribution_value": {"anchor": "cost"}}}]}
    >>> _keep_contribution(data); data["contribution_value"]["market_basis"]
    'every_comparable'
    >>> data["variants"][0]["overrides"]["contribution_value"]["relief_from_royalty_spread"]
    0.0
    """
    section = _section(data, "contribution_value")
    for key, value in _CONTRIBUTION_FORMAT_1.items():
        section.setdefault(key, value)
    variants = data.get("variants")
    for variant in variants if isinstance(variants, list) else ():
        overrides = variant.get("overrides") if isinstance(variant, dict) else None
        whole = overrides.get("contribution_value") if isinstance(overrides, dict) else None
        if isinstance(whole, dict):
            for key, value in _CONTRIBUTION_FORMAT_1.items():
                whole.setdefault(key, value)


KEEPERS: tuple[Callable[[dict[str, Any]], None], ...] = (_keep_discounting, _keep_payment_terms, _keep_base_case,
                                                         _keep_contribution)


def to_format_2(data: dict[str, Any]) -> dict[str, Any]:
    """A format-1 deal's plain data in format 2, with the same meaning."""
    data = copy.deepcopy(data)
    for keep in KEEPERS:
        keep(data)
    return data

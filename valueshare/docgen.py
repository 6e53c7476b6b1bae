"""Generate the scenario-format reference and the JSON Schema from the model, so the docs cannot drift.

``python -m valueshare.docgen`` rewrites ``docs/deal.schema.json`` and the generated part of
``docs/scenario-format.md`` (between the two marker lines); a test fails when either is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from valueshare.formats import CURRENT_FORMAT, FORMAT_KEY, UNVERSIONED_FORMAT
from valueshare.inputs import field_input
from valueshare.model import (
    AccessCosts,
    Assumptions,
    Contribution,
    DataAsset,
    Deal,
    Expertise,
    NhsParty,
    Partner,
    RouteToMarket,
    Sales,
    Stage,
)
from valueshare.model.base import Choice
from valueshare.model.benefits import EconomicGrowth, FactorOverride, FairShareInputs, Outcome, PatientBenefit
from valueshare.model.contribution_value import (
    Comparable,
    ContributionValueInputs,
    MarketScaling,
    PreparationCost,
    Reconciliation,
)
from valueshare.model.negotiation import NegotiationInputs
from valueshare.model.parties import CurationCosts, Member, MemberCosts
from valueshare.model.partnership import Funding, PlatformUser
from valueshare.model.terms import TERM_MODELS, kind_of
from valueshare.model.uncertainty import Fixed, Lognormal, Normal, Pert, Triangular, UncertainInput, Uniform, Variant

DOCS = Path(__file__).resolve().parent.parent / "docs"
BEGIN = "<!-- BEGIN GENERATED: python -m valueshare.docgen -->"
END = "<!-- END GENERATED -->"

def _term_sections() -> list[tuple[str, type[BaseModel]]]:
    """One section per mechanism, in the order of ``Term``, each followed by the parts it lists (a royalty's tiers)."""
    out: list[tuple[str, type[BaseModel]]] = []
    for model in TERM_MODELS:
        out.append((f"terms[]: kind: {kind_of(model)} ({model.label})", model))  # type: ignore[attr-defined]
        for name, field in model.model_fields.items():
            item = get_args(field.annotation)[0] if get_origin(field.annotation) is list else None
            if isinstance(item, type) and issubclass(item, BaseModel):
                out.append((f"terms[].{name}[] ({model.label.lower()} {name})", item))  # type: ignore[attr-defined]
    return out


SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Deal (top level)", Deal), ("nhs", NhsParty), ("nhs.members[]", Member), ("nhs.members[].own_costs", MemberCosts),
    ("partner", Partner), ("contribution", Contribution),
    ("contribution.data_assets[]", DataAsset), ("contribution.expertise[]", Expertise),
    ("contribution.access_costs", AccessCosts), ("contribution.curation", CurationCosts),
    ("route_to_market", RouteToMarket),
    ("route_to_market.stages[]", Stage), ("route_to_market.sales", Sales), ("assumptions", Assumptions),
    *_term_sections(),
    ("funding[]", Funding), ("platform_users[]", PlatformUser),
    ("patient_benefit", PatientBenefit), ("patient_benefit.outcomes[]", Outcome), ("economic_growth", EconomicGrowth),
    ("fair_share", FairShareInputs),
    ("fair_share.overrides[]", FactorOverride),
    ("contribution_value", ContributionValueInputs), ("contribution_value.preparation_costs[]", PreparationCost),
    ("contribution_value.comparables[]", Comparable), ("contribution_value.scaling", MarketScaling),
    ("contribution_value.reconciliation", Reconciliation),
    ("negotiation (internal)", NegotiationInputs),
    ("uncertainty[]", UncertainInput),
    ("uncertainty[].distribution: dist: fixed", Fixed), ("uncertainty[].distribution: dist: uniform", Uniform),
    ("uncertainty[].distribution: dist: triangular", Triangular), ("uncertainty[].distribution: dist: pert", Pert),
    ("uncertainty[].distribution: dist: normal", Normal), ("uncertainty[].distribution: dist: lognormal", Lognormal),
    ("variants[]", Variant),
]

UNIT_WORDS = {"score": "score 1-5", "qalys": "QALYs", "fte": "full-time equivalents", "weight": "weight",
              "fraction": "fraction (0.02 = 2%)", "gbp": "£", "years": "years", "year": "year from signature",
              "count": "count", "hours": "hours", "calendar_year": "calendar year", "factor": "multiplier",
              "elasticity": "elasticity 0-1"}


def _type_text(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        inner = get_args(annotation)[0]
        if get_origin(inner) in (Union, UnionType):
            return "one distribution, naming its `dist` (below)"
        return _type_text(inner)
    if origin is Literal:
        return " or ".join(f"`{a}`" for a in get_args(annotation))
    args = [a for a in get_args(annotation) if a is not type(None)]
    if origin is list:
        inner = args[0] if args else None
        if get_origin(inner) is Annotated and get_args(inner)[0] is str:
            return f"list of {_item_text(inner)}"
        if get_origin(inner) is Annotated:
            return "list of mechanisms, each naming its `kind` (below)"
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "list of sections (below)"
        return f"list of {_type_text(inner)}" if inner is not None else "list"
    if args and origin is not None and type(None) in get_args(annotation):
        return f"{_type_text(args[0])} or empty"
    if origin in (Union, UnionType):
        return "one distribution, naming its `dist` (below)"
    if isinstance(annotation, type) and issubclass(annotation, Choice):
        return "one of: " + ", ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    if origin is dict:
        return "field path: value"
    name = getattr(annotation, "__name__", str(annotation))
    return {"str": "text", "bool": "true/false", "float": "number", "int": "whole number",
            "date": "date (YYYY-MM-DD)"}.get(name, name)


def _item_text(annotation: Any) -> str:
    """An annotated text item of a list, with its own rules: ``text, one line, at most 200 characters each``."""
    words = ["text"]
    for part in get_args(annotation)[1:]:
        if isinstance(part, FieldInfo):
            extra = part.json_schema_extra if isinstance(part.json_schema_extra, dict) else {}
            words += [str(extra["x-text"])] if "x-text" in extra else []
            words += [f"at most {m.max_length:,} characters each" for m in part.metadata
                      if isinstance(getattr(m, "max_length", None), int)]
    return ", ".join(words)


def _number_text(x: Any) -> str:
    """A bound as the reference writes it: 1,000,000,000,000 rather than 1e+12."""
    return f"{x:,.0f}" if isinstance(x, (int, float)) and float(x).is_integer() and abs(x) >= 10_000 else str(x)


def _field_row(model: type[BaseModel], name: str, field: FieldInfo) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    kind = _type_text(field.annotation)
    if "x-unit" in extra:
        kind = f"{kind}, {UNIT_WORDS.get(str(extra['x-unit']), extra['x-unit'])}"
    if "x-text" in extra:
        kind = f"{kind}, {extra['x-text']}"
    bounds = []
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if key in extra:
            bounds.append(f"{sign} {_number_text(extra[key])}")
    for limit in field.metadata:
        if isinstance(getattr(limit, "max_length", None), int):
            what = "items" if get_origin(field.annotation) is list else "characters"
            bounds.append(f"at most {limit.max_length:,} {what}")
    if field.is_required():
        default = "**required**"
    elif field.default_factory is not None:
        default = "empty"
    else:
        value = field.default.value if isinstance(field.default, Choice) else field.default
        default = "empty" if value is None else f"`{json.dumps(value)}`"
    description = (field.description or "").replace("|", "\\|")
    label = field_input(model, name).label.replace("|", "\\|")  # the catalogue's: as the app and the PDFs name it
    return f"| `{name}` | {label} | {kind} | {', '.join(bounds)} | {default} | {description} |"


#: The file's format version: a key of every deal file, not a field of the deal (``valueshare.formats``).
FORMAT_DESCRIPTION = (f"The format the file is written in; valueshare writes it as the first key. A file without it "
                      f"is format {UNVERSIONED_FORMAT}, and an older format is migrated when it is read "
                      f"(docs/scenario-format.md, Format versions).")


def _format_row() -> str:
    return (f"| `{FORMAT_KEY}` | Format version | whole number | ≥ 1, ≤ {CURRENT_FORMAT} | "
            f"`{UNVERSIONED_FORMAT}` when left out | "
            f"{FORMAT_DESCRIPTION} |")


def _summary(model: type[BaseModel]) -> str:
    """The first paragraph of a model's docstring on one line: its summary, whole even when it wraps."""
    paragraph = (model.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def reference_markdown() -> str:
    """The field-by-field reference of the scenario format, generated from the model."""
    out = []
    for title, model in SECTIONS:
        out += [f"### {title}", "", _summary(model), "",
                "| field | label | type | bounds | default | meaning |", "|---|---|---|---|---|---|"]
        out += [_format_row()] if model is Deal else []
        out += [_field_row(model, name, field) for name, field in model.model_fields.items()]
        out.append("")
    return "\n".join(out)


def deal_file_schema() -> dict[str, Any]:
    """The JSON Schema of a deal file: the deal's, with the file's ``format_version`` as its first property."""
    schema = Deal.model_json_schema()
    version = {"title": "Format version", "description": FORMAT_DESCRIPTION, "type": "integer", "minimum": 1,
               "maximum": CURRENT_FORMAT, "default": UNVERSIONED_FORMAT}
    schema["properties"] = {FORMAT_KEY: version, **schema["properties"]}
    return schema


def json_schema_text() -> str:
    return json.dumps(deal_file_schema(), indent=2, ensure_ascii=False) + "\n"


def spliced(document: str) -> str:
    """``document`` with its generated part replaced by the current reference."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{reference_markdown()}\n{END}{tail}"


def main() -> int:
    (DOCS / "deal.schema.json").write_text(json_schema_text(), encoding="utf-8")
    path = DOCS / "scenario-format.md"
    path.write_text(spliced(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {DOCS / 'deal.schema.json'} and {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

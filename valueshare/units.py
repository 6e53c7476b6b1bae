"""The unit of every numeric input, read from the model (each field type carries it as ``x-unit``), and an input's
value written in it: 0.25 of a share is '25%', a price '£150', a duration '1.5 years'. The app, the PDFs and the CLI
write inputs the same way."""

from __future__ import annotations

import typing
from functools import cache

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from valueshare.format import money, number, years


def _unit(info: FieldInfo) -> str | None:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    annotation = info.annotation
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Annotated:
            for meta in arg.__metadata__:
                if isinstance(meta, FieldInfo) and isinstance(meta.json_schema_extra, dict):
                    extra = {**meta.json_schema_extra, **extra}
    for meta in info.metadata:
        if isinstance(meta, FieldInfo) and isinstance(meta.json_schema_extra, dict):
            extra = {**meta.json_schema_extra, **extra}
    unit = extra.get("x-unit")
    return str(unit) if unit else None


def _models() -> list[type[BaseModel]]:
    from valueshare.model import Deal

    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for info in model.model_fields.values():
            for arg in _flatten(info.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    visit(arg)
    visit(Deal)
    return seen


def _flatten(annotation: object) -> list[object]:
    out = [annotation]
    for arg in typing.get_args(annotation):
        out += _flatten(arg)
    return out


@cache
def units() -> dict[str, str]:
    """Every numeric field's unit, by field name (no two parts of the model give one name different units).

    >>> units()["peak_uptake"], units()["price_gbp"], units()["duration_years"]
    ('fraction', 'gbp', 'years')
    """
    found: dict[str, str] = {}
    for model in _models():
        for name, info in model.model_fields.items():
            unit = _unit(info)
            if unit:
                found.setdefault(name, unit)
    return found


def write(path: str, value: float) -> str:
    """An input's value in its unit, by its path.

    >>> write("route_to_market.sales.peak_uptake", 0.1673), write("route_to_market.sales.price_gbp", 12.5)
    ('16.73%', '£12.50')
    >>> write("route_to_market.stages[0].duration_years", 1.25), write("route_to_market.sales.volume_per_year", 4.8e6)
    ('1.25 years', '4,800,000')
    """
    unit = units().get(path.rsplit(".", 1)[-1])
    if unit == "fraction":
        return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"
    if unit == "gbp":  # pence for a price under £1,000 that has them: £7.51, £12.50; else as money() writes it
        if abs(value) < 1000 and not float(value).is_integer():
            return f"{'-' if value < 0 else ''}£{abs(value):,.2f}"
        return money(value)
    if unit == "years":
        return years(round(float(value), 2))
    if unit == "year":
        return f"year {number(value)}"
    if unit == "hours":
        return f"{number(round(value, 2))} hours"
    return number(round(float(value), 6))

"""Side by side: a deal's variants, or two deals (an offer and a counter-offer), figures and inputs with their
differences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from valueshare.engine.valuation import Valuation, value_deal
from valueshare.format import money, percent, ratio
from valueshare.model import Deal


@dataclass(frozen=True)
class Figure:
    """A headline figure: how to read it from a valuation and how to write it."""

    label: str
    read: Callable[[Valuation], float | None]
    write: Callable[[float | None], str]


FIGURES: tuple[Figure, ...] = (
    Figure("NHS NPV", lambda v: v.nhs_npv, money),
    Figure("Partner NPV", lambda v: v.partner_npv, money),
    Figure("Partner IRR", lambda v: v.partner_irr.value, percent),
    Figure("Cost recovery", lambda v: v.cost_recovery_ratio, ratio),
    Figure("NHS share of value", lambda v: v.nhs_share, percent),
    Figure("Chance of launch", lambda v: v.launch_probability, percent),
)


@dataclass(frozen=True)
class Column:
    """One deal in a comparison, with its valuation."""

    name: str
    deal: Deal
    valuation: Valuation


@dataclass(frozen=True)
class Row:
    """One figure or input across the columns; ``differs`` is true when not every column has the same value."""

    label: str
    values: list[Any]
    texts: list[str]
    differs: bool


@dataclass(frozen=True)
class Comparison:
    columns: list[Column]
    figures: list[Row]
    inputs: list[Row]     # only the inputs that differ between columns

    def to_dict(self) -> dict[str, Any]:
        def rows(items: list[Row]) -> list[dict[str, Any]]:
            return [{"label": r.label, "values": r.values, "texts": r.texts, "differs": r.differs} for r in items]
        return {"columns": [c.name for c in self.columns], "figures": rows(self.figures), "inputs": rows(self.inputs)}


def leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf value of nested data by its field path: {'terms[0].amount_gbp': 1000, ...}.

    >>> leaves({"a": [{"b": 1}], "c": 2})
    {'a[0].b': 1, 'c': 2}
    """
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(leaves(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list) and data:
        out = {}
        for i, value in enumerate(data):
            out.update(leaves(value, f"{prefix}[{i}]"))
        return out
    return {prefix: data}


def compare(named: list[tuple[str, Deal]]) -> Comparison:
    """Value each deal and line them up: every headline figure, and every input that is not the same in all."""
    columns = [Column(name, deal, value_deal(deal)) for name, deal in named]
    figures = []
    for figure in FIGURES:
        values = [figure.read(c.valuation) for c in columns]
        rounded = [None if v is None else round(v, 6) for v in values]
        figures.append(Row(figure.label, values, [figure.write(v) for v in values], len(set(rounded)) > 1))
    flat = [leaves(c.deal.model_dump(mode="json", exclude={"variants"})) for c in columns]
    paths = list(dict.fromkeys(p for f in flat for p in f))
    inputs = []
    for path in paths:
        values = [f.get(path) for f in flat]
        if any(v != values[0] for v in values):
            inputs.append(Row(path, values, ["—" if v is None else str(v) for v in values], True))
    return Comparison(columns, figures, inputs)


def variants_of(deal: Deal) -> list[tuple[str, Deal]]:
    """The base deal and each of its variants, by name."""
    return [("Base", deal)] + [(v.name, deal.variant(v.name)) for v in deal.variants]

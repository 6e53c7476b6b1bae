"""Side by side: a deal's variants, or two deals (an offer and a counter-offer), figures and inputs with their
differences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valueshare import inputs
from valueshare.engine.valuation import Valuation, value_deal
from valueshare.figures import select
from valueshare.format import money, number, points
from valueshare.framework import Aims, aims_of, patient_first_flags
from valueshare.model import Deal

#: The headline figures a comparison lines up (``valueshare.figures``), in order.
FIGURE_KEYS = ("nhs_npv", "value_to_nhs", "partner_npv", "partner_irr", "cost_recovery", "nhs_share",
               "value_share_gbp", "value_share",
               "launch_probability")


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
    change: float | None = None   # with two columns of numbers: the second less the first
    change_text: str = ""         # that change, written like the figure ("+£12.5k", "+2.0 points")
    path: str = ""                # an input's field path (the catalogue of inputs names and writes it)


@dataclass(frozen=True)
class Comparison:
    columns: list[Column]
    figures: list[Row]
    inputs: list[Row]     # only the inputs that differ between columns
    aims: list[Aims]      # each column on the framework's three aims, in its order
    flags: list[str]      # patient-first flags: columns that lower patient benefit against the first

    def to_dict(self) -> dict[str, Any]:
        def rows(items: list[Row]) -> list[dict[str, Any]]:
            return [{"label": r.label, "values": r.values, "texts": r.texts, "differs": r.differs,
                     "change": r.change, "change_text": r.change_text, **({"path": r.path} if r.path else {})}
                    for r in items]
        return {"columns": [c.name for c in self.columns], "aims": [a.to_dict() for a in self.aims],
                "patient_first_flags": self.flags, "figures": rows(self.figures), "inputs": rows(self.inputs)}


def aim_rows(aims: list[Aims]) -> list[tuple[str, list[str]]]:
    """The three aims across the columns, in the framework's order, as (label, one text per column): what compare
    shows before the money, so that an alternative that lowers patient benefit is seen first."""
    def risk(a: Aims) -> str:
        return "at risk: partner below its hurdle" if a.patient_benefit_at_risk else "no"
    return [
        ("1. Patient benefit: QALYs gained, discounted", [number(round(a.pillars.patient.qalys_discounted, 1))
                                                          for a in aims]),
        ("1. Patient benefit: expected patients reached", [number(round(a.pillars.patient.total_patients))
                                                           for a in aims]),
        ("1. Patient benefit at risk", [risk(a) for a in aims]),
        ("2. UK growth: additional GVA", [money(a.pillars.growth.additional_gva) for a in aims]),
        ("2. UK growth: UK sales", [money(a.pillars.growth.uk_sales) for a in aims]),
        ("3. NHS financial return: NHS NPV", [money(a.pillars.nhs_return.total) for a in aims]),
    ]


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
    for figure in select(*FIGURE_KEYS):
        values = [figure.value(c.valuation) for c in columns]
        rounded = [None if v is None else round(v, 6) for v in values]
        change = _change(values)
        figures.append(Row(figure.label, values, [figure.write(v) for v in values], len(set(rounded)) > 1, change,
                           figure.write_change(change) if change else ""))
    flat = [leaves(c.deal.model_dump(mode="json", exclude={"variants"})) for c in columns]
    paths = list(dict.fromkeys(p for f in flat for p in f))
    deals = [c.deal for c in columns]
    rows = []
    for path in paths:
        values = [f.get(path) for f in flat]
        if any(v != values[0] for v in values):
            change = _change(values)
            written = "" if change is None else _input_change(path, change)
            rows.append(Row(inputs.label_in(path, deals), values, [input_text(path, v, d) for v, d in zip(values, deals,
                            strict=True)], True, change, written, path))
    aims = [aims_of(c.name, c.deal, c.valuation) for c in columns]
    return Comparison(columns, figures, rows, aims, patient_first_flags(aims))


def _input_change(path: str, change: float) -> str:
    """A change in an input: a rate's in percentage points (as a figure's share is), any other in its unit.

    >>> _input_change("terms[0].tiers[0].rate", 0.01), _input_change("terms[0].amount_gbp", -20_000)
    ('+1 percentage point', '-£20,000')
    """
    found = inputs.entry(path)
    if found is not None and found.unit == "fraction":
        return points(change, exact=True)
    return ("+" if change > 0 else "") + inputs.write(path, change)


def input_text(path: str, value: Any, deal: Deal | None = None) -> str:
    """An input's value in a comparison: as the catalogue of inputs writes it; '—' when a deal does not have it,
    'none' for an empty list.

    >>> input_text("route_to_market.sales.peak_uptake", 0.25), input_text("terms[1].amount_gbp", None)
    ('25%', '—')
    """
    if value is None:
        return "—"
    if value == [] or value == {}:
        return "none"
    return inputs.write(path, value, deal)


def _change(values: list[Any]) -> float | None:
    """The second value less the first, when there are exactly two numbers (not true/false).

    >>> _change([1.5, 4.0]), _change([1.0, None]), _change([1, 2, 3]), _change([True, False])
    (2.5, None, None, None)
    """
    if len(values) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return None
    return float(values[1]) - float(values[0])


def variants_of(deal: Deal) -> list[tuple[str, Deal]]:
    """The base deal and each of its variants, by name."""
    return [("Base", deal)] + [(v.name, deal.variant(v.name)) for v in deal.variants]

"""The catalogue of inputs: every field of a deal, by its path pattern, with what every surface needs to know about it.

Everything here is read from the pydantic model, never kept in a table of its own: the label is the field's
``title``, the help its ``description``, the unit and bounds come from its type (``x-unit``, ``minimum``...), the
default sensitivity swing and whether it may carry a distribution from its ``json_schema_extra`` (``x-swing``,
``x-swing-points``, ``x-uncertain``). The app's form and Risk page, the CLI, the PDFs, the Excel model, the solver,
the sensitivities and the generated docs all ask this module how to name an input and how to write its value, so
that one input reads the same everywhere.

A path pattern writes each list position as ``[*]``: ``terms[*].tiers[*].rate``. A concrete path
(``terms[4].tiers[0].rate``) is looked up with ``entry(path, data)``; the deal's data tells which mechanism a term is
(several mechanisms share a field name, e.g. ``amount_gbp``).
"""

from __future__ import annotations

import datetime
import math
import re
import types
import typing
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field  # Input has a field called "field"
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from valueshare.format import money, number, years

#: How a unit is shown after a label in a form or a table heading. A whole year counted from signature (``year``)
#: says so, so that no one types a calendar year (2029) where year 3 is meant; the price base year is a calendar one.
_UNIT_SUFFIX = {"fraction": " (%)", "gbp": " (£)", "years": " (years)", "year": " (years after signature)"}
#: What the help of every year counted from signature ends with.
YEAR_HELP = "Counted in years after signature: year 0 is signature, year 1 a year later."
#: Units whose inputs a solver may search over (whole numbers never are).
_SOLVABLE = {"fraction", "gbp", "years", "count", "hours"}
#: Units with no upper bound a solver needs: it doubles its range until the target is passed.
_UNBOUNDED = {"gbp", "count"}
#: Inputs a solver searches from this far above an excluded lower bound (in the field's own unit).
SOLVER_ABOVE_OPEN = 1e-6
#: A swing never takes an input nearer than this to an excluded lower bound (a probability or a duration of 0.01).
SWING_ABOVE_OPEN = 0.01


@dataclass(frozen=True)
class Input:
    """One field of the deal model, as every surface names and writes it."""

    pattern: str                 # e.g. "terms[*].tiers[*].rate"
    model: type[BaseModel]       # the model that holds the field
    field: str
    title: str                   # the field's name in people's words (the model's Field(title=...))
    help: str                    # the field's description
    kind: str                    # number, text, bool, choice, date, list, model, mapping, fixed or other
    unit: str | None = None      # fraction, gbp, years, year, calendar_year, count, hours, score, ...
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    whole: bool = False          # an int field
    optional: bool = False       # may be empty (None)
    swing: tuple[float, float] | None = None   # default relative swing for a sensitivity [ours]
    swing_points: float | None = None          # or an absolute swing, ± this much (a rate)
    uncertain: bool = False      # may carry a distribution in the Monte Carlo
    bare: Any = dataclass_field(default=None, compare=False, repr=False)  # the field's type without None and metadata

    @property
    def per_year(self) -> bool:
        """An amount paid or given each year (``amount_gbp_per_year``)."""
        return self.field.endswith("_per_year")

    @property
    def label(self) -> str:
        """The label of a form field or a table column: the title and its unit, 'Amount per year (£)'."""
        return self.title + self.suffix

    @property
    def unit_suffix(self) -> str:
        """The unit after a label: ' (%)', ' (£)', ' (years)', or '' for a unit that needs none."""
        return _UNIT_SUFFIX.get(self.unit or "", "") if self.kind == "number" else ""

    @property
    def suffix(self) -> str:
        suffix = self.unit_suffix
        if self.unit == "years" and "year" in self.title.lower():
            return ""  # 'Years to peak', 'Years after launch' already say it
        return suffix if not self.title.endswith(suffix) else ""

    def write(self, value: Any) -> str:
        """The value as people read it, in its unit: 0.25 of a share is '25%', a fee '£60,000', a stage '1.5 years'.

        Money is written exactly, to the penny where it has pence: an input is what someone typed.
        """
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            return value
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            return str(value)
        unit = self.unit
        if unit == "fraction":
            return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"
        if unit == "gbp":
            text = (f"{'-' if value < 0 else ''}£{abs(value):,.2f}" if not float(value).is_integer()
                    else money(value, exact=True))
            return f"{text} a year" if self.per_year else text
        if unit == "years":
            return years(round(float(value), 2))
        if unit == "year":
            return f"year {number(value)}"
        if unit == "calendar_year":
            return f"{int(value)}"
        if unit == "hours":
            return f"{number(round(value, 2))} hours"
        return number(round(float(value), 6))

    def solver_range(self) -> tuple[float, float | None] | None:
        """Lowest and highest value a solver searches (``None`` as highest: double until the target is passed), or
        ``None`` when this input cannot be solved for. An excluded lower bound is searched from just above it; an
        excluded upper bound of a fraction from 1% below it; a negative lower bound (a rate that may fall) from 0."""
        if self.kind != "number" or self.whole or self.unit not in _SOLVABLE:
            return None
        lo = max(self.lo or 0.0, 0.0)
        if self.lo_open:
            lo += SOLVER_ABOVE_OPEN
        if self.unit in _UNBOUNDED or self.hi is None:
            return lo, None
        hi = self.hi - 0.01 * (self.hi - lo) if self.hi_open else self.hi
        return lo, hi

    def clip(self, value: float) -> float:
        """A value within what the field allows, for a swing or a grid: never below 0 or the lower bound (nor within
        ``SWING_ABOVE_OPEN`` of an excluded one), never above the upper bound."""
        value = max(value, 0.0 if self.lo is None else max(self.lo, 0.0))
        if self.lo_open:
            value = max(value, (self.lo or 0.0) + SWING_ABOVE_OPEN)
        if self.hi is not None:
            value = min(value, self.hi)
        return round(value, 10)

    @property
    def ceiling(self) -> float | None:
        """The highest value that matters for a distribution or a search: none for money and counts (their bound,
        a trillion, only keeps every figure finite)."""
        return None if self.unit in _UNBOUNDED else self.hi

    def allows(self, value: float) -> bool:
        """Whether the field's bounds allow ``value``."""
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return False
        return not (self.hi is not None and (value > self.hi or (self.hi_open and value == self.hi)))


# -- reading the model ---------------------------------------------------------------------------------------------

def _strip(annotation: Any) -> tuple[Any, bool, dict[str, Any]]:
    """The bare type of an annotation, whether it may be None, and the extra schema its metadata carries."""
    optional = False
    extra: dict[str, Any] = {}
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        annotation = args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007 - built at run time
    while typing.get_origin(annotation) is typing.Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, FieldInfo) and isinstance(meta.json_schema_extra, dict):
                extra = {**meta.json_schema_extra, **extra}
        annotation = typing.get_args(annotation)[0]
    return annotation, optional, extra


def _members(annotation: Any) -> list[type[BaseModel]]:
    """The models a (possibly discriminated) union of models may hold."""
    bare, _, _ = _strip(annotation)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return [bare]
    if typing.get_origin(bare) in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(bare) for m in _members(arg)]
    return []


def _tag(model: type[BaseModel]) -> str | None:
    """The discriminator value of a member of a tagged union (a term's ``kind``, a distribution's ``dist``)."""
    for name in ("kind", "dist"):
        info = model.model_fields.get(name)
        if info is not None and typing.get_origin(info.annotation) is typing.Literal:
            return str(typing.get_args(info.annotation)[0])
    return None


def _make(pattern: str, model: type[BaseModel], name: str, info: FieldInfo) -> Input:
    bare, optional, extra = _strip(info.annotation)
    for meta in info.metadata:
        if isinstance(meta, FieldInfo) and isinstance(meta.json_schema_extra, dict):
            extra = {**meta.json_schema_extra, **extra}
    if isinstance(info.json_schema_extra, dict):
        extra = {**extra, **info.json_schema_extra}
    from valueshare.model.base import Choice

    if typing.get_origin(bare) is typing.Literal:
        kind = "fixed"
    elif isinstance(bare, type) and issubclass(bare, Choice):
        kind = "choice"
    elif bare is bool:
        kind = "bool"
    elif bare in (int, float):
        kind = "number"
    elif bare is str:
        kind = "text"
    elif typing.get_origin(bare) is list:
        kind = "list"
    elif typing.get_origin(bare) is dict:
        kind = "mapping"
    elif _members(bare):
        kind = "model"
    elif bare is datetime.date:
        kind = "date"
    else:
        kind = "other"
    lo = extra.get("exclusiveMinimum", extra.get("minimum"))
    hi = extra.get("exclusiveMaximum", extra.get("maximum"))
    swing = extra.get("x-swing")
    return Input(
        pattern=pattern, model=model, field=name, title=info.title or name.replace("_", " ").capitalize(),
        help=_help(info.description or "", extra.get("x-unit"), kind), kind=kind,
        unit=extra.get("x-unit"), lo=None if lo is None else float(lo), hi=None if hi is None else float(hi),
        lo_open="exclusiveMinimum" in extra, hi_open="exclusiveMaximum" in extra, whole=bare is int,
        optional=optional, swing=None if swing is None else (float(swing[0]), float(swing[1])),
        swing_points=extra.get("x-swing-points"), uncertain=bool(extra.get("x-uncertain")), bare=bare,
    )


def _help(description: str, unit: str | None, kind: str) -> str:
    """A field's help: its description, and for a year counted from signature the rule that says how to count it."""
    if unit == "year" and kind == "number" and YEAR_HELP not in description:
        return f"{description} {YEAR_HELP}".strip()
    return description


_MONEY = re.compile(r"^(?P<sign>[-−])?\s*£?\s*(?P<digits>\d{1,3}(?:,\d{3})+|\d*)(?P<decimals>\.\d+)?\s*"
                    r"(?P<scale>k|m|bn|thousand|million|billion)?$", re.IGNORECASE)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}


def read_money(text: str) -> float | None:
    """An amount of money as people type it, or ``None`` when the text is not one: digits grouped by commas or
    not, with or without a leading £ (or a minus before it), a scale of k, m or bn (or thousand, million, billion).
    Empty text is ``None`` too: the caller decides whether an empty field is allowed.

    >>> [read_money(t) for t in ("6000000", "6,000,000", "£6,000,000", "£6m", "6.5k", "-£1,250.50", " £ 2bn ")]
    [6000000.0, 6000000.0, 6000000.0, 6000000.0, 6500.0, -1250.5, 2000000000.0]
    >>> [read_money(t) for t in ("", "six million", "6,00,000", "£", "1e3", "12,3456")]
    [None, None, None, None, None, None]
    """
    found = _MONEY.match(text.strip().replace("\u00a0", " "))
    if found is None or not (found["digits"] or found["decimals"]):
        return None
    value = float((found["digits"] or "0").replace(",", "") + (found["decimals"] or ""))
    value *= _SCALES.get((found["scale"] or "").lower(), 1.0)
    value = round(value, 2)
    return -value if found["sign"] and value else value


def money_text(value: float) -> str:
    """An amount as a money field shows it: grouped digits after a £, pence only when there are any.

    >>> money_text(6_000_000), money_text(1250.5), money_text(-20_000), money_text(0)
    ('£6,000,000', '£1,250.50', '-£20,000', '£0')
    """
    sign = "-" if value < 0 else ""
    amount = abs(value)
    return f"{sign}£{amount:,.0f}" if float(amount).is_integer() else f"{sign}£{amount:,.2f}"


@cache
def field_input(model: type[BaseModel], name: str) -> Input:
    """The catalogue's reading of one field of one model (its title, unit and bounds), wherever it sits."""
    return _make(name, model, name, model.model_fields[name])


def _children(annotation: Any) -> tuple[str, list[type[BaseModel]]]:
    """For a field holding models: '' (one model) or '[*]' (a list of them), and the models it may hold."""
    bare, _, _ = _strip(annotation)
    if typing.get_origin(bare) is list:
        return "[*]", _members(typing.get_args(bare)[0])
    return "", _members(bare)


@cache
def catalogue() -> dict[str, tuple[Input, ...]]:
    """Every field of a deal by path pattern, in the model's order; a pattern that several mechanisms share
    (``terms[*].amount_gbp``) holds one entry per mechanism.

    >>> rate = catalogue()["terms[*].tiers[*].rate"][0]
    >>> rate.label, rate.unit, rate.write(0.02), rate.solver_range()
    ('Rate (%)', 'fraction', '2%', (0.0, 1.0))
    >>> [e.model.__name__ for e in catalogue()["terms[*].amount_gbp"]]
    ['AccessFee', 'Milestone']
    """
    from valueshare.model import Deal

    found: dict[str, list[Input]] = {}

    def visit(model: type[BaseModel], prefix: str, seen: tuple[type[BaseModel], ...]) -> None:
        for name, info in model.model_fields.items():
            pattern = f"{prefix}.{name}" if prefix else name
            made = _make(pattern, model, name, info)
            if made.uncertain and pattern.startswith("terms[*].terms[*]."):
                # inside a consent-to-commercialise clause nothing is drawn: the Monte Carlo draws a clause's
                # switch, and its own terms' inputs at their values
                made = replace(made, uncertain=False)
            found.setdefault(pattern, []).append(made)
            where, members = _children(info.annotation)
            for member in members:
                if member not in seen:
                    visit(member, pattern + where, (*seen, member))

    visit(Deal, "", (Deal,))
    return {pattern: tuple(entries) for pattern, entries in found.items()}


_INDEX = re.compile(r"\[\d+\]")


def pattern_of(path: str) -> str:
    """``terms[4].tiers[0].rate`` -> ``terms[*].tiers[*].rate``."""
    return _INDEX.sub("[*]", path)


def entry(path: str, data: Any = None) -> Input | None:
    """The catalogue's entry for a concrete path; with the deal's data, the entry of the mechanism (or distribution)
    the path runs through. ``None`` when the deal model has no such field.

    >>> entry("terms[0].amount_gbp", {"terms": [{"kind": "milestone"}]}).model.__name__
    'Milestone'
    >>> entry("route_to_market.stages[1].probability_of_success").title
    'Probability of success'
    """
    entries = catalogue().get(pattern_of(path))
    if not entries:
        return None
    data = _plain(data)
    if data is None:
        return entries[0]
    tag = _parent_tag(path, data)
    if tag is None:
        return entries[0]
    return next((e for e in entries if _tag(e.model) in (tag, None)), None)


def _parent_tag(path: str, data: Any) -> str | None:
    """The mechanism (``kind``) or distribution (``dist``) of the section a path's field sits in, if it has one."""
    from valueshare import paths
    from valueshare.errors import ValueshareError

    try:
        keys = paths.parse(path)
    except ValueshareError:
        return None
    node = data
    for key in keys[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(node, dict):
        return None
    tag = node.get("kind", node.get("dist"))
    return tag if isinstance(tag, str) else None


def _plain(data: Any) -> Any:
    """A deal as plain data (its fields by name), or the data as given."""
    return data.model_dump(mode="json") if isinstance(data, BaseModel) else data


def numbers() -> list[Input]:
    """Every numeric input, in the model's order."""
    return [e for entries in catalogue().values() for e in entries if e.kind == "number"]


# -- naming an input in context --------------------------------------------------------------------------------------

def _lower(text: str) -> str:
    """A label inside a sentence: 'Price per unit (£)' -> 'price per unit (£)', 'NHS target' stays."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _mechanism_label(kind: Any) -> str | None:
    from valueshare.model import TERM_LABELS

    return TERM_LABELS.get(kind) if isinstance(kind, str) else None


def label(path: str, data: Any = None) -> str:
    """An input named for people wherever it appears on its own (a tornado bar, a two-way axis, a solver's answer,
    a variant's change, a Monte Carlo input): where it sits, then its label.

    >>> data = {"terms": [{"kind": "royalty", "tiers": [{}, {}]}], "route_to_market": {"stages": [{"name": "Trial"}]}}
    >>> label("terms[0].tiers[1].rate", data)
    'Royalty (term 1): rate (%), tier 2'
    >>> label("route_to_market.stages[0].duration_years", data)
    "Stage 'Trial': duration (years)"
    >>> label("route_to_market.sales.price_gbp"), label("assumptions.partner_discount_rate")
    ('Sales: price per unit (£)', 'Partner discount rate (%)')
    >>> label("contribution.expertise[0].cost_per_hour_gbp")
    'Contribution, expertise 1, cost per hour (£)'
    """
    from valueshare import paths
    from valueshare.errors import ValueshareError

    data = _plain(data)
    found = entry(path, data)
    try:
        keys = paths.parse(path)
    except ValueshareError:
        return path
    if found is None:
        return where(path, data)
    words = _lower(found.label)
    node = data if isinstance(data, dict) else {}

    def at(*where: Any) -> Any:
        here: Any = node
        for key in where:
            try:
                here = here[key]
            except (KeyError, IndexError, TypeError):
                return None
        return here

    if keys[0] == "route_to_market" and len(keys) == 4 and keys[1] == "stages":
        name = at("route_to_market", "stages", keys[2], "name")
        return f"Stage '{name}': {words}" if isinstance(name, str) and name else f"Stage {int(keys[2]) + 1}: {words}"
    if keys[0] == "route_to_market" and len(keys) == 3 and keys[1] == "sales":
        return f"Sales: {words}"
    if keys[0] == "terms" and len(keys) >= 3 and isinstance(keys[1], int):
        outer = int(keys[1])
        kind = _mechanism_label(at("terms", outer, "kind")) or "Term"
        if len(keys) == 3:
            return f"{kind} (term {outer + 1}): {words}"
        if len(keys) == 5 and keys[2] == "tiers":
            return f"{kind} (term {outer + 1}): {words}, tier {int(keys[3]) + 1}"
        if len(keys) == 5 and keys[2] == "terms":
            inner = _mechanism_label(at("terms", outer, "terms", keys[3], "kind")) or "Term"
            return f"{inner} if the work turns commercial (term {outer + 1}, item {int(keys[3]) + 1}): {words}"
    if keys[0] == "assumptions" and len(keys) == 2:
        return found.label
    return where(path, data)


def label_in(path: str, deals: list[Any]) -> str:
    """``label`` within the first of several deals that has the input (a stage or a term may exist in only one of
    the deals compared); from the path alone when none has it."""
    from valueshare import paths
    from valueshare.errors import ValueshareError

    for deal in deals:
        data = _plain(deal)
        try:
            paths.get(data, path)
        except ValueshareError:
            continue
        return label(path, data)
    return where(path)


def where(path: str, data: Any = None) -> str:
    """A field's path in people's words, part by part (what an error message points at); with the deal's data, a
    term is named by its mechanism and a stage by its name.

    >>> where("contribution.expertise[0].cost_per_hour_gbp")
    'Contribution, expertise 1, cost per hour (£)'
    >>> where("terms[1].rate", {"terms": [{"kind": "access_fee"}, {"kind": "revenue_share"}]})
    'Term 2 (Revenue share), rate (%)'
    >>> where("route_to_market.stages[0].duration_years", {"route_to_market": {"stages": [{"name": "Trial"}]}})
    "Route to market, stage 1 ('Trial'), duration (years)"
    """
    from valueshare import paths
    from valueshare.errors import ValueshareError

    data = _plain(data)
    try:
        keys = paths.parse(path)
    except ValueshareError:
        return path
    words: list[str] = []
    here = data
    sofar = ""
    for index, key in enumerate(keys):
        item = None
        if isinstance(here, dict):
            item = here.get(key)
        elif isinstance(here, list) and isinstance(key, int) and 0 <= key < len(here):
            item = here[key]
        named = item if isinstance(key, int) and isinstance(item, dict) else {}
        if isinstance(key, int):
            sofar += f"[{key}]"
            if not words:
                words.append(str(key + 1))
            elif keys[index - 1] == "terms" and _mechanism_label(named.get("kind")):
                words[-1] = f"{words[-1].removesuffix('s')} {key + 1} ({_mechanism_label(named['kind'])})"
            elif keys[index - 1] == "stages" and isinstance(named.get("name"), str) and named["name"]:
                words[-1] = f"{words[-1].removesuffix('s')} {key + 1} ('{named['name']}')"
            else:
                words[-1] += f" {key + 1}"
        else:
            sofar = f"{sofar}.{key}" if sofar else str(key)
            found = entry(sofar, data)
            word = found.label if found is not None else str(key).replace("_", " ").capitalize()
            words.append(word if not words else _lower(word))
        here = item
    return ", ".join(words)


def write(path: str, value: Any, data: Any = None) -> str:
    """An input's value as every surface writes it, by its path; a choice as its label, a mechanism by its name.

    >>> write("route_to_market.sales.peak_uptake", 0.1673), write("route_to_market.sales.price_gbp", 12.5)
    ('16.73%', '£12.50')
    >>> write("terms[0].amount_gbp_per_year", 60000), write("route_to_market.stages[0].duration_years", 1.25)
    ('£60,000 a year', '1.25 years')
    >>> write("partner.kind", "sme"), write("terms[2].kind", "royalty")
    ('SME', 'Royalty')
    """
    data = _plain(data)
    found = entry(path, data)
    if isinstance(value, str) and found is not None:
        if found.kind == "fixed" and found.field == "kind":
            return _mechanism_label(value) or value
        bare, _, _ = _strip(found.model.model_fields[found.field].annotation)
        from valueshare.model.base import Choice

        if isinstance(bare, type) and issubclass(bare, Choice) and value in {m.value for m in bare}:
            return bare(value).label
        return value
    if found is None:
        return "—" if value is None else (number(value) if isinstance(value, (int, float))
                                          and not isinstance(value, bool) else str(value))
    return found.write(value)


# -- sensitivities, solving and uncertainty ----------------------------------------------------------------------

def concrete(data: Any, keep: typing.Callable[[Input], bool]) -> list[str]:
    """Every input of this deal (a Deal or its plain data) whose catalogue entry ``keep`` accepts, in the model's
    order: each pattern expanded over the deal's own lists (its stages, terms, tiers...), a term's fields only for
    its own mechanism. A field the data leaves out (at its default) is still the deal's input; one whose section is
    empty (no sales) is not.

    >>> concrete({"terms": [{"kind": "royalty", "tiers": [{}, {}]}, {"kind": "equity"}]},
    ...          lambda e: e.field in ("rate", "stake"))
    ['terms[0].tiers[0].rate', 'terms[0].tiers[1].rate', 'terms[1].stake']
    """
    data = _plain(data)
    out: list[str] = []
    for pattern, entries in catalogue().items():
        for found in entries:
            if keep(found):
                out += [p for p in _expand(pattern, data) if entry(p, data) is found]
    order = {p: i for i, p in enumerate(catalogue())}
    return sorted(dict.fromkeys(out), key=lambda p: _sort_key(p, order))


def _sort_key(path: str, order: dict[str, int]) -> list[int]:
    """Model order, part by part: a stage's fields together, stage by stage."""
    key: list[int] = []
    sofar = ""
    for part in re.findall(r"[A-Za-z_]\w*|\[\d+\]", path):
        if part.startswith("["):
            sofar += "[*]"
            key.append(int(part[1:-1]))
        else:
            sofar = f"{sofar}.{part}" if sofar else part
            key.append(order.get(sofar, len(order)))
    return key


def _expand(pattern: str, data: Any) -> list[str]:
    """The concrete paths of ``pattern`` whose parent section the data holds."""
    parts = pattern.split(".")
    found: list[tuple[str, Any]] = [("", data)]
    for k, part in enumerate(parts):
        name, many = (part[:-3], True) if part.endswith("[*]") else (part, False)
        last = k == len(parts) - 1
        nxt: list[tuple[str, Any]] = []
        for path, node in found:
            if not isinstance(node, dict):
                continue
            here = f"{path}.{name}" if path else name
            if last and not many:
                nxt.append((here, None))
                continue
            value = node.get(name)
            if many:
                if isinstance(value, list):
                    nxt += [(f"{here}[{i}]", item) for i, item in enumerate(value)]
            elif value is not None:
                nxt.append((here, value))
        found = nxt
    return [path for path, _ in found]


def uncertain_paths(data: dict[str, Any]) -> list[str]:
    """The inputs of a deal (its plain data) that may carry a distribution, in the model's order."""
    return concrete(data, lambda e: e.uncertain)


def may_be_uncertain(path: str, data: Any = None) -> bool:
    """Whether the input at ``path`` may carry a distribution."""
    found = entry(path, data)
    return found is not None and found.uncertain and found.kind == "number"

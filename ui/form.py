"""Widgets bound to the draft deal, and the places next to them where the model's problems are shown.

Each widget's key is derived from its field's path (``w:terms[2].amount_gbp``). A widget is initialised from the
draft when its key is absent and writes its value back into the draft on every run, valid or not, so nothing the user
typed is lost. Each widget leaves an empty slot under it; once the draft has been checked, ``Form.place`` puts every
problem into the slot of the field it names and returns the problems that have no slot on this page.

Tables (``st.data_editor``) edit a *base* DataFrame kept in session state. The base only changes when the table is
(re)created: on load, or when the editor's key is absent because the page was left. The editor's returned DataFrame
is written into the draft on every run; empty cells become missing fields so that the model reports them.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import BaseModel

from ui import state
from ui.fields import Spec, shown, specs, stored
from ui.text import md
from valueshare import inputs
from valueshare.errors import Problem, sentence
from valueshare.inputs import money_text, read_money
from valueshare.model import Assumptions

_FORMATS = {"fraction": "%g", "gbp": "%.2f", "count": "%.2f", "hours": "%g", "years": "%g"}
_STEPS = {"fraction": 0.5, "gbp": 1000.0, "count": 1.0, "hours": 10.0, "years": 0.5}
_ROW = re.compile(r"^\[(\d+)\](?:\.(\w+))?(.*)$")


@dataclass
class _Slot:
    place: Any                                       # an st.empty() under the widget
    columns: dict[str, str] = field(default_factory=dict)  # for a table: field name -> column label
    item: str = "Row"                                # what one entry of a list is called


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """numpy scalars to Python ones, so the draft stays plain data."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def _label(path: str) -> str:
    """The label of the field a problem's path ends in, from the catalogue of inputs (a list item: its list's)."""
    found = inputs.entry(path) or inputs.entry(re.sub(r"(\[\d+\])+$", "", path))
    return found.label if found is not None else path.rsplit(".", 1)[-1]


class Form:
    """Draws widgets for parts of the draft and shows the model's problems next to them."""

    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {}

    # -- problems ---------------------------------------------------------------------------------------------

    def slot(self, path: str, *, columns: dict[str, str] | None = None, item: str = "Row") -> None:
        """Reserve the place, here, where problems at ``path`` (or below it, if nothing closer claims them) go."""
        self._slots[path] = _Slot(st.empty(), columns or {}, item)

    def _owner(self, path: str) -> str | None:
        best = None
        for where in self._slots:
            if ((path == where or path.startswith((where + ".", where + "[")))
                    and (best is None or len(where) > len(best))):
                best = where
        return best

    def _describe(self, slot: _Slot, owner: str, rest: str, message: str) -> str:
        if not rest:
            return message
        row = _ROW.match(rest)
        if row:
            index, name, more = row.groups()
            where = f"{slot.item} {int(index) + 1}"
            if name and f"{name}{more}" in slot.columns:  # a column of a section: own_costs.years
                where += f", {slot.columns[name + more]}"
            elif name:
                where += f", {slot.columns.get(name) or _label(owner + rest)}{more}"
            return f"{where}: {message}"
        return f"{_label(owner + rest)}: {message}"

    def place(self, problems: list[Problem]) -> list[Problem]:
        """Show each problem in its field's slot; return those this page has no slot for. A field still to fill in
        that the user has not touched (``state.to_fill_in``) is not an error yet: the checklist at the top lists it."""
        found: dict[str, list[str]] = {}
        unplaced = []
        for problem in problems:
            if state.to_fill_in(problem):
                continue
            owner = self._owner(problem.path) if problem.path else None
            if owner is None:
                unplaced.append(problem)
                continue
            rest = problem.path[len(owner):]
            text = self._describe(self._slots[owner], owner, rest, problem.in_form or problem.message)
            found.setdefault(owner, []).append(sentence(text))
        for owner, lines in found.items():
            self._slots[owner].place.error("  \n".join(md(line) for line in lines), icon=":material/error:")
        return unplaced

    # -- single fields ----------------------------------------------------------------------------------------

    def field(self, obj: dict[str, Any], model: type[BaseModel], name: str, path: str, *,
              label: str | None = None, long: bool = False) -> Any:
        """A widget for ``obj[name]``, a field of ``model``; its value is written back into ``obj``."""
        spec = specs(model)[name]
        label = label or spec.label
        if spec.kind == "number" and spec.unit == "gbp":
            value = self._money(obj, spec, path, label)
        elif spec.kind == "number":
            value = self._number(obj, spec, path, label)
        elif spec.kind == "text":
            value = self._text(obj, spec, path, label, long)
        elif spec.kind == "choice":
            value = self._choice(obj, spec, path, label)
        elif spec.kind == "bool":
            value = self._bool(obj, spec, path, label)
        elif spec.kind == "list" and spec.item is str:
            value = self._lines(obj, spec, path, label)
        else:
            raise TypeError(f"{name} needs its own widget")
        self.slot(path, item="Line")
        return value

    def fields(self, obj: dict[str, Any], model: type[BaseModel], path: str, names: list[str],
               per_row: int = 3) -> None:
        """Several fields side by side, ``per_row`` to a row."""
        for start in range(0, len(names), per_row):
            columns = st.columns(per_row)
            for column, name in zip(columns, names[start:start + per_row], strict=False):
                with column:
                    self.field(obj, model, name, f"{path}.{name}" if path else name)

    @staticmethod
    def _init(path: str, value: Any) -> str:
        key = state.WIDGET + path
        if key not in st.session_state:
            st.session_state[key] = value
        return key

    @staticmethod
    def _write(obj: dict[str, Any], name: str, value: Any) -> None:
        if value is None:
            obj.pop(name, None)
        else:
            obj[name] = value

    def _money(self, obj: dict[str, Any], spec: Spec, path: str, label: str) -> Any:
        """Money in a text box, so that it shows as typed and entered (£6,000,000), never clipped: grouped digits, a
        leading £ and a scale (£6m) are read; text that is not an amount stays as typed and goes into the draft, for
        the model to refuse at this field."""
        before = obj.get(spec.name)
        initial = before if isinstance(before, str) else ("" if shown(before, spec) is None else money_text(before))
        key = self._init(path, initial)
        text = st.text_input(label, key=key, help=spec.help, on_change=_entered_money, args=(path,),
                             placeholder="empty" if spec.optional else "required, e.g. £250,000")
        amount = read_money(text)
        if not text.strip():
            self._write(obj, spec.name, None)
        elif amount is None:
            obj[spec.name] = text
        else:
            self._write(obj, spec.name, before if before == amount and not isinstance(before, bool) else amount)
        return amount

    def _number(self, obj: dict[str, Any], spec: Spec, path: str, label: str) -> Any:
        before = obj.get(spec.name)
        key = self._init(path, shown(before, spec))
        if spec.whole:
            options: dict[str, Any] = {"step": 1, "format": "%d"}
            if isinstance(st.session_state[key], float):  # a fractional year typed earlier stays as typed
                options = {"step": 1.0, "format": "%g"}
        else:
            options = {"step": _STEPS.get(spec.unit or "", 1.0), "format": _FORMATS.get(spec.unit or "", "%g")}
            current = st.session_state[key]
            if options["format"] == "%.2f" and (current is None or float(current).is_integer()):
                options["format"] = "%.0f"  # whole pounds without ".00"; pence are shown when there are any
        # An optional figure can be emptied (value=None); a required one cannot, but starts empty if it is missing.
        value = st.number_input(label, key=key, help=_year_help(spec), on_change=state.touch, args=(path,),
                                placeholder="empty" if spec.optional else "required",
                                **({"value": None} if spec.optional else {}), **options)
        self._write(obj, spec.name, stored(value, spec, before))
        return value

    def _text(self, obj: dict[str, Any], spec: Spec, path: str, label: str, long: bool) -> str:
        key = self._init(path, obj.get(spec.name) or "")
        widget = st.text_area if long else st.text_input
        value = widget(label, key=key, help=spec.help, on_change=state.touch, args=(path,))
        obj[spec.name] = value
        return value

    def _choice(self, obj: dict[str, Any], spec: Spec, path: str, label: str) -> Any:
        choice = spec.choice
        assert choice is not None
        options = [member.value for member in choice]
        current = obj.get(spec.name)
        key = self._init(path, current if current in options else None)
        value = st.selectbox(label, options, key=key, index=None if st.session_state[key] is None else 0,
                             help=spec.help, format_func=lambda v: choice(v).label, placeholder="Choose one",
                             on_change=state.touch, args=(path,))
        self._write(obj, spec.name, value)
        return value

    def _bool(self, obj: dict[str, Any], spec: Spec, path: str, label: str) -> bool:
        key = self._init(path, bool(obj.get(spec.name, spec.default or False)))
        value = st.checkbox(label, key=key, help=spec.help, on_change=state.touch, args=(path,))
        obj[spec.name] = value
        return value

    def _lines(self, obj: dict[str, Any], spec: Spec, path: str, label: str) -> list[str]:
        key = self._init(path, "\n".join(obj.get(spec.name) or []))
        text = st.text_area(label, key=key, help=spec.help + " One per line.", height=90, on_change=state.touch,
                            args=(path,))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        obj[spec.name] = lines
        return lines

    def choose(self, obj: dict[str, Any], name: str, path: str, label: str, options: list[str], help: str,
               format_func: Callable[[Any], str] = str) -> Any:
        """A selectbox over ``options`` for a text field (e.g. a milestone's stage); the current value is kept
        as an option even when it is no longer valid, so that the model can say why."""
        current = obj.get(name)
        if current is not None and current not in options:
            options = [*options, current]
        key = self._init(path, current)
        value = st.selectbox(label, options, key=key, index=None if st.session_state[key] is None else 0,
                             help=help, format_func=format_func, placeholder="Choose one", on_change=state.touch,
                             args=(path,))
        self._write(obj, name, value)
        self.slot(path)
        return value

    def toggle(self, obj: dict[str, Any], name: str, path: str, label: str, help: str,
               make: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
        """Switch an optional section on or off. Switching off keeps what was there, to bring back when switched
        on again."""
        key = self._init(path + "?", obj.get(name) is not None)
        on = st.toggle(label, key=key, help=help)
        stash = st.session_state.setdefault(state.STASH, {})
        if on and obj.get(name) is None:
            obj[name] = stash.pop(path, None) or make()
        elif not on and obj.get(name) is not None:
            stash[path] = obj.pop(name)
        return obj.get(name)

    # -- tables -----------------------------------------------------------------------------------------------

    def table(self, obj: dict[str, Any], name: str, path: str, row: type[BaseModel], *, label: str,
              help: str = "", item: str = "Row") -> list[dict[str, Any]]:
        """An editable table for the list ``obj[name]`` of ``row`` models; rows can be added and deleted."""
        columns = table_columns(row)
        key = state.TABLE + path
        bases = st.session_state.setdefault(state.BASES, {})
        if key not in st.session_state or path not in bases:
            bases[path] = table_frame(obj.get(name) or [], columns)
        st.markdown(f"**{label}**", help=help or None)
        edited = st.data_editor(bases[path], key=key, num_rows="dynamic", hide_index=True, width="stretch",
                                column_config={s.name: _column(s) for s in columns}, on_change=state.touch,
                                args=(path,))
        rows = table_rows(edited, columns)
        obj[name] = rows
        self.slot(path, columns={s.name: s.label for s in columns}, item=item)
        return rows


def _entered_money(path: str) -> None:
    """A money field was changed: the field is touched, and an amount it reads is shown as it is stored (£6m becomes
    £6,000,000), so that what the deal holds is what the box says."""
    state.touch(path)
    key = state.WIDGET + path
    amount = read_money(str(st.session_state.get(key) or ""))
    if amount is not None:
        st.session_state[key] = money_text(amount)


def _year_help(spec: Spec) -> str:
    """A field's help; for a year counted from signature, with the calendar year it is for this deal's dates."""
    if spec.unit != "year":
        return spec.help
    assumptions = (state.draft() or {}).get("assumptions") or {}
    base = assumptions.get("price_base_year", Assumptions.model_fields["price_base_year"].default)
    if not isinstance(base, int) or isinstance(base, bool):
        return spec.help
    return (f"{spec.help} For a deal signed in its price base year, {base}, year 3 is {base + 3}."
            if spec.help else f"Year 3 is {base + 3} for a deal signed in {base}.")


def table_columns(row: type[BaseModel]) -> list[Spec]:
    """A table's columns: one per field of ``row``; a section of it (a member's own costs) gives one column per
    field of its own, named by its path in the row (``own_costs.preparation_gbp``)."""
    columns = []
    for spec in specs(row).values():
        if spec.kind == "model":
            columns += [replace(sub, name=f"{spec.name}.{sub.name}") for sub in specs(spec.item).values()
                        if sub.kind != "fixed"]
        elif spec.kind != "fixed":
            columns.append(spec)
    return columns


def _get(row: dict[str, Any], name: str) -> Any:
    """``row``'s value at a column's name, which may be a path into a section (``own_costs.years``)."""
    value: Any = row
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _put(row: dict[str, Any], name: str, value: Any) -> None:
    *sections, last = name.split(".")
    for part in sections:
        row = row.setdefault(part, {})
    row[last] = value


def table_frame(rows: list[dict[str, Any]], columns: list[Spec]) -> pd.DataFrame:
    """The base DataFrame a table edits: one column per field, fractions as percentages."""
    data: dict[str, Any] = {}
    for spec in columns:
        values = [_get(row, spec.name) for row in rows]
        if spec.kind == "number":
            data[spec.name] = pd.Series([shown(v, spec) for v in values], dtype="float64")
        elif spec.kind == "bool":
            data[spec.name] = pd.Series([bool(v) for v in values], dtype="bool")
        elif spec.kind == "date":
            data[spec.name] = pd.Series([_date(v) for v in values], dtype="object")
        else:
            data[spec.name] = pd.Series(values, dtype="object")
    return pd.DataFrame(data)


def table_rows(frame: pd.DataFrame, columns: list[Spec]) -> list[dict[str, Any]]:
    """A table's rows as the draft stores them; an empty cell becomes a missing field."""
    rows = []
    for record in frame.to_dict("records"):
        out: dict[str, Any] = {}
        for spec in columns:
            value = _plain(record.get(spec.name))
            if _missing(value):
                continue
            if spec.kind == "number":
                value = stored(value, spec)
            elif spec.kind == "bool":
                value = bool(value)
            elif spec.kind == "date":
                value = _date(value)
                value = value.isoformat() if isinstance(value, datetime.date) else str(record.get(spec.name))
            elif spec.kind == "text":
                value = str(value)
            _put(out, spec.name, value)
        rows.append(out)
    return rows


def _date(value: Any) -> Any:
    """A date for a table cell, from what the draft or the editor holds (an ISO text, a date, a timestamp); text
    that is not a date stays as it is, for the model to refuse with its reason."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _column(spec: Spec) -> Any:
    # No fixed width: a column is as wide as its heading and its figures, so that neither is cut short.
    common: dict[str, Any] = {"label": spec.label, "help": spec.help or None}
    if spec.kind == "number":
        default = shown(spec.default, spec) if spec.default is not None else None
        if spec.whole:
            return st.column_config.NumberColumn(**common, step=1, format="plain", default=default)
        # "%g", not "plain": the data editor showed a plain 2000.0 as 1999.9999999999998 (seen in Chromium)
        fmt = "%g" if spec.unit in ("years", "fraction", "hours") else "localized"
        return st.column_config.NumberColumn(**common, format=fmt, default=default)
    if spec.kind == "bool":
        return st.column_config.CheckboxColumn(**common, default=bool(spec.default))
    if spec.kind == "date":
        return st.column_config.DateColumn(**common, format="YYYY-MM-DD")
    if spec.kind == "choice":
        choice = spec.choice
        assert choice is not None
        return st.column_config.SelectboxColumn(
            **common, options=[m.value for m in choice], format_func=lambda v: choice(v).label,
            default=spec.default.value if spec.default is not None else None)
    return st.column_config.TextColumn(**common, default=spec.default or None)

"""The editor of the deal's uncertain inputs: one card per input (which input, the kind of distribution, its
parameters), then a picker to add one.

The uncertain inputs are part of the draft (``draft["uncertainty"]``) and are edited like the rest of it: widgets
keyed by their field's path (``w:uncertainty[1].distribution.low``), written back on every run, with problems shown
next to their field. ``valueshare.distributions`` decides what a new uncertain input starts as and what a
distribution becomes when its kind changes; this module only names the kinds and their parameters for people.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import streamlit as st

from ui import state
from ui.fields import Spec, path_words, section_link, shown, specs, stored
from ui.form import Form
from ui.text import md
from valueshare import inputs
from valueshare.basecase import mean
from valueshare.distributions import MODELS, PARAMETERS, new_uncertain, reshape
from valueshare.inputs import Input
from valueshare.model import Deal
from valueshare.model.deal import BaseCase

LINK = section_link(8, "the Monte Carlo")

KINDS = {"fixed": "Fixed value", "uniform": "Uniform", "triangular": "Triangular", "pert": "PERT",
         "normal": "Normal", "lognormal": "Lognormal"}
_ALL_PARAMETERS = tuple(dict.fromkeys(name for names in PARAMETERS.values() for name in names))
_NAMES = {"value": "Value", "low": "Lowest", "mode": "Most likely", "high": "Highest", "mean": "Mean",
          "sd": "Standard deviation"}
_CUT = {"low": "Cut off below", "high": "Cut off above"}


def step(value: Any) -> float:
    """A step for the +/- buttons of a number input of about a tenth of the value's size: 0.1 for 2.5, 100,000 for
    6,000,000 (the two-way table's ranges use it too).

    >>> step(2.5), step(6_000_000), step(None)
    (0.1, 100000.0, 1.0)
    """
    if not isinstance(value, (int, float)) or not value:
        return 1.0
    return float(10 ** (np.floor(np.log10(abs(value))) - 1))


def _add(picker: str) -> None:
    draft = state.draft()
    path = st.session_state.get(picker)
    if draft is None or path is None:
        return
    try:
        base = state.resolve(draft, path)
    except (LookupError, TypeError):
        base = None
    draft.setdefault("uncertainty", []).append(new_uncertain(path, base))


def _remove(index: int) -> None:
    state.draft()["uncertainty"].pop(index)
    state.forget_widgets("uncertainty")  # the cards after it move up: their widgets re-read the draft


def uncertainty_editor(form: Form, draft: dict[str, Any], deal: Deal | None) -> None:
    """One card per uncertain input (which input, its distribution, its parameters), then a picker to add one."""
    items = draft.setdefault("uncertainty", [])
    allowed = inputs.uncertain_paths(draft)
    name = (lambda p: inputs.label_in(p, [deal])) if deal is not None else path_words
    for index, item in enumerate(items):
        if isinstance(item, dict):
            _card(form, draft, item, index, allowed, name)
    if not items and allowed:
        st.caption("No input is uncertain yet: the simulation draws only whether each stage succeeds.")
    free = [p for p in allowed if p not in {i.get("input") for i in items if isinstance(i, dict)}]
    if free:
        pick, add = st.columns([4, 1], vertical_alignment="bottom")
        pick.selectbox("Input to make uncertain", free, key="add:uncertainty", format_func=name,
                       help="A stage's duration, cost or chance of success, a sales input, or an equity exit value. "
                            + LINK)
        add.button("Add", key="do:add:uncertainty", on_click=_add, args=("add:uncertainty",), icon=":material/add:",
                   width="stretch")
    elif allowed:
        st.caption("Every input that can be uncertain already is.")
    else:
        st.caption("This deal has no route to market or equity term, so none of its inputs can be uncertain.")
    form.slot("uncertainty", item="Uncertain input")


def _card(form: Form, draft: dict[str, Any], item: dict[str, Any], index: int, allowed: list[str], name) -> None:
    path = f"uncertainty[{index}]"
    distribution = item.setdefault("distribution", {})
    if not isinstance(distribution, dict):
        distribution = item["distribution"] = {}
    with st.container(border=True):
        which, kind_col, remove = st.columns([5, 2, 1], vertical_alignment="bottom")
        before = (item.get("input"), distribution.get("dist"))
        with which:
            form.choose(item, "input", f"{path}.input", f"{index + 1}. Uncertain input", allowed,
                        f"Which input of the deal this distribution replaces in the simulation. {LINK}",
                        format_func=name)
        with kind_col:
            form.choose(distribution, "dist", f"{path}.distribution.dist", "Distribution", list(KINDS),
                        f"The shape of the uncertainty. {section_link(8, 'distributions')}",
                        format_func=lambda k: KINDS.get(k, str(k)))
        remove.button("Remove", key=f"do:remove:{path}", on_click=_remove, args=(index,), icon=":material/delete:",
                      width="stretch")
        form.slot(path)
        kind = distribution.get("dist")
        if (item.get("input"), kind) != before:
            # Another input may have another unit, another kind other parameters: the parameters re-read the draft.
            for parameter in _ALL_PARAMETERS:
                st.session_state.pop(f"{state.WIDGET}{path}.distribution.{parameter}", None)
            if kind != before[1] and kind in KINDS:
                item["distribution"] = distribution = reshape(distribution, kind)
        spec = inputs.entry(item.get("input") or "")
        columns = st.columns(4)
        parameters = PARAMETERS.get(kind, ())
        for column, parameter in zip(columns, parameters, strict=False):  # up to four
            with column:
                _parameter(distribution, kind, parameter, f"{path}.distribution.{parameter}", spec)
                form.slot(f"{path}.distribution.{parameter}")
        try:
            base = state.resolve(draft, item.get("input") or "")
        except (LookupError, TypeError, ValueError):
            base = None
        if base is not None:
            where = columns[-1] if len(parameters) < len(columns) else st.container()
            where.caption(md(_base_case_text(draft, item["input"], base, distribution)))
        form.slot(f"{path}.distribution")


def _base_case_text(draft: dict[str, Any], path: str, entered: Any, distribution: dict[str, Any]) -> str:
    """Which value of the input the headline figures use: its distribution's mean (base case: expected value, once
    the distribution is complete) or the value entered in the deal (base case: entered)."""
    shown_entered = inputs.write(path, entered)
    assumptions = draft.get("assumptions")
    if isinstance(assumptions, dict) and assumptions.get("base_case") == BaseCase.ENTERED.value:
        return f"In the deal: {shown_entered}, the headline's base case (entered values)"
    try:
        centre = mean(MODELS[distribution.get("dist", "")].model_validate(distribution))
    except (KeyError, ValueError):
        return f"In the deal: {shown_entered}; the headline takes the distribution's mean once it is complete"
    return f"In the deal: {shown_entered} · the headline takes the mean, {inputs.write(path, centre)}"


def _parameter(distribution: dict[str, Any], kind: str, name: str, path: str, input_spec: Input | None) -> None:
    model_spec = specs(MODELS[kind])[name]
    unit = input_spec.unit if input_spec is not None else None
    spec: Spec = replace(model_spec, unit=unit, whole=False)
    label = (_CUT[name] if kind == "normal" and name in _CUT else _NAMES[name]) + (
        input_spec.unit_suffix if input_spec is not None else "")
    before = distribution.get(name)
    key = state.WIDGET + path
    if key not in st.session_state:
        value = shown(before, spec)
        st.session_state[key] = None if value is None else float(value)
    current = st.session_state[key]
    whole_pounds = unit in ("gbp", "count") and (current is None or float(current).is_integer())
    fmt = "%.0f" if whole_pounds else ("%.2f" if unit in ("gbp", "count") else "%g")
    value = st.number_input(label, key=key, value=None, help=model_spec.help or None, format=fmt,
                            step=step(current), placeholder="empty" if model_spec.optional else "required")
    value = stored(value, spec, before)
    if value is None:
        distribution.pop(name, None)
    else:
        distribution[name] = value

"""The value-sharing terms: one card per mechanism, to change or remove, and a picker to add one of any kind.

A consent-to-commercialise clause is a card holding its own list of terms, edited the same way.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import TypeAdapter, ValidationError

from ui import state
from ui.fields import section_link, specs
from ui.form import Form
from ui.text import md
from valueshare.model import (
    TERM_LABELS, AccessFee, CommercialTerm, ConsentToCommercialise, Equity, InKindBenefit, Milestone,
    NhsPriceDiscount, RevenueShare, Royalty, RoyaltyTier, Subscription, Term,
)
from valueshare.wording import term_sentence

MODELS = {m.model_fields["kind"].default: m for m in (
    AccessFee, Subscription, Milestone, Royalty, RevenueShare, Equity, NhsPriceDiscount, InKindBenefit,
    ConsentToCommercialise)}
ALL_KINDS = list(TERM_LABELS)
COMMERCIAL_KINDS = [k for k in TERM_LABELS if k != "consent_to_commercialise"]
_TERM = TypeAdapter(Term)
_COMMERCIAL = TypeAdapter(CommercialTerm)


def new_term(kind: str, draft: dict[str, Any]) -> dict[str, Any]:
    """A new term of ``kind``: the model's defaults, with its required figures left for the user to enter."""
    term: dict[str, Any] = {"kind": kind}
    for spec in specs(MODELS[kind]).values():
        if spec.default is not None and spec.kind != "fixed":
            term[spec.name] = getattr(spec.default, "value", spec.default)
    if kind == "royalty":
        term["tiers"] = [{"from_gbp": 0.0}]  # the first tier must start at £0; its rate is the user's to set
    if kind == "milestone":
        stages = ((draft.get("route_to_market") or {}).get("stages")) or []
        if stages and stages[0].get("name"):
            term["stage"] = stages[0]["name"]
    if kind == "consent_to_commercialise":
        term["terms"] = [new_term("access_fee", draft)]
    return term


def _add(list_path: str, picker: str) -> None:
    draft = state.draft()
    terms = state.resolve(draft, list_path)
    terms.append(new_term(st.session_state[picker], draft))


def _remove(list_path: str, index: int) -> None:
    state.resolve(state.draft(), list_path).pop(index)
    # Indices after the removed term shift, so its neighbours' widgets must re-read the draft.
    state.forget_widgets(list_path)


def terms_editor(form: Form, obj: dict[str, Any], path: str, *, inner: bool = False) -> None:
    """Every term in ``obj['terms']`` (``path`` is where that list is), then a picker to add another."""
    terms = obj.setdefault("terms", [])
    for index, term in enumerate(terms):
        _card(form, term, path, index, inner)
    kinds = COMMERCIAL_KINDS if inner else ALL_KINDS
    picker = f"add:{path}"
    pick, add = st.columns([3, 1], vertical_alignment="bottom")
    pick.selectbox("Mechanism to add" if not inner else "Mechanism to add to the clause", kinds, key=picker,
                   format_func=TERM_LABELS.get, help="The kind of value-sharing term to add: press Add, then fill in "
                   f"its figures on its card. {section_link(5, 'the mechanisms')}")
    add.button("Add", key=f"do:add:{path}", on_click=_add, args=(path, picker), icon=":material/add:",
               width="stretch")
    form.slot(path)


def _card(form: Form, term: dict[str, Any], list_path: str, index: int, inner: bool) -> None:
    path = f"{list_path}[{index}]"
    kind = term.get("kind")
    model = MODELS.get(kind)
    with st.container(border=True):
        title, remove = st.columns([3, 1], vertical_alignment="center")
        title.markdown(f"**{index + 1}. {TERM_LABELS.get(kind, 'Unknown mechanism')}**",
                       help=model.__doc__.strip().splitlines()[0] if model and model.__doc__ else None)
        remove.button("Remove", key=f"do:remove:{path}", on_click=_remove, args=(list_path, index),
                      icon=":material/delete:", width="content")
        form.slot(path)
        if model is None:
            return
        names = [s.name for s in specs(model).values() if s.kind not in ("fixed", "list")]
        if kind == "milestone":
            names.remove("stage")
            _stage_picker(form, term, path)
        form.fields(term, model, path, names, per_row=3)
        if kind == "royalty":
            form.table(term, "tiers", f"{path}.tiers", RoyaltyTier, label="Tiers",
                       help=specs(Royalty)["tiers"].help, item="Tier")
        if kind == "consent_to_commercialise":
            st.markdown("**Terms that apply if the work becomes commercial**",
                        help=specs(ConsentToCommercialise)["terms"].help)
            terms_editor(form, term, f"{path}.terms", inner=True)
        else:
            _sentence(term, inner)


def _stage_picker(form: Form, term: dict[str, Any], path: str) -> None:
    stages = (state.draft().get("route_to_market") or {}).get("stages") or []
    names = [s["name"] for s in stages if isinstance(s.get("name"), str) and s["name"].strip()]
    form.choose(term, "stage", f"{path}.stage", "Stage", names, specs(Milestone)["stage"].help)


def _sentence(term: dict[str, Any], inner: bool) -> None:
    """The term in words, once it is complete; a check of the term alone, not of the deal."""
    try:
        parsed = (_COMMERCIAL if inner else _TERM).validate_python(term)
    except ValidationError:
        return
    st.caption(md(term_sentence(parsed)))

"""The value-sharing terms: one card per mechanism, to change or remove, and a picker to add one of any kind.

A consent-to-commercialise clause is a card holding its own list of terms, edited the same way; so is each other
user of a data platform (``platform_users[k].terms``). Each list offers only the mechanisms its model allows
(``TermList``).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

import streamlit as st
from pydantic import TypeAdapter, ValidationError

from ui import state
from ui.fields import section_link, specs
from ui.form import Form
from ui.text import md
from valueshare.mechanisms import MECHANISMS
from valueshare.model import CommercialTerm, ConsentToCommercialise, Milestone, Royalty, RoyaltyTier, Term
from valueshare.model.terms import UserTerm
from valueshare.wording import term_sentence

MODELS = {kind: m.model for kind, m in MECHANISMS.items()}
ALL_KINDS = list(MECHANISMS)
COMMERCIAL_KINDS = [kind for kind, m in MECHANISMS.items() if m.in_clause]
_TERMS_ITEM = typing.get_args(typing.get_args(CommercialTerm)[0])  # the models a list of terms (a clause's) holds
#: The mechanisms another platform user may pay by: those of the model's ``UserTerm``, in the registry's order.
USER_KINDS = [kind for kind, m in MECHANISMS.items() if m.model in typing.get_args(typing.get_args(UserTerm)[0])]


@dataclass(frozen=True)
class TermList:
    """A list of terms as the model allows it: the mechanisms it may hold, how one of its terms is checked on its
    own (for its sentence), what its picker is called, and whether each card says its term in words (the sentences
    of ``valueshare.wording`` name the partner as the payer, so another platform user's terms have none)."""

    kinds: list[str]
    adapter: TypeAdapter[Any]
    picker: str
    in_words: bool = True


DEAL_TERMS = TermList(ALL_KINDS, TypeAdapter(Term), "Mechanism to add")
CLAUSE_TERMS = TermList(COMMERCIAL_KINDS, TypeAdapter(CommercialTerm), "Mechanism to add to the clause")
USER_TERMS = TermList(USER_KINDS, TypeAdapter(UserTerm), "Mechanism to add for this user", in_words=False)


def _label(kind: str) -> str:
    return MECHANISMS[kind].label


def new_term(kind: str, draft: dict[str, Any]) -> dict[str, Any]:
    """A new term of ``kind``: the model's defaults, with its required figures left for the user to enter."""
    term: dict[str, Any] = {"kind": kind}
    for spec in specs(MODELS[kind]).values():
        if spec.default is not None and spec.kind != "fixed":
            term[spec.name] = getattr(spec.default, "value", spec.default)
        if spec.kind == "list" and typing.get_args(spec.item) == _TERMS_ITEM:
            term[spec.name] = [new_term(COMMERCIAL_KINDS[0], draft)]  # a clause starts with one term of its own
    starter = MECHANISMS[kind].starter
    if starter is not None:
        term.update(starter(draft))
    return term


def _add(list_path: str, picker: str) -> None:
    draft = state.draft()
    terms = state.resolve(draft, list_path)
    terms.append(new_term(st.session_state[picker], draft))


def _remove(list_path: str, index: int) -> None:
    state.resolve(state.draft(), list_path).pop(index)
    # Indices after the removed term shift, so its neighbours' widgets must re-read the draft.
    state.forget_widgets(list_path)


def terms_editor(form: Form, obj: dict[str, Any], path: str, *, allowed: TermList = DEAL_TERMS) -> None:
    """Every term in ``obj['terms']`` (``path`` is where that list is), then a picker to add another of the kinds
    ``allowed``."""
    terms = obj.setdefault("terms", [])
    for index, term in enumerate(terms):
        _card(form, term, path, index, allowed)
    picker = f"add:{path}"
    pick, add = st.columns([3, 1], vertical_alignment="bottom")
    pick.selectbox(allowed.picker, allowed.kinds, key=picker,
                   format_func=_label, help="The kind of value-sharing term to add: press Add, then fill in "
                   f"its figures on its card. {section_link(5, 'the mechanisms')}")
    add.button("Add", key=f"do:add:{path}", on_click=_add, args=(path, picker), icon=":material/add:",
               width="stretch")
    form.slot(path)


def _card(form: Form, term: dict[str, Any], list_path: str, index: int, allowed: TermList) -> None:
    path = f"{list_path}[{index}]"
    kind = term.get("kind")
    model = MODELS.get(kind)
    with st.container(border=True):
        title, remove = st.columns([3, 1], vertical_alignment="center")
        title.markdown(f"**{index + 1}. {MECHANISMS[kind].label if model else 'Unknown mechanism'}**",
                       help=model.__doc__.strip().splitlines()[0] if model and model.__doc__ else None)
        remove.button("Remove", key=f"do:remove:{path}", on_click=_remove, args=(list_path, index),
                      icon=":material/delete:", width="content")
        form.slot(path)
        if model is None:
            return
        names = [s.name for s in specs(model).values() if s.kind not in ("fixed", "list")]
        # the widgets only some models need: a stage picked from the route, a table of tiers, a clause's own terms
        if model is Milestone:
            names.remove("stage")
            _stage_picker(form, term, path)
        form.fields(term, model, path, names, per_row=3)
        if model is Royalty:
            form.table(term, "tiers", f"{path}.tiers", RoyaltyTier, label="Tiers",
                       help=specs(Royalty)["tiers"].help, item="Tier")
        if model is ConsentToCommercialise:
            st.markdown("**Terms that apply if the work becomes commercial**",
                        help=specs(ConsentToCommercialise)["terms"].help)
            terms_editor(form, term, f"{path}.terms", allowed=CLAUSE_TERMS)
        elif allowed.in_words:
            _sentence(term, allowed)


def _stage_picker(form: Form, term: dict[str, Any], path: str) -> None:
    stages = (state.draft().get("route_to_market") or {}).get("stages") or []
    names = [s["name"] for s in stages if isinstance(s.get("name"), str) and s["name"].strip()]
    form.choose(term, "stage", f"{path}.stage", "Stage", names, specs(Milestone)["stage"].help)


def _sentence(term: dict[str, Any], allowed: TermList) -> None:
    """The term in words, once it is complete; a check of the term alone, not of the deal."""
    try:
        parsed = allowed.adapter.validate_python(term)
    except ValidationError:
        return
    st.caption(md(term_sentence(parsed)))

"""The partnership beyond one NHS body and one partner (issue 16): the NHS side's consortium and its split, shared
curation, third-party funding, other users of the same data platform and outcomes beyond QALYs.

Every label and help text is the model's (``ui.fields``); each widget writes into the draft as the rest of the form
does, and the model's problems are shown next to the field they name. Nothing here computes a figure.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import state
from ui.fields import specs
from ui.form import Form
from ui.terms import USER_TERMS, terms_editor
from valueshare.model import Contribution, Deal, NhsParty
from valueshare.model.benefits import Outcome, PatientBenefit
from valueshare.model.parties import CurationCosts, Member
from valueshare.model.partnership import Funding, PlatformUser


def consortium_editor(form: Form, nhs: dict[str, Any]) -> None:
    """The NHS side's members (one row each, its own costs in columns of their own) and, once there are members,
    how they split what the partner pays."""
    fields = specs(NhsParty)
    members = form.table(nhs, "members", "nhs.members", Member, label=fields["members"].label,
                         help=fields["members"].help, item="Member")
    if members:
        form.field(nhs, NhsParty, "split", "nhs.split")


def curation_editor(form: Form, contribution: dict[str, Any]) -> None:
    """Curation shared with other deals, switched on when there is any: its costs and how many users bear them."""
    spec = specs(Contribution)["curation"]
    curation = form.toggle(contribution, "curation", "contribution.curation", spec.label, spec.help,
                           make=lambda: _defaults(CurationCosts))
    if curation is None:
        return
    names = [name for name, s in specs(CurationCosts).items() if s.kind == "number"]
    form.fields(curation, CurationCosts, "contribution.curation", names, per_row=3)
    form.field(curation, CurationCosts, "description", "contribution.curation.description", long=True)


def funding_editor(form: Form, draft: dict[str, Any]) -> None:
    """Grants and co-investment, one row each."""
    spec = specs(Deal)["funding"]
    form.table(draft, "funding", "funding", Funding, label=spec.label, help=spec.help, item="Funding")


def outcomes_editor(form: Form, benefit: dict[str, Any]) -> None:
    """The outcomes counted in their own units beside QALYs, one row each."""
    spec = specs(PatientBenefit)["outcomes"]
    form.table(benefit, "outcomes", "patient_benefit.outcomes", Outcome, label=spec.label, help=spec.help,
               item="Outcome")


def platform_users_editor(form: Form, draft: dict[str, Any]) -> None:
    """One card per other user of the platform (its name, kind and own terms), and a button to add one."""
    users = draft.setdefault("platform_users", [])
    for index, user in enumerate(users):
        _user_card(form, user, index)
    st.button("Add a platform user", key="do:add:platform_users", on_click=_add_user, icon=":material/add:",
              help=specs(Deal)["platform_users"].help)
    form.slot("platform_users", item="User")


def _user_card(form: Form, user: dict[str, Any], index: int) -> None:
    path = f"platform_users[{index}]"
    with st.container(border=True):
        title, remove = st.columns([3, 1], vertical_alignment="center")
        # Not the user's name: markdown links a bare web address even when it is escaped (ui.text.md), and the
        # name is in its box just below.
        title.markdown(f"**Platform user {index + 1}**", help=(PlatformUser.__doc__ or "").strip())
        remove.button("Remove", key=f"do:remove:{path}", on_click=_remove_user, args=(index,),
                      icon=":material/delete:", width="content")
        form.slot(path)
        form.fields(user, PlatformUser, path, ["name", "kind"], per_row=2)
        st.markdown(f"**{specs(PlatformUser)['terms'].label}**", help=specs(PlatformUser)["terms"].help)
        terms_editor(form, user, f"{path}.terms", allowed=USER_TERMS)


def new_platform_user() -> dict[str, Any]:
    """A new platform user: its name left for the user to type, the model's default kind, no terms yet."""
    return {"name": "", **_defaults(PlatformUser), "terms": []}


def _users() -> list[dict[str, Any]]:
    draft = state.draft()
    assert draft is not None  # a button on a card is drawn only while a deal is open
    return draft.setdefault("platform_users", [])


def _add_user() -> None:
    _users().append(new_platform_user())


def _remove_user(index: int) -> None:
    _users().pop(index)
    # The users after it move up one place, so their widgets must re-read the draft.
    state.forget_widgets("platform_users")


def _defaults(model: Any) -> dict[str, Any]:
    """The model's defaults for its plain fields, as the draft stores them (a choice by its value)."""
    return {s.name: getattr(s.default, "value", s.default) for s in specs(model).values()
            if s.default is not None and s.kind not in ("fixed", "list", "model")}

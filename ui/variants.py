"""The editor of the deal's variants, on the Compare page: add one, change its name, description, sharing and
changes (one field path and value each), delete one, or keep edits made to the deal itself as a variant.

Every change is made by ``valueshare.variants`` on the current valid deal, and only a change the model accepts
reaches the draft (``draft["variants"]``), so the variant is saved, compared and downloaded with the deal like any
other part of it. A change the model refuses leaves the deal as it was: its problems are shown under the part of
the editor that made it, each naming the field and the rule, and what was typed stays in the widgets (and is set
back on them when the page is next drawn). Values are typed as YAML (``0.15``, ``true``, ``[1, 2]``, text).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui import state
from ui.results import problem_text
from ui.text import md
from ui.view import VIEW, opened
from valueshare import inputs
from valueshare.errors import DealInvalid, Problem
from valueshare.model import Deal
from valueshare.scenario import deal_from_data, deal_to_data
from valueshare.variants import (
    add_variant,
    change_variant,
    editable_paths,
    overrides_between,
    parse_overrides,
    parse_value,
    remove_variant,
    value_text,
    variant_from_edit,
)

KEY = "variants:"                   # every widget of the editor starts with it
EDITOR = "variants:editor"        # the view choice (and key) of the editor's box: open or closed
REFUSED = "variants:refused"        # (deal source, {part: problems}) of the last refused change of each part
TYPED = "variants:typed"            # (deal source, {widget key: value}) typed into a part whose change was refused
BASE = "variants:base"              # (deal source, deal data): the deal as it was before the edits to keep
NEW = "new"                         # the part that adds a variant ("edit": the one that keeps edits as a variant)
EDIT = "edit"
#: The Compare page's choice of variants to line up (ui/compare.py): a new variant joins it, a renamed one stays.
CHOSEN = "compare:variants"
SHARED_HELP = ("A shared variant goes to the partner in the partner's deal file; it may not change the NHS's "
               "internal figures (negotiating position, fair share, the contribution's value) or its costs.")
NAME_HELP = "What the variant is called in the comparison, e.g. 'Downside'; each variant's name is its own."
DESCRIPTION_HELP = "What the variant assumes, in a sentence: it is shown with the comparison and kept in the deal file."
VALUE_HELP = "Typed as in the deal file: 0.15 for 15%, 60000 for £60,000, true or false, text, or a list like [1, 2]."


def variants_editor(valid: state.Valid) -> None:
    """Draw the editor of the deal's variants (in an expander), under the choice of what to compare."""
    _forget_another_deals()
    refused = _own(REFUSED)
    deal = valid.deal
    # drawn only while open (its forty-odd widgets are not needed to compare); open at first when there are no
    # variants yet, and by itself when a change was refused, so that the refusal is shown at the change
    box = opened("Make and change variants", EDITOR, icon=":material/edit:", default=not deal.variants,
                 problems=[f"{part}: {problem.line()}" for part, problems in refused.items() for problem in problems])
    if not box.open:
        return
    with box:
        if not state.check().current:
            st.info("Fix the deal's problems shown above to make or change its variants here.")
            return
        paths = editable_paths(deal)
        labels = {p: inputs.label_in(p, [deal]) for p in paths}
        for variant in deal.variants:
            _variant_card(deal, variant.name, paths, labels)
        _new_variant(paths, labels)
        _keep_edits(deal)


# -- the parts of the editor ---------------------------------------------------------------------------------------

def _variant_card(deal: Deal, name: str, paths: list[str], labels: dict[str, str]) -> None:
    variant = next(v for v in deal.variants if v.name == name)
    part = f"v:{name}"
    with st.container(border=True):
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.text_input("Name", key=_widget(part, "name", variant.name), on_change=_change_text, args=(name, "name"),
                        max_chars=100, help=NAME_HELP)
        right.checkbox("Shared with the partner", key=_widget(part, "shared", variant.shared), help=SHARED_HELP,
                       on_change=_change_shared, args=(name,))
        st.text_area("Description", key=_widget(part, "description", variant.description), height=68,
                     on_change=_change_text, args=(name, "description"), max_chars=1000, help=DESCRIPTION_HELP)
        st.markdown("**Changes to the base deal**", help=VALUE_HELP)
        for path, value in variant.overrides.items():
            what, typed, drop = st.columns([4, 3, 1], vertical_alignment="bottom")
            what.text(f"{labels.get(path, path)}\n{path}")
            typed.text_input(f"Value of {md(path)}", key=_widget(part, f"value:{path}", value_text(value)),
                             label_visibility="collapsed", on_change=_set_value, args=(name, path), help=VALUE_HELP)
            drop.button("Remove", key=f"{KEY}{part}:drop:{path}", on_click=_drop_change, args=(name, path),
                        icon=":material/remove:", help="Stop changing this input in the variant.")
        pick, typed, add = st.columns([4, 3, 1], vertical_alignment="bottom")
        _path_picker(pick, part, paths, labels, "Another input to change")
        typed.text_input("Its value", key=_widget(part, "new-value", ""), help=VALUE_HELP)
        add.button("Add", key=f"{KEY}{part}:add", on_click=_add_change, args=(name,), icon=":material/add:")
        _problems(part)
        st.button("Delete the variant", key=f"{KEY}{part}:delete", on_click=_delete, args=(name,),
                  icon=":material/delete:")


def _new_variant(paths: list[str], labels: dict[str, str]) -> None:
    with st.container(border=True):
        st.markdown("**Add a variant**", help="A named set of changes to the deal (an upside, a downside, a "
                                               "counter-offer), compared with it above.")
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.text_input("Name of the new variant", key=_widget(NEW, "name", ""), max_chars=100,
                        placeholder="e.g. Downside", help=NAME_HELP)
        right.checkbox("Shared with the partner", key=_widget(NEW, "shared", False), help=SHARED_HELP)
        st.text_area("What it assumes", key=_widget(NEW, "description", ""), height=68, max_chars=1000,
                     help=DESCRIPTION_HELP)
        pick, typed = st.columns([4, 3], vertical_alignment="bottom")
        _path_picker(pick, NEW, paths, labels, "Input it changes")
        typed.text_input("Its value", key=_widget(NEW, "new-value", ""), help=VALUE_HELP)
        st.button("Add the variant", key=f"{KEY}{NEW}:add", on_click=_add_variant, icon=":material/add:")
        _problems(NEW)


def _keep_edits(deal: Deal) -> None:
    """Keep edits made to the deal itself as a variant: mark the deal as the base, edit it, then keep the edits."""
    with st.container(border=True):
        st.markdown("**Keep edits to the deal as a variant**",
                    help="Mark the deal as it is now, edit it on any page, then come back here: the edits become a "
                         "variant and the deal goes back to what it was when marked.")
        base = _base()
        if base is None:
            st.caption("Mark the deal as it is now, then edit it on the Deal page (or any other) and come back to "
                       "keep what you changed as a variant.")
            st.button("Mark the deal as it is now", key=f"{KEY}{EDIT}:mark", on_click=_mark, icon=":material/flag:")
            return
        changes = overrides_between(base, deal)
        if changes:
            st.text("\n".join(f"{inputs.label_in(p, [deal, base])} ({p}): {value_text(v)}"
                              for p, v in changes.items()))
        else:
            st.caption("The deal is as it was when marked: edit it on any page, then come back here.")
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.text_input("Name of the variant", key=_widget(EDIT, "name", ""), max_chars=100, help=NAME_HELP)
        right.checkbox("Shared with the partner", key=_widget(EDIT, "shared", False), help=SHARED_HELP)
        st.text_area("What it assumes", key=_widget(EDIT, "description", ""), height=68, max_chars=1000,
                     help=DESCRIPTION_HELP)
        save, forget = st.columns(2)
        save.button("Save the edits as a variant", key=f"{KEY}{EDIT}:save", on_click=_save_edits,
                    icon=":material/save:", disabled=not changes)
        forget.button("Forget the mark", key=f"{KEY}{EDIT}:forget", on_click=_unmark, icon=":material/close:",
                      help="Keep the deal as it is now, edits and all, without making a variant.")
        _problems(EDIT)


def _path_picker(where: Any, part: str, paths: list[str], labels: dict[str, str], label: str) -> None:
    key = f"{KEY}{part}:new-path"
    if key not in st.session_state and _own(TYPED).get(key) is not None:
        st.session_state[key] = _own(TYPED)[key]
    if key in st.session_state and st.session_state[key] not in (None, *paths):
        paths = [*paths, st.session_state[key]]  # a path typed in: kept as an option
    where.selectbox(label, paths, index=None, key=key, accept_new_options=True, placeholder="Choose or type a path",
                    format_func=lambda p: f"{labels[p]} ({p})" if p in labels else p,
                    help="The field path of the input, as the deal file and error messages name it, e.g. "
                         "route_to_market.sales.peak_uptake.")


def _problems(part: str) -> None:
    found = _own(REFUSED).get(part)
    if found:
        st.error("  \n".join(problem_text(p) for p in found), icon=":material/error:")


# -- callbacks: each makes one change with valueshare.variants, or keeps the problems and what was typed ------------

def _change_text(name: str, field: str) -> None:
    text = st.session_state[f"{KEY}v:{name}:{field}"]
    _commit(f"v:{name}", lambda deal: change_variant(deal, name, **{"rename" if field == "name" else field: text}),
            renamed=(name, text) if field == "name" else None)


def _change_shared(name: str) -> None:
    shared = bool(st.session_state[f"{KEY}v:{name}:shared"])
    _commit(f"v:{name}", lambda deal: change_variant(deal, name, shared=shared))


def _set_value(name: str, path: str) -> None:
    text = st.session_state[f"{KEY}v:{name}:value:{path}"]
    where = f"variants[{_index(name)}].overrides"
    _commit(f"v:{name}", lambda deal: change_variant(
        deal, name, set_overrides={path: parse_value(text, path, where=where)}))


def _drop_change(name: str, path: str) -> None:
    _commit(f"v:{name}", lambda deal: change_variant(deal, name, remove_overrides=[path]))


def _add_change(name: str) -> None:
    part = f"v:{name}"
    path, text = st.session_state.get(f"{KEY}{part}:new-path"), st.session_state.get(f"{KEY}{part}:new-value", "")
    where = f"variants[{_index(name)}].overrides"

    def change(deal: Deal) -> Deal:
        if not path:
            raise DealInvalid([Problem(where, "choose or type the input to change", "override_path_required")])
        return change_variant(deal, name, set_overrides=parse_overrides({path: text}, where=where))
    _commit(part, change)


def _add_variant() -> None:
    value = {field: st.session_state.get(f"{KEY}{NEW}:{field}") for field in ("name", "description", "shared",
                                                                              "new-path", "new-value")}

    def change(deal: Deal) -> Deal:
        where = f"variants[{len(deal.variants)}].overrides"
        if not value["new-path"]:
            raise DealInvalid([Problem(where, "choose or type an input the variant changes",
                                       "override_path_required")])
        overrides = parse_overrides({value["new-path"]: value["new-value"] or ""}, where=where)
        return add_variant(deal, value["name"] or "", overrides=overrides, description=value["description"] or "",
                           shared=bool(value["shared"]))
    _commit(NEW, change, added=value["name"] or "")


def _delete(name: str) -> None:
    _commit(f"v:{name}", lambda deal: remove_variant(deal, name), removed=name)


def _mark() -> None:
    data = state.draft()
    if data is not None:
        st.session_state[BASE] = (st.session_state.get(state.SOURCE), deal_to_data(deal_from_data(data)))


def _unmark() -> None:
    st.session_state.pop(BASE, None)
    _forget_part(EDIT)


def _save_edits() -> None:
    """The deal as it was when marked, with its variants as they are now and one more holding the edits since."""
    base = _base()
    current = _current()
    if base is None or current is None:
        return
    value = {field: st.session_state.get(f"{KEY}{EDIT}:{field}") for field in ("name", "description", "shared")}
    try:
        marked = deal_from_data({**deal_to_data(base), "variants": deal_to_data(current).get("variants", [])})
        new = variant_from_edit(marked, current, value["name"] or "", description=value["description"] or "",
                                shared=bool(value["shared"]))
    except DealInvalid as error:
        _refuse(EDIT, error.problems)
        return
    st.session_state.pop(BASE, None)
    _forget_part(EDIT)
    state.load(deal_to_data(new), st.session_state.get(state.SOURCE) or new.name)
    _choose([v.name for v in current.variants], added=new.variants[-1].name)


# -- state ---------------------------------------------------------------------------------------------------------

def _current() -> Deal | None:
    try:
        return deal_from_data(state.draft())
    except DealInvalid:
        return None


def _commit(part: str, change: Callable[[Deal], Deal], *, added: str | None = None, removed: str | None = None,
            renamed: tuple[str, str] | None = None) -> None:
    """Make ``change`` on the current deal and put its variants into the draft; or keep its problems to show."""
    deal = _current()
    if deal is None:
        _refuse(part, [Problem("", "the deal has problems to fix first")])
        return
    try:
        new = change(deal)
    except DealInvalid as error:
        _refuse(part, error.problems)
        return
    draft = state.draft()
    assert draft is not None  # _current read it
    draft["variants"] = deal_to_data(new).get("variants", [])
    _forget_part(part)
    if renamed is not None:
        _forget_part(f"v:{renamed[1]}")
    _choose([v.name for v in deal.variants], added=added, removed=removed, renamed=renamed)


def _refuse(part: str, problems: list[Problem]) -> None:
    _own(REFUSED, write=True)[part] = problems
    typed = _own(TYPED, write=True)
    prefix = f"{KEY}{part}:"
    typed.update({k: v for k, v in st.session_state.items() if isinstance(k, str) and k.startswith(prefix)})


def _forget_part(part: str) -> None:
    """The part's widgets re-read the deal; its problems and what was typed into it are dropped."""
    prefix = f"{KEY}{part}:"
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
    _own(REFUSED, write=True).pop(part, None)
    typed = _own(TYPED, write=True)
    for key in [k for k in typed if k.startswith(prefix)]:
        del typed[key]


def _widget(part: str, field: str, default: Any) -> str:
    """The key of one of the part's widgets: set, when absent, to what was typed and refused, else ``default``."""
    key = f"{KEY}{part}:{field}"
    if key not in st.session_state:
        st.session_state[key] = _own(TYPED).get(key, default)
    return key


def _own(name: str, *, write: bool = False) -> dict[str, Any]:
    """The editor's record ``name`` for the deal open now (a fresh one when another deal was opened)."""
    source = st.session_state.get(state.SOURCE)
    held = st.session_state.get(name)
    if held is None or held[0] != source:
        held = (source, {})
        if write:
            st.session_state[name] = held
    return held[1]


def _forget_another_deals() -> None:
    source = st.session_state.get(state.SOURCE)
    for name in (REFUSED, TYPED, BASE):
        held = st.session_state.get(name)
        if held is not None and held[0] != source:
            del st.session_state[name]


def _base() -> Deal | None:
    held = st.session_state.get(BASE)
    if held is None or held[0] != st.session_state.get(state.SOURCE):
        return None
    try:
        return deal_from_data(held[1])
    except DealInvalid:
        return None


def _index(name: str) -> int:
    deal = _current()
    names = [v.name for v in deal.variants] if deal is not None else []
    return names.index(name) if name in names else len(names)


def _choose(shown: list[str], *, added: str | None = None, removed: str | None = None,
            renamed: tuple[str, str] | None = None) -> None:
    """Keep the Compare page's choice of variants in step: a new variant is shown, a renamed one stays shown
    (``shown``: the variants shown when the page has not been given a choice yet, all of them)."""
    view = st.session_state.setdefault(VIEW, {})
    chosen = list(st.session_state.get(CHOSEN, view.get(CHOSEN, shown)))
    if added:
        chosen.append(added)
    if removed:
        chosen = [n for n in chosen if n != removed]
    if renamed:
        chosen = [renamed[1] if n == renamed[0] else n for n in chosen]
    st.session_state[CHOSEN] = view[CHOSEN] = list(dict.fromkeys(chosen))

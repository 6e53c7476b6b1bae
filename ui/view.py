"""How the deal is looked at, kept across pages: the choices of every page that are not part of the deal (a tab, an
expander open or closed, a trial count, a seed, the term to solve for, the inputs of a two-way table).

A widget's own session-state key is dropped when its page is left; the choice made in it is kept under ``VIEW`` in
session state, which outlives the widgets the way the draft does, and set back on the widget when its page is next
drawn. Use ``remember`` for a widget's key and ``keep`` on what it returns::

    trials = keep("risk:trials", st.number_input("Trials", key=remember("risk:trials", 10_000)))
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import streamlit as st

if TYPE_CHECKING:
    from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

VIEW = "view"


def remember(key: str, default: Any, allowed: Any = None) -> str:
    """The key of a widget for a view choice, set to the choice made last time, or to ``default`` when there is
    none or it is no longer allowed (``allowed``: the options, or a test of a value)."""
    def fits(value: Any) -> bool:
        if allowed is None:
            return True
        return allowed(value) if callable(allowed) else value in allowed

    view = st.session_state.setdefault(VIEW, {})
    if key in st.session_state and not fits(st.session_state[key]):
        del st.session_state[key]  # e.g. a variant of the deal that was open before
    if key not in st.session_state:
        value = view.get(key, default)
        st.session_state[key] = value if fits(value) else default
    return key


def keep(key: str, value: Any) -> Any:
    """Keep ``value`` as the view choice ``key`` and return it."""
    st.session_state.setdefault(VIEW, {})[key] = value
    return value


def forget(*keys: str) -> None:
    """Drop these view choices and their widgets' values: the widgets start again from their defaults."""
    for key in keys:
        st.session_state.pop(key, None)
        st.session_state.setdefault(VIEW, {}).pop(key, None)


def opened(label: str, key: str, *, problems: Collection[str] = (), icon: str | None = None,
           default: bool = False) -> ExpanderContainer:
    """An expander that reruns the page when it is opened or closed, so that its content is drawn only while it is
    open (``if box.open: with box: ...``): a closed one sends the browser its label and nothing else. Whether it is
    open is a view choice, kept across pages; it opens by itself when ``problems`` (the paths of the problems in
    what it holds) are new, so that they are shown at their fields, and stays as the user left it otherwise (a
    problem in a closed one is listed in the box at the top of the page). ``default``: open the first time it is
    drawn."""
    # Set each run, so that the state is carried over when the label changes (Streamlit then makes a new widget).
    st.session_state[key] = bool(st.session_state[remember(key, default)])
    seen = tuple(sorted(problems))
    if seen and seen != st.session_state[VIEW].get(f"{key}:problems"):
        st.session_state[key] = True
    keep(f"{key}:problems", seen)
    box = st.expander(label, key=key, icon=icon, on_change="rerun")
    keep(key, box.open)
    return box

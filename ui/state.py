"""The session's deal: a plain-dict *draft* that the widgets edit, and the last valid deal with its valuation.

The draft is the source of truth. It survives page switches (widgets do not: Streamlit forgets the state of a
widget that a run does not draw), so every widget is initialised from the draft when its key is absent and writes
its value back into the draft on every run. The draft is validated on every run; while it is invalid, the last
valid deal and its valuation stay on screen.

Session keys: widgets bound to a field are ``w:<path>`` and table editors ``t:<path>``, where ``<path>`` is the
field's path as a ``Problem`` names it (``terms[2].tiers``), so a problem can be shown next to its widget.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from valueshare.engine.valuation import Valuation, value_deal
from valueshare.errors import DealInvalid, Problem, ValueshareError
from valueshare.model import Deal
from valueshare.scenario import deal_from_data, deal_to_data, example_paths, load_deal

DRAFT = "draft"
SOURCE = "draft_source"
LAST_VALID = "last_valid"
CHECKED = "checked"  # the draft's content when last checked, its problems and its valid deal (or None)
PENDING = "pending_load"
BASES = "table_bases"
STASH = "stash"
TERM_SHEET = "term_sheet"
TERM_SHEET_DOCX = "term_sheet_docx"
#: Prefixes of the view choices that belong to one deal.
DEAL_CHOICES = ("negotiation:", "framework:")
BRIEF = "brief"
EXCEL = "excel"
EXAMPLE = "start:example"
WIDGET = "w:"
TABLE = "t:"
#: The paths of the fields (and tables) the user has changed since the deal was loaded.
TOUCHED = "touched"
#: Set once the user has asked for what needs a whole deal (a document, a save): every problem is then an error.
REVEALED = "revealed"
#: The rules a field breaks only because nothing has been entered in it yet.
TO_FILL_IN = frozenset({"missing", "not_blank"})
#: The example a new session opens on: a commercial deal (an SME's AI device on a trust's images), the most common
#: pattern, whose every page has something to show; the others are a pick away.
OPENING_EXAMPLE = "ai-imaging-device.yaml"


@dataclass(frozen=True)
class Valid:
    """A deal that passed every rule, with its valuation and the JSON that keys its cache entry."""

    deal: Deal
    json: str
    valuation: Valuation


@dataclass(frozen=True)
class Check:
    """The draft's problems (empty when it is valid) and the valuation to show: the current one, or the last valid."""

    problems: list[Problem]
    shown: Valid | None

    @property
    def current(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Example:
    path: str
    name: str
    data: dict[str, Any] | None
    problems: list[Problem]


@st.cache_data(show_spinner=False)
def _read_example(path: str, modified: float) -> Example:
    try:
        deal = load_deal(path)
    except DealInvalid as error:
        return Example(path, f"{Path(path).name} (cannot be read)", None, error.problems)
    return Example(path, deal.name, deal_to_data(deal), [])


def examples() -> list[Example]:
    """The shipped examples, each read once (and again if its file changes)."""
    return [_read_example(str(p), p.stat().st_mtime) for p in example_paths()]


@st.cache_data(max_entries=64, show_spinner=False)
def _valuation(deal_json: str, _deal: Deal) -> Valuation:
    # Keyed by the deal's JSON only: equal content, equal valuation.
    return value_deal(_deal)


def begin(reopen: Callable[[], bool] | None = None) -> None:
    """Run first on every run: apply a requested load; on a new session, ``reopen`` (a deal the address names, if
    it can), else the opening example (or the first that can be read)."""
    if PENDING in st.session_state:
        data, source = st.session_state.pop(PENDING)
        load(data, source)
    if DRAFT not in st.session_state and reopen is not None and reopen():
        return
    if DRAFT not in st.session_state:
        for example in sorted(examples(), key=lambda e: Path(e.path).name != OPENING_EXAMPLE):
            if example.data is not None:
                load(example.data, example.name)
                st.session_state[EXAMPLE] = example.path
                break
        else:
            st.session_state[DRAFT] = None


def load(data: dict[str, Any], source: str) -> None:
    """Replace the draft, and forget every widget and table so that they show the new deal."""
    forget_widgets("")
    st.session_state[BASES] = {}
    st.session_state[STASH] = {}
    st.session_state.pop(LAST_VALID, None)  # the figures on screen while the new draft is invalid are its own or none
    st.session_state.pop(TERM_SHEET, None)
    st.session_state.pop(TERM_SHEET_DOCX, None)
    st.session_state.pop(BRIEF, None)
    st.session_state.pop(EXCEL, None)
    # Choices that name this deal's terms or figures (a term to solve, a target) start again for another deal.
    view = st.session_state.get("view", {})
    for key in [k for k in view if k.startswith(DEAL_CHOICES)]:
        del view[key]
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(DEAL_CHOICES)]:
        del st.session_state[key]
    st.session_state[DRAFT] = copy.deepcopy(data)
    st.session_state[SOURCE] = source
    st.session_state[TOUCHED] = set()
    st.session_state.pop(REVEALED, None)


def touch(path: str) -> None:
    """Remember that the user changed the field (or table) at ``path``: its problems are now errors."""
    st.session_state.setdefault(TOUCHED, set()).add(path)


def reveal() -> None:
    """The user asked for something that needs the whole deal: from now on every problem is shown as an error."""
    st.session_state[REVEALED] = True


def to_fill_in(problem: Problem) -> bool:
    """Whether ``problem`` is only a field still to fill in (required, or a blank name) that the user has not
    touched, before anything has asked for the whole deal: an item of the checklist, not an error."""
    if problem.rule not in TO_FILL_IN or st.session_state.get(REVEALED):
        return False
    touched = st.session_state.get(TOUCHED, set())
    return not any(_under(problem.path, path) or _under(path, problem.path) for path in touched)


def request_load(data: dict[str, Any], source: str) -> None:
    """Load ``data`` at the start of the next run (for pages that open a deal and then switch page)."""
    st.session_state[PENDING] = (copy.deepcopy(data), source)


def draft() -> dict[str, Any] | None:
    return st.session_state.get(DRAFT)


def _under(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith((prefix + ".", prefix + "["))


def forget_widgets(prefix: str) -> None:
    """Drop the state of every widget and table at or under ``prefix`` ("" for all); they re-read the draft."""
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith((WIDGET, TABLE)):
            path = key[2:].removesuffix("?")
            if _under(path, prefix):
                del st.session_state[key]
    for path in list(st.session_state.get(BASES, {})):
        if _under(path, prefix):
            del st.session_state[BASES][path]


def _content(data: Any) -> str:
    """The draft's content as text, to tell whether it has changed since it was last checked."""
    return json.dumps(data, sort_keys=True, default=repr)


def check() -> Check:
    """Validate the draft; if it is valid, value it and keep it as the last valid deal. A draft that has not changed
    since it was last checked is not read again (a page's run checks it more than once, and every page checks it):
    the last answer is kept with the draft's content (``CHECKED``)."""
    data = draft()
    content = _content(data)
    last = st.session_state.get(CHECKED)
    if last is not None and last[0] == content:
        problems, valid = last[1], last[2]
        if valid is not None:
            st.session_state[LAST_VALID] = valid
        return Check(list(problems), st.session_state.get(LAST_VALID))
    valid = None
    try:
        deal = deal_from_data(data)
        deal_json = deal.model_dump_json()
        valuation = _valuation(deal_json, deal)
    except DealInvalid as error:
        problems = error.problems
    except ValueshareError as error:
        problems = [Problem("", str(error))]
    else:
        valid = st.session_state[LAST_VALID] = Valid(deal, deal_json, valuation)
        problems = []
    st.session_state[CHECKED] = (content, list(problems), valid)
    return Check(problems, st.session_state.get(LAST_VALID))


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def resolve(data: Any, path: str) -> Any:
    """The value at ``path`` (``terms[2].terms``) inside the draft."""
    for name, index in _STEP.findall(path):
        data = data[int(index)] if index else data[name]
    return data

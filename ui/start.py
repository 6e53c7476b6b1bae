"""Where a session's deal comes from: one of the examples, a YAML file the user uploads, or a new, empty deal."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.text import md
from valueshare.errors import DealInvalid, Problem
from valueshare.scenario import deal_to_data, new_deal_data, read_deal_content

UPLOAD_PROBLEMS = "upload_problems"
#: The one line saying a file just opened was written in an older format and how it was read (shown once).
MIGRATED = "start:migrated"
#: Where a new deal comes from, as the sidebar says it.
NEW_DEAL = "a new deal"

_UPLOADER_VERSION = "start:uploader_version"


def _uploader_key() -> str:
    return f"start:upload:{st.session_state.get(_UPLOADER_VERSION, 0)}"


def _on_example() -> None:
    path = st.session_state.get(state.EXAMPLE)
    example = next((e for e in state.examples() if e.path == path), None)
    if example is None:
        return
    if example.data is None:
        st.session_state[UPLOAD_PROBLEMS] = (example.name, example.problems)
        return
    st.session_state.pop(UPLOAD_PROBLEMS, None)
    state.load(example.data, example.name)


def _on_new() -> None:
    st.session_state.pop(UPLOAD_PROBLEMS, None)
    st.session_state[state.EXAMPLE] = None
    state.load(new_deal_data(), NEW_DEAL)


def receive_file(name: str, content: bytes) -> list[Problem]:
    """Load an uploaded deal, or keep the current one and remember why the file was refused."""
    try:
        loaded = read_deal_content(content, name)
    except DealInvalid as error:
        st.session_state[UPLOAD_PROBLEMS] = (name, error.problems)
        return error.problems
    deal = loaded.deal
    st.session_state.pop(UPLOAD_PROBLEMS, None)
    if loaded.note:
        st.session_state[MIGRATED] = loaded.note
    state.load(deal_to_data(deal), f"{deal.name} (from {name})")
    st.session_state[state.EXAMPLE] = None
    return []


def _on_upload(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        st.session_state.pop(UPLOAD_PROBLEMS, None)
        return
    if not receive_file(uploaded.name, uploaded.getvalue()):
        # A fresh, empty uploader: the file is now the draft, and the same file can be uploaded again later.
        st.session_state[_UPLOADER_VERSION] = st.session_state.get(_UPLOADER_VERSION, 0) + 1


def sidebar() -> None:
    """The example picker and the uploader, with any reason the last file could not be opened."""
    examples = {e.path: e.name for e in state.examples()}
    st.selectbox("Start from an example", list(examples), key=state.EXAMPLE, index=None,
                 format_func=examples.get, on_change=_on_example, placeholder="Choose an example",
                 help="Replaces the deal you are editing with one of the example deals.")
    key = _uploader_key()
    st.file_uploader("Or open a deal file", type=["yaml", "yml", "json"], key=key, on_change=_on_upload, args=(key,),
                     help="A valueshare scenario file (YAML, or JSON), such as one downloaded from this app.")
    st.button("Start a new deal", key="start:new", on_click=_on_new, icon=":material/note_add:", width="stretch",
              help="Replaces the deal you are editing with an empty one: name it, its parties and the use of the "
                   "data, then add what the NHS contributes, the route to market and the terms. Download or save "
                   "the deal you are editing first if you want to keep it.")
    migrated = st.session_state.pop(MIGRATED, None)
    if migrated:  # said once: the next run has forgotten it
        st.info(f"{md(migrated)}. Download or save the deal to keep it in the current format.",
                icon=":material/update:")
    refused = st.session_state.get(UPLOAD_PROBLEMS)
    if refused:
        name, problems = refused
        lines = "\n".join(f"- {md(p.line())}" for p in problems)
        st.error(f"**{md(name)} could not be opened**; the deal you were editing is unchanged.\n\n{lines}",
                 icon=":material/error:")


def editing() -> None:
    """Which deal is being edited, under the pickers. Drawn after the page, so that it names the deal as the page's
    widgets have just left it."""
    source = st.session_state.get(state.SOURCE)
    current = (state.draft() or {}).get("name") or (NEW_DEAL if source == NEW_DEAL else "a deal without a name")
    if source:
        # The deal's own name as it is now; where it came from only while that says something more.
        opened = "" if source in (current, NEW_DEAL) else f"  \nOpened from: {md(source)}"
        st.caption(f"Editing: {md(current)}{opened}")

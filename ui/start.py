"""Where a session's deal comes from: one of the examples, or a YAML file the user uploads."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.text import md
from valueshare.errors import DealInvalid, Problem
from valueshare.scenario import deal_from_yaml, deal_to_data

UPLOAD_PROBLEMS = "upload_problems"
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


def receive_file(name: str, content: bytes) -> list[Problem]:
    """Load an uploaded deal, or keep the current one and remember why the file was refused."""
    try:
        deal = deal_from_yaml(content, source=name)
    except DealInvalid as error:
        st.session_state[UPLOAD_PROBLEMS] = (name, error.problems)
        return error.problems
    st.session_state.pop(UPLOAD_PROBLEMS, None)
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
    st.file_uploader("Or open a deal file", type=["yaml", "yml"], key=key, on_change=_on_upload, args=(key,),
                     help="A valueshare scenario file (YAML), such as one downloaded from this app.")
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
    current = (state.draft() or {}).get("name") or "a deal without a name"
    if source:
        # The deal's own name as it is now; where it came from only while that says something more.
        opened = "" if source == current else f"  \nOpened from: {md(source)}"
        st.caption(f"Editing: {md(current)}{opened}")

"""Downloads of the last valid deal: its scenario file, and its term sheet (built only when asked for)."""

from __future__ import annotations

import logging
import re

import streamlit as st

from ui import state
from ui.text import md
from valueshare.errors import ValueshareError
from valueshare.scenario import deal_to_yaml

_LOG = logging.getLogger(__name__)
_FAILURE = "term_sheet_failure"


def file_stem(name: str) -> str:
    """A safe file name from a deal's name: 'Retinal AI - eye/SME' -> 'retinal-ai-eye-sme'."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return stem[:60] or "deal"


def term_sheet_bytes(valid: state.Valid) -> bytes:
    """The term sheet PDF of a valid deal."""
    from valueshare.reports.termsheet import term_sheet_pdf  # imported here: only needed when asked for

    return term_sheet_pdf(valid.deal, valid.valuation)


def sidebar(check: state.Check) -> None:
    valid = check.shown
    st.markdown("**Download**")
    if valid is None:
        st.caption("Nothing to download until the deal is valid.")
        return
    if not check.current:
        st.caption("These are of the last valid version of the deal.")
    stem = file_stem(valid.deal.name)
    st.download_button("Deal file (YAML)", deal_to_yaml(valid.deal), file_name=f"{stem}.yaml",
                       mime="application/x-yaml", icon=":material/download:", width="stretch",
                       help="The deal as a scenario file that this app (and the valueshare CLI) can open again.")
    ready = st.session_state.get(state.TERM_SHEET)
    if ready is not None and ready[0] == valid.json:
        st.download_button("Term sheet (PDF)", ready[1], file_name=f"{stem}-term-sheet.pdf", mime="application/pdf",
                           icon=":material/download:", width="stretch", type="primary")
    else:
        st.button("Prepare term sheet", icon=":material/description:", width="stretch", on_click=_prepare,
                  args=(valid,), help="Builds the term sheet PDF of this version of the deal, then offers it to "
                                      "download.")
    failure = st.session_state.pop(_FAILURE, None)
    if failure:
        st.error(failure, icon=":material/error:")


def _prepare(valid: state.Valid) -> None:
    """Build the term sheet before the run that shows it, so that run offers the download straight away."""
    try:
        content = term_sheet_bytes(valid)
    except ImportError:
        _LOG.exception("term sheet builder missing")
        st.session_state[_FAILURE] = "The term sheet is not available in this version of valueshare."
    except ValueshareError as error:
        st.session_state[_FAILURE] = f"The term sheet could not be made: {md(error)}"
    except Exception:  # noqa: BLE001 - a page shows an error, never a traceback
        _LOG.exception("term sheet failed")
        st.session_state[_FAILURE] = "The term sheet could not be made because of an unexpected error; it is logged."
    else:
        st.session_state[state.TERM_SHEET] = (valid.json, content)

"""Downloads of the last valid deal: its scenario file, and its documents (built only when asked for).

Three documents: the term sheet, for both parties; the negotiation brief, internal to the side that made it; and the
Excel model. A
document is built in the button's callback, before the run that then offers it, and kept with the deal's JSON so
that an edited deal never offers the document of an earlier version.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ui import state
from ui.text import md
from valueshare.errors import ValueshareError
from valueshare.scenario import deal_to_yaml

_LOG = logging.getLogger(__name__)
_FAILURE = "document_failure"


def file_stem(name: str) -> str:
    """A safe file name from a deal's name: 'Retinal AI - eye/SME' -> 'retinal-ai-eye-sme'."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return stem[:60] or "deal"


def term_sheet_bytes(valid: state.Valid) -> bytes:
    """The term sheet PDF of a valid deal."""
    from valueshare.reports.termsheet import term_sheet_pdf  # imported here: only needed when asked for

    return term_sheet_pdf(valid.deal, valid.valuation)


def brief_bytes(valid: state.Valid) -> bytes:
    """The negotiation brief PDF of a valid deal."""
    from valueshare.reports.brief import brief_pdf

    return brief_pdf(valid.deal, valid.valuation)


def excel_bytes(valid: state.Valid) -> bytes:
    """The Excel model of a valid deal: every figure a formula over its inputs."""
    from valueshare.reports.excel import deal_workbook

    return deal_workbook(valid.deal, valid.valuation)


@dataclass(frozen=True)
class Document:
    key: str              # session key of the built document: (deal JSON, bytes)
    name: str             # as the buttons say it
    suffix: str           # of the file name
    build: Callable[[state.Valid], bytes]
    help: str
    kind: str = "PDF"     # as the download button says it
    extension: str = "pdf"
    mime: str = "application/pdf"


DOCUMENTS = (
    Document(state.TERM_SHEET, "term sheet", "term-sheet", term_sheet_bytes,
             "The proposed terms and what they are worth, for both parties."),
    Document(state.BRIEF, "negotiation brief", "negotiation-brief", brief_bytes,
             "Internal to the NHS side: what its contribution is worth, what to ask for, the framework check. "
             "Never send it to the partner."),
    Document(state.EXCEL, "Excel model", "model", excel_bytes,
             "The deal as a workbook a finance team can audit: the inputs, every yearly cash flow as a formula over "
             "them, and NPVs and IRR as spreadsheet formulas.", "XLSX", "xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)


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
    for document in DOCUMENTS:
        ready = st.session_state.get(document.key)
        if ready is not None and ready[0] == valid.json:
            st.download_button(f"{document.name[:1].upper() + document.name[1:]} ({document.kind})", ready[1],
                               file_name=f"{stem}-{document.suffix}.{document.extension}", mime=document.mime,
                               icon=":material/download:", width="stretch", type="primary",
                               key=f"download:{document.key}", help=document.help)
        else:
            st.button(f"Prepare {document.name}", icon=":material/description:", width="stretch", on_click=_prepare,
                      args=(document, valid), key=f"prepare:{document.key}",
                      help=f"{document.help} Builds it for this version of the deal, then offers it to download.")
    failure = st.session_state.pop(_FAILURE, None)
    if failure:
        st.error(failure, icon=":material/error:")


def _prepare(document: Document, valid: state.Valid) -> None:
    """Build a document before the run that shows it, so that run offers the download straight away."""
    try:
        content = document.build(valid)
    except ValueshareError as error:
        st.session_state[_FAILURE] = f"The {document.name} could not be made: {md(error)}"
    except Exception:  # noqa: BLE001 - a page shows an error, never a traceback
        _LOG.exception("%s failed", document.name)
        st.session_state[_FAILURE] = (f"The {document.name} could not be made because of an unexpected error; "
                                      "it is logged.")
    else:
        st.session_state[document.key] = (valid.json, content)

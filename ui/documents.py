"""The Documents page's parts: the deal's files, each built from the last valid version of the deal.

Four: the deal file (YAML, whole or without the NHS's negotiating position), the term sheet (PDF, for both parties),
the negotiation brief (PDF, internal to the NHS side) and the Excel model. The PDFs and the workbook are built only
when asked for: the button sets a request, and the run that follows builds the file under a spinner, so a long build
shows progress instead of freezing the page, then offers it for download. A built file is kept with the deal's JSON,
so an edited deal never offers the file of an earlier version.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui import state
from ui.text import md
from valueshare.errors import ValueshareError
from valueshare.scenario import deal_to_yaml
from valueshare.sharing import partner_yaml

_LOG = logging.getLogger(__name__)
REQUEST = "documents:request"


def file_stem(name: str) -> str:
    """A safe file name from a deal's name: 'Retinal AI - eye/SME' -> 'retinal-ai-eye-sme'."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return stem[:60] or "deal"


#: Session keys of the term sheet's choices: an annex each (``valueshare.reports.termsheet_content.DISCLOSURES``).
OPTION = "documents:term-sheet:{}"


def sheet_options(valid: state.Valid) -> Any:
    """The term sheet's options as chosen on the page, with the reference and version from the register when the
    deal was opened from it or saved to it."""
    from ui.register import saved_reference
    from valueshare.reports.termsheet_content import DISCLOSURES, TermSheetOptions

    chosen = {d.key: bool(st.session_state.get(OPTION.format(d.key))) for d in DISCLOSURES}
    reference = saved_reference(valid.deal)
    if reference is None:
        return TermSheetOptions(**chosen)
    key, number, changed, standing = reference
    return TermSheetOptions(**chosen, reference=key, version=number, version_changed=changed, standing=standing)


def term_sheet_bytes(valid: state.Valid, options: Any) -> bytes:
    """The term sheet PDF of a valid deal, with the annexes chosen on the page (``sheet_options``)."""
    from valueshare.reports.termsheet import term_sheet_pdf  # imported here: only needed when asked for

    return term_sheet_pdf(valid.deal, valid.valuation, options=options)


def term_sheet_docx_bytes(valid: state.Valid, options: Any) -> bytes:
    """The term sheet as a Word document, with the same content as the PDF."""
    from valueshare.reports.termsheet_docx import term_sheet_docx

    return term_sheet_docx(valid.deal, valid.valuation, options=options)


def brief_bytes(valid: state.Valid, options: Any = None) -> bytes:
    """The negotiation brief PDF of a valid deal."""
    from valueshare.reports.brief import brief_pdf

    return brief_pdf(valid.deal, valid.valuation)


def excel_bytes(valid: state.Valid, options: Any = None) -> bytes:
    """The Excel model of a valid deal: every figure a formula over its inputs."""
    from valueshare.reports.excel import deal_workbook

    return deal_workbook(valid.deal, valid.valuation)


@dataclass(frozen=True)
class Document:
    key: str              # session key of the built document: (deal JSON, bytes)
    name: str             # as the page says it
    suffix: str           # of the file name
    build: Callable[[state.Valid, Any], bytes]   # the deal, and the term sheet's options (others ignore them)
    audience: str
    holds: str
    called: str           # in a sentence: "the term sheet"
    kind: str = "PDF"     # as the download button says it
    extension: str = "pdf"
    mime: str = "application/pdf"


DOCUMENTS = (
    Document(state.TERM_SHEET, "Term sheet", "term-sheet", term_sheet_bytes, "For both parties.",
             "Heads of terms to send to the partner: the parties, purpose and permitted use, the data and access "
             "route, every financial term in contract language, payment, reporting, term and termination, IP, "
             "publication, governing law and signatures. By default nothing from which the NHS's walk-away, target, "
             "fair band or judgement can be read, and none of the partner's projections: the annexes chosen above add "
             "them, each only when you choose it.", "the term sheet"),
    Document(state.TERM_SHEET_DOCX, "Term sheet for legal review", "term-sheet", term_sheet_docx_bytes,
             "For the lawyers of both parties.",
             "The same term sheet as a Word document, with real headings and tables, so a legal team can redline it "
             "with tracked changes. The annexes chosen above go in it too.", "the term sheet for legal review", "Word",
             "docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    Document(state.BRIEF, "Negotiation brief", "negotiation-brief", brief_bytes,
             "Internal to the NHS side: never send it to the partner.",
             "A one-page summary, then where each side walks away and the zone between them, what one term would "
             "have to be, equivalent offers, the main sensitivities, what the NHS's contribution is worth and the "
             "framework check.", "the negotiation brief"),
    Document(state.EXCEL, "Excel model", "model", excel_bytes, "For the finance team.",
             "The inputs, every yearly cash flow as a formula over them, and both sides' NPVs and the partner's IRR "
             "as spreadsheet formulas, with valueshare's own figures beside them to check.", "the Excel model", "XLSX",
             "xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)


def deal_files(valid: state.Valid) -> None:
    stem = file_stem(valid.deal.name)
    with st.container(border=True):
        st.markdown("**Deal file (YAML)**")
        st.caption("The deal as a scenario file that this app, the CLI and the register open again.")
        left, right = st.columns(2)
        left.download_button("Deal file (YAML)", deal_to_yaml(valid.deal), file_name=f"{stem}.yaml",
                             mime="application/x-yaml", icon=":material/download:", width="stretch",
                             help="Everything, including the NHS's negotiating position: keep it inside the NHS.")
        with right:
            costs = st.checkbox("Disclose the NHS's costs of access to the partner", key="documents:with-nhs-costs",
                                help="The NHS's costs of giving access are left out of the partner's file unless "
                                     "you choose to disclose them: its default walk-away (full cost recovery) can "
                                     "be read from them.")
            st.download_button("Deal file for the partner (YAML)", partner_yaml(valid.deal, with_nhs_costs=costs),
                               file_name=f"{stem}-for-partner.yaml", mime="application/x-yaml",
                               icon=":material/download:", width="stretch",
                               help="The terms, the product and what the NHS contributes; never the NHS's "
                                    "negotiating position and notes, its fair-share judgements, the case for its "
                                    "contribution's value, or a variant not marked shared. The same file as "
                                    "`python -m valueshare export DEAL.yaml --partner-yaml OUT.yaml`.")


def glyph_warnings(valid: state.Valid) -> list[str]:
    """Warn, before a PDF is sent, of each character of the deal that the PDFs' font cannot draw (it would print as
    an empty box); returns the lines shown."""
    from valueshare.reports.glyphs import missing_glyphs  # reportlab is loaded when the page first needs it

    lines = missing_glyphs(valid.deal)
    if lines:
        st.warning("**Some characters cannot be printed in the term sheet and the brief**: each would show as an "
                   "empty box. Replace them (or accept the boxes) before you send a PDF.\n\n"
                   + "\n".join(f"- {md(line)}" for line in lines), icon=":material/warning:")
    return lines


def _built_for(document: Document, valid: state.Valid, options: Any) -> str:
    """What a built document depends on: the deal, and for the term sheet its options."""
    if document.key in (state.TERM_SHEET, state.TERM_SHEET_DOCX):
        return f"{valid.json}\n{options!r}"
    return valid.json


def term_sheet_choices() -> None:
    """One box per annex, each off by default; a chosen one says what it discloses to the partner."""
    from valueshare.reports.termsheet_content import DISCLOSURES

    with st.container(border=True):
        st.markdown("**What the term sheet discloses**")
        st.caption("The term sheet goes to the partner. Each annex is left out unless you choose it.")
        for d in DISCLOSURES:
            if st.checkbox(f"Add {d.label[0].lower() + d.label[1:]}", key=OPTION.format(d.key),
                           help=f"Off by default. When chosen, the term sheet (PDF and Word) discloses {d.discloses}"):
                st.warning(f"**This discloses to the partner** {d.discloses}", icon=":material/visibility:")


def email_summary(valid: state.Valid) -> None:
    """The deal in a few lines to paste into an e-mail, with or without the NHS side's figures."""
    from valueshare.reports.summary import summary_text

    with st.container(border=True):
        st.markdown("**Summary for an e-mail**")
        internal = st.toggle("Include the NHS's headline figures (internal: not for the partner)",
                             key="documents:summary-figures", value=False,
                           help="Off: the deal and its terms only, which you may send to the partner. On: the NHS "
                                "side's headline figures too (NHS NPV, the partner's NPV and IRR, cost recovery, the "
                                "NHS's share of value), for colleagues and approvers only.")
        st.code(summary_text(valid.deal, valid.valuation, for_partner=not internal), language=None,
                wrap_lines=True)
        st.caption("Copy it with the button at the top right of the box.")


def _request(document: Document) -> None:
    st.session_state[REQUEST] = document.key


def document_card(document: Document, valid: state.Valid, options: Any) -> None:
    """A document's card: what it holds, and Prepare, then Download. ``options`` are the term sheet's, worked out
    once for the page's run (``sheet_options`` reads the register)."""
    stem = file_stem(valid.deal.name)
    with st.container(border=True):
        st.markdown(f"**{document.name} ({document.kind})**")
        st.caption(f"{document.audience} {document.holds}")
        if st.session_state.get(REQUEST) == document.key:
            st.session_state.pop(REQUEST)
            with st.spinner(f"Building {document.called} of “{md(valid.deal.name)}”..."):
                _build(document, valid, options)
        ready = st.session_state.get(document.key)
        if ready is not None and ready[0] == _built_for(document, valid, options):
            st.download_button(f"Download {document.called} ({document.kind})", ready[1],
                               file_name=f"{stem}-{document.suffix}.{document.extension}", mime=document.mime,
                               icon=":material/download:", type="primary", key=f"download:{document.key}")
        else:
            st.button(f"Prepare {document.called}", icon=":material/description:",
                      key=f"prepare:{document.key}", on_click=_request, args=(document,),
                      help="Builds it for this version of the deal, then offers it to download.")


def _build(document: Document, valid: state.Valid, options: Any) -> None:
    try:
        content = document.build(valid, options)
    except ValueshareError as error:
        st.error(f"{document.name} could not be made: {md(error)}", icon=":material/error:")
    except Exception:  # noqa: BLE001 - a page shows an error, never a traceback
        _LOG.exception("%s failed", document.name)
        st.error(f"{document.name} could not be made because of an unexpected error; it is logged.",
                 icon=":material/error:")
    else:
        st.session_state[document.key] = (_built_for(document, valid, options), content)

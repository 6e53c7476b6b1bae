"""Documents: the deal file, the term sheet, the negotiation brief and the Excel model, from the last valid version
of the deal."""

from ui import documents, results, state

state.reveal()  # asking for the documents: every field still to fill in is now a problem to fix
valid = results.deal_page("Documents", nothing="No valid version of this deal yet: fix the problems shown to make "
                                               "its documents.")
documents.deal_files(valid)
documents.glyph_warnings(valid)
documents.term_sheet_choices()
options = documents.sheet_options(valid)  # once a run: it reads the register for the reference and standing
for document in documents.DOCUMENTS:
    documents.document_card(document, valid, options)
documents.email_summary(valid)

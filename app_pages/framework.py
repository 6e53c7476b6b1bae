"""Framework check: how the deal meets the NHS Value Sharing Framework. Its three aims in their own units, the
principle checks and the fair share, with the inputs they need."""

import streamlit as st

from ui import framework, results, state

valid = results.deal_page(
    "Framework check", nothing="No valid version of this deal yet: fix the problems shown to check it against the "
                               "framework.",
    caption="assessed against the NHS Value Sharing Framework (July 2023, updated November 2023) and DHSC's 2019 "
            "guiding principles",
    editor=lambda form, draft: framework.inputs_editor(form, draft, state.check()))
with st.spinner("Checking the deal against the framework..."):
    assessment = framework.assessment(valid, None)
framework.aims(valid.deal, assessment)
framework.scorecard(valid)
framework.principles(assessment)
framework.fair_share(valid)

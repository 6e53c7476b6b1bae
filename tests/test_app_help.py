"""Every input on every page explains itself: a help mark (?) on each widget, and for each input of the deal or of
an analysis (a term, an uncertain input, the simulation's trials, a negotiation goal) a link to the section of the
method notes that explains it. Driven by AppTest over every example and every tab of the Risk page."""

from __future__ import annotations

import re

import pytest
from apptest_support import expand, open_page

from ui import contribution, framework, negotiation
from ui.docs import sections
from valueshare.scenario import example_paths

PAGES = ["deal", "valuation", "risk", "framework", "contribution", "negotiation", "compare", "documents", "register",
         "portfolio"]
RISK_TABS = ["Monte Carlo", "Tornado", "Two-way table"]
KINDS = ["number_input", "text_input", "text_area", "selectbox", "multiselect", "checkbox", "toggle", "radio",
         "slider", "select_slider", "date_input", "button_group"]
#: Key prefixes of the widgets that set the deal's inputs or an analysis's; the others (the register's author and
#: note, its search, the example picker) need a help mark but have no method to point to.
ANALYSIS = ("w:", "add:", "risk:", "negotiation:", "compare:")
LINK = "](method#s"


def _widgets(at):
    for kind in KINDS:
        for widget in getattr(at, kind):
            yield kind, widget


def _views(example):
    for page in PAGES:
        # with every box of inputs open: what is in one is drawn only while it is open
        at = expand(open_page(f"app_pages/{page}.py", example), framework.INPUTS, contribution.INPUTS,
                    negotiation.INPUTS)
        if page != "risk":
            yield page, at
            continue
        for tab in RISK_TABS:
            at.session_state["risk:tab"] = tab
            yield f"risk ({tab})", at.run()


@pytest.mark.parametrize("example", example_paths(), ids=lambda p: p.stem)
def test_every_input_has_help_and_every_analysis_input_links_to_its_method_section(example):
    missing, unlinked, seen, linked = [], [], 0, set()
    for view, at in _views(example):
        assert not at.exception, view
        for kind, widget in _widgets(at):
            seen += 1
            where = f"{view}: {kind} {widget.key or widget.label!r}"
            help_text = widget.help or ""
            linked |= set(re.findall(r"\]\(method#(s\d+)\)", help_text))
            if not help_text.strip():
                missing.append(where)
            elif (widget.key or "").startswith(ANALYSIS) and LINK not in help_text:
                unlinked.append(where)
    assert seen > 60
    assert not missing, missing
    assert not unlinked, unlinked
    # Every link lands on a section of the method notes (the Method page anchors "## N." as sN).
    anchors = {anchor for anchor, _, _ in sections("method.md")}
    assert linked and linked <= anchors, linked - anchors

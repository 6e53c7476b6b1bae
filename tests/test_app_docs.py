"""The Guide and Method pages, driven headless by AppTest: the docs as the app shows them (ui.docs).

The user guide in the app is for users (nothing on installing it, its address on this machine or its tests); every
link it shows is an address the app serves (tests/test_docs.py checks where each leads); the other docs are on the
same page, picked in its Document box or by ``?doc=`` (the address a link between docs opens).
"""

from __future__ import annotations

import re

import pytest
from apptest_support import open_page, texts

from ui import docs

GUIDE, METHOD = "app_pages/guide.py", "app_pages/method.py"


def _shown(at) -> str:
    """The page's text as it is written, headings included."""
    parts = [t.value for t in at.title] + [h.value for h in at.header] + [s.value for s in at.subheader]
    return "\n".join([*parts, texts(at)])


def _links(at) -> list[str]:
    return [target for m in at.markdown for target in re.findall(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)", m.value)]


def test_the_guide_page_shows_the_user_guide_for_users_with_no_setup_or_test_talk():
    at = open_page(GUIDE)
    assert not at.exception
    shown = _shown(at)
    assert "Using valueshare" in shown and "Your first term sheet" in shown
    for developer in ("pip install", "localhost", "pytest", "tests/", "test_e2e", "setup.md"):
        assert developer not in shown, developer
    links = _links(at)
    assert links and not [t for t in links if t.endswith(".md") or ".md#" in t], links
    assert {"guide?doc=scenario-format", "guide?doc=register", "guide?doc=excel-model", "guide?doc=brief",
            "method"} <= set(links)


@pytest.mark.parametrize("name", [n for n in docs.GUIDE_DOCS if n != "user-guide.md"])
def test_each_other_doc_opens_on_the_guide_page_from_its_address_and_from_the_document_box(name):
    at = open_page(GUIDE)
    at.query_params["doc"] = docs.stem(name)  # a link between docs opens guide?doc=NAME
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="guide:doc").value == name
    assert at.title[0].value == (docs.GUIDE_DOCS[name] if name.endswith(".json") else docs.sections(name)[0][1])
    chooser = open_page(GUIDE)
    chooser.selectbox(key="guide:doc").select(name).run()
    assert chooser.query_params["doc"] == [docs.stem(name)] or chooser.query_params["doc"] == docs.stem(name)
    assert chooser.title[0].value == at.title[0].value
    assert not [t for t in _links(at) if t.endswith(".md") or ".md#" in t]


def test_the_guide_page_gives_each_heading_the_anchor_links_use():
    at = open_page(GUIDE)
    at.query_params["doc"] = "scenario-format"
    at.run()
    given = {h.proto.anchor for h in [*at.header, *at.subheader]}
    assert {"format-versions", "format-2", "format-3",
            "consortia-the-nhs-as-buyer-grants-platforms-and-outcomes-format-3"} <= given
    assert given == set(docs.anchors("scenario-format.md"))


def test_the_method_page_numbers_its_sections_for_help_links():
    at = open_page(METHOD)
    assert not at.exception
    anchors = [h.proto.anchor for h in at.header]
    assert anchors[:4] == ["s1", "s2", "s3", "s4"] and set(anchors) <= docs.anchors("method.md")


# -- n/a on screen says why --------------------------------------------------------------------------------------

def test_each_na_of_the_compare_pages_figures_says_why():
    from valueshare.scenario import example_paths

    academic = next(p for p in example_paths() if p.stem == "academic-study-consent")
    at = open_page("app_pages/compare.py", academic)
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Figure" in d.value.columns)
    table = table.data if hasattr(table, "data") else table
    shown = texts(at)
    found = 0
    for _, row in table.iterrows():
        for deal in table.columns[1:]:
            if row[deal] == "n/a":
                found += 1
                assert f"n/a: {row['Figure']} ({deal}): " in shown, (row["Figure"], deal)
    assert found  # the academic study's partner has no value to share: its shares are n/a


def test_the_members_and_users_help_says_when_their_cost_recovery_is_na():
    from ui.results import MEMBERS_HELP, USERS_HELP

    assert "n/a for a member that bears no cost" in MEMBERS_HELP and "n/a for a user" in USERS_HELP


def test_the_negotiation_page_says_why_a_share_of_the_partners_value_is_na():
    from valueshare.scenario import example_paths

    academic = next(p for p in example_paths() if p.stem == "academic-study-consent")
    at = open_page("app_pages/negotiation.py", academic)
    assert not at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any(c.startswith("Share of the partner's value n/a: its value before payments to the NHS is not positive")
               for c in captions)
    assert not [c for c in captions if c.startswith("n/a of the partner's value")]

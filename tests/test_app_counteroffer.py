"""The Compare page's counter-offer (issue 18): the partner's returned file read against the deal, what it proposes
and what was kept as the NHS had it, kept in the deal being edited or saved in the register.

Figures: the imaging example's first term is its £60,000 access fee, paid at signature (year 0, not discounted), so
the partner offering £40,000 lowers the NHS's NPV by exactly £20,000.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import errors, texts
from streamlit.testing.v1 import AppTest

from ui import state
from valueshare import value_deal
from valueshare.register import service
from valueshare.register.location import ENV
from valueshare.register.sql import open_register
from valueshare.scenario import deal_from_data, deal_from_yaml, deal_to_data, deal_to_yaml, example_paths, load_deal
from valueshare.sharing import partner_yaml

ROOT = Path(__file__).resolve().parents[1]
IMAGING = next(p for p in example_paths() if p.name == "ai-imaging-device.yaml")
OPENING = next(p for p in example_paths() if p.name == state.OPENING_EXAMPLE)


def returned_file(path: Path) -> bytes:
    """The partner's file for the example, with the fee lowered to £40,000 and a walk-away written in."""
    data = deal_to_data(deal_from_yaml(partner_yaml(load_deal(path))))
    assert data["terms"][0]["kind"] == "access_fee" and data["terms"][0]["amount_gbp"] == 60_000
    data["terms"][0]["amount_gbp"] = 40_000.0
    data["negotiation"] = {"nhs_walk_away_gbp": 1.0, "notes": "<b>ours</b>"}
    return deal_to_yaml(deal_from_data(data)).encode()


def upload(at: AppTest, content: bytes) -> AppTest:
    at.segmented_control(key="compare:mode").set_value("file").run()
    uploader = next(u for u in at.file_uploader if u.key.startswith("compare:upload"))
    uploader.set_value(("returned.yaml", content, "application/x-yaml")).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, start: str):
    return next(b for b in at.button if b.label.startswith(start))


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    where = str(tmp_path / "register.sqlite")
    monkeypatch.setenv(ENV, where)
    return where


def on_compare(example: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    if example != OPENING:
        at.sidebar.file_uploader[0].set_value((example.name, example.read_bytes(), "application/x-yaml")).run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception, at.exception
    return at


def test_a_returned_file_is_read_against_the_deal_and_kept_in_it(register):
    at = upload(on_compare(IMAGING), returned_file(IMAGING))
    shown = texts(at)
    assert "The partner proposes 1 change" in shown
    assert "Kept as the NHS had them" in shown and "negotiation" in shown
    figures = next(d.value for d in at.dataframe if "Figure" in d.value.columns)
    nhs = figures[figures["Figure"] == "NHS NPV"].iloc[0]
    assert nhs["Difference"] == "-£20.0k"                    # the fee at signature, £60,000 -> £40,000
    ours = load_deal(IMAGING)
    button(at, "Keep it in this deal").click().run()
    assert not at.exception and not errors(at)
    kept = at.session_state[state.DRAFT]
    assert kept["terms"][0]["amount_gbp"] == 40_000
    assert kept["negotiation"] == deal_to_data(ours)["negotiation"]   # the NHS's position, never the file's
    assert not Path(register).exists()                                # nothing opened a register


def test_a_counter_offer_kept_as_a_variant_leaves_the_deal_as_it_was(register):
    at = upload(on_compare(IMAGING), returned_file(IMAGING))
    at.radio(key="compare:counter-keep").set_value("variant").run()
    at.text_input(key="compare:counter-name").input("Their reply <i>1</i>").run()
    button(at, "Keep it in this deal").click().run()
    assert not at.exception and not errors(at)
    kept = at.session_state[state.DRAFT]
    assert kept["terms"][0]["amount_gbp"] == 60_000
    variant = kept["variants"][-1]
    assert variant["name"] == "Their reply <i>1</i>" and not variant.get("shared")
    assert variant["overrides"] == {"terms[0].amount_gbp": 40_000}


def test_a_deal_open_from_the_register_saves_the_counter_offer_as_its_next_version(register):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("app_pages/register.py").run()
    at.text_input(key="register:author").input("Ana")
    at.text_area(key="register:note").input("first offer")
    next(b for b in at.button if b.label == "Save as a new version").click().run()
    assert not at.exception, at.exception
    repo = open_register(register)
    try:
        key = repo.deals()[0].key
        service.set_status(repo, key, "offered", author="Ana")
    finally:
        repo.close()
    at.switch_page("app_pages/compare.py").run()
    upload(at, returned_file(OPENING))
    at.text_input(key="compare:counter-author").input("Ana").run()
    button(at, "Save it in the register as version 2").click().run()
    assert not at.exception and not errors(at), errors(at)
    repo = open_register(register)
    try:
        saved = service.open_version(repo, key)
        assert saved.info.number == 2 and saved.info.author == "Ana"
        assert saved.deal.terms[0].amount_gbp == 40_000
        assert service.life(repo, key).status.value == "counter_offered"
        first = service.open_version(repo, key, 1).deal
        assert saved.info.headlines.nhs_npv == pytest.approx(value_deal(first).nhs_npv - 20_000)
    finally:
        repo.close()
    # the saved version is now the one being edited
    assert at.session_state[state.DRAFT]["terms"][0]["amount_gbp"] == 40_000

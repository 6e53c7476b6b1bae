"""The Register page, driven headless by AppTest against a register in a temporary SQLite file.

The app is app.py itself, which lists the Register page.

Figures: as in test_register_service, fee_deal(fee) has NHS NPV = the fee (paid at signature; no NHS costs).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from register_support import Clock, fee_deal
from streamlit.testing.v1 import AppTest

from ui import state
from valueshare import value_deal
from valueshare.format import money
from valueshare.register import service
from valueshare.register.location import ENV
from valueshare.register.records import DealStatus
from valueshare.register.sql import open_register
from valueshare.scenario import deal_to_data, example_paths, load_deal

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/register.py"
OPENING_EXAMPLE = load_deal(next(p for p in example_paths() if p.name == state.OPENING_EXAMPLE))


@pytest.fixture(scope="module")
def app_file() -> Path:
    return ROOT / "app.py"


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    where = str(tmp_path / "register.sqlite")
    monkeypatch.setenv(ENV, where)
    return where


def page(app_file: Path) -> AppTest:
    at = AppTest.from_file(str(app_file), default_timeout=60).run()
    target = PAGE if app_file == ROOT / "app.py" else str(ROOT / PAGE)
    at.switch_page(target).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def table(at: AppTest, *columns: str):
    return next(d.value for d in at.dataframe if all(c in d.value.columns for c in columns))


def save_from_page(at: AppTest, author: str, note: str) -> AppTest:
    at.text_input(key="register:author").input(author)
    at.text_area(key="register:note").input(note)
    button(at, "Save as a new version").click().run()
    assert not at.exception, at.exception
    return at


def seed(where: str, *fees: float, author: str = "Bo") -> None:
    repo = open_register(where, clock=Clock())
    try:
        for number, fee in enumerate(fees, start=1):
            service.save(repo, fee_deal(fee), author=author, note=f"fee {fee:g}",
                         base_version=None if number == 1 else number - 1)
    finally:
        repo.close()


def test_with_no_register_set_the_page_makes_the_default_files_folder_and_saves_there(app_file, tmp_path,
                                                                                    monkeypatch):
    # A new user's machine: no VALUESHARE_REGISTER_URL and no valueshare folder in the data folder yet.
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    at = save_from_page(page(app_file), "Ana Smith", "first offer")
    assert not errors(at) and [s.value for s in at.success]
    default = tmp_path / "data" / "valueshare" / "register.sqlite"
    repo = open_register(str(default))
    try:
        assert service.open_version(repo, OPENING_EXAMPLE.name).info.author == "Ana Smith"
    finally:
        repo.close()


def test_saving_the_open_deal_makes_version_one_with_its_figures(app_file, register):
    at = save_from_page(page(app_file), "Ana Smith", "first offer")
    assert [s.value for s in at.success] == [f"Saved {OPENING_EXAMPLE.name} as version 1.".replace("-", "\\-")]
    history = table(at, "Version", "NHS NPV")
    assert history["Version"].tolist() == [1]
    assert history["Author"].tolist() == ["Ana Smith"] and history["Note"].tolist() == ["first offer"]
    assert history["NHS NPV"].tolist() == [money(value_deal(OPENING_EXAMPLE).nhs_npv)]
    repo = open_register(register)
    try:
        opened = service.open_version(repo, OPENING_EXAMPLE.name)
        assert opened.deal == OPENING_EXAMPLE and opened.info.author == "Ana Smith"
    finally:
        repo.close()
    # The session now builds on version 1: a second save is version 2.
    at = save_from_page(at, "Ana Smith", "same terms, checked")
    assert table(at, "Version", "NHS NPV")["Version"].tolist() == [1, 2]


def test_a_save_needs_a_note_and_says_so(app_file, register):
    at = save_from_page(page(app_file), "Ana", "")
    assert errors(at) == ["**Not saved.** A note is required: say in a few words what changed"]
    assert "No deals in the register yet" in at.info[0].value


def test_a_version_opens_in_the_editor_and_becomes_the_base_of_the_next_save(app_file, register):
    seed(register, 1000, 2500)
    at = page(app_file)
    at.selectbox(key="register:open:test-deal").select(1).run()
    button(at, "Open version 1").click().run()
    assert at.session_state["draft"] == deal_to_data(fee_deal(1000))
    assert at.session_state["draft_source"] == "Test deal (register: version 1)"
    assert "Opened version 1 of Test deal" in at.success[0].value
    # Based on version 1 while version 2 is the latest: the save is refused.
    at = save_from_page(at, "Ana", "my edit")
    assert any("you started from version 1, but version 2 was saved by Bo on 23 Nov 2026 at 09:01 UTC" in e
               for e in errors(at))


def test_an_opened_version_is_named_in_the_address_and_a_new_session_reopens_it(app_file, register):
    seed(register, 1000, 2500)
    at = page(app_file)
    at.selectbox(key="register:open:test-deal").select(1).run()
    button(at, "Open version 1").click().run()
    assert (at.query_params["deal"], at.query_params["version"]) == ("test-deal", "1")
    # A reload of the page starts a new session with the same address: the version opens again, as the base.
    again = AppTest.from_file(str(app_file), default_timeout=60)
    again.query_params["deal"], again.query_params["version"] = "test-deal", "1"
    again.run()
    assert again.session_state["draft"] == deal_to_data(fee_deal(1000))
    assert again.session_state["draft_source"] == "Test deal (register: version 1)"
    # An address that names nothing in the register opens the opening example, and is cleared.
    stale = AppTest.from_file(str(app_file), default_timeout=60)
    stale.query_params["deal"] = "no-such-deal"
    stale.run()
    assert stale.session_state["draft"] == deal_to_data(OPENING_EXAMPLE) and not stale.exception


def test_a_stale_save_is_refused_naming_who_saved_and_the_draft_is_kept(app_file, register):
    seed(register, 1000)
    at = page(app_file)
    button(at, "Open version 1").click().run()
    # Someone else saves version 2 meanwhile.
    repo = open_register(register, clock=Clock())
    service.save(repo, fee_deal(2500), author="Bo *the* Li", note="their edit", base_version=1)
    repo.close()
    # This session edits its draft (fee 1000 -> 4000) and saves on version 1.
    draft = at.session_state["draft"]
    draft["terms"][0]["amount_gbp"] = 4000.0
    at.session_state["draft"] = draft
    at = save_from_page(at.run(), "Ana", "my edit")
    refusal = next(e.value for e in at.error if "Not saved" in e.value)
    assert "Bo \\*the\\* Li" in refusal                         # user text escaped: no markup from a name
    assert "version 2 was saved by Bo *the* Li on" in refusal.replace("\\", "")
    assert at.session_state["draft"]["terms"][0]["amount_gbp"] == 4000.0   # the draft is untouched
    figures = table(at, "Figure", "Your deal", "Version 2")
    nhs = figures[figures["Figure"] == "NHS NPV"]
    assert nhs[["Your deal", "Version 2"]].values.tolist() == [["£4,000", "£2,500"]]   # NHS NPV = the fee
    inputs = table(at, "Input", "Your deal", "Version 2")
    assert inputs["Field path"].tolist() == ["terms[0].amount_gbp"]
    repo = open_register(register)
    assert [v.number for v in repo.versions("test-deal")] == [1, 2]
    # Choosing to save on top of version 2 keeps the other version in the history.
    button(at, "Save my deal on top of version 2").click().run()
    assert [(v.number, v.author) for v in repo.versions("test-deal")] == [(1, "Bo"), (2, "Bo *the* Li"), (3, "Ana")]
    assert service.open_version(repo, "test-deal", 3).deal == fee_deal(4000)
    assert repo.versions("test-deal")[2].headlines.nhs_npv == pytest.approx(4000)   # NHS NPV = the fee
    repo.close()


def test_two_versions_side_by_side_show_what_changed(app_file, register):
    seed(register, 1000, 2500)
    at = page(app_file)
    figures = table(at, "Figure", "Version 1", "Version 2")
    nhs = figures[figures["Figure"] == "NHS NPV"]
    assert nhs[["Version 1", "Version 2", "Differs"]].values.tolist() == [["£1,000", "£2,500", "Yes"]]
    inputs = table(at, "Input", "Field path")
    assert inputs["Field path"].tolist() == ["terms[0].amount_gbp"]


def test_restoring_a_version_saves_it_again_as_the_newest(app_file, register):
    seed(register, 1000, 2500)
    at = page(app_file)
    at.text_input(key="register:restore-author:test-deal").input("Cy")
    at.text_input(key="register:restore-note:test-deal").input("back to the offer")
    button(at, "Restore").click().run()
    assert "Restored version 1 as version 3." in at.success[0].value
    history = table(at, "Version", "NHS NPV")
    assert history["NHS NPV"].tolist() == ["£1,000", "£2,500", "£1,000"]
    assert history["Note"].tolist()[-1] == "back to the offer (restores version 1)"


def test_search_and_archive_hide_and_find_deals(app_file, register):
    seed(register, 1000)
    repo = open_register(register)
    service.save(repo, fee_deal(5, name="Genomic discovery"), author="Cy", note="n", base_version=None)
    repo.close()
    at = page(app_file)
    assert table(at, "Deal", "Archived")["Deal"].tolist() == ["genomic-discovery", "test-deal"]
    at.text_input(key="register:search").input("genomic").run()
    assert table(at, "Deal", "Archived")["Deal"].tolist() == ["genomic-discovery"]
    at.text_input(key="register:archive-author:genomic-discovery").input("Di")
    button(at, "Archive this deal").click().run()
    assert "No deals found." in [i.value for i in at.info]
    at.toggle(key="register:archived").set_value(True).run()
    assert table(at, "Deal", "Archived").values.tolist()[0][-1] == "Yes"


def test_a_register_that_cannot_be_opened_is_an_error_not_a_traceback(app_file, monkeypatch):
    monkeypatch.setenv(ENV, "mysql://ana:s3cret@db/register")
    at = page(app_file)
    # the address is not made a link: a zero-width space follows its ':' and its '@' (ui/text.py md)
    assert errors(at) == ["**The register cannot be opened.** 'mysql:\u200b//ana:***@\u200bdb/register': "
                          "the register works with an SQLite file or a PostgreSQL database, not mysql"]
    assert not re.search("s3cret|Traceback", str(at.error))


# -- hardening: a new register, a register file deleted while the app runs, no server paths -----------------------

def shown_text(at: AppTest) -> str:
    """Every message, caption and piece of text on the page."""
    parts = [e.value for kind in (at.error, at.warning, at.info, at.success, at.caption, at.markdown) for e in kind]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def test_a_new_empty_register_started_by_the_app_is_said_to_be_new(app_file, register, tmp_path):
    at = page(app_file)
    box = at.info[0].value.replace("\\", "")
    assert box.startswith("No deals in the register yet: save this one above. This register is new: there was no "
                          "register file, so the app started a new, empty one. If you expected to see saved deals, "
                          "the register file has been moved or deleted")
    assert "Register: the register file" in shown_text(at)
    assert str(tmp_path) not in shown_text(at)   # the server's folders are not shown


def test_a_register_opened_as_it_was_is_not_said_to_be_new(app_file, register):
    seed(register, 1000)
    at = page(app_file)
    assert "This register is new" not in shown_text(at)


def test_a_register_file_deleted_while_the_app_runs_shows_why_and_none_of_its_old_deals(app_file, register,
                                                                                      tmp_path):
    seed(register, 1000, 2500)
    at = page(app_file)
    assert table(at, "Deal", "Archived")["Deal"].tolist() == ["test-deal"]
    Path(register).unlink()
    at.run()
    assert not at.exception
    assert errors(at) == ["**The register cannot be used.** the register file was deleted or moved while "
                          "valueshare was running, so nothing was saved: restore the file from a backup, or start "
                          "a new register"]
    assert not [d for d in at.dataframe if "Deal" in d.value.columns]      # was: the deleted deals, still listed
    assert not [b for b in at.button if b.label == "Save as a new version"]
    assert str(tmp_path) not in shown_text(at)
    assert not Path(register).exists()                                     # and no empty file in its place
    # Opening it again with nothing put back starts a new, empty register, and the page says so.
    button(at, "Open the register again").click().run()
    assert not errors(at) and "This register is new" in at.info[0].value.replace("\\", "")


def test_a_register_file_put_back_from_a_backup_opens_again_with_its_deals(app_file, register, tmp_path):
    seed(register, 1000)
    at = page(app_file)
    backup = tmp_path / "backup.sqlite"
    shutil.copy(register, backup)
    Path(register).unlink()
    at.run()
    assert "was deleted or moved while valueshare was running" in errors(at)[0]
    shutil.copy(backup, register)   # put back: another file, as far as the open register knows
    at.run()
    assert "was deleted or moved" in errors(at)[0]
    button(at, "Open the register again").click().run()
    assert not errors(at) and table(at, "Deal", "Archived")["Deal"].tolist() == ["test-deal"]
    assert "This register is new" not in shown_text(at)


def test_the_register_page_moves_a_deal_along_its_life_and_shows_each_event(app_file, register):
    seed(register, 1000, 2000)
    at = page(app_file)
    key = "test-deal"
    at.text_input(key=f"register:life-author:{key}").input("Dr Okafor")
    at.selectbox(key=f"register:status-to:{key}").set_value(DealStatus.OFFERED)
    at.text_input(key=f"register:status-note:{key}").input("sent to the partner")
    next(b for b in at.button if b.label == "Change status").click().run()
    assert not at.exception and errors(at) == []
    # agreed needs the latest version (2) signed off first: refused, named, nothing recorded
    at.selectbox(key=f"register:status-to:{key}").set_value(DealStatus.AGREED)
    next(b for b in at.button if b.label == "Change status").click().run()
    assert errors(at) == ["**Not recorded.** Deal 'test-deal' cannot be marked agreed: its latest version (2) has "
                          "not been signed off by an approver"]
    at.selectbox(key=f"register:sign-off-version:{key}").set_value(2)
    next(b for b in at.button if b.label == "Sign off").click().run()
    at.selectbox(key=f"register:comment-version:{key}").set_value(1)
    at.text_area(key=f"register:comment-text:{key}").input("**Cap** the <royalty>?")
    next(b for b in at.button if b.label == "Add comment").click().run()
    assert not at.exception
    events = table(at, "When", "Who", "What", "Note or comment")
    assert events[["Who", "What", "Note or comment"]].values.tolist() == [
        ["Dr Okafor", "Status: offered", "sent to the partner"], ["Dr Okafor", "Signed off version 2", ""],
        ["Dr Okafor", "Comment on version 1", "**Cap** the <royalty>?"]]
    assert any(m.value.startswith("**Status: Offered**") for m in at.markdown)

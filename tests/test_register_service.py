"""The register's use cases, against every repository: the in-memory fake, an SQLite file and PostgreSQL (when a
server can be started). The same tests on all three keep the fake honest.

Figures: ``fee_deal(fee)`` is the builders' base deal (worked in test_engine_golden's docstring) with a one-off
access fee paid at signature. By hand:
- NHS NPV = the fee (year 0 is not discounted; the NHS has no costs in this deal): £1,000.
- the partner, at 10%: -fee - 100/1.1 - 100/1.1^2 + 600/1.1^3 + 600/1.1^4 + 600/1.1^5
  = -1000 - 90.909 - 82.645 + 450.789 + 409.808 + 372.553 = £59.60 for a £1,000 fee.
- the partner's value before paying the NHS is £1,059.60, so the NHS share is 1000 / 1059.60 = 94.38%.
- partner IRR: the rate that zeroes -1000, -100, -100, 600, 600, 600: 11.48% (numpy_financial.irr agrees).
- cost recovery: none (no NHS costs entered); chance of launch 0.5 × 0.8 = 40%.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from register_support import Clock, fee_deal, location, pg_location  # noqa: F401 - fixtures

from valueshare.errors import DealInvalid
from valueshare.register import InMemoryRepository, service
from valueshare.register.errors import (
    DealNotFound,
    RegisterError,
    SaveRefused,
    VersionConflict,
    VersionNotFound,
)
from valueshare.register.records import Headlines, deal_key

KEY = "test-deal"


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def repo(request: pytest.FixtureRequest, tmp_path: Path):
    clock = Clock()
    if request.param == "memory":
        yield InMemoryRepository(clock)
        return
    from valueshare.register.sql import open_register

    where = str(tmp_path / "register.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_location")
    opened = open_register(where, clock=clock)
    yield opened
    opened.close()


def save(repo, fee=1000.0, *, base, author="Ana", note="terms agreed", **changes):
    return service.save(repo, fee_deal(fee, **changes), author=author, note=note, base_version=base)


# -- saving -------------------------------------------------------------------------------------------------------

def test_first_save_is_version_one_with_the_headline_figures_worked_by_hand(repo):
    info = save(repo, base=None)
    assert (info.deal_key, info.number, info.author, info.note) == (KEY, 1, "Ana", "terms agreed")
    assert info.saved_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the clock's first reading
    h = repo.versions(KEY)[0].headlines
    assert h.nhs_npv == pytest.approx(1000.0)
    assert h.partner_npv == pytest.approx(59.596, abs=1e-3)
    assert h.partner_irr == pytest.approx(0.114762, abs=1e-6)
    assert h.nhs_share == pytest.approx(1000 / 1059.596, abs=1e-6)
    assert h.cost_recovery is None
    assert h.launch_probability == pytest.approx(0.4)
    assert h.texts()["NHS NPV"] == "£1,000" and h.texts()["Cost recovery"] == "n/a"


def test_each_save_on_the_latest_version_takes_the_next_number(repo):
    save(repo, base=None)
    second = save(repo, 2000, base=1, author="Bo", note="fee doubled")
    third = save(repo, 3000, base=2, author="Cy", note="fee tripled")
    assert [(v.number, v.author, v.note) for v in repo.versions(KEY)] == [
        (1, "Ana", "terms agreed"), (2, "Bo", "fee doubled"), (3, "Cy", "fee tripled")]
    assert (second.number, third.number) == (2, 3)
    # NHS NPV is the fee: each version keeps its own figures.
    assert [v.headlines.nhs_npv for v in repo.versions(KEY)] == pytest.approx([1000, 2000, 3000])


def test_saving_on_a_version_that_is_no_longer_the_latest_is_refused_naming_who_saved_the_newer_one(repo):
    save(repo, base=None)
    save(repo, 2000, base=1, author="Bo Li", note="fee doubled")       # saved at 09:01 by the test clock
    mine = fee_deal(5000)
    with pytest.raises(VersionConflict) as refused:
        service.save(repo, mine, author="Ana", note="my edit", base_version=1)
    message = str(refused.value)
    assert "version 2 was saved by Bo Li on 23 Nov 2026 at 09:01 UTC" in message
    assert "you started from version 1" in message and "Your edits are kept" in message
    assert refused.value.latest.number == 2 and refused.value.base_version == 1
    assert [v.number for v in repo.versions(KEY)] == [1, 2]              # nothing written
    assert mine == fee_deal(5000)                                        # the caller still has its edits


def test_saving_a_new_deal_whose_name_is_already_in_the_register_is_refused(repo):
    save(repo, base=None)
    with pytest.raises(VersionConflict, match="is already in the register .version 1 was saved by Ana"):
        save(repo, 9999, base=None, author="Bo")
    assert len(repo.versions(KEY)) == 1


def test_a_base_version_for_a_deal_not_in_the_register_is_refused(repo):
    with pytest.raises(DealNotFound, match="no deal 'test-deal' in the register"):
        save(repo, base=3)


@pytest.mark.parametrize("author, note, message", [
    ("", "x", "an author is required"), ("   ", "x", "an author is required"),
    ("Ana", "", "a note is required: say in a few words what changed"),
    ("Ana", "x" * 2001, "the note is too long .at most 2,000 characters."),
])
def test_a_save_needs_an_author_and_a_note(repo, author, note, message):
    with pytest.raises(SaveRefused, match=message):
        save(repo, base=None, author=author, note=note)
    with pytest.raises(DealNotFound):
        repo.deal(KEY)


def test_notes_are_kept_on_one_line_and_a_control_character_is_refused_not_dropped(repo):
    save(repo, base=None, note="fee\nagreed  in   full")
    assert repo.versions(KEY)[0].note == "fee agreed in full"
    for author, note, where in [("Ana", "fee\x1b[31m", "note"), ("A\x00na", "n", "author"),
                                ("Ana", "next\x85line", "note")]:
        with pytest.raises(SaveRefused, match=rf"the {where} holds the character U\+00(1B|00|85) .* remove it"):
            save(repo, base=1, author=author, note=note)
    assert len(repo.versions(KEY)) == 1  # nothing was saved


def test_the_deal_key_comes_from_the_name_unless_one_is_given(repo):
    info = service.save(repo, fee_deal(name="Retinal AI: St Elsewhere's"), author="Ana", note="n", base_version=None)
    assert info.deal_key == "retinal-ai-st-elsewhere-s" == deal_key("Retinal AI: St Elsewhere's")
    other = service.save(repo, fee_deal(name="Renamed"), author="Ana", note="n", base_version=1,
                         key="retinal-ai-st-elsewhere-s")
    assert (other.deal_key, other.number, other.deal_name) == ("retinal-ai-st-elsewhere-s", 2, "Renamed")


# -- reading ------------------------------------------------------------------------------------------------------

def test_any_version_opens_as_the_deal_that_was_saved(repo):
    save(repo, base=None)
    save(repo, 2000, base=1)
    assert service.open_version(repo, KEY, 1).deal == fee_deal(1000)
    assert service.open_version(repo, "Test deal", 2).deal == fee_deal(2000)  # by name too
    latest = service.open_version(repo, KEY)
    assert latest.info.number == 2 and latest.content_format == "yaml" and "amount_gbp: 2000.0" in latest.text


def test_a_deal_saved_as_json_is_stored_and_opened_as_json(repo):
    service.save(repo, fee_deal(1500), author="Ana", note="n", base_version=None, content_format="json")
    opened = service.open_version(repo, KEY, 1)
    assert opened.content_format == "json" and opened.text.lstrip().startswith("{")
    assert opened.deal == fee_deal(1500)


def test_a_missing_version_or_deal_is_named(repo):
    save(repo, base=None)
    with pytest.raises(VersionNotFound, match="deal 'test-deal' has no version 4 .its versions are 1 to 1."):
        service.open_version(repo, KEY, 4)
    with pytest.raises(DealNotFound, match="no deal 'other' in the register"):
        service.history(repo, "other")


def test_diff_shows_the_figures_and_terms_that_changed(repo):
    save(repo, base=None)
    save(repo, 2500, base=1, author="Bo", note="fee up")
    found = service.diff(repo, KEY, 1, 2)
    assert (found.older.number, found.newer.author) == (1, "Bo")
    figures = {row.label: row for row in found.comparison.figures}
    assert figures["NHS NPV"].values == pytest.approx([1000, 2500]) and figures["NHS NPV"].differs
    # Partner NPV falls by the extra £1,500 paid at signature: 59.60 - 1,500 = -1,440.40.
    assert figures["Partner NPV"].values == pytest.approx([59.596, -1440.404], abs=1e-3)
    assert not figures["Chance of launch"].differs
    assert [(r.path, r.label, r.values) for r in found.comparison.inputs] == [
        ("terms[0].amount_gbp", "Access fee (term 1): amount (£)", [1000.0, 2500.0])]


# -- restore, list, archive ----------------------------------------------------------------------------------------

def test_restore_saves_an_old_version_again_as_a_new_version(repo):
    save(repo, base=None)
    save(repo, 2500, base=1, author="Bo", note="fee up")
    restored = service.restore(repo, KEY, 1, author="Cy", note="back to the agreed fee")
    assert (restored.number, restored.restored_from, restored.author) == (3, 1, "Cy")
    assert service.open_version(repo, KEY, 3).deal == fee_deal(1000)
    assert service.open_version(repo, KEY, 2).deal == fee_deal(2500)   # nothing overwritten
    assert repo.versions(KEY)[2].headlines.nhs_npv == pytest.approx(1000)


def test_restore_refuses_the_latest_version_and_a_stale_base(repo):
    save(repo, base=None)
    save(repo, 2500, base=1, author="Bo", note="fee up")
    with pytest.raises(SaveRefused, match="version 2 is already the latest version"):
        service.restore(repo, KEY, 2, author="Cy", note="n")
    with pytest.raises(VersionConflict, match="version 2 was saved by Bo"):
        service.restore(repo, KEY, 1, author="Cy", note="n", base_version=1)


def test_deals_are_found_by_name_key_or_party_in_any_case(repo):
    save(repo, base=None)
    service.save(repo, fee_deal(name="Genomic discovery", partner={"name": "Helix 100% Bio", "kind": "sme"}),
                 author="Ana", note="n", base_version=None)

    def keys(text: str) -> list[str]:
        return [d.key for d in service.find(repo, text)]

    assert keys("") == ["genomic-discovery", "test-deal"]  # by name
    assert keys("GENOMIC") == ["genomic-discovery"]
    assert keys("test trust") == ["genomic-discovery", "test-deal"]  # the NHS side of both
    assert keys("helix") == ["genomic-discovery"]
    assert keys("100%") == ["genomic-discovery"] and keys("1_0") == []  # % and _ are literal, not wildcards
    assert keys("no such") == []
    service.save(repo, fee_deal(name="Étude génomique", nhs={"name": "Hôpital Élan", "kind": "trust"}),
                 author="Ana", note="n", base_version=None)
    assert keys("élan") == keys("ÉLAN") == keys("étude") == ["etude-genomique"]  # beyond A-Z too


def test_archiving_hides_a_deal_from_the_default_list_and_is_recorded(repo):
    save(repo, base=None)
    event = service.archive(repo, KEY, author="Bo", note="deal signed")
    assert service.find(repo) == []
    found = service.find(repo, include_archived=True)
    assert [(d.key, d.archived) for d in found] == [(KEY, True)]
    assert [v.number for v in repo.versions(KEY)] == [1]               # nothing dropped
    assert (event.author, event.note, event.archived) == ("Bo", "deal signed", True)
    with pytest.raises(RegisterError, match="already archived"):
        service.archive(repo, KEY, author="Bo")
    service.archive(repo, KEY, author="Cy", archived=False)
    history = service.history(repo, KEY)
    assert [(e.archived, e.author) for e in history.events] == [(True, "Bo"), (False, "Cy")]
    assert not history.deal.archived and [d.key for d in service.find(repo)] == [KEY]


def test_a_stored_text_changed_behind_the_registers_back_is_reported_not_opened(tmp_path):
    repo = InMemoryRepository(Clock())
    save(repo, base=None)
    stored = repo.version(KEY, 1)
    repo.tamper(KEY, 1, stored.content.replace("1000.0", "9000.0"))
    with pytest.raises(DealInvalid, match="register: deal 'test-deal' version 1: its stored text no longer matches"):
        service.open_version(repo, KEY, 1)


def test_a_stored_text_that_breaks_the_rules_is_reported_with_its_field():
    repo = InMemoryRepository(Clock())
    good = service.new_version(fee_deal(), author="Ana", note="n")
    bad_text = good.content.replace("amount_gbp: 1000.0", "amount_gbp: -5")
    repo.add_version(KEY, replace(good, content=bad_text), None)
    with pytest.raises(DealInvalid) as error:
        service.open_version(repo, KEY, 1)
    assert [p.path for p in error.value.problems] == ["terms[0].amount_gbp"]
    assert str(error.value).startswith("register: deal 'test-deal' version 1: terms[0].amount_gbp")


def test_headlines_of_a_deal_without_an_irr_are_stored_as_no_answer():
    # With no terms and no route to market there are no partner flows at all: no IRR, no launch.
    deal = fee_deal(route_to_market=None, terms=[])
    h = service.new_version(deal, author="Ana", note="n").headlines
    assert h == Headlines(0.0, 0.0, None, None, None, None)

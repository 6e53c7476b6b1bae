"""The deal's life in the register (issue 18): a status per deal, an approver's sign-off before it may be agreed,
comments on versions, each event with who and when; on the in-memory fake, an SQLite file and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from register_support import Clock, fee_deal, location, pg_location, repo  # noqa: F401 - fixtures

from valueshare.register import service
from valueshare.register.errors import SaveRefused, StatusConflict, VersionNotFound
from valueshare.register.records import DealStatus, EventKind


def saved(repo, versions: int = 1) -> str:
    info = service.save(repo, fee_deal(1000), author="Ana", note="first", base_version=None)
    for k in range(2, versions + 1):
        info = service.save(repo, fee_deal(1000 * k), author="Ana", note=f"v{k}", base_version=k - 1)
    return info.deal_key


def test_a_deal_starts_as_a_draft_and_every_change_is_an_event_with_who_and_when(repo):
    key = saved(repo)
    assert service.life(repo, key).status is DealStatus.DRAFT
    # the clock: 09:00 for the save, 09:01 for the status change (one minute a reading)
    event = service.set_status(repo, key, "offered", author="Ana", note="sent to the partner")
    assert (event.kind, event.status, event.author, event.text, event.version) == (
        EventKind.STATUS, DealStatus.OFFERED, "Ana", "sent to the partner", 1)
    assert event.at == datetime(2026, 11, 23, 9, 1, tzinfo=UTC)
    life = service.life(repo, key)
    assert life.status is DealStatus.OFFERED and life.events == [event]


def test_a_deal_is_agreed_only_once_its_latest_version_is_signed_off(repo):
    key = saved(repo, versions=2)
    service.set_status(repo, key, "offered", author="Ana")
    with pytest.raises(SaveRefused, match=r"latest version \(2\) has not been signed off"):
        service.set_status(repo, key, "agreed", author="Ana")
    service.sign_off(repo, key, 1, author="Dr Okafor", note="version 1 only")
    with pytest.raises(SaveRefused, match="has not been signed off"):
        service.set_status(repo, key, "agreed", author="Ana")  # an older version's sign-off does not count
    off = service.sign_off(repo, key, 2, author="Dr Okafor", note="within my delegation")
    assert off.kind is EventKind.SIGN_OFF and off.version == 2
    service.set_status(repo, key, DealStatus.AGREED, author="Ana")
    life = service.life(repo, key)
    assert life.status is DealStatus.AGREED and life.signed_off == [1, 2] and life.approved
    assert life.standing().startswith("agreed; version 2 approved by Dr Okafor on 23 Nov 2026 at ")
    # a new version after agreement is not approved until signed off again
    service.save(repo, fee_deal(5000), author="Ana", note="late change", base_version=2)
    assert not service.life(repo, key).approved
    assert service.life(repo, key).standing() == "agreed; version 3 not yet approved"


def test_statuses_move_only_along_the_deals_life_and_say_what_may_come_next(repo):
    key = saved(repo)
    with pytest.raises(SaveRefused, match=r"is draft: it cannot become signed \(next: offered, withdrawn\)"):
        service.set_status(repo, key, "signed", author="Ana")
    with pytest.raises(SaveRefused, match="'approved' is not a status: use one of draft, offered, counter-offered"):
        service.set_status(repo, key, "approved", author="Ana")
    for step in ("offered", "counter-offered", "offered"):
        service.set_status(repo, key, step, author="Ana")
    service.sign_off(repo, key, 1, author="Board")
    for step in ("agreed", "signed", "closed"):
        service.set_status(repo, key, step, author="Ana")
    with pytest.raises(SaveRefused, match="next: none: it has ended"):
        service.set_status(repo, key, "draft", author="Ana")
    assert [e.status.value for e in service.life(repo, key).events if e.kind is EventKind.STATUS] == [
        "offered", "counter_offered", "offered", "agreed", "signed", "closed"]


def test_a_status_change_made_on_a_stale_status_is_refused(repo):
    key = saved(repo)
    from valueshare.register.records import DealEvent

    repo.add_event(key, DealEvent(key, EventKind.STATUS, "Ben", service.now_placeholder(), "", 1, DealStatus.OFFERED))
    stale = DealEvent(key, EventKind.STATUS, "Ana", service.now_placeholder(), "", 1, DealStatus.WITHDRAWN)
    with pytest.raises(StatusConflict, match="is now offered, not draft"):
        repo.add_event(key, stale, expected_status=DealStatus.DRAFT)


def test_comments_keep_their_text_as_typed_and_name_their_version(repo):
    key = saved(repo, versions=2)
    text = "Royalty <b>too high</b> & the cap?\nSee clause 5.3 — £2m"
    event = service.comment(repo, key, 1, author="Ben", text=text)
    assert (event.text, event.version, event.author) == (text, 1, "Ben")
    assert service.life(repo, key).events[-1].text == text
    with pytest.raises(SaveRefused, match="a comment needs some text"):
        service.comment(repo, key, 1, author="Ben", text="  ")
    with pytest.raises(SaveRefused, match="an author is required"):
        service.comment(repo, key, 1, author="", text="ok")
    with pytest.raises(VersionNotFound):
        service.comment(repo, key, 7, author="Ben", text="no such version")
    with pytest.raises(SaveRefused, match="U\\+0007"):
        service.comment(repo, key, 1, author="Ben", text="bell\x07")

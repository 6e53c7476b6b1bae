"""Schema migrations: a register made by the first release (schema revision 0001) or the second (0002) opens in
this one, upgraded on open, with its whole history intact and an audit chain (0003) that verifies clean; the head
revision builds exactly the tables the code queries; and the database itself keeps the history append-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from register_support import Clock, fee_deal, location, pg_location  # noqa: F401 - fixtures

from valueshare import value_deal
from valueshare.errors import DealInvalid
from valueshare.register import service
from valueshare.register.records import checksum
from valueshare.register.sql import (
    alembic_config,
    current_revision,
    database_url,
    head_revision,
    make_engine,
    open_register,
)
from valueshare.register.tables import VERSION_TABLE, metadata
from valueshare.scenario import deal_to_yaml

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def upgrade_to(location: str, revision: str) -> sa.Engine:
    engine = make_engine(database_url(location))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    return engine


def _move_head(conn, deal_id: int, key: str, number: int) -> None:
    """Make the deal (for version 1) or move its head, as the first two releases did, before inserting a version."""
    if number == 1:
        conn.execute(sa.text("INSERT INTO register_deals (id, key, created_at, head) VALUES (:id, :key, :at, 1)"),
                     {"id": deal_id, "key": key, "at": T0})
    else:
        conn.execute(sa.text("UPDATE register_deals SET head = :n WHERE id = :id AND head = :b"),
                     {"n": number, "id": deal_id, "b": number - 1})


def release_one_save(conn, deal_id: int, key: str, number: int, author: str, note: str, fee: float,
                     name: str = "Retinal AI") -> None:
    """Write a version as the first release did: move the head, then insert the version (no search columns)."""
    deal = fee_deal(fee, name=name)
    text = deal_to_yaml(deal)
    v = value_deal(deal)
    _move_head(conn, deal_id, key, number)
    conn.execute(sa.text(
        "INSERT INTO register_versions (deal_id, number, author, saved_at, note, content_format, content, sha256, "
        "nhs_npv_gbp, partner_npv_gbp, partner_irr, cost_recovery_ratio, nhs_share, launch_probability) VALUES "
        "(:deal_id, :number, :author, :at, :note, 'yaml', :content, :sha, :nhs, :partner, :irr, NULL, :share, "
        ":launch)"),
        {"deal_id": deal_id, "number": number, "author": author, "at": T0.replace(minute=30 + number), "note": note,
         "content": text, "sha": checksum(text), "nhs": v.nhs_npv, "partner": v.partner_npv,
         "irr": v.partner_irr.value, "share": v.nhs_share, "launch": v.launch_probability})


def test_a_register_from_the_first_release_opens_upgraded_with_its_history_intact(location):
    engine = upgrade_to(location, "0001")
    with engine.begin() as conn:
        release_one_save(conn, 1, "retinal-ai", 1, "Ana", "first offer", 1000)
        release_one_save(conn, 1, "retinal-ai", 2, "Bo", "fee up", 2500)
        release_one_save(conn, 2, "other-deal", 1, "Cy", "draft", 500, name="Other deal")
    with engine.connect() as conn:
        assert current_revision(conn) == "0001"
        assert "register_archive_events" not in sa.inspect(conn).get_table_names()
    engine.dispose()

    repo = open_register(location, clock=Clock())   # upgrades on open
    try:
        with repo.engine.connect() as conn:
            assert current_revision(conn) == head_revision() == "0006"
        # Revision 0003 sealed the old versions into their audit chains: the whole register verifies clean.
        checked = service.verify(repo)
        assert (checked.deals, checked.versions, checked.problems) == (2, 3, [])
        assert all(len(v.chain) == 64 for v in repo.versions("retinal-ai"))
        # Revision 0004 (the deal's life): a deal saved before it is a draft, with no events.
        assert service.life(repo, "retinal-ai").status.value == "draft"
        assert service.life(repo, "retinal-ai").events == []
        history = service.history(repo, "retinal-ai")
        assert [(v.number, v.author, v.note) for v in history.versions] == [
            (1, "Ana", "first offer"), (2, "Bo", "fee up")]
        assert [v.saved_at for v in history.versions] == [T0.replace(minute=31), T0.replace(minute=32)]
        # NHS NPV is the fee paid at signature (see test_register_service): stored figures unchanged.
        assert [v.headlines.nhs_npv for v in history.versions] == pytest.approx([1000, 2500])
        assert service.open_version(repo, "retinal-ai", 1).deal == fee_deal(1000, name="Retinal AI")
        # Revision 0002 filled in the search columns from each stored text.
        assert (history.versions[0].deal_name, history.versions[0].partner_name) == ("Retinal AI", "Test Partner")
        assert [d.key for d in service.find(repo, "retinal")] == ["retinal-ai"]
        assert [d.key for d in service.find(repo, "test partner")] == ["other-deal", "retinal-ai"]
        # Revision 0006 (outlines): the old versions have none, so the portfolio works them out from their text and
        # gives their saved figures: the NHS NPV of retinal-ai's latest version and of other-deal, 2,500 + 500.
        from valueshare.register.portfolio import portfolio
        folio = portfolio(repo)
        assert folio.worked_out == 2 and folio.total_nhs_npv_gbp == pytest.approx(3000)
        assert [d.fees_gbp for d in folio.deals] == pytest.approx([500, 2500])  # by name: Other deal, Retinal AI
        # ... and the new features work on the old history.
        assert not history.deal.archived
        service.archive(repo, "other-deal", author="Di")
        assert [d.key for d in service.find(repo)] == ["retinal-ai"]
        third = service.save(repo, fee_deal(3000, name="Retinal AI"), author="Ed", note="after upgrade",
                             base_version=2)
        assert third.number == 3
        assert service.restore(repo, "retinal-ai", 1, author="Ed", note="back").restored_from == 1
        # Versions saved after the upgrade link on to the chain the upgrade computed, and have an outline.
        assert service.verify(repo).problems == []
        assert portfolio(repo, include_archived=True).worked_out == 1   # other-deal's only version is from 0001
    finally:
        repo.close()


def test_opening_twice_upgrades_once_and_a_newer_release_is_refused(tmp_path):
    where = str(tmp_path / "register.sqlite")
    open_register(where).close()
    open_register(where).close()
    engine = make_engine(database_url(where))
    with engine.begin() as conn:
        assert current_revision(conn) == head_revision()
        conn.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = '0099'"))
    engine.dispose()
    from valueshare.register.errors import RegisterUnavailable

    with pytest.raises(RegisterUnavailable, match=r"made by a newer release of valueshare \(schema revision 0099\)"):
        open_register(where)


def test_a_register_started_by_another_program_between_the_checks_is_opened_not_refused(pg_location, monkeypatch):
    """The race seen in CI (PostgreSQL, writers opening a new register at once): a program read no schema revision,
    then another program committed the new register's tables and revision, then the first read those tables and
    refused the register as "not made by valueshare". Here the other program starts the register just after this
    one has read the revision; the tables are read before the revision, so both reads see the register as it was
    before it was started (or both after), never a mix: it opens, and the upgrade under the lock finds it done.
    PostgreSQL only: SQLite reads in one transaction see one snapshot, and the other program's write would wait
    for this one's read to end."""
    location = pg_location
    from valueshare.register import sql

    real = sql.current_revision
    calls = []

    def another_program_first(connection):
        calls.append(1)
        revision = real(connection)
        if len(calls) == 1:  # the first read, before the lock: another program starts the register just after it
            open_register(location).close()  # (its own reads are the real ones: calls is no longer empty)
        return revision

    monkeypatch.setattr(sql, "current_revision", another_program_first)
    repo = open_register(location)  # refused before the fix: "has register tables but no schema revision"
    repo.close()
    monkeypatch.setattr(sql, "current_revision", real)
    engine = make_engine(database_url(location))
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    engine.dispose()


def test_the_head_revision_builds_exactly_the_tables_the_code_queries(location):
    engine = upgrade_to(location, "head")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_the_second_revision_downgrades_and_upgrades_again_keeping_the_versions(tmp_path):
    where = str(tmp_path / "register.sqlite")
    repo = open_register(where, clock=Clock())
    service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
    repo.close()
    engine = make_engine(database_url(where))
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    engine.dispose()
    repo = open_register(where)
    try:
        assert [(v.number, v.deal_name) for v in repo.versions("test-deal")] == [(1, "Test deal")]
    finally:
        repo.close()


def release_two_save(conn, deal_id: int, key: str, number: int, author: str, note: str, fee: float, *,
                     name: str = "Retinal AI", content_format: str = "yaml", restored_from: int | None = None) -> None:
    """Write a version as the second release did (schema 0002): the first release's columns plus the names, the
    search text and the version restored, and no chain."""
    deal = fee_deal(fee, name=name)
    text = deal_to_yaml(deal) if content_format == "yaml" else service.text_of(deal, "json")
    v = value_deal(deal)
    _move_head(conn, deal_id, key, number)
    conn.execute(sa.text(
        "INSERT INTO register_versions (deal_id, number, author, saved_at, note, content_format, content, sha256, "
        "nhs_npv_gbp, partner_npv_gbp, partner_irr, cost_recovery_ratio, nhs_share, launch_probability, deal_name, "
        "nhs_name, partner_name, restored_from, search_text) VALUES (:deal_id, :number, :author, :at, :note, "
        ":format, :content, :sha, :nhs, :partner, :irr, NULL, :share, :launch, :name, 'Test Trust', 'Test Partner', "
        ":restored, :search)"),
        {"deal_id": deal_id, "number": number, "author": author, "note": note, "format": content_format,
         "at": T0.replace(minute=10 + number, second=7, microsecond=123456), "content": text, "sha": checksum(text),
         "nhs": v.nhs_npv, "partner": v.partner_npv, "irr": v.partner_irr.value, "share": v.nhs_share,
         "launch": v.launch_probability, "name": name, "restored": restored_from,
         "search": f"{key}\n{name.lower()}\ntest trust\ntest partner"})


def test_a_register_from_the_second_release_opens_with_an_audit_chain_that_verifies_and_catches_a_rewrite(location):
    engine = upgrade_to(location, "0002")
    with engine.begin() as conn:
        release_two_save(conn, 1, "retinal-ai", 1, "Ana", "first offer", 1000)
        release_two_save(conn, 1, "retinal-ai", 2, "Bo", "fee up", 2500, content_format="json")
        release_two_save(conn, 1, "retinal-ai", 3, "Cy", "back to the offer", 1000, restored_from=1)
        release_two_save(conn, 2, "other-deal", 1, "Di", "draft", 0, name="Other deal")
        conn.execute(sa.text("INSERT INTO register_archive_events (deal_id, archived, author, at, note) "
                             "VALUES (2, :yes, 'Di', :at, 'parked')"), {"yes": True, "at": T0.replace(hour=11)})
    engine.dispose()

    repo = open_register(location, clock=Clock())
    try:
        checked = service.verify(repo)
        assert (checked.deals, checked.versions, checked.problems) == (2, 4, [])
        history = service.history(repo, "retinal-ai")   # checks the chain too
        assert [(v.number, v.author, v.restored_from) for v in history.versions] == [
            (1, "Ana", None), (2, "Bo", None), (3, "Cy", 1)]
        assert service.open_version(repo, "retinal-ai", 2).deal == fee_deal(2500, name="Retinal AI")
        assert [(d.key, d.archived) for d in service.find(repo, include_archived=True)] == [
            ("other-deal", True), ("retinal-ai", False)]
        # Someone with table access rewrites version 2's text and its checksum (lifting the guard first): the
        # chain the upgrade computed no longer matches, and every read says which version.
        forged = service.text_of(fee_deal(9000, name="Retinal AI"), "json")
        with repo.engine.begin() as conn:
            lift_guard(conn)
            conn.execute(sa.text("UPDATE register_versions SET content = :c, sha256 = :s WHERE number = 2 AND "
                                 "deal_id = 1"), {"c": forged, "s": checksum(forged)})
        assert service.verify(repo).problems == [
            "deal 'retinal-ai' version 2: its record no longer matches the register's audit chain (changed outside "
            "valueshare)"]
        with pytest.raises(DealInvalid, match="register: deal 'retinal-ai' version 2: its record was changed "
                                              "outside valueshare"):
            service.open_version(repo, "retinal-ai", 2)
    finally:
        repo.close()


def lift_guard(conn) -> None:
    """Drop (SQLite) or disable (PostgreSQL) revision 0002's trigger that refuses any change to a version, as
    someone who owns the tables can."""
    if conn.dialect.name == "sqlite":
        conn.execute(sa.text("DROP TRIGGER register_versions_no_update"))
    else:
        conn.execute(sa.text("ALTER TABLE register_versions DISABLE TRIGGER register_versions_no_change"))


def test_the_chain_revision_downgrades_and_upgrades_again_to_the_same_chain(location):
    repo = open_register(location, clock=Clock())
    try:
        service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
        service.save(repo, fee_deal(2000), author="Bo", note="m", base_version=1)
        chains = [v.chain for v in repo.versions("test-deal")]
    finally:
        repo.close()
    engine = make_engine(database_url(location))
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
        assert "chain" not in {c["name"] for c in sa.inspect(conn).get_columns("register_versions")}
    with (pytest.raises(sa.exc.DBAPIError, match="the register keeps every record"),   # the guard is still there
          engine.begin() as conn):
        conn.execute(sa.text("UPDATE register_versions SET note = 'x'"))
    engine.dispose()
    repo = open_register(location)
    try:
        assert [v.chain for v in repo.versions("test-deal")] == chains   # recomputed by 0003, the same
        assert service.verify(repo).problems == []
    finally:
        repo.close()


# -- the database keeps the history append-only ---------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE register_versions SET note = 'rewritten'",
    "DELETE FROM register_versions",
    "DELETE FROM register_deals",
    "UPDATE register_deals SET head = 7",
    "UPDATE register_deals SET key = 'renamed'",
    "UPDATE register_archive_events SET author = 'someone else'",
    "DELETE FROM register_archive_events",
])
def test_the_database_refuses_to_change_or_delete_history(location, statement):
    repo = open_register(location, clock=Clock())
    try:
        service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
        service.save(repo, fee_deal(2000), author="Bo", note="m", base_version=1)
        service.archive(repo, "test-deal", author="Cy")
        with (pytest.raises(sa.exc.DBAPIError, match="the register keeps every record|only moves from one version"),
              repo.engine.begin() as conn):
            conn.execute(sa.text(statement))
        assert [(v.number, v.note) for v in repo.versions("test-deal")] == [(1, "n"), (2, "m")]
        assert repo.deal("test-deal").archived
    finally:
        repo.close()


def test_the_database_refuses_a_version_that_does_not_follow_its_deals_head(location):
    repo = open_register(location, clock=Clock())
    try:
        service.save(repo, fee_deal(1000), author="Ana", note="n", base_version=None)
        with repo.engine.connect() as conn:
            row = dict(conn.execute(sa.text("SELECT * FROM register_versions")).mappings().one())
        row.pop("id")
        row["number"] = 2   # without moving the head to 2 first
        columns, values = ", ".join(row), ", ".join(f":{c}" for c in row)
        with (pytest.raises(sa.exc.DBAPIError, match="must take the number its deal head was moved to"),
              repo.engine.begin() as conn):
            conn.execute(sa.text(f"INSERT INTO register_versions ({columns}) VALUES ({values})"), row)
        assert [v.number for v in repo.versions("test-deal")] == [1]
    finally:
        repo.close()
